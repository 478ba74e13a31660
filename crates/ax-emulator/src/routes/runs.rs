//! Task runs (API.md §4.11–§4.14): trigger, list, get, cancel. Statuses come from the run
//! engine (`crate::runs`), derived from the clock at every read.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::tasks::{check_space_access, task_for};
use super::{check_fields, parse_object, Obj, QueryParams};
use crate::auth::Caller;
use crate::cursor::{json_response, list_response_fast, take_page, PageRequest};
use crate::ids::Timestamp;
use crate::problem::ApiError;
use crate::resources::Experiment;
use crate::runs::{now_ms, project_run_total, Plan, RunJson, RunStatus, TaskRun, RUN_STATUSES};
use crate::server::Shared;
use crate::state::{State as World, User};
use crate::tasks::{Task, TaskType};
use crate::validate::{
    bad, opt_bool, opt_int, opt_string, opt_string_list, opt_time, present, string_map,
};

const EVAL_FIELDS: &[&str] = &[
    "data_start_time",
    "data_end_time",
    "max_spans",
    "override_evaluations",
    "experiment_ids",
];
const EXPERIMENT_FIELDS: &[&str] = &[
    "experiment_name",
    "dataset_version_id",
    "example_ids",
    "max_examples",
    "tracing_metadata",
    "evaluation_task_ids",
    "query_filter",
];
const DEFAULT_MAX_SPANS: u64 = 10_000;
const MAX_WINDOW_MS: i64 = 30 * 86_400_000;

/// What a trigger resolved to.
struct Trigger {
    total: u64,
    window: (Option<i64>, Option<i64>),
    experiment: Option<Experiment>,
}

fn unprocessable(detail: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
}

fn first_present<'a>(obj: &Obj, keys: &[&'a str]) -> Option<&'a str> {
    keys.iter().copied().find(|k| present(obj, k).is_some())
}

fn check_window(start: i64, end: i64) -> Result<(), ApiError> {
    if start >= end {
        return Err(bad("'data_start_time' must be before 'data_end_time'."));
    }
    if end - start > MAX_WINDOW_MS {
        return Err(bad("The data window may span at most 30 days."));
    }
    Ok(())
}

fn eval_trigger(
    st: &World,
    user: &User,
    task: &Task,
    obj: &Obj,
    now: i64,
) -> Result<Trigger, ApiError> {
    if let Some(k) = first_present(obj, EXPERIMENT_FIELDS) {
        return Err(bad(format!(
            "Field '{k}' is only valid for RUN_EXPERIMENT tasks."
        )));
    }
    let start = opt_time(obj, "data_start_time")?;
    let end = opt_time(obj, "data_end_time")?;
    let max_spans = opt_int(obj, "max_spans", 1)?.map_or(DEFAULT_MAX_SPANS, |n| n as u64);
    opt_bool(obj, "override_evaluations")?;
    let experiment_ids = opt_string_list(obj, "experiment_ids")?;
    let Some(dataset_id) = &task.dataset_id else {
        // Project task: the window defaults to [last run, now].
        if experiment_ids.is_some() {
            return Err(bad(
                "Field 'experiment_ids' is only valid for dataset-based tasks.",
            ));
        }
        let start = start
            .or(task.last_run_at.as_ref().map(|t| t.ms))
            .ok_or_else(|| bad("Field 'data_start_time' is required: the task has never run."))?;
        let end = end.unwrap_or(now);
        check_window(start, end)?;
        return Ok(Trigger {
            total: project_run_total(end - start, max_spans, task.sampling_rate),
            window: (Some(start), Some(end)),
            experiment: None,
        });
    };
    // Dataset task: the window is not used (only checked when both ends are given).
    if let (Some(s), Some(e)) = (start, end) {
        check_window(s, e)?;
    }
    let ids = match experiment_ids {
        Some(ids) if !ids.is_empty() => {
            st.check_experiments(user, dataset_id, &ids)?;
            ids
        }
        _ => task.experiment_ids.clone(),
    };
    let examples: u64 = ids
        .iter()
        .filter_map(|id| st.experiments.get(id))
        .filter_map(|e| st.dataset_versions.get(&e.dataset_version_id))
        .map(|v| v.example_count)
        .sum();
    Ok(Trigger {
        total: examples.min(max_spans),
        window: (None, None),
        experiment: None,
    })
}

