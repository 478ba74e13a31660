//! Clap definitions of `ax tasks` (API.md §6.3 plus the drop-in extras listed there).

use clap::{Args, Subcommand};

use crate::cli::{OutputArgs, PageArgs};

/// `--is-continuous / --no-continuous`.
#[derive(Debug, Clone, Default, Args)]
pub struct ContinuousArgs {
    /// Run the task continuously on incoming data (project evaluation tasks only)
    #[arg(long, overrides_with = "no_continuous")]
    pub is_continuous: bool,
    /// Do not run the task continuously
    #[arg(long, overrides_with = "is_continuous")]
    pub no_continuous: bool,
}

impl ContinuousArgs {
    /// `Some(true)`, `Some(false)` or `None` when neither flag was given.
    pub fn value(&self) -> Option<bool> {
        match (self.is_continuous, self.no_continuous) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

/// Options shared by `create` and `create-evaluation`.
#[derive(Debug, Clone, Args)]
pub struct EvalTaskArgs {
    /// JSON array of evaluators (inline or @file.json), e.g.
    /// '[{"evaluator_id": "...", "query_filter": null, "column_mappings": null}]'
    #[arg(long, value_name = "JSON")]
    pub evaluators: Option<String>,
    /// Project name or ID (exclusive with --dataset)
    #[arg(long)]
    pub project: Option<String>,
    /// Dataset name or ID (exclusive with --project)
    #[arg(long)]
    pub dataset: Option<String>,
    /// Space name or ID (needed to resolve project/dataset names)
    #[arg(short, long)]
    pub space: Option<String>,
    /// Comma-separated experiment IDs (required for dataset-based evaluation tasks)
    #[arg(long, value_name = "A,B")]
    pub experiment_ids: Option<String>,
    /// Fraction of data to evaluate, 0-1 (project tasks only)
    #[arg(long, value_name = "RATE", allow_negative_numbers = true)]
    pub sampling_rate: Option<f64>,
    #[command(flatten)]
    pub continuous: ContinuousArgs,
    /// Task-level query filter
    #[arg(long, value_name = "FILTER")]
    pub query_filter: Option<String>,
}

/// `--poll-interval`, `--timeout` and `--exit-status`.
#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    /// Seconds between polls
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 5.0,
        allow_negative_numbers = true
    )]
    pub poll_interval: f64,
    /// Maximum seconds to wait
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 600.0,
        allow_negative_numbers = true
    )]
    pub timeout: f64,
    /// Exit 1 unless the run ends COMPLETED (by default a FAILED or CANCELLED run is
    /// printed and the exit code is 0, as in the official CLI)
    #[arg(long)]
    pub exit_status: bool,
}

