//! Client-side rules of the task create and update operations (API.md §4.8–4.10 and the
//! official SDK's checks, §6.4); trigger rules are in [`super::trigger`]. Everything here is
//! pure: it runs before any request is sent, or between the GET of a task and the write that
//! depends on its type.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::required;
use super::tasks::{CreateEvaluationTask, CreateRunExperimentTask, CreateTask, UpdateTask};
use crate::error::{Error, Result};
use crate::model::{normalize_run_configuration, Patch, Task, TaskEvaluatorInput, TaskType};

/// Longest accepted name or filter argument.
pub(crate) const MAX_NAME: usize = 255;
const MAX_FILTERS: usize = 5;
const MAX_FILTER_CHARS: usize = 2000;
const MAX_EXPRESSION_CHARS: usize = 512;

/// Where an evaluation task reads its data from (a name or ID, not yet resolved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    Project(String),
    Dataset(String),
}

/// `0 ≤ rate ≤ 1`.
pub(crate) fn check_sampling_rate(rate: f64) -> Result<()> {
    if rate.is_finite() && (0.0..=1.0).contains(&rate) {
        Ok(())
    } else {
        Err(Error::validation(
            "sampling_rate",
            format!("must be between 0 and 1, got {rate}"),
        ))
    }
}

/// Every entry non-empty.
pub(crate) fn check_ids(field: &str, ids: &[String]) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        if id.trim().is_empty() {
            return Err(Error::validation(
                format!("{field}[{i}]"),
                "must not be empty",
            ));
        }
    }
    Ok(())
}

/// At least one evaluator, no empty or duplicate `evaluator_id`, and per evaluator either the
/// span shape (`query_filter`/`column_mappings`) or the trace shape (`query_mappings`).
pub(crate) fn check_evaluators(evaluators: &[TaskEvaluatorInput]) -> Result<()> {
    if evaluators.is_empty() {
        return Err(Error::validation(
            "evaluators",
            "must contain at least one evaluator",
        ));
    }
    let mut seen = HashSet::new();
    for (i, e) in evaluators.iter().enumerate() {
        let id = e.evaluator_id.trim();
        if id.is_empty() {
            return Err(Error::validation(
                format!("evaluators[{i}].evaluator_id"),
                "must not be empty",
            ));
        }
        if !seen.insert(id) {
            return Err(Error::validation(
                format!("evaluators[{i}].evaluator_id"),
                format!("duplicate evaluator '{id}': each evaluator may appear only once"),
            ));
        }
        if e.query_mappings.is_some() && (e.query_filter.is_some() || e.column_mappings.is_some()) {
            return Err(Error::validation(
                format!("evaluators[{i}].query_mappings"),
                "cannot be combined with query_filter or column_mappings on the same evaluator",
            ));
        }
        if let Some(m) = &e.query_mappings {
            let n = m.as_array().map(Vec::len).unwrap_or(0);
            if !(1..=50).contains(&n) {
                return Err(Error::validation(
                    format!("evaluators[{i}].query_mappings"),
                    "must be an array of 1 to 50 mappings",
                ));
            }
        }
    }
    Ok(())
}

/// `{ "filters": [{ "id": "A".."E", "filter": "…" }] (1–5), "expression"?: "…" }`.
pub(crate) fn check_query_filters(v: &Value) -> Result<()> {
    let f = "query_filters";
    let obj = v
        .as_object()
        .ok_or_else(|| Error::validation(f, "must be an object with 'filters'"))?;
    for key in obj.keys() {
        if key != "filters" && key != "expression" {
            return Err(Error::validation(
                format!("{f}.{key}"),
                "is not a field of query_filters; allowed fields: filters, expression",
            ));
        }
    }
    let filters = obj
        .get("filters")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::validation(format!("{f}.filters"), "is required (an array)"))?;
    if filters.is_empty() || filters.len() > MAX_FILTERS {
        return Err(Error::validation(
            format!("{f}.filters"),
            format!("must contain 1 to {MAX_FILTERS} filters"),
        ));
    }
    let mut ids = HashSet::new();
    for (i, item) in filters.iter().enumerate() {
        let path = format!("{f}.filters[{i}]");
        let id = item.get("id").and_then(Value::as_str).unwrap_or("");
        if !["A", "B", "C", "D", "E"].contains(&id) || !ids.insert(id) {
            return Err(Error::validation(
                format!("{path}.id"),
                "must be a distinct letter A to E",
            ));
        }
        let text = item.get("filter").and_then(Value::as_str).unwrap_or("");
        if text.trim().is_empty() || text.chars().count() > MAX_FILTER_CHARS {
            return Err(Error::validation(
                format!("{path}.filter"),
                format!("must be a non-empty string of at most {MAX_FILTER_CHARS} characters"),
            ));
        }
    }
    match obj.get("expression") {
        None | Some(Value::Null) if filters.len() >= 2 => Err(Error::validation(
            format!("{f}.expression"),
            "is required when there are two or more filters (e.g. \"A AND B\")",
        )),
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(s)) if s.chars().count() <= MAX_EXPRESSION_CHARS => Ok(()),
        Some(_) => Err(Error::validation(
            format!("{f}.expression"),
            format!("must be a string of at most {MAX_EXPRESSION_CHARS} characters"),
        )),
    }
}

