//! The control surface: the [`Control`] handle and the `/_emulator` routes that expose it
//! over HTTP (no authentication; served only when `EmulatorOptions::control` is true).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::cursor::json_response;
use crate::faults::{Fault, FaultStats, RequestRecord};
use crate::problem::ApiError;
use crate::server::Shared;
use crate::state::{AccountRole, PredefinedRole, SpaceRole, UserStatus};

/// A cheap, cloneable handle onto a running emulator's state, for tests and tools.
#[derive(Clone)]
pub struct Control {
    pub(crate) shared: Arc<Shared>,
}

/// An error of a control operation, with the HTTP status the control routes answer with.
pub(crate) struct ControlError(pub(crate) StatusCode, pub(crate) String);

impl ControlError {
    pub(crate) fn bad(msg: impl Into<String>) -> ControlError {
        ControlError(StatusCode::BAD_REQUEST, msg.into())
    }
    pub(crate) fn missing(msg: impl Into<String>) -> ControlError {
        ControlError(StatusCode::NOT_FOUND, msg.into())
    }
}

impl From<ControlError> for ApiError {
    fn from(e: ControlError) -> ApiError {
        ApiError::new(e.0, e.1)
    }
}

pub(crate) type CResult<T> = Result<T, ControlError>;

impl Control {
    /// Back to the fresh seed state (same fixed keys and seeded IDs); clears faults, the
    /// fault statistics and the request log, refills the rate limit's buckets and zeroes
    /// its statistics (the limit itself and the latency stay), restarts the fault
    /// generator from its seed and restores the default run timeline. Keys, users, tasks
    /// and runs created since start are gone.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// IDs, names and keys of what was seeded:
    /// `{"organizations":[{id,name}], "users":[{id,name,email,account_role,status,
    /// organization_ids,key?}], "spaces":[{id,name,organization_id,members:[{user_id,role}]}],
    /// "keys":{"admin":..,..}, "custom_roles":[{id,name,organization_id}],
    /// "projects":[{id,name,space_id}], "datasets":[{id,name,space_id,versions:[{id,name}]}]
    /// (versions oldest first), "experiments":[{id,name,space_id,dataset_id,
    /// dataset_version_id}], "evaluators":[{id,name,space_id,type,versions:[{id,
    /// commit_hash}]}], "ai_integrations":[{id,name,space_id,provider}],
    /// "tasks":[{id,name,type,space_id,project_id,dataset_id}],
    /// "task_runs":[{id,task_id,space_id,status}]}` (lists oldest first; a run's `status`
    /// is the one it holds).
    pub fn seed_info(&self) -> Value {
        self.shared.seed_info.clone()
    }

    /// Creates an ACTIVE user with an account role (`ADMIN`, `MEMBER` or `ANNOTATOR`, any
    /// case) in the given organizations. Returns the user ID.
    pub fn create_user(
        &self,
        name: &str,
        email: &str,
        account_role: &str,
        org_ids: &[String],
    ) -> Result<String, String> {
        self.create_user_inner(name, email, account_role, org_ids)
            .map_err(|e| e.1)
    }

    fn create_user_inner(
        &self,
        name: &str,
        email: &str,
        role: &str,
        org_ids: &[String],
    ) -> CResult<String> {
        let role = AccountRole::parse(role).ok_or_else(|| {
            ControlError::bad(format!(
                "Unknown account role '{role}'; expected ADMIN, MEMBER or ANNOTATOR."
            ))
        })?;
        if name.trim().is_empty() || email.trim().is_empty() {
            return Err(ControlError::bad("name and email must not be empty."));
        }
        let mut st = self.shared.state.write();
        if let Some(missing) = org_ids.iter().find(|o| st.organizations.get(o).is_none()) {
            return Err(ControlError::missing(format!(
                "No organization with id '{missing}'."
            )));
        }
        if st.users.iter().any(|u| u.email.eq_ignore_ascii_case(email)) {
            return Err(ControlError(
                StatusCode::CONFLICT,
                format!("A user with email '{email}' already exists."),
            ));
        }
        let mut orgs = org_ids.to_vec();
        orgs.dedup();
        Ok(st.add_user(name, email, role, UserStatus::Active, false, orgs))
    }

    /// Issues a new API key for a user.
    pub fn create_key(&self, user_id: &str) -> Result<String, String> {
        self.create_key_inner(user_id).map_err(|e| e.1)
    }

    fn create_key_inner(&self, user_id: &str) -> CResult<String> {
        let mut st = self.shared.state.write();
        let seq = st
            .users
            .get(user_id)
            .map(|u| u.seq)
            .ok_or_else(|| ControlError::missing(format!("No user with id '{user_id}'.")))?;
        let key = st.minter.api_key();
        st.keys.insert(key.clone(), seq);
        Ok(key)
    }

