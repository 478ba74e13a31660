//! `ax tasks` (API.md §6.3). Every option is parsed and checked before the first request.

use std::time::Duration;

use ax_core::api::runs::{self, ListRunsParams};
use ax_core::api::tasks::{
    self, CreateEvaluationTask, CreateRunExperimentTask, CreateTask, ListTasksParams, TriggerRun,
    UpdateTask,
};
use ax_core::model::{Patch, TaskRun, TaskRunStatus, TaskType};
use ax_core::poll::{wait_for_run, wait_for_triggered, WaitOptions};
use ax_core::Client;

use super::spaces::page_size;
use super::{confirmed, notices};
use crate::cli_tasks::{EvalTaskArgs, TasksCommand, TriggerRunArgs, WaitArgs};
use crate::error::CliError;
use crate::output::{self, Target, View};
use crate::progress::RunProgress;
use crate::table::{col, col_as, Kind};
use crate::{input, prompt, set_interrupt_note, Ctx};

/// Tasks: lists and single objects share ax-core's Arrow schema.
const TASK_VIEW: View = View {
    collection: "tasks",
    columns: &[
        col("name", Kind::Text),
        col("id", Kind::Id),
        col("type", Kind::Id),
        col("last_run_at", Kind::Time),
        col("evaluators", Kind::Names("evaluator_name")),
    ],
    decode: Some(ax_core::table::decode_tasks_page),
};

/// Task runs.
const RUN_VIEW: View = View {
    collection: "task_runs",
    columns: &[
        col("id", Kind::Id),
        col("status", Kind::Id),
        col("created_at", Kind::Time),
        col_as("num_successes", "ok", Kind::Id),
        col_as("num_errors", "err", Kind::Id),
        col_as("num_skipped", "skip", Kind::Id),
        col("failure_reason", Kind::Text),
    ],
    decode: Some(ax_core::table::decode_task_runs_page),
};

/// Parsed `--evaluators`, `--experiment-ids`, `--sampling-rate`… of the create commands.
struct EvalOptions {
    evaluators: Option<Vec<ax_core::model::TaskEvaluatorInput>>,
    project: Option<String>,
    dataset: Option<String>,
    space: Option<String>,
    experiment_ids: Option<Vec<String>>,
    sampling_rate: Option<f64>,
    is_continuous: Option<bool>,
    query_filter: Option<String>,
}

fn eval_options(a: EvalTaskArgs) -> Result<EvalOptions, CliError> {
    Ok(EvalOptions {
        evaluators: a
            .evaluators
            .as_deref()
            .map(|raw| input::evaluators("--evaluators", raw))
            .transpose()?,
        experiment_ids: input::ids(a.experiment_ids.as_deref()),
        sampling_rate: input::sampling_rate(a.sampling_rate)?,
        is_continuous: a.continuous.value(),
        project: a.project,
        dataset: a.dataset,
        space: a.space,
        query_filter: a.query_filter,
    })
}

fn task_type(raw: &str) -> Result<TaskType, CliError> {
    Ok(TaskType::parse(raw)?)
}

fn wait_options(w: &WaitArgs) -> Result<WaitOptions, CliError> {
    for (flag, v) in [
        ("--poll-interval", w.poll_interval),
        ("--timeout", w.timeout),
    ] {
        if !(v.is_finite() && v > 0.0) {
            return Err(CliError::Usage(format!(
                "invalid value for {flag}: must be a positive number of seconds, got {v}"
            )));
        }
    }
    Ok(WaitOptions {
        poll_interval: Duration::from_secs_f64(w.poll_interval),
        timeout: Duration::from_secs_f64(w.timeout),
    })
}