/// `query_filter` and `query_filters` are exclusive; the trace shape may not be mixed with
/// the span shape across the task and its evaluators.
fn check_filter_shapes(
    query_filter: Option<&str>,
    query_filters: Option<&Value>,
    evaluators: &[TaskEvaluatorInput],
) -> Result<()> {
    if query_filter.is_some_and(|q| !q.is_empty()) && query_filters.is_some() {
        return Err(Error::validation(
            "query_filters",
            "'query_filter' and 'query_filters' are mutually exclusive",
        ));
    }
    if let Some(qf) = query_filters {
        check_query_filters(qf)?;
        if let Some(i) = evaluators
            .iter()
            .position(|e| e.query_filter.is_some() || e.column_mappings.is_some())
        {
            return Err(Error::validation(
                format!("evaluators[{i}]"),
                "query_filter/column_mappings (span shape) cannot be combined with the task's query_filters (trace/session shape); use query_mappings",
            ));
        }
    }
    if query_filter.is_some() {
        if let Some(i) = evaluators.iter().position(|e| e.query_mappings.is_some()) {
            return Err(Error::validation(
                format!("evaluators[{i}].query_mappings"),
                "query_mappings (trace/session shape) cannot be combined with the task's query_filter (span shape); use query_filters",
            ));
        }
    }
    Ok(())
}

fn evaluators_value(evaluators: &[TaskEvaluatorInput]) -> Value {
    Value::Array(
        evaluators
            .iter()
            .map(|e| {
                let mut e = e.clone();
                e.evaluator_id = e.evaluator_id.trim().to_owned();
                serde_json::to_value(e).unwrap_or(Value::Null)
            })
            .collect(),
    )
}

