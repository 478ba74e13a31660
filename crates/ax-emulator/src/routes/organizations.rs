//! `/v2/organizations` (API.md §5). A caller sees the organizations it belongs to.

use std::sync::Arc;

use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{check_filter_len, QueryParams};
use crate::auth::Caller;
use crate::cursor::{json_response, list_response, take_page, PageRequest};
use crate::problem::ApiError;
use crate::server::Shared;
use crate::state::contains_ci;

/// `GET /v2/organizations`
pub(crate) async fn list(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = QueryParams::parse(raw.as_deref());
    let name = q.filter("name");
    check_filter_len("name", name, 255)?;
    let page = PageRequest::parse(&sh.cursors, &q, "organizations", &[name])?;
    let st = sh.state.read();
    let user = caller.user(&st)?;
    let (items, more) = take_page(st.organizations.after(page.after), page.limit, |o| {
        user.in_org(&o.id) && name.is_none_or(|n| contains_ci(&o.name, n))
    });
    Ok(list_response(
        &sh.cursors,
        &page,
        "organizations",
        &items,
        more,
        |o| o.seq,
    ))
}

/// `GET /v2/organizations/{org_id}`
pub(crate) async fn get_one(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(org_id): Path<String>,
) -> Result<Response, ApiError> {
    let st = sh.state.read();
    let user = caller.user(&st)?;
    match st.organizations.get(&org_id) {
        Some(org) if user.in_org(&org.id) => Ok(json_response(StatusCode::OK, org)),
        _ => Err(ApiError::not_found(format!(
            "No organization with id '{org_id}' is visible to this key."
        ))),
    }
}