pub async fn run(ctx: &Ctx, command: TasksCommand) -> Result<(), CliError> {
    notices::tasks_alpha();
    match command {
        TasksCommand::List {
            space,
            project,
            dataset,
            name,
            task_type: tt,
            page,
            output,
        } => {
            let target = ctx.target(&output)?;
            if let Some(t) = &tt {
                task_type(t)?;
            }
            let client = ctx.client()?;
            let params = ListTasksParams {
                space,
                name,
                project,
                dataset,
                task_type: tt,
                limit: Some(page_size(page.limit, page.all)),
                cursor: page.cursor,
            };
            let pages = if page.all {
                tasks::list_all(&client, params).await?
            } else {
                vec![tasks::list(&client, &params).await?]
            };
            output::list(&target, &TASK_VIEW, &pages, page.all)
        }
        TasksCommand::Create {
            name,
            task_type: tt,
            eval,
            run_configuration,
            output,
        } => {
            let target = ctx.target(&output)?;
            let eval = eval_options(eval)?;
            let run_configuration = run_configuration
                .as_deref()
                .map(|raw| input::object("--run-configuration", raw))
                .transpose()?;
            let client = ctx.client()?;
            let name = prompt::required(name, "--name", "Task name").await?;
            let tt = prompt::required(
                tt,
                "--task-type",
                "Task type (template_evaluation, code_evaluation, run_experiment)",
            )
            .await?;
            task_type(&tt)?;
            let req = CreateTask {
                name,
                task_type: tt,
                evaluators: eval.evaluators,
                run_configuration,
                project: eval.project,
                dataset: eval.dataset,
                space: eval.space,
                experiment_ids: eval.experiment_ids,
                sampling_rate: eval.sampling_rate,
                is_continuous: eval.is_continuous,
                query_filter: eval.query_filter,
                query_filters: None,
            };
            let task = tasks::create(&client, &req).await?;
            eprintln!("Task '{}' created.", task.name);
            output::object(&target, &TASK_VIEW, &task)
        }
        TasksCommand::CreateEvaluation {
            name,
            task_type: tt,
            eval,
            output,
        } => {
            let target = ctx.target(&output)?;
            let eval = eval_options(eval)?;
            if let Some(t) = &tt {
                if task_type(t)? == TaskType::RunExperiment {
                    return Err(CliError::Usage(
                        "--task-type run_experiment is not valid here; use `ax tasks create-run-experiment`".into(),
                    ));
                }
            }
            let client = ctx.client()?;
            let name = prompt::required(name, "--name", "Task name").await?;
            let tt = prompt::required(
                tt,
                "--task-type",
                "Task type (template_evaluation, code_evaluation)",
            )
            .await?;
            if task_type(&tt)? == TaskType::RunExperiment {
                return Err(CliError::Usage(
                    "--task-type run_experiment is not valid here; use `ax tasks create-run-experiment`".into(),
                ));
            }
            let Some(evaluators) = eval.evaluators else {
                return Err(CliError::Usage(
                    "missing required option '--evaluators'".into(),
                ));
            };
            let req = CreateEvaluationTask {
                name,
                task_type: tt,
                evaluators,
                project: eval.project,
                dataset: eval.dataset,
                space: eval.space,
                experiment_ids: eval.experiment_ids,
                sampling_rate: eval.sampling_rate,
                is_continuous: eval.is_continuous,
                query_filter: eval.query_filter,
                query_filters: None,
            };
            let task = tasks::create_evaluation_task(&client, &req).await?;
            eprintln!("Task '{}' created.", task.name);
            output::object(&target, &TASK_VIEW, &task)
        }
        TasksCommand::CreateRunExperiment {
            name,
            dataset,
            run_configuration,
            space,
            output,
        } => {
            let target = ctx.target(&output)?;
            let mut run_configuration = run_configuration
                .as_deref()
                .map(|raw| input::object("--run-configuration", raw))
                .transpose()?;
            let client = ctx.client()?;
            let name = prompt::required(name, "--name", "Task name").await?;
            let dataset = prompt::required(dataset, "--dataset", "Dataset name or ID").await?;
            if run_configuration.is_none() {
                let raw = prompt::required(
                    None,
                    "--run-configuration",
                    "Run configuration (JSON or @file.json)",
                )
                .await?;
                run_configuration = Some(input::object("--run-configuration", &raw)?);
            }
            let req = CreateRunExperimentTask {
                name,
                dataset,
                run_configuration: run_configuration.unwrap_or_default(),
                space,
            };
            let task = tasks::create_run_experiment_task(&client, &req).await?;
            eprintln!("Task '{}' created.", task.name);
            output::object(&target, &TASK_VIEW, &task)
        }
        TasksCommand::Get {
            task,
            space,
            output,
        } => {
            let target = ctx.target(&output)?;
            let client = ctx.client()?;
            let task = tasks::get(&client, &task, space.as_deref()).await?;
            output::object(&target, &TASK_VIEW, &task)
        }
        TasksCommand::Update {
            task,
            space,
            name,
            sampling_rate,
            continuous,
            query_filter,
            evaluators,
            run_configuration,
            output,
        } => {
            let target = ctx.target(&output)?;
            let req = UpdateTask {
                name,
                sampling_rate: input::sampling_rate(sampling_rate)?,
                is_continuous: continuous.value(),
                query_filter: match query_filter {
                    None => Patch::Unset,
                    Some(f) if f.is_empty() => Patch::Null,
                    Some(f) => Patch::Value(f),
                },
                query_filters: Patch::Unset,
                evaluators: evaluators
                    .as_deref()
                    .map(|raw| input::evaluators("--evaluators", raw))
                    .transpose()?,
                run_configuration: run_configuration
                    .as_deref()
                    .map(|raw| input::object("--run-configuration", raw))
                    .transpose()?,
            };
            let nothing = req.name.is_none()
                && req.sampling_rate.is_none()
                && req.is_continuous.is_none()
                && req.query_filter.is_unset()
                && req.evaluators.is_none()
                && req.run_configuration.is_none();
            if nothing {
                return Err(CliError::Usage(
                    "provide at least one field to update (--name, --sampling-rate, --is-continuous/--no-continuous, --query-filter, --evaluators, --run-configuration)".into(),
                ));
            }
            let client = ctx.client()?;
            let task = tasks::update(&client, &task, space.as_deref(), &req).await?;
            eprintln!("Task '{}' updated.", task.name);
            output::object(&target, &TASK_VIEW, &task)
        }
        TasksCommand::Delete { task, space, force } => {
            let client = ctx.client()?;
            if !force
                && !confirmed(prompt::confirm(
                    "delete a task",
                    &format!(
                        "this permanently deletes task '{task}', its configuration and its runs"
                    ),
                    "Task not deleted.",
                ))
                .await?
            {
                return Ok(());
            }
            tasks::delete(&client, &task, space.as_deref()).await?;
            eprintln!("Task '{task}' deleted.");
            Ok(())
        }
        TasksCommand::TriggerRun(args) => trigger(ctx, *args).await,
        TasksCommand::ListRuns {
            task,
            status,
            page,
            output,
        } => {
            let target = ctx.target(&output)?;
            if let Some(s) = &status {
                TaskRunStatus::parse(s)?;
            }
            let client = ctx.client()?;
            let params = ListRunsParams {
                status,
                limit: Some(page_size(page.limit, page.all)),
                cursor: page.cursor,
            };
            let pages = if page.all {
                runs::list_runs_all(&client, &task, None, params).await?
            } else {
                vec![runs::list_runs(&client, &task, None, &params).await?]
            };
            output::list(&target, &RUN_VIEW, &pages, page.all)
        }
        TasksCommand::GetRun { run_id, output } => {
            let target = ctx.target(&output)?;
            let client = ctx.client()?;
            let run = runs::get_run(&client, &run_id).await?;
            output::object(&target, &RUN_VIEW, &run)
        }
        TasksCommand::CancelRun {
            run_id,
            force,
            output,
        } => {
            let target = ctx.target(&output)?;
            let client = ctx.client()?;
            if !force
                && !confirmed(prompt::confirm(
                    "cancel a task run",
                    &format!("this cancels task run '{run_id}'"),
                    "Task run not cancelled.",
                ))
                .await?
            {
                return Ok(());
            }
            let run = runs::cancel_run(&client, &run_id).await?;
            eprintln!("Task run '{run_id}' cancelled.");
            output::object(&target, &RUN_VIEW, &run)
        }
        TasksCommand::WaitForRun {
            run_id,
            wait,
            output,
        } => {
            let target = ctx.target(&output)?;
            let opts = wait_options(&wait)?;
            let client = ctx.client()?;
            let run = wait_and_report(&client, WaitFor::Id(&run_id), &opts).await?;
            finish(&target, run, wait.exit_status)
        }
    }
}

