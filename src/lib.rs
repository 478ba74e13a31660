//! `arize_ax._native`: the pyo3 bindings of arize-ax. This crate only converts
//! types and errors; every operation lives in `ax-core` (and the emulator in
//! `ax-emulator`).

use pyo3::prelude::*;

/// Rust allocations of the extension (decoded pages, Arrow buffers, the HTTP stack) go to
/// jemalloc on Linux; Python's own objects are unaffected.
#[cfg(all(target_os = "linux", not(target_env = "musl")))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

mod call;
#[cfg(feature = "cli")]
mod cli;
mod client;
mod convert;
mod dump;
#[cfg(feature = "emulator")]
mod emulator;
mod errors;
mod lookups;
mod models;
mod page;
mod rate_log;
mod records;
mod runtime;
mod spaces;
mod task_models;
mod tasks;
mod warn;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::Client>()?;
    m.add_class::<client::AsyncClient>()?;
    m.add_class::<spaces::SpacesClient>()?;
    m.add_class::<spaces::AsyncSpacesClient>()?;
    m.add_class::<models::Space>()?;
    m.add_class::<models::SpaceMembership>()?;
    m.add_class::<models::SpaceRoleAssignment>()?;
    m.add_class::<tasks::TasksClient>()?;
    m.add_class::<tasks::AsyncTasksClient>()?;
    m.add_class::<task_models::Task>()?;
    m.add_class::<task_models::TaskEvaluator>()?;
    m.add_class::<task_models::TaskRun>()?;
    m.add_class::<page::Page>()?;
    m.add_class::<page::Pagination>()?;
    #[cfg(feature = "emulator")]
    m.add_class::<emulator::Emulator>()?;
    lookups::register(m)?;
    m.add_function(wrap_pyfunction!(runtime::_drain_async, m)?)?;
    // Before the interpreter finalizes, the asyncio bridge's last tasks get to finish.
    m.py()
        .import("atexit")?
        .call_method1("register", (m.getattr("_drain_async")?,))?;
    #[cfg(feature = "cli")]
    m.add_function(wrap_pyfunction!(cli::run_cli, m)?)?;
    Ok(())
}
