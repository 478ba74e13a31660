//! `Client` and `AsyncClient`: configuration plus one connection pool, shared by the
//! resource clients hanging off them (`.spaces`, `.tasks`, the lookups).
//!
//! The constructor takes the official `ArizeClient` keywords (`api_host`, `api_scheme`,
//! `api_port`, `single_host`, `single_port`, `base_domain`, `region` as a string or enum
//! member, `default_headers`, and the ones without effect on REST), our own (`base_url`,
//! `profile`, timeouts, retries, TLS), and reads arguments > environment > the official
//! CLI's profile (`~/.arize`) > defaults through ax-core.

use std::path::PathBuf;
use std::time::Duration;

use ax_core::{Config, ConfigInput};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};

use crate::errors::{validation, ToPyErr};
use crate::lookups::*;
use crate::spaces::{AsyncSpacesClient, SpacesClient};
use crate::tasks::{AsyncTasksClient, TasksClient};

/// A positive, finite number of seconds that fits a `Duration` (a value too large for one
/// is refused like any other bad value, never a panic).
pub(crate) fn seconds(py: Python<'_>, field: &str, value: f64) -> PyResult<Duration> {
    match Duration::try_from_secs_f64(value) {
        Ok(d) if value.is_finite() && value > 0.0 => Ok(d),
        _ => Err(validation(
            py,
            field,
            format!("{field} must be a positive number of seconds, got {value}"),
        )),
    }
}

fn backoff_seconds(py: Python<'_>, field: &str, value: f64) -> PyResult<Duration> {
    if !(value.is_finite() && (0.0..=3600.0).contains(&value)) {
        return Err(validation(
            py,
            field,
            format!("{field} must be a number of seconds from 0 to 3600, got {value}"),
        ));
    }
    Ok(Duration::from_secs_f64(value))
}

/// What a keyword of the official SDK that does not affect REST must be.
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Int,
    Number,
    Bool,
}

/// The official `ArizeClient` keywords that configure OTLP, Arrow Flight, streaming, local
/// caching and the urllib3 pool: accepted (and type-checked) so SDK code runs unchanged;
/// they have no effect on the REST calls made here.
const SDK_ONLY: [(&str, Kind); 14] = [
    ("otlp_host", Kind::Str),
    ("otlp_scheme", Kind::Str),
    ("otlp_port", Kind::Int),
    ("flight_host", Kind::Str),
    ("flight_port", Kind::Int),
    ("flight_scheme", Kind::Str),
    ("pyarrow_max_chunksize", Kind::Int),
    ("stream_max_workers", Kind::Int),
    ("stream_max_queue_bound", Kind::Int),
    ("max_http_payload_size_mb", Kind::Number),
    ("arize_directory", Kind::Str),
    ("enable_caching", Kind::Bool),
    ("max_past_years", Kind::Int),
    ("connection_pool_maxsize", Kind::Int),
];

fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// Checks the keywords collected by `**sdk_options`: known official ones of the right type
/// (or None); anything else is the usual TypeError.
fn check_sdk_options(class: &str, options: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
    let Some(options) = options else {
        return Ok(());
    };
    for (key, value) in options.iter() {
        let name: String = key.extract()?;
        let Some((_, kind)) = SDK_ONLY.iter().find(|(n, _)| *n == name) else {
            return Err(PyTypeError::new_err(format!(
                "{class}() got an unexpected keyword argument '{name}'"
            )));
        };
        if value.is_none() {
            continue;
        }
        let is_bool = value.is_instance_of::<PyBool>();
        let ok = match kind {
            Kind::Str => value.is_instance_of::<PyString>(),
            Kind::Int => value.is_instance_of::<PyInt>() && !is_bool,
            Kind::Number => {
                (value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>()) && !is_bool
            }
            Kind::Bool => is_bool,
        };
        if !ok {
            let wanted = match kind {
                Kind::Str => "a str",
                Kind::Int => "an int",
                Kind::Number => "a number",
                Kind::Bool => "a bool",
            };
            return Err(PyTypeError::new_err(format!(
                "{name} must be {wanted} or None, got {}",
                type_name(&value)
            )));
        }
    }
    Ok(())
}

/// `region`: a string (value, SDK enum name or alias), or an enum member whose `.value` is
/// one (`arize.regions.Region.EU_WEST_1A`, `arize_ax.Region.EU_WEST_1A`). `UNSET` (`""`)
/// means no region.
fn region_text(region: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    let Some(r) = region.filter(|r| !r.is_none()) else {
        return Ok(None);
    };
    if let Ok(s) = r.cast::<PyString>() {
        return Ok(Some(s.to_str()?.to_owned()));
    }
    if let Ok(v) = r.getattr("value") {
        if let Ok(s) = v.cast::<PyString>() {
            return Ok(Some(s.to_str()?.to_owned()).filter(|s| !s.is_empty()));
        }
    }
    Err(PyTypeError::new_err(format!(
        "region must be a str or a Region member (e.g. Region.EU_WEST_1A), got {}",
        type_name(r)
    )))
}

