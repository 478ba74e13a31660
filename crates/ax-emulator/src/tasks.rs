//! Tasks (API.md §4.2): the stored row, its JSON, the per-space name index, checks of the
//! resources a task refers to, and bulk seeding for benchmarks.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::ids::Timestamp;
use crate::json_out::{self, WriteJson};
use crate::problem::ApiError;
use crate::resources::{EvaluatorKind, InSpace};
use crate::runs::{project_run_total, Plan, TaskRun};
use crate::state::{Access, Row, State, Table, User};
use crate::validate::{EvaluatorInput, RunConfig};

/// `TaskType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum TaskType {
    TemplateEvaluation,
    CodeEvaluation,
    RunExperiment,
}

pub(crate) const TASK_TYPES: &[&str] =
    &["TEMPLATE_EVALUATION", "CODE_EVALUATION", "RUN_EXPERIMENT"];

impl TaskType {
    pub(crate) fn from_wire(s: &str) -> Option<TaskType> {
        match s {
            "TEMPLATE_EVALUATION" => Some(TaskType::TemplateEvaluation),
            "CODE_EVALUATION" => Some(TaskType::CodeEvaluation),
            "RUN_EXPERIMENT" => Some(TaskType::RunExperiment),
            _ => None,
        }
    }
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TaskType::TemplateEvaluation => "TEMPLATE_EVALUATION",
            TaskType::CodeEvaluation => "CODE_EVALUATION",
            TaskType::RunExperiment => "RUN_EXPERIMENT",
        }
    }
}

/// An evaluator attached to a task (`TaskEvaluator`).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct TaskEvaluator {
    pub(crate) evaluator_id: String,
    pub(crate) evaluator_name: String,
    pub(crate) evaluator_version_id: Option<String>,
    pub(crate) query_filter: Option<String>,
    pub(crate) column_mappings: Option<Map<String, Value>>,
    pub(crate) query_mappings: Option<Value>,
}

impl TaskEvaluator {
    /// Back to the input shape (to re-check a task's filter shape on update).
    pub(crate) fn as_input(&self) -> EvaluatorInput {
        EvaluatorInput {
            evaluator_id: self.evaluator_id.clone(),
            evaluator_version_id: self.evaluator_version_id.clone(),
            query_filter: self.query_filter.clone(),
            column_mappings: self.column_mappings.clone(),
            query_mappings: self.query_mappings.clone(),
        }
    }
}

/// A task; serializes as the Task JSON of API.md §4.2.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Task {
    #[serde(skip)]
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    #[serde(rename = "type")]
    pub(crate) kind: TaskType,
    pub(crate) project_id: Option<String>,
    pub(crate) dataset_id: Option<String>,
    pub(crate) sampling_rate: Option<f64>,
    pub(crate) is_continuous: bool,
    pub(crate) query_filter: Option<String>,
    pub(crate) evaluators: Vec<TaskEvaluator>,
    pub(crate) experiment_ids: Vec<String>,
    pub(crate) run_configuration: Option<Value>,
    pub(crate) last_run_at: Option<Timestamp>,
    pub(crate) created_at: Timestamp,
    pub(crate) updated_at: Timestamp,
    pub(crate) created_by_user_id: Option<String>,
    pub(crate) query_filters: Option<Value>,
    /// Declared query ids of `query_filters`.
    #[serde(skip)]
    pub(crate) filter_ids: Option<Vec<String>>,
    #[serde(skip)]
    pub(crate) space_id: String,
    /// Sequence numbers of this task's runs, oldest first.
    #[serde(skip)]
    pub(crate) run_seqs: Vec<u64>,
}

