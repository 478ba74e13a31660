//! Interactive prompts on stderr. Without a terminal on stdin nothing is asked: missing
//! values and unconfirmed destructive actions are usage errors (exit 2).
//!
//! Reads run on the blocking pool so Ctrl-C (raced in `lib.rs`) still interrupts them.

use std::io::{BufRead, IsTerminal, Write};

use crate::error::CliError;

/// True when stdin is a terminal (prompts are possible).
pub fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

async fn read_line(question: String, hidden: bool) -> Result<String, CliError> {
    let result = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        if hidden {
            return rpassword::prompt_password(question);
        }
        let mut err = std::io::stderr().lock();
        write!(err, "{question}")?;
        err.flush()?;
        drop(err);
        let mut line = String::new();
        let n = std::io::stdin().lock().read_line(&mut line)?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "end of input",
            ));
        }
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    })
    .await
    .map_err(|e| CliError::Failed(format!("prompt failed: {e}")))?;
    result.map_err(|e| CliError::Usage(format!("no answer to the prompt ({e})")))
}

/// `value` if given; otherwise asks for it on a terminal, or fails naming `flag`.
pub async fn required(value: Option<String>, flag: &str, label: &str) -> Result<String, CliError> {
    if let Some(v) = value {
        return Ok(v);
    }
    if !interactive() {
        return Err(CliError::Usage(format!(
            "missing required option '{flag}' (stdin is not a terminal, so it cannot be prompted for)"
        )));
    }
    loop {
        let answer = read_line(format!("{label}: "), false).await?;
        if !answer.trim().is_empty() {
            return Ok(answer.trim().to_owned());
        }
    }
}

/// Asks for a secret without echo (terminal only).
pub async fn secret(label: &str) -> Result<String, CliError> {
    read_line(format!("{label}: "), true).await
}

/// Refuses a destructive action without a terminal unless forced.
fn need_terminal(action: &str) -> Result<(), CliError> {
    if interactive() {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "refusing to {action} without confirmation: stdin is not a terminal; pass --force (-f) to skip the prompt"
        )))
    }
}

/// Yes/no question, default no. `Ok(())` only on yes; `no` is a failure (exit 1).
pub async fn confirm(action: &str, warning: &str, declined: &str) -> Result<(), CliError> {
    need_terminal(action)?;
    eprintln!("warning: {warning}");
    let answer = read_line("Are you sure? [y/N]: ".into(), false).await?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(CliError::Failed(declined.into())),
    }
}

/// Makes the user type `expected` exactly; anything else is a failure (exit 1).
pub async fn type_to_confirm(
    action: &str,
    warning: &[&str],
    question: &str,
    expected: &str,
    declined: &str,
) -> Result<(), CliError> {
    need_terminal(action)?;
    for line in warning {
        eprintln!("{line}");
    }
    let answer = read_line(format!("{question}: "), false).await?;
    if answer.trim() == expected {
        Ok(())
    } else {
        Err(CliError::Failed(declined.into()))
    }
}
