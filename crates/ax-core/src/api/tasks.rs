//! Task operations (API.md §4.6–4.11). Every input is validated before the first request;
//! task, project and dataset names are resolved within a space (name or ID).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt, TryStreamExt};
use reqwest::Method;
use serde_json::{Map, Value};

use super::task_names::TaskNames;
use super::trigger;
use super::validate::{self, CreateKind, Source, MAX_NAME};
use super::{cursor, decode_json, max_len, path, required};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::{Patch, Task, TaskEvaluatorInput, TaskRun, TaskType};
use crate::paginate::{check_limit, chunks, fetch_page, pages, Listing, Page};
use crate::resolve::{self, is_resource_id, resolve_in_space, Lookup, DATASET, PROJECT, TASK};
use crate::transport::{ApiRequest, RetryClass};

pub use crate::table::TaskResource;

/// Default page size of `list` (as in the official SDK).
pub const DEFAULT_LIMIT: u32 = 50;

/// Parameters of `GET /v2/tasks`.
#[derive(Debug, Clone, Default)]
pub struct ListTasksParams {
    /// A space ID (sent as `space_id`) or a space name (sent as the `space_name` substring
    /// filter, as the official SDK does). Also scopes the resolution of `project`/`dataset`
    /// names.
    pub space: Option<String>,
    /// Case-insensitive substring filter on the task name.
    pub name: Option<String>,
    /// Project name (needs `space`) or ID.
    pub project: Option<String>,
    /// Dataset name (needs `space`) or ID.
    pub dataset: Option<String>,
    /// `TEMPLATE_EVALUATION`, `CODE_EVALUATION` or `RUN_EXPERIMENT` (any case).
    pub task_type: Option<String>,
    /// Page size 1..=100 (default 50).
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

fn non_empty(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

/// Validates, then resolves names; returns the query without limit/cursor.
async fn list_query(c: &Client, p: &ListTasksParams) -> Result<(Vec<(String, String)>, u32)> {
    let limit = p.limit.unwrap_or(DEFAULT_LIMIT);
    check_limit(limit)?;
    cursor(p.cursor.as_deref())?;
    let task_type = non_empty(p.task_type.as_deref())
        .map(TaskType::parse)
        .transpose()?;
    let space = non_empty(p.space.as_deref());
    let mut query: Vec<(String, String)> = Vec::new();
    if let Some(s) = space {
        max_len("space", s, MAX_NAME)?;
        let key = if is_resource_id(s) {
            "space_id"
        } else {
            "space_name"
        };
        query.push((key.into(), s.to_owned()));
    }
    if let Some(n) = p.name.as_deref().filter(|n| !n.is_empty()) {
        max_len("name", n, MAX_NAME)?;
        query.push(("name".into(), n.to_owned()));
    }
    let project = non_empty(p.project.as_deref());
    let dataset = non_empty(p.dataset.as_deref());
    for (field, v) in [("project", project), ("dataset", dataset)] {
        if let Some(v) = v {
            max_len(field, v, MAX_NAME)?;
        }
    }
    if let Some(project) = project {
        let id = resolve_in_space(c, &PROJECT, space, project).await?;
        query.push(("project_id".into(), id));
    }
    if let Some(dataset) = dataset {
        let id = resolve_in_space(c, &DATASET, space, dataset).await?;
        query.push(("dataset_id".into(), id));
    }
    if let Some(t) = task_type {
        query.push(("type".into(), t.as_str().into()));
    }
    Ok((query, limit))
}

/// One page of tasks.
pub async fn list(c: &Client, p: &ListTasksParams) -> Result<Page<TaskResource>> {
    let (mut query, limit) = list_query(c, p).await?;
    query.push(("limit".into(), limit.to_string()));
    if let Some(cur) = &p.cursor {
        query.push(("cursor".into(), cur.clone()));
    }
    fetch_page(c, "/v2/tasks", query).await
}

/// Every page of tasks from `p.cursor` on, with the next page prefetched.
pub fn list_pages(
    c: &Client,
    p: ListTasksParams,
) -> impl Stream<Item = Result<Page<TaskResource>>> + Send + 'static {
    let client = c.clone();
    futures::stream::once(async move {
        match list_query(&client, &p).await {
            Ok((query, limit)) => {
                pages::<TaskResource>(client, "/v2/tasks".into(), query, limit, p.cursor)
                    .left_stream()
            }
            Err(e) => futures::stream::once(async move { Err(e) }).right_stream(),
        }
    })
    .flatten()
}

/// Every task from `p.cursor` on as Arrow data: the pages are scanned straight into the
/// listing's chunks (what the package's `list_all` returns).
pub async fn list_listing(c: &Client, p: ListTasksParams) -> Result<Listing<TaskResource>> {
    let (query, limit) = list_query(c, &p).await?;
    let walk = chunks::<TaskResource>(c.clone(), "/v2/tasks".into(), query, limit, p.cursor);
    Listing::collect_chunks(walk).await
}

/// Every page of tasks, collected.
pub async fn list_all(c: &Client, p: ListTasksParams) -> Result<Vec<Page<TaskResource>>> {
    list_pages(c, p).try_collect().await
}

/// Resolves a task name (within `space`) or returns the ID as is.
pub(crate) async fn task_id(c: &Client, task: &str, space: Option<&str>) -> Result<String> {
    Ok(find_task(c, task, space).await?.id)
}

async fn get_by_id(c: &Client, id: &str) -> Result<Task> {
    let p = path(&["v2", "tasks", id]);
    let resp = c.send(ApiRequest::get(&p)).await?;
    let task: Task = decode_json(c, "GET", &p, &resp)?;
    c.task_types().remember(&task.id, task.task_type);
    Ok(task)
}

/// A task by name (within `space`, itself a name or an ID) or ID. A name that is looked up
/// costs no request beyond the lookup: the matching list item is the task.
pub async fn get(c: &Client, task: &str, space: Option<&str>) -> Result<Task> {
    let found = find_task(c, task, space).await?;
    let id = found.id.clone();
    let task = match found.decode::<Task>(c, &TASK) {
        Some(task) => task?,
        None => get_by_id(c, &id).await?,
    };
    c.task_types().remember(&task.id, task.task_type);
    Ok(task)
}

/// [`task_id`], also returning the matching list item when a name was looked up.
async fn find_task(c: &Client, task: &str, space: Option<&str>) -> Result<resolve::Found> {
    let task = required("task", task, MAX_NAME)?;
    let space = match space {
        Some(s) => Some(required("space", s, MAX_NAME)?),
        None => None,
    };
    resolve::find_in_space(c, &TASK, space, task).await
}

/// Arguments of [`create_evaluation_task`] (API.md §4.8, evaluation variants).
#[derive(Debug, Clone, Default)]
pub struct CreateEvaluationTask {
    pub name: String,
    /// `TEMPLATE_EVALUATION` or `CODE_EVALUATION` (any case).
    pub task_type: String,
    /// At least one; no duplicate `evaluator_id`.
    pub evaluators: Vec<TaskEvaluatorInput>,
    /// Exactly one of `project` / `dataset` (name within `space`, or ID).
    pub project: Option<String>,
    pub dataset: Option<String>,
    pub space: Option<String>,
    /// Required (≥ 1) for dataset tasks; not allowed for project tasks.
    pub experiment_ids: Option<Vec<String>>,
    /// 0..=1, project tasks only.
    pub sampling_rate: Option<f64>,
    /// Project tasks only (`false` is allowed for dataset tasks).
    pub is_continuous: Option<bool>,
    pub query_filter: Option<String>,
    /// Trace/session shape; exclusive with `query_filter`.
    pub query_filters: Option<Value>,
}

async fn post_task(c: &Client, body: Map<String, Value>, name: &str) -> Result<Task> {
    let p = path(&["v2", "tasks"]);
    let resp = c
        .send(ApiRequest::new(Method::POST, &p).with_body(Value::Object(body)))
        .await?;
    resolve::invalidate_name(c, &TASK, name);
    let task: Task = decode_json(c, "POST", &p, &resp)?;
    c.task_types().remember(&task.id, task.task_type);
    Ok(task)
}

/// Resolves the task's source (`lookup` is its project or dataset, written to `field`) and
/// the names in the body (evaluators, integrations) within `space` at once, so that a space
/// given by name costs no round trip of its own; experiment names follow, within the
/// dataset. The source's error comes first.
async fn resolve_names(
    c: &Client,
    body: &mut Map<String, Value>,
    space: Option<&str>,
    (lookup, source, field): (&'static Lookup, &str, &str),
) -> Result<()> {
    let names = TaskNames::collect(body, space)?;
    let wanted: Vec<(&Lookup, &str)> = std::iter::once((lookup, source))
        .chain(names.in_space())
        .collect();
    let mut found = resolve::find_all_in_space(c, space, &wanted)
        .await?
        .into_iter();
    let source_id = found.next().expect("one result per lookup")?.id;
    let dataset_id = (*lookup == DATASET).then_some(source_id.as_str());
    let ids = names.finish(c, found.collect(), dataset_id).await?;
    body.insert(field.into(), Value::from(source_id));
    names.apply(body, ids);
    Ok(())
}

/// Creates a `TEMPLATE_EVALUATION` or `CODE_EVALUATION` task. Evaluator IDs may be names
/// (resolved in `space`), experiment IDs may be names (within the dataset).
pub async fn create_evaluation_task(c: &Client, req: &CreateEvaluationTask) -> Result<Task> {
    let (mut body, source) = validate::evaluation_create(req)?;
    let source = match &source {
        Source::Project(p) => (&PROJECT, p.as_str(), "project_id"),
        Source::Dataset(d) => (&DATASET, d.as_str(), "dataset_id"),
    };
    resolve_names(c, &mut body, non_empty(req.space.as_deref()), source).await?;
    post_task(c, body, req.name.trim()).await
}

/// Arguments of [`create_run_experiment_task`] (API.md §4.8, `RUN_EXPERIMENT` variant).
#[derive(Debug, Clone, Default)]
pub struct CreateRunExperimentTask {
    pub name: String,
    /// Dataset name (within `space`) or ID.
    pub dataset: String,
    /// Validated and normalized with [`crate::model::normalize_run_configuration`].
    pub run_configuration: Value,
    pub space: Option<String>,
}

/// Creates a `RUN_EXPERIMENT` task.
pub async fn create_run_experiment_task(c: &Client, req: &CreateRunExperimentTask) -> Result<Task> {
    let (mut body, dataset) = validate::run_experiment_create(req)?;
    let source = (&DATASET, dataset.as_str(), "dataset_id");
    resolve_names(c, &mut body, non_empty(req.space.as_deref()), source).await?;
    post_task(c, body, req.name.trim()).await
}

/// Arguments of [`create`]: any task type, dispatched with the CLI's rules.
#[derive(Debug, Clone, Default)]
pub struct CreateTask {
    pub name: String,
    pub task_type: String,
    pub evaluators: Option<Vec<TaskEvaluatorInput>>,
    pub run_configuration: Option<Value>,
    pub project: Option<String>,
    pub dataset: Option<String>,
    pub space: Option<String>,
    pub experiment_ids: Option<Vec<String>>,
    pub sampling_rate: Option<f64>,
    pub is_continuous: Option<bool>,
    pub query_filter: Option<String>,
    pub query_filters: Option<Value>,
}

/// Creates a task of any type: evaluation types need `evaluators` and exactly one of
/// `project`/`dataset`; `RUN_EXPERIMENT` needs `dataset` and `run_configuration` and rejects
/// the evaluation-only fields.
pub async fn create(c: &Client, req: &CreateTask) -> Result<Task> {
    match validate::dispatch_create(req)? {
        CreateKind::Evaluation(e) => create_evaluation_task(c, &e).await,
        CreateKind::RunExperiment(r) => create_run_experiment_task(c, &r).await,
    }
}

/// Arguments of [`update`]: only supplied fields are sent.
#[derive(Debug, Clone, Default)]
pub struct UpdateTask {
    pub name: Option<String>,
    /// Evaluation (project) tasks only.
    pub sampling_rate: Option<f64>,
    /// Evaluation (project) tasks only.
    pub is_continuous: Option<bool>,
    /// `Null` clears the filter (sends `null`). Evaluation tasks only.
    pub query_filter: Patch<String>,
    /// `Null` clears the trace/session filters. Evaluation tasks only.
    pub query_filters: Patch<Value>,
    /// Replaces the whole list. Evaluation tasks only.
    pub evaluators: Option<Vec<TaskEvaluatorInput>>,
    /// Replaces the configuration atomically. `RUN_EXPERIMENT` tasks only.
    pub run_configuration: Option<Value>,
}

/// Updates a task. Nothing to change fails before any request; the task is then fetched and
/// fields foreign to its type are rejected before the PATCH.
pub async fn update(c: &Client, task: &str, space: Option<&str>, req: &UpdateTask) -> Result<Task> {
    let body = validate::update_body(req)?;
    let id = task_id(c, task, space).await?;
    let current = get_by_id(c, &id).await?;
    validate::update_fits(&current, req)?;
    let p = path(&["v2", "tasks", &id]);
    let resp = c
        .send(ApiRequest::new(Method::PATCH, &p).with_body(Value::Object(body)))
        .await?;
    if let Some(name) = &req.name {
        resolve::invalidate_id(c, &TASK, &id);
        resolve::invalidate_name(c, &TASK, name.trim());
    }
    decode_json(c, "PATCH", &p, &resp)
}

/// Deletes a task and its runs. Irreversible.
pub async fn delete(c: &Client, task: &str, space: Option<&str>) -> Result<()> {
    let id = task_id(c, task, space).await?;
    let p = path(&["v2", "tasks", &id]);
    let result = c.send(ApiRequest::new(Method::DELETE, &p)).await;
    resolve::invalidate_id(c, &TASK, &id);
    c.task_types().forget(&id);
    result.map(|_| ())
}

/// Arguments of [`trigger_run`]. Evaluation tasks take the first five fields, `RUN_EXPERIMENT`
/// tasks the others.
#[derive(Debug, Clone, Default)]
pub struct TriggerRun {
    /// Project tasks: start of the data window. Without `data_end_time`, the end is now.
    pub data_start_time: Option<DateTime<Utc>>,
    pub data_end_time: Option<DateTime<Utc>>,
    /// ≥ 1 (server default 10 000).
    pub max_spans: Option<u64>,
    pub override_evaluations: Option<bool>,
    /// Dataset-based evaluation tasks.
    pub experiment_ids: Option<Vec<String>>,
    /// Required for `RUN_EXPERIMENT`: 1–255 characters, no `"` or `\`.
    pub experiment_name: Option<String>,
    pub dataset_version_id: Option<String>,
    /// Exclusive with `example_ids`.
    pub max_examples: Option<u64>,
    pub example_ids: Option<Vec<String>>,
    pub evaluation_task_ids: Option<Vec<String>>,
    pub tracing_metadata: Option<BTreeMap<String, String>>,
}

/// Starts a run. The body variant depends on the task's type, which never changes: it comes
/// from the lookup's list item or from what this client already saw. When the client does
/// not know it, a body the fields alone choose (see [`trigger::variant_of_fields`]) is sent
/// at once: the server answers 400 to fields foreign to the task's type and starts nothing,
/// and only then is the type read, for the local error naming those fields. Fields of both
/// variants need the type first (one GET, shared by concurrent triggers of the same task).
/// `{}` is sent when nothing is set. The POST is never resent once it may have reached the
/// server.
pub async fn trigger_run(
    c: &Client,
    task: &str,
    space: Option<&str>,
    req: &TriggerRun,
) -> Result<TaskRun> {
    trigger::trigger_precheck(req, Utc::now())?;
    let found = find_task(c, task, space).await?;
    let id = found.id.clone();
    if let Some(task) = found.decode::<Task>(c, &TASK) {
        c.task_types().remember(&id, task?.task_type);
    }
    let type_of = || async {
        c.task_types()
            .get_or_fetch(&id, || async { Ok(get_by_id(c, &id).await?.task_type) })
            .await
    };
    let guessed = match c.task_types().known(&id) {
        Some(_) => None,
        None => trigger::variant_of_fields(req)
            .and_then(|t| trigger::trigger_body(req, t, Utc::now()).ok()),
    };
    let was_guessed = guessed.is_some();
    let body = match guessed {
        Some(body) => body,
        None => trigger::trigger_body(req, type_of().await?, Utc::now())?,
    };
    let p = path(&["v2", "tasks", &id, "trigger"]);
    let sent = c
        .send(
            ApiRequest::new(Method::POST, &p)
                .with_body(body)
                .with_retry(RetryClass::NonIdempotent),
        )
        .await;
    let resp = match sent {
        Err(Error::Api(e)) if was_guessed && e.status == 400 => {
            // Perhaps fields foreign to the task's type: its type names them.
            if let Ok(t) = type_of().await {
                trigger::trigger_body(req, t, Utc::now())?;
            }
            return Err(Error::Api(e));
        }
        other => other?,
    };
    let run: TaskRun = decode_json(c, "POST", &p, &resp)?;
    c.run_tasks().remember(&run.id, &run.task_id);
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{field, offline};
    use crate::Error;

    #[tokio::test]
    async fn list_rejects_bad_params_without_a_request() {
        let c = offline();
        let bad = |p: ListTasksParams| {
            let c = c.clone();
            async move { field(list(&c, &p).await.unwrap_err()) }
        };
        let f = bad(ListTasksParams {
            limit: Some(0),
            ..Default::default()
        })
        .await;
        assert_eq!(f, "limit");
        let f = bad(ListTasksParams {
            task_type: Some("eval".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(f, "task_type");
        let f = bad(ListTasksParams {
            cursor: Some(" ".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(f, "cursor");
        let f = bad(ListTasksParams {
            name: Some("x".repeat(256)),
            ..Default::default()
        })
        .await;
        assert_eq!(f, "name");
    }

    #[tokio::test]
    async fn names_without_a_space_fail_before_any_request() {
        let c = offline();
        let e = get(&c, "my task", None).await.unwrap_err();
        match e {
            Error::NameNotFound {
                resource_type,
                hint,
                ..
            } => {
                assert_eq!(resource_type, "task");
                assert!(hint.unwrap().contains("Provide 'space'"));
            }
            other => panic!("unexpected {other:?}"),
        }
        let e = list(
            &c,
            &ListTasksParams {
                project: Some("my project".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert!(
            matches!(e, Error::NameNotFound { resource_type, .. } if resource_type == "project")
        );
    }

    #[tokio::test]
    async fn update_with_nothing_to_change_fails_before_any_request() {
        let c = offline();
        let e = update(&c, "VGFzazox", None, &UpdateTask::default())
            .await
            .unwrap_err();
        assert!(field(e).starts_with("name, sampling_rate"));
    }

    #[tokio::test]
    async fn trigger_precheck_runs_before_any_request() {
        let c = offline();
        let req = TriggerRun {
            max_examples: Some(3),
            example_ids: Some(vec!["a".into()]),
            ..Default::default()
        };
        let e = trigger_run(&c, "VGFzazox", None, &req).await.unwrap_err();
        assert_eq!(field(e), "example_ids, max_examples");
    }
}
