//! `POST /v2/tasks` and `PATCH /v2/tasks/{task_id}` (API.md §4.8, §4.10).
//!
//! Order of checks on create: body shape (400), the project/dataset (404), write access to
//! its space (403), evaluators/experiments/AI integration (404, 422), then the task name
//! (unique per space: 400). On update: the task (404), write access (403), body shape
//! for the stored task's type (400), references (404, 422), name (400).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::tasks::{check_space_access, task_for};
use super::{check_fields, check_name, parse_object, Obj};
use crate::auth::Caller;
use crate::cursor::json_response;
use crate::problem::ApiError;
use crate::server::Shared;
use crate::tasks::{Task, TaskType, TASK_TYPES};
use crate::validate::{
    self, bad, enum_field, opt_bool, opt_number, opt_string, opt_string_list, present,
    EvaluatorInput, QueryFilters, RunConfig,
};

const NAME_MAX: usize = 1000;

/// Fields only evaluation tasks take.
const EVAL_ONLY: &[&str] = &[
    "evaluators",
    "experiment_ids",
    "sampling_rate",
    "is_continuous",
    "query_filter",
    "query_filters",
];

/// A shape-checked create body.
struct NewTask {
    kind: TaskType,
    name: String,
    project_id: Option<String>,
    dataset_id: Option<String>,
    experiment_ids: Vec<String>,
    sampling_rate: Option<f64>,
    is_continuous: bool,
    query_filter: Option<String>,
    query_filters: Option<QueryFilters>,
    evaluators: Vec<EvaluatorInput>,
    run_configuration: Option<RunConfig>,
}

fn task_name(obj: &Obj) -> Result<Option<String>, ApiError> {
    match obj.get("name") {
        None => Ok(None),
        Some(Value::String(s)) => {
            check_name("name", s, NAME_MAX)?;
            Ok(Some(s.clone()))
        }
        Some(Value::Null) => Err(bad("Field 'name' cannot be null.")),
        Some(_) => Err(bad("Field 'name' must be a string.")),
    }
}

fn sampling_rate(obj: &Obj) -> Result<Option<f64>, ApiError> {
    let rate = opt_number(obj, "sampling_rate")?;
    if rate.is_some_and(|r| !(0.0..=1.0).contains(&r)) {
        return Err(bad("Field 'sampling_rate' must be between 0 and 1."));
    }
    Ok(rate)
}

fn parse_create(obj: &Obj, lenient: bool) -> Result<NewTask, ApiError> {
    let mut known = vec![
        "type",
        "name",
        "project_id",
        "dataset_id",
        "run_configuration",
    ];
    known.extend_from_slice(EVAL_ONLY);
    check_fields(obj, &known)?;
    let kind = enum_field("type", obj.get("type"), TASK_TYPES, lenient)?;
    let kind = TaskType::from_wire(kind).expect("listed type");
    let name = task_name(obj)?.ok_or_else(|| bad("Field 'name' is required."))?;
    let project_id = opt_string(obj, "project_id")?.map(str::to_owned);
    let dataset_id = opt_string(obj, "dataset_id")?.map(str::to_owned);
    let mut task = NewTask {
        kind,
        name,
        project_id: None,
        dataset_id: None,
        experiment_ids: Vec::new(),
        sampling_rate: None,
        is_continuous: false,
        query_filter: None,
        query_filters: None,
        evaluators: Vec::new(),
        run_configuration: None,
    };
    if kind == TaskType::RunExperiment {
        if let Some(k) = EVAL_ONLY.iter().find(|k| present(obj, k).is_some()) {
            return Err(bad(format!(
                "Field '{k}' is not valid for RUN_EXPERIMENT tasks."
            )));
        }
        if project_id.is_some() {
            return Err(bad(
                "RUN_EXPERIMENT tasks run on a dataset; 'project_id' must be absent.",
            ));
        }
        task.dataset_id = Some(
            dataset_id
                .ok_or_else(|| bad("Field 'dataset_id' is required for RUN_EXPERIMENT tasks."))?,
        );
        let rc = present(obj, "run_configuration").ok_or_else(|| {
            bad("Field 'run_configuration' is required for RUN_EXPERIMENT tasks.")
        })?;
        task.run_configuration = Some(validate::run_configuration(rc, lenient)?);
        return Ok(task);
    }
    if present(obj, "run_configuration").is_some() {
        return Err(bad(format!(
            "Field 'run_configuration' is only valid for RUN_EXPERIMENT tasks, not {}.",
            kind.as_str()
        )));
    }
    let evaluators = present(obj, "evaluators")
        .ok_or_else(|| bad("Field 'evaluators' is required for evaluation tasks."))?;
    task.evaluators = validate::evaluators(evaluators)?;
    let experiment_ids = opt_string_list(obj, "experiment_ids")?.unwrap_or_default();
    let rate = sampling_rate(obj)?;
    let continuous = opt_bool(obj, "is_continuous")?;
    match (&project_id, &dataset_id) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(bad(
                "Exactly one of 'project_id' and 'dataset_id' must be given.",
            ))
        }
        (Some(_), None) if !experiment_ids.is_empty() => {
            return Err(bad(
                "Field 'experiment_ids' is only valid for dataset-based tasks.",
            ))
        }
        (None, Some(_)) => {
            if experiment_ids.is_empty() {
                return Err(bad(
                    "Field 'experiment_ids' must list at least one experiment for dataset-based tasks.",
                ));
            }
            if rate.is_some() {
                return Err(bad(
                    "Field 'sampling_rate' is only valid for project-based tasks.",
                ));
            }
            if continuous == Some(true) {
                return Err(bad("Dataset-based tasks cannot be continuous."));
            }
        }
        _ => {}
    }
    task.query_filter = opt_string(obj, "query_filter")?.map(str::to_owned);
    task.query_filters = present(obj, "query_filters")
        .map(validate::query_filters)
        .transpose()?;
    if task.query_filter.is_some() && task.query_filters.is_some() {
        return Err(bad(
            "'query_filter' and 'query_filters' are mutually exclusive.",
        ));
    }
    validate::check_shape(
        task.query_filter.is_some(),
        task.query_filters.as_ref().map(|q| q.ids.as_slice()),
        &task.evaluators,
    )?;
    task.project_id = project_id;
    task.dataset_id = dataset_id;
    task.experiment_ids = experiment_ids;
    task.sampling_rate = rate;
    task.is_continuous = continuous.unwrap_or(false);
    Ok(task)
}

