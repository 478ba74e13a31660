//! CLI errors, their exit codes and their one-line rendering.
//!
//! The exit codes are the official `ax` CLI's (arize-ax-cli 0.39), as it behaves: it wraps
//! every failure of its SDK, an HTTP 401 included, in its API error (exit 4).

use ax_core::Error;

/// Exit code of a successful command (also: a declined confirmation, nothing done).
pub const EXIT_OK: i32 = 0;
/// Other errors: configuration and profiles, unexpected failures, and a run that did not
/// end COMPLETED under `--exit-status`.
pub const EXIT_FAILURE: i32 = 1;
/// Usage error: bad flags or values, detected before any request is sent.
pub const EXIT_USAGE: i32 = 2;
/// API error: any HTTP error answer (401 and 403 included), a name that resolves to no or
/// several resources, network failures, a wait that timed out.
pub const EXIT_API: i32 = 4;
/// File I/O: the `-o` value names no format or file type, or the file cannot be written.
pub const EXIT_FILE: i32 = 5;
/// Interrupted with Ctrl-C.
pub const EXIT_INTERRUPTED: i32 = 130;

/// Why a command did not succeed.
#[derive(Debug)]
pub enum CliError {
    /// Bad or missing input; nothing was sent. Exit 2.
    Usage(String),
    /// Something else failed. Exit 1.
    Failed(String),
    /// The configuration (profile, `--api-key`/`--base-url`, `ARIZE_*`) is unusable. Exit 1.
    Config(String),
    /// The output file or format. Exit 5.
    File(String),
    /// An error from ax-core. Exit 2 for client-side validation, 1 for configuration,
    /// else 4.
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
            CliError::Failed(_) | CliError::Config(_) => EXIT_FAILURE,
            CliError::File(_) => EXIT_FILE,
            CliError::Interrupted(_) => EXIT_INTERRUPTED,
            CliError::Core(e) => match e {
                Error::Validation { .. } => EXIT_USAGE,
                Error::MissingApiKey | Error::Config(_) => EXIT_FAILURE,
                _ => EXIT_API,
            },
        }
    }

    /// This error as a configuration error (exit 1), for failures while loading the
    /// profile or resolving the connection settings.
    pub fn into_config(self) -> CliError {
        match self {
            CliError::Usage(m) | CliError::Failed(m) => CliError::Config(m),
            other => other,
        }
    }

    /// The message printed on stderr (one line, never the key).
    pub fn message(&self) -> String {
        match self {
            CliError::Usage(m) | CliError::Failed(m) | CliError::Config(m) | CliError::File(m) => {
                format!("error: {m}")
            }
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
    use std::time::Duration;

    use super::*;

    fn api(status: u16) -> Error {
        Error::Api(ax_core::ApiError {
            status,
            title: "x".into(),
            detail: None,
            type_: None,
            instance: None,
            method: "GET".into(),
            url: "http://h/v2/spaces".into(),
            retry_after: None,
            body: String::new(),
            attempts: 1,
        })
    }

    #[test]
    fn exit_codes() {
        assert_eq!(CliError::Usage("x".into()).exit_code(), 2);
        assert_eq!(
            CliError::Core(Error::validation("limit", "bad")).exit_code(),
            2
        );
        assert_eq!(CliError::Core(Error::MissingApiKey).exit_code(), 1);
        assert_eq!(CliError::Core(Error::Config("x".into())).exit_code(), 1);
        assert_eq!(CliError::Usage("x".into()).into_config().exit_code(), 1);
        assert_eq!(CliError::Failed("x".into()).exit_code(), 1);
        assert_eq!(CliError::File("x".into()).exit_code(), 5);
        assert_eq!(CliError::Interrupted("x".into()).exit_code(), 130);
        for status in [400, 401, 403, 404, 409, 429, 500] {
            assert_eq!(CliError::Core(api(status)).exit_code(), 4, "{status}");
        }
        let timeout = Error::RunTimeout {
            run_id: "r".into(),
            timeout: Duration::from_secs(1),
            last_status: None,
            last_run: None,
        };
        assert_eq!(CliError::Core(timeout).exit_code(), 4);
        let not_found = Error::NameNotFound {
            resource_type: "space".into(),
            resource_name: "x".into(),
            available_names: Vec::new(),
            hint: None,
        };
        assert_eq!(CliError::Core(not_found).exit_code(), 4);
        let m = CliError::Core(Error::validation("organization_id", "bad")).message();
        assert!(m.contains("--organization-id"), "{m}");
    }
}