async fn trigger(ctx: &Ctx, a: TriggerRunArgs) -> Result<(), CliError> {
    let target = ctx.target(&a.output)?;
    let defaults = a.wait_args.poll_interval == 5.0 && a.wait_args.timeout == 600.0;
    if !a.wait && !defaults {
        eprintln!("warning: --poll-interval and --timeout have no effect without --wait");
    }
    if !a.wait && a.wait_args.exit_status {
        eprintln!("warning: --exit-status has no effect without --wait");
    }
    let opts = wait_options(&a.wait_args)?;
    let experiment_ids = input::ids(a.experiment_ids.as_deref());
    let mut start = a
        .data_start_time
        .as_deref()
        .map(|t| input::time("--data-start-time", t))
        .transpose()?;
    let mut end = a
        .data_end_time
        .as_deref()
        .map(|t| input::time("--data-end-time", t))
        .transpose()?;
    if experiment_ids.is_some() && (start.is_some() || end.is_some()) {
        eprintln!("warning: --data-start-time and --data-end-time are ignored when --experiment-ids is given");
        start = None;
        end = None;
    }
    let req = TriggerRun {
        data_start_time: start,
        data_end_time: end,
        max_spans: a.max_spans,
        override_evaluations: match (a.override_evaluations, a.no_override_evaluations) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        experiment_ids,
        experiment_name: a.experiment_name,
        dataset_version_id: a.dataset_version_id,
        max_examples: a.max_examples,
        example_ids: input::ids(a.example_ids.as_deref()),
        evaluation_task_ids: input::ids(a.evaluation_task_ids.as_deref()),
        tracing_metadata: a
            .tracing_metadata
            .as_deref()
            .map(|raw| input::string_map("--tracing-metadata", raw))
            .transpose()?,
    };
    let client = ctx.client()?;
    let run = tasks::trigger_run(&client, &a.task, None, &req).await?;
    eprintln!("Triggered run {} of task '{}'.", run.id, a.task);
    if !a.wait {
        return output::object(&target, &RUN_VIEW, &run);
    }
    let run = wait_and_report(&client, WaitFor::Triggered(run), &opts).await?;
    finish(&target, run, a.wait_args.exit_status)
}

