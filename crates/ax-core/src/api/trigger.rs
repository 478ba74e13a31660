//! Client-side rules of `trigger_run` (API.md §4.11 and the official SDK's checks): which
//! fields suit which task type, `experiment_name`, `example_ids` XOR `max_examples`, and the
//! data window (start before end, at most 30 days, a start alone ends now).

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde_json::{Map, Value};

use super::required;
use super::tasks::TriggerRun;
use super::validate::{check_ids, reject_given, MAX_NAME};
use crate::error::{Error, Result};
use crate::model::TaskType;

/// Longest data window of a trigger.
pub const MAX_WINDOW_DAYS: i64 = 30;

/// RFC 3339 with `Z`, as the API emits.
pub(crate) fn wire_time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// `experiment_name`: 1–255 characters, no `"` or `\`.
pub(crate) fn check_experiment_name(name: &str) -> Result<()> {
    let n = name.chars().count();
    if n == 0 || n > MAX_NAME {
        return Err(Error::validation(
            "experiment_name",
            format!("must be 1 to {MAX_NAME} characters, got {n}"),
        ));
    }
    if name.contains('"') || name.contains('\\') {
        return Err(Error::validation(
            "experiment_name",
            "must not contain double quotes (\") or backslashes (\\)",
        ));
    }
    Ok(())
}

