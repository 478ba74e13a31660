//! `-o json` in the official CLI's shape. The official `ax` prints
//! `model_dump(mode="json", exclude_none=True)` of its SDK's response model, so:
//!
//! - a field whose value is `null` is left out, at every depth of the model, but not inside
//!   free-form JSON maps (a run configuration's `input_template`, `provider_parameters`,
//!   `column_mapping`, an integration's `headers`...): those are printed as sent;
//! - the SDK models that accept extra keys (task runs, run configurations, their messages,
//!   invocation and provider parameters, tool configurations) print every key they do not
//!   know under `"additional_properties"` (always present, often `{}`); ours does the same.
//!
//! Unknown keys of the other objects, which the SDK drops, are kept (a script reading the
//! known keys is unaffected). Key order and number spelling are kept as the server sent
//! them.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::CliError;

/// How the SDK models one kind of object.
pub struct Shape {
    /// The fields an *open* SDK model knows (every other key goes to
    /// `additional_properties`); `None` for a closed model.
    pub open: Option<&'static [&'static str]>,
    /// Fields whose value is not a closed model: nested shapes, or free-form JSON.
    pub fields: &'static [(&'static str, Node)],
}

/// What a field holds.
pub enum Node {
    /// An object (or a list of objects) of that shape.
    Model(&'static Shape),
    /// Free-form JSON, printed as sent (nulls included).
    Raw,
    /// One of several shapes, chosen by the string value of `tag` in the object.
    Tagged {
        tag: &'static str,
        variants: &'static [(&'static str, &'static Shape)],
    },
}

/// A closed model whose nested objects are closed models too (the common case).
const CLOSED: Shape = Shape {
    open: None,
    fields: &[],
};

const TOOL_CONFIG: Shape = Shape {
    open: Some(ax_core::model::TOOL_CONFIG_FIELDS),
    fields: &[("tools", Node::Raw), ("tool_choice", Node::Raw)],
};

const JSON_SCHEMA_CONFIG: Shape = Shape {
    open: None,
    fields: &[("schema", Node::Raw)],
};

const RESPONSE_FORMAT: Shape = Shape {
    open: None,
    fields: &[("json_schema", Node::Model(&JSON_SCHEMA_CONFIG))],
};

const INVOCATION_PARAMETERS: Shape = Shape {
    open: Some(&[
        "temperature",
        "max_tokens",
        "max_completion_tokens",
        "top_p",
        "frequency_penalty",
        "presence_penalty",
        "stop",
        "response_format",
        "tool_config",
        "top_k",
        "thinking_level",
        "thinking_budget",
        "reasoning_effort",
        "verbosity",
        "service_tier",
    ]),
    fields: &[
        ("response_format", Node::Model(&RESPONSE_FORMAT)),
        ("tool_config", Node::Model(&TOOL_CONFIG)),
    ],
};

const LLM_MESSAGE: Shape = Shape {
    open: Some(ax_core::model::MESSAGE_FIELDS),
    fields: &[],
};

const LLM_GENERATION_RUN: Shape = Shape {
    open: Some(ax_core::model::LLM_GENERATION_FIELDS),
    fields: &[
        ("messages", Node::Model(&LLM_MESSAGE)),
        ("invocation_parameters", Node::Model(&INVOCATION_PARAMETERS)),
        ("provider_parameters", Node::Raw),
        ("tool_config", Node::Model(&TOOL_CONFIG)),
    ],
};

const TEMPLATE_EVALUATION_RUN: Shape = Shape {
    open: Some(ax_core::model::TEMPLATE_EVALUATION_FIELDS),
    fields: &[
        ("classification_choices", Node::Raw),
        ("column_mapping", Node::Raw),
        ("invocation_parameters", Node::Model(&INVOCATION_PARAMETERS)),
        ("provider_parameters", Node::Raw),
    ],
};

const AGENT_CALL_RUN: Shape = Shape {
    open: Some(ax_core::model::AGENT_CALL_FIELDS),
    fields: &[("input_template", Node::Raw)],
};

const TASK_EVALUATOR: Shape = Shape {
    open: None,
    fields: &[("column_mappings", Node::Raw)],
};

/// A task (the SDK's `Task`, with its run configuration unwrapped).
const TASK: Shape = Shape {
    open: None,
    fields: &[
        ("evaluators", Node::Model(&TASK_EVALUATOR)),
        (
            "run_configuration",
            Node::Tagged {
                tag: "experiment_type",
                variants: &[
                    ("LLM_GENERATION", &LLM_GENERATION_RUN),
                    ("TEMPLATE_EVALUATION", &TEMPLATE_EVALUATION_RUN),
                    ("AGENT_CALL", &AGENT_CALL_RUN),
                ],
            },
        ),
    ],
};

/// A task run.
const TASK_RUN: Shape = Shape {
    open: Some(&[
        "id",
        "task_id",
        "experiment_id",
        "status",
        "run_started_at",
        "run_finished_at",
        "data_start_time",
        "data_end_time",
        "num_successes",
        "num_errors",
        "num_skipped",
        "created_at",
        "created_by_user_id",
        "failure_reason",
    ]),
    fields: &[],
};

const PROVIDER_PARAMETERS: Shape = Shape {
    open: Some(&[
        "azure_params",
        "anthropic_headers",
        "anthropic_version",
        "bedrock_options",
        "region",
    ]),
    fields: &[],
};

const EVALUATOR_LLM_CONFIG: Shape = Shape {
    open: None,
    fields: &[
        ("invocation_parameters", Node::Model(&INVOCATION_PARAMETERS)),
        ("provider_parameters", Node::Model(&PROVIDER_PARAMETERS)),
    ],
};

const TEMPLATE_CONFIG: Shape = Shape {
    open: None,
    fields: &[
        ("classification_choices", Node::Raw),
        ("llm_config", Node::Model(&EVALUATOR_LLM_CONFIG)),
    ],
};

/// An evaluator version (template, code, harness or remote).
const EVALUATOR_VERSION: Shape = Shape {
    open: None,
    fields: &[("template_config", Node::Model(&TEMPLATE_CONFIG))],
};

/// An evaluator; `get` adds its resolved `version`.
const EVALUATOR: Shape = Shape {
    open: None,
    fields: &[("version", Node::Model(&EVALUATOR_VERSION))],
};

/// An AI integration.
const AI_INTEGRATION: Shape = Shape {
    open: None,
    fields: &[("headers", Node::Raw)],
};

/// The shape of one item of `collection` (`tasks`, `task_runs`, `evaluators`...), also used
/// for single objects of that kind.
pub fn of_collection(collection: &str) -> &'static Shape {
    match collection {
        "evaluators" => &EVALUATOR,
        "evaluator_versions" => &EVALUATOR_VERSION,
        "ai_integrations" => &AI_INTEGRATION,
        "tasks" => &TASK,
        "task_runs" => &TASK_RUN,
        _ => &CLOSED,
    }
}

