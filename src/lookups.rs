//! The clients of the supporting read-only resources (`client.organizations`, `.users`,
//! `.projects`, `.datasets`, `.experiments`, `.evaluators`, `.ai_integrations`), with the
//! official SDK's method and keyword names. One template, [`lookup_client!`], writes the
//! blocking and the asyncio class of each from a short declaration; every method calls the
//! generic functions of `ax_core::api::lookups`.

use ax_core::api::lookups::{
    self, AiIntegrations, Datasets, EvaluatorVersions, Evaluators, Experiments, GetParams,
    ListParams, LookupResource, Organizations, Projects, Record, Users, DATASET_VERSION_COLUMNS,
};
use pyo3::prelude::*;

use crate::call::{object, run, run_walk, Mode};
use crate::page::{BindResource, Page};
use crate::records::record_class;
use crate::warn;

record_class!(Organization, "Organization", Organizations::COLUMNS, []);
record_class!(User, "User", Users::COLUMNS, []);
record_class!(Project, "Project", Projects::COLUMNS, []);
record_class!(
    DatasetVersion,
    "DatasetVersion",
    DATASET_VERSION_COLUMNS,
    []
);
record_class!(Dataset, "Dataset", Datasets::COLUMNS, ["versions" => DatasetVersion]);
record_class!(Experiment, "Experiment", Experiments::COLUMNS, []);
record_class!(
    EvaluatorVersion,
    "EvaluatorVersion",
    EvaluatorVersions::COLUMNS,
    []
);
record_class!(Evaluator, "Evaluator", Evaluators::COLUMNS, ["version" => EvaluatorVersion]);
record_class!(AiIntegration, "AiIntegration", AiIntegrations::COLUMNS, []);

/// Binds a core resource to its record class.
macro_rules! bind {
    ($($resource:ty => $class:ident),* $(,)?) => {$(
        impl BindResource for $resource {
            const COLLECTION_ATTR: &'static str = <$resource as ax_core::paginate::Resource>::COLLECTION;
            fn item_to_py(py: Python<'_>, item: Record) -> PyResult<Py<PyAny>> {
                $class::make(py, item)
            }
        }
    )*};
}

bind!(
    Organizations => Organization,
    Users => User,
    Projects => Project,
    Datasets => Dataset,
    Experiments => Experiment,
    Evaluators => Evaluator,
    EvaluatorVersions => EvaluatorVersion,
    AiIntegrations => AiIntegration,
);

fn page_to_py<R: BindResource>(py: Python<'_>, p: ax_core::Page<R>) -> PyResult<Py<PyAny>> {
    object(py, Page::single(py, p)?)
}

fn listing_to_py<R: BindResource>(py: Python<'_>, l: ax_core::Listing<R>) -> PyResult<Py<PyAny>> {
    object(py, Page::all(l))
}

fn item_to_py<R: BindResource<Item = Record>>(py: Python<'_>, item: Record) -> PyResult<Py<PyAny>> {
    R::item_to_py(py, item)
}

fn maybe_item_to_py<R: BindResource<Item = Record>>(
    py: Python<'_>,
    item: Option<Record>,
) -> PyResult<Py<PyAny>> {
    match item {
        Some(i) => R::item_to_py(py, i),
        None => Ok(py.None()),
    }
}

/// `get` of a resource resolved by [`lookups::get`].
async fn get_scoped<R: LookupResource>(
    core: ax_core::Client,
    ident: String,
    p: GetParams,
) -> ax_core::Result<Option<Record>> {
    lookups::get::<R>(&core, &ident, &p).await.map(Some)
}

/// `users.get`: an ID, or an exact e-mail (`None` when nobody has it). Generic only to share
/// the call shape of [`get_scoped`] in the class template.
#[allow(clippy::extra_unused_type_parameters)]
async fn get_user<R>(
    core: ax_core::Client,
    ident: String,
    _: GetParams,
) -> ax_core::Result<Option<Record>> {
    lookups::get_user(&core, &ident).await
}