#[derive(Debug, Subcommand)]
pub enum TasksCommand {
    /// List tasks
    List {
        /// Space name or ID
        #[arg(short, long)]
        space: Option<String>,
        /// Project name or ID
        #[arg(long)]
        project: Option<String>,
        /// Dataset name or ID
        #[arg(long)]
        dataset: Option<String>,
        /// Case-insensitive substring filter on the task name
        #[arg(short, long)]
        name: Option<String>,
        /// template_evaluation, code_evaluation or run_experiment (any case)
        #[arg(long, value_name = "TYPE")]
        task_type: Option<String>,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Create a task; dispatches on --task-type
    Create {
        /// Task name, unique within the space (prompted if omitted)
        #[arg(short, long)]
        name: Option<String>,
        /// template_evaluation, code_evaluation or run_experiment (prompted if omitted)
        #[arg(long, value_name = "TYPE")]
        task_type: Option<String>,
        #[command(flatten)]
        eval: EvalTaskArgs,
        /// Run configuration JSON object (inline or @file.json; run_experiment only)
        #[arg(long, value_name = "JSON")]
        run_configuration: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Create an evaluation task (template_evaluation or code_evaluation)
    CreateEvaluation {
        /// Task name, unique within the space (prompted if omitted)
        #[arg(short, long)]
        name: Option<String>,
        /// template_evaluation or code_evaluation (prompted if omitted)
        #[arg(long, value_name = "TYPE")]
        task_type: Option<String>,
        #[command(flatten)]
        eval: EvalTaskArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Create a run_experiment task
    CreateRunExperiment {
        /// Task name, unique within the space (prompted if omitted)
        #[arg(short, long)]
        name: Option<String>,
        /// Dataset name or ID (prompted if omitted)
        #[arg(long)]
        dataset: Option<String>,
        /// Run configuration JSON object (inline or @file.json; prompted if omitted)
        #[arg(long, value_name = "JSON")]
        run_configuration: Option<String>,
        /// Space name or ID (needed to resolve a dataset name)
        #[arg(short, long)]
        space: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Get a task by ID (or by name with --space)
    Get {
        /// Task ID, or name with --space
        task: String,
        /// Space name or ID (to resolve a task name)
        #[arg(short, long)]
        space: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Update mutable fields of a task
    Update {
        /// Task ID, or name with --space
        task: String,
        /// Space name or ID (to resolve a task name)
        #[arg(short, long)]
        space: Option<String>,
        /// New task name
        #[arg(short, long)]
        name: Option<String>,
        /// Sampling rate 0-1 (evaluation tasks)
        #[arg(long, value_name = "RATE", allow_negative_numbers = true)]
        sampling_rate: Option<f64>,
        #[command(flatten)]
        continuous: ContinuousArgs,
        /// Task-level query filter ("" clears it)
        #[arg(long, value_name = "FILTER")]
        query_filter: Option<String>,
        /// JSON array replacing the evaluator list (evaluation tasks)
        #[arg(long, value_name = "JSON")]
        evaluators: Option<String>,
        /// JSON object replacing the run configuration (run_experiment tasks)
        #[arg(long, value_name = "JSON")]
        run_configuration: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Delete a task (irreversible)
    Delete {
        /// Task ID, or name with --space
        task: String,
        /// Space name or ID (to resolve a task name)
        #[arg(short, long)]
        space: Option<String>,
        /// Skip the confirmation prompt
        #[arg(short, long)]
        force: bool,
    },
    /// Trigger a run of a task
    TriggerRun(Box<TriggerRunArgs>),
    /// List the runs of a task
    ListRuns {
        /// Task ID
        task: String,
        /// pending, running, completed, failed or cancelled (any case)
        #[arg(long)]
        status: Option<String>,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Get a task run by ID
    GetRun {
        /// Task run ID
        run_id: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Cancel a pending or running task run
    CancelRun {
        /// Task run ID
        run_id: String,
        /// Skip the confirmation prompt
        #[arg(short, long)]
        force: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Wait until a task run is COMPLETED, FAILED or CANCELLED and print it
    WaitForRun {
        /// Task run ID
        run_id: String,
        #[command(flatten)]
        wait: WaitArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// `ax tasks trigger-run`.
#[derive(Debug, Args)]
pub struct TriggerRunArgs {
    /// Task ID
    pub task: String,
    /// ISO 8601 start of the data window, UTC if no offset (evaluation tasks)
    #[arg(long, value_name = "TIME")]
    pub data_start_time: Option<String>,
    /// ISO 8601 end of the data window (defaults to now when a start is given)
    #[arg(long, value_name = "TIME")]
    pub data_end_time: Option<String>,
    /// Maximum number of spans to process (evaluation tasks; server default 10000)
    #[arg(long, value_name = "N")]
    pub max_spans: Option<u64>,
    /// Re-evaluate data that already has labels
    #[arg(long, overrides_with = "no_override_evaluations")]
    pub override_evaluations: bool,
    /// Do not re-evaluate labelled data
    #[arg(long, overrides_with = "override_evaluations")]
    pub no_override_evaluations: bool,
    /// Comma-separated experiment IDs (dataset-based evaluation tasks)
    #[arg(long, value_name = "A,B")]
    pub experiment_ids: Option<String>,
    /// Name of the experiment to create (required for run_experiment tasks)
    #[arg(long)]
    pub experiment_name: Option<String>,
    /// Dataset version ID (run_experiment; default: latest)
    #[arg(long, value_name = "ID")]
    pub dataset_version_id: Option<String>,
    /// Run at most N examples (run_experiment; exclusive with --example-ids)
    #[arg(long, value_name = "N", conflicts_with = "example_ids")]
    pub max_examples: Option<u64>,
    /// Comma-separated dataset example IDs (run_experiment)
    #[arg(long, value_name = "A,B")]
    pub example_ids: Option<String>,
    /// Comma-separated evaluation task IDs to trigger after the experiment (run_experiment)
    #[arg(long, value_name = "A,B")]
    pub evaluation_task_ids: Option<String>,
    /// JSON object of string key/values attached to traces (inline or @file.json)
    #[arg(long, value_name = "JSON")]
    pub tracing_metadata: Option<String>,
    /// Wait for the run to reach a terminal state
    #[arg(short, long)]
    pub wait: bool,
    #[command(flatten)]
    pub wait_args: WaitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}
