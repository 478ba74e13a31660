//! Typed errors. Every message is a clear one-liner and never contains the API key.

use std::fmt;
use std::time::Duration;

use crate::model::TaskRun;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An HTTP error response (non-2xx), decoded from its RFC 9457 problem body when possible.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// Problem `title`, or the HTTP reason phrase when the body is not a problem document.
    pub title: String,
    /// Problem `detail`, or a short sanitized excerpt of a non-JSON body.
    pub detail: Option<String>,
    /// Problem `type`.
    pub type_: Option<String>,
    /// Problem `instance`.
    pub instance: Option<String>,
    /// HTTP method of the request.
    pub method: String,
    /// Full URL of the request.
    pub url: String,
    /// `Retry-After` in seconds, when the server sent one.
    pub retry_after: Option<f64>,
    /// Raw response body (lossy UTF-8, capped).
    pub body: String,
    /// Number of attempts made (1 = not retried).
    pub attempts: u32,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.title)?;
        if let Some(detail) = self.detail.as_deref().filter(|d| !d.is_empty()) {
            write!(f, ": {detail}")?;
        }
        write!(f, " ({} {}", self.method, self.url)?;
        if self.attempts > 1 {
            write!(f, ", {} attempts", self.attempts)?;
        }
        if let Some(secs) = self.retry_after {
            write!(f, ", retry after {secs}s")?;
        }
        write!(f, ")")
    }
}

impl std::error::Error for ApiError {}

/// Every error ax-core returns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server answered with a non-2xx status.
    #[error("{0}")]
    Api(ApiError),

    /// No connection could be made (the request never reached the server).
    #[error("could not connect for {method} {url} ({attempts} {}): {message}", plural(*attempts, "attempt"))]
    Connect {
        method: String,
        url: String,
        message: String,
        attempts: u32,
    },

    /// No response within the per-attempt or total time limit.
    #[error("{method} {url} timed out after {:.1}s ({attempts} {})", elapsed.as_secs_f64(), plural(*attempts, "attempt"))]
    Timeout {
        method: String,
        url: String,
        attempts: u32,
        elapsed: Duration,
    },

    /// The client's request budget (a rate limit) lets the request go only after the total
    /// time limit: nothing was sent.
    #[error("{method} {url}: the client's rate limit ({rate:.3} requests/s, from {origin}) lets this request go in {:.1}s, after the total timeout ends; nothing was sent", wait.as_secs_f64(), origin = rate_source)]
    RateBudget {
        method: String,
        url: String,
        wait: Duration,
        rate: f64,
        rate_source: String,
    },

    /// A non-idempotent request may have reached the server but no response arrived.
    #[error("{method} {url} may have reached the server, but no response arrived ({message}); it was not retried because repeating it could apply it twice. Check whether it took effect (list or get the resource) before trying again")]
    UnknownOutcome {
        method: String,
        url: String,
        message: String,
    },

    /// A non-idempotent request succeeded (2xx) but its response body was cut off.
    #[error("{method} {url} succeeded on the server (status {status}), but the response body could not be read ({message}). The request was not resent, because repeating it could apply it twice; get or list the resource to see the result")]
    ResponseBodyLost {
        method: String,
        url: String,
        status: u16,
        message: String,
    },

    /// A 2xx response whose body could not be decoded.
    #[error("could not decode the response of {method} {url}: {message}")]
    Decode {
        method: String,
        url: String,
        message: String,
    },

    /// Invalid input, detected before any request was sent.
    #[error("invalid {field}: {message}")]
    Validation { field: String, message: String },

    /// A name matched nothing (API.md §2.3).
    #[error("{}", not_found_message(resource_type, resource_name, available_names, hint.as_deref()))]
    NameNotFound {
        resource_type: String,
        resource_name: String,
        available_names: Vec<String>,
        hint: Option<String>,
    },

    /// A name matched several resources (API.md §2.3).
    #[error("Multiple {resource_type}s named '{resource_name}' found. Use a {resource_type} ID to disambiguate. Matching IDs: {}", matching_ids.join(", "))]
    AmbiguousName {
        resource_type: String,
        resource_name: String,
        matching_ids: Vec<String>,
    },

    /// The server returned a pagination cursor it had already returned.
    #[error(
        "the server repeated pagination cursor '{cursor}' for {url}; stopped instead of looping"
    )]
    RepeatedCursor { cursor: String, url: String },

    /// The server kept answering `has_more: true` with pages that hold no items.
    #[error("the server returned {count} empty pages in a row with has_more=true for {url}; stopped instead of paging on (the listing may be incomplete)")]
    EmptyPages { url: String, count: u32 },

    /// The server answered `has_more: true` without a `next_cursor`.
    #[error("the server said more results follow (has_more=true) but sent no next_cursor for {url}; the rest of the listing cannot be fetched, so it is incomplete")]
    MissingCursor { url: String },

    /// No API key was configured.
    #[error(
        "no API key configured: pass api_key=... or set the ARIZE_API_KEY environment variable"
    )]
    MissingApiKey,

    /// Invalid configuration.
    #[error("invalid configuration: {0}")]
    Config(String),

    /// A task run did not reach a terminal state in time (the run itself is not cancelled).
    #[error("Task run '{run_id}' did not reach a terminal state within {}s (last status: {})", seconds(timeout), last_status.as_deref().unwrap_or("unknown"))]
    RunTimeout {
        run_id: String,
        timeout: Duration,
        /// Status seen in the last successful poll.
        last_status: Option<String>,
        /// The run as last seen.
        last_run: Option<Box<TaskRun>>,
    },
}

