//! `Client` and `AsyncClient`: configuration plus one connection pool, shared by the
//! resource clients hanging off them (`.spaces`, later `.tasks`).

use std::path::PathBuf;
use std::time::Duration;

use ax_core::{Config, ConfigInput};
use pyo3::prelude::*;

use crate::errors::{validation, ToPyErr};
use crate::lookups::*;
use crate::spaces::{AsyncSpacesClient, SpacesClient};
use crate::tasks::{AsyncTasksClient, TasksClient};

fn seconds(py: Python<'_>, field: &str, value: f64) -> PyResult<Duration> {
    if !(value.is_finite() && value > 0.0) {
        return Err(validation(
            py,
            field,
            format!("{field} must be a positive number of seconds, got {value}"),
        ));
    }
    Ok(Duration::from_secs_f64(value))
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

#[allow(clippy::too_many_arguments)]
fn build(
    py: Python<'_>,
    api_key: Option<String>,
    region: Option<String>,
    base_url: Option<String>,
    host: Option<String>,
    scheme: Option<String>,
    port: Option<u16>,
    timeout: f64,
    total_timeout: f64,
    max_retries: u32,
    allow_insecure_http: bool,
    request_verify: Option<bool>,
    ssl_ca_cert: Option<PathBuf>,
    proxy_url: Option<String>,
    retry_backoff: f64,
    retry_backoff_max: f64,
) -> PyResult<ax_core::Client> {
    let input = ConfigInput {
        api_key,
        region,
        base_url,
        host,
        scheme,
        port,
        timeout: Some(seconds(py, "timeout", timeout)?),
        total_timeout: Some(seconds(py, "total_timeout", total_timeout)?),
        max_retries: Some(max_retries),
        allow_insecure_http: Some(allow_insecure_http),
        request_verify,
        ssl_ca_cert,
        proxy_url,
        backoff_initial: Some(backoff_seconds(py, "retry_backoff", retry_backoff)?),
        backoff_max: Some(backoff_seconds(py, "retry_backoff_max", retry_backoff_max)?),
    };
    let config = Config::from_env(input).map_err(|e| e.to_pyerr(py))?;
    ax_core::Client::new(config).map_err(|e| e.to_pyerr(py))
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
                api_key=None, *, region=None, base_url=None, host=None, scheme=None, port=None,
                timeout=30.0, total_timeout=120.0, max_retries=3, allow_insecure_http=false,
                request_verify=None, ssl_ca_cert=None, proxy_url=None, retry_backoff=0.5,
                retry_backoff_max=8.0
            ))]
            #[allow(clippy::too_many_arguments)]
            fn new(
                py: Python<'_>,
                api_key: Option<String>,
                region: Option<String>,
                base_url: Option<String>,
                host: Option<String>,
                scheme: Option<String>,
                port: Option<u16>,
                timeout: f64,
                total_timeout: f64,
                max_retries: u32,
                allow_insecure_http: bool,
                request_verify: Option<bool>,
                ssl_ca_cert: Option<PathBuf>,
                proxy_url: Option<String>,
                retry_backoff: f64,
                retry_backoff_max: f64,
            ) -> PyResult<Self> {
                let core = build(
                    py, api_key, region, base_url, host, scheme, port, timeout, total_timeout,
                    max_retries, allow_insecure_http, request_verify, ssl_ca_cert, proxy_url,
                    retry_backoff, retry_backoff_max,
                )?;
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
