//! Validation of a `RUN_EXPERIMENT` task's `run_configuration` (API.md §4.4): a flat object
//! discriminated by `experiment_type`. Unknown top-level keys are a 400; free-form parts
//! (`provider_parameters`, tool definitions, extra invocation parameters) are kept as given.
//! The stored value is echoed back as the task's `run_configuration`, always with its
//! `experiment_type` (the official SDK needs it to pick the variant).

use serde_json::{Map, Value};

use crate::problem::ApiError;
use crate::routes::Obj;
use crate::validate::{bad, enum_field, only_keys, present, string_map};

pub(crate) const EXPERIMENT_TYPES: &[&str] =
    &["LLM_GENERATION", "TEMPLATE_EVALUATION", "AGENT_CALL"];
const INPUT_VARIABLE_FORMATS: &[&str] = &["F_STRING", "MUSTACHE", "NONE"];
const MESSAGE_ROLES: &[&str] = &["USER", "ASSISTANT", "SYSTEM", "TOOL"];
const RESPONSE_FORMATS: &[&str] = &["TEXT", "JSON_OBJECT", "JSON_SCHEMA"];

/// A validated run configuration.
#[derive(Clone, Debug)]
pub(crate) struct RunConfig {
    /// The normalized configuration, as stored and echoed.
    pub(crate) value: Value,
    /// `ai_integration_id` (LLM_GENERATION, TEMPLATE_EVALUATION).
    pub(crate) ai_integration_id: Option<String>,
    /// `integration_id` (AGENT_CALL).
    pub(crate) agent_integration_id: Option<String>,
    /// `evaluator_version_id` (TEMPLATE_EVALUATION).
    pub(crate) evaluator_version_id: Option<String>,
}

