//! Task, task type and task evaluators (API.md §4.1–4.3).

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use crate::error::{Error, Result};

/// Upper-cases `input` and turns `-` and spaces into `_` (`run-experiment` → `RUN_EXPERIMENT`).
pub(crate) fn normalize_enum(input: &str) -> String {
    input
        .trim()
        .chars()
        .map(|c| match c {
            '-' | ' ' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// Deserializes a JSON `null` (or a missing key, with `#[serde(default)]`) as `T::default()`.
pub(crate) fn null_as_default<'de, D, T>(de: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(de)?.unwrap_or_default())
}

/// The kind of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskType {
    /// LLM-template evaluation (`TEMPLATE_EVALUATION`).
    TemplateEvaluation,
    /// Code evaluation (`CODE_EVALUATION`).
    CodeEvaluation,
    /// Run an experiment on a dataset (`RUN_EXPERIMENT`).
    RunExperiment,
}

impl TaskType {
    /// Every task type, in wire spelling.
    pub const ALL: [TaskType; 3] = [
        TaskType::TemplateEvaluation,
        TaskType::CodeEvaluation,
        TaskType::RunExperiment,
    ];

    /// Parses a task type in any case, with `-`, `_` or a space as separator
    /// (`template_evaluation`, `RUN-EXPERIMENT`…).
    pub fn parse(s: &str) -> Result<TaskType> {
        let n = normalize_enum(s);
        TaskType::ALL
            .into_iter()
            .find(|t| t.as_str() == n)
            .ok_or_else(|| {
                Error::validation(
                    "task_type",
                    format!(
                        "'{}' is not a task type; use one of TEMPLATE_EVALUATION, CODE_EVALUATION, RUN_EXPERIMENT (any case, '-' or '_')",
                        s.trim()
                    ),
                )
            })
    }

    /// The wire value, e.g. `TEMPLATE_EVALUATION`.
    pub fn as_str(&self) -> &'static str {
        match self {
            TaskType::TemplateEvaluation => "TEMPLATE_EVALUATION",
            TaskType::CodeEvaluation => "CODE_EVALUATION",
            TaskType::RunExperiment => "RUN_EXPERIMENT",
        }
    }

    /// True for the two evaluation types.
    pub fn is_evaluation(&self) -> bool {
        !matches!(self, TaskType::RunExperiment)
    }
}

impl fmt::Display for TaskType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for TaskType {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TaskType {
    fn deserialize<D: Deserializer<'de>>(de: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(de)?;
        TaskType::parse(&s).map_err(|_| {
            de::Error::unknown_variant(
                &s,
                &["TEMPLATE_EVALUATION", "CODE_EVALUATION", "RUN_EXPERIMENT"],
            )
        })
    }
}

/// An evaluator attached to a task, as returned by the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskEvaluator {
    #[serde(alias = "evaluatorId")]
    pub evaluator_id: String,
    /// Server-filled from the evaluator.
    #[serde(default, alias = "evaluatorName")]
    pub evaluator_name: Option<String>,
    /// Per-evaluator filter, AND-ed with the task-level filter.
    #[serde(default, alias = "queryFilter")]
    pub query_filter: Option<String>,
    /// Evaluator template variable → data column.
    #[serde(default, alias = "columnMappings")]
    pub column_mappings: Option<BTreeMap<String, String>>,
    /// Pinned evaluator version; `None` = always the latest.
    #[serde(default, alias = "evaluatorVersionId")]
    pub evaluator_version_id: Option<String>,
    /// Trace/session-shape mappings (`[{variable_name, query_ids, attribute_path}]`).
    #[serde(default, alias = "queryMappings")]
    pub query_mappings: Option<serde_json::Value>,
}

/// An evaluator to attach when creating or updating a task. `None` fields are not sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskEvaluatorInput {
    #[serde(alias = "evaluatorId")]
    pub evaluator_id: String,
    #[serde(
        default,
        alias = "queryFilter",
        skip_serializing_if = "Option::is_none"
    )]
    pub query_filter: Option<String>,
    #[serde(
        default,
        alias = "columnMappings",
        skip_serializing_if = "Option::is_none"
    )]
    pub column_mappings: Option<BTreeMap<String, String>>,
    #[serde(
        default,
        alias = "evaluatorVersionId",
        skip_serializing_if = "Option::is_none"
    )]
    pub evaluator_version_id: Option<String>,
    #[serde(
        default,
        alias = "queryMappings",
        skip_serializing_if = "Option::is_none"
    )]
    pub query_mappings: Option<serde_json::Value>,
}

impl TaskEvaluatorInput {
    /// An input with only the evaluator ID.
    pub fn new(evaluator_id: impl Into<String>) -> Self {
        TaskEvaluatorInput {
            evaluator_id: evaluator_id.into(),
            ..Default::default()
        }
    }
}

