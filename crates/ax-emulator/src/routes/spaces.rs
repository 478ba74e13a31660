//! `/v2/spaces` (API.md §3).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use super::{
    bool_field, check_fields, check_filter_len, check_len, check_name, parse_object, required_str,
    str_field, Field, Obj, QueryParams,
};
use crate::auth::Caller;
use crate::cursor::{json_response, list_response, take_page, PageRequest};
use crate::problem::ApiError;
use crate::server::Shared;
use crate::state::{
    contains_ci, Access, AccountRole, Membership, PredefinedRole, Space, SpaceRole, State as World,
    User,
};

const NAME_MAX: usize = 255;
const DESCRIPTION_MAX: usize = 1000;

fn space_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("No space with id '{id}' is visible to this key."))
}

/// The space and the caller's access to it; 404 when it does not exist or is invisible.
fn visible<'s>(st: &'s World, user: &User, id: &str) -> Result<(&'s Space, Access), ApiError> {
    let space = st.spaces.get(id).ok_or_else(|| space_not_found(id))?;
    match st.space_access(user, space) {
        Access::None => Err(space_not_found(id)),
        access => Ok((space, access)),
    }
}

/// Like [`visible`], but also requires full (admin) access: 403 otherwise.
fn administered(st: &World, user: &User, id: &str, action: &str) -> Result<(), ApiError> {
    let (_, access) = visible(st, user, id)?;
    if access < Access::Admin {
        return Err(ApiError::forbidden(format!(
            "This key may read the space but not {action}; that needs the space ADMIN role."
        )));
    }
    Ok(())
}

/// `GET /v2/spaces`
pub(crate) async fn list(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = QueryParams::parse(raw.as_deref());
    let org_id = q.filter("org_id");
    let name = q.filter("name");
    check_filter_len("name", name, NAME_MAX)?;
    let page = PageRequest::parse(&sh.cursors, &q, "spaces", &[org_id, name])?;
    let st = sh.state.read();
    let user = caller.user(&st)?;
    let (items, more) = take_page(st.spaces.after(page.after), page.limit, |s| {
        org_id.is_none_or(|o| s.organization_id == o)
            && name.is_none_or(|n| contains_ci(&s.name, n))
            && st.space_access(user, s) != Access::None
    });
    Ok(list_response(
        &sh.cursors,
        &page,
        "spaces",
        &items,
        more,
        |s| s.seq,
    ))
}

/// `GET /v2/spaces/{space_id}`
pub(crate) async fn get_one(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(space_id): Path<String>,
) -> Result<Response, ApiError> {
    let st = sh.state.read();
    let user = caller.user(&st)?;
    let (space, _) = visible(&st, user, &space_id)?;
    Ok(json_response(StatusCode::OK, space))
}

/// `POST /v2/spaces`
pub(crate) async fn create(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let obj = parse_object(&body)?;
    check_fields(
        &obj,
        &["name", "organization_id", "description", "is_private"],
    )?;
    let name = required_str(&obj, "name")?;
    check_name("name", name, NAME_MAX)?;
    let org_id = required_str(&obj, "organization_id")?;
    let description = str_field(&obj, "description")?.or_absent().unwrap_or("");
    check_len("description", description, DESCRIPTION_MAX)?;
    let is_private = bool_field(&obj, "is_private")?.or_absent().unwrap_or(false);

    let mut st = sh.state.write();
    let user = caller.user(&st)?;
    if st.organizations.get(org_id).is_none() || !user.in_org(org_id) {
        return Err(ApiError::not_found(format!(
            "No organization with id '{org_id}' is visible to this key."
        )));
    }
    if user.role == AccountRole::Annotator {
        return Err(ApiError::forbidden(
            "Annotators may not create spaces in this organization.",
        ));
    }
    if st.space_name_taken(org_id, name, None) {
        return Err(ApiError::conflict(format!(
            "A space named '{name}' already exists in this organization."
        )));
    }
    let creator_id = user.id.clone();
    let (seq, id) = st.minter.mint("Space");
    let (_, member_id) = st.minter.mint("SpaceMember");
    let created_at = st.clock.now();
    let space = Space {
        seq,
        id: id.clone(),
        name: name.to_owned(),
        description: description.to_owned(),
        created_at,
        organization_id: org_id.to_owned(),
        is_private,
        default_llm_integration: None,
        ml_models_enabled: None,
        gradient_start_color: None,
        gradient_end_color: None,
        default_agent_runtime: None,
        // The creator administers the new space.
        members: vec![Membership {
            id: member_id,
            user_id: creator_id,
            role: SpaceRole::Predefined(PredefinedRole::Admin),
        }],
    };
    let resp = json_response(StatusCode::CREATED, &space);
    st.spaces.insert(space);
    Ok(resp)
}

