//! Seeded tasks and task runs of each demo space, on the space's seeded content (see
//! `seed_content`): one task of every kind and runs in every status. They are seeded after
//! all other seed rows, so the IDs of those stay as they were before tasks were seeded.
//!
//! Seed timestamps lie about a day in the past, so a run left to the clock has long
//! finished: COMPLETED and FAILED runs follow their plan; CANCELLED, RUNNING and PENDING
//! runs are pinned (frozen) in that status. Runs triggered later follow the run timeline
//! as usual.

use serde_json::{json, Map, Value};

use crate::ids::Timestamp;
use crate::runs::RunStatus::{self, Cancelled, Completed, Failed, Pending, Running};
use crate::runs::{project_run_total, Plan, TaskRun, FAILURE_REASONS};
use crate::seed_content::{CODE_EVALUATOR, TEMPLATE_EVALUATOR};
use crate::state::State;
use crate::tasks::{Task, TaskEvaluator, TaskType};
use crate::validate;

/// Project-based TEMPLATE_EVALUATION task (continuous, sampled).
const PROJECT_TEMPLATE_TASK: &str = "hallucination-monitor";
/// Project-based CODE_EVALUATION task.
const PROJECT_CODE_TASK: &str = "json-output-check";
/// Dataset-based TEMPLATE_EVALUATION task on both experiments.
const DATASET_TASK: &str = "golden-questions-review";
/// RUN_EXPERIMENT task (LLM_GENERATION with the space's AI integration); never run.
const EXPERIMENT_TASK: &str = "support-answers-gpt-4o-mini";

/// How long a seeded run stays PENDING, then RUNNING: done before the next seed row (one
/// minute later), so runs of a task do not overlap.
const PENDING_MS: u64 = 5_000;
const RUNNING_MS: u64 = 45_000;
/// The data window of project runs: the hour before the run.
const WINDOW_MS: i64 = 3_600_000;
const MAX_SPANS: u64 = 10_000;

/// The data source and attachments of a seeded task.
struct Spec {
    name: &'static str,
    kind: TaskType,
    project_id: Option<String>,
    dataset_id: Option<String>,
    sampling_rate: Option<f64>,
    is_continuous: bool,
    query_filter: Option<&'static str>,
    evaluators: Vec<TaskEvaluator>,
    experiment_ids: Vec<String>,
    run_configuration: Option<Value>,
    /// Statuses of its runs, oldest first.
    runs: &'static [RunStatus],
}

fn attach(
    st: &State,
    space_id: &str,
    name: &str,
    version: Option<usize>,
    mappings: &[(&str, &str)],
) -> TaskEvaluator {
    let ev = st
        .evaluators
        .iter()
        .find(|e| e.space_id == space_id && e.name == name)
        .expect("seeded evaluator");
    let version_id = version.map(|n| {
        st.evaluator_versions
            .iter()
            .filter(|v| v.evaluator_id == ev.id)
            .nth(n)
            .expect("seeded evaluator version")
            .id
            .clone()
    });
    let column_mappings: Map<String, Value> = mappings
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::from(*v)))
        .collect();
    TaskEvaluator {
        evaluator_id: ev.id.clone(),
        evaluator_name: ev.name.clone(),
        evaluator_version_id: version_id,
        query_filter: None,
        column_mappings: (!column_mappings.is_empty()).then_some(column_mappings),
        query_mappings: None,
    }
}

