//! Task runs and their status (API.md §4.1, §4.5).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use super::task::{normalize_enum, null_as_default};
use crate::error::{Error, Result};

/// The state of a task run. `COMPLETED`, `FAILED` and `CANCELLED` are terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskRunStatus {
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled,
}

impl TaskRunStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [TaskRunStatus; 5] = [
        TaskRunStatus::Pending,
        TaskRunStatus::Running,
        TaskRunStatus::Completed,
        TaskRunStatus::Failed,
        TaskRunStatus::Cancelled,
    ];

    /// Parses a status in any case (`pending`, `Running`…; `canceled` is accepted too).
    pub fn parse(s: &str) -> Result<TaskRunStatus> {
        let n = normalize_enum(s);
        if n == "CANCELED" {
            return Ok(TaskRunStatus::Cancelled);
        }
        TaskRunStatus::ALL
            .into_iter()
            .find(|t| t.as_str() == n)
            .ok_or_else(|| {
                Error::validation(
                    "status",
                    format!(
                        "'{}' is not a task run status; use one of PENDING, RUNNING, COMPLETED, FAILED, CANCELLED (any case)",
                        s.trim()
                    ),
                )
            })
    }

    /// The wire value, e.g. `PENDING`.
    pub fn as_str(&self) -> &'static str {
        match self {
            TaskRunStatus::Pending => "PENDING",
            TaskRunStatus::Running => "RUNNING",
            TaskRunStatus::Completed => "COMPLETED",
            TaskRunStatus::Failed => "FAILED",
            TaskRunStatus::Cancelled => "CANCELLED",
        }
    }

    /// True for `COMPLETED`, `FAILED` and `CANCELLED`.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            TaskRunStatus::Completed | TaskRunStatus::Failed | TaskRunStatus::Cancelled
        )
    }
}

impl fmt::Display for TaskRunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for TaskRunStatus {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TaskRunStatus {
    fn deserialize<D: Deserializer<'de>>(de: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(de)?;
        TaskRunStatus::parse(&s).map_err(|_| {
            de::Error::unknown_variant(
                &s,
                &["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"],
            )
        })
    }
}

/// One execution of a task (API.md §4.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRun {
    pub id: String,
    #[serde(alias = "taskId")]
    pub task_id: String,
    /// `RUN_EXPERIMENT` runs only, once the experiment exists.
    #[serde(default, alias = "experimentId")]
    pub experiment_id: Option<String>,
    pub status: TaskRunStatus,
    #[serde(default, alias = "runStartedAt")]
    pub run_started_at: Option<DateTime<Utc>>,
    #[serde(default, alias = "runFinishedAt")]
    pub run_finished_at: Option<DateTime<Utc>>,
    #[serde(default, alias = "dataStartTime")]
    pub data_start_time: Option<DateTime<Utc>>,
    #[serde(default, alias = "dataEndTime")]
    pub data_end_time: Option<DateTime<Utc>>,
    #[serde(default, alias = "numSuccesses", deserialize_with = "null_as_default")]
    pub num_successes: i64,
    #[serde(default, alias = "numErrors", deserialize_with = "null_as_default")]
    pub num_errors: i64,
    #[serde(default, alias = "numSkipped", deserialize_with = "null_as_default")]
    pub num_skipped: i64,
    #[serde(alias = "createdAt")]
    pub created_at: DateTime<Utc>,
    #[serde(default, alias = "createdByUserId")]
    pub created_by_user_id: Option<String>,
    /// Why the run failed or was cancelled (newer servers).
    #[serde(default, alias = "failureReason")]
    pub failure_reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_parses_in_any_case() {
        for (input, want) in [
            ("pending", TaskRunStatus::Pending),
            ("RUNNING", TaskRunStatus::Running),
            ("Completed", TaskRunStatus::Completed),
            ("failed", TaskRunStatus::Failed),
            ("cancelled", TaskRunStatus::Cancelled),
            ("canceled", TaskRunStatus::Cancelled),
        ] {
            assert_eq!(TaskRunStatus::parse(input).unwrap(), want);
        }
        match TaskRunStatus::parse("done") {
            Err(Error::Validation { field, message }) => {
                assert_eq!(field, "status");
                assert!(message.contains("CANCELLED"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn terminal_statuses() {
        let terminal: Vec<_> = TaskRunStatus::ALL
            .into_iter()
            .filter(|s| s.is_terminal())
            .collect();
        assert_eq!(
            terminal,
            vec![
                TaskRunStatus::Completed,
                TaskRunStatus::Failed,
                TaskRunStatus::Cancelled
            ]
        );
    }

    #[test]
    fn run_model_tolerates_aliases() {
        let r: TaskRun = serde_json::from_str(
            r#"{"id":"r","taskId":"t","status":"pending","runStartedAt":null,"numSuccesses":3,
                "numErrors":null,"createdAt":"2026-03-01T10:00:00.000Z","failureReason":"x","extra":[]}"#,
        )
        .unwrap();
        assert_eq!(r.status, TaskRunStatus::Pending);
        assert_eq!((r.num_successes, r.num_errors, r.num_skipped), (3, 0, 0));
        assert_eq!(r.failure_reason.as_deref(), Some("x"));
        let wire = serde_json::to_value(&r).unwrap();
        assert_eq!(wire["status"], "PENDING");
    }
}
