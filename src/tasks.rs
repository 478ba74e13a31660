//! `TasksClient` and `AsyncTasksClient` over `ax_core::api::{tasks, runs}` and
//! `ax_core::poll`, with the official SDK's method and keyword names.

use std::collections::HashSet;
use std::sync::Arc;

use ax_core::api::runs::{self, ListRunsParams, TaskRunResource};
use ax_core::api::tasks::{
    self, CreateEvaluationTask, CreateRunExperimentTask, CreateTask, ListTasksParams, TaskResource,
    TriggerRun, UpdateTask,
};
use ax_core::model::Patch;
use ax_core::poll::{self, Progress, WaitOptions};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict};

use crate::call::{none, object, run, run_walk, Mode};
use crate::convert;
use crate::errors::validation;
use crate::page::{BindResource, Page};
use crate::task_models::{Task, TaskRun};
use crate::warn;

impl BindResource for TaskResource {
    const COLLECTION_ATTR: &'static str = "tasks";
    fn item_to_py(py: Python<'_>, item: Self::Item) -> PyResult<Py<PyAny>> {
        object(py, Task::from(item))
    }
}

impl BindResource for TaskRunResource {
    const COLLECTION_ATTR: &'static str = "task_runs";
    fn item_to_py(py: Python<'_>, item: Self::Item) -> PyResult<Py<PyAny>> {
        object(py, TaskRun::from(item))
    }
}

fn task_to_py(py: Python<'_>, t: ax_core::model::Task) -> PyResult<Py<PyAny>> {
    object(py, Task::from(t))
}

fn run_to_py(py: Python<'_>, r: ax_core::model::TaskRun) -> PyResult<Py<PyAny>> {
    object(py, TaskRun::from(r))
}

fn runs_to_py(py: Python<'_>, rs: Vec<ax_core::model::TaskRun>) -> PyResult<Py<PyAny>> {
    let items = rs.into_iter().map(TaskRun::from).collect::<Vec<_>>();
    object(py, items)
}

fn task_page(py: Python<'_>, p: ax_core::Page<TaskResource>) -> PyResult<Py<PyAny>> {
    object(py, Page::single(py, p)?)
}

fn task_pages(py: Python<'_>, p: ax_core::Listing<TaskResource>) -> PyResult<Py<PyAny>> {
    object(py, Page::all(p))
}

fn run_page(py: Python<'_>, p: ax_core::Page<TaskRunResource>) -> PyResult<Py<PyAny>> {
    object(py, Page::single(py, p)?)
}

fn run_pages(py: Python<'_>, p: ax_core::Listing<TaskRunResource>) -> PyResult<Py<PyAny>> {
    object(py, Page::all(p))
}

/// Poll settings, checked before any request.
fn wait_options(py: Python<'_>, poll_interval: f64, timeout: f64) -> PyResult<WaitOptions> {
    Ok(WaitOptions {
        poll_interval: crate::client::seconds(py, "poll_interval", poll_interval)?,
        timeout: crate::client::seconds(py, "timeout", timeout)?,
    })
}

/// Reads `progress=`: only `True` or `False`.
fn progress_flag(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    match value.cast::<PyBool>() {
        Ok(flag) => Ok(flag.is_true()),
        Err(_) => Err(PyTypeError::new_err(format!(
            "progress must be True or False, got {}",
            value.get_type().name()?
        ))),
    }
}

/// The live display of a wait (`progress=True`): an `arize_ax._progress.RunProgress`. It is
/// closed when this is dropped, that is when the wait's progress callback is dropped: the
/// wait future completed (returned or raised) or was dropped (Ctrl-C, task cancellation).
struct Display(Py<PyAny>);

impl Display {
    fn new(py: Python<'_>, total: usize) -> PyResult<Display> {
        let class = py.import("arize_ax._progress")?.getattr("RunProgress")?;
        Ok(Display(class.call1((total,))?.unbind()))
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        // Not during interpreter shutdown: then there is nothing left to draw on.
        Python::try_attach(|py| {
            if let Err(err) = self.0.call_method0(py, "close") {
                err.write_unraisable(py, Some(self.0.bind(py)));
            }
        });
    }
}

