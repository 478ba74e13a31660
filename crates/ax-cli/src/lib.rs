//! The `ax` command line. Entry point: [`run`].
//!
//! Exit codes: 0 ok, 1 API or run failure (and declined confirmations), 2 usage error
//! (always before any request), 130 interrupted by Ctrl-C.
//!
//! Output: results on stdout (or the `-o` file, written atomically); notices, progress,
//! next-page cursors and errors on stderr.
//!
//! Configuration: flags (`--api-key`, `--base-url`) > environment (`ARIZE_API_KEY`,
//! `ARIZE_REGION`, `ARIZE_API_HOST`, `ARIZE_API_SCHEME`, `ARIZE_API_PORT`) > the profile
//! (`--profile NAME`, `AX_PROFILE`, or the active one) > defaults. Profiles live in
//! `config.toml` in `$AX_CONFIG_DIR`, else `$XDG_CONFIG_HOME/arize-ax`, else
//! `~/.config/arize-ax` (mode 0600), e.g.:
//!
//! ```toml
//! active = "local"
//!
//! [profiles.local]
//! api_key = "emulator-admin-key"        # or: api_key_env = "MY_KEY_VARIABLE"
//! base_url = "http://127.0.0.1:8731"    # or: region = "eu-west-1a" / host, scheme, port
//! output = "table"                      # default -o: table, json, csv or parquet
//! ```
//!
//! The same directory holds `notices`, the pre-release warnings already shown.
//! `ax emulator` listens on 127.0.0.1:8731 by default.

// ax-core's `Error` is large by design (see its lib.rs); it travels inside `CliError`.
#![allow(clippy::result_large_err)]

mod cli;
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
mod table;

use std::sync::{Arc, Mutex};

use ax_core::Client;
use clap::{CommandFactory, Parser};

use cli::{Cli, Command, GlobalArgs, OutputArgs};
use config::Settings;
use error::CliError;
pub use error::{EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE};
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
    /// The output target of `-o` (or the profile's default). Checked before any request.
    pub fn target(&self, o: &OutputArgs) -> Result<Target, CliError> {
        let t = Target::parse(o.output.as_deref(), self.settings.default_output())?;
        t.check()?;
        Ok(t)
    }

    /// A client for the resolved configuration, logging requests with `--verbose`.
    pub fn client(&self) -> Result<Client, CliError> {
        let cfg = self.settings.client_config()?;
        let mut client = Client::new(cfg)?;
        if self.settings.global.verbose {
            client.set_observer(Arc::new(|ev: &ax_core::RequestEvent| {
                let ms = ev.elapsed.as_secs_f64() * 1000.0;
                let outcome = match (ev.status, &ev.error) {
                    (Some(s), _) => s.to_string(),
                    (None, Some(e)) => format!("error: {e}"),
                    (None, None) => "no response".into(),
                };
                eprintln!(
                    "[http] {} {} -> {outcome} ({ms:.1} ms, attempt {})",
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
    let foreground_server = matches!(cli.command, Command::Emulator(_));
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
        Command::Emulator(args) => commands::emulator::run(args, global.verbose).await,
        Command::Profiles { command } => commands::profiles::run(global, command).await,
        Command::Spaces { command } => {
            let ctx = Ctx {
                settings: Settings::load(global)?,
            };
            commands::spaces::run(&ctx, command).await
        }
        Command::Tasks { command } => {
            let ctx = Ctx {
                settings: Settings::load(global)?,
            };
            commands::tasks::run(&ctx, *command).await
        }
        Command::Lookups(command) => {
            let ctx = Ctx {
                settings: Settings::load(global)?,
            };
            commands::lookups::run(&ctx, command).await
        }
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