    /// Sets a user's role in a space (`ADMIN`, `MEMBER`, `READ_ONLY`, `ANNOTATOR`, any case,
    /// `-` for `_`; or the ID of a custom role of the space's organization). `None` removes
    /// the membership. Unlike the API, this adds the user to the space's organization when
    /// needed and does not apply the annotator rules.
    pub fn set_space_role(
        &self,
        space_id: &str,
        user_id: &str,
        role: Option<&str>,
    ) -> Result<(), String> {
        self.set_space_role_inner(space_id, user_id, role)
            .map_err(|e| e.1)
    }

    fn set_space_role_inner(
        &self,
        space_id: &str,
        user_id: &str,
        role: Option<&str>,
    ) -> CResult<()> {
        let mut st = self.shared.state.write();
        let org_id = st
            .spaces
            .get(space_id)
            .map(|s| s.organization_id.clone())
            .ok_or_else(|| ControlError::missing(format!("No space with id '{space_id}'.")))?;
        if st.users.get(user_id).is_none() {
            return Err(ControlError::missing(format!(
                "No user with id '{user_id}'."
            )));
        }
        let role = match role {
            None => None,
            Some(r) => Some(match PredefinedRole::parse_lenient(r) {
                Some(p) => SpaceRole::Predefined(p),
                None if st
                    .custom_roles
                    .get(r)
                    .is_some_and(|c| c.organization_id == org_id) =>
                {
                    SpaceRole::Custom { id: r.to_owned() }
                }
                None => {
                    return Err(ControlError::bad(format!(
                        "Unknown role '{r}'; expected ADMIN, MEMBER, READ_ONLY, ANNOTATOR or a custom role ID."
                    )))
                }
            }),
        };
        if role.is_some() {
            let user = st.users.get_mut(user_id).expect("checked");
            if !user.in_org(&org_id) {
                user.org_ids.push(org_id);
            }
        }
        st.set_membership(space_id, user_id, role);
        Ok(())
    }

    /// Creates a user in the space's organization holding `role` in that space (`ADMIN`,
    /// `MEMBER`, `READ_ONLY`, `ANNOTATOR`, or `NONE` for a user with no access to it) and
    /// returns a new key for that user. ANNOTATOR users get the ANNOTATOR account role, the
    /// others MEMBER.
    pub fn key_for_space_role(&self, space_id: &str, role: &str) -> Result<String, String> {
        self.key_for_space_role_inner(space_id, role)
            .map(|(key, _)| key)
            .map_err(|e| e.1)
    }

    fn key_for_space_role_inner(&self, space_id: &str, role: &str) -> CResult<(String, String)> {
        let predefined = if role.eq_ignore_ascii_case("none") {
            None
        } else {
            Some(PredefinedRole::parse_lenient(role).ok_or_else(|| {
                ControlError::bad(format!(
                    "Unknown role '{role}'; expected ADMIN, MEMBER, READ_ONLY, ANNOTATOR or NONE."
                ))
            })?)
        };
        let mut st = self.shared.state.write();
        let org_id = st
            .spaces
            .get(space_id)
            .map(|s| s.organization_id.clone())
            .ok_or_else(|| ControlError::missing(format!("No space with id '{space_id}'.")))?;
        let account = match predefined {
            Some(PredefinedRole::Annotator) => AccountRole::Annotator,
            _ => AccountRole::Member,
        };
        let label = predefined
            .map_or("none", |p| p.as_str())
            .to_ascii_lowercase();
        let n = st.users.len() + 1;
        let name = format!("Space {label} user {n}");
        let email = format!("space-{label}-{n}@emulator.local");
        let user_id = st.add_user(
            &name,
            &email,
            account,
            UserStatus::Active,
            false,
            vec![org_id],
        );
        if let Some(p) = predefined {
            st.set_membership(space_id, &user_id, Some(SpaceRole::Predefined(p)));
        }
        let key = st.minter.api_key();
        let seq = st.users.get(&user_id).expect("just added").seq;
        st.keys.insert(key.clone(), seq);
        Ok((key, user_id))
    }

    /// Adds a fault (see [`Fault`]).
    ///
    /// # Panics
    ///
    /// When the fault is invalid ([`Fault::validate`]); [`Control::try_add_fault`] returns
    /// the error instead.
    pub fn add_fault(&self, fault: Fault) {
        if let Err(e) = self.try_add_fault(fault) {
            panic!("invalid fault: {e}");
        }
    }

    /// Adds a fault after checking it ([`Fault::validate`]).
    pub fn try_add_fault(&self, fault: Fault) -> Result<(), String> {
        fault.validate()?;
        self.shared.faults.add(fault);
        Ok(())
    }