/// The run a wait is for: an ID, or a run just triggered (its state is the first one seen).
enum WaitFor<'a> {
    Id(&'a str),
    Triggered(TaskRun),
}

async fn wait_and_report(
    client: &Client,
    what: WaitFor<'_>,
    opts: &WaitOptions,
) -> Result<TaskRun, CliError> {
    let run_id = match &what {
        WaitFor::Id(id) => (*id).to_owned(),
        WaitFor::Triggered(run) => run.id.clone(),
    };
    set_interrupt_note(format!(
        "stopped waiting; run {run_id} continues on the server"
    ));
    let progress = RunProgress::new(client);
    let callback = Some(progress.callback(&run_id));
    let result = match what {
        WaitFor::Id(id) => wait_for_run(client, id, opts, callback).await,
        WaitFor::Triggered(run) => wait_for_triggered(client, run, opts, callback).await,
    };
    progress.finish();
    Ok(result?)
}

/// Writes the final run. A FAILED or CANCELLED run is reported on stderr; it is a failure
/// (exit 1) only with `--exit-status` (the official CLI exits 0).
fn finish(target: &Target, run: TaskRun, exit_status: bool) -> Result<(), CliError> {
    output::object(target, &RUN_VIEW, &run)?;
    if run.status == TaskRunStatus::Completed {
        return Ok(());
    }
    let reason = run
        .failure_reason
        .as_deref()
        .map(|r| format!(": {r}"))
        .unwrap_or_default();
    let message = format!("task run {} ended {}{reason}", run.id, run.status.as_str());
    if exit_status {
        Err(CliError::Failed(message))
    } else {
        eprintln!("{message}");
        Ok(())
    }
}
