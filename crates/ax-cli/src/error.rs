//! CLI errors, their exit codes and their one-line rendering.

use ax_core::Error;

/// Exit code of a successful command.
pub const EXIT_OK: i32 = 0;
/// API error, failed or cancelled run, declined confirmation.
pub const EXIT_FAILURE: i32 = 1;
/// Usage error (detected before any request).
pub const EXIT_USAGE: i32 = 2;
/// Interrupted with Ctrl-C.
pub const EXIT_INTERRUPTED: i32 = 130;

/// Why a command did not succeed.
#[derive(Debug)]
pub enum CliError {
    /// Bad or missing input; nothing was sent. Exit 2.
    Usage(String),
    /// Something failed (or was declined). Exit 1.
    Failed(String),
    /// An error from ax-core. Exit 2 for validation/config errors, else 1.
    Core(Error),
    /// Ctrl-C. Exit 130.
    Interrupted(String),
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Core(e)
    }
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) => EXIT_USAGE,
            CliError::Failed(_) => EXIT_FAILURE,
            CliError::Interrupted(_) => EXIT_INTERRUPTED,
            CliError::Core(e) => match e {
                Error::Validation { .. } | Error::MissingApiKey | Error::Config(_) => EXIT_USAGE,
                _ => EXIT_FAILURE,
            },
        }
    }

    /// The message printed on stderr (one line, never the key).
    pub fn message(&self) -> String {
        match self {
            CliError::Usage(m) => format!("error: {m}"),
            CliError::Failed(m) => format!("error: {m}"),
            CliError::Interrupted(m) => format!("interrupted: {m}"),
            CliError::Core(e) => format!("error: {}", core_message(e)),
        }
    }
}

/// `--flag-name` for an ax-core field name such as `organization_id`, and the rest of a
/// field path such as `run_configuration.messages[0].role`.
fn flag_of(field: &str) -> Option<(String, &str)> {
    let end = field.find(['.', '[']).unwrap_or(field.len());
    let head = &field[..end];
    if !head.is_empty() && head.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
        Some((format!("--{}", head.replace('_', "-")), &field[end..]))
    } else {
        None
    }
}

fn core_message(e: &Error) -> String {
    match e {
        Error::Validation { field, message } => match flag_of(field) {
            Some((flag, "")) => format!("invalid value for {flag}: {message}"),
            Some((flag, _)) => format!("invalid value for {flag}: {field} {message}"),
            None => format!("invalid {field}: {message}"),
        },
        Error::Api(api) => {
            let hint = match api.status {
                401 => Some("check the API key (--api-key, ARIZE_API_KEY or the profile)"),
                403 => Some("this key may read the resource but not perform this action; ask an admin of the space for access"),
                404 => Some("check the name or ID, and that this key can see the resource"),
                429 => Some("rate limited; wait and try again"),
                _ => None,
            };
            match hint {
                Some(h) => format!("{api} (hint: {h})"),
                None => api.to_string(),
            }
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        assert_eq!(CliError::Usage("x".into()).exit_code(), 2);
        assert_eq!(
            CliError::Core(Error::validation("limit", "bad")).exit_code(),
            2
        );
        assert_eq!(CliError::Core(Error::MissingApiKey).exit_code(), 2);
        assert_eq!(CliError::Failed("x".into()).exit_code(), 1);
        assert_eq!(CliError::Interrupted("x".into()).exit_code(), 130);
        let m = CliError::Core(Error::validation("organization_id", "bad")).message();
        assert!(m.contains("--organization-id"), "{m}");
    }
}
