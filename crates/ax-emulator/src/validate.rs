//! Shape validation of task request bodies (API.md §4.3, §4.4, §4.10): typed field
//! readers, evaluator inputs, trace/session query filters and run configurations. Every
//! failure here is a 400; checks against stored data (404/422) happen in `tasks.rs`.

use serde_json::{Map, Value};

use crate::problem::ApiError;
use crate::routes::Obj;

pub(crate) fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::bad_request(msg)
}

/// An enum value in its wire spelling; with `lenient`, any case and `-` or space for `_`.
pub(crate) fn enum_str(s: &str, allowed: &[&'static str], lenient: bool) -> Option<&'static str> {
    if lenient {
        let norm: String = s
            .trim()
            .chars()
            .map(|c| match c {
                '-' | ' ' => '_',
                c => c.to_ascii_uppercase(),
            })
            .collect();
        allowed.iter().copied().find(|a| *a == norm)
    } else {
        allowed.iter().copied().find(|a| *a == s)
    }
}

/// A required enum-valued field.
pub(crate) fn enum_field(
    key: &str,
    v: Option<&Value>,
    allowed: &[&'static str],
    lenient: bool,
) -> Result<&'static str, ApiError> {
    match v {
        None | Some(Value::Null) => Err(bad(format!("Field '{key}' is required."))),
        Some(Value::String(s)) => enum_str(s, allowed, lenient).ok_or_else(|| {
            bad(format!(
                "Field '{key}' has unknown value '{s}'; expected one of {}.",
                allowed.join(", ")
            ))
        }),
        Some(_) => Err(bad(format!("Field '{key}' must be a string."))),
    }
}

/// Rejects keys outside `allowed` (for nested objects; `path` prefixes the message).
pub(crate) fn only_keys(obj: &Obj, path: &str, allowed: &[&str]) -> Result<(), ApiError> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(bad(format!("Unknown field '{path}{k}'."))),
        None => Ok(()),
    }
}

/// A field's value, with `null` treated as absent.
pub(crate) fn present<'a>(obj: &'a Obj, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

pub(crate) fn opt_string<'a>(obj: &'a Obj, key: &str) -> Result<Option<&'a str>, ApiError> {
    match present(obj, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(bad(format!("Field '{key}' must be a string."))),
    }
}

pub(crate) fn opt_bool(obj: &Obj, key: &str) -> Result<Option<bool>, ApiError> {
    match present(obj, key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(bad(format!("Field '{key}' must be a boolean."))),
    }
}

pub(crate) fn opt_number(obj: &Obj, key: &str) -> Result<Option<f64>, ApiError> {
    match present(obj, key) {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(_) => Err(bad(format!("Field '{key}' must be a number."))),
    }
}

/// An integer field of at least `min`.
pub(crate) fn opt_int(obj: &Obj, key: &str, min: i64) -> Result<Option<i64>, ApiError> {
    match present(obj, key) {
        None => Ok(None),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) if i >= min => Ok(Some(i)),
            Some(_) => Err(bad(format!("Field '{key}' must be at least {min}."))),
            None => Err(bad(format!("Field '{key}' must be an integer."))),
        },
        Some(_) => Err(bad(format!("Field '{key}' must be an integer."))),
    }
}

pub(crate) fn opt_string_list(obj: &Obj, key: &str) -> Result<Option<Vec<String>>, ApiError> {
    match present(obj, key) {
        None => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) if !s.is_empty() => Ok(s.clone()),
                _ => Err(bad(format!(
                    "Field '{key}' must be an array of non-empty strings."
                ))),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(bad(format!("Field '{key}' must be an array of strings."))),
    }
}

/// An object whose values are all strings (`column_mappings`, `tracing_metadata`, ...).
pub(crate) fn string_map(key: &str, v: &Value) -> Result<Map<String, Value>, ApiError> {
    match v {
        Value::Object(m) if m.values().all(Value::is_string) => Ok(m.clone()),
        _ => Err(bad(format!(
            "Field '{key}' must be an object with string values."
        ))),
    }
}