/// One setting given under our name or the SDK's (`host` / `api_host`); both is an error.
fn either<T>(ours: Option<T>, official: Option<T>, a: &str, b: &str) -> PyResult<Option<T>> {
    match (ours, official) {
        (Some(_), Some(_)) => Err(PyTypeError::new_err(format!(
            "{a} and {b} are the same setting ({b} is the official SDK's name); give only one"
        ))),
        (x, None) | (None, x) => Ok(x),
    }
}

fn headers(value: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    let Some(v) = value.filter(|v| !v.is_none()) else {
        return Ok(Vec::new());
    };
    let dict = v.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(format!(
            "default_headers must be a dict of str to str, got {}",
            type_name(v)
        ))
    })?;
    let mut out = Vec::with_capacity(dict.len());
    for (k, val) in dict.iter() {
        let (Ok(k), Ok(val)) = (k.cast::<PyString>(), val.cast::<PyString>()) else {
            return Err(PyTypeError::new_err(
                "default_headers keys and values must be strings",
            ));
        };
        out.push((k.to_str()?.to_owned(), val.to_str()?.to_owned()));
    }
    Ok(out)
}

/// Every constructor argument.
struct Args<'a, 'py> {
    class: &'static str,
    api_key: Option<String>,
    profile: Option<String>,
    region: Option<&'a Bound<'py, PyAny>>,
    base_url: Option<String>,
    host: Option<String>,
    api_host: Option<String>,
    scheme: Option<String>,
    api_scheme: Option<String>,
    port: Option<u16>,
    api_port: Option<u16>,
    single_host: Option<String>,
    single_port: Option<u16>,
    base_domain: Option<String>,
    timeout: f64,
    total_timeout: f64,
    max_retries: u32,
    max_requests_per_second: Option<f64>,
    allow_insecure_http: bool,
    request_verify: Option<bool>,
    ssl_ca_cert: Option<PathBuf>,
    proxy_url: Option<String>,
    retry_backoff: f64,
    retry_backoff_max: f64,
    default_headers: Option<&'a Bound<'py, PyAny>>,
    sdk_options: Option<&'a Bound<'py, PyDict>>,
}

fn build(py: Python<'_>, a: Args<'_, '_>) -> PyResult<ax_core::Client> {
    check_sdk_options(a.class, a.sdk_options)?;
    let input = ConfigInput {
        api_key: a.api_key,
        region: region_text(a.region)?,
        base_url: a.base_url,
        host: either(a.host, a.api_host, "host", "api_host")?,
        scheme: either(a.scheme, a.api_scheme, "scheme", "api_scheme")?,
        port: either(a.port, a.api_port, "port", "api_port")?,
        single_host: a.single_host,
        single_port: a.single_port,
        base_domain: a.base_domain,
        timeout: Some(seconds(py, "timeout", a.timeout)?),
        total_timeout: Some(seconds(py, "total_timeout", a.total_timeout)?),
        max_retries: Some(a.max_retries),
        max_requests_per_second: a.max_requests_per_second,
        allow_insecure_http: Some(a.allow_insecure_http),
        request_verify: a.request_verify,
        ssl_ca_cert: a.ssl_ca_cert,
        proxy_url: a.proxy_url,
        backoff_initial: Some(backoff_seconds(py, "retry_backoff", a.retry_backoff)?),
        backoff_max: Some(backoff_seconds(
            py,
            "retry_backoff_max",
            a.retry_backoff_max,
        )?),
        default_headers: headers(a.default_headers)?,
        profile: None,
    };
    // Reads at most one small profile file (~/.arize); no network.
    let config =
        Config::from_env_and_profiles(input, a.profile.as_deref()).map_err(|e| e.to_pyerr(py))?;
    let mut client = ax_core::Client::new(config).map_err(|e| e.to_pyerr(py))?;
    crate::rate_log::log_rate_limits(&mut client);
    Ok(client)
}

