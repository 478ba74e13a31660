//! Result classes for tasks and task runs (API.md §4.2, §4.3, §4.5).

use ax_core::model::{Task as CoreTask, TaskEvaluator as CoreEvaluator, TaskRun as CoreRun};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::models::{finish_repr, repr_of, str_literal};

fn json_to_py(py: Python<'_>, value: &Option<serde_json::Value>) -> PyResult<Py<PyAny>> {
    crate::models::json_value(py, value.as_ref())
}

/// A Python-style literal, cut to a bounded length: `'text'` or `None`.
fn py_str(value: Option<&str>) -> String {
    match value {
        None => "None".to_string(),
        Some(v) => str_literal(v),
    }
}

/// An evaluator attached to an evaluation task.
#[pyclass(module = "arize_ax._native", frozen, eq, skip_from_py_object)]
#[derive(Clone, PartialEq)]
pub struct TaskEvaluator {
    inner: CoreEvaluator,
}

#[pymethods]
impl TaskEvaluator {
    #[getter]
    fn evaluator_id(&self) -> &str {
        &self.inner.evaluator_id
    }
    #[getter]
    fn evaluator_name(&self) -> Option<&str> {
        self.inner.evaluator_name.as_deref()
    }
    #[getter]
    fn query_filter(&self) -> Option<&str> {
        self.inner.query_filter.as_deref()
    }
    #[getter]
    fn column_mappings<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.inner
            .column_mappings
            .as_ref()
            .map(|m| {
                let d = PyDict::new(py);
                for (k, v) in m {
                    d.set_item(k, v)?;
                }
                Ok(d)
            })
            .transpose()
    }
    #[getter]
    fn evaluator_version_id(&self) -> Option<&str> {
        self.inner.evaluator_version_id.as_deref()
    }
    #[getter]
    fn query_mappings(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_to_py(py, &self.inner.query_mappings)
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("evaluator_id", self.evaluator_id())?;
        d.set_item("evaluator_name", self.evaluator_name())?;
        d.set_item("query_filter", self.query_filter())?;
        d.set_item("column_mappings", self.column_mappings(py)?)?;
        d.set_item("evaluator_version_id", self.evaluator_version_id())?;
        d.set_item("query_mappings", self.query_mappings(py)?)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr_of("TaskEvaluator", &self.to_dict(py)?)
    }
}

/// A task: evaluators or a run configuration bound to a project or a dataset.
#[pyclass(module = "arize_ax._native", frozen, eq, skip_from_py_object)]
#[derive(Clone, PartialEq)]
pub struct Task {
    inner: CoreTask,
}

impl From<CoreTask> for Task {
    fn from(inner: CoreTask) -> Self {
        Task { inner }
    }
}