/// Parses an RFC 3339 timestamp (`Z` or an offset); one without an offset is UTC.
pub(crate) fn parse_time(s: &str) -> Option<i64> {
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s.trim()) {
        return Some(dt.timestamp_millis());
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(s.trim(), f).ok())
        .map(|n| n.and_utc().timestamp_millis())
}

pub(crate) fn opt_time(obj: &Obj, key: &str) -> Result<Option<i64>, ApiError> {
    match opt_string(obj, key)? {
        None => Ok(None),
        Some(s) => parse_time(s).map(Some).ok_or_else(|| {
            bad(format!(
                "Field '{key}' must be an ISO 8601 date-time, e.g. 2026-03-01T00:00:00Z."
            ))
        }),
    }
}

/// One `TaskEvaluatorInput` (nulls count as absent).
#[derive(Clone, Debug)]
pub(crate) struct EvaluatorInput {
    pub(crate) evaluator_id: String,
    pub(crate) evaluator_version_id: Option<String>,
    pub(crate) query_filter: Option<String>,
    pub(crate) column_mappings: Option<Map<String, Value>>,
    pub(crate) query_mappings: Option<Value>,
}

const QUERY_IDS: &[&str] = &["A", "B", "C", "D", "E"];

/// `evaluators`: at least one entry, no duplicate `evaluator_id`.
pub(crate) fn evaluators(v: &Value) -> Result<Vec<EvaluatorInput>, ApiError> {
    let Value::Array(items) = v else {
        return Err(bad("Field 'evaluators' must be an array."));
    };
    if items.is_empty() {
        return Err(bad(
            "Field 'evaluators' must contain at least one evaluator.",
        ));
    }
    let mut out: Vec<EvaluatorInput> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("evaluators[{i}].");
        let Value::Object(o) = item else {
            return Err(bad(format!("Field 'evaluators[{i}]' must be an object.")));
        };
        only_keys(
            o,
            &path,
            &[
                "evaluator_id",
                "evaluator_version_id",
                "query_filter",
                "column_mappings",
                "query_mappings",
            ],
        )?;
        let field = |k: &str| format!("{path}{k}");
        let id = match present(o, "evaluator_id") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(_) => {
                return Err(bad(format!(
                    "Field '{}' must be a string.",
                    field("evaluator_id")
                )))
            }
            None => {
                return Err(bad(format!(
                    "Field '{}' is required.",
                    field("evaluator_id")
                )))
            }
        };
        if out.iter().any(|e| e.evaluator_id == id) {
            return Err(bad(format!(
                "Evaluator '{id}' is listed more than once in 'evaluators'."
            )));
        }
        let string = |k: &str| -> Result<Option<String>, ApiError> {
            match present(o, k) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(bad(format!("Field '{}' must be a string.", field(k)))),
            }
        };
        let column_mappings = present(o, "column_mappings")
            .map(|v| string_map(&field("column_mappings"), v))
            .transpose()?;
        let query_mappings = present(o, "query_mappings")
            .map(|v| query_mappings(&field("query_mappings"), v))
            .transpose()?;
        let input = EvaluatorInput {
            evaluator_id: id,
            evaluator_version_id: string("evaluator_version_id")?,
            query_filter: string("query_filter")?,
            column_mappings,
            query_mappings,
        };
        if input.query_mappings.is_some()
            && (input.query_filter.is_some() || input.column_mappings.is_some())
        {
            return Err(bad(format!(
                "Evaluator '{}' mixes 'query_mappings' (trace/session shape) with 'query_filter'/'column_mappings' (span shape).",
                input.evaluator_id
            )));
        }
        out.push(input);
    }
    Ok(out)
}