/// A JSON value with its object keys in document order and its scalars as written.
#[derive(Debug, PartialEq)]
enum Json {
    Null,
    /// A string, number or boolean, as its JSON text.
    Scalar(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// An object's entries, in order, with unparsed values.
struct Entries<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    out.push(entry);
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V)
    }
}

fn parse(raw: &RawValue) -> Result<Json, serde_json::Error> {
    let text = raw.get();
    Ok(match text.as_bytes().first() {
        Some(b'{') => {
            let Entries(entries) = serde_json::from_str(text)?;
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                out.push((k, parse(v)?));
            }
            Json::Object(out)
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text)?;
            Json::Array(items.into_iter().map(parse).collect::<Result<_, _>>()?)
        }
        _ if text == "null" => Json::Null,
        _ => Json::Scalar(text.to_owned()),
    })
}

fn write(v: &Json, out: &mut String) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Scalar(s) => out.push_str(s),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Json::Object(entries) => {
            out.push('{');
            for (i, (k, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(k.clone()).to_string());
                out.push(':');
                write(item, out);
            }
            out.push('}');
        }
    }
}

/// A field's value: an object (or each object of a list) in `shape`.
fn nested(v: Json, shape: &Shape) -> Json {
    match v {
        Json::Object(_) => model(v, shape),
        Json::Array(items) => Json::Array(
            items
                .into_iter()
                .map(|i| match i {
                    Json::Object(_) => model(i, shape),
                    other => other,
                })
                .collect(),
        ),
        other => other,
    }
}

fn tag_value(entries: &[(String, Json)], tag: &str) -> Option<String> {
    entries
        .iter()
        .find(|(k, _)| k == tag)
        .and_then(|(_, v)| match v {
            Json::Scalar(s) => serde_json::from_str::<String>(s).ok(),
            _ => None,
        })
}

fn model(v: Json, shape: &Shape) -> Json {
    let Json::Object(entries) = v else {
        return v;
    };
    let mut out = Vec::with_capacity(entries.len() + 1);
    let mut extra = Vec::new();
    for (key, value) in entries {
        if let Some(known) = shape.open {
            if !known.contains(&key.as_str()) {
                extra.push((key, value));
                continue;
            }
        }
        if value == Json::Null {
            continue;
        }
        let value = match shape.fields.iter().find(|(name, _)| *name == key) {
            Some((_, Node::Raw)) => value,
            Some((_, Node::Model(s))) => nested(value, s),
            Some((_, Node::Tagged { tag, variants })) => {
                let chosen = match &value {
                    Json::Object(e) => tag_value(e, tag)
                        .and_then(|t| variants.iter().find(|(name, _)| *name == t))
                        .map(|(_, s)| *s),
                    _ => None,
                };
                nested(value, chosen.unwrap_or(&CLOSED))
            }
            None => nested(value, &CLOSED),
        };
        out.push((key, value));
    }
    if shape.open.is_some() {
        out.push(("additional_properties".to_owned(), Json::Object(extra)));
    }
    Json::Object(out)
}