/// Validated changes of a PATCH body.
#[derive(Default)]
struct SpacePatch {
    name: Option<String>,
    description: Option<String>,
    is_private: Option<bool>,
    default_llm_integration: Option<Value>,
    ml_models_enabled: Option<bool>,
    gradient_start_color: Option<String>,
    gradient_end_color: Option<String>,
    default_agent_runtime: Option<Value>,
}

const PATCH_FIELDS: &[&str] = &[
    "name",
    "description",
    "is_private",
    "default_llm_integration",
    "ml_models_enabled",
    "gradient_start_color",
    "gradient_end_color",
    "default_agent_runtime",
];

fn not_null<T>(key: &str, f: Field<T>) -> Result<Option<T>, ApiError> {
    match f {
        Field::Absent => Ok(None),
        Field::Null => Err(ApiError::bad_request(format!(
            "Field '{key}' cannot be null."
        ))),
        Field::Value(v) => Ok(Some(v)),
    }
}

/// An object-or-null field with the given string keys (`required` must be present).
fn reference_object(
    obj: &Obj,
    key: &str,
    required: &[&str],
    optional: &[&str],
) -> Result<Option<Value>, ApiError> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(Value::Null)),
        Some(Value::Object(inner)) => {
            for (k, v) in inner {
                if !required.contains(&k.as_str()) && !optional.contains(&k.as_str()) {
                    return Err(ApiError::bad_request(format!("Unknown field '{key}.{k}'.")));
                }
                if !v.is_string() {
                    return Err(ApiError::bad_request(format!(
                        "Field '{key}.{k}' must be a string."
                    )));
                }
            }
            if let Some(missing) = required.iter().find(|k| !inner.contains_key(**k)) {
                return Err(ApiError::bad_request(format!(
                    "Field '{key}.{missing}' is required."
                )));
            }
            Ok(Some(Value::Object(inner.clone())))
        }
        Some(_) => Err(ApiError::bad_request(format!(
            "Field '{key}' must be an object or null."
        ))),
    }
}

fn parse_patch(obj: &Obj) -> Result<SpacePatch, ApiError> {
    check_fields(obj, PATCH_FIELDS)?;
    if obj.is_empty() {
        return Err(ApiError::bad_request(
            "At least one field must be given to update a space.",
        ));
    }
    let name = not_null("name", str_field(obj, "name")?)?;
    if let Some(n) = name {
        check_name("name", n, NAME_MAX)?;
    }
    // `null` clears the description; it is stored and returned as "".
    let description = match str_field(obj, "description")? {
        Field::Absent => None,
        Field::Null => Some(""),
        Field::Value(d) => Some(d),
    };
    if let Some(d) = description {
        check_len("description", d, DESCRIPTION_MAX)?;
    }
    let color = |key: &str| -> Result<Option<String>, ApiError> {
        let v = not_null(key, str_field(obj, key)?)?;
        if let Some(c) = v {
            check_len(key, c, 64)?;
        }
        Ok(v.map(str::to_owned))
    };
    Ok(SpacePatch {
        name: name.map(str::to_owned),
        description: description.map(str::to_owned),
        is_private: not_null("is_private", bool_field(obj, "is_private")?)?,
        default_llm_integration: reference_object(
            obj,
            "default_llm_integration",
            &["integration_id", "model_name"],
            &[],
        )?,
        ml_models_enabled: not_null("ml_models_enabled", bool_field(obj, "ml_models_enabled")?)?,
        gradient_start_color: color("gradient_start_color")?,
        gradient_end_color: color("gradient_end_color")?,
        default_agent_runtime: reference_object(
            obj,
            "default_agent_runtime",
            &["integration_id"],
            &[],
        )?,
    })
}

