//! One place that decides how a bound method returns: block (sync classes) or hand
//! back an awaitable (async classes). Both run the same core future.

use std::future::Future;

use pyo3::prelude::*;
use pyo3::IntoPyObjectExt;

use crate::errors::ToPyErr;
use crate::runtime::{spawn_awaitable, wait, walk};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Blocking,
    Async,
}

/// Runs `fut` in `mode` and converts its output with `convert`.
pub fn run<F, T, E>(
    py: Python<'_>,
    mode: Mode,
    fut: F,
    convert: fn(Python<'_>, T) -> PyResult<Py<PyAny>>,
) -> PyResult<Py<PyAny>>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: ToPyErr + Send + 'static,
{
    match mode {
        Mode::Blocking => {
            let value = wait(py, fut)?;
            convert(py, value)
        }
        Mode::Async => spawn_awaitable(py, fut, convert).map(Bound::unbind),
    }
}

/// Like [`run`] for the long listings (`list_all`, `list_runs_all`): blocking calls walk the
/// pages on the calling thread's own runtime (see [`walk`]); `make` builds the future from
/// the client handle to use.
pub fn run_walk<F, T, E>(
    py: Python<'_>,
    mode: Mode,
    core: &ax_core::Client,
    make: impl FnOnce(ax_core::Client) -> F,
    convert: fn(Python<'_>, T) -> PyResult<Py<PyAny>>,
) -> PyResult<Py<PyAny>>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: ToPyErr + Send + 'static,
{
    match mode {
        Mode::Blocking => {
            let value = walk(py, core, make)?;
            convert(py, value)
        }
        Mode::Async => spawn_awaitable(py, make(core.clone()), convert).map(Bound::unbind),
    }
}

/// Converts a unit result to `None`.
pub fn none(py: Python<'_>, _: ()) -> PyResult<Py<PyAny>> {
    Ok(py.None())
}

/// Converts any pyclass value into a Python object.
pub fn object<T>(py: Python<'_>, value: T) -> PyResult<Py<PyAny>>
where
    T: for<'py> IntoPyObject<'py>,
{
    value.into_py_any(py)
}