fn reread(e: serde_json::Error) -> CliError {
    CliError::Failed(format!("cannot re-read the result: {e}"))
}

fn to_text(v: &Json) -> String {
    let mut out = String::new();
    write(v, &mut out);
    out
}

/// One object (compact JSON) in `shape`.
pub fn object(json: &str, shape: &Shape) -> Result<String, CliError> {
    let raw: &RawValue = serde_json::from_str(json).map_err(reread)?;
    Ok(to_text(&model(parse(raw).map_err(reread)?, shape)))
}

/// The items of `collection` in a list body, each in `shape` (compact JSON).
pub fn items(body: &[u8], collection: &str, shape: &Shape) -> Result<Vec<String>, CliError> {
    let raw: &RawValue = serde_json::from_slice(body).map_err(reread)?;
    let Json::Object(entries) = parse(raw).map_err(reread)? else {
        return Ok(Vec::new());
    };
    Ok(entries
        .into_iter()
        .find(|(k, _)| k == collection)
        .map(|(_, v)| match v {
            Json::Array(items) => items
                .into_iter()
                .map(|i| to_text(&nested(i, shape)))
                .collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default())
}

/// A whole list body: `collection` items in `shape`, the rest (`pagination`) closed.
pub fn list(body: &[u8], collection: &str, shape: &Shape) -> Result<String, CliError> {
    let raw: &RawValue = serde_json::from_slice(body).map_err(reread)?;
    let v = match parse(raw).map_err(reread)? {
        Json::Object(entries) => Json::Object(
            entries
                .into_iter()
                .filter(|(_, v)| *v != Json::Null)
                .map(|(k, v)| {
                    let v = if k == collection {
                        nested(v, shape)
                    } else {
                        nested(v, &CLOSED)
                    };
                    (k, v)
                })
                .collect(),
        ),
        other => other,
    };
    Ok(to_text(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_nulls_of_models_only() {
        let task = r#"{"id":"t","project_id":null,"evaluators":[{"evaluator_id":"e","query_filter":null,"column_mappings":{"a":"b"}}],
            "run_configuration":{"experiment_type":"AGENT_CALL","integration_id":null,"input_template":{"q":null,"n":1.50}},
            "query_filters":{"filters":[{"id":"f","filter":null}],"expression":null}}"#;
        let out = object(task, &TASK).unwrap();
        assert_eq!(
            out,
            r#"{"id":"t","evaluators":[{"evaluator_id":"e","column_mappings":{"a":"b"}}],"run_configuration":{"experiment_type":"AGENT_CALL","input_template":{"q":null,"n":1.50},"additional_properties":{}},"query_filters":{"filters":[{"id":"f"}]}}"#
        );
    }

    #[test]
    fn open_models_collect_unknown_keys() {
        let run = r#"{"id":"r","status":"FAILED","failure_reason":null,"shard":{"n":null},"num_errors":2}"#;
        assert_eq!(
            object(run, &TASK_RUN).unwrap(),
            r#"{"id":"r","status":"FAILED","num_errors":2,"additional_properties":{"shard":{"n":null}}}"#
        );
        let llm = r#"{"run_configuration":{"experiment_type":"LLM_GENERATION","messages":[{"role":"USER","content":"x","name":"n"}],
            "invocation_parameters":{"temperature":0.2,"seed":7,"top_p":null},"provider_parameters":{"x":null}}}"#;
        assert_eq!(
            object(llm, &TASK).unwrap(),
            r#"{"run_configuration":{"experiment_type":"LLM_GENERATION","messages":[{"role":"USER","content":"x","additional_properties":{"name":"n"}}],"invocation_parameters":{"temperature":0.2,"additional_properties":{"seed":7}},"provider_parameters":{"x":null},"additional_properties":{}}}"#
        );
    }

    #[test]
    fn closed_models_keep_unknown_keys_and_lists_keep_their_envelope() {
        let body = br#"{"spaces":[{"id":"s","new_field":"v","gone":null,"nested":{"a":null,"b":[{"c":null}]}}],"pagination":{"has_more":true,"next_cursor":null}}"#;
        assert_eq!(
            list(body, "spaces", &CLOSED).unwrap(),
            r#"{"spaces":[{"id":"s","new_field":"v","nested":{"b":[{}]}}],"pagination":{"has_more":true}}"#
        );
        let items = items(body, "spaces", &CLOSED).unwrap();
        assert_eq!(
            items,
            vec![r#"{"id":"s","new_field":"v","nested":{"b":[{}]}}"#]
        );
    }

    #[test]
    fn keys_with_escapes_and_unicode_survive() {
        let out = object(r#"{"a\"b":"\u00e9\n","c":[1,null,true]}"#, &CLOSED).unwrap();
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["a\"b"], "é\n");
        assert_eq!(back["c"], serde_json::json!([1, null, true]));
    }
}
