//! Validation and normalization of `RUN_EXPERIMENT` run configurations (API.md §4.4).
//!
//! The configuration is a flat object discriminated by `experiment_type`. Enum values are
//! accepted in any case (with `-` for `_`) and sent upper case; optional keys given as `null`
//! are dropped (as the official SDK does). Unknown keys are rejected, except inside
//! `invocation_parameters`, which the reference allows to carry extra keys. A missing
//! `input_variable_format` on `LLM_GENERATION` is an error, never defaulted (API.md §7 row 3).

use serde_json::{Map, Value};

use super::task::normalize_enum;
use crate::error::{Error, Result};

const ROOT: &str = "run_configuration";

const EXPERIMENT_TYPES: &[&str] = &["LLM_GENERATION", "TEMPLATE_EVALUATION", "AGENT_CALL"];
const INPUT_VARIABLE_FORMATS: &[&str] = &["F_STRING", "MUSTACHE", "NONE"];
const MESSAGE_ROLES: &[&str] = &["USER", "ASSISTANT", "SYSTEM", "TOOL"];
const TOOL_CALL_TYPES: &[&str] = &["FUNCTION"];
const RESPONSE_FORMAT_TYPES: &[&str] = &["TEXT", "JSON_OBJECT", "JSON_SCHEMA"];

pub const LLM_GENERATION_FIELDS: &[&str] = &[
    "experiment_type",
    "ai_integration_id",
    "model_name",
    "messages",
    "input_variable_format",
    "invocation_parameters",
    "provider_parameters",
    "tool_config",
    "prompt_version_id",
];
pub const TEMPLATE_EVALUATION_FIELDS: &[&str] = &[
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
];
pub const AGENT_CALL_FIELDS: &[&str] = &["experiment_type", "integration_id", "input_template"];
pub const MESSAGE_FIELDS: &[&str] = &["role", "content", "tool_call_id", "tool_calls"];
const TOOL_CALL_FIELDS: &[&str] = &["id", "type", "function"];
const FUNCTION_FIELDS: &[&str] = &["name", "arguments"];
pub const TOOL_CONFIG_FIELDS: &[&str] = &["tools", "tool_choice"];
const RESPONSE_FORMAT_FIELDS: &[&str] = &["type", "json_schema"];
const JSON_SCHEMA_FIELDS: &[&str] = &["name", "description", "schema", "strict"];

/// Validates a run configuration and returns it with enum values upper-cased and `null`
/// optional keys removed. Errors are [`Error::Validation`] whose field is a path such as
/// `run_configuration.messages[1].role`.
pub fn normalize_run_configuration(v: &Value) -> Result<Value> {
    let src = object(v, ROOT)?;
    let et_path = format!("{ROOT}.experiment_type");
    let experiment_type = match src.get("experiment_type") {
        None | Some(Value::Null) => {
            return Err(Error::validation(
                et_path,
                "is required: one of LLM_GENERATION, TEMPLATE_EVALUATION, AGENT_CALL",
            ))
        }
        Some(value) => enum_value(value, &et_path, EXPERIMENT_TYPES, &[])?,
    };
    let out = match experiment_type.as_str() {
        "LLM_GENERATION" => llm_generation(src)?,
        "TEMPLATE_EVALUATION" => template_evaluation(src)?,
        _ => agent_call(src)?,
    };
    Ok(Value::Object(out))
}

/// Walks one JSON object: rejects unknown keys, copies validated values into `out`.
struct Obj<'a> {
    path: String,
    src: &'a Map<String, Value>,
    out: Map<String, Value>,
}

impl<'a> Obj<'a> {
    fn new(path: &str, src: &'a Map<String, Value>, allowed: &[&str], kind: &str) -> Result<Self> {
        for key in src.keys() {
            if !allowed.contains(&key.as_str()) {
                return Err(Error::validation(
                    format!("{path}.{key}"),
                    format!(
                        "is not a field of {kind}; allowed fields: {}",
                        allowed.join(", ")
                    ),
                ));
            }
        }
        Ok(Obj {
            path: path.to_owned(),
            src,
            out: Map::new(),
        })
    }

