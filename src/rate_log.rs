//! The client's rate-limit events in Python's `logging` (logger `arize_ax`): a 429 and the
//! pause it sets for every request as a WARNING, a request held back a second or more by
//! the client's request budget as an INFO. Nothing else is logged, so the GIL is taken only
//! for these rare events, and never while the interpreter shuts down.

use std::sync::Arc;
use std::time::Duration;

use ax_core::transport::pacer::RateLimitState;
use ax_core::RequestEvent;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Python's `logging.WARNING` and `logging.INFO`.
const WARNING: i32 = 30;
const INFO: i32 = 20;

/// The shortest wait worth an INFO line.
const LOGGED_HOLD: Duration = Duration::from_secs(1);

/// Sends `client`'s rate-limit events to the `arize_ax` logger.
pub(crate) fn log_rate_limits(client: &mut ax_core::Client) {
    client.set_observer(Arc::new(|ev: &RequestEvent| {
        let Some(note) = ev.rate_limit_note(LOGGED_HOLD) else {
            return;
        };
        let level = if ev.pause.is_some() { WARNING } else { INFO };
        let message = format!("{} {}: {note}", ev.method, ev.url);
        Python::try_attach(|py| {
            let logged = py
                .import("logging")
                .and_then(|logging| logging.call_method1("getLogger", ("arize_ax",)))
                .and_then(|logger| logger.call_method1("log", (level, message)));
            if let Err(e) = logged {
                e.write_unraisable(py, None);
            }
        });
    }));
}

/// [`RateLimitState`] as a dict for `Client.rate_limit_state()`.
pub(crate) fn state_dict<'py>(py: Python<'py>, s: &RateLimitState) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("rate", s.rate)?;
    d.set_item("source", s.source.map(|src| src.as_str()))?;
    d.set_item("paused_for", s.paused_for.as_secs_f64())?;
    d.set_item("refused", s.refused)?;
    d.set_item("refused_after_first", s.refused_after_first)?;
    d.set_item("held", s.held)?;
    d.set_item("held_for", s.held_for.as_secs_f64())?;
    Ok(d)
}
