//! Supporting read endpoints (API.md §5): projects, datasets, experiments, evaluators and
//! their versions, and AI integrations. Each lives in a space and is visible exactly when
//! the space is.
//!
//! Lists take `space_id`, `space_name` and `name` (case-insensitive substrings for the
//! names) plus per-resource filters, and the usual `limit`/`cursor`. An unknown or
//! invisible `space_id` (or experiments' `dataset_id`) yields an empty list, like the
//! spaces list's `org_id`. Orders: projects and AI integrations oldest first; datasets,
//! experiments and evaluator versions newest first; evaluators most recently updated first.

use std::sync::Arc;

use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use super::{check_filter_len, QueryParams};
use crate::auth::Caller;
use crate::cursor::{json_response, list_response, take_page, PageRequest};
use crate::problem::ApiError;
use crate::resources::{
    DatasetWithVersions, EvaluatorVersion, EvaluatorWithVersion, InSpace, SpaceChild, PROJECT_TYPES,
};
use crate::server::Shared;
use crate::state::{contains_ci, Row, SpaceAccess, State as World, Table};
use crate::validate::enum_str;

const NAME_MAX: usize = 255;

/// One page of `rows` in the list's order, keeping the rows `keep` passes.
fn page_of<T: Row + Serialize>(
    sh: &Shared,
    page: &PageRequest,
    key: &'static str,
    rows: &Table<T>,
    newest_first: bool,
    keep: impl FnMut(&T) -> bool,
) -> Response {
    let (items, more) = if newest_first {
        take_page(rows.before(page.after), page.limit, keep)
    } else {
        take_page(rows.after(page.after), page.limit, keep)
    };
    list_response(&sh.cursors, page, key, &items, more, |r| r.seq())
}

/// The common list handler: filters `space_id`, `space_name`, `name`, plus `extra`
/// (bound into the cursor) checked by `keep`.
#[allow(clippy::too_many_arguments)]
fn list_children<T: SpaceChild>(
    sh: &Shared,
    caller: Caller,
    q: &QueryParams,
    key: &'static str,
    table: fn(&World) -> &Table<T>,
    newest_first: bool,
    extra: &[Option<&str>],
    keep: impl Fn(&World, &T) -> bool,
) -> Result<Response, ApiError> {
    let space_id = q.filter("space_id");
    let space_name = q.filter("space_name");
    let name = q.filter("name");
    check_filter_len("space_name", space_name, NAME_MAX)?;
    check_filter_len("name", name, NAME_MAX)?;
    let mut filters = vec![space_id, space_name, name];
    filters.extend_from_slice(extra);
    let page = PageRequest::parse(&sh.cursors, q, key, &filters)?;
    let st = sh.state.read();
    let user = caller.user(&st)?;
    let mut access = SpaceAccess::new(&st, user);
    let pass = |row: &T| {
        space_id.is_none_or(|s| row.space_id() == s)
            && name.is_none_or(|n| contains_ci(row.name(), n))
            && keep(&st, row)
            && access.readable(row.space_id(), space_name)
    };
    Ok(page_of(sh, &page, key, table(&st), newest_first, pass))
}

/// A row the caller can read, or 404.
fn get_child<'s, T: InSpace>(
    st: &'s World,
    caller: Caller,
    table: &'s Table<T>,
    id: &str,
    what: &str,
) -> Result<&'s T, ApiError> {
    let user = caller.user(st)?;
    st.visible_row(table, user, id, what)
}

/// A row the caller can read, as JSON, or 404.
fn get_response<T: InSpace>(
    sh: &Shared,
    caller: Caller,
    table: fn(&World) -> &Table<T>,
    id: &str,
    what: &str,
) -> Result<Response, ApiError> {
    let st = sh.state.read();
    let row = get_child(&st, caller, table(&st), id, what)?;
    Ok(json_response(StatusCode::OK, row))
}

/// `GET /v2/projects` (extra filter `project_type`)
pub(crate) async fn list_projects(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = QueryParams::parse(raw.as_deref());
    let project_type = match q.filter("project_type") {
        None => None,
        Some(t) => Some(enum_str(t, PROJECT_TYPES, sh.lenient).ok_or_else(|| {
            ApiError::bad_request(format!(
                "Unknown project_type '{t}'; expected APPLICATION, HARNESS or EXPERIMENT."
            ))
        })?),
    };
    list_children(
        &sh,
        caller,
        &q,
        "projects",
        |st| &st.projects,
        false,
        &[project_type],
        |_, p| project_type.is_none_or(|t| p.project_type == Some(t)),
    )
}