impl Task {
    /// A task with only the required fields set, created (and updated) at `created_at`:
    /// no data source, evaluators, filters, runs or creator (seeding sets what applies).
    pub(crate) fn blank(
        seq: u64,
        id: String,
        name: String,
        kind: TaskType,
        space_id: &str,
        created_at: Timestamp,
    ) -> Task {
        Task {
            seq,
            id,
            name,
            kind,
            project_id: None,
            dataset_id: None,
            sampling_rate: None,
            is_continuous: false,
            query_filter: None,
            evaluators: Vec::new(),
            experiment_ids: Vec::new(),
            run_configuration: None,
            last_run_at: None,
            updated_at: created_at.clone(),
            created_at,
            created_by_user_id: None,
            query_filters: None,
            filter_ids: None,
            space_id: space_id.to_owned(),
            run_seqs: Vec::new(),
        }
    }
}

impl WriteJson for TaskEvaluator {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"evaluator_id\":");
        json_out::string(out, &self.evaluator_id);
        out.extend_from_slice(b",\"evaluator_name\":");
        json_out::string(out, &self.evaluator_name);
        out.extend_from_slice(b",\"evaluator_version_id\":");
        json_out::opt_string(out, self.evaluator_version_id.as_deref());
        out.extend_from_slice(b",\"query_filter\":");
        json_out::opt_string(out, self.query_filter.as_deref());
        out.extend_from_slice(b",\"column_mappings\":");
        json_out::value(out, &self.column_mappings);
        out.extend_from_slice(b",\"query_mappings\":");
        json_out::value(out, &self.query_mappings);
        out.push(b'}');
    }
}

impl WriteJson for Task {
    fn write_json(&self, out: &mut Vec<u8>) {
        let ts = |out: &mut Vec<u8>, t: Option<&Timestamp>| {
            json_out::opt_string(out, t.map(Timestamp::as_str))
        };
        out.extend_from_slice(b"{\"id\":");
        json_out::string(out, &self.id);
        out.extend_from_slice(b",\"name\":");
        json_out::string(out, &self.name);
        out.extend_from_slice(b",\"type\":");
        json_out::string(out, self.kind.as_str());
        out.extend_from_slice(b",\"project_id\":");
        json_out::opt_string(out, self.project_id.as_deref());
        out.extend_from_slice(b",\"dataset_id\":");
        json_out::opt_string(out, self.dataset_id.as_deref());
        out.extend_from_slice(b",\"sampling_rate\":");
        json_out::value(out, &self.sampling_rate);
        out.extend_from_slice(b",\"is_continuous\":");
        json_out::boolean(out, self.is_continuous);
        out.extend_from_slice(b",\"query_filter\":");
        json_out::opt_string(out, self.query_filter.as_deref());
        out.extend_from_slice(b",\"evaluators\":");
        json_out::array(out, &self.evaluators);
        out.extend_from_slice(b",\"experiment_ids\":");
        json_out::strings(out, &self.experiment_ids);
        out.extend_from_slice(b",\"run_configuration\":");
        json_out::value(out, &self.run_configuration);
        out.extend_from_slice(b",\"last_run_at\":");
        ts(out, self.last_run_at.as_ref());
        out.extend_from_slice(b",\"created_at\":");
        ts(out, Some(&self.created_at));
        out.extend_from_slice(b",\"updated_at\":");
        ts(out, Some(&self.updated_at));
        out.extend_from_slice(b",\"created_by_user_id\":");
        json_out::opt_string(out, self.created_by_user_id.as_deref());
        out.extend_from_slice(b",\"query_filters\":");
        json_out::value(out, &self.query_filters);
        out.push(b'}');
    }
}

impl Row for Task {
    fn seq(&self) -> u64 {
        self.seq
    }
    fn id(&self) -> &str {
        &self.id
    }
}

/// Key of the task name index.
pub(crate) fn task_name_key(space_id: &str, name: &str) -> String {
    let mut k = String::with_capacity(space_id.len() + name.len() + 1);
    k.push_str(space_id);
    k.push('\u{0}');
    k.push_str(name);
    k
}

fn unprocessable(detail: String) -> ApiError {
    ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, detail)
}