fn experiment_trigger(
    st: &World,
    user: &User,
    task: &Task,
    obj: &Obj,
) -> Result<Trigger, ApiError> {
    if let Some(k) = first_present(obj, EVAL_FIELDS) {
        return Err(bad(format!(
            "Field '{k}' is not valid for RUN_EXPERIMENT tasks."
        )));
    }
    let name = opt_string(obj, "experiment_name")?
        .ok_or_else(|| bad("Field 'experiment_name' is required for RUN_EXPERIMENT tasks."))?;
    let len = name.chars().count();
    if len == 0 || len > 255 || name.contains(['"', '\\']) {
        return Err(bad(
            "Field 'experiment_name' must be 1 to 255 characters without '\"' or '\\'.",
        ));
    }
    let example_ids = opt_string_list(obj, "example_ids")?;
    let max_examples = opt_int(obj, "max_examples", 1)?;
    if example_ids.is_some() && max_examples.is_some() {
        return Err(bad(
            "'example_ids' and 'max_examples' are mutually exclusive.",
        ));
    }
    if let Some(m) = present(obj, "tracing_metadata") {
        string_map("tracing_metadata", m)?;
    }
    opt_string(obj, "query_filter")?;
    let dataset_id = task.dataset_id.as_deref().unwrap_or_default();
    let version = match opt_string(obj, "dataset_version_id")? {
        Some(vid) => {
            let v = st.dataset_versions.get(vid).ok_or_else(|| {
                ApiError::not_found(format!(
                    "No dataset version with id '{vid}' is visible to this key."
                ))
            })?;
            if v.dataset_id != dataset_id {
                return Err(unprocessable(format!(
                    "Dataset version '{vid}' does not belong to the task's dataset."
                )));
            }
            v
        }
        None => st
            .latest_dataset_version(dataset_id)
            .ok_or_else(|| unprocessable("The task's dataset has no versions.".to_owned()))?,
    };
    for id in opt_string_list(obj, "evaluation_task_ids")?.unwrap_or_default() {
        let t = task_for(st, user, &id, false)?;
        if t.kind == TaskType::RunExperiment {
            return Err(unprocessable(format!(
                "Task '{id}' is not an evaluation task."
            )));
        }
    }
    let taken = st
        .experiments
        .iter()
        .any(|e| e.dataset_id == dataset_id && e.name == name);
    if taken {
        return Err(ApiError::conflict(format!(
            "An experiment named '{name}' already exists on this dataset."
        )));
    }
    let total = match (example_ids, max_examples) {
        (Some(mut ids), _) => {
            ids.sort_unstable();
            ids.dedup();
            ids.len() as u64
        }
        (None, Some(m)) => version.example_count.min(m as u64),
        (None, None) => version.example_count,
    };
    let integration_id = task
        .run_configuration
        .as_ref()
        .filter(|rc| rc["experiment_type"] == "AGENT_CALL")
        .and_then(|rc| rc["integration_id"].as_str())
        .map(str::to_owned);
    Ok(Trigger {
        total,
        window: (None, None),
        experiment: Some(Experiment {
            seq: 0,
            id: String::new(),
            name: name.to_owned(),
            dataset_id: dataset_id.to_owned(),
            dataset_version_id: version.id.clone(),
            created_at: Timestamp::from_ms(0),
            updated_at: Timestamp::from_ms(0),
            experiment_traces_project_id: None,
            integration_id,
            space_id: task.space_id.clone(),
        }),
    })
}