/// `PATCH /v2/spaces/{space_id}`
pub(crate) async fn update(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(space_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let patch = parse_patch(&parse_object(&body)?)?;
    let mut st = sh.state.write();
    let user = caller.user(&st)?;
    administered(&st, user, &space_id, "update it")?;
    if let Some(name) = &patch.name {
        let org = &st.spaces.get(&space_id).expect("checked").organization_id;
        if st.space_name_taken(org, name, Some(&space_id)) {
            return Err(ApiError::conflict(format!(
                "A space named '{name}' already exists in this organization."
            )));
        }
    }
    let space = st.spaces.get_mut(&space_id).expect("checked");
    if let Some(v) = patch.name {
        space.name = v;
    }
    if let Some(v) = patch.description {
        space.description = v;
    }
    if let Some(v) = patch.is_private {
        space.is_private = v;
    }
    // `null` clears a default: the space then reads like one that never had it.
    if let Some(v) = patch.default_llm_integration {
        space.default_llm_integration = (!v.is_null()).then_some(v);
    }
    if let Some(v) = patch.ml_models_enabled {
        space.ml_models_enabled = Some(v);
    }
    if let Some(v) = patch.gradient_start_color {
        space.gradient_start_color = Some(v);
    }
    if let Some(v) = patch.gradient_end_color {
        space.gradient_end_color = Some(v);
    }
    if let Some(v) = patch.default_agent_runtime {
        space.default_agent_runtime = (!v.is_null()).then_some(v);
    }
    Ok(json_response(StatusCode::OK, &*space))
}

/// `DELETE /v2/spaces/{space_id}`
pub(crate) async fn remove(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(space_id): Path<String>,
) -> Result<Response, ApiError> {
    let mut st = sh.state.write();
    let user = caller.user(&st)?;
    administered(&st, user, &space_id, "delete it")?;
    st.delete_space(&space_id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Parses a `SpaceRoleAssignment` (API.md §3.10).
fn parse_role(v: &Value, lenient: bool) -> Result<SpaceRole, ApiError> {
    let Value::Object(obj) = v else {
        return Err(ApiError::bad_request("Field 'role' must be an object."));
    };
    let type_ = match obj.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(_) => return Err(ApiError::bad_request("Field 'role.type' must be a string.")),
        None => return Err(ApiError::bad_request("Field 'role.type' is required.")),
    };
    let is = |want: &str| {
        if lenient {
            type_.eq_ignore_ascii_case(want)
        } else {
            type_ == want
        }
    };
    let field = |key: &str| -> Result<Option<&str>, ApiError> {
        match obj.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ApiError::bad_request(format!(
                "Field 'role.{key}' must be a string."
            ))),
        }
    };
    let allowed: &[&str] = if is("PREDEFINED") {
        &["type", "name"]
    } else if is("CUSTOM") {
        &["type", "id", "name"]
    } else {
        return Err(ApiError::bad_request(format!(
            "Unknown role type '{type_}'; expected PREDEFINED or CUSTOM."
        )));
    };
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(ApiError::bad_request(format!("Unknown field 'role.{k}'.")));
    }
    if is("PREDEFINED") {
        let name = field("name")?
            .ok_or_else(|| ApiError::bad_request("Field 'role.name' is required."))?;
        let parsed = if lenient {
            PredefinedRole::parse_lenient(name)
        } else {
            PredefinedRole::parse_strict(name)
        };
        parsed.map(SpaceRole::Predefined).ok_or_else(|| {
            ApiError::bad_request(format!(
                "Unknown role name '{name}'; expected ADMIN, MEMBER, READ_ONLY or ANNOTATOR."
            ))
        })
    } else {
        // A `name` on a custom role is read-only and ignored.
        let id = field("id")?
            .filter(|id| !id.is_empty())
            .ok_or_else(|| ApiError::bad_request("Field 'role.id' is required."))?;
        field("name")?;
        Ok(SpaceRole::Custom { id: id.to_owned() })
    }
}