/// A task (API.md §4.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: String,
    pub name: String,
    /// Wire key `type`.
    #[serde(rename = "type", alias = "taskType", alias = "task_type")]
    pub task_type: TaskType,
    #[serde(default, alias = "projectId")]
    pub project_id: Option<String>,
    #[serde(default, alias = "datasetId")]
    pub dataset_id: Option<String>,
    #[serde(default, alias = "samplingRate")]
    pub sampling_rate: Option<f64>,
    /// `null` or absent reads as `false`.
    #[serde(default, alias = "isContinuous", deserialize_with = "null_as_default")]
    pub is_continuous: bool,
    #[serde(default, alias = "queryFilter")]
    pub query_filter: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub evaluators: Vec<TaskEvaluator>,
    #[serde(default, alias = "experimentIds", deserialize_with = "null_as_default")]
    pub experiment_ids: Vec<String>,
    /// Only for `RUN_EXPERIMENT` tasks: the flat configuration object with `experiment_type`.
    #[serde(default, alias = "runConfiguration")]
    pub run_configuration: Option<serde_json::Value>,
    #[serde(default, alias = "lastRunAt")]
    pub last_run_at: Option<DateTime<Utc>>,
    #[serde(alias = "createdAt")]
    pub created_at: DateTime<Utc>,
    #[serde(alias = "updatedAt")]
    pub updated_at: DateTime<Utc>,
    #[serde(default, alias = "createdByUserId")]
    pub created_by_user_id: Option<String>,
    /// Trace/session-shape filters (`{filters: [{id, filter}], expression?}`).
    #[serde(default, alias = "queryFilters")]
    pub query_filters: Option<serde_json::Value>,
}

impl Task {
    /// True for evaluation tasks on a dataset (as opposed to a project).
    pub fn is_dataset_based(&self) -> bool {
        self.project_id.is_none() && self.dataset_id.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_type_parses_in_any_case() {
        for (input, want) in [
            ("template_evaluation", TaskType::TemplateEvaluation),
            ("TEMPLATE_EVALUATION", TaskType::TemplateEvaluation),
            ("Code-Evaluation", TaskType::CodeEvaluation),
            (" run experiment ", TaskType::RunExperiment),
            ("run-experiment", TaskType::RunExperiment),
        ] {
            assert_eq!(TaskType::parse(input).unwrap(), want, "{input}");
        }
        assert!(TaskType::RunExperiment.as_str() == "RUN_EXPERIMENT");
        assert!(TaskType::CodeEvaluation.is_evaluation());
        assert!(!TaskType::RunExperiment.is_evaluation());
    }

    #[test]
    fn task_type_error_names_the_field_and_values() {
        match TaskType::parse("eval") {
            Err(Error::Validation { field, message }) => {
                assert_eq!(field, "task_type");
                for v in ["TEMPLATE_EVALUATION", "CODE_EVALUATION", "RUN_EXPERIMENT"] {
                    assert!(message.contains(v), "{message}");
                }
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn evaluator_input_omits_none_fields() {
        let e = TaskEvaluatorInput::new("RXZhbDox");
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"evaluator_id":"RXZhbDox"}"#
        );
        let e: TaskEvaluatorInput = serde_json::from_str(
            r#"{"evaluator_id":"x","query_filter":null,"column_mappings":{"a":"b"}}"#,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"evaluator_id":"x","column_mappings":{"a":"b"}})
        );
        assert!(
            serde_json::from_str::<TaskEvaluatorInput>(r#"{"evaluator_id":"x","y":1}"#).is_err()
        );
    }

    #[test]
    fn task_model_tolerates_aliases_nulls_and_unknown_fields() {
        let t: Task = serde_json::from_str(
            r#"{"id":"a","name":"n","type":"template_evaluation","projectId":"p","datasetId":null,
                "samplingRate":0.25,"isContinuous":null,"queryFilter":"x = 1",
                "evaluators":[{"evaluatorId":"e","evaluatorName":"hall","columnMappings":{"input":"in"},"new":1}],
                "experimentIds":null,"lastRunAt":null,"createdAt":"2026-02-01T08:00:00Z",
                "updatedAt":"2026-02-01T08:00:00.000+00:00","createdByUserId":"u","surprise":{}}"#,
        )
        .unwrap();
        assert_eq!(t.task_type, TaskType::TemplateEvaluation);
        assert_eq!(t.project_id.as_deref(), Some("p"));
        assert_eq!(t.sampling_rate, Some(0.25));
        assert!(!t.is_continuous);
        assert!(t.experiment_ids.is_empty());
        assert_eq!(t.evaluators[0].evaluator_name.as_deref(), Some("hall"));
        assert_eq!(
            t.evaluators[0].column_mappings.as_ref().unwrap()["input"],
            "in"
        );
        assert!(!t.is_dataset_based());
        let wire = serde_json::to_value(&t).unwrap();
        assert_eq!(wire["type"], "TEMPLATE_EVALUATION");
        let back: Task = serde_json::from_value(wire).unwrap();
        assert_eq!(back, t);
    }
}