fn query_mappings(key: &str, v: &Value) -> Result<Value, ApiError> {
    let Value::Array(items) = v else {
        return Err(bad(format!("Field '{key}' must be an array.")));
    };
    if items.is_empty() || items.len() > 50 {
        return Err(bad(format!("Field '{key}' must have 1 to 50 entries.")));
    }
    for (i, item) in items.iter().enumerate() {
        let path = format!("{key}[{i}]");
        let Value::Object(o) = item else {
            return Err(bad(format!("Field '{path}' must be an object.")));
        };
        only_keys(
            o,
            &format!("{path}."),
            &["variable_name", "query_ids", "attribute_path"],
        )?;
        for (k, max) in [("variable_name", 256), ("attribute_path", 1024)] {
            match o.get(k) {
                Some(Value::String(s)) if !s.is_empty() && s.chars().count() <= max => {}
                _ => {
                    return Err(bad(format!(
                        "Field '{path}.{k}' is required: a non-empty string of at most {max} characters."
                    )))
                }
            }
        }
        match o.get("query_ids") {
            Some(Value::Array(ids))
                if ids.len() <= 5
                    && ids
                        .iter()
                        .all(|id| id.as_str().is_some_and(|s| QUERY_IDS.contains(&s))) => {}
            _ => {
                return Err(bad(format!(
                    "Field '{path}.query_ids' is required: up to 5 query ids among A-E."
                )))
            }
        }
    }
    Ok(v.clone())
}

/// Validated task-level `query_filters` (trace/session shape).
#[derive(Clone, Debug)]
pub(crate) struct QueryFilters {
    /// As echoed: `{filters, expression}` (a lone filter's id when no expression was given).
    pub(crate) value: Value,
    pub(crate) ids: Vec<String>,
}

pub(crate) fn query_filters(v: &Value) -> Result<QueryFilters, ApiError> {
    let Value::Object(o) = v else {
        return Err(bad("Field 'query_filters' must be an object."));
    };
    only_keys(o, "query_filters.", &["filters", "expression"])?;
    let Some(Value::Array(filters)) = o.get("filters") else {
        return Err(bad("Field 'query_filters.filters' is required (an array)."));
    };
    if filters.is_empty() || filters.len() > 5 {
        return Err(bad(
            "Field 'query_filters.filters' must have 1 to 5 entries.",
        ));
    }
    let mut ids: Vec<String> = Vec::new();
    for (i, f) in filters.iter().enumerate() {
        let path = format!("query_filters.filters[{i}]");
        let Value::Object(fo) = f else {
            return Err(bad(format!("Field '{path}' must be an object.")));
        };
        only_keys(fo, &format!("{path}."), &["id", "filter"])?;
        let id = match fo.get("id") {
            Some(Value::String(s)) if QUERY_IDS.contains(&s.as_str()) => s.clone(),
            _ => {
                return Err(bad(format!(
                    "Field '{path}.id' must be one of A, B, C, D, E."
                )))
            }
        };
        if ids.contains(&id) {
            return Err(bad(format!("Query id '{id}' is declared more than once.")));
        }
        match fo.get("filter") {
            Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= 2000 => {}
            _ => {
                return Err(bad(format!(
                    "Field '{path}.filter' must be a non-empty string of at most 2000 characters."
                )))
            }
        }
        ids.push(id);
    }
    let expression = match present(o, "expression") {
        None => None,
        Some(Value::String(s)) if s.chars().count() <= 512 => Some(s.clone()),
        Some(_) => {
            return Err(bad(
                "Field 'query_filters.expression' must be a string of at most 512 characters.",
            ))
        }
    };
    let expression = match (expression, ids.len()) {
        (Some(e), _) => e,
        (None, 1) => ids[0].clone(),
        (None, _) => return Err(bad(
            "Field 'query_filters.expression' is required when two or more filters are declared.",
        )),
    };
    let mut value = Map::new();
    value.insert("filters".into(), Value::Array(filters.clone()));
    value.insert("expression".into(), Value::String(expression));
    Ok(QueryFilters {
        value: Value::Object(value),
        ids,
    })
}

