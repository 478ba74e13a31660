//! One-time pre-release warnings, one per method per process, through Python's
//! `warnings` module (category `arize_ax.errors.BetaWarning`), so the standard
//! filters can silence them.

use std::collections::HashSet;
use std::sync::Mutex;

use pyo3::prelude::*;

static WARNED: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);

/// Warns that `method` (e.g. `"spaces.list"`) is a beta API, the first time only.
pub fn beta(py: Python<'_>, method: &'static str) -> PyResult<()> {
    warn_once(py, method, "BETA", "a beta")
}

/// The official SDK's release stage of a supporting-resource method: its AI integration
/// methods are ALPHA, the others BETA.
pub fn prerelease(py: Python<'_>, method: &'static str) -> PyResult<()> {
    if method.starts_with("ai_integrations.") {
        warn_once(py, method, "ALPHA", "an alpha")
    } else {
        beta(py, method)
    }
}

fn warn_once(py: Python<'_>, method: &'static str, stage: &str, article: &str) -> PyResult<()> {
    {
        let mut guard = WARNED.lock().unwrap_or_else(|p| p.into_inner());
        if !guard.get_or_insert_with(HashSet::new).insert(method) {
            return Ok(());
        }
    }
    let category = py.import("arize_ax.errors")?.getattr("BetaWarning")?;
    let message = format!(
        "[{stage}] {method} is {article} API in arize-ax v{} and may change without notice. \
         If you experience unexpected failures, please upgrade to the most recent version \
         of the package.",
        env!("CARGO_PKG_VERSION")
    );
    let warnings = py.import("warnings")?;
    warnings.call_method1("warn", (message, category, 1))?;
    Ok(())
}