impl Error {
    /// Shorthand for a [`Error::Validation`].
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The HTTP status, for API errors.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            _ => None,
        }
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(e)
    }
}

/// `600` for whole seconds, `1.5` otherwise.
fn seconds(d: &Duration) -> String {
    if d.subsec_nanos() == 0 {
        d.as_secs().to_string()
    } else {
        let s = format!("{:.3}", d.as_secs_f64());
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

fn plural(n: u32, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

fn not_found_message(kind: &str, name: &str, available: &[String], hint: Option<&str>) -> String {
    let mut msg = format!("{kind} '{name}' not found.");
    if !available.is_empty() {
        msg.push_str(&format!(" Available {kind}s: {}", available.join(", ")));
    }
    if let Some(hint) = hint.filter(|h| !h.is_empty()) {
        msg.push(' ');
        msg.push_str(hint);
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_errors_match_the_reference_text() {
        let e = Error::NameNotFound {
            resource_type: "space".into(),
            resource_name: "prod".into(),
            available_names: vec!["prod-eu".into(), "prod-us".into()],
            hint: None,
        };
        assert_eq!(
            e.to_string(),
            "space 'prod' not found. Available spaces: prod-eu, prod-us"
        );
        let e = Error::NameNotFound {
            resource_type: "task".into(),
            resource_name: "t".into(),
            available_names: vec![],
            hint: Some("Provide 'space' so the task name can be resolved.".into()),
        };
        assert_eq!(
            e.to_string(),
            "task 't' not found. Provide 'space' so the task name can be resolved."
        );
        let e = Error::AmbiguousName {
            resource_type: "space".into(),
            resource_name: "shared".into(),
            matching_ids: vec!["id1".into(), "id2".into()],
        };
        assert_eq!(
            e.to_string(),
            "Multiple spaces named 'shared' found. Use a space ID to disambiguate. Matching IDs: id1, id2"
        );
    }

    #[test]
    fn run_timeout_message() {
        let e = Error::RunTimeout {
            run_id: "VGFza1J1bjox".into(),
            timeout: Duration::from_secs(600),
            last_status: Some("RUNNING".into()),
            last_run: None,
        };
        assert_eq!(
            e.to_string(),
            "Task run 'VGFza1J1bjox' did not reach a terminal state within 600s (last status: RUNNING)"
        );
        let e = Error::RunTimeout {
            run_id: "r".into(),
            timeout: Duration::from_millis(1500),
            last_status: None,
            last_run: None,
        };
        assert_eq!(
            e.to_string(),
            "Task run 'r' did not reach a terminal state within 1.5s (last status: unknown)"
        );
    }

    #[test]
    fn api_error_display() {
        let mut e = ApiError {
            status: 404,
            title: "Resource not found".into(),
            detail: Some("no such space".into()),
            type_: None,
            instance: None,
            method: "GET".into(),
            url: "http://127.0.0.1:1/v2/spaces/X".into(),
            retry_after: None,
            body: String::new(),
            attempts: 1,
        };
        assert_eq!(
            Error::Api(e.clone()).to_string(),
            "404 Resource not found: no such space (GET http://127.0.0.1:1/v2/spaces/X)"
        );
        e.attempts = 4;
        e.detail = None;
        assert_eq!(
            e.to_string(),
            "404 Resource not found (GET http://127.0.0.1:1/v2/spaces/X, 4 attempts)"
        );
    }
}