/// `POST /v2/tasks/{task_id}/trigger` (body optional)
pub(crate) async fn trigger(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(task_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let obj = if body.iter().all(u8::is_ascii_whitespace) {
        Obj::new()
    } else {
        parse_object(&body)?
    };
    let mut known = EVAL_FIELDS.to_vec();
    known.extend_from_slice(EXPERIMENT_FIELDS);
    check_fields(&obj, &known)?;
    let mut st = sh.state.write();
    // One reading for the whole trigger: later than any earlier run of the task.
    let now = st.clock.now();
    let (trigger, space_id, creator) = {
        let user = caller.user(&st)?;
        let task = task_for(&st, user, &task_id, true)?;
        let trigger = match task.kind {
            TaskType::RunExperiment => experiment_trigger(&st, user, task, &obj)?,
            _ => eval_trigger(&st, user, task, &obj, now.ms)?,
        };
        (trigger, task.space_id.clone(), user.id.clone())
    };
    let experiment_id = trigger.experiment.map(|mut e| {
        let (seq, id) = st.minter.mint("Experiment");
        e.seq = seq;
        e.id = id.clone();
        e.created_at = now.clone();
        e.updated_at = now.clone();
        st.experiments.insert(e);
        id
    });
    let (seq, id) = st.minter.mint("TaskRun");
    let plan = Plan::draw(&st.run_timeline, trigger.total, seq);
    let mut run = TaskRun::new(seq, id, &task_id, &space_id, now.clone(), plan);
    run.experiment_id = experiment_id;
    run.data_start_time = trigger.window.0.map(Timestamp::from_ms);
    run.data_end_time = trigger.window.1.map(Timestamp::from_ms);
    run.created_by_user_id = Some(creator);
    let resp = json_response(StatusCode::CREATED, &run.json(now_ms(&st)));
    st.task_runs.insert(run);
    let task = st.tasks.get_mut(&task_id).expect("checked above");
    task.run_seqs.push(seq);
    task.last_run_at = Some(now);
    Ok(resp)
}

/// `GET /v2/tasks/{task_id}/runs`: newest first, optional `status` filter.
pub(crate) async fn list(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(task_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = QueryParams::parse(raw.as_deref());
    let status = match q.filter("status") {
        None => None,
        Some(s) => Some(
            RunStatus::parse(s, sh.lenient)
                .ok_or_else(|| bad(format!("Unknown status '{s}'; expected {RUN_STATUSES}.")))?,
        ),
    };
    let page = PageRequest::parse(
        &sh.cursors,
        &q,
        "task_runs",
        &[Some(&task_id), status.map(RunStatus::as_str)],
    )?;
    let st = sh.state.read();
    let user = caller.user(&st)?;
    let task = task_for(&st, user, &task_id, false)?;
    let now = now_ms(&st);
    let end = page.after.map_or(task.run_seqs.len(), |c| {
        task.run_seqs.partition_point(|s| *s < c)
    });
    let runs = task.run_seqs[..end]
        .iter()
        .rev()
        .filter_map(|s| st.task_runs.by_seq(*s));
    let (items, more) = take_page(runs, page.limit, |r| {
        status.is_none_or(|s| r.snapshot(now).status == s)
    });
    let json: Vec<RunJson<'_>> = items.iter().map(|r| r.json(now)).collect();
    let refs: Vec<&RunJson<'_>> = json.iter().collect();
    Ok(list_response_fast(
        &sh.cursors,
        &page,
        "task_runs",
        &refs,
        more,
        |r| r.seq,
    ))
}

/// The run, if the caller can see it (404); with `write`, may change it (403).
fn run_for<'s>(st: &'s World, user: &User, id: &str, write: bool) -> Result<&'s TaskRun, ApiError> {
    let not_found = || {
        ApiError::not_found(format!(
            "No task run with id '{id}' is visible to this key."
        ))
    };
    let run = st.task_runs.get(id).ok_or_else(not_found)?;
    check_space_access(st, user, &run.space_id, write, "task runs").map_err(|e| {
        if e.status == StatusCode::NOT_FOUND {
            not_found()
        } else {
            e
        }
    })?;
    Ok(run)
}

/// `GET /v2/task-runs/{run_id}`
pub(crate) async fn get_one(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(run_id): Path<String>,
) -> Result<Response, ApiError> {
    let st = sh.state.read();
    let user = caller.user(&st)?;
    let run = run_for(&st, user, &run_id, false)?;
    Ok(json_response(StatusCode::OK, &run.json(now_ms(&st))))
}

/// `POST /v2/task-runs/{run_id}/cancel`: only while PENDING or RUNNING (else 400).
pub(crate) async fn cancel(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(run_id): Path<String>,
) -> Result<Response, ApiError> {
    let mut st = sh.state.write();
    let now = now_ms(&st);
    {
        let user = caller.user(&st)?;
        let run = run_for(&st, user, &run_id, true)?;
        let status = run.snapshot(now).status;
        if status.is_terminal() {
            return Err(bad(format!(
                "The run is already {}; only PENDING or RUNNING runs can be cancelled.",
                status.as_str()
            )));
        }
    }
    let run = st.task_runs.get_mut(&run_id).expect("checked above");
    run.pin(RunStatus::Cancelled, None, now);
    Ok(json_response(StatusCode::OK, &run.json(now)))
}
