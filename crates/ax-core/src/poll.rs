//! Waiting for task runs to finish (`wait_for_run`, API.md §6.4).
//!
//! A run is polled with `GET /v2/task-runs/{id}`: once at the start (unless its state is
//! already known, as right after a trigger: [`wait_for_triggered`]), then on a fixed
//! schedule, one poll every `poll_interval` counted from the start of the previous one (so a
//! round trip does not stretch the interval; the last wait is shortened to end at the
//! deadline), until its status is `COMPLETED`, `FAILED` or `CANCELLED`, or `timeout` has
//! passed ([`Error::RunTimeout`]).
//!
//! - Transient failures (429, 5xx, connection errors, request timeouts) are retried by the
//!   transport first; if a poll still fails that way, polling simply continues until the
//!   deadline. 401, 403, 404 and every other error end the wait at once.
//! - When the deadline passes and the run was never seen (every poll failed transiently),
//!   the last transient error is returned instead of a timeout without a status.
//! - A poll that starts just before the deadline may run for up to one per-attempt timeout
//!   past it, so the final state is still observed.
//! - The futures are cancel-safe: dropping one stops polling (no task is spawned). The run
//!   on the server is not cancelled.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::api::required;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::TaskRun;

#[path = "poll_many.rs"]
mod many;

/// Default seconds between polls (as the official SDK and CLI).
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);
/// Default overall wait (as the official SDK and CLI).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
/// A sensible `max_in_flight` for [`wait_for_runs`].
pub const DEFAULT_MAX_IN_FLIGHT: usize = 32;

/// How to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitOptions {
    /// Time between polls of one run (default 5 s). Must be positive.
    pub poll_interval: Duration,
    /// Overall limit (default 600 s). Must be positive.
    pub timeout: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            poll_interval: DEFAULT_POLL_INTERVAL,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

impl WaitOptions {
    /// Both durations must be positive.
    pub fn validate(&self) -> Result<()> {
        if self.timeout.is_zero() {
            return Err(Error::validation("timeout", "must be positive, got 0"));
        }
        if self.poll_interval.is_zero() {
            return Err(Error::validation(
                "poll_interval",
                "must be positive, got 0",
            ));
        }
        Ok(())
    }
}

/// Called with every state of a run seen while waiting (including the final one).
pub type Progress = Arc<dyn Fn(&TaskRun) + Send + Sync>;

/// Whether a failed poll should be followed by another one.
fn is_transient(e: &Error) -> bool {
    match e {
        Error::Api(a) => a.status == 429 || a.status >= 500,
        Error::Connect { .. } | Error::Timeout { .. } => true,
        _ => false,
    }
}

/// When the next poll (or round of polls) is due: one interval after the start of the last
/// one, at least half an interval after its answer (a slow server is not polled back to
/// back), and never past the deadline.
fn next_poll(started: Instant, opts: &WaitOptions, deadline: Instant) -> Instant {
    (started + opts.poll_interval)
        .max(Instant::now() + opts.poll_interval / 2)
        .min(deadline)
}

/// Polls one run until it is terminal or `deadline` passes: the rounds of
/// [`wait_for_runs`] with a single run. `seen` is a state of the run just received (from
/// its trigger): it counts as the first poll.
async fn poll_until_terminal(
    c: &Client,
    run_id: &str,
    opts: &WaitOptions,
    deadline: Instant,
    progress: Option<&Progress>,
    seen: Option<TaskRun>,
) -> Result<TaskRun> {
    let order = [run_id.to_owned()];
    let mut done = many::wait(c, &order, opts, deadline, 1, progress, seen).await?;
    Ok(done.remove(run_id).expect("a finished wait holds its run"))
}

/// Polls `run_id` until it reaches a terminal state and returns it (a `FAILED` or
/// `CANCELLED` run is a successful return, not an error).
pub async fn wait_for_run(
    c: &Client,
    run_id: &str,
    opts: &WaitOptions,
    progress: Option<Progress>,
) -> Result<TaskRun> {
    opts.validate()?;
    let run_id = required("run_id", run_id, 1024)?;
    let deadline = Instant::now() + opts.timeout;
    poll_until_terminal(c, run_id, opts, deadline, progress.as_ref(), None).await
}