/// Checks an evaluation-task create and builds its body (without `project_id`/`dataset_id`).
pub(crate) fn evaluation_create(
    req: &CreateEvaluationTask,
) -> Result<(Map<String, Value>, Source)> {
    let name = required("name", &req.name, usize::MAX)?;
    let task_type = TaskType::parse(&req.task_type)?;
    if !task_type.is_evaluation() {
        return Err(Error::validation(
            "task_type",
            "evaluation tasks are TEMPLATE_EVALUATION or CODE_EVALUATION; use create_run_experiment_task for RUN_EXPERIMENT",
        ));
    }
    check_evaluators(&req.evaluators)?;
    let project = req
        .project
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let dataset = req
        .dataset
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let source = match (project, dataset) {
        (Some(p), None) => Source::Project(p.to_owned()),
        (None, Some(d)) => Source::Dataset(d.to_owned()),
        _ => {
            return Err(Error::validation(
                "project, dataset",
                "provide exactly one of 'project' or 'dataset' for evaluation tasks",
            ))
        }
    };
    if let Some(space) = &req.space {
        required("space", space, MAX_NAME)?;
    }
    let experiment_ids = req.experiment_ids.as_deref().unwrap_or_default();
    check_ids("experiment_ids", experiment_ids)?;
    match source {
        Source::Dataset(_) => {
            if experiment_ids.is_empty() {
                return Err(Error::validation(
                    "experiment_ids",
                    "at least one experiment ID is required for dataset-based evaluation tasks",
                ));
            }
            if req.sampling_rate.is_some() {
                return Err(Error::validation(
                    "sampling_rate",
                    "applies only to project-based tasks",
                ));
            }
            if req.is_continuous == Some(true) {
                return Err(Error::validation(
                    "is_continuous",
                    "dataset-based tasks cannot be continuous",
                ));
            }
        }
        Source::Project(_) => {
            if !experiment_ids.is_empty() {
                return Err(Error::validation(
                    "experiment_ids",
                    "applies only to dataset-based tasks",
                ));
            }
        }
    }
    if let Some(rate) = req.sampling_rate {
        check_sampling_rate(rate)?;
    }
    check_filter_shapes(
        req.query_filter.as_deref(),
        req.query_filters.as_ref(),
        &req.evaluators,
    )?;

    let mut body = Map::new();
    body.insert("type".into(), Value::from(task_type.as_str()));
    body.insert("name".into(), Value::from(name));
    if !experiment_ids.is_empty() {
        let ids: Vec<Value> = experiment_ids
            .iter()
            .map(|s| Value::from(s.trim()))
            .collect();
        body.insert("experiment_ids".into(), Value::Array(ids));
    }
    if let Some(rate) = req.sampling_rate {
        body.insert("sampling_rate".into(), Value::from(rate));
    }
    if let Some(c) = req.is_continuous {
        body.insert("is_continuous".into(), Value::from(c));
    }
    if let Some(q) = &req.query_filter {
        body.insert("query_filter".into(), Value::from(q.as_str()));
    }
    if let Some(q) = &req.query_filters {
        body.insert("query_filters".into(), q.clone());
    }
    body.insert("evaluators".into(), evaluators_value(&req.evaluators));
    Ok((body, source))
}

/// Checks a run-experiment create; returns the body without `dataset_id`, and the dataset.
pub(crate) fn run_experiment_create(
    req: &CreateRunExperimentTask,
) -> Result<(Map<String, Value>, String)> {
    let name = required("name", &req.name, usize::MAX)?;
    let dataset = required("dataset", &req.dataset, usize::MAX)?;
    if let Some(space) = &req.space {
        required("space", space, MAX_NAME)?;
    }
    let rc = normalize_run_configuration(&req.run_configuration)?;
    let mut body = Map::new();
    body.insert("type".into(), Value::from(TaskType::RunExperiment.as_str()));
    body.insert("name".into(), Value::from(name));
    body.insert("run_configuration".into(), rc);
    Ok((body, dataset.to_owned()))
}

/// What [`CreateTask`] dispatches to.
#[derive(Debug)]
pub(crate) enum CreateKind {
    Evaluation(CreateEvaluationTask),
    RunExperiment(CreateRunExperimentTask),
}

/// Fails with a validation error naming every field that was `given` (true) when none
/// of them may be; `message` says why and what is allowed instead.
pub(crate) fn reject_given(fields: &[(&str, bool)], message: impl Into<String>) -> Result<()> {
    let given: Vec<&str> = fields
        .iter()
        .filter_map(|&(name, set)| set.then_some(name))
        .collect();
    if given.is_empty() {
        Ok(())
    } else {
        Err(Error::validation(given.join(", "), message))
    }
}

/// The CLI's dispatch rules for `ax tasks create`.
pub(crate) fn dispatch_create(req: &CreateTask) -> Result<CreateKind> {
    let task_type = TaskType::parse(&req.task_type)?;
    if task_type == TaskType::RunExperiment {
        reject_given(
            &[
                ("evaluators", req.evaluators.is_some()),
                ("project", req.project.is_some()),
                ("sampling_rate", req.sampling_rate.is_some()),
                ("is_continuous", req.is_continuous.is_some()),
                ("query_filter", req.query_filter.is_some()),
                ("query_filters", req.query_filters.is_some()),
                ("experiment_ids", req.experiment_ids.is_some()),
            ],
            "run_experiment tasks do not support eval-only fields; use 'run_configuration' and 'dataset' instead",
        )?;
        let run_configuration = req.run_configuration.clone().ok_or_else(|| {
            Error::validation("run_configuration", "is required for run_experiment tasks")
        })?;
        let dataset = req
            .dataset
            .clone()
            .ok_or_else(|| Error::validation("dataset", "is required for run_experiment tasks"))?;
        return Ok(CreateKind::RunExperiment(CreateRunExperimentTask {
            name: req.name.clone(),
            dataset,
            run_configuration,
            space: req.space.clone(),
        }));
    }
    if req.run_configuration.is_some() {
        return Err(Error::validation(
            "run_configuration",
            format!("is only valid for run_experiment tasks, not {task_type}"),
        ));
    }
    let evaluators = req.evaluators.clone().ok_or_else(|| {
        Error::validation("evaluators", format!("is required for {task_type} tasks"))
    })?;
    Ok(CreateKind::Evaluation(CreateEvaluationTask {
        name: req.name.clone(),
        task_type: task_type.as_str().to_owned(),
        evaluators,
        project: req.project.clone(),
        dataset: req.dataset.clone(),
        space: req.space.clone(),
        experiment_ids: req.experiment_ids.clone(),
        sampling_rate: req.sampling_rate,
        is_continuous: req.is_continuous,
        query_filter: req.query_filter.clone(),
        query_filters: req.query_filters.clone(),
    }))
}

