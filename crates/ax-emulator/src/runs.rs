//! The run engine: a task run's status is derived from the clock, so stored runs cost
//! nothing until someone reads them.
//!
//! At trigger time a run stores its `created_at`, the [`RunTimeline`] in force (how long it
//! stays PENDING, then RUNNING, or RUNNING forever) and its outcome (COMPLETED, or FAILED
//! with a reason, drawn with the timeline's `failure_rate`), plus how many items it will
//! process. Reading a run computes status, `run_started_at`, `run_finished_at` and the
//! counters for "now": counters fill up while RUNNING and only ever grow. Cancelling (or
//! pinning a status from the control surface) freezes the run in a [`Stop`] computed at
//! that moment.

use serde::{Deserialize, Serialize};

use crate::ids::Timestamp;
use crate::json_out::{self, WriteJson};
use crate::state::{Row, State};

/// How runs triggered from now on behave (see [`crate::Control::set_run_timeline`]).
///
/// ```
/// let t = ax_emulator::RunTimeline::default();
/// assert_eq!((t.pending_ms, t.running_ms, t.failure_rate, t.never_finish), (500, 1500, 0.0, false));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunTimeline {
    /// Time a new run stays PENDING.
    pub pending_ms: u64,
    /// Time it then stays RUNNING before reaching COMPLETED or FAILED.
    pub running_ms: u64,
    /// Probability (0..=1) that a run ends FAILED (with a `failure_reason`).
    pub failure_rate: f64,
    /// Runs stay RUNNING forever (until cancelled or pinned).
    pub never_finish: bool,
}

impl Default for RunTimeline {
    fn default() -> Self {
        RunTimeline {
            pending_ms: 500,
            running_ms: 1500,
            failure_rate: 0.0,
            never_finish: false,
        }
    }
}

/// `TaskRunStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum RunStatus {
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled,
}

pub(crate) const RUN_STATUSES: &str = "PENDING, RUNNING, COMPLETED, FAILED or CANCELLED";

impl RunStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RunStatus::Pending => "PENDING",
            RunStatus::Running => "RUNNING",
            RunStatus::Completed => "COMPLETED",
            RunStatus::Failed => "FAILED",
            RunStatus::Cancelled => "CANCELLED",
        }
    }

    /// The wire spelling; with `lenient`, any case.
    pub(crate) fn parse(s: &str, lenient: bool) -> Option<RunStatus> {
        let upper;
        let s = if lenient {
            upper = s.trim().to_ascii_uppercase();
            upper.as_str()
        } else {
            s
        };
        match s {
            "PENDING" => Some(RunStatus::Pending),
            "RUNNING" => Some(RunStatus::Running),
            "COMPLETED" => Some(RunStatus::Completed),
            "FAILED" => Some(RunStatus::Failed),
            "CANCELLED" => Some(RunStatus::Cancelled),
            _ => None,
        }
    }

    pub(crate) fn is_terminal(self) -> bool {
        matches!(
            self,
            RunStatus::Completed | RunStatus::Failed | RunStatus::Cancelled
        )
    }
}

/// `num_successes`, `num_errors`, `num_skipped`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counters {
    pub(crate) successes: u64,
    pub(crate) errors: u64,
    pub(crate) skipped: u64,
}

impl Counters {
    /// Each counter times `p` (0..=1), rounded down: grows with `p`.
    fn scaled(self, p: f64) -> Counters {
        let p = p.clamp(0.0, 1.0);
        let f = |n: u64| (n as f64 * p).floor() as u64;
        Counters {
            successes: f(self.successes),
            errors: f(self.errors),
            skipped: f(self.skipped),
        }
    }

    fn max(self, o: Counters) -> Counters {
        Counters {
            successes: self.successes.max(o.successes),
            errors: self.errors.max(o.errors),
            skipped: self.skipped.max(o.skipped),
        }
    }
}

pub(crate) const FAILURE_REASONS: &[&str] = &[
    "The AI integration answered 429 Too Many Requests; retries were exhausted.",
    "The evaluator output could not be parsed as one of the classification choices.",
    "The worker processing this run was lost; trigger the task again.",
];

