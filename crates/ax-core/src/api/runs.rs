//! Task-run operations (API.md §4.12–4.14). Waiting for runs lives in [`crate::poll`].

use futures::{Stream, StreamExt, TryStreamExt};
use reqwest::Method;

use super::tasks::{task_id, DEFAULT_LIMIT};
use super::{cursor, decode_json, path, required};
use crate::client::Client;
use crate::error::Result;
use crate::model::{TaskRun, TaskRunStatus};
use crate::paginate::{check_limit, chunks, fetch_page, pages, Listing, Page};
use crate::transport::{ApiRequest, RetryClass};

pub use crate::table::TaskRunResource;

const MAX_ID: usize = 1024;

/// Parameters of `GET /v2/tasks/{id}/runs`.
#[derive(Debug, Clone, Default)]
pub struct ListRunsParams {
    /// One of `PENDING`, `RUNNING`, `COMPLETED`, `FAILED`, `CANCELLED` (any case).
    pub status: Option<String>,
    /// Page size 1..=100 (default 50).
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Validates the parameters (no request); returns the query without limit/cursor.
fn check_runs_params(p: &ListRunsParams) -> Result<(Vec<(String, String)>, u32)> {
    let limit = p.limit.unwrap_or(DEFAULT_LIMIT);
    check_limit(limit)?;
    cursor(p.cursor.as_deref())?;
    let mut query = Vec::new();
    if let Some(s) = p.status.as_deref().filter(|s| !s.trim().is_empty()) {
        query.push(("status".into(), TaskRunStatus::parse(s)?.as_str().into()));
    }
    Ok((query, limit))
}

fn runs_path(id: &str) -> String {
    path(&["v2", "tasks", id, "runs"])
}

/// One page of a task's runs (newest first on the emulator).
pub async fn list_runs(
    c: &Client,
    task: &str,
    space: Option<&str>,
    p: &ListRunsParams,
) -> Result<Page<TaskRunResource>> {
    let (mut query, limit) = check_runs_params(p)?;
    let id = task_id(c, task, space).await?;
    query.push(("limit".into(), limit.to_string()));
    if let Some(cur) = &p.cursor {
        query.push(("cursor".into(), cur.clone()));
    }
    fetch_page(c, &runs_path(&id), query).await
}

/// Every page of a task's runs from `p.cursor` on, with the next page prefetched.
pub fn list_runs_pages(
    c: &Client,
    task: &str,
    space: Option<&str>,
    p: ListRunsParams,
) -> impl Stream<Item = Result<Page<TaskRunResource>>> + Send + 'static {
    let client = c.clone();
    let task = task.to_owned();
    let space = space.map(str::to_owned);
    futures::stream::once(async move {
        let prepared = match check_runs_params(&p) {
            Ok(q) => task_id(&client, &task, space.as_deref())
                .await
                .map(|id| (q, id)),
            Err(e) => Err(e),
        };
        match prepared {
            Ok(((query, limit), id)) => {
                pages::<TaskRunResource>(client, runs_path(&id), query, limit, p.cursor)
                    .left_stream()
            }
            Err(e) => futures::stream::once(async move { Err(e) }).right_stream(),
        }
    })
    .flatten()
}

/// Every run of a task from `p.cursor` on as Arrow data: the pages are scanned straight
/// into the listing's chunks (what the package's `list_runs_all` returns).
pub async fn list_runs_listing(
    c: &Client,
    task: &str,
    space: Option<&str>,
    p: ListRunsParams,
) -> Result<Listing<TaskRunResource>> {
    let (query, limit) = check_runs_params(&p)?;
    let id = task_id(c, task, space).await?;
    let walk = chunks::<TaskRunResource>(c.clone(), runs_path(&id), query, limit, p.cursor);
    Listing::collect_chunks(walk).await
}

/// Every page of a task's runs, collected.
pub async fn list_runs_all(
    c: &Client,
    task: &str,
    space: Option<&str>,
    p: ListRunsParams,
) -> Result<Vec<Page<TaskRunResource>>> {
    list_runs_pages(c, task, space, p).try_collect().await
}

/// A run by ID.
pub async fn get_run(c: &Client, run_id: &str) -> Result<TaskRun> {
    let id = required("run_id", run_id, MAX_ID)?;
    let p = path(&["v2", "task-runs", id]);
    let resp = c.send(ApiRequest::get(&p)).await?;
    let run: TaskRun = decode_json(c, "GET", &p, &resp)?;
    c.run_tasks().remember(&run.id, &run.task_id);
    Ok(run)
}

/// Cancels a `PENDING` or `RUNNING` run (a finished run is a 400). Never resent once it may
/// have reached the server.
pub async fn cancel_run(c: &Client, run_id: &str) -> Result<TaskRun> {
    let id = required("run_id", run_id, MAX_ID)?;
    let p = path(&["v2", "task-runs", id, "cancel"]);
    let resp = c
        .send(ApiRequest::new(Method::POST, &p).with_retry(RetryClass::NonIdempotent))
        .await?;
    decode_json(c, "POST", &p, &resp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn runs_params_are_checked() {
        let (q, limit) = check_runs_params(&ListRunsParams {
            status: Some("running".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(limit, 50);
        assert_eq!(q, vec![("status".to_owned(), "RUNNING".to_owned())]);
        for (p, want) in [
            (
                ListRunsParams {
                    status: Some("done".into()),
                    ..Default::default()
                },
                "status",
            ),
            (
                ListRunsParams {
                    limit: Some(101),
                    ..Default::default()
                },
                "limit",
            ),
            (
                ListRunsParams {
                    cursor: Some("".into()),
                    ..Default::default()
                },
                "cursor",
            ),
        ] {
            match check_runs_params(&p) {
                Err(Error::Validation { field, .. }) => assert_eq!(field, want),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
}
