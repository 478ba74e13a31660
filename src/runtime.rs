//! The one tokio runtime of the process and the two ways Python waits on it.
//!
//! * [`wait`] blocks the calling thread with the GIL released and checks for signals
//!   every few tens of milliseconds, so Ctrl-C raises `KeyboardInterrupt` promptly
//!   even while a request is pending. Dropping the future cancels the request.
//! * [`spawn_awaitable`] hands the future to asyncio through pyo3-async-runtimes.

use std::future::Future;
use std::time::Duration;

use pyo3::prelude::*;
use tokio::runtime::Runtime;

use crate::errors::ToPyErr;

/// How often a blocking wait looks for pending signals (Ctrl-C).
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// The process-wide runtime (pyo3-async-runtimes' static one; never build a second).
pub fn runtime() -> &'static Runtime {
    pyo3_async_runtimes::tokio::get_runtime()
}

/// Runs `fut` to completion on the shared runtime, with the GIL released.
///
/// The future's error type is converted to a Python exception with the GIL held.
pub fn wait<F, T, E>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = Result<T, E>> + Send,
    T: Send,
    E: ToPyErr + Send,
{
    let outcome = py.detach(|| {
        runtime().block_on(async {
            tokio::select! {
                biased;
                result = fut => Ok(result),
                err = signal_watch() => Err(err),
            }
        })
    });
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(err.to_pyerr(py)),
        Err(interrupted) => Err(interrupted),
    }
}

/// Resolves only when Python has a pending exception from a signal handler.
async fn signal_watch() -> PyErr {
    let mut ticker = tokio::time::interval(SIGNAL_POLL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(err) = Python::attach(|py| py.check_signals()) {
            return err;
        }
    }
}

/// Wraps `fut` as an asyncio awaitable; its output is converted with the GIL held.
pub fn spawn_awaitable<'py, F, T, E>(
    py: Python<'py>,
    fut: F,
    convert: fn(Python<'_>, T) -> PyResult<Py<PyAny>>,
) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: ToPyErr + Send + 'static,
{
    pyo3_async_runtimes::tokio::future_into_py(py, async move {
        let result = fut.await;
        Python::attach(|py| match result {
            Ok(value) => convert(py, value),
            Err(err) => Err(err.to_pyerr(py)),
        })
    })
}