/// `POST /v2/tasks`
pub(crate) async fn create(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let new = parse_create(&parse_object(&body)?, sh.lenient)?;
    let mut st = sh.state.write();
    let (space_id, evaluators, creator) = {
        let user = caller.user(&st)?;
        let space_id = match (&new.project_id, &new.dataset_id) {
            (Some(p), _) => st
                .visible_row(&st.projects, user, p, "project")?
                .space_id
                .clone(),
            (None, Some(d)) => st
                .visible_row(&st.datasets, user, d, "dataset")?
                .space_id
                .clone(),
            (None, None) => unreachable!("checked by parse_create"),
        };
        check_space_access(&st, user, &space_id, true, "tasks")?;
        let evaluators = st.resolve_evaluators(user, &space_id, &new.evaluators)?;
        if let (Some(d), TaskType::TemplateEvaluation | TaskType::CodeEvaluation) =
            (&new.dataset_id, new.kind)
        {
            st.check_experiments(user, d, &new.experiment_ids)?;
        }
        if let Some(rc) = &new.run_configuration {
            st.check_run_config(user, &space_id, rc)?;
        }
        if st.task_name_taken(&space_id, &new.name, None) {
            return Err(bad(format!(
                "A task named '{}' already exists in this space.",
                new.name
            )));
        }
        (space_id, evaluators, user.id.clone())
    };
    let (seq, id) = st.minter.mint("OnlineTask");
    let now = st.clock.now();
    let task = Task {
        seq,
        id,
        name: new.name,
        kind: new.kind,
        project_id: new.project_id,
        dataset_id: new.dataset_id,
        sampling_rate: new.sampling_rate,
        is_continuous: new.is_continuous,
        query_filter: new.query_filter,
        evaluators,
        experiment_ids: new.experiment_ids,
        run_configuration: new.run_configuration.map(|rc| rc.value),
        last_run_at: None,
        created_at: now.clone(),
        updated_at: now,
        created_by_user_id: Some(creator),
        query_filters: new.query_filters.as_ref().map(|q| q.value.clone()),
        filter_ids: new.query_filters.map(|q| q.ids),
        space_id,
        run_seqs: Vec::new(),
    };
    let resp = json_response(StatusCode::CREATED, &task);
    st.insert_task(task);
    Ok(resp)
}

/// A field that may be cleared with `null`.
enum Clearable<T> {
    Keep,
    Clear,
    Set(T),
}

/// A shape-checked update body.
struct Patch {
    name: Option<String>,
    sampling_rate: Option<f64>,
    is_continuous: Option<bool>,
    query_filter: Clearable<String>,
    query_filters: Clearable<QueryFilters>,
    evaluators: Option<Vec<EvaluatorInput>>,
    run_configuration: Option<RunConfig>,
}

fn not_null<'a>(obj: &'a Obj, key: &str) -> Result<Option<&'a Value>, ApiError> {
    match obj.get(key) {
        Some(Value::Null) => Err(bad(format!("Field '{key}' cannot be null."))),
        v => Ok(v),
    }
}