    fn field(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    /// The value of `key`, `None` when absent or `null`.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.src.get(key).filter(|v| !v.is_null())
    }

    fn require(&self, key: &str, what: &str) -> Result<&'a Value> {
        self.get(key)
            .ok_or_else(|| Error::validation(self.field(key), format!("is required ({what})")))
    }

    fn put(&mut self, key: &str, v: Value) {
        self.out.insert(key.to_owned(), v);
    }

    fn string(&mut self, key: &str, required: bool, non_empty: bool) -> Result<()> {
        let v = match (self.get(key), required) {
            (Some(v), _) => v,
            (None, true) => return Err(self.require(key, "a string").unwrap_err()),
            (None, false) => return Ok(()),
        };
        let s = v
            .as_str()
            .ok_or_else(|| Error::validation(self.field(key), "must be a string"))?;
        if non_empty && s.trim().is_empty() {
            return Err(Error::validation(self.field(key), "must not be empty"));
        }
        self.put(key, v.clone());
        Ok(())
    }

    fn enumeration(&mut self, key: &str, allowed: &[&str], aliases: &[(&str, &str)]) -> Result<()> {
        if let Some(v) = self.get(key) {
            let n = enum_value(v, &self.field(key), allowed, aliases)?;
            self.put(key, Value::String(n));
        }
        Ok(())
    }

    fn boolean(&mut self, key: &str, required: bool) -> Result<()> {
        match self.get(key) {
            Some(v @ Value::Bool(_)) => self.put(key, v.clone()),
            Some(_) => return Err(Error::validation(self.field(key), "must be true or false")),
            None if required => return Err(self.require(key, "true or false").unwrap_err()),
            None => {}
        }
        Ok(())
    }

    fn object_any(&mut self, key: &str, required: bool) -> Result<()> {
        match self.get(key) {
            Some(v @ Value::Object(_)) => self.put(key, v.clone()),
            Some(_) => return Err(Error::validation(self.field(key), "must be a JSON object")),
            None if required => return Err(self.require(key, "a JSON object").unwrap_err()),
            None => {}
        }
        Ok(())
    }

    /// An object whose values all pass `check` (`"a string"`, `"a number"`).
    fn map_of(&mut self, key: &str, what: &str, check: fn(&Value) -> bool) -> Result<()> {
        let Some(v) = self.get(key) else {
            return Ok(());
        };
        let m = object(v, &self.field(key))?;
        for (k, item) in m {
            if !check(item) {
                return Err(Error::validation(
                    format!("{}.{k}", self.field(key)),
                    format!("must be {what}"),
                ));
            }
        }
        self.put(key, v.clone());
        Ok(())
    }

    fn number(&mut self, key: &str, integer: bool, range: Option<(f64, f64)>) -> Result<()> {
        let Some(v) = self.get(key) else {
            return Ok(());
        };
        let ok = if integer {
            v.is_i64() || v.is_u64()
        } else {
            v.is_number()
        };
        if !ok {
            let what = if integer { "an integer" } else { "a number" };
            return Err(Error::validation(
                self.field(key),
                format!("must be {what}"),
            ));
        }
        if let (Some((lo, hi)), Some(x)) = (range, v.as_f64()) {
            if !(lo..=hi).contains(&x) {
                return Err(Error::validation(
                    self.field(key),
                    format!("must be between {lo} and {hi}, got {x}"),
                ));
            }
        }
        self.put(key, v.clone());
        Ok(())
    }

    fn finish(self) -> Map<String, Value> {
        self.out
    }
}

fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| Error::validation(path, "must be a JSON object"))
}

fn enum_value(v: &Value, path: &str, allowed: &[&str], aliases: &[(&str, &str)]) -> Result<String> {
    let list = allowed.join(", ");
    let s = v
        .as_str()
        .ok_or_else(|| Error::validation(path, format!("must be a string, one of {list}")))?;
    let n = normalize_enum(s);
    let n = aliases
        .iter()
        .find(|(from, _)| *from == n)
        .map(|(_, to)| (*to).to_owned())
        .unwrap_or(n);
    if allowed.contains(&n.as_str()) {
        Ok(n)
    } else {
        Err(Error::validation(
            path,
            format!("'{s}' is not allowed; use one of {list} (any case)"),
        ))
    }
}