/// A data window: `(data_start_time, data_end_time)`, each optional.
pub(crate) type Window = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The data window of an evaluation trigger: a start without an end gets `now` as its end;
/// the start must come before the end and the window may span at most 30 days.
pub(crate) fn data_window(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Window> {
    let Some(start) = start else {
        return Ok((None, end));
    };
    let end = end.unwrap_or(now);
    if start >= end {
        return Err(Error::validation(
            "data_start_time",
            format!(
                "must be before data_end_time ({} is not before {})",
                wire_time(&start),
                wire_time(&end)
            ),
        ));
    }
    if end - start > TimeDelta::days(MAX_WINDOW_DAYS) {
        return Err(Error::validation(
            "data_end_time",
            format!(
                "the window from data_start_time to data_end_time may span at most {MAX_WINDOW_DAYS} days, got {:.1} days",
                (end - start).num_seconds() as f64 / 86_400.0
            ),
        ));
    }
    Ok((Some(start), Some(end)))
}

/// Checks that hold for any task type (run before any request).
pub(crate) fn trigger_precheck(req: &TriggerRun, now: DateTime<Utc>) -> Result<()> {
    if let Some(name) = &req.experiment_name {
        check_experiment_name(name)?;
    }
    if req.example_ids.is_some() && req.max_examples.is_some() {
        return Err(Error::validation(
            "example_ids, max_examples",
            "'example_ids' and 'max_examples' are mutually exclusive; provide at most one",
        ));
    }
    if req.max_spans == Some(0) {
        return Err(Error::validation("max_spans", "must be at least 1"));
    }
    if req.max_examples == Some(0) {
        return Err(Error::validation("max_examples", "must be at least 1"));
    }
    for (field, ids) in [
        ("experiment_ids", &req.experiment_ids),
        ("example_ids", &req.example_ids),
        ("evaluation_task_ids", &req.evaluation_task_ids),
    ] {
        if let Some(ids) = ids {
            check_ids(field, ids)?;
        }
    }
    if let Some(id) = &req.dataset_version_id {
        required("dataset_version_id", id, usize::MAX)?;
    }
    data_window(req.data_start_time, req.data_end_time, now)?;
    Ok(())
}

fn ids_value(ids: &[String]) -> Value {
    Value::Array(ids.iter().map(|s| Value::from(s.trim())).collect())
}

/// The body variant the fields alone choose, for a task whose type the client does not
/// know: `RUN_EXPERIMENT` when only its fields are set, an evaluation type (either: their
/// bodies are the same) when only evaluation fields or none are set, and `None` when fields
/// of both are set (then only the task's type can tell which ones are foreign).
pub(crate) fn variant_of_fields(req: &TriggerRun) -> Option<TaskType> {
    let run_experiment = req.experiment_name.is_some()
        || req.dataset_version_id.is_some()
        || req.max_examples.is_some()
        || req.example_ids.is_some()
        || req.tracing_metadata.is_some()
        || req.evaluation_task_ids.is_some();
    let evaluation = req.data_start_time.is_some()
        || req.data_end_time.is_some()
        || req.max_spans.is_some()
        || req.override_evaluations.is_some()
        || req.experiment_ids.is_some();
    match (run_experiment, evaluation) {
        (true, true) => None,
        (true, false) => Some(TaskType::RunExperiment),
        (false, _) => Some(TaskType::TemplateEvaluation),
    }
}

/// The trigger body for a task of type `t` (after [`trigger_precheck`]).
pub(crate) fn trigger_body(req: &TriggerRun, t: TaskType, now: DateTime<Utc>) -> Result<Value> {
    let mut body = Map::new();
    if t == TaskType::RunExperiment {
        reject_given(
            &[
                ("data_start_time", req.data_start_time.is_some()),
                ("data_end_time", req.data_end_time.is_some()),
                ("max_spans", req.max_spans.is_some()),
                ("override_evaluations", req.override_evaluations.is_some()),
                ("experiment_ids", req.experiment_ids.is_some()),
            ],
            "not valid for RUN_EXPERIMENT tasks; use experiment_name, dataset_version_id, max_examples, example_ids, tracing_metadata or evaluation_task_ids",
        )?;
        let name = req.experiment_name.as_deref().ok_or_else(|| {
            Error::validation(
                "experiment_name",
                "is required when triggering a RUN_EXPERIMENT task",
            )
        })?;
        check_experiment_name(name)?;
        body.insert("experiment_name".into(), Value::from(name));
        if let Some(v) = &req.dataset_version_id {
            body.insert("dataset_version_id".into(), Value::from(v.trim()));
        }
        if let Some(n) = req.max_examples {
            body.insert("max_examples".into(), Value::from(n));
        }
        if let Some(ids) = &req.example_ids {
            body.insert("example_ids".into(), ids_value(ids));
        }
        if let Some(m) = &req.tracing_metadata {
            let obj: Map<String, Value> = m
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                .collect();
            body.insert("tracing_metadata".into(), Value::Object(obj));
        }
        if let Some(ids) = &req.evaluation_task_ids {
            body.insert("evaluation_task_ids".into(), ids_value(ids));
        }
        return Ok(Value::Object(body));
    }
    reject_given(
        &[
            ("experiment_name", req.experiment_name.is_some()),
            ("dataset_version_id", req.dataset_version_id.is_some()),
            ("max_examples", req.max_examples.is_some()),
            ("example_ids", req.example_ids.is_some()),
            ("tracing_metadata", req.tracing_metadata.is_some()),
            ("evaluation_task_ids", req.evaluation_task_ids.is_some()),
        ],
        format!("not valid for {t} tasks; use data_start_time, data_end_time, max_spans, override_evaluations or experiment_ids"),
    )?;
    let (start, end) = data_window(req.data_start_time, req.data_end_time, now)?;
    if let Some(s) = start {
        body.insert("data_start_time".into(), Value::from(wire_time(&s)));
    }
    if let Some(e) = end {
        body.insert("data_end_time".into(), Value::from(wire_time(&e)));
    }
    if let Some(n) = req.max_spans {
        body.insert("max_spans".into(), Value::from(n));
    }
    if let Some(o) = req.override_evaluations {
        body.insert("override_evaluations".into(), Value::from(o));
    }
    if let Some(ids) = &req.experiment_ids {
        body.insert("experiment_ids".into(), ids_value(ids));
    }
    Ok(Value::Object(body))
}

#[cfg(test)]
#[path = "trigger_tests.rs"]
mod tests;