fn parse_update(obj: &Obj, task: &Task, lenient: bool) -> Result<Patch, ApiError> {
    if obj.contains_key("type") {
        return Err(bad("Field 'type' cannot be changed."));
    }
    let mut known = vec!["name", "run_configuration"];
    known.extend_from_slice(EVAL_ONLY);
    check_fields(obj, &known)?;
    if obj.is_empty() {
        return Err(bad("At least one field must be given to update a task."));
    }
    let mut patch = Patch {
        name: task_name(obj)?,
        sampling_rate: None,
        is_continuous: None,
        query_filter: Clearable::Keep,
        query_filters: Clearable::Keep,
        evaluators: None,
        run_configuration: None,
    };
    if task.kind == TaskType::RunExperiment {
        if let Some(k) = EVAL_ONLY.iter().find(|k| obj.contains_key(**k)) {
            return Err(bad(format!(
                "Field '{k}' is not valid for RUN_EXPERIMENT tasks; only 'name' and 'run_configuration' may be updated."
            )));
        }
        patch.run_configuration = not_null(obj, "run_configuration")?
            .map(|v| validate::run_configuration(v, lenient))
            .transpose()?;
        return Ok(patch);
    }
    if obj.contains_key("run_configuration") {
        return Err(bad(format!(
            "Field 'run_configuration' is only valid for RUN_EXPERIMENT tasks, not {}.",
            task.kind.as_str()
        )));
    }
    let dataset_task = task.dataset_id.is_some();
    not_null(obj, "sampling_rate")?;
    patch.sampling_rate = sampling_rate(obj)?;
    if dataset_task && patch.sampling_rate.is_some() {
        return Err(bad(
            "Field 'sampling_rate' is only valid for project-based tasks.",
        ));
    }
    not_null(obj, "is_continuous")?;
    patch.is_continuous = opt_bool(obj, "is_continuous")?;
    if dataset_task && patch.is_continuous == Some(true) {
        return Err(bad("Dataset-based tasks cannot be continuous."));
    }
    patch.query_filter = match obj.get("query_filter") {
        None => Clearable::Keep,
        Some(Value::Null) => Clearable::Clear,
        Some(Value::String(s)) => Clearable::Set(s.clone()),
        Some(_) => return Err(bad("Field 'query_filter' must be a string or null.")),
    };
    patch.query_filters = match obj.get("query_filters") {
        None => Clearable::Keep,
        Some(Value::Null) => Clearable::Clear,
        Some(v) => Clearable::Set(validate::query_filters(v)?),
    };
    if let (Clearable::Set(_), Clearable::Set(_)) = (&patch.query_filter, &patch.query_filters) {
        return Err(bad(
            "'query_filter' and 'query_filters' are mutually exclusive.",
        ));
    }
    patch.evaluators = not_null(obj, "evaluators")?
        .map(validate::evaluators)
        .transpose()?;
    // The task as it would be after the update must use one filter shape.
    let has_filter = match &patch.query_filter {
        Clearable::Keep => task.query_filter.is_some(),
        Clearable::Clear => false,
        Clearable::Set(_) => true,
    };
    let ids = match &patch.query_filters {
        Clearable::Keep => task.filter_ids.as_deref(),
        Clearable::Clear => None,
        Clearable::Set(q) => Some(q.ids.as_slice()),
    };
    let evaluators: Vec<EvaluatorInput> = match &patch.evaluators {
        Some(e) => e.clone(),
        None => task.evaluators.iter().map(|e| e.as_input()).collect(),
    };
    validate::check_shape(has_filter, ids, &evaluators)?;
    Ok(patch)
}

/// `PATCH /v2/tasks/{task_id}`
pub(crate) async fn update(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(task_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let obj = parse_object(&body)?;
    let mut st = sh.state.write();
    let (patch, evaluators) = {
        let user = caller.user(&st)?;
        let task = task_for(&st, user, &task_id, true)?;
        let patch = parse_update(&obj, task, sh.lenient)?;
        let evaluators = patch
            .evaluators
            .as_ref()
            .map(|e| st.resolve_evaluators(user, &task.space_id, e))
            .transpose()?;
        if let Some(rc) = &patch.run_configuration {
            st.check_run_config(user, &task.space_id, rc)?;
        }
        if let Some(n) = &patch.name {
            if st.task_name_taken(&task.space_id, n, Some(task.seq)) {
                return Err(bad(format!(
                    "A task named '{n}' already exists in this space."
                )));
            }
        }
        (patch, evaluators)
    };
    if let Some(name) = patch.name {
        st.rename_task(&task_id, name);
    }
    let now = st.clock.now();
    let task = st.tasks.get_mut(&task_id).expect("checked above");
    if let Some(r) = patch.sampling_rate {
        task.sampling_rate = Some(r);
    }
    if let Some(c) = patch.is_continuous {
        task.is_continuous = c;
    }
    match patch.query_filter {
        Clearable::Keep => {}
        Clearable::Clear => task.query_filter = None,
        Clearable::Set(f) => task.query_filter = Some(f),
    }
    match patch.query_filters {
        Clearable::Keep => {}
        Clearable::Clear => {
            task.query_filters = None;
            task.filter_ids = None;
        }
        Clearable::Set(q) => {
            task.query_filters = Some(q.value);
            task.filter_ids = Some(q.ids);
        }
    }
    if let Some(e) = evaluators {
        task.evaluators = e;
    }
    if let Some(rc) = patch.run_configuration {
        task.run_configuration = Some(rc.value);
    }
    task.updated_at = now;
    Ok(json_response(StatusCode::OK, &*task))
}