/// Writes the blocking and the asyncio client class of one resource.
///
/// `list(filter: Type, ...)` names the list keywords (fields of `ListParams`), `get(arg;
/// scope, ...)` the get keyword and its scope keywords (fields of `GetParams`), `get_with`
/// the core call of `get`, `versions` adds the evaluator-version methods.
macro_rules! lookup_client {
    (
        $sync:ident, $async_:ident, $label:literal, $resource:ty,
        list($($filter:ident: $ftype:ty),*),
        get($arg:ident; $($scope:ident),*) with $get:ident
        $(, versions $versions:ident)?
    ) => {
        lookup_client!(@class $sync, stringify!($sync), Mode::Blocking, $label, $resource,
            [$($filter: $ftype),*], $arg, [$($scope),*], $get $(, $versions)?);
        lookup_client!(@class $async_, stringify!($async_), Mode::Async, $label, $resource,
            [$($filter: $ftype),*], $arg, [$($scope),*], $get $(, $versions)?);
    };
    (
        @class $class:ident, $pyname:expr, $mode:expr, $label:literal, $resource:ty,
        [$($filter:ident: $ftype:ty),*], $arg:ident, [$($scope:ident),*], $get:ident
        $(, $versions:ident)?
    ) => {
        #[doc = concat!("The `", $label, "` operations (`list`, `list_all`, `get`).")]
        #[pyclass(module = "arize_ax._native", frozen)]
        pub struct $class {
            core: ax_core::Client,
        }

        impl $class {
            pub fn new(core: ax_core::Client) -> Self {
                $class { core }
            }
        }

        #[pymethods]
        impl $class {
            /// One page of the listing.
            #[pyo3(signature = (*, $($filter=None,)* limit=50, cursor=None))]
            fn list(
                &self,
                py: Python<'_>,
                $($filter: $ftype,)*
                limit: u32,
                cursor: Option<String>,
            ) -> PyResult<Py<PyAny>> {
                warn::prerelease(py, concat!($label, ".list"))?;
                let p = ListParams { $($filter,)* limit: Some(limit), cursor, ..Default::default() };
                let core = self.core.clone();
                run(py, $mode, async move { lookups::list::<$resource>(&core, &p).await }, page_to_py::<$resource>)
            }

            /// Every page of the listing, fetched with the next request in flight.
            #[pyo3(signature = (*, $($filter=None,)* limit=100))]
            fn list_all(
                &self,
                py: Python<'_>,
                $($filter: $ftype,)*
                limit: u32,
            ) -> PyResult<Py<PyAny>> {
                warn::prerelease(py, concat!($label, ".list"))?;
                let p = ListParams { $($filter,)* limit: Some(limit), ..Default::default() };
                run_walk(
                    py,
                    $mode,
                    &self.core,
                    |core| async move {
                        lookups::list_listing::<$resource>(&core, p).await
                    },
                    listing_to_py::<$resource>,
                )
            }

            /// One item by name or ID.
            #[pyo3(signature = (*, $arg $(, $scope=None)*))]
            fn get(
                &self,
                py: Python<'_>,
                $arg: String,
                $($scope: Option<String>,)*
            ) -> PyResult<Py<PyAny>> {
                warn::prerelease(py, concat!($label, ".get"))?;
                let p = GetParams { $($scope,)* ..Default::default() };
                let core = self.core.clone();
                run(py, $mode, $get::<$resource>(core, $arg, p), maybe_item_to_py::<$resource>)
            }

            $(
            /// One page of an evaluator's versions (newest first).
            #[pyo3(signature = (*, evaluator, space=None, limit=50, cursor=None))]
            fn list_versions(
                &self,
                py: Python<'_>,
                evaluator: String,
                space: Option<String>,
                limit: u32,
                cursor: Option<String>,
            ) -> PyResult<Py<PyAny>> {
                warn::prerelease(py, concat!($label, ".list_versions"))?;
                let core = self.core.clone();
                run(
                    py,
                    $mode,
                    async move {
                        lookups::list_versions(&core, &evaluator, space.as_deref(), Some(limit), cursor.as_deref()).await
                    },
                    page_to_py::<$versions>,
                )
            }

            /// Every version of an evaluator.
            #[pyo3(signature = (*, evaluator, space=None, limit=100))]
            fn list_versions_all(
                &self,
                py: Python<'_>,
                evaluator: String,
                space: Option<String>,
                limit: u32,
            ) -> PyResult<Py<PyAny>> {
                warn::prerelease(py, concat!($label, ".list_versions"))?;
                run_walk(
                    py,
                    $mode,
                    &self.core,
                    |core| async move {
                        lookups::list_versions_listing(&core, evaluator, space, Some(limit)).await
                    },
                    listing_to_py::<$versions>,
                )
            }

            /// One evaluator version by ID.
            #[pyo3(signature = (*, version_id))]
            fn get_version(&self, py: Python<'_>, version_id: String) -> PyResult<Py<PyAny>> {
                warn::prerelease(py, concat!($label, ".get_version"))?;
                let core = self.core.clone();
                run(py, $mode, async move { lookups::get_version(&core, &version_id).await }, item_to_py::<$versions>)
            }
            )?

            fn __repr__(&self) -> String {
                format!("{}(base_url={:?})", $pyname, self.core.base_url())
            }
        }
    };
}