#[derive(Serialize)]
struct RoleJson<'a> {
    #[serde(rename = "type")]
    type_: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

#[derive(Serialize)]
struct MembershipJson<'a> {
    id: &'a str,
    user_id: &'a str,
    space_id: &'a str,
    role: RoleJson<'a>,
}

/// `POST /v2/spaces/{space_id}/users`
pub(crate) async fn add_user(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(space_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let obj = parse_object(&body)?;
    check_fields(&obj, &["user_id", "role"])?;
    let user_id = required_str(&obj, "user_id")?;
    let role = match obj.get("role") {
        None | Some(Value::Null) => return Err(ApiError::bad_request("Field 'role' is required.")),
        Some(v) => parse_role(v, sh.lenient)?,
    };

    let mut st = sh.state.write();
    let caller_user = caller.user(&st)?;
    administered(&st, caller_user, &space_id, "manage its members")?;
    let org_id = st
        .spaces
        .get(&space_id)
        .expect("checked")
        .organization_id
        .clone();
    if let SpaceRole::Custom { id } = &role {
        let found = st
            .custom_roles
            .get(id)
            .is_some_and(|r| r.organization_id == org_id);
        if !found {
            return Err(ApiError::not_found(format!(
                "No role with id '{id}' exists."
            )));
        }
    }
    let target = st
        .users
        .get(user_id)
        .ok_or_else(|| ApiError::not_found(format!("No user with id '{user_id}' exists.")))?;
    if !target.in_org(&org_id) {
        return Err(ApiError::bad_request(
            "The user must be a member of the space's organization before being added to the space.",
        ));
    }
    let wants_annotator = role == SpaceRole::Predefined(PredefinedRole::Annotator);
    if target.role == AccountRole::Annotator && !wants_annotator {
        return Err(ApiError::bad_request(
            "A user whose account role is ANNOTATOR may only be given the ANNOTATOR space role.",
        ));
    }
    if target.role != AccountRole::Annotator && wants_annotator {
        return Err(ApiError::bad_request(
            "The ANNOTATOR space role may only be given to users whose account role is ANNOTATOR.",
        ));
    }
    st.set_membership(&space_id, user_id, Some(role));
    let space = st.spaces.get(&space_id).expect("checked");
    let m = space.member(user_id).expect("just set");
    let role_json = match &m.role {
        SpaceRole::Predefined(p) => RoleJson {
            type_: "PREDEFINED",
            id: None,
            name: Some(p.as_str()),
        },
        SpaceRole::Custom { id } => RoleJson {
            type_: "CUSTOM",
            id: Some(id),
            name: st.custom_roles.get(id).map(|r| r.name.as_str()),
        },
    };
    let body = MembershipJson {
        id: &m.id,
        user_id: &m.user_id,
        space_id: &space.id,
        role: role_json,
    };
    Ok(json_response(StatusCode::OK, &body))
}

/// `DELETE /v2/spaces/{space_id}/users/{user_id}`
pub(crate) async fn remove_user(
    State(sh): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path((space_id, user_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let mut st = sh.state.write();
    let caller_user = caller.user(&st)?;
    administered(&st, caller_user, &space_id, "manage its members")?;
    let is_member = st
        .spaces
        .get(&space_id)
        .is_some_and(|s| s.member(&user_id).is_some());
    if !is_member {
        return Err(ApiError::not_found(format!(
            "User '{user_id}' is not a member of this space."
        )));
    }
    st.set_membership(&space_id, &user_id, None);
    Ok(StatusCode::NO_CONTENT.into_response())
}