/// The progress callback of a wait: the Python callable `on_progress` (if any) and the
/// display of `display_total` runs (with `progress=True`), both given every state seen. They
/// run with the GIL on the thread driving the wait; an exception either raises is reported
/// as unraisable and the wait goes on.
fn progress(
    py: Python<'_>,
    on_progress: Option<Bound<'_, PyAny>>,
    display_total: Option<usize>,
) -> PyResult<Option<Progress>> {
    let callback = match on_progress.filter(|c| !c.is_none()) {
        None => None,
        Some(cb) if cb.is_callable() => Some(cb.unbind()),
        Some(_) => return Err(PyTypeError::new_err("on_progress must be callable")),
    };
    let display = display_total
        .map(|total| Display::new(py, total))
        .transpose()?;
    if callback.is_none() && display.is_none() {
        return Ok(None);
    }
    Ok(Some(Arc::new(move |run: &ax_core::model::TaskRun| {
        Python::attach(|py| {
            let arg = match Py::new(py, TaskRun::from(run.clone())) {
                Ok(arg) => arg,
                Err(err) => return err.write_unraisable(py, None),
            };
            if let Some(cb) = &callback {
                if let Err(err) = cb.call1(py, (arg.clone_ref(py),)) {
                    err.write_unraisable(py, Some(cb.bind(py)));
                }
            }
            if let Some(Display(bar)) = &display {
                if let Err(err) = bar.call_method1(py, "update", (arg,)) {
                    err.write_unraisable(py, Some(bar.bind(py)));
                }
            }
        })
    })))
}

/// How many distinct runs `wait_for_runs` waits for (IDs are trimmed and deduplicated).
fn distinct_runs(run_ids: &[String]) -> usize {
    run_ids
        .iter()
        .map(|id| id.trim())
        .collect::<HashSet<_>>()
        .len()
}

/// Reads `update(**fields)`: only keys that were passed are sent.
fn update_fields(fields: Option<&Bound<'_, PyDict>>) -> PyResult<UpdateTask> {
    let mut req = UpdateTask::default();
    let Some(fields) = fields else {
        return Ok(req);
    };
    for (key, value) in fields.iter() {
        let key: String = key.extract()?;
        match key.as_str() {
            "name" => req.name = value.extract()?,
            "sampling_rate" => req.sampling_rate = value.extract()?,
            "is_continuous" => req.is_continuous = value.extract()?,
            "query_filter" => {
                req.query_filter = match value.extract::<Option<String>>()? {
                    None => Patch::Null,
                    Some(q) => Patch::Value(q),
                }
            }
            "query_filters" => {
                req.query_filters = match convert::json_opt(Some(&value), "query_filters")? {
                    None => Patch::Null,
                    Some(q) => Patch::Value(q),
                }
            }
            "evaluators" => req.evaluators = convert::evaluators_opt(Some(&value))?,
            "run_configuration" => {
                req.run_configuration = convert::json_opt(Some(&value), "run_configuration")?
            }
            other => {
                return Err(PyTypeError::new_err(format!(
                    "update() got an unexpected keyword argument '{other}' (allowed: name, \
                     sampling_rate, is_continuous, query_filter, query_filters, evaluators, \
                     run_configuration)"
                )))
            }
        }
    }
    Ok(req)
}

