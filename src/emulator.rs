//! The bundled emulator, started in-process on the shared runtime. The Python-facing
//! wrapper with context-manager and pytest support is `arize_ax.testing`.

use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;

use ax_emulator::{
    Control, EmulatorOptions, Fault, FaultAction, Latency, RateLimit, RunTimeline, Seed,
};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict};

use crate::runtime::wait;

fn control_err(message: String) -> PyErr {
    PyValueError::new_err(message)
}

/// A checked [`Latency`] (`ValueError` naming the bound otherwise).
fn latency(ms: f64, jitter_ms: f64) -> PyResult<Latency> {
    let latency = Latency { ms, jitter_ms };
    latency.validate().map_err(control_err)?;
    Ok(latency)
}

/// A checked [`RateLimit`] from a number (requests per second), a string `"RPS[:BURST]"`
/// or a dict `{"rps", "burst", "per_route"}` (`ValueError` naming the field otherwise).
fn rate_limit_from(value: &Bound<'_, PyAny>) -> PyResult<RateLimit> {
    if value.is_instance_of::<PyDict>() {
        let json = pythonize::depythonize::<serde_json::Value>(value).map_err(|e| {
            PyValueError::new_err(format!("rate_limit must be a JSON-like dict: {e}"))
        })?;
        return RateLimit::from_json(&json).map_err(control_err);
    }
    if let Ok(spec) = value.extract::<String>() {
        return RateLimit::parse(&spec).map_err(control_err);
    }
    if !value.is_instance_of::<PyBool>() {
        if let Ok(rps) = value.extract::<f64>() {
            return RateLimit::checked(rps, None, false).map_err(control_err);
        }
    }
    Err(PyTypeError::new_err(format!(
        "rate_limit must be a number of requests per second, a string \"RPS[:BURST]\" or a \
         dict {{\"rps\": .., \"burst\": .., \"per_route\": ..}}, got {}",
        value.get_type().name()?
    )))
}

/// A running emulator of the Arize AX REST API v2 on a loopback port.
#[pyclass(module = "arize_ax._native", name = "Emulator", frozen)]
pub struct Emulator {
    server: Mutex<Option<ax_emulator::Emulator>>,
    control: Control,
    url: String,
    port: u16,
    api_key: String,
    ca_cert_pem: Option<String>,
}

impl Emulator {
    fn ensure_running(&self) -> PyResult<()> {
        let guard = self.server.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            return Err(PyRuntimeError::new_err("the emulator has been stopped"));
        }
        Ok(())
    }
}