fn is_string(v: &Value) -> bool {
    v.is_string()
}

fn is_number(v: &Value) -> bool {
    v.is_number()
}

fn llm_generation(src: &Map<String, Value>) -> Result<Map<String, Value>> {
    let mut o = Obj::new(
        ROOT,
        src,
        LLM_GENERATION_FIELDS,
        "LLM_GENERATION run configurations",
    )?;
    o.put("experiment_type", Value::from("LLM_GENERATION"));
    o.string("ai_integration_id", true, true)?;
    o.string("model_name", false, false)?;
    let messages = o.require("messages", "a non-empty array of messages")?;
    let list = messages
        .as_array()
        .ok_or_else(|| Error::validation(o.field("messages"), "must be an array of messages"))?;
    if list.is_empty() {
        return Err(Error::validation(
            o.field("messages"),
            "must contain at least one message",
        ));
    }
    let mut out_messages = Vec::with_capacity(list.len());
    for (i, m) in list.iter().enumerate() {
        out_messages.push(message(m, &format!("{ROOT}.messages[{i}]"))?);
    }
    o.put("messages", Value::Array(out_messages));
    if o.get("input_variable_format").is_none() {
        return Err(Error::validation(
            o.field("input_variable_format"),
            "is required for LLM_GENERATION run configurations: use MUSTACHE for {{var}} templates or F_STRING for {var}",
        ));
    }
    o.enumeration(
        "input_variable_format",
        INPUT_VARIABLE_FORMATS,
        &[("FSTRING", "F_STRING")],
    )?;
    invocation_parameters(&mut o)?;
    o.object_any("provider_parameters", false)?;
    if let Some(tc) = o.get("tool_config") {
        let tc = tool_config(tc, &o.field("tool_config"))?;
        o.put("tool_config", tc);
    }
    o.string("prompt_version_id", false, false)?;
    Ok(o.finish())
}

fn template_evaluation(src: &Map<String, Value>) -> Result<Map<String, Value>> {
    let mut o = Obj::new(
        ROOT,
        src,
        TEMPLATE_EVALUATION_FIELDS,
        "TEMPLATE_EVALUATION run configurations",
    )?;
    o.put("experiment_type", Value::from("TEMPLATE_EVALUATION"));
    o.string("ai_integration_id", true, true)?;
    o.string("model_name", false, false)?;
    o.string("template", true, true)?;
    o.boolean("provide_explanation", true)?;
    o.map_of("classification_choices", "a number", is_number)?;
    o.map_of("column_mapping", "a string", is_string)?;
    o.string("evaluator_version_id", false, false)?;
    invocation_parameters(&mut o)?;
    o.object_any("provider_parameters", false)?;
    Ok(o.finish())
}

fn agent_call(src: &Map<String, Value>) -> Result<Map<String, Value>> {
    let mut o = Obj::new(
        ROOT,
        src,
        AGENT_CALL_FIELDS,
        "AGENT_CALL run configurations",
    )?;
    o.put("experiment_type", Value::from("AGENT_CALL"));
    o.string("integration_id", true, true)?;
    o.object_any("input_template", true)?;
    Ok(o.finish())
}

fn message(v: &Value, path: &str) -> Result<Value> {
    let mut o = Obj::new(path, object(v, path)?, MESSAGE_FIELDS, "messages")?;
    o.require("role", "one of USER, ASSISTANT, SYSTEM, TOOL (any case)")?;
    o.enumeration("role", MESSAGE_ROLES, &[])?;
    o.string("content", false, false)?;
    o.string("tool_call_id", false, false)?;
    if let Some(calls) = o.get("tool_calls") {
        let field = o.field("tool_calls");
        let list = calls
            .as_array()
            .ok_or_else(|| Error::validation(&field, "must be an array of tool calls"))?;
        let mut out = Vec::with_capacity(list.len());
        for (i, call) in list.iter().enumerate() {
            out.push(tool_call(call, &format!("{field}[{i}]"))?);
        }
        o.put("tool_calls", Value::Array(out));
    }
    Ok(Value::Object(o.finish()))
}

