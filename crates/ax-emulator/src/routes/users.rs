//! `/v2/users` (API.md §5).
//!
//! Visibility: account ADMINs see every user, account MEMBERs see users who share an
//! organization with them, and everyone sees themselves. Listing users is forbidden (403)
//! for ANNOTATOR accounts.

use std::sync::Arc;

use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{check_filter_len, QueryParams};
use crate::auth::Caller;
use crate::cursor::{json_response, list_response, take_page, PageRequest};
use crate::problem::ApiError;
use crate::server::Shared;
use crate::state::{contains_ci, AccountRole, UserStatus};

/// `GET /v2/users`
pub(crate) async fn list(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = QueryParams::parse(raw.as_deref());
    let email = q.filter("email");
    check_filter_len("email", email, 255)?;
    let mut statuses = Vec::new();
    for s in q.all("status") {
        let parsed = if sh.lenient {
            UserStatus::parse(&s.to_ascii_uppercase())
        } else {
            UserStatus::parse(s)
        };
        match parsed {
            Some(st) if !statuses.contains(&st) => statuses.push(st),
            Some(_) => {}
            None => {
                return Err(ApiError::bad_request(format!(
                    "Unknown status '{s}'; expected ACTIVE, INVITED or EXPIRED."
                )))
            }
        }
    }
    // Bind the cursor to the status set regardless of order or repetition.
    let status_key: String = [UserStatus::Active, UserStatus::Invited, UserStatus::Expired]
        .iter()
        .map(|s| if statuses.contains(s) { '1' } else { '0' })
        .collect();
    let page = PageRequest::parse(&sh.cursors, &q, "users", &[email, Some(&status_key)])?;
    let st = sh.state.read();
    let user = caller.user(&st)?;
    if user.role == AccountRole::Annotator {
        return Err(ApiError::forbidden("Annotators may not list users."));
    }
    let (items, more) = take_page(st.users.after(page.after), page.limit, |u| {
        st.user_visible(user, u)
            && email.is_none_or(|e| contains_ci(&u.email, e))
            && (statuses.is_empty() || statuses.contains(&u.status))
    });
    Ok(list_response(
        &sh.cursors,
        &page,
        "users",
        &items,
        more,
        |u| u.seq,
    ))
}

/// `GET /v2/users/{user_id}`
pub(crate) async fn get_one(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    let st = sh.state.read();
    let user = caller.user(&st)?;
    match st.users.get(&user_id) {
        Some(other) if st.user_visible(user, other) => Ok(json_response(StatusCode::OK, other)),
        _ => Err(ApiError::not_found(format!(
            "No user with id '{user_id}' is visible to this key."
        ))),
    }
}