/// Checks an update on its own and builds the PATCH body. Nothing to change is an error.
pub(crate) fn update_body(req: &UpdateTask) -> Result<Map<String, Value>> {
    let mut body = Map::new();
    if let Some(name) = &req.name {
        body.insert(
            "name".into(),
            Value::from(required("name", name, usize::MAX)?),
        );
    }
    if let Some(rate) = req.sampling_rate {
        check_sampling_rate(rate)?;
        body.insert("sampling_rate".into(), Value::from(rate));
    }
    if let Some(c) = req.is_continuous {
        body.insert("is_continuous".into(), Value::from(c));
    }
    if let (Patch::Value(_), Patch::Value(_)) = (&req.query_filter, &req.query_filters) {
        return Err(Error::validation(
            "query_filters",
            "'query_filter' and 'query_filters' are mutually exclusive",
        ));
    }
    match &req.query_filter {
        Patch::Unset => {}
        Patch::Null => {
            body.insert("query_filter".into(), Value::Null);
        }
        Patch::Value(q) => {
            body.insert("query_filter".into(), Value::from(q.as_str()));
        }
    }
    match &req.query_filters {
        Patch::Unset => {}
        Patch::Null => {
            body.insert("query_filters".into(), Value::Null);
        }
        Patch::Value(q) => {
            check_query_filters(q)?;
            body.insert("query_filters".into(), q.clone());
        }
    }
    if let Some(evaluators) = &req.evaluators {
        check_evaluators(evaluators)?;
        body.insert("evaluators".into(), evaluators_value(evaluators));
    }
    if let Some(rc) = &req.run_configuration {
        body.insert("run_configuration".into(), normalize_run_configuration(rc)?);
    }
    if body.is_empty() {
        return Err(Error::validation(
            "name, sampling_rate, is_continuous, query_filter, query_filters, evaluators, run_configuration",
            "nothing to update: provide at least one field",
        ));
    }
    Ok(body)
}

/// Rejects update fields that do not belong to the stored task's type.
pub(crate) fn update_fits(task: &Task, req: &UpdateTask) -> Result<()> {
    let t = task.task_type;
    if t == TaskType::RunExperiment {
        reject_given(
            &[
                ("sampling_rate", req.sampling_rate.is_some()),
                ("is_continuous", req.is_continuous.is_some()),
                ("query_filter", !req.query_filter.is_unset()),
                ("query_filters", !req.query_filters.is_unset()),
                ("evaluators", req.evaluators.is_some()),
            ],
            "not valid for RUN_EXPERIMENT tasks: only 'name' and 'run_configuration' may be updated",
        )?;
        return Ok(());
    }
    if req.run_configuration.is_some() {
        return Err(Error::validation(
            "run_configuration",
            format!("is only valid for RUN_EXPERIMENT tasks, not {t}"),
        ));
    }
    if task.is_dataset_based() {
        if req.sampling_rate.is_some() {
            return Err(Error::validation(
                "sampling_rate",
                format!(
                    "applies only to project-based tasks; task '{}' reads a dataset",
                    task.name
                ),
            ));
        }
        if req.is_continuous == Some(true) {
            return Err(Error::validation(
                "is_continuous",
                format!(
                    "dataset-based tasks cannot be continuous (task '{}')",
                    task.name
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
