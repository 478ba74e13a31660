//! Parsing of option values: JSON (inline or `@file.json`), comma lists, ISO 8601 times.
//! Every failure is a usage error naming the option.

use std::collections::BTreeMap;

use ax_core::model::TaskEvaluatorInput;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;

use crate::error::CliError;

/// Parses a JSON option: inline JSON, `@path/to/file.json`, or (as the official CLI) a bare
/// path when the text does not start with `{` or `[`.
pub fn json(flag: &str, raw: &str) -> Result<Value, CliError> {
    let text = raw.trim();
    let (source, body) = if text.starts_with('{') || text.starts_with('[') {
        (String::new(), text.to_owned())
    } else {
        let path = text.strip_prefix('@').unwrap_or(text).trim();
        if path.is_empty() {
            return Err(CliError::Usage(format!(
                "invalid value for {flag}: expected inline JSON or @file.json"
            )));
        }
        let body = std::fs::read_to_string(path).map_err(|e| {
            CliError::Usage(format!(
                "invalid value for {flag}: cannot read '{path}': {e}"
            ))
        })?;
        (
            format!(" (file {path})"),
            body.trim_start_matches('\u{feff}').to_owned(),
        )
    };
    serde_json::from_str(&body).map_err(|e| {
        CliError::Usage(format!(
            "invalid value for {flag}{source}: not valid JSON at line {}, column {}: {}",
            e.line(),
            e.column(),
            json_reason(&e)
        ))
    })
}

/// The message of a serde_json error without its trailing position.
fn json_reason(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// `--evaluators`: a non-empty JSON array of evaluator objects.
pub fn evaluators(flag: &str, raw: &str) -> Result<Vec<TaskEvaluatorInput>, CliError> {
    let v = json(flag, raw)?;
    let Value::Array(items) = v else {
        return Err(CliError::Usage(format!(
            "invalid value for {flag}: must be a JSON array of evaluator objects, e.g. '[{{\"evaluator_id\": \"...\"}}]'"
        )));
    };
    if items.is_empty() {
        return Err(CliError::Usage(format!(
            "invalid value for {flag}: must contain at least one evaluator"
        )));
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_json::from_value::<TaskEvaluatorInput>(item).map_err(|e| {
                CliError::Usage(format!("invalid value for {flag}: evaluator [{i}]: {e}"))
            })
        })
        .collect()
}

/// A JSON object option (`--run-configuration`).
pub fn object(flag: &str, raw: &str) -> Result<Value, CliError> {
    let v = json(flag, raw)?;
    if v.is_object() {
        Ok(v)
    } else {
        Err(CliError::Usage(format!(
            "invalid value for {flag}: must be a JSON object"
        )))
    }
}

/// `--tracing-metadata`: a JSON object of strings (numbers and booleans are converted).
pub fn string_map(flag: &str, raw: &str) -> Result<BTreeMap<String, String>, CliError> {
    let Value::Object(m) = object(flag, raw)? else {
        unreachable!("object() returns objects")
    };
    m.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            Value::Number(n) => Ok((k, n.to_string())),
            Value::Bool(b) => Ok((k, b.to_string())),
            other => Err(CliError::Usage(format!(
                "invalid value for {flag}: value of '{k}' must be a string, got {other}"
            ))),
        })
        .collect()
}

/// A comma-separated list; empty entries are dropped. `None` for an empty list.
pub fn ids(raw: Option<&str>) -> Option<Vec<String>> {
    let list: Vec<String> = raw?
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    (!list.is_empty()).then_some(list)
}

/// An ISO 8601 time; without an offset it is UTC. A bare date is midnight UTC.
pub fn time(flag: &str, raw: &str) -> Result<DateTime<Utc>, CliError> {
    let s = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let with_t = s.replacen(' ', "T", 1);
    if let Ok(t) = DateTime::parse_from_rfc3339(&with_t) {
        return Ok(t.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(&with_t, fmt) {
            return Ok(t.and_utc());
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z"] {
        if let Ok(t) = DateTime::parse_from_str(&with_t, fmt) {
            return Ok(t.with_timezone(&Utc));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc());
        }
    }
    Err(CliError::Usage(format!(
        "invalid value for {flag}: '{s}' is not an ISO 8601 time (e.g. 2026-03-01T12:00:00Z, 2026-03-01T12:00:00 for UTC, or 2026-03-01)"
    )))
}

/// `0 ≤ rate ≤ 1`.
pub fn sampling_rate(rate: Option<f64>) -> Result<Option<f64>, CliError> {
    match rate {
        Some(r) if !(r.is_finite() && (0.0..=1.0).contains(&r)) => Err(CliError::Usage(format!(
            "invalid value for --sampling-rate: must be between 0 and 1, got {r}"
        ))),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_name_flag_and_position() {
        let e = json("--evaluators", "[{\"evaluator_id\": }]").unwrap_err();
        let m = e.message();
        assert!(
            m.contains("--evaluators") && m.contains("line 1, column"),
            "{m}"
        );
        assert!(json("--x", "@/nonexistent/file.json").is_err());
        assert_eq!(json("--x", " {\"a\": 1} ").unwrap()["a"], 1);
    }

    #[test]
    fn evaluators_parse() {
        let e = evaluators(
            "--evaluators",
            r#"[{"evaluator_id":"e","query_filter":null}]"#,
        )
        .unwrap();
        assert_eq!(e[0].evaluator_id, "e");
        assert!(evaluators("--evaluators", "[]").is_err());
        assert!(evaluators("--evaluators", r#"{"evaluator_id":"e"}"#).is_err());
        assert!(evaluators("--evaluators", r#"[{"evaluator":"e"}]"#).is_err());
    }

    #[test]
    fn times() {
        let t = time("--t", "2026-03-01T12:00:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-01T12:00:00+00:00");
        let t = time("--t", "2026-03-01T12:00:00+02:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-01T10:00:00+00:00");
        assert_eq!(
            time("--t", "2026-03-01").unwrap().to_rfc3339(),
            "2026-03-01T00:00:00+00:00"
        );
        assert!(time("--t", "yesterday").is_err());
        assert!(time("--t", "2026-13-01").is_err());
    }

    #[test]
    fn lists_and_rates() {
        assert_eq!(ids(Some(" a, ,b ")), Some(vec!["a".into(), "b".into()]));
        assert_eq!(ids(Some(" , ")), None);
        assert!(sampling_rate(Some(1.5)).is_err());
        assert!(sampling_rate(Some(-0.1)).is_err());
        assert_eq!(sampling_rate(Some(0.5)).unwrap(), Some(0.5));
    }
}