/// Seeds the tasks and runs of one space; `creator` is the seeded account admin.
pub(crate) fn populate(st: &mut State, space_id: &str, creator: &str) {
    let project_id = st
        .projects
        .iter()
        .find(|p| p.space_id == space_id)
        .map(|p| p.id.clone());
    let dataset_id = st
        .datasets
        .iter()
        .find(|d| d.space_id == space_id)
        .map(|d| d.id.clone());
    let integration_id = st
        .ai_integrations
        .iter()
        .find(|i| i.space_id == space_id)
        .map(|i| i.id.clone())
        .expect("seeded AI integration");
    let experiment_ids: Vec<String> = st
        .experiments
        .iter()
        .filter(|e| Some(&e.dataset_id) == dataset_id.as_ref())
        .map(|e| e.id.clone())
        .collect();
    let span_columns = [
        ("input", "attributes.input.value"),
        ("reference", "attributes.retrieval.documents"),
        ("output", "attributes.output.value"),
    ];
    let example_columns = [
        ("input", "input"),
        ("reference", "reference"),
        ("output", "output"),
    ];
    let mut json_validity = attach(st, space_id, CODE_EVALUATOR, None, &[]);
    json_validity.query_filter = Some("attributes.openinference.span.kind = 'LLM'".into());
    let run_configuration = validate::run_configuration(
        &json!({
            "experiment_type": "LLM_GENERATION",
            "ai_integration_id": integration_id,
            "model_name": "gpt-4o-mini",
            "input_variable_format": "MUSTACHE",
            "messages": [
                {"role": "SYSTEM", "content": "Answer the support question in two sentences."},
                {"role": "USER", "content": "{{input}}"}
            ],
            "invocation_parameters": {"temperature": 0.2, "max_tokens": 256},
        }),
        false,
    )
    .expect("valid seeded run configuration")
    .value;
    let specs = [
        Spec {
            name: PROJECT_TEMPLATE_TASK,
            kind: TaskType::TemplateEvaluation,
            project_id: project_id.clone(),
            dataset_id: None,
            sampling_rate: Some(0.25),
            is_continuous: true,
            query_filter: Some("attributes.llm.model_name = 'gpt-4o'"),
            evaluators: vec![attach(
                st,
                space_id,
                TEMPLATE_EVALUATOR,
                None,
                &span_columns,
            )],
            experiment_ids: Vec::new(),
            run_configuration: None,
            runs: &[Completed, Failed, Running],
        },
        Spec {
            name: PROJECT_CODE_TASK,
            kind: TaskType::CodeEvaluation,
            project_id,
            dataset_id: None,
            sampling_rate: None,
            is_continuous: false,
            query_filter: None,
            evaluators: vec![json_validity],
            experiment_ids: Vec::new(),
            run_configuration: None,
            runs: &[Completed, Cancelled],
        },
        Spec {
            name: DATASET_TASK,
            kind: TaskType::TemplateEvaluation,
            project_id: None,
            dataset_id: dataset_id.clone(),
            sampling_rate: None,
            is_continuous: false,
            query_filter: None,
            // Pinned to the evaluator's first version.
            evaluators: vec![attach(
                st,
                space_id,
                TEMPLATE_EVALUATOR,
                Some(0),
                &example_columns,
            )],
            experiment_ids,
            run_configuration: None,
            runs: &[Completed, Pending],
        },
        Spec {
            name: EXPERIMENT_TASK,
            kind: TaskType::RunExperiment,
            project_id: None,
            dataset_id,
            sampling_rate: None,
            is_continuous: false,
            query_filter: None,
            evaluators: Vec::new(),
            experiment_ids: Vec::new(),
            run_configuration: Some(run_configuration),
            runs: &[],
        },
    ];
    for spec in specs {
        add_task(st, space_id, creator, spec);
    }
}

fn add_task(st: &mut State, space_id: &str, creator: &str, spec: Spec) {
    let (seq, id) = st.minter.mint("OnlineTask");
    let created_at = st.clock.now();
    let mut task = Task::blank(seq, id, spec.name.into(), spec.kind, space_id, created_at);
    task.project_id = spec.project_id;
    task.dataset_id = spec.dataset_id;
    task.sampling_rate = spec.sampling_rate;
    task.is_continuous = spec.is_continuous;
    task.query_filter = spec.query_filter.map(str::to_owned);
    task.evaluators = spec.evaluators;
    task.experiment_ids = spec.experiment_ids;
    task.run_configuration = spec.run_configuration;
    task.created_by_user_id = Some(creator.to_owned());
    let dataset_total: u64 = task
        .experiment_ids
        .iter()
        .filter_map(|e| st.experiments.get(e))
        .filter_map(|e| st.dataset_versions.get(&e.dataset_version_id))
        .map(|v| v.example_count)
        .sum();
    for &status in spec.runs {
        let (rseq, rid) = st.minter.mint("TaskRun");
        let at = st.clock.now();
        let total = match task.project_id {
            Some(_) => project_run_total(WINDOW_MS, MAX_SPANS, task.sampling_rate),
            None => dataset_total.min(MAX_SPANS),
        };
        let failure = (status == Failed).then_some(FAILURE_REASONS[0]);
        let plan = Plan::scripted(PENDING_MS, RUNNING_MS, total, rseq, failure);
        let mut run = TaskRun::new(rseq, rid, &task.id, space_id, at.clone(), plan);
        run.created_by_user_id = Some(creator.to_owned());
        if task.project_id.is_some() {
            run.data_start_time = Some(Timestamp::from_ms(at.ms - WINDOW_MS));
            run.data_end_time = Some(at.clone());
        }
        // Where the frozen ones stop: PENDING halfway through the wait, RUNNING halfway
        // through the work, CANCELLED a third of the way in.
        let start = at.ms + PENDING_MS as i64;
        let pin_at = match status {
            Pending => Some(at.ms + PENDING_MS as i64 / 2),
            Running => Some(start + RUNNING_MS as i64 / 2),
            Cancelled => Some(start + RUNNING_MS as i64 / 3),
            Completed | Failed => None,
        };
        if let Some(pin_at) = pin_at {
            run.pin(status, None, pin_at);
        }
        debug_assert_eq!(run.final_status(), status);
        st.task_runs.insert(run);
        task.run_seqs.push(rseq);
        task.last_run_at = Some(at);
    }
    st.insert_task(task);
}

/// The `seed_info` entries for the seeded tasks and runs.
pub(crate) fn describe(st: &State, info: &mut Map<String, Value>) {
    let tasks: Vec<Value> = st
        .tasks
        .iter()
        .map(|t| {
            json!({"id": t.id, "name": t.name, "type": t.kind.as_str(), "space_id": t.space_id,
                "project_id": t.project_id, "dataset_id": t.dataset_id})
        })
        .collect();
    let runs: Vec<Value> = st
        .task_runs
        .iter()
        .map(|r| {
            json!({"id": r.id, "task_id": r.task_id, "space_id": r.space_id,
                "status": r.final_status().as_str()})
        })
        .collect();
    info.insert("tasks".into(), tasks.into());
    info.insert("task_runs".into(), runs.into());
}