/// Checks that a task uses one filter shape: span (`query_filter`, per-evaluator
/// `query_filter`/`column_mappings`) or trace/session (`query_filters`, per-evaluator
/// `query_mappings` referring to declared ids).
pub(crate) fn check_shape(
    query_filter: bool,
    filter_ids: Option<&[String]>,
    evaluators: &[EvaluatorInput],
) -> Result<(), ApiError> {
    let trace = filter_ids.is_some() || evaluators.iter().any(|e| e.query_mappings.is_some());
    if !trace {
        return Ok(());
    }
    let Some(ids) = filter_ids else {
        return Err(bad(
            "Evaluators with 'query_mappings' need task-level 'query_filters'.",
        ));
    };
    if query_filter {
        return Err(bad(
            "'query_filter' and 'query_filters' are mutually exclusive.",
        ));
    }
    for e in evaluators {
        if e.query_filter.is_some() || e.column_mappings.is_some() {
            return Err(bad(format!(
                "Evaluator '{}' uses the span shape ('query_filter'/'column_mappings') on a task with 'query_filters'.",
                e.evaluator_id
            )));
        }
        let used = e.query_mappings.iter().flat_map(|m| m.as_array()).flatten();
        for id in used.flat_map(|m| m["query_ids"].as_array()).flatten() {
            let id = id.as_str().unwrap_or_default();
            if !ids.iter().any(|d| d == id) {
                return Err(bad(format!(
                    "Evaluator '{}' refers to query id '{id}', which 'query_filters' does not declare.",
                    e.evaluator_id
                )));
            }
        }
    }
    Ok(())
}

pub(crate) use crate::run_config::{run_configuration, RunConfig};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_and_enums() {
        assert_eq!(parse_time("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(parse_time("1970-01-01T00:00:01.5+00:00"), Some(1500));
        assert_eq!(parse_time("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_time("1970-01-01T00:00:02"), Some(2000));
        assert_eq!(parse_time("yesterday"), None);
        let allowed = &["RUN_EXPERIMENT"];
        assert_eq!(
            enum_str("run-experiment", allowed, true),
            Some("RUN_EXPERIMENT")
        );
        assert_eq!(enum_str("run_experiment", allowed, false), None);
    }

    #[test]
    fn evaluator_inputs() {
        let ok = json!([{"evaluator_id": "a", "query_filter": null, "column_mappings": null}]);
        assert_eq!(evaluators(&ok).unwrap().len(), 1);
        assert!(evaluators(&json!([])).is_err());
        assert!(evaluators(&json!([{"evaluator_id": "a"}, {"evaluator_id": "a"}])).is_err());
        assert!(evaluators(&json!([{"evaluator_id": "a", "extra": 1}])).is_err());
        assert!(evaluators(&json!([{"column_mappings": {}}])).is_err());
    }

    #[test]
    fn query_filter_shapes() {
        let qf = query_filters(&json!({"filters": [{"id": "A", "filter": "x = 1"}]})).unwrap();
        assert_eq!(qf.value["expression"], "A");
        assert!(query_filters(
            &json!({"filters": [{"id": "A", "filter": "x"}, {"id": "B", "filter": "y"}]})
        )
        .is_err());
        let evs = evaluators(&json!([{"evaluator_id": "e", "query_mappings": [
            {"variable_name": "input", "query_ids": ["B"], "attribute_path": "attributes.input.value"}
        ]}]))
        .unwrap();
        assert!(check_shape(false, Some(&qf.ids), &evs).is_err());
        assert!(check_shape(false, None, &evs).is_err());
        let span = evaluators(&json!([{"evaluator_id": "e", "query_filter": "x"}])).unwrap();
        assert!(check_shape(true, None, &span).is_ok());
        assert!(check_shape(false, Some(&qf.ids), &span).is_err());
    }
}