/// [`wait_for_run`] for a run just triggered: `run` (the trigger's answer) is the first
/// state seen, so the first GET comes one `poll_interval` later instead of at once.
pub async fn wait_for_triggered(
    c: &Client,
    run: TaskRun,
    opts: &WaitOptions,
    progress: Option<Progress>,
) -> Result<TaskRun> {
    opts.validate()?;
    let deadline = Instant::now() + opts.timeout;
    let id = run.id.clone();
    poll_until_terminal(c, &id, opts, deadline, progress.as_ref(), Some(run)).await
}

/// Waits for several runs at once under one overall timeout, in rounds: every
/// `poll_interval` each pending run is looked at once, runs of one task (when the client
/// knows it) through one list of the task's runs, the others with a GET each, at most
/// `max_in_flight` requests at a time (see `poll_many`). Results come back in input order
/// (duplicate IDs are polled once). The first error ends the whole wait.
pub async fn wait_for_runs(
    c: &Client,
    run_ids: &[String],
    opts: &WaitOptions,
    max_in_flight: usize,
    progress: Option<Progress>,
) -> Result<Vec<TaskRun>> {
    opts.validate()?;
    if max_in_flight == 0 {
        return Err(Error::validation("max_in_flight", "must be at least 1"));
    }
    let mut unique: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for (i, id) in run_ids.iter().enumerate() {
        let id = required(&format!("run_ids[{i}]"), id, 1024)?;
        if seen.insert(id) {
            unique.push(id.to_owned());
        }
    }
    let deadline = Instant::now() + opts.timeout;
    let finished = many::wait(
        c,
        &unique,
        opts,
        deadline,
        max_in_flight,
        progress.as_ref(),
        None,
    )
    .await?;
    Ok(run_ids
        .iter()
        .map(|id| finished[id.trim()].clone())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{field, offline};

    #[test]
    fn defaults_match_the_sdk() {
        let o = WaitOptions::default();
        assert_eq!(o.poll_interval, Duration::from_secs(5));
        assert_eq!(o.timeout, Duration::from_secs(600));
    }

    #[tokio::test]
    async fn non_positive_durations_are_rejected() {
        let c = offline();
        let zero_timeout = WaitOptions {
            timeout: Duration::ZERO,
            ..Default::default()
        };
        assert_eq!(
            field(
                wait_for_run(&c, "r", &zero_timeout, None)
                    .await
                    .unwrap_err()
            ),
            "timeout"
        );
        let zero_interval = WaitOptions {
            poll_interval: Duration::ZERO,
            ..Default::default()
        };
        assert_eq!(
            field(
                wait_for_run(&c, "r", &zero_interval, None)
                    .await
                    .unwrap_err()
            ),
            "poll_interval"
        );
        let ids = vec!["a".to_owned()];
        assert_eq!(
            field(
                wait_for_runs(&c, &ids, &zero_interval, 4, None)
                    .await
                    .unwrap_err()
            ),
            "poll_interval"
        );
        assert_eq!(
            field(
                wait_for_runs(&c, &ids, &WaitOptions::default(), 0, None)
                    .await
                    .unwrap_err()
            ),
            "max_in_flight"
        );
        assert_eq!(
            field(
                wait_for_run(&c, " ", &WaitOptions::default(), None)
                    .await
                    .unwrap_err()
            ),
            "run_id"
        );
    }

    #[tokio::test]
    async fn unreachable_server_returns_the_transient_error_at_the_deadline() {
        let c = offline();
        let opts = WaitOptions {
            poll_interval: Duration::from_millis(20),
            timeout: Duration::from_millis(120),
        };
        let start = std::time::Instant::now();
        let e = wait_for_run(&c, "VGFza1J1bjox", &opts, None)
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Connect { .. }), "{e:?}");
        assert!(start.elapsed() >= Duration::from_millis(120));
        assert!(start.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn transient_classification() {
        let api = |status| {
            Error::Api(crate::ApiError {
                status,
                title: String::new(),
                detail: None,
                type_: None,
                instance: None,
                method: "GET".into(),
                url: String::new(),
                retry_after: None,
                body: String::new(),
                attempts: 1,
            })
        };
        for s in [429, 500, 502, 503, 504] {
            assert!(is_transient(&api(s)), "{s}");
        }
        for s in [400, 401, 403, 404, 409] {
            assert!(!is_transient(&api(s)), "{s}");
        }
        assert!(!is_transient(&Error::validation("x", "y")));
    }
}