/// Bulk seeding refuses more rows than this in one call.
const BULK_MAX_ROWS: usize = 5_000_000;

impl State {
    pub(crate) fn task_name_taken(&self, space_id: &str, name: &str, except: Option<u64>) -> bool {
        self.task_names
            .get(&task_name_key(space_id, name))
            .is_some_and(|seq| Some(*seq) != except)
    }

    pub(crate) fn insert_task(&mut self, task: Task) {
        self.task_names
            .insert(task_name_key(&task.space_id, &task.name), task.seq);
        self.tasks_by_space.add(&task.space_id, task.seq);
        self.tasks.insert(task);
    }

    pub(crate) fn rename_task(&mut self, id: &str, name: String) {
        let Some(task) = self.tasks.get_mut(id) else {
            return;
        };
        self.task_names
            .remove(&task_name_key(&task.space_id, &task.name));
        self.task_names
            .insert(task_name_key(&task.space_id, &name), task.seq);
        task.name = name;
    }

    /// Deletes a task and its runs.
    pub(crate) fn remove_task(&mut self, id: &str) -> Option<Task> {
        let task = self.tasks.remove(id)?;
        self.task_names
            .remove(&task_name_key(&task.space_id, &task.name));
        self.tasks_by_space.remove(&task.space_id, task.seq);
        for seq in &task.run_seqs {
            self.task_runs.remove_seq(*seq);
        }
        Some(task)
    }

