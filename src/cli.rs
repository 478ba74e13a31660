//! The `ax` command line, run in-process: the console script's shim calls
//! [`run_cli`] with `sys.argv`, and the whole command runs in Rust with the GIL
//! released.

use pyo3::prelude::*;

/// Runs `ax` with `argv` (program name first) and returns its exit code.
#[pyfunction]
pub fn run_cli(py: Python<'_>, argv: Vec<String>) -> i32 {
    py.detach(|| ax_cli::run(argv))
}