/// Copies `obj` without its `null` values.
fn without_nulls(obj: &Obj) -> Obj {
    obj.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn required_string(o: &Obj, path: &str, key: &str) -> Result<String, ApiError> {
    match present(o, key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(Value::String(_)) => Err(bad(format!("Field '{path}{key}' must not be empty."))),
        Some(_) => Err(bad(format!("Field '{path}{key}' must be a string."))),
        None => Err(bad(format!("Field '{path}{key}' is required."))),
    }
}

fn optional(
    o: &Obj,
    path: &str,
    key: &str,
    ok: fn(&Value) -> bool,
    what: &str,
) -> Result<(), ApiError> {
    match present(o, key) {
        Some(v) if !ok(v) => Err(bad(format!("Field '{path}{key}' must be {what}."))),
        _ => Ok(()),
    }
}

fn is_int(v: &Value) -> bool {
    v.as_i64().is_some()
}

fn is_object(v: &Value) -> bool {
    v.is_object()
}

/// Parses and normalizes a `run_configuration`.
pub(crate) fn run_configuration(v: &Value, lenient: bool) -> Result<RunConfig, ApiError> {
    let Value::Object(raw) = v else {
        return Err(bad("Field 'run_configuration' must be an object."));
    };
    let p = "run_configuration.";
    let kind = enum_field(
        "run_configuration.experiment_type",
        raw.get("experiment_type"),
        EXPERIMENT_TYPES,
        lenient,
    )?;
    let mut o = without_nulls(raw);
    o.insert("experiment_type".into(), Value::String(kind.into()));
    let mut rc = RunConfig {
        value: Value::Null,
        ai_integration_id: None,
        agent_integration_id: None,
        evaluator_version_id: None,
    };
    match kind {
        "LLM_GENERATION" => {
            only_keys(
                &o,
                p,
                &[
                    "experiment_type",
                    "ai_integration_id",
                    "model_name",
                    "messages",
                    "input_variable_format",
                    "invocation_parameters",
                    "provider_parameters",
                    "tool_config",
                    "prompt_version_id",
                ],
            )?;
            rc.ai_integration_id = Some(required_string(&o, p, "ai_integration_id")?);
            optional(&o, p, "model_name", Value::is_string, "a string")?;
            optional(&o, p, "prompt_version_id", Value::is_string, "a string")?;
            let fmt = enum_field(
                "run_configuration.input_variable_format",
                o.get("input_variable_format"),
                INPUT_VARIABLE_FORMATS,
                lenient,
            )?;
            o.insert("input_variable_format".into(), Value::String(fmt.into()));
            let messages = messages(o.get("messages"), lenient)?;
            o.insert("messages".into(), messages);
            if let Some(tc) = present(&o, "tool_config") {
                tool_config(&format!("{p}tool_config"), tc)?;
            }
        }
        "TEMPLATE_EVALUATION" => {
            only_keys(
                &o,
                p,
                &[
                    "experiment_type",
                    "ai_integration_id",
                    "model_name",
                    "template",
                    "provide_explanation",
                    "classification_choices",
                    "column_mapping",
                    "evaluator_version_id",
                    "invocation_parameters",
                    "provider_parameters",
                ],
            )?;
            rc.ai_integration_id = Some(required_string(&o, p, "ai_integration_id")?);
            required_string(&o, p, "template")?;
            optional(&o, p, "model_name", Value::is_string, "a string")?;
            match present(&o, "provide_explanation") {
                Some(Value::Bool(_)) => {}
                Some(_) => {
                    return Err(bad(format!(
                        "Field '{p}provide_explanation' must be a boolean."
                    )))
                }
                None => return Err(bad(format!("Field '{p}provide_explanation' is required."))),
            }
            optional(
                &o,
                p,
                "classification_choices",
                |v| {
                    v.as_object()
                        .is_some_and(|m| m.values().all(Value::is_number))
                },
                "an object with numeric values",
            )?;
            if let Some(cm) = present(&o, "column_mapping") {
                string_map("run_configuration.column_mapping", cm)?;
            }
            rc.evaluator_version_id = match present(&o, "evaluator_version_id") {
                None => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(_) => {
                    return Err(bad(format!(
                        "Field '{p}evaluator_version_id' must be a string."
                    )))
                }
            };
        }
        _ => {
            only_keys(
                &o,
                p,
                &["experiment_type", "integration_id", "input_template"],
            )?;
            rc.agent_integration_id = Some(required_string(&o, p, "integration_id")?);
            match present(&o, "input_template") {
                Some(Value::Object(_)) => {}
                Some(_) => {
                    return Err(bad(format!("Field '{p}input_template' must be an object.")))
                }
                None => return Err(bad(format!("Field '{p}input_template' is required."))),
            }
        }
    }
    if kind != "AGENT_CALL" {
        optional(&o, p, "provider_parameters", is_object, "an object")?;
        o.entry("provider_parameters")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(ip) = present(&o, "invocation_parameters") {
            let normalized = invocation_parameters(ip, lenient)?;
            o.insert("invocation_parameters".into(), normalized);
        }
    }
    rc.value = Value::Object(o);
    Ok(rc)
}

fn messages(v: Option<&Value>, lenient: bool) -> Result<Value, ApiError> {
    let key = "run_configuration.messages";
    let items = match v {
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(Value::Array(_)) => {
            return Err(bad(format!(
                "Field '{key}' must have at least one message."
            )))
        }
        Some(_) => return Err(bad(format!("Field '{key}' must be an array."))),
        None => return Err(bad(format!("Field '{key}' is required."))),
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, m) in items.iter().enumerate() {
        let path = format!("{key}[{i}].");
        let Value::Object(m) = m else {
            return Err(bad(format!("Field '{key}[{i}]' must be an object.")));
        };
        only_keys(m, &path, &["role", "content", "tool_call_id", "tool_calls"])?;
        let mut m = without_nulls(m);
        let role = enum_field(
            &format!("{path}role"),
            m.get("role"),
            MESSAGE_ROLES,
            lenient,
        )?;
        m.insert("role".into(), Value::String(role.into()));
        optional(&m, &path, "content", Value::is_string, "a string")?;
        optional(&m, &path, "tool_call_id", Value::is_string, "a string")?;
        if let Some(calls) = present(&m, "tool_calls") {
            let normalized = tool_calls(&format!("{path}tool_calls"), calls, lenient)?;
            m.insert("tool_calls".into(), normalized);
        }
        out.push(Value::Object(m));
    }
    Ok(Value::Array(out))
}

fn tool_calls(key: &str, v: &Value, lenient: bool) -> Result<Value, ApiError> {
    let Value::Array(calls) = v else {
        return Err(bad(format!("Field '{key}' must be an array.")));
    };
    let mut out = Vec::with_capacity(calls.len());
    for (i, c) in calls.iter().enumerate() {
        let path = format!("{key}[{i}].");
        let Value::Object(c) = c else {
            return Err(bad(format!("Field '{key}[{i}]' must be an object.")));
        };
        only_keys(c, &path, &["id", "type", "function"])?;
        let mut c = without_nulls(c);
        optional(&c, &path, "id", Value::is_string, "a string")?;
        let t = enum_field(
            &format!("{path}type"),
            c.get("type"),
            &["FUNCTION"],
            lenient,
        )?;
        c.insert("type".into(), Value::String(t.into()));
        let Some(Value::Object(f)) = c.get("function") else {
            return Err(bad(format!(
                "Field '{path}function' is required (an object)."
            )));
        };
        let fpath = format!("{path}function.");
        only_keys(f, &fpath, &["name", "arguments"])?;
        required_string(f, &fpath, "name")?;
        match f.get("arguments") {
            Some(Value::String(_)) => {}
            _ => {
                return Err(bad(format!(
                    "Field '{fpath}arguments' is required (a JSON string)."
                )))
            }
        }
        out.push(Value::Object(c));
    }
    Ok(Value::Array(out))
}

fn tool_config(key: &str, v: &Value) -> Result<(), ApiError> {
    let Value::Object(o) = v else {
        return Err(bad(format!("Field '{key}' must be an object.")));
    };
    only_keys(o, &format!("{key}."), &["tools", "tool_choice"])?;
    optional(
        o,
        &format!("{key}."),
        "tools",
        |v| v.as_array().is_some_and(|a| a.iter().all(Value::is_object)),
        "an array of objects",
    )
}

/// Known keys are type-checked; other keys are allowed and kept.
fn invocation_parameters(v: &Value, lenient: bool) -> Result<Value, ApiError> {
    let p = "run_configuration.invocation_parameters.";
    let Value::Object(o) = v else {
        return Err(bad(
            "Field 'run_configuration.invocation_parameters' must be an object.",
        ));
    };
    let mut o = without_nulls(o);
    for k in ["temperature", "top_p"] {
        optional(&o, p, k, Value::is_number, "a number")?;
    }
    for k in ["frequency_penalty", "presence_penalty"] {
        optional(
            &o,
            p,
            k,
            |v| v.as_f64().is_some_and(|x| (-2.0..=2.0).contains(&x)),
            "a number between -2 and 2",
        )?;
    }
    for k in [
        "max_tokens",
        "max_completion_tokens",
        "top_k",
        "thinking_budget",
    ] {
        optional(&o, p, k, is_int, "an integer")?;
    }
    for k in [
        "thinking_level",
        "reasoning_effort",
        "verbosity",
        "service_tier",
    ] {
        optional(&o, p, k, Value::is_string, "a string")?;
    }
    optional(
        &o,
        p,
        "stop",
        |v| v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        "an array of strings",
    )?;
    if let Some(tc) = present(&o, "tool_config") {
        tool_config(&format!("{p}tool_config"), tc)?;
    }
    if let Some(rf) = present(&o, "response_format") {
        let Value::Object(rf) = rf else {
            return Err(bad(format!(
                "Field '{p}response_format' must be an object."
            )));
        };
        let rpath = format!("{p}response_format.");
        only_keys(rf, &rpath, &["type", "json_schema"])?;
        let mut rf = without_nulls(rf);
        if rf.contains_key("type") {
            let t = enum_field(
                &format!("{rpath}type"),
                rf.get("type"),
                RESPONSE_FORMATS,
                lenient,
            )?;
            rf.insert("type".into(), Value::String(t.into()));
        }
        if let Some(js) = present(&rf, "json_schema") {
            let Value::Object(js) = js else {
                return Err(bad(format!(
                    "Field '{rpath}json_schema' must be an object."
                )));
            };
            let jpath = format!("{rpath}json_schema.");
            only_keys(js, &jpath, &["name", "description", "schema", "strict"])?;
            optional(js, &jpath, "name", Value::is_string, "a string")?;
            optional(js, &jpath, "description", Value::is_string, "a string")?;
            optional(js, &jpath, "schema", is_object, "an object")?;
            optional(js, &jpath, "strict", Value::is_boolean, "a boolean")?;
        }
        o.insert("response_format".into(), Value::Object(rf));
    }
    Ok(Value::Object(o))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn llm_generation() {
        let ok = json!({
            "experiment_type": "LLM_GENERATION", "ai_integration_id": "i",
            "input_variable_format": "MUSTACHE",
            "messages": [{"role": "SYSTEM", "content": "x"}, {"role": "USER", "content": "{{a}}"}],
            "invocation_parameters": {"temperature": 0.2, "max_tokens": 256, "custom": true}
        });
        let rc = run_configuration(&ok, false).unwrap();
        assert_eq!(rc.ai_integration_id.as_deref(), Some("i"));
        assert_eq!(rc.value["provider_parameters"], json!({}));
        let mut missing = ok.clone();
        missing
            .as_object_mut()
            .unwrap()
            .remove("input_variable_format");
        assert!(run_configuration(&missing, false).is_err());
        let mut no_msgs = ok.clone();
        no_msgs["messages"] = json!([]);
        assert!(run_configuration(&no_msgs, false).is_err());
        let mut lower = ok.clone();
        lower["experiment_type"] = json!("llm_generation");
        lower["messages"][0]["role"] = json!("system");
        assert!(run_configuration(&lower, false).is_err());
        let rc = run_configuration(&lower, true).unwrap();
        assert_eq!(rc.value["experiment_type"], "LLM_GENERATION");
        assert_eq!(rc.value["messages"][0]["role"], "SYSTEM");
        let mut unknown = ok.clone();
        unknown["extra"] = json!(1);
        assert!(run_configuration(&unknown, false).is_err());
    }

    #[test]
    fn template_and_agent() {
        let t = json!({"experiment_type": "TEMPLATE_EVALUATION", "ai_integration_id": "i",
            "template": "Is {{a}} ok?", "provide_explanation": true,
            "classification_choices": {"yes": 1, "no": 0}, "column_mapping": {"a": "output"}});
        assert!(run_configuration(&t, false).is_ok());
        let mut no_expl = t.clone();
        no_expl
            .as_object_mut()
            .unwrap()
            .remove("provide_explanation");
        assert!(run_configuration(&no_expl, false).is_err());
        let a = json!({"experiment_type": "AGENT_CALL", "integration_id": "x", "input_template": {"q": "{{q}}"}});
        let rc = run_configuration(&a, false).unwrap();
        assert_eq!(rc.agent_integration_id.as_deref(), Some("x"));
        assert!(run_configuration(&json!({"experiment_type": "NOPE"}), false).is_err());
    }
}
