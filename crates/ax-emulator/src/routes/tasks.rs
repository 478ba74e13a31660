//! `/v2/tasks`: list, get and delete (API.md §4.7, §4.9). Create and update live in
//! `task_write.rs`, runs in `runs.rs`.
//!
//! Access follows the task's space: reading needs any access to the space; writing
//! (create, update, delete, trigger, cancel) needs space ADMIN or MEMBER (or account ADMIN
//! in the space's organization). READ_ONLY, ANNOTATOR and custom roles get 403; callers
//! without access get 404.

use std::sync::Arc;

use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{check_filter_len, QueryParams};
use crate::auth::Caller;
use crate::cursor::{json_response, list_response_fast, take_page, PageRequest};
use crate::problem::ApiError;
use crate::server::Shared;
use crate::state::{contains_ci, Access, SpaceAccess, State as World, User};
use crate::tasks::{Task, TaskType, TASK_TYPES};
use crate::validate::enum_str;

const NAME_MAX: usize = 255;

/// The task, if the caller can see it (404 otherwise); with `write`, the caller must also
/// be allowed to change it (403 otherwise).
pub(crate) fn task_for<'s>(
    st: &'s World,
    user: &User,
    id: &str,
    write: bool,
) -> Result<&'s Task, ApiError> {
    let not_found =
        || ApiError::not_found(format!("No task with id '{id}' is visible to this key."));
    let task = st.tasks.get(id).ok_or_else(not_found)?;
    check_space_access(st, user, &task.space_id, write, "tasks").map_err(|e| {
        if e.status == StatusCode::NOT_FOUND {
            not_found()
        } else {
            e
        }
    })?;
    Ok(task)
}

/// 404 without access to the space; with `write`, 403 below MEMBER.
pub(crate) fn check_space_access(
    st: &World,
    user: &User,
    space_id: &str,
    write: bool,
    what: &str,
) -> Result<(), ApiError> {
    match st.access_to(user, space_id) {
        Access::None => Err(ApiError::not_found(format!(
            "No space with id '{space_id}' is visible to this key."
        ))),
        Access::Read if write => Err(ApiError::forbidden(format!(
            "This key may read the space but not change its {what}; that needs the space ADMIN or MEMBER role."
        ))),
        _ => Ok(()),
    }
}

/// `GET /v2/tasks`: newest first.
pub(crate) async fn list(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = QueryParams::parse(raw.as_deref());
    let space_id = q.filter("space_id");
    let space_name = q.filter("space_name");
    let name = q.filter("name");
    let project_id = q.filter("project_id");
    let dataset_id = q.filter("dataset_id");
    check_filter_len("space_name", space_name, NAME_MAX)?;
    check_filter_len("name", name, NAME_MAX)?;
    let kind = match q.filter("type") {
        None => None,
        Some(t) => Some(
            enum_str(t, TASK_TYPES, sh.lenient)
                .and_then(TaskType::from_wire)
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "Unknown task type '{t}'; expected TEMPLATE_EVALUATION, CODE_EVALUATION or RUN_EXPERIMENT."
                    ))
                })?,
        ),
    };
    let page = PageRequest::parse(
        &sh.cursors,
        &q,
        "tasks",
        &[
            space_id,
            space_name,
            name,
            project_id,
            dataset_id,
            kind.map(TaskType::as_str),
        ],
    )?;
    let st = sh.state.read();
    let user = caller.user(&st)?;
    // Filtering on something invisible is a 404 (API.md §4.7).
    if let Some(s) = space_id {
        check_space_access(&st, user, s, false, "tasks")?;
    }
    if let Some(p) = project_id {
        st.visible_row(&st.projects, user, p, "project")?;
    }
    if let Some(d) = dataset_id {
        st.visible_row(&st.datasets, user, d, "dataset")?;
    }
    let mut access = SpaceAccess::new(&st, user);
    let rows = st.tasks_newest_first(space_id, space_name, page.after);
    let (items, more) = take_page(rows, page.limit, |t| {
        space_id.is_none_or(|s| t.space_id == s)
            && name.is_none_or(|n| contains_ci(&t.name, n))
            && project_id.is_none_or(|p| t.project_id.as_deref() == Some(p))
            && dataset_id.is_none_or(|d| t.dataset_id.as_deref() == Some(d))
            && kind.is_none_or(|k| t.kind == k)
            && access.readable(&t.space_id, space_name)
    });
    Ok(list_response_fast(
        &sh.cursors,
        &page,
        "tasks",
        &items,
        more,
        |t| t.seq,
    ))
}

/// `GET /v2/tasks/{task_id}`
pub(crate) async fn get_one(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(task_id): Path<String>,
) -> Result<Response, ApiError> {
    let st = sh.state.read();
    let user = caller.user(&st)?;
    let task = task_for(&st, user, &task_id, false)?;
    Ok(json_response(StatusCode::OK, task))
}

/// `DELETE /v2/tasks/{task_id}`: the task and its runs.
pub(crate) async fn remove(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(task_id): Path<String>,
) -> Result<Response, ApiError> {
    let mut st = sh.state.write();
    let user = caller.user(&st)?;
    task_for(&st, user, &task_id, true)?;
    st.remove_task(&task_id);
    Ok(StatusCode::NO_CONTENT.into_response())
}