/// Default reason of a run cancelled over the API.
pub(crate) const CANCELLED_BY_USER: &str = "Cancelled by user";
const FORCED_FAILURE: &str = "Failed by the emulator control surface.";

/// What a run will do, fixed when it is triggered.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pending_ms: u64,
    running_ms: u64,
    never_finish: bool,
    /// Items the run processes when it completes.
    total: u64,
    /// Varies the error/skip split between runs.
    salt: u64,
    /// Set when the run ends FAILED.
    failure: Option<&'static str>,
}

impl Plan {
    /// A plan under `timeline`; the outcome is drawn with its `failure_rate`.
    pub(crate) fn draw(timeline: &RunTimeline, total: u64, salt: u64) -> Plan {
        let fails = timeline.failure_rate > 0.0 && rand::random::<f64>() < timeline.failure_rate;
        Plan {
            pending_ms: timeline.pending_ms,
            running_ms: timeline.running_ms,
            never_finish: timeline.never_finish,
            total,
            salt,
            failure: fails.then(|| FAILURE_REASONS[(salt % FAILURE_REASONS.len() as u64) as usize]),
        }
    }

    /// A run that was already COMPLETED when it was created (bulk seeding).
    pub(crate) fn finished(total: u64, salt: u64) -> Plan {
        Plan::scripted(0, 0, total, salt, None)
    }

    /// A plan with a fixed outcome (seed data): COMPLETED, or FAILED with `failure`.
    pub(crate) fn scripted(
        pending_ms: u64,
        running_ms: u64,
        total: u64,
        salt: u64,
        failure: Option<&'static str>,
    ) -> Plan {
        Plan {
            pending_ms,
            running_ms,
            never_finish: false,
            total,
            salt,
            failure,
        }
    }

    fn completed_counts(&self) -> Counters {
        let pct = |n: u64| self.total * n / 100;
        let errors = pct(self.salt % 5);
        let skipped = pct(self.salt / 5 % 4);
        Counters {
            successes: self.total - errors - skipped,
            errors,
            skipped,
        }
    }

    fn failed_counts(&self) -> Counters {
        let processed = self.total * 3 / 5;
        let errors = (processed / 4).max(u64::from(self.total > 0));
        Counters {
            successes: processed.saturating_sub(errors),
            errors,
            skipped: 0,
        }
    }

    fn final_counts(&self) -> Counters {
        if self.failure.is_some() {
            self.failed_counts()
        } else {
            self.completed_counts()
        }
    }
}

/// A run frozen by a cancel or a pinned status.
#[derive(Clone, Debug)]
pub(crate) struct Stop {
    status: RunStatus,
    started_ms: Option<i64>,
    finished_ms: Option<i64>,
    counts: Counters,
    failure_reason: Option<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct TaskRun {
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) task_id: String,
    pub(crate) space_id: String,
    pub(crate) experiment_id: Option<String>,
    pub(crate) data_start_time: Option<Timestamp>,
    pub(crate) data_end_time: Option<Timestamp>,
    pub(crate) created_at: Timestamp,
    /// When the run was really created (ms since the epoch). `created_at` can be later: the
    /// clock hands out strictly increasing readings, 1 ms apart, so a burst of triggers
    /// gets labels spread over as many milliseconds. The timeline counts from here, so that
    /// the 50th run of a burst does not finish 49 ms after the first.
    born_ms: i64,
    pub(crate) created_by_user_id: Option<String>,
    pub(crate) plan: Plan,
    pub(crate) stop: Option<Stop>,
}

impl Row for TaskRun {
    fn seq(&self) -> u64 {
        self.seq
    }
    fn id(&self) -> &str {
        &self.id
    }
}

/// A run's state at some instant.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Snapshot<'a> {
    pub(crate) status: RunStatus,
    started_ms: Option<i64>,
    finished_ms: Option<i64>,
    counts: Counters,
    failure_reason: Option<&'a str>,
}

/// The engine's "now": wall-clock time, but never before the last timestamp handed out
/// (so a run never looks as if it was created in the future).
pub(crate) fn now_ms(st: &State) -> i64 {
    chrono::Utc::now()
        .timestamp_millis()
        .max(st.clock.last_ms())
}