macro_rules! tasks_client {
    ($class:ident, $pyname:literal, $mode:expr) => {
        #[pyclass(module = "arize_ax._native", name = $pyname, frozen)]
        pub struct $class {
            core: ax_core::Client,
        }

        impl $class {
            pub fn new(core: ax_core::Client) -> Self {
                $class { core }
            }
        }

        #[pymethods]
        impl $class {
            /// One page of tasks. `space` (name or ID), `project` and `dataset` (names need
            /// `space`) and `task_type` filter; `name` is a substring filter.
            #[pyo3(signature = (*, name=None, project=None, dataset=None, space=None, task_type=None, limit=50, cursor=None))]
            #[allow(clippy::too_many_arguments)]
            fn list(
                &self,
                py: Python<'_>,
                name: Option<String>,
                project: Option<String>,
                dataset: Option<String>,
                space: Option<String>,
                task_type: Option<String>,
                limit: u32,
                cursor: Option<String>,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "tasks.list")?;
                let p = ListTasksParams { space, name, project, dataset, task_type, limit: Some(limit), cursor };
                let core = self.core.clone();
                run(py, $mode, async move { tasks::list(&core, &p).await }, task_page)
            }

            /// Every page of tasks, fetched with the next request in flight.
            #[pyo3(signature = (*, name=None, project=None, dataset=None, space=None, task_type=None, limit=100))]
            #[allow(clippy::too_many_arguments)]
            fn list_all(
                &self,
                py: Python<'_>,
                name: Option<String>,
                project: Option<String>,
                dataset: Option<String>,
                space: Option<String>,
                task_type: Option<String>,
                limit: u32,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "tasks.list")?;
                let p = ListTasksParams { space, name, project, dataset, task_type, limit: Some(limit), cursor: None };
                run_walk(py, $mode, &self.core, |core| async move { tasks::list_listing(&core, p).await }, task_pages)
            }

            /// A task by ID, or by name with `space`.
            #[pyo3(signature = (*, task, space=None))]
            fn get(&self, py: Python<'_>, task: String, space: Option<String>) -> PyResult<Py<PyAny>> {
                warn::beta(py, "tasks.get")?;
                let core = self.core.clone();
                run(py, $mode, async move { tasks::get(&core, &task, space.as_deref()).await }, task_to_py)
            }

            /// Creates a task of any type (dispatches on `task_type`).
            #[pyo3(signature = (*, name, task_type, evaluators=None, run_configuration=None, project=None, dataset=None, space=None, experiment_ids=None, sampling_rate=None, is_continuous=None, query_filter=None, query_filters=None))]
            #[allow(clippy::too_many_arguments)]
            fn create(
                &self,
                py: Python<'_>,
                name: String,
                task_type: String,
                evaluators: Option<&Bound<'_, PyAny>>,
                run_configuration: Option<&Bound<'_, PyAny>>,
                project: Option<String>,
                dataset: Option<String>,
                space: Option<String>,
                experiment_ids: Option<&Bound<'_, PyAny>>,
                sampling_rate: Option<f64>,
                is_continuous: Option<bool>,
                query_filter: Option<String>,
                query_filters: Option<&Bound<'_, PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "tasks.create")?;
                let req = CreateTask {
                    name,
                    task_type,
                    evaluators: convert::evaluators_opt(evaluators)?,
                    run_configuration: convert::json_opt(run_configuration, "run_configuration")?,
                    project,
                    dataset,
                    space,
                    experiment_ids: convert::id_list(experiment_ids, "experiment_ids")?,
                    sampling_rate,
                    is_continuous,
                    query_filter,
                    query_filters: convert::json_opt(query_filters, "query_filters")?,
                };
                let core = self.core.clone();
                run(py, $mode, async move { tasks::create(&core, &req).await }, task_to_py)
            }

            /// Creates a TEMPLATE_EVALUATION or CODE_EVALUATION task on a project or a
            /// dataset (dataset tasks need `experiment_ids`).
            #[pyo3(signature = (*, name, task_type, evaluators, project=None, dataset=None, space=None, experiment_ids=None, sampling_rate=None, is_continuous=None, query_filter=None, query_filters=None))]
            #[allow(clippy::too_many_arguments)]
            fn create_evaluation_task(
                &self,
                py: Python<'_>,
                name: String,
                task_type: String,
                evaluators: &Bound<'_, PyAny>,
                project: Option<String>,
                dataset: Option<String>,
                space: Option<String>,
                experiment_ids: Option<&Bound<'_, PyAny>>,
                sampling_rate: Option<f64>,
                is_continuous: Option<bool>,
                query_filter: Option<String>,
                query_filters: Option<&Bound<'_, PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "tasks.create_evaluation_task")?;
                let req = CreateEvaluationTask {
                    name,
                    task_type,
                    evaluators: convert::evaluators(evaluators)?,
                    project,
                    dataset,
                    space,
                    experiment_ids: convert::id_list(experiment_ids, "experiment_ids")?,
                    sampling_rate,
                    is_continuous,
                    query_filter,
                    query_filters: convert::json_opt(query_filters, "query_filters")?,
                };
                let core = self.core.clone();
                run(py, $mode, async move { tasks::create_evaluation_task(&core, &req).await }, task_to_py)
            }

            /// Creates a RUN_EXPERIMENT task on a dataset.
            #[pyo3(signature = (*, name, dataset, run_configuration, space=None))]
            fn create_run_experiment_task(
                &self,
                py: Python<'_>,
                name: String,
                dataset: String,
                run_configuration: &Bound<'_, PyAny>,
                space: Option<String>,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "tasks.create_run_experiment_task")?;
                let req = CreateRunExperimentTask {
                    name,
                    dataset,
                    run_configuration: convert::json(run_configuration, "run_configuration")?,
                    space,
                };
                let core = self.core.clone();
                run(py, $mode, async move { tasks::create_run_experiment_task(&core, &req).await }, task_to_py)
            }

            /// Updates only the fields passed; `query_filter=None` clears the filter,
            /// `evaluators` replaces the list, `run_configuration` is replaced whole.
            #[pyo3(signature = (*, task, space=None, **fields))]
            fn update(
                &self,
                py: Python<'_>,
                task: String,
                space: Option<String>,
                fields: Option<&Bound<'_, PyDict>>,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "tasks.update")?;
                let req = update_fields(fields)?;
                let core = self.core.clone();
                run(py, $mode, async move { tasks::update(&core, &task, space.as_deref(), &req).await }, task_to_py)
            }

            /// Deletes the task and its runs. Irreversible.
            #[pyo3(signature = (*, task, space=None))]
            fn delete(&self, py: Python<'_>, task: String, space: Option<String>) -> PyResult<Py<PyAny>> {
                warn::beta(py, "tasks.delete")?;
                let core = self.core.clone();
                run(py, $mode, async move { tasks::delete(&core, &task, space.as_deref()).await }, none)
            }

            /// Starts a run. With `wait=True`, waits for it to finish (see `wait_for_run`;
            /// `progress=True` shows a live progress bar while waiting).
            #[pyo3(signature = (*, task, space=None, data_start_time=None, data_end_time=None, max_spans=None, override_evaluations=None, experiment_ids=None, experiment_name=None, dataset_version_id=None, max_examples=None, example_ids=None, evaluation_task_ids=None, tracing_metadata=None, wait=false, poll_interval=5.0, timeout=600.0, on_progress=None, progress=false))]
            #[allow(clippy::too_many_arguments)]
            fn trigger_run(
                &self,
                py: Python<'_>,
                task: String,
                space: Option<String>,
                data_start_time: Option<&Bound<'_, PyAny>>,
                data_end_time: Option<&Bound<'_, PyAny>>,
                max_spans: Option<u64>,
                override_evaluations: Option<bool>,
                experiment_ids: Option<&Bound<'_, PyAny>>,
                experiment_name: Option<String>,
                dataset_version_id: Option<String>,
                max_examples: Option<u64>,
                example_ids: Option<&Bound<'_, PyAny>>,
                evaluation_task_ids: Option<&Bound<'_, PyAny>>,
                tracing_metadata: Option<std::collections::BTreeMap<String, String>>,
                wait: bool,
                poll_interval: f64,
                timeout: f64,
                on_progress: Option<Bound<'_, PyAny>>,
                #[pyo3(from_py_with = progress_flag)] progress: bool,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "tasks.trigger_run")?;
                let opts = wait_options(py, poll_interval, timeout)?;
                let req = TriggerRun {
                    data_start_time: convert::datetime_opt(data_start_time, "data_start_time")?,
                    data_end_time: convert::datetime_opt(data_end_time, "data_end_time")?,
                    max_spans,
                    override_evaluations,
                    experiment_ids: convert::id_list(experiment_ids, "experiment_ids")?,
                    experiment_name,
                    dataset_version_id,
                    max_examples,
                    example_ids: convert::id_list(example_ids, "example_ids")?,
                    evaluation_task_ids: convert::id_list(evaluation_task_ids, "evaluation_task_ids")?,
                    tracing_metadata,
                };
                // Nothing to show when not waiting.
                let progress = self::progress(py, on_progress, (wait && progress).then_some(1))?;
                let core = self.core.clone();
                run(
                    py,
                    $mode,
                    async move {
                        let started = tasks::trigger_run(&core, &task, space.as_deref(), &req).await?;
                        if !wait {
                            return Ok(started);
                        }
                        poll::wait_for_triggered(&core, started, &opts, progress).await
                    },
                    run_to_py,
                )
            }

            /// One page of a task's runs, newest first (`status` filters).
            #[pyo3(signature = (*, task, space=None, status=None, limit=50, cursor=None))]
            fn list_runs(
                &self,
                py: Python<'_>,
                task: String,
                space: Option<String>,
                status: Option<String>,
                limit: u32,
                cursor: Option<String>,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "tasks.list_runs")?;
                let p = ListRunsParams { status, limit: Some(limit), cursor };
                let core = self.core.clone();
                run(py, $mode, async move { runs::list_runs(&core, &task, space.as_deref(), &p).await }, run_page)
            }

            /// Every page of a task's runs.
            #[pyo3(signature = (*, task, space=None, status=None, limit=100))]
            fn list_runs_all(
                &self,
                py: Python<'_>,
                task: String,
                space: Option<String>,
                status: Option<String>,
                limit: u32,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "tasks.list_runs")?;
                let p = ListRunsParams { status, limit: Some(limit), cursor: None };
                run_walk(py, $mode, &self.core, |core| async move { runs::list_runs_listing(&core, &task, space.as_deref(), p).await }, run_pages)
            }

            /// A run by ID (the polling endpoint).
            #[pyo3(signature = (*, run_id))]
            fn get_run(&self, py: Python<'_>, run_id: String) -> PyResult<Py<PyAny>> {
                warn::beta(py, "tasks.get_run")?;
                let core = self.core.clone();
                run(py, $mode, async move { runs::get_run(&core, &run_id).await }, run_to_py)
            }

            /// Cancels a PENDING or RUNNING run.
            #[pyo3(signature = (*, run_id))]
            fn cancel_run(&self, py: Python<'_>, run_id: String) -> PyResult<Py<PyAny>> {
                warn::beta(py, "tasks.cancel_run")?;
                let core = self.core.clone();
                run(py, $mode, async move { runs::cancel_run(&core, &run_id).await }, run_to_py)
            }

            /// Polls a run until it is COMPLETED, FAILED or CANCELLED and returns it.
            /// Raises `RunTimeoutError` (a `TimeoutError`) after `timeout` seconds.
            /// Interrupting the wait (Ctrl-C, task cancellation) does not cancel the run.
            /// `on_progress` is called with every state seen; `progress=True` shows a live
            /// progress bar (tqdm when installed, else a line on stderr), closed when the
            /// wait ends.
            #[pyo3(signature = (*, run_id, poll_interval=5.0, timeout=600.0, on_progress=None, progress=false))]
            fn wait_for_run(
                &self,
                py: Python<'_>,
                run_id: String,
                poll_interval: f64,
                timeout: f64,
                on_progress: Option<Bound<'_, PyAny>>,
                #[pyo3(from_py_with = progress_flag)] progress: bool,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "tasks.wait_for_run")?;
                let opts = wait_options(py, poll_interval, timeout)?;
                let progress = self::progress(py, on_progress, progress.then_some(1))?;
                let core = self.core.clone();
                run(py, $mode, async move { poll::wait_for_run(&core, &run_id, &opts, progress).await }, run_to_py)
            }

            /// Waits for many runs at once (at most `max_concurrency` requests in flight)
            /// and returns them in the order given. `progress=True` shows a live progress bar
            /// of the runs finished and the count per status.
            #[pyo3(signature = (*, run_ids, poll_interval=5.0, timeout=600.0, max_concurrency=32, on_progress=None, progress=false))]
            #[allow(clippy::too_many_arguments)]
            fn wait_for_runs(
                &self,
                py: Python<'_>,
                run_ids: Vec<String>,
                poll_interval: f64,
                timeout: f64,
                max_concurrency: usize,
                on_progress: Option<Bound<'_, PyAny>>,
                #[pyo3(from_py_with = progress_flag)] progress: bool,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "tasks.wait_for_runs")?;
                let opts = wait_options(py, poll_interval, timeout)?;
                if max_concurrency == 0 {
                    return Err(validation(py, "max_concurrency", "max_concurrency must be at least 1"));
                }
                let total = progress.then(|| distinct_runs(&run_ids));
                let progress = self::progress(py, on_progress, total)?;
                let core = self.core.clone();
                run(
                    py,
                    $mode,
                    async move { poll::wait_for_runs(&core, &run_ids, &opts, max_concurrency, progress).await },
                    runs_to_py,
                )
            }

            fn __repr__(&self) -> String {
                format!("{}(base_url={:?})", $pyname, self.core.base_url())
            }
        }
    };
}

tasks_client!(TasksClient, "TasksClient", Mode::Blocking);
tasks_client!(AsyncTasksClient, "AsyncTasksClient", Mode::Async);