fn tool_call(v: &Value, path: &str) -> Result<Value> {
    let mut o = Obj::new(path, object(v, path)?, TOOL_CALL_FIELDS, "tool calls")?;
    o.string("id", false, false)?;
    o.require("type", "FUNCTION")?;
    o.enumeration("type", TOOL_CALL_TYPES, &[])?;
    let f = o.require("function", "an object with name and arguments")?;
    let fpath = o.field("function");
    let mut fo = Obj::new(
        &fpath,
        object(f, &fpath)?,
        FUNCTION_FIELDS,
        "tool call functions",
    )?;
    fo.string("name", true, true)?;
    fo.string("arguments", true, false)?;
    o.put("function", Value::Object(fo.finish()));
    Ok(Value::Object(o.finish()))
}

fn tool_config(v: &Value, path: &str) -> Result<Value> {
    let mut o = Obj::new(path, object(v, path)?, TOOL_CONFIG_FIELDS, "tool_config")?;
    if let Some(tools) = o.get("tools") {
        let field = o.field("tools");
        let list = tools
            .as_array()
            .ok_or_else(|| Error::validation(&field, "must be an array of objects"))?;
        for (i, t) in list.iter().enumerate() {
            object(t, &format!("{field}[{i}]"))?;
        }
        o.put("tools", tools.clone());
    }
    if let Some(choice) = o.get("tool_choice") {
        o.put("tool_choice", choice.clone());
    }
    Ok(Value::Object(o.finish()))
}

/// `invocation_parameters`: known keys are type-checked, extra keys are kept.
fn invocation_parameters(parent: &mut Obj<'_>) -> Result<()> {
    let Some(v) = parent.get("invocation_parameters") else {
        return Ok(());
    };
    let path = parent.field("invocation_parameters");
    let src = object(v, &path)?;
    let mut o = Obj {
        path: path.clone(),
        src,
        out: Map::new(),
    };
    o.number("temperature", false, None)?;
    o.number("max_tokens", true, None)?;
    o.number("max_completion_tokens", true, None)?;
    o.number("top_p", false, None)?;
    o.number("frequency_penalty", false, Some((-2.0, 2.0)))?;
    o.number("presence_penalty", false, Some((-2.0, 2.0)))?;
    o.number("top_k", true, None)?;
    o.number("thinking_budget", true, None)?;
    for key in ["thinking_level", "reasoning_effort", "verbosity"] {
        o.string(key, false, false)?;
    }
    if let Some(stop) = o.get("stop") {
        let ok = stop
            .as_array()
            .is_some_and(|a| a.iter().all(Value::is_string));
        if !ok {
            return Err(Error::validation(
                o.field("stop"),
                "must be an array of strings",
            ));
        }
        o.put("stop", stop.clone());
    }
    if let Some(rf) = o.get("response_format") {
        let rpath = o.field("response_format");
        let mut r = Obj::new(
            &rpath,
            object(rf, &rpath)?,
            RESPONSE_FORMAT_FIELDS,
            "response_format",
        )?;
        r.enumeration("type", RESPONSE_FORMAT_TYPES, &[])?;
        if let Some(js) = r.get("json_schema") {
            let jpath = r.field("json_schema");
            let mut j = Obj::new(
                &jpath,
                object(js, &jpath)?,
                JSON_SCHEMA_FIELDS,
                "json_schema",
            )?;
            j.string("name", false, false)?;
            j.string("description", false, false)?;
            j.object_any("schema", false)?;
            j.boolean("strict", false)?;
            r.put("json_schema", Value::Object(j.finish()));
        }
        o.put("response_format", Value::Object(r.finish()));
    }
    if let Some(tc) = o.get("tool_config") {
        let tc = tool_config(tc, &o.field("tool_config"))?;
        o.put("tool_config", tc);
    }
    // Extra keys are allowed (API.md §4.4) and passed through unchanged.
    for (k, val) in src {
        if !o.out.contains_key(k) && !val.is_null() {
            o.out.insert(k.clone(), val.clone());
        }
    }
    parent.put("invocation_parameters", Value::Object(o.finish()));
    Ok(())
}

#[cfg(test)]
#[path = "run_config_tests.rs"]
mod tests;