impl TaskRun {
    /// A run of `task_id` created at `created_at` following `plan`: no experiment, data
    /// window or creator (the caller sets those that apply).
    pub(crate) fn new(
        seq: u64,
        id: String,
        task_id: &str,
        space_id: &str,
        created_at: Timestamp,
        plan: Plan,
    ) -> TaskRun {
        let born_ms = created_at.ms.min(chrono::Utc::now().timestamp_millis());
        TaskRun {
            seq,
            id,
            task_id: task_id.to_owned(),
            space_id: space_id.to_owned(),
            experiment_id: None,
            data_start_time: None,
            data_end_time: None,
            created_at,
            born_ms,
            created_by_user_id: None,
            plan,
            stop: None,
        }
    }

    /// The status the run ends up in once its plan has played out (or the pinned one).
    pub(crate) fn final_status(&self) -> RunStatus {
        self.snapshot(i64::MAX).status
    }

    /// The run's state at `now`.
    pub(crate) fn snapshot(&self, now: i64) -> Snapshot<'_> {
        if let Some(s) = &self.stop {
            return Snapshot {
                status: s.status,
                started_ms: s.started_ms,
                finished_ms: s.finished_ms,
                counts: s.counts,
                failure_reason: s.failure_reason.as_deref(),
            };
        }
        let plan = &self.plan;
        let ms = |d: u64| i64::try_from(d).unwrap_or(i64::MAX);
        // Never before its `created_at` label, though.
        let start = self
            .born_ms
            .saturating_add(ms(plan.pending_ms))
            .max(self.created_at.ms);
        if now < start {
            return Snapshot {
                status: RunStatus::Pending,
                started_ms: None,
                finished_ms: None,
                counts: Counters::default(),
                failure_reason: None,
            };
        }
        let running = plan.running_ms as f64;
        let elapsed = (now - start) as f64;
        let finish = start.saturating_add(ms(plan.running_ms));
        if plan.never_finish || now < finish {
            let p = if plan.never_finish {
                // Approaches, never reaches, the full count.
                if running == 0.0 {
                    0.99
                } else {
                    elapsed / (elapsed + running)
                }
            } else {
                elapsed / running
            };
            return Snapshot {
                status: RunStatus::Running,
                started_ms: Some(start),
                finished_ms: None,
                counts: plan.final_counts().scaled(p),
                failure_reason: None,
            };
        }
        Snapshot {
            status: if plan.failure.is_some() {
                RunStatus::Failed
            } else {
                RunStatus::Completed
            },
            started_ms: Some(start),
            finished_ms: Some(finish),
            counts: plan.final_counts(),
            failure_reason: plan.failure,
        }
    }

    /// Freezes the run in `status` from `now` on. Counters never shrink; a FAILED or
    /// CANCELLED run gets a `failure_reason` (`reason`, or a default).
    pub(crate) fn pin(&mut self, status: RunStatus, reason: Option<&str>, now: i64) {
        let cur = self.snapshot(now);
        let cur_reason = cur.failure_reason.map(str::to_owned);
        let started = cur.started_ms;
        let same = cur.status == status;
        let finished = if same && cur.finished_ms.is_some() {
            cur.finished_ms
        } else {
            Some(now)
        };
        let stop = match status {
            RunStatus::Pending => Stop {
                status,
                started_ms: None,
                finished_ms: None,
                counts: cur.counts,
                failure_reason: None,
            },
            RunStatus::Running => Stop {
                status,
                started_ms: started.or(Some(now)),
                finished_ms: None,
                counts: cur.counts,
                failure_reason: None,
            },
            RunStatus::Completed => Stop {
                status,
                started_ms: started.or(Some(now)),
                finished_ms: finished,
                counts: cur.counts.max(self.plan.completed_counts()),
                failure_reason: None,
            },
            RunStatus::Failed | RunStatus::Cancelled => {
                let default = if status == RunStatus::Failed {
                    FORCED_FAILURE
                } else {
                    CANCELLED_BY_USER
                };
                let reason = reason
                    .map(str::to_owned)
                    .or(if same { cur_reason } else { None })
                    .unwrap_or_else(|| default.to_owned());
                Stop {
                    status,
                    started_ms: if status == RunStatus::Failed {
                        started.or(Some(now))
                    } else {
                        started
                    },
                    finished_ms: finished,
                    counts: cur.counts,
                    failure_reason: Some(reason),
                }
            }
        };
        self.stop = Some(stop);
    }

    /// The TaskRun JSON (API.md §4.5) at `now`.
    pub(crate) fn json(&self, now: i64) -> RunJson<'_> {
        let s = self.snapshot(now);
        RunJson {
            seq: self.seq,
            id: &self.id,
            task_id: &self.task_id,
            experiment_id: self.experiment_id.as_deref(),
            status: s.status,
            run_started_at: s.started_ms.map(Timestamp::from_ms),
            run_finished_at: s.finished_ms.map(Timestamp::from_ms),
            data_start_time: self.data_start_time.as_ref(),
            data_end_time: self.data_end_time.as_ref(),
            num_successes: s.counts.successes,
            num_errors: s.counts.errors,
            num_skipped: s.counts.skipped,
            created_at: &self.created_at,
            created_by_user_id: self.created_by_user_id.as_deref(),
            failure_reason: s.failure_reason,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct RunJson<'a> {
    #[serde(skip)]
    pub(crate) seq: u64,
    id: &'a str,
    task_id: &'a str,
    experiment_id: Option<&'a str>,
    status: RunStatus,
    run_started_at: Option<Timestamp>,
    run_finished_at: Option<Timestamp>,
    data_start_time: Option<&'a Timestamp>,
    data_end_time: Option<&'a Timestamp>,
    num_successes: u64,
    num_errors: u64,
    num_skipped: u64,
    created_at: &'a Timestamp,
    created_by_user_id: Option<&'a str>,
    failure_reason: Option<&'a str>,
}