    /// A row of a space-owned table the caller can read; 404 otherwise.
    pub(crate) fn visible_row<'s, T: InSpace>(
        &'s self,
        table: &'s Table<T>,
        user: &User,
        id: &str,
        what: &str,
    ) -> Result<&'s T, ApiError> {
        table
            .get(id)
            .filter(|row| self.access_to(user, row.space_id()) != Access::None)
            .ok_or_else(|| {
                ApiError::not_found(format!("No {what} with id '{id}' is visible to this key."))
            })
    }

    /// Turns evaluator inputs into attachments: each evaluator must be visible (404) and
    /// live in the task's space (422); a pinned version must be one of its versions (422).
    pub(crate) fn resolve_evaluators(
        &self,
        user: &User,
        space_id: &str,
        inputs: &[EvaluatorInput],
    ) -> Result<Vec<TaskEvaluator>, ApiError> {
        inputs
            .iter()
            .map(|input| {
                let ev =
                    self.visible_row(&self.evaluators, user, &input.evaluator_id, "evaluator")?;
                if ev.space_id != space_id {
                    return Err(unprocessable(format!(
                        "Evaluator '{}' belongs to another space than the task's data source.",
                        ev.id
                    )));
                }
                if let Some(vid) = &input.evaluator_version_id {
                    let ok = self
                        .evaluator_versions
                        .get(vid)
                        .is_some_and(|v| v.evaluator_id == ev.id);
                    if !ok {
                        return Err(unprocessable(format!(
                            "'{vid}' is not a version of evaluator '{}'.",
                            ev.id
                        )));
                    }
                }
                Ok(TaskEvaluator {
                    evaluator_id: ev.id.clone(),
                    evaluator_name: ev.name.clone(),
                    evaluator_version_id: input.evaluator_version_id.clone(),
                    query_filter: input.query_filter.clone(),
                    column_mappings: input.column_mappings.clone(),
                    query_mappings: input.query_mappings.clone(),
                })
            })
            .collect()
    }

    /// Each experiment must be visible (404) and belong to `dataset_id` (422).
    pub(crate) fn check_experiments(
        &self,
        user: &User,
        dataset_id: &str,
        ids: &[String],
    ) -> Result<(), ApiError> {
        for id in ids {
            let exp = self.visible_row(&self.experiments, user, id, "experiment")?;
            if exp.dataset_id != dataset_id {
                return Err(unprocessable(format!(
                    "Experiment '{id}' was not run on dataset '{dataset_id}'."
                )));
            }
        }
        Ok(())
    }

    /// The AI integration must be visible (404) and usable in the task's space (422); a
    /// linked evaluator version must exist and be visible (404).
    pub(crate) fn check_run_config(
        &self,
        user: &User,
        space_id: &str,
        rc: &RunConfig,
    ) -> Result<(), ApiError> {
        if let Some(id) = &rc.ai_integration_id {
            let integ = self.visible_row(&self.ai_integrations, user, id, "AI integration")?;
            let org = self
                .spaces
                .get(space_id)
                .map_or("", |s| s.organization_id.as_str());
            if !integ.usable_in(space_id, org) {
                return Err(unprocessable(format!(
                    "AI integration '{id}' is not available in the task's space."
                )));
            }
        }
        if let Some(vid) = &rc.evaluator_version_id {
            let visible = self
                .evaluator_versions
                .get(vid)
                .and_then(|v| self.evaluators.get(&v.evaluator_id))
                .is_some_and(|e| self.access_to(user, &e.space_id) != Access::None);
            if !visible {
                return Err(ApiError::not_found(format!(
                    "No evaluator version with id '{vid}' is visible to this key."
                )));
            }
        }
        Ok(())
    }

    /// The newest version of a dataset.
    pub(crate) fn latest_dataset_version(
        &self,
        dataset_id: &str,
    ) -> Option<&crate::resources::DatasetVersion> {
        self.dataset_versions
            .iter()
            .rev()
            .find(|v| v.dataset_id == dataset_id)
    }

    /// Creates `count` TEMPLATE_EVALUATION tasks on the space's first project with the
    /// space's first TEMPLATE evaluator, each with `runs_per_task` COMPLETED runs over the
    /// last hour. Names are `bulk-task-NNNNNN`, skipping names already taken. Every row
    /// gets the same `created_at` (one clock reading), so creation order stays consistent
    /// with timestamps. Returns the task IDs in creation order.
    pub(crate) fn bulk_seed_tasks(
        &mut self,
        space_id: &str,
        count: usize,
        runs_per_task: usize,
    ) -> Result<Vec<String>, String> {
        if self.spaces.get(space_id).is_none() {
            return Err(format!("No space with id '{space_id}'."));
        }
        let rows = count.saturating_mul(runs_per_task.saturating_add(1));
        if rows > BULK_MAX_ROWS {
            return Err(format!(
                "At most {BULK_MAX_ROWS} tasks and runs may be seeded at once (asked for {rows})."
            ));
        }
        let project_id = self
            .projects
            .iter()
            .find(|p| p.space_id == space_id)
            .map(|p| p.id.clone())
            .ok_or_else(|| format!("Space '{space_id}' has no project."))?;
        let evaluator = self
            .evaluators
            .iter()
            .find(|e| e.space_id == space_id && e.kind == EvaluatorKind::Template)
            .map(|e| TaskEvaluator {
                evaluator_id: e.id.clone(),
                evaluator_name: e.name.clone(),
                evaluator_version_id: None,
                query_filter: None,
                column_mappings: Some(Map::from_iter([
                    ("input".to_owned(), Value::from("attributes.input.value")),
                    ("output".to_owned(), Value::from("attributes.output.value")),
                ])),
                query_mappings: None,
            })
            .ok_or_else(|| format!("Space '{space_id}' has no TEMPLATE evaluator."))?;
        let now = self.clock.now();
        let window_ms = 3_600_000;
        let window_start = Timestamp::from_ms(now.ms - window_ms);
        let total = project_run_total(window_ms, 10_000, None);
        let mut ids = Vec::with_capacity(count);
        let mut number = 0u64;
        for _ in 0..count {
            let name = loop {
                number += 1;
                let candidate = format!("bulk-task-{number:06}");
                if !self.task_name_taken(space_id, &candidate, None) {
                    break candidate;
                }
            };
            let (seq, id) = self.minter.mint("OnlineTask");
            let kind = TaskType::TemplateEvaluation;
            let mut task = Task::blank(seq, id.clone(), name, kind, space_id, now.clone());
            for _ in 0..runs_per_task {
                let (rseq, rid) = self.minter.mint("TaskRun");
                let plan = Plan::finished(total, rseq);
                let mut run = TaskRun::new(rseq, rid, &id, space_id, now.clone(), plan);
                run.data_start_time = Some(window_start.clone());
                run.data_end_time = Some(now.clone());
                self.task_runs.insert(run);
                task.run_seqs.push(rseq);
            }
            task.project_id = Some(project_id.clone());
            task.evaluators = vec![evaluator.clone()];
            task.last_run_at = (runs_per_task > 0).then(|| now.clone());
            ids.push(id);
            self.insert_task(task);
        }
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9_=-]{0,30}",
            any::<String>(),
            "[a-z\"\\\\\u{0}-\u{1f}é]{0,12}",
        ]
    }

    fn opt_text() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(text())
    }

    fn json_value() -> impl Strategy<Value = Option<Value>> {
        proptest::option::of(prop_oneof![
            Just(json!({"model": "gpt", "temperature": 0.25, "tags": ["a", "b\"c"]})),
            text().prop_map(Value::String),
            Just(json!([{"id": "q1", "filter": "x > 1"}])),
        ])
    }

    fn evaluator() -> impl Strategy<Value = TaskEvaluator> {
        (
            text(),
            text(),
            opt_text(),
            opt_text(),
            any::<bool>(),
            json_value(),
        )
            .prop_map(|(id, name, version, filter, mappings, query_mappings)| {
                TaskEvaluator {
                    evaluator_id: id,
                    evaluator_name: name,
                    evaluator_version_id: version,
                    query_filter: filter,
                    column_mappings: mappings.then(|| {
                        let mut m = Map::new();
                        m.insert("input".into(), Value::String("attributes.input".into()));
                        m.insert("out\"put".into(), Value::String("a\\b".into()));
                        m
                    }),
                    query_mappings,
                }
            })
    }

    prop_compose! {
        fn task()(
            id in text(),
            name in text(),
            kind in prop_oneof![
                Just(TaskType::TemplateEvaluation),
                Just(TaskType::CodeEvaluation),
                Just(TaskType::RunExperiment),
            ],
            ids in (opt_text(), opt_text(), opt_text(), opt_text()),
            sampling_rate in proptest::option::of(prop_oneof![
                Just(0.1f64), Just(1.0), Just(1e-7), Just(0.333_333_333_333_333_3), 0.0f64..1.0,
            ]),
            is_continuous in any::<bool>(),
            evaluators in proptest::collection::vec(evaluator(), 0..3),
            experiment_ids in proptest::collection::vec(text(), 0..3),
            values in (json_value(), json_value()),
            times in (proptest::option::of(0i64..4_000_000_000_000), 0i64..4_000_000_000_000),
        ) -> Task {
            let (project_id, dataset_id, query_filter, created_by_user_id) = ids;
            let (run_configuration, query_filters) = values;
            let (last_run, created) = times;
            Task {
                seq: 1,
                id,
                name,
                kind,
                project_id,
                dataset_id,
                sampling_rate,
                is_continuous,
                query_filter,
                evaluators,
                experiment_ids,
                run_configuration,
                last_run_at: last_run.map(Timestamp::from_ms),
                created_at: Timestamp::from_ms(created),
                updated_at: Timestamp::from_ms(created + 1),
                created_by_user_id,
                query_filters,
                filter_ids: None,
                space_id: "s".into(),
                run_seqs: Vec::new(),
            }
        }
    }

    proptest! {
        /// `write_json` gives the derived `Serialize`'s bytes.
        #[test]
        fn write_json_like_serde(t in task()) {
            let mut out = Vec::new();
            t.write_json(&mut out);
            prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&t).unwrap());
        }
    }
}