lookup_client!(OrganizationsClient, AsyncOrganizationsClient, "organizations", Organizations,
    list(name: Option<String>), get(organization;) with get_scoped);
lookup_client!(UsersClient, AsyncUsersClient, "users", Users,
    list(email: Option<String>, status: Option<Vec<String>>), get(user;) with get_user);
lookup_client!(ProjectsClient, AsyncProjectsClient, "projects", Projects,
    list(name: Option<String>, space: Option<String>), get(project; space) with get_scoped);
lookup_client!(DatasetsClient, AsyncDatasetsClient, "datasets", Datasets,
    list(name: Option<String>, space: Option<String>), get(dataset; space) with get_scoped);
lookup_client!(ExperimentsClient, AsyncExperimentsClient, "experiments", Experiments,
    list(dataset: Option<String>, space: Option<String>), get(experiment; dataset, space) with get_scoped);
lookup_client!(EvaluatorsClient, AsyncEvaluatorsClient, "evaluators", Evaluators,
    list(name: Option<String>, space: Option<String>), get(evaluator; space, version_id) with get_scoped,
    versions EvaluatorVersions);
lookup_client!(AiIntegrationsClient, AsyncAiIntegrationsClient, "ai_integrations", AiIntegrations,
    list(name: Option<String>, space: Option<String>), get(integration; space) with get_scoped);

/// Adds every class of this module to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Organization>()?;
    m.add_class::<User>()?;
    m.add_class::<Project>()?;
    m.add_class::<Dataset>()?;
    m.add_class::<DatasetVersion>()?;
    m.add_class::<Experiment>()?;
    m.add_class::<Evaluator>()?;
    m.add_class::<EvaluatorVersion>()?;
    m.add_class::<AiIntegration>()?;
    m.add_class::<OrganizationsClient>()?;
    m.add_class::<AsyncOrganizationsClient>()?;
    m.add_class::<UsersClient>()?;
    m.add_class::<AsyncUsersClient>()?;
    m.add_class::<ProjectsClient>()?;
    m.add_class::<AsyncProjectsClient>()?;
    m.add_class::<DatasetsClient>()?;
    m.add_class::<AsyncDatasetsClient>()?;
    m.add_class::<ExperimentsClient>()?;
    m.add_class::<AsyncExperimentsClient>()?;
    m.add_class::<EvaluatorsClient>()?;
    m.add_class::<AsyncEvaluatorsClient>()?;
    m.add_class::<AiIntegrationsClient>()?;
    m.add_class::<AsyncAiIntegrationsClient>()?;
    Ok(())
}
