//! The `ax` command line. Entry point: [`run`].
//!
//! Exit codes, as the official `ax` CLI (arize-ax-cli 0.39): 0 ok (also a declined
//! confirmation: nothing is done); 1 other errors: configuration and profiles (no API key,
//! unknown profile, bad `ARIZE_*` values), unexpected failures, and with `--exit-status` a
//! run that did not end COMPLETED; 2 usage error (bad flags or values, always before any
//! request; also a destructive command without a terminal and without `--force`); 4 API
//! error (any HTTP error answer, 401 included, a name that resolves to no or several
//! resources, network failures, a wait that timed out); 5 file I/O (an `-o` value that is
//! neither a format nor a .json/.csv/.parquet/.pq path, parquet to a terminal, the `-o`
//! file cannot be written); 130 interrupted by Ctrl-C. Exit 3 (the official CLI's OAuth
//! sign-in failures) does not occur.
//!
//! Output: results on stdout (or the `-o` file, written atomically); notices, progress,
//! next-page cursors and errors on stderr. `-o json` prints what the official CLI prints
//! for the same answer (see `shape.rs`).
//!
//! Configuration: flags (`--api-key`, `--base-url`) > environment (`ARIZE_API_KEY`,
//! `ARIZE_REGION`, `ARIZE_API_HOST`, `ARIZE_API_SCHEME`, `ARIZE_API_PORT`,
//! `ARIZE_SINGLE_HOST`, `ARIZE_SINGLE_PORT`, `ARIZE_BASE_DOMAIN`) > the profile
//! (`--profile NAME`, `AX_PROFILE`, or the active one) > defaults. The profile files (the
//! official CLI's `~/.arize/profiles/<name>.toml`, and arize-ax's older `config.toml`) are
//! described in `config.rs`; the config directory also holds `notices`, the pre-release
//! warnings already shown.
//! `ax emulator` listens on 127.0.0.1:8731 by default.

// ax-core's `Error` is large by design (see its lib.rs); it travels inside `CliError`.
#![allow(clippy::result_large_err)]

#[doc(hidden)]
pub mod cli;
mod cli_lookups;
mod cli_tasks;
mod commands;
mod config;
mod error;
mod export;
mod input;
mod output;
mod progress;
mod prompt;
mod shape;
mod table;

use std::sync::{Arc, Mutex};

use ax_core::Client;
use clap::{CommandFactory, Parser};

use cli::{Cli, Command, GlobalArgs, OutputArgs};
use config::Settings;
use error::CliError;
pub use error::{EXIT_API, EXIT_FAILURE, EXIT_FILE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE};
use output::Target;

/// What Ctrl-C reports; commands that wait on a run replace it.
static INTERRUPT_NOTE: Mutex<Option<String>> = Mutex::new(None);

/// Sets the message printed when the command is interrupted.
pub(crate) fn set_interrupt_note(note: impl Into<String>) {
    if let Ok(mut n) = INTERRUPT_NOTE.lock() {
        *n = Some(note.into());
    }
}

fn interrupt_note() -> String {
    INTERRUPT_NOTE
        .lock()
        .ok()
        .and_then(|mut n| n.take())
        .unwrap_or_else(|| "cancelled by user".into())
}

/// Per-invocation context: settings (flags, profile) and lazily built pieces.
pub(crate) struct Ctx {
    pub settings: Settings,
}

impl Ctx {
    /// Loads the settings (profile and flags); failures are configuration errors (exit 1).
    fn load(global: GlobalArgs) -> Result<Ctx, CliError> {
        let settings = Settings::load(global).map_err(CliError::into_config)?;
        Ok(Ctx { settings })
    }

    /// The output target of `-o` (or the profile's default). Checked before any request.
    pub fn target(&self, o: &OutputArgs) -> Result<Target, CliError> {
        let t = Target::parse(o.output.as_deref(), self.settings.default_output())?;
        t.check()?;
        Ok(t)
    }

    /// A client for the resolved configuration, logging requests with `--verbose`. A
    /// missing API key or an unusable setting is a configuration error (exit 1).
    pub fn client(&self) -> Result<Client, CliError> {
        let cfg = self
            .settings
            .client_config()
            .map_err(CliError::into_config)?;
        let mut client = Client::new(cfg)?;
        if self.settings.global.verbose {
            client.set_observer(Arc::new(|ev: &ax_core::RequestEvent| {
                let ms = ev.elapsed.as_secs_f64() * 1000.0;
                let outcome = match (ev.status, &ev.error) {
                    (Some(s), _) => s.to_string(),
                    (None, Some(e)) => format!("error: {e}"),
                    (None, None) => "no response".into(),
                };
                let note = match ev.rate_limit_note(std::time::Duration::ZERO) {
                    Some(n) => format!(" [{n}]"),
                    None => String::new(),
                };
                eprintln!(
                    "[http] {} {} -> {outcome} ({ms:.1} ms, attempt {}){note}",
                    ev.method, ev.url, ev.attempt
                );
            }));
        }
        Ok(client)
    }
}

/// Runs the CLI with `argv` (program name first) and returns the process exit code.
pub fn run(argv: Vec<String>) -> i32 {
    let cli = match Cli::try_parse_from(argv) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    if let Command::Completion { shell } = cli.command {
        print_completion(shell);
        return EXIT_OK;
    }
    #[cfg(feature = "emulator")]
    let foreground_server = matches!(cli.command, Command::Emulator(_));
    #[cfg(not(feature = "emulator"))]
    let foreground_server = false;
    let runtime = if foreground_server {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    let runtime = match runtime {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return EXIT_FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        if foreground_server {
            // The emulator handles Ctrl-C itself (a clean stop, exit 0).
            return dispatch(cli.global, cli.command).await;
        }
        let interrupted = async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            r = dispatch(cli.global, cli.command) => r,
            _ = interrupted => Err(CliError::Interrupted(interrupt_note())),
        }
    });
    // Do not wait for a prompt still blocked on stdin.
    runtime.shutdown_background();
    match result {
        Ok(()) => EXIT_OK,
        Err(e) => {
            if matches!(e, CliError::Interrupted(_)) {
                eprintln!();
            }
            eprintln!("{}", e.message());
            e.exit_code()
        }
    }
}

async fn dispatch(global: GlobalArgs, command: Command) -> Result<(), CliError> {
    match command {
        #[cfg(feature = "emulator")]
        Command::Emulator(args) => commands::emulator::run(args, global.verbose).await,
        Command::Profiles { command } => commands::profiles::run(global, command).await,
        Command::Spaces { command } => commands::spaces::run(&Ctx::load(global)?, command).await,
        Command::Tasks { command } => commands::tasks::run(&Ctx::load(global)?, *command).await,
        Command::Lookups(command) => commands::lookups::run(&Ctx::load(global)?, command).await,
        Command::Completion { .. } => Ok(()),
    }
}

fn print_completion(shell: cli::CompletionShell) {
    use clap_complete::{generate, Shell};
    let shell = match shell {
        cli::CompletionShell::Bash => Shell::Bash,
        cli::CompletionShell::Zsh => Shell::Zsh,
        cli::CompletionShell::Fish => Shell::Fish,
    };
    let mut cmd = Cli::command();
    generate(shell, &mut cmd, "ax", &mut std::io::stdout());
}
