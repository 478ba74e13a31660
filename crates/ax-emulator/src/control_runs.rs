//! Control of the run engine and bulk seeding: [`Control`] methods and their routes
//! `GET|PUT /_emulator/run-timeline`, `POST /_emulator/runs/{id}/status` and
//! `POST /_emulator/bulk-tasks`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use crate::control::{control, parse, CResult, Control, ControlError};
use crate::cursor::json_response;
use crate::problem::ApiError;
use crate::runs::{now_ms, RunStatus, RunTimeline, RUN_STATUSES};
use crate::server::Shared;

fn check_timeline(t: &RunTimeline) -> CResult<()> {
    if !(0.0..=1.0).contains(&t.failure_rate) {
        return Err(ControlError::bad("failure_rate must be between 0 and 1."));
    }
    Ok(())
}

impl Control {
    /// Sets the timeline of runs triggered from now on (runs already triggered keep
    /// theirs). A `failure_rate` outside 0..=1 is clamped (NaN counts as 0).
    /// [`Control::reset`] restores [`RunTimeline::default`].
    pub fn set_run_timeline(&self, t: RunTimeline) {
        let mut t = t;
        t.failure_rate = if t.failure_rate.is_nan() {
            0.0
        } else {
            t.failure_rate.clamp(0.0, 1.0)
        };
        self.shared.state.write().run_timeline = t;
    }

    /// The timeline new runs get.
    pub fn run_timeline(&self) -> RunTimeline {
        self.shared.state.read().run_timeline.clone()
    }

    /// Pins a run to `status` (`PENDING`, `RUNNING`, `COMPLETED`, `FAILED` or `CANCELLED`,
    /// any case) from now on; the clock no longer moves it. Counters never shrink.
    /// `failure_reason` is used for FAILED and CANCELLED (defaults apply when `None`)
    /// and ignored otherwise.
    pub fn force_run_status(
        &self,
        run_id: &str,
        status: &str,
        failure_reason: Option<&str>,
    ) -> Result<(), String> {
        self.force_run_status_inner(run_id, status, failure_reason)
            .map_err(|e| e.1)
    }

    fn force_run_status_inner(
        &self,
        run_id: &str,
        status: &str,
        failure_reason: Option<&str>,
    ) -> CResult<()> {
        let status = RunStatus::parse(status, true).ok_or_else(|| {
            ControlError::bad(format!(
                "Unknown status '{status}'; expected {RUN_STATUSES}."
            ))
        })?;
        let mut st = self.shared.state.write();
        let now = now_ms(&st);
        let run = st
            .task_runs
            .get_mut(run_id)
            .ok_or_else(|| ControlError::missing(format!("No task run with id '{run_id}'.")))?;
        run.pin(status, failure_reason, now);
        Ok(())
    }

    /// Creates `tasks` TEMPLATE_EVALUATION tasks in the space (named `bulk-task-000001`,
    /// ..., skipping taken names; on the space's project, with its TEMPLATE evaluator),
    /// each with `runs_per_task` COMPLETED runs. Fast: meant for benchmarks. Returns the
    /// task IDs, oldest first. Fails for an unknown space, a space without a project or
    /// TEMPLATE evaluator (only seeded spaces have them), or more than 5 000 000 rows.
    pub fn bulk_seed_tasks(
        &self,
        space_id: &str,
        tasks: usize,
        runs_per_task: usize,
    ) -> Result<Vec<String>, String> {
        self.bulk_seed_tasks_inner(space_id, tasks, runs_per_task)
            .map_err(|e| e.1)
    }

    fn bulk_seed_tasks_inner(
        &self,
        space_id: &str,
        tasks: usize,
        runs_per_task: usize,
    ) -> CResult<Vec<String>> {
        let mut st = self.shared.state.write();
        if st.spaces.get(space_id).is_none() {
            return Err(ControlError::missing(format!(
                "No space with id '{space_id}'."
            )));
        }
        st.bulk_seed_tasks(space_id, tasks, runs_per_task)
            .map_err(ControlError::bad)
    }
}

/// The run-engine control routes.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/_emulator/run-timeline",
            get(get_timeline).put(put_timeline),
        )
        .route("/_emulator/runs/{run_id}/status", post(force_status))
        .route("/_emulator/bulk-tasks", post(bulk_tasks))
}

async fn get_timeline(State(sh): State<Arc<Shared>>) -> Response {
    json_response(StatusCode::OK, &control(sh).run_timeline())
}

async fn put_timeline(State(sh): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    let t: RunTimeline = parse(&body)?;
    check_timeline(&t)?;
    let c = control(sh);
    c.set_run_timeline(t);
    Ok(json_response(StatusCode::OK, &c.run_timeline()))
}

#[derive(Deserialize)]
struct ForceStatus {
    status: String,
    #[serde(default)]
    failure_reason: Option<String>,
}

async fn force_status(
    State(sh): State<Arc<Shared>>,
    Path(run_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: ForceStatus = parse(&body)?;
    control(sh).force_run_status_inner(&run_id, &b.status, b.failure_reason.as_deref())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
struct BulkTasks {
    space_id: String,
    tasks: usize,
    #[serde(default)]
    runs_per_task: usize,
}

async fn bulk_tasks(State(sh): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    let b: BulkTasks = parse(&body)?;
    let ids = control(sh).bulk_seed_tasks_inner(&b.space_id, b.tasks, b.runs_per_task)?;
    Ok(json_response(
        StatusCode::CREATED,
        &json!({ "task_ids": ids }),
    ))
}