#[pymethods]
impl Emulator {
    /// Starts an emulator; `port=0` picks a free port. `control` serves the
    /// unauthenticated `/_emulator` HTTP routes (the methods here work either way); `tls`
    /// serves HTTPS with a generated CA (`ca_cert_pem`). `latency_ms` (± a uniform
    /// `latency_jitter_ms`) holds every API answer back by a simulated round trip.
    /// `rate_limit` (requests per second, `"RPS[:BURST]"` or a dict) limits every API key.
    #[new]
    #[pyo3(signature = (*, host="127.0.0.1", port=0, seed="demo", control=false, lenient=false, tls=false, latency_ms=0.0, latency_jitter_ms=0.0, rate_limit=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        host: &str,
        port: u16,
        seed: &str,
        control: bool,
        lenient: bool,
        tls: bool,
        latency_ms: f64,
        latency_jitter_ms: f64,
        rate_limit: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let latency = latency(latency_ms, latency_jitter_ms)?;
        let rate_limit = match rate_limit.filter(|r| !r.is_none()) {
            Some(r) => Some(rate_limit_from(&r)?),
            None => None,
        };
        let ip: IpAddr = host.parse().map_err(|_| {
            PyValueError::new_err(format!("host must be an IP address, got {host:?}"))
        })?;
        let seed = match seed.to_ascii_lowercase().as_str() {
            "demo" => Seed::Demo,
            "none" => Seed::None,
            other => {
                return Err(PyValueError::new_err(format!(
                    "seed must be 'demo' or 'none', got {other:?}"
                )))
            }
        };
        let opts = EmulatorOptions {
            bind: SocketAddr::new(ip, port),
            seed,
            control,
            lenient,
            tls,
            log_requests: false,
            latency,
            rate_limit,
        };
        let server = wait(py, ax_emulator::Emulator::start(opts))?;
        Ok(Emulator {
            control: server.control(),
            url: server.url(),
            port: server.port(),
            api_key: server.admin_key(),
            ca_cert_pem: server.ca_cert_pem(),
            server: Mutex::new(Some(server)),
        })
    }

    /// Base URL to pass as `Client(base_url=...)`.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    #[getter]
    fn port(&self) -> u16 {
        self.port
    }

    /// The seeded admin API key.
    #[getter]
    fn api_key(&self) -> &str {
        &self.api_key
    }

    /// With `tls=True`: the PEM of the CA that signed the server's certificate; else None.
    #[getter]
    fn ca_cert_pem(&self) -> Option<&str> {
        self.ca_cert_pem.as_deref()
    }

    /// True until `stop()`.
    #[getter]
    fn running(&self) -> bool {
        self.ensure_running().is_ok()
    }

    /// Stops the server (idempotent).
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        let server = self.server.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(server) = server {
            wait(py, async move {
                server.shutdown().await;
                Ok::<(), PyErr>(())
            })?;
        }
        Ok(())
    }

    /// Back to the fresh seed; clears faults and the request log, refills the rate limit's
    /// buckets and zeroes its counts (the rate limit and the latency stay).
    fn reset(&self) -> PyResult<()> {
        self.ensure_running()?;
        self.control.reset();
        Ok(())
    }

    /// IDs, names and keys of the seeded organizations, users and spaces.
    fn seed_info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.control.seed_info())?)
    }

    #[pyo3(signature = (*, name, email, account_role="MEMBER", organization_ids=Vec::new()))]
    fn create_user(
        &self,
        name: &str,
        email: &str,
        account_role: &str,
        organization_ids: Vec<String>,
    ) -> PyResult<String> {
        self.control
            .create_user(name, email, account_role, &organization_ids)
            .map_err(control_err)
    }

    #[pyo3(signature = (*, user_id))]
    fn create_key(&self, user_id: &str) -> PyResult<String> {
        self.control.create_key(user_id).map_err(control_err)
    }

    #[pyo3(signature = (*, space_id, user_id, role))]
    fn set_space_role(&self, space_id: &str, user_id: &str, role: Option<&str>) -> PyResult<()> {
        self.control
            .set_space_role(space_id, user_id, role)
            .map_err(control_err)
    }

    /// A new user holding `role` in the space (or "NONE": no access); returns its key.
    #[pyo3(signature = (*, space_id, role))]
    fn key_for_space_role(&self, space_id: &str, role: &str) -> PyResult<String> {
        self.control
            .key_for_space_role(space_id, role)
            .map_err(control_err)
    }

    /// Makes the next `count` requests (or all, with `unlimited`) matching `method` and
    /// `path` (exact, or a prefix ending in `*`) wait `latency_ms`, then answer `status`
    /// (with `retry_after`, `body`) or misbehave as `action` says: "reset",
    /// "reset_after", "truncate", "malformed_json", "stall_cursor" or "empty_page".
    /// With `probability` < 1 each matching request is faulted by a seeded draw.
    #[pyo3(signature = (*, path="*", method=None, count=1, status=None, retry_after=None, latency_ms=0, body=None, content_type=None, action=None, probability=1.0, unlimited=false))]
    #[allow(clippy::too_many_arguments)]
    fn add_fault(
        &self,
        path: &str,
        method: Option<String>,
        count: u32,
        status: Option<u16>,
        retry_after: Option<String>,
        latency_ms: u64,
        body: Option<String>,
        content_type: Option<String>,
        action: Option<&str>,
        probability: f64,
        unlimited: bool,
    ) -> PyResult<()> {
        let action = match action {
            None => None,
            Some(a) => Some(FaultAction::parse(a).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "action must be one of 'reset', 'reset_after', 'truncate', \
                     'malformed_json', 'stall_cursor', 'empty_page'; got {a:?}"
                ))
            })?),
        };
        self.control
            .try_add_fault(Fault {
                method: method.map(|m| m.to_ascii_uppercase()),
                path: path.to_owned(),
                count,
                unlimited,
                probability,
                status,
                action,
                retry_after,
                latency_ms,
                body,
                content_type,
            })
            .map_err(control_err)
    }

    fn clear_faults(&self) {
        self.control.clear_faults();
    }

    /// Seeds the generator behind `probability` (kept across `reset()`, which restarts
    /// it): the same seed and request order fault the same requests.
    #[pyo3(signature = (seed))]
    fn set_fault_seed(&self, seed: u64) {
        self.control.set_fault_seed(seed);
    }

    /// `{"requests", "fired", "skipped", "by_action": {label: n}, "by_status": {code: n}}`
    /// since start, `reset()` or `clear_fault_stats()`. Labels are action names,
    /// "status" or "latency".
    fn fault_stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.control.fault_stats())?)
    }

    fn clear_fault_stats(&self) {
        self.control.clear_fault_stats();
    }

    /// Every `/v2` request seen since the last clear, as dicts
    /// (`method`, `path`, `query`, `status`, `fault`, `fault_action`).
    fn requests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.control.requests())?)
    }

    fn clear_requests(&self) {
        self.control.clear_requests();
    }

    /// How runs triggered from now on behave: time PENDING, time RUNNING, share that
    /// end FAILED, or never finishing.
    #[pyo3(signature = (*, pending_ms=500, running_ms=1500, failure_rate=0.0, never_finish=false))]
    fn set_run_timeline(
        &self,
        pending_ms: u64,
        running_ms: u64,
        failure_rate: f64,
        never_finish: bool,
    ) -> PyResult<()> {
        if !(0.0..=1.0).contains(&failure_rate) {
            return Err(PyValueError::new_err(format!(
                "failure_rate must be within [0, 1], got {failure_rate}"
            )));
        }
        self.control.set_run_timeline(RunTimeline {
            pending_ms,
            running_ms,
            failure_rate,
            never_finish,
        });
        Ok(())
    }

    /// The run timeline in force, as a dict.
    fn run_timeline<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.control.run_timeline())?)
    }

    /// Sets the simulated round trip of every API answer from now on: `ms` ± a uniform
    /// `jitter_ms` (a new connection costs one round trip more). `set_latency(0)` turns it
    /// off; `reset()` keeps it.
    #[pyo3(signature = (ms, jitter_ms=0.0))]
    fn set_latency(&self, ms: f64, jitter_ms: f64) -> PyResult<()> {
        self.control
            .set_latency(latency(ms, jitter_ms)?)
            .map_err(control_err)
    }

    /// The simulated latency in force: `{"ms": float, "jitter_ms": float}`.
    fn latency<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.control.latency())?)
    }

    /// Limits every API key from now on to a token bucket of `burst` (default: `rps`
    /// rounded up) refilled at `rps` per second; `per_route` gives each key one bucket per
    /// route. Every bucket starts full; `reset()` keeps the limit.
    #[pyo3(signature = (rps, burst=None, per_route=false))]
    fn set_rate_limit(&self, rps: f64, burst: Option<i64>, per_route: bool) -> PyResult<()> {
        let limit = RateLimit::checked(rps, burst, per_route).map_err(control_err)?;
        self.control.set_rate_limit(limit).map_err(control_err)
    }

    /// Turns the rate limit off (the statistics stay).
    fn clear_rate_limit(&self) {
        self.control.clear_rate_limit();
    }

    /// `{"rps": float, "burst": int, "per_route": bool}`, or None when there is no limit.
    fn rate_limit<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.control.rate_limit())?)
    }

    /// `{"admitted": int, "refused": int, "by_user": {user_id: {"admitted", "refused"}},
    /// "by_key": {fingerprint: {...}}}` since start, `reset()` or
    /// `clear_rate_limit_stats()`; requests without a valid key under "unauthenticated".
    fn rate_limit_stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.control.rate_limit_stats())?)
    }

    /// How `rate_limit_stats()["by_key"]` names a key (a prefix of its SHA-256).
    #[staticmethod]
    fn key_fingerprint(key: &str) -> String {
        ax_emulator::key_fingerprint(key)
    }

    fn clear_rate_limit_stats(&self) {
        self.control.clear_rate_limit_stats();
    }

    /// Pins a run to `status` from now on (e.g. FAILED with a `failure_reason`).
    #[pyo3(signature = (*, run_id, status, failure_reason=None))]
    fn force_run_status(
        &self,
        run_id: &str,
        status: &str,
        failure_reason: Option<&str>,
    ) -> PyResult<()> {
        self.control
            .force_run_status(run_id, status, failure_reason)
            .map_err(control_err)
    }

    /// Creates `tasks` evaluation tasks in the space with `runs_per_task` finished
    /// runs each, quickly (for benchmarks); returns the task IDs.
    #[pyo3(signature = (*, space_id, tasks, runs_per_task=0))]
    fn bulk_seed_tasks(
        &self,
        space_id: &str,
        tasks: usize,
        runs_per_task: usize,
    ) -> PyResult<Vec<String>> {
        self.control
            .bulk_seed_tasks(space_id, tasks, runs_per_task)
            .map_err(control_err)
    }

    fn __repr__(&self) -> String {
        format!(
            "Emulator(url={:?}, running={})",
            self.url,
            self.ensure_running().is_ok()
        )
    }
}