impl WriteJson for RunJson<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        let ts = |out: &mut Vec<u8>, t: Option<&Timestamp>| {
            json_out::opt_string(out, t.map(Timestamp::as_str))
        };
        out.extend_from_slice(b"{\"id\":");
        json_out::string(out, self.id);
        out.extend_from_slice(b",\"task_id\":");
        json_out::string(out, self.task_id);
        out.extend_from_slice(b",\"experiment_id\":");
        json_out::opt_string(out, self.experiment_id);
        out.extend_from_slice(b",\"status\":");
        json_out::string(out, self.status.as_str());
        out.extend_from_slice(b",\"run_started_at\":");
        ts(out, self.run_started_at.as_ref());
        out.extend_from_slice(b",\"run_finished_at\":");
        ts(out, self.run_finished_at.as_ref());
        out.extend_from_slice(b",\"data_start_time\":");
        ts(out, self.data_start_time);
        out.extend_from_slice(b",\"data_end_time\":");
        ts(out, self.data_end_time);
        out.extend_from_slice(b",\"num_successes\":");
        json_out::value(out, &self.num_successes);
        out.extend_from_slice(b",\"num_errors\":");
        json_out::value(out, &self.num_errors);
        out.extend_from_slice(b",\"num_skipped\":");
        json_out::value(out, &self.num_skipped);
        out.extend_from_slice(b",\"created_at\":");
        ts(out, Some(self.created_at));
        out.extend_from_slice(b",\"created_by_user_id\":");
        json_out::opt_string(out, self.created_by_user_id);
        out.extend_from_slice(b",\"failure_reason\":");
        json_out::opt_string(out, self.failure_reason);
        out.push(b'}');
    }
}

/// Spans an evaluation run over a project window processes: two per minute of window,
/// at most `max_spans`, thinned by the task's sampling rate.
pub(crate) fn project_run_total(window_ms: i64, max_spans: u64, sampling_rate: Option<f64>) -> u64 {
    let spans = ((window_ms.max(0) / 30_000) as u64).clamp(1, max_spans.max(1));
    match sampling_rate {
        Some(r) => (spans as f64 * r.clamp(0.0, 1.0)).ceil() as u64,
        None => spans,
    }
}

#[cfg(test)]
#[path = "runs_tests.rs"]
mod tests;