#[pymethods]
impl Task {
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }
    /// `TEMPLATE_EVALUATION`, `CODE_EVALUATION` or `RUN_EXPERIMENT`.
    #[getter]
    fn r#type(&self) -> &'static str {
        self.inner.task_type.as_str()
    }
    #[getter]
    fn project_id(&self) -> Option<&str> {
        self.inner.project_id.as_deref()
    }
    #[getter]
    fn dataset_id(&self) -> Option<&str> {
        self.inner.dataset_id.as_deref()
    }
    #[getter]
    fn sampling_rate(&self) -> Option<f64> {
        self.inner.sampling_rate
    }
    #[getter]
    fn is_continuous(&self) -> bool {
        self.inner.is_continuous
    }
    #[getter]
    fn query_filter(&self) -> Option<&str> {
        self.inner.query_filter.as_deref()
    }
    #[getter]
    fn evaluators(&self) -> Vec<TaskEvaluator> {
        self.inner
            .evaluators
            .iter()
            .map(|e| TaskEvaluator { inner: e.clone() })
            .collect()
    }
    #[getter]
    fn experiment_ids(&self) -> Vec<String> {
        self.inner.experiment_ids.clone()
    }
    /// The run configuration as a dict (`RUN_EXPERIMENT` tasks), else None.
    #[getter]
    fn run_configuration(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_to_py(py, &self.inner.run_configuration)
    }
    #[getter]
    fn last_run_at(&self) -> Option<DateTime<Utc>> {
        self.inner.last_run_at
    }
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.inner.created_at
    }
    #[getter]
    fn updated_at(&self) -> DateTime<Utc> {
        self.inner.updated_at
    }
    #[getter]
    fn created_by_user_id(&self) -> Option<&str> {
        self.inner.created_by_user_id.as_deref()
    }
    #[getter]
    fn query_filters(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_to_py(py, &self.inner.query_filters)
    }

    /// The task as a plain dict (nested evaluators as dicts, datetimes as `datetime`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("name", self.name())?;
        d.set_item("type", self.r#type())?;
        d.set_item("project_id", self.project_id())?;
        d.set_item("dataset_id", self.dataset_id())?;
        d.set_item("sampling_rate", self.sampling_rate())?;
        d.set_item("is_continuous", self.is_continuous())?;
        d.set_item("query_filter", self.query_filter())?;
        let evaluators = self
            .evaluators()
            .iter()
            .map(|e| e.to_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("evaluators", evaluators)?;
        d.set_item("experiment_ids", self.experiment_ids())?;
        d.set_item("run_configuration", self.run_configuration(py)?)?;
        d.set_item("last_run_at", self.last_run_at())?;
        d.set_item("created_at", self.created_at())?;
        d.set_item("updated_at", self.updated_at())?;
        d.set_item("created_by_user_id", self.created_by_user_id())?;
        d.set_item("query_filters", self.query_filters(py)?)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let parts = [
            format!("id={}", py_str(Some(&self.inner.id))),
            format!("name={}", py_str(Some(&self.inner.name))),
            format!("type={}", py_str(Some(self.r#type()))),
            format!("project_id={}", py_str(self.inner.project_id.as_deref())),
            format!("dataset_id={}", py_str(self.inner.dataset_id.as_deref())),
            format!("evaluators={}", self.inner.evaluators.len()),
            format!(
                "last_run_at={}",
                py_str(self.inner.last_run_at.map(|t| t.to_rfc3339()).as_deref())
            ),
        ];
        finish_repr("Task", &parts)
    }
}

/// One asynchronous execution of a task.
#[pyclass(module = "arize_ax._native", frozen, eq, skip_from_py_object)]
#[derive(Clone, PartialEq)]
pub struct TaskRun {
    inner: CoreRun,
}

impl From<CoreRun> for TaskRun {
    fn from(inner: CoreRun) -> Self {
        TaskRun { inner }
    }
}

#[pymethods]
impl TaskRun {
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    #[getter]
    fn task_id(&self) -> &str {
        &self.inner.task_id
    }
    #[getter]
    fn experiment_id(&self) -> Option<&str> {
        self.inner.experiment_id.as_deref()
    }
    /// `PENDING`, `RUNNING`, `COMPLETED`, `FAILED` or `CANCELLED`.
    #[getter]
    fn status(&self) -> &'static str {
        self.inner.status.as_str()
    }
    /// True once the run is COMPLETED, FAILED or CANCELLED.
    #[getter]
    fn is_terminal(&self) -> bool {
        self.inner.status.is_terminal()
    }
    #[getter]
    fn run_started_at(&self) -> Option<DateTime<Utc>> {
        self.inner.run_started_at
    }
    #[getter]
    fn run_finished_at(&self) -> Option<DateTime<Utc>> {
        self.inner.run_finished_at
    }
    #[getter]
    fn data_start_time(&self) -> Option<DateTime<Utc>> {
        self.inner.data_start_time
    }
    #[getter]
    fn data_end_time(&self) -> Option<DateTime<Utc>> {
        self.inner.data_end_time
    }
    #[getter]
    fn num_successes(&self) -> i64 {
        self.inner.num_successes
    }
    #[getter]
    fn num_errors(&self) -> i64 {
        self.inner.num_errors
    }
    #[getter]
    fn num_skipped(&self) -> i64 {
        self.inner.num_skipped
    }
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.inner.created_at
    }
    #[getter]
    fn created_by_user_id(&self) -> Option<&str> {
        self.inner.created_by_user_id.as_deref()
    }
    #[getter]
    fn failure_reason(&self) -> Option<&str> {
        self.inner.failure_reason.as_deref()
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("task_id", self.task_id())?;
        d.set_item("experiment_id", self.experiment_id())?;
        d.set_item("status", self.status())?;
        d.set_item("run_started_at", self.run_started_at())?;
        d.set_item("run_finished_at", self.run_finished_at())?;
        d.set_item("data_start_time", self.data_start_time())?;
        d.set_item("data_end_time", self.data_end_time())?;
        d.set_item("num_successes", self.num_successes())?;
        d.set_item("num_errors", self.num_errors())?;
        d.set_item("num_skipped", self.num_skipped())?;
        d.set_item("created_at", self.created_at())?;
        d.set_item("created_by_user_id", self.created_by_user_id())?;
        d.set_item("failure_reason", self.failure_reason())?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let parts = [
            format!("id={}", py_str(Some(&self.inner.id))),
            format!("task_id={}", py_str(Some(&self.inner.task_id))),
            format!("status={}", py_str(Some(self.status()))),
            format!("num_successes={}", self.inner.num_successes),
            format!("num_errors={}", self.inner.num_errors),
            format!("num_skipped={}", self.inner.num_skipped),
        ];
        finish_repr("TaskRun", &parts)
    }
}

crate::dump::model_dump_methods!(TaskEvaluator, "TaskEvaluator");
crate::dump::model_dump_methods!(Task, "Task");
crate::dump::model_dump_methods!(TaskRun, "TaskRun");
