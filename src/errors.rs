//! Conversion of core errors into the exception classes of `arize_ax.errors`.
//!
//! The classes live in Python (so users can import, subclass and pickle them); this
//! module only picks the class and fills in its attributes. No message built here
//! can contain the API key: the core never puts it in an error.

use ax_core::Error;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};

static ERRORS_MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    ERRORS_MODULE
        .get_or_try_init(py, || {
            PyModule::import(py, "arize_ax.errors").map(Bound::unbind)
        })
        .map(|m| m.bind(py))
}

/// Anything a bound call can fail with, turned into a Python exception.
pub trait ToPyErr {
    fn to_pyerr(self, py: Python<'_>) -> PyErr;
}

impl ToPyErr for PyErr {
    fn to_pyerr(self, _py: Python<'_>) -> PyErr {
        self
    }
}

impl ToPyErr for std::io::Error {
    fn to_pyerr(self, _py: Python<'_>) -> PyErr {
        PyRuntimeError::new_err(self.to_string())
    }
}

impl ToPyErr for Error {
    fn to_pyerr(self, py: Python<'_>) -> PyErr {
        match build(py, &self) {
            Ok(err) => err,
            // Only if arize_ax.errors cannot be imported at all.
            Err(_) => PyValueError::new_err(self.to_string()),
        }
    }
}

fn api_class(status: u16) -> &'static str {
    match status {
        400 => "BadRequestError",
        401 => "UnauthorizedError",
        403 => "ForbiddenError",
        404 => "NotFoundError",
        409 => "ConflictError",
        422 => "UnprocessableEntityError",
        429 => "RateLimitError",
        500..=599 => "ServerError",
        _ => "ApiError",
    }
}

fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let fields = PyDict::new(py);
    let class = match err {
        Error::Api(api) => {
            fields.set_item("status", api.status)?;
            fields.set_item("title", &api.title)?;
            fields.set_item("detail", &api.detail)?;
            fields.set_item("type", &api.type_)?;
            fields.set_item("instance", &api.instance)?;
            fields.set_item("method", &api.method)?;
            fields.set_item("url", &api.url)?;
            fields.set_item("body", &api.body)?;
            fields.set_item("attempts", api.attempts)?;
            fields.set_item("retry_after", api.retry_after)?;
            api_class(api.status)
        }
        Error::Connect {
            method,
            url,
            attempts,
            ..
        } => {
            fields.set_item("method", method)?;
            fields.set_item("url", url)?;
            fields.set_item("attempts", attempts)?;
            "ConnectError"
        }
        Error::Timeout {
            method,
            url,
            attempts,
            elapsed,
        } => {
            fields.set_item("method", method)?;
            fields.set_item("url", url)?;
            fields.set_item("attempts", attempts)?;
            fields.set_item("elapsed", elapsed.as_secs_f64())?;
            "RequestTimeoutError"
        }
        Error::RateBudget { method, url, .. } => {
            fields.set_item("method", method)?;
            fields.set_item("url", url)?;
            fields.set_item("attempts", 0)?;
            "RequestTimeoutError"
        }
        Error::UnknownOutcome { method, url, .. } => {
            fields.set_item("method", method)?;
            fields.set_item("url", url)?;
            "UnknownOutcomeError"
        }
        Error::Decode { method, url, .. } => {
            fields.set_item("method", method)?;
            fields.set_item("url", url)?;
            "DecodeError"
        }
        // The request was applied (2xx) but its body was cut off: nothing to retry, the
        // response just cannot be read.
        Error::ResponseBodyLost {
            method,
            url,
            status,
            ..
        } => {
            fields.set_item("method", method)?;
            fields.set_item("url", url)?;
            fields.set_item("status", status)?;
            "DecodeError"
        }
        Error::Validation { field, .. } => {
            fields.set_item("field", field)?;
            "ValidationError"
        }
        Error::NameNotFound {
            resource_type,
            resource_name,
            available_names,
            hint,
        } => {
            fields.set_item("resource_type", resource_type)?;
            fields.set_item("resource_name", resource_name)?;
            fields.set_item("available_names", available_names)?;
            fields.set_item("hint", hint)?;
            "NameNotFoundError"
        }
        Error::AmbiguousName {
            resource_type,
            resource_name,
            matching_ids,
        } => {
            fields.set_item("resource_type", resource_type)?;
            fields.set_item("resource_name", resource_name)?;
            fields.set_item("matching_ids", matching_ids)?;
            "AmbiguousNameError"
        }
        Error::RepeatedCursor { cursor, url } => {
            fields.set_item("cursor", cursor)?;
            fields.set_item("url", url)?;
            "PaginationError"
        }
        Error::EmptyPages { url, count } => {
            fields.set_item("cursor", py.None())?;
            fields.set_item("url", url)?;
            fields.set_item("count", count)?;
            "PaginationError"
        }
        Error::MissingCursor { url } => {
            fields.set_item("cursor", py.None())?;
            fields.set_item("url", url)?;
            "PaginationError"
        }
        Error::RunTimeout {
            run_id,
            timeout,
            last_status,
            last_run,
        } => {
            fields.set_item("run_id", run_id)?;
            fields.set_item("timeout", timeout.as_secs_f64())?;
            fields.set_item("last_status", last_status)?;
            let last = last_run
                .as_ref()
                .map(|run| crate::task_models::TaskRun::from((**run).clone()));
            fields.set_item("last_run", last)?;
            "RunTimeoutError"
        }
        Error::MissingApiKey => "MissingApiKeyError",
        Error::Config(_) => "ConfigError",
        #[allow(unreachable_patterns)]
        _ => "AxError",
    };
    let cls = errors_module(py)?.getattr(class)?;
    let value = cls.call((err.to_string(),), Some(&fields))?;
    Ok(PyErr::from_value(value))
}

/// A client-side validation error raised from the binding layer itself.
pub fn validation(py: Python<'_>, field: &str, message: impl Into<String>) -> PyErr {
    Error::Validation {
        field: field.to_string(),
        message: message.into(),
    }
    .to_pyerr(py)
}
