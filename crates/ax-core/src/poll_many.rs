//! Waiting for many runs at once in rounds, with as few requests as the API allows.
//!
//! Every `poll_interval` (counted from the start of the previous round) each pending run is
//! looked at once:
//!
//! - runs whose task the client knows (it triggered or read them, see
//!   `task_types::RunTasks`), two or more of one task: one `GET /v2/tasks/{id}/runs?limit=100`
//!   (newest first) shows them all, instead of one GET each. A run that page does not show
//!   (an older run of a busy task) is read on its own, and that task's runs are read one by
//!   one from then on;
//! - the others: `GET /v2/task-runs/{id}`, which also teaches the client their task for the
//!   next rounds.
//!
//! At most `max_in_flight` requests are outstanding at once. Errors are handled as for one
//! run (see the parent module): transient failures wait for the next round, anything else
//! ends the whole wait, and at the deadline the first run still pending (in input order)
//! times out.

use std::collections::{HashMap, HashSet};

use futures::future::join_all;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::{is_transient, next_poll, Progress, WaitOptions};
use crate::api::runs::{get_run, list_runs, ListRunsParams};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::TaskRun;

/// One run being waited for.
#[derive(Default)]
struct Pending {
    last: Option<TaskRun>,
    last_err: Option<Error>,
}

struct Round<'a> {
    c: &'a Client,
    progress: Option<&'a Progress>,
    gate: Semaphore,
    pending: HashMap<String, Pending>,
    done: HashMap<String, TaskRun>,
    /// Tasks whose runs are read one by one (a listing missed one of ours).
    one_by_one: HashSet<String>,
}

impl Round<'_> {
    /// A state of a run seen: reported, and kept (finished runs leave `pending`).
    fn seen(&mut self, run: TaskRun) {
        let Some(state) = self.pending.get_mut(&run.id) else {
            return;
        };
        if let Some(p) = self.progress {
            p(&run);
        }
        if run.status.is_terminal() {
            self.pending.remove(&run.id);
            self.done.insert(run.id.clone(), run);
        } else {
            state.last = Some(run);
            state.last_err = None;
        }
    }

    /// A transient failure to read `ids` this round; the error is kept with the first (it
    /// is what a run never seen by the deadline reports).
    fn failed(&mut self, ids: &[String], e: Error) {
        if let Some(state) = ids.first().and_then(|id| self.pending.get_mut(id)) {
            state.last_err = Some(e);
        }
    }

    /// The pending runs grouped for this round: (task, runs) to list, and runs to GET.
    fn plan(&self, order: &[String]) -> (Vec<(String, Vec<String>)>, Vec<String>) {
        let mut by_task: HashMap<String, Vec<String>> = HashMap::new();
        let mut singles = Vec::new();
        for id in order.iter().filter(|id| self.pending.contains_key(*id)) {
            match self.c.run_tasks().task_of(id) {
                Some(task) if !self.one_by_one.contains(&task) => {
                    by_task.entry(task).or_default().push(id.clone())
                }
                _ => singles.push(id.clone()),
            }
        }
        let mut groups = Vec::new();
        for (task, ids) in by_task {
            if ids.len() >= 2 {
                groups.push((task, ids));
            } else {
                singles.extend(ids);
            }
        }
        (groups, singles)
    }

    async fn permit(&self) -> Result<tokio::sync::SemaphorePermit<'_>> {
        self.gate
            .acquire()
            .await
            .map_err(|_| Error::validation("max_in_flight", "the request gate was closed"))
    }

    /// Reads every pending run once.
    async fn run(&mut self, order: &[String], budget: std::time::Duration) -> Result<()> {
        let (groups, mut singles) = self.plan(order);
        let params = ListRunsParams {
            limit: Some(crate::paginate::MAX_LIMIT),
            ..Default::default()
        };
        let listed = join_all(groups.iter().map(|(task, _)| async {
            let _permit = self.permit().await?;
            let page = tokio::time::timeout(budget, list_runs(self.c, task, None, &params))
                .await
                .map_err(|_| None)?
                .map_err(Some)?;
            page.items().map_err(Some)
        }))
        .await;
        for ((task, ids), outcome) in groups.into_iter().zip(listed) {
            match outcome {
                Ok(items) => {
                    let shown: HashSet<String> = items.iter().map(|r| r.id.clone()).collect();
                    for run in items {
                        self.seen(run);
                    }
                    let missed: Vec<String> =
                        ids.into_iter().filter(|id| !shown.contains(id)).collect();
                    if !missed.is_empty() {
                        self.one_by_one.insert(task);
                        singles.extend(missed);
                    }
                }
                Err(Some(e)) if is_transient(&e) => self.failed(&ids, e),
                Err(Some(e)) => return Err(e),
                Err(None) => {} // took past the deadline
            }
        }
        let got = join_all(singles.iter().map(|id| async {
            let _permit = self.permit().await?;
            tokio::time::timeout(budget, get_run(self.c, id))
                .await
                .map_err(|_| None)?
                .map_err(Some)
        }))
        .await;
        for (id, outcome) in singles.iter().zip(got) {
            match outcome {
                Ok(run) => self.seen(run),
                Err(Some(e)) if is_transient(&e) => self.failed(std::slice::from_ref(id), e),
                Err(Some(e)) => return Err(e),
                Err(None) => {}
            }
        }
        Ok(())
    }
}

/// Waits for the distinct runs `order` (see the module docs); returns them by ID. `seen`
/// is a state of one of them just received (a trigger's answer): it stands for the first
/// round, so the first requests go out one `poll_interval` later.
pub(super) async fn wait(
    c: &Client,
    order: &[String],
    opts: &WaitOptions,
    deadline: Instant,
    max_in_flight: usize,
    progress: Option<&Progress>,
    seen: Option<TaskRun>,
) -> Result<HashMap<String, TaskRun>> {
    let mut round = Round {
        c,
        progress,
        gate: Semaphore::new(max_in_flight),
        pending: order
            .iter()
            .map(|id| (id.clone(), Pending::default()))
            .collect(),
        done: HashMap::new(),
        one_by_one: HashSet::new(),
    };
    let mut skip_round = seen.is_some();
    if let Some(run) = seen {
        round.seen(run);
    }
    loop {
        let started = Instant::now();
        if !std::mem::take(&mut skip_round) {
            let budget = deadline
                .saturating_duration_since(started)
                .max(c.config().timeout);
            round.run(order, budget).await?;
        }
        if round.pending.is_empty() {
            return Ok(round.done);
        }
        if Instant::now() >= deadline {
            let first = order
                .iter()
                .find(|id| round.pending.contains_key(*id))
                .expect("a run is pending");
            let state = round.pending.remove(first).unwrap_or_default();
            if let (None, Some(e)) = (&state.last, state.last_err) {
                return Err(e);
            }
            return Err(Error::RunTimeout {
                run_id: first.clone(),
                timeout: opts.timeout,
                last_status: state.last.as_ref().map(|r| r.status.as_str().to_owned()),
                last_run: state.last.map(Box::new),
            });
        }
        tokio::time::sleep_until(next_poll(started, opts, deadline)).await;
    }
}