/// `GET /v2/projects/{project_id}`
pub(crate) async fn get_project(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    get_response(&sh, caller, |st| &st.projects, &id, "project")
}

/// `GET /v2/datasets` (without `versions`)
pub(crate) async fn list_datasets(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = QueryParams::parse(raw.as_deref());
    list_children(
        &sh,
        caller,
        &q,
        "datasets",
        |st| &st.datasets,
        true,
        &[],
        |_, _| true,
    )
}

/// `GET /v2/datasets/{dataset_id}` (with `versions`, newest first)
pub(crate) async fn get_dataset(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let st = sh.state.read();
    let dataset = get_child(&st, caller, &st.datasets, &id, "dataset")?;
    let versions = st
        .dataset_versions
        .iter()
        .rev()
        .filter(|v| v.dataset_id == dataset.id)
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &DatasetWithVersions { dataset, versions },
    ))
}

/// `GET /v2/experiments` (extra filter `dataset_id`; with `space_id` too it is a 400)
pub(crate) async fn list_experiments(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = QueryParams::parse(raw.as_deref());
    let dataset_id = q.filter("dataset_id");
    if dataset_id.is_some() && q.filter("space_id").is_some() {
        return Err(ApiError::bad_request(
            "Filter experiments by 'dataset_id' or by 'space_id', not both.",
        ));
    }
    list_children(
        &sh,
        caller,
        &q,
        "experiments",
        |st| &st.experiments,
        true,
        &[dataset_id],
        |_, e| dataset_id.is_none_or(|d| e.dataset_id == d),
    )
}

/// `GET /v2/experiments/{experiment_id}`
pub(crate) async fn get_experiment(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    get_response(&sh, caller, |st| &st.experiments, &id, "experiment")
}

/// `GET /v2/evaluators`
pub(crate) async fn list_evaluators(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = QueryParams::parse(raw.as_deref());
    list_children(
        &sh,
        caller,
        &q,
        "evaluators",
        |st| &st.evaluators,
        true,
        &[],
        |_, _| true,
    )
}

/// `GET /v2/evaluators/{evaluator_id}?version_id=` (latest version by default)
pub(crate) async fn get_evaluator(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = QueryParams::parse(raw.as_deref());
    let st = sh.state.read();
    let evaluator = get_child(&st, caller, &st.evaluators, &id, "evaluator")?;
    let version = match q.filter("version_id") {
        Some(vid) => st
            .evaluator_versions
            .get(vid)
            .filter(|v| v.evaluator_id == evaluator.id)
            .ok_or_else(|| {
                ApiError::not_found(format!("Evaluator '{id}' has no version with id '{vid}'."))
            })?,
        None => st
            .evaluator_versions
            .iter()
            .rev()
            .find(|v| v.evaluator_id == evaluator.id)
            .ok_or_else(|| ApiError::not_found(format!("Evaluator '{id}' has no versions.")))?,
    };
    Ok(json_response(
        StatusCode::OK,
        &EvaluatorWithVersion { evaluator, version },
    ))
}

/// `GET /v2/evaluators/{evaluator_id}/versions`: newest first, `limit` and `cursor`.
pub(crate) async fn list_evaluator_versions(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = QueryParams::parse(raw.as_deref());
    let key = "evaluator_versions";
    let page = PageRequest::parse(&sh.cursors, &q, key, &[Some(&id)])?;
    let st = sh.state.read();
    let evaluator = get_child(&st, caller, &st.evaluators, &id, "evaluator")?;
    let mine = |v: &EvaluatorVersion| v.evaluator_id == evaluator.id;
    Ok(page_of(&sh, &page, key, &st.evaluator_versions, true, mine))
}

/// `GET /v2/evaluator-versions/{version_id}`
pub(crate) async fn get_evaluator_version(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    get_response(
        &sh,
        caller,
        |st| &st.evaluator_versions,
        &id,
        "evaluator version",
    )
}

/// `GET /v2/ai-integrations`
pub(crate) async fn list_ai_integrations(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = QueryParams::parse(raw.as_deref());
    list_children(
        &sh,
        caller,
        &q,
        "ai_integrations",
        |st| &st.ai_integrations,
        false,
        &[],
        |_, _| true,
    )
}

/// `GET /v2/ai-integrations/{integration_id}`
pub(crate) async fn get_ai_integration(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    get_response(&sh, caller, |st| &st.ai_integrations, &id, "AI integration")
}
