//! Command-line definitions (clap). Names, short flags and defaults follow API.md §6.1–6.3.

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::cli_lookups::LookupCommand;
use crate::cli_tasks::TasksCommand;

const AFTER_HELP: &str = "\
Connection: --api-key / --base-url flags, then the environment (ARIZE_API_KEY, ARIZE_REGION,
ARIZE_API_HOST, ARIZE_API_SCHEME, ARIZE_API_PORT, ARIZE_SINGLE_HOST, ARIZE_SINGLE_PORT,
ARIZE_BASE_DOMAIN), then the profile (--profile, AX_PROFILE or the active one; the official
CLI's ~/.arize/profiles, see `ax profiles`).
Exit codes (as the official ax CLI): 0 ok (also a declined confirmation), 1 other errors
(configuration, profiles, no API key; with --exit-status a run not COMPLETED), 2 usage error,
4 API error (any HTTP error incl. 401, name not found or ambiguous, network, wait timeout),
5 file I/O (-o value or file), 130 interrupted.";

/// `ax`: the Arize AX command line (spaces, tasks, the read-only lookups, profiles, local
/// emulator).
#[derive(Debug, Parser)]
#[command(
    name = "ax",
    version,
    about = "Arize AX command line: spaces, tasks, organizations, users, projects, datasets, experiments, evaluators, AI integrations, profiles and a local emulator",
    after_help = AFTER_HELP,
    propagate_version = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags accepted by every command.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// API key (default: ARIZE_API_KEY, then the profile). Never printed.
    #[arg(long, global = true, value_name = "KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// API root, e.g. http://127.0.0.1:8731 (a trailing /v2 is accepted).
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Profile to use instead of the active one (default: AX_PROFILE, then the active
    /// profile). Official profiles (~/.arize/profiles) and the older config.toml are read.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Log every HTTP request (method, URL, status, time, attempt, rate-limit waits) to
    /// stderr.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Send at most this many requests per second (default:
    /// ARIZE_MAX_REQUESTS_PER_SECOND, else no limit until the server sets one).
    #[arg(long, global = true, value_name = "RPS", value_parser = requests_per_second)]
    pub max_requests_per_second: Option<f64>,
}

/// `--max-requests-per-second`: above 0 and at most
/// [`ax_core::config::MAX_REQUESTS_PER_SECOND`].
fn requests_per_second(text: &str) -> Result<f64, String> {
    let max = ax_core::config::MAX_REQUESTS_PER_SECOND;
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= max => Ok(v),
        _ => Err(format!(
            "must be a number of requests per second above 0 and at most {max}"
        )),
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage spaces [BETA]
    Spaces {
        #[command(subcommand)]
        command: SpacesCommand,
    },
    /// Manage evaluation tasks and their runs [ALPHA]
    Tasks {
        #[command(subcommand)]
        command: Box<TasksCommand>,
    },
    /// The read-only groups: organizations, users, projects, datasets, experiments,
    /// evaluators, ai-integrations (declared in `commands::lookup_groups`).
    #[command(flatten)]
    Lookups(LookupCommand),
    /// Manage connection profiles (~/.arize/profiles, shared with the official CLI)
    Profiles {
        #[command(subcommand)]
        command: ProfilesCommand,
    },
    /// Run the bundled API emulator in the foreground (Ctrl-C stops it)
    #[cfg(feature = "emulator")]
    #[command(alias = "mock-server")]
    Emulator(EmulatorArgs),
    /// Print a shell completion script
    Completion {
        #[arg(value_enum)]
        shell: CompletionShell,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

/// `-o/--output`.
#[derive(Debug, Clone, Default, Args)]
pub struct OutputArgs {
    /// Output format (table, json, csv, parquet) or a file path whose extension picks it
    /// (.json, .csv, .parquet, .pq). Default: the profile's format, else table.
    #[arg(short, long, value_name = "FORMAT|FILE")]
    pub output: Option<String>,
}

/// `--limit`, `--cursor`, `--all` of list commands.
#[derive(Debug, Clone, Default, Args)]
pub struct PageArgs {
    /// Maximum number of items to return (1-100) [default: 15; 100 per page with --all]
    #[arg(short, long, value_name = "N")]
    pub limit: Option<u32>,
    /// Pagination cursor for the next page
    #[arg(short, long, value_name = "CURSOR", conflicts_with = "all")]
    pub cursor: Option<String>,
    /// Follow every page
    #[arg(long)]
    pub all: bool,
}

/// Default `--limit` of list commands.
pub const DEFAULT_LIMIT: u32 = 15;

#[derive(Debug, Subcommand)]
pub enum SpacesCommand {
    /// List spaces
    List {
        /// Organization ID (or name) to filter spaces
        #[arg(long, value_name = "ID")]
        organization_id: Option<String>,
        /// Case-insensitive substring filter on the space name
        #[arg(long, value_name = "TEXT")]
        name: Option<String>,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Create a new space
    Create {
        /// Space name (prompted if omitted)
        #[arg(short, long)]
        name: Option<String>,
        /// Organization ID or name (prompted if omitted)
        #[arg(long, value_name = "ID")]
        organization_id: Option<String>,
        /// Space description
        #[arg(long)]
        description: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Get a space by name or ID
    Get {
        /// Space name or ID
        name_or_id: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Update a space by name or ID
    Update {
        /// Space name or ID
        name_or_id: String,
        /// New space name
        #[arg(short, long)]
        name: Option<String>,
        /// New space description ("" clears it)
        #[arg(long)]
        description: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Delete a space and all resources within it (irreversible)
    Delete {
        /// Space name or ID
        name_or_id: String,
        /// Skip the confirmation prompt
        #[arg(short, long)]
        force: bool,
    },
    /// Add a user to a space, or change their role [ALPHA]
    AddUser {
        /// Space name or ID
        space: String,
        /// Global ID of the user to add (prompted if omitted)
        #[arg(long, value_name = "ID")]
        user_id: Option<String>,
        /// Space role: admin, member, read-only, annotator (any case; prompted if omitted)
        #[arg(short, long)]
        role: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Remove a user from a space [ALPHA]
    RemoveUser {
        /// Space name or ID
        space: String,
        /// Global ID of the user to remove (prompted if omitted)
        #[arg(long, value_name = "ID")]
        user_id: Option<String>,
        /// Skip the confirmation prompt
        #[arg(short, long)]
        force: bool,
    },
}

/// The profile fields `ax profiles create` and `update` take (the official CLI's flags).
/// The key comes from the global `--api-key`; the global `--base-url` becomes
/// `single_host`/`single_port`/`api_scheme`.
#[derive(Debug, Clone, Default, Args)]
pub struct ProfileFields {
    /// TOML file in the official profile format to load values from (flags override it)
    #[arg(short = 'f', long, value_name = "FILE")]
    pub from_file: Option<std::path::PathBuf>,
    /// Store a reference to this environment variable (`${VAR}`) instead of the key
    #[arg(long, value_name = "VAR", conflicts_with = "api_key")]
    pub api_key_env: Option<String>,
    /// Routing region: us-central-1a, us-east-1b, ca-central-1a, eu-west-1a, or US, CA, EU
    #[arg(long)]
    pub region: Option<String>,
    /// Single endpoint host for on-prem deployments (e.g. arize.example.com)
    #[arg(long, value_name = "HOST")]
    pub single_host: Option<String>,
    /// Single endpoint port for on-prem deployments (e.g. 443)
    #[arg(long, value_name = "PORT")]
    pub single_port: Option<String>,
    /// Default output format: table, json, csv, parquet
    #[arg(long, value_name = "FORMAT")]
    pub output_format: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ProfilesCommand {
    /// Create a profile in the official format (~/.arize/profiles/NAME.toml) and make it
    /// the active one. Takes the global --api-key (prompted on a terminal when missing).
    Create {
        /// Profile name (letters, digits, '-', '_'; prompted on a terminal when omitted)
        name: Option<String>,
        #[command(flatten)]
        fields: ProfileFields,
        /// Authentication method: api-key (oauth is not supported by arize-ax)
        #[arg(long, value_name = "METHOD", value_parser = ["api-key", "oauth"])]
        auth_method: Option<String>,
        /// Replace an existing profile of that name (in either profile file)
        #[arg(long)]
        force: bool,
    },
    /// Update a profile (default: the active one): only the given fields change; with
    /// --from-file the file replaces the profile (flags on top)
    Update {
        /// Profile name (default: the active profile)
        name: Option<String>,
        #[command(flatten)]
        fields: ProfileFields,
    },
    /// Check a profile (default: the active one), its ${VAR} references expanded
    Validate {
        /// Profile name (default: the active profile)
        name: Option<String>,
    },
    /// Show a profile (default: the active one). The key is masked unless it is a ${VAR}
    /// reference
    Show {
        /// Profile name
        name: Option<String>,
        /// Show every setting, the defaults included
        #[arg(long)]
        all: bool,
        /// Expand ${VAR} references
        #[arg(long)]
        expand: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List profiles (both files), the active one marked
    List {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Make a profile the active one
    Use {
        /// Profile name
        name: String,
    },
    /// Delete a profile (not the active one)
    Delete {
        /// Profile name
        name: String,
        /// Skip the confirmation prompt
        #[arg(short, long)]
        force: bool,
    },
}

#[cfg(feature = "emulator")]
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum SeedArg {
    Demo,
    None,
}

/// `ax emulator`.
#[cfg(feature = "emulator")]
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Port to listen on (0 = any free port)
    #[arg(long, default_value_t = 8731)]
    pub port: u16,
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Initial data: demo (organizations, users with every role, spaces) or none
    #[arg(long, value_enum, default_value = "demo")]
    pub seed: SeedArg,
    /// Accept enum values in any case (faithful: upper case only)
    #[arg(long)]
    pub lenient: bool,
    /// Serve the unauthenticated /_emulator control routes (reset, faults, keys, ...);
    /// off by default
    #[arg(long)]
    pub control: bool,
    /// Obsolete: the control routes are off unless --control is given
    #[arg(long, hide = true, conflicts_with = "control")]
    pub no_control: bool,
    /// Serve HTTPS (HTTP/2 and HTTP/1.1) with a certificate signed by a CA generated at
    /// start; the CA is written to a file (see --ca-file) for ARIZE_SSL_CA_CERT
    #[arg(long)]
    pub tls: bool,
    /// With --tls: where to write the CA certificate (PEM) [default: a file in the
    /// temporary directory, removed on exit]
    #[arg(long, value_name = "FILE", requires = "tls")]
    pub ca_file: Option<std::path::PathBuf>,
    /// Simulate a network: hold every API answer back by MS milliseconds (a round trip),
    /// ± up to JITTER at random, and each new connection by one round trip more (two with
    /// --tls); at most 10000 ms
    #[arg(long, value_name = "MS[:JITTER]", value_parser = ax_emulator::Latency::parse)]
    pub latency: Option<ax_emulator::Latency>,
    /// Simulate the API's rate limit: a token bucket per API key refilled at RPS requests
    /// per second and holding up to BURST [default: RPS rounded up]; requests beyond it get
    /// 429 with Retry-After. RPS above 0 and at most 100000, BURST from 1 to 1000000
    #[arg(long, value_name = "RPS[:BURST]", value_parser = ax_emulator::RateLimit::parse)]
    pub rate_limit: Option<ax_emulator::RateLimit>,
    /// With --rate-limit: one bucket per API key and route (method and route template,
    /// e.g. GET /v2/spaces/{space_id}) instead of one per key
    #[arg(long, requires = "rate_limit")]
    pub rate_limit_per_route: bool,
}