    /// Removes every fault (the statistics stay).
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// Restarts the generator that decides faults with `probability < 1` from `seed`:
    /// the same seed and the same sequence of requests fault the same requests. The seed
    /// is kept across [`Control::reset`], which restarts the generator from it. The
    /// initial seed is 0.
    pub fn set_fault_seed(&self, seed: u64) {
        self.shared.faults.set_seed(seed);
    }

    /// Requests seen and faults fired since start, the last [`Control::reset`] or
    /// [`Control::clear_fault_stats`] (see [`FaultStats`]).
    pub fn fault_stats(&self) -> FaultStats {
        self.shared.faults.stats()
    }

    /// Zeroes the fault statistics.
    pub fn clear_fault_stats(&self) {
        self.shared.faults.clear_stats();
    }

    /// Every `/v2` request seen (including ones answered by a fault or with 401), oldest
    /// first, as logged when answered; at most the last 100 000.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.log.snapshot()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.shared.log.clear();
    }
}

/// The `/_emulator` routes.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_emulator/reset", post(reset))
        .route("/_emulator/seed", get(seed))
        .route("/_emulator/users", post(create_user))
        .route("/_emulator/keys", post(create_key))
        .route("/_emulator/space-roles", put(set_space_role))
        .route("/_emulator/faults", post(add_fault).delete(clear_faults))
        .route("/_emulator/faults/seed", post(set_fault_seed))
        .route(
            "/_emulator/faults/stats",
            get(fault_stats).delete(clear_fault_stats),
        )
        .route("/_emulator/requests", get(requests).delete(clear_requests))
        .merge(crate::control_runs::router())
}

pub(crate) fn control(sh: Arc<Shared>) -> Control {
    Control { shared: sh }
}

pub(crate) fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::bad_request(format!("Invalid body: {e}.")))
}

async fn reset(State(sh): State<Arc<Shared>>) -> Response {
    let c = control(sh);
    c.reset();
    json_response(StatusCode::OK, &c.seed_info())
}

async fn seed(State(sh): State<Arc<Shared>>) -> Response {
    json_response(StatusCode::OK, &control(sh).seed_info())
}

#[derive(Deserialize)]
struct NewUser {
    name: String,
    email: String,
    account_role: String,
    #[serde(default)]
    organization_ids: Vec<String>,
}

async fn create_user(State(sh): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    let b: NewUser = parse(&body)?;
    let id =
        control(sh).create_user_inner(&b.name, &b.email, &b.account_role, &b.organization_ids)?;
    Ok(json_response(StatusCode::CREATED, &json!({ "id": id })))
}

#[derive(Deserialize)]
struct NewKey {
    user_id: Option<String>,
    space_id: Option<String>,
    role: Option<String>,
}

async fn create_key(State(sh): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    let b: NewKey = parse(&body)?;
    let c = control(sh);
    let (key, user_id) = match (b.user_id, b.space_id, b.role) {
        (Some(user_id), None, None) => (c.create_key_inner(&user_id)?, user_id),
        (None, Some(space_id), Some(role)) => c.key_for_space_role_inner(&space_id, &role)?,
        _ => {
            return Err(ApiError::bad_request(
                "Give either {user_id} or {space_id, role}.",
            ))
        }
    };
    Ok(json_response(
        StatusCode::CREATED,
        &json!({ "key": key, "user_id": user_id }),
    ))
}

#[derive(Deserialize)]
struct SpaceRoleBody {
    space_id: String,
    user_id: String,
    #[serde(default)]
    role: Option<String>,
}

async fn set_space_role(State(sh): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    let b: SpaceRoleBody = parse(&body)?;
    control(sh).set_space_role_inner(&b.space_id, &b.user_id, b.role.as_deref())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn add_fault(State(sh): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    let f: Fault = parse(&body)?;
    control(sh)
        .try_add_fault(f)
        .map_err(ApiError::bad_request)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedBody {
    seed: u64,
}

async fn set_fault_seed(State(sh): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    let b: SeedBody = parse(&body)?;
    control(sh).set_fault_seed(b.seed);
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn fault_stats(State(sh): State<Arc<Shared>>) -> Response {
    json_response(StatusCode::OK, &control(sh).fault_stats())
}

async fn clear_fault_stats(State(sh): State<Arc<Shared>>) -> Response {
    control(sh).clear_fault_stats();
    StatusCode::NO_CONTENT.into_response()
}

async fn clear_faults(State(sh): State<Arc<Shared>>) -> Response {
    control(sh).clear_faults();
    StatusCode::NO_CONTENT.into_response()
}

async fn requests(State(sh): State<Arc<Shared>>) -> Response {
    json_response(StatusCode::OK, &control(sh).requests())
}

async fn clear_requests(State(sh): State<Arc<Shared>>) -> Response {
    control(sh).clear_requests();
    StatusCode::NO_CONTENT.into_response()
}