macro_rules! client_class {
    (
        $class:ident, $pyname:literal, $spaces:ident, $tasks:ident,
        { $($field:ident: $sub:ident = $doc:literal),* $(,)? }
    ) => {
        #[pyclass(module = "arize_ax._native", name = $pyname, frozen)]
        pub struct $class {
            core: ax_core::Client,
            spaces: Py<$spaces>,
            tasks: Py<$tasks>,
            $($field: Py<$sub>,)*
        }

        #[pymethods]
        impl $class {
            #[new]
            #[pyo3(signature = (
                api_key=None, *, profile=None, region=None, base_url=None, host=None,
                api_host=None, scheme=None, api_scheme=None, port=None, api_port=None,
                single_host=None, single_port=None, base_domain=None, timeout=30.0,
                total_timeout=120.0, max_retries=3, max_requests_per_second=None,
                allow_insecure_http=false,
                request_verify=None, ssl_ca_cert=None, proxy_url=None, retry_backoff=0.5,
                retry_backoff_max=8.0, default_headers=None, **sdk_options
            ))]
            #[allow(clippy::too_many_arguments)]
            fn new(
                py: Python<'_>,
                api_key: Option<String>,
                profile: Option<String>,
                region: Option<&Bound<'_, PyAny>>,
                base_url: Option<String>,
                host: Option<String>,
                api_host: Option<String>,
                scheme: Option<String>,
                api_scheme: Option<String>,
                port: Option<u16>,
                api_port: Option<u16>,
                single_host: Option<String>,
                single_port: Option<u16>,
                base_domain: Option<String>,
                timeout: f64,
                total_timeout: f64,
                max_retries: u32,
                max_requests_per_second: Option<f64>,
                allow_insecure_http: bool,
                request_verify: Option<bool>,
                ssl_ca_cert: Option<PathBuf>,
                proxy_url: Option<String>,
                retry_backoff: f64,
                retry_backoff_max: f64,
                default_headers: Option<&Bound<'_, PyAny>>,
                sdk_options: Option<&Bound<'_, PyDict>>,
            ) -> PyResult<Self> {
                let core = build(py, Args {
                    class: $pyname, api_key, profile, region, base_url, host, api_host,
                    scheme, api_scheme, port, api_port, single_host, single_port,
                    base_domain, timeout, total_timeout, max_retries, max_requests_per_second,
                    allow_insecure_http,
                    request_verify, ssl_ca_cert, proxy_url, retry_backoff, retry_backoff_max,
                    default_headers, sdk_options,
                })?;
                let spaces = Py::new(py, $spaces::new(core.clone()))?;
                let tasks = Py::new(py, $tasks::new(core.clone()))?;
                $(let $field = Py::new(py, $sub::new(core.clone()))?;)*
                Ok($class { core, spaces, tasks, $($field,)* })
            }

            $(
            #[doc = $doc]
            #[getter]
            fn $field(&self, py: Python<'_>) -> Py<$sub> {
                self.$field.clone_ref(py)
            }
            )*

            /// Spaces operations.
            #[getter]
            fn spaces(&self, py: Python<'_>) -> Py<$spaces> {
                self.spaces.clone_ref(py)
            }

            /// Tasks and task-run operations.
            #[getter]
            fn tasks(&self, py: Python<'_>) -> Py<$tasks> {
                self.tasks.clone_ref(py)
            }

            /// The API root this client talks to (without `/v2`).
            #[getter]
            fn base_url(&self) -> &str {
                self.core.base_url()
            }

            /// The request budget as it stands (see the docs' "Rate limits"): the rate
            /// requests are spaced at and where it comes from, a pause after a 429 still in
            /// force, and how many requests were refused or held back.
            fn rate_limit_state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                crate::rate_log::state_dict(py, &self.core.rate_limit())
            }

            fn __repr__(&self) -> String {
                format!("{}(base_url={:?})", $pyname, self.core.base_url())
            }

            fn __enter__(slf: Py<Self>) -> Py<Self> {
                slf
            }

            fn __exit__(
                &self,
                _exc_type: &Bound<'_, PyAny>,
                _exc: &Bound<'_, PyAny>,
                _tb: &Bound<'_, PyAny>,
            ) -> bool {
                false
            }
        }
    };
}

client_class!(Client, "Client", SpacesClient, TasksClient, {
    organizations: OrganizationsClient = "Organizations (read): `list`, `list_all`, `get`.",
    users: UsersClient = "Account users (read): `list`, `list_all`, `get` by ID or e-mail.",
    projects: ProjectsClient = "Projects (read): `list`, `list_all`, `get`.",
    datasets: DatasetsClient = "Datasets (read): `list`, `list_all`, `get` (with versions).",
    experiments: ExperimentsClient = "Experiments (read): `list`, `list_all`, `get`.",
    evaluators: EvaluatorsClient = "Evaluators (read): `list`, `list_all`, `get`, versions.",
    ai_integrations: AiIntegrationsClient = "AI integrations (read): `list`, `list_all`, `get`.",
});
client_class!(AsyncClient, "AsyncClient", AsyncSpacesClient, AsyncTasksClient, {
    organizations: AsyncOrganizationsClient = "Organizations (read): `list`, `list_all`, `get`.",
    users: AsyncUsersClient = "Account users (read): `list`, `list_all`, `get` by ID or e-mail.",
    projects: AsyncProjectsClient = "Projects (read): `list`, `list_all`, `get`.",
    datasets: AsyncDatasetsClient = "Datasets (read): `list`, `list_all`, `get` (with versions).",
    experiments: AsyncExperimentsClient = "Experiments (read): `list`, `list_all`, `get`.",
    evaluators: AsyncEvaluatorsClient = "Evaluators (read): `list`, `list_all`, `get`, versions.",
    ai_integrations: AsyncAiIntegrationsClient = "AI integrations (read): `list`, `list_all`, `get`.",
});
