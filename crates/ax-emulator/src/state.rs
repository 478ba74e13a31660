//! The emulator's data: tables of organizations, users, spaces and roles, plus the access
//! model (see the crate docs).
//!
//! Every resource lives in a [`Table`]: rows ordered by sequence number (= creation order =
//! `created_at` order, since the clock strictly increases) with an index by ID. Child
//! resources of a space (projects, datasets and their versions, experiments, evaluators, AI
//! integrations, tasks, task runs) get their own top-level tables holding a `space_id`
//! column, so a get-by-ID needs no parent, and [`State::delete_space`] removes them too.

use std::collections::{BTreeMap, HashMap};

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::ids::{Clock, Minter, Timestamp};
use crate::resources::{
    AiIntegration, Dataset, DatasetVersion, Evaluator, EvaluatorVersion, Experiment, Project,
};
use crate::runs::{RunTimeline, TaskRun};
use crate::tasks::Task;

/// A row of a [`Table`].
pub(crate) trait Row {
    fn seq(&self) -> u64;
    fn id(&self) -> &str;
}

/// Rows in creation order, indexed by ID.
pub(crate) struct Table<T> {
    rows: BTreeMap<u64, T>,
    index: HashMap<String, u64>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            rows: BTreeMap::new(),
            index: HashMap::new(),
        }
    }
}

impl<T: Row> Table<T> {
    pub(crate) fn insert(&mut self, row: T) {
        self.index.insert(row.id().to_owned(), row.seq());
        self.rows.insert(row.seq(), row);
    }
    pub(crate) fn get(&self, id: &str) -> Option<&T> {
        self.index.get(id).and_then(|seq| self.rows.get(seq))
    }
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        let seq = *self.index.get(id)?;
        self.rows.get_mut(&seq)
    }
    pub(crate) fn by_seq(&self, seq: u64) -> Option<&T> {
        self.rows.get(&seq)
    }
    pub(crate) fn remove(&mut self, id: &str) -> Option<T> {
        let seq = self.index.remove(id)?;
        self.rows.remove(&seq)
    }
    pub(crate) fn remove_seq(&mut self, seq: u64) -> Option<T> {
        let row = self.rows.remove(&seq)?;
        self.index.remove(row.id());
        Some(row)
    }
    /// Removes every row for which `keep` is false.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        let index = &mut self.index;
        self.rows.retain(|_, row| {
            let k = keep(row);
            if !k {
                index.remove(row.id());
            }
            k
        });
    }
    /// Oldest first.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.rows.values()
    }
    /// Oldest first, starting after `seq` (or from the start).
    pub(crate) fn after(&self, seq: Option<u64>) -> impl Iterator<Item = &T> {
        let start = seq.map_or(0, |s| s.saturating_add(1));
        self.rows.range(start..).map(|(_, r)| r)
    }
    /// Newest first, starting before `seq` (or from the newest).
    pub(crate) fn before(&self, seq: Option<u64>) -> impl Iterator<Item = &T> {
        let end = seq.unwrap_or(u64::MAX);
        self.rows.range(..end).rev().map(|(_, r)| r)
    }
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }
}

macro_rules! impl_row {
    ($($t:ty),*) => {$(
        impl Row for $t {
            fn seq(&self) -> u64 { self.seq }
            fn id(&self) -> &str { &self.id }
        }
    )*};
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Organization {
    #[serde(skip)]
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) created_at: Timestamp,
}

/// Account-level role of a user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AccountRole {
    Admin,
    Member,
    Annotator,
}

impl AccountRole {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AccountRole::Admin => "ADMIN",
            AccountRole::Member => "MEMBER",
            AccountRole::Annotator => "ANNOTATOR",
        }
    }
    pub(crate) fn parse(s: &str) -> Option<AccountRole> {
        match s.to_ascii_uppercase().as_str() {
            "ADMIN" => Some(AccountRole::Admin),
            "MEMBER" => Some(AccountRole::Member),
            "ANNOTATOR" => Some(AccountRole::Annotator),
            _ => None,
        }
    }
}

impl Serialize for AccountRole {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        PredefinedJson {
            type_: "PREDEFINED",
            name: self.as_str(),
        }
        .serialize(s)
    }
}

#[derive(Serialize)]
struct PredefinedJson<'a> {
    #[serde(rename = "type")]
    type_: &'a str,
    name: &'a str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum UserStatus {
    Active,
    Invited,
    Expired,
}

impl UserStatus {
    pub(crate) fn parse(s: &str) -> Option<UserStatus> {
        match s {
            "ACTIVE" => Some(UserStatus::Active),
            "INVITED" => Some(UserStatus::Invited),
            "EXPIRED" => Some(UserStatus::Expired),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct User {
    #[serde(skip)]
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) email: String,
    pub(crate) created_at: Timestamp,
    pub(crate) status: UserStatus,
    pub(crate) role: AccountRole,
    pub(crate) is_developer: bool,
    /// Organizations the user belongs to.
    #[serde(skip)]
    pub(crate) org_ids: Vec<String>,
}

impl User {
    pub(crate) fn in_org(&self, org_id: &str) -> bool {
        self.org_ids.iter().any(|o| o == org_id)
    }
    pub(crate) fn shares_org_with(&self, other: &User) -> bool {
        self.org_ids.iter().any(|o| other.in_org(o))
    }
}

/// Built-in space roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PredefinedRole {
    Admin,
    Member,
    ReadOnly,
    Annotator,
}

impl PredefinedRole {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            PredefinedRole::Admin => "ADMIN",
            PredefinedRole::Member => "MEMBER",
            PredefinedRole::ReadOnly => "READ_ONLY",
            PredefinedRole::Annotator => "ANNOTATOR",
        }
    }
    /// Exact wire spelling only.
    pub(crate) fn parse_strict(s: &str) -> Option<PredefinedRole> {
        match s {
            "ADMIN" => Some(PredefinedRole::Admin),
            "MEMBER" => Some(PredefinedRole::Member),
            "READ_ONLY" => Some(PredefinedRole::ReadOnly),
            "ANNOTATOR" => Some(PredefinedRole::Annotator),
            _ => None,
        }
    }
    /// Any case, `-` or space for `_` (`read-only`, `Read_Only`, ...).
    pub(crate) fn parse_lenient(s: &str) -> Option<PredefinedRole> {
        let norm: String = s
            .trim()
            .chars()
            .map(|c| match c {
                '-' | ' ' => '_',
                c => c.to_ascii_uppercase(),
            })
            .collect();
        PredefinedRole::parse_strict(&norm)
    }
}

/// A space role assignment (API.md §3.10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SpaceRole {
    Predefined(PredefinedRole),
    Custom { id: String },
}

#[derive(Clone, Debug)]
pub(crate) struct Membership {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) role: SpaceRole,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Space {
    #[serde(skip)]
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) created_at: Timestamp,
    pub(crate) organization_id: String,
    pub(crate) is_private: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) default_llm_integration: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ml_models_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) gradient_start_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) gradient_end_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) default_agent_runtime: Option<Value>,
    #[serde(skip)]
    pub(crate) members: Vec<Membership>,
}

impl Space {
    pub(crate) fn member(&self, user_id: &str) -> Option<&Membership> {
        self.members.iter().find(|m| m.user_id == user_id)
    }
}

/// A custom RBAC role, scoped to one organization. Grants read access to a space.
#[derive(Clone, Debug)]
pub(crate) struct CustomRole {
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) organization_id: String,
}

impl_row!(Organization, User, Space, CustomRole);

/// What a caller may do with a space.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Access {
    /// Cannot see it: 404 on everything.
    None,
    /// May read (READ_ONLY, ANNOTATOR, custom roles).
    Read,
    /// May read and write content such as tasks (space MEMBER).
    Write,
    /// Full control: update, delete, manage members (space ADMIN, org-member account ADMIN).
    Admin,
}

/// The whole emulated world. Guarded by one `RwLock` in the server.
pub(crate) struct State {
    pub(crate) minter: Minter,
    pub(crate) clock: Clock,
    pub(crate) organizations: Table<Organization>,
    pub(crate) users: Table<User>,
    pub(crate) spaces: Table<Space>,
    pub(crate) custom_roles: Table<CustomRole>,
    /// API key -> user sequence number.
    pub(crate) keys: HashMap<String, u64>,
    pub(crate) projects: Table<Project>,
    pub(crate) datasets: Table<Dataset>,
    pub(crate) dataset_versions: Table<DatasetVersion>,
    pub(crate) experiments: Table<Experiment>,
    pub(crate) evaluators: Table<Evaluator>,
    pub(crate) evaluator_versions: Table<EvaluatorVersion>,
    pub(crate) ai_integrations: Table<AiIntegration>,
    pub(crate) tasks: Table<Task>,
    pub(crate) task_runs: Table<TaskRun>,
    /// `task_name_key(space_id, name)` -> task sequence number (names are unique per space).
    pub(crate) task_names: HashMap<String, u64>,
    /// Task sequence numbers by space (see `task_index`).
    pub(crate) tasks_by_space: crate::task_index::TasksBySpace,
    /// Applies to runs triggered from now on.
    pub(crate) run_timeline: RunTimeline,
}

impl State {
    pub(crate) fn new(minter: Minter, clock: Clock) -> State {
        State {
            minter,
            clock,
            organizations: Table::default(),
            users: Table::default(),
            spaces: Table::default(),
            custom_roles: Table::default(),
            keys: HashMap::new(),
            projects: Table::default(),
            datasets: Table::default(),
            dataset_versions: Table::default(),
            experiments: Table::default(),
            evaluators: Table::default(),
            evaluator_versions: Table::default(),
            ai_integrations: Table::default(),
            tasks: Table::default(),
            task_runs: Table::default(),
            task_names: HashMap::new(),
            tasks_by_space: Default::default(),
            run_timeline: RunTimeline::default(),
        }
    }

    /// The user an API key belongs to.
    pub(crate) fn user_for_key(&self, key: &str) -> Option<u64> {
        self.keys.get(key).copied()
    }

    /// The caller's rights on a space (crate docs, "Access model").
    pub(crate) fn space_access(&self, caller: &User, space: &Space) -> Access {
        if caller.role == AccountRole::Admin && caller.in_org(&space.organization_id) {
            return Access::Admin;
        }
        match space.member(&caller.id).map(|m| &m.role) {
            None => Access::None,
            Some(SpaceRole::Predefined(PredefinedRole::Admin)) => Access::Admin,
            Some(SpaceRole::Predefined(PredefinedRole::Member)) => Access::Write,
            Some(SpaceRole::Predefined(_)) | Some(SpaceRole::Custom { .. }) => Access::Read,
        }
    }

    /// The caller's rights on the space with this ID (`None` when it does not exist).
    pub(crate) fn access_to(&self, caller: &User, space_id: &str) -> Access {
        self.spaces
            .get(space_id)
            .map_or(Access::None, |s| self.space_access(caller, s))
    }

    /// Whether `caller` may see user `other` (itself; any user when account ADMIN; users
    /// sharing an organization when account MEMBER; annotators see only themselves).
    pub(crate) fn user_visible(&self, caller: &User, other: &User) -> bool {
        caller.seq == other.seq
            || match caller.role {
                AccountRole::Admin => true,
                AccountRole::Member => caller.shares_org_with(other),
                AccountRole::Annotator => false,
            }
    }

    /// Deletes a space and everything inside it: projects, datasets and their versions,
    /// experiments, evaluators and their versions, AI integrations, tasks and task runs.
    pub(crate) fn delete_space(&mut self, space_id: &str) -> Option<Space> {
        let space = self.spaces.remove(space_id)?;
        let gone = |s: &str| s != space_id;
        self.projects.retain(|r| gone(&r.space_id));
        self.datasets.retain(|r| gone(&r.space_id));
        self.dataset_versions.retain(|r| gone(&r.space_id));
        self.experiments.retain(|r| gone(&r.space_id));
        self.evaluator_versions.retain(|r| gone(&r.space_id));
        self.evaluators.retain(|r| gone(&r.space_id));
        self.ai_integrations.retain(|r| gone(&r.space_id));
        let names = &mut self.task_names;
        self.tasks.retain(|t| {
            let keep = gone(&t.space_id);
            if !keep {
                names.remove(&crate::tasks::task_name_key(&t.space_id, &t.name));
            }
            keep
        });
        self.tasks_by_space.remove_space(space_id);
        self.task_runs.retain(|r| gone(&r.space_id));
        Some(space)
    }

    /// Whether a space named `name` exists in `org_id` (other than `except_id`).
    pub(crate) fn space_name_taken(
        &self,
        org_id: &str,
        name: &str,
        except_id: Option<&str>,
    ) -> bool {
        self.spaces.iter().any(|s| {
            s.organization_id == org_id && s.name == name && Some(s.id.as_str()) != except_id
        })
    }

    /// Creates a user (used by the seed and the control surface).
    pub(crate) fn add_user(
        &mut self,
        name: &str,
        email: &str,
        role: AccountRole,
        status: UserStatus,
        is_developer: bool,
        org_ids: Vec<String>,
    ) -> String {
        let (seq, id) = self.minter.mint("User");
        let created_at = self.clock.now();
        self.users.insert(User {
            seq,
            id: id.clone(),
            name: name.to_owned(),
            email: email.to_owned(),
            created_at,
            status,
            role,
            is_developer,
            org_ids,
        });
        id
    }

    /// Sets (or with `None` removes) a user's membership in a space. Returns false when the
    /// space does not exist.
    pub(crate) fn set_membership(
        &mut self,
        space_id: &str,
        user_id: &str,
        role: Option<SpaceRole>,
    ) -> bool {
        let Some(space) = self.spaces.get(space_id) else {
            return false;
        };
        let exists = space.member(user_id).is_some();
        let new_id = if role.is_some() && !exists {
            Some(self.minter.mint("SpaceMember").1)
        } else {
            None
        };
        let space = self.spaces.get_mut(space_id).expect("checked above");
        match role {
            None => space.members.retain(|m| m.user_id != user_id),
            Some(role) => match space.members.iter_mut().find(|m| m.user_id == user_id) {
                Some(m) => m.role = role,
                None => space.members.push(Membership {
                    id: new_id.expect("minted above"),
                    user_id: user_id.to_owned(),
                    role,
                }),
            },
        }
        true
    }
}

/// Memoized access checks for one caller while scanning rows of many spaces: the
/// caller's access to each space and that space's name.
pub(crate) struct SpaceAccess<'a> {
    st: &'a State,
    user: &'a User,
    cache: HashMap<String, (Access, &'a str)>,
}

impl<'a> SpaceAccess<'a> {
    pub(crate) fn new(st: &'a State, user: &'a User) -> SpaceAccess<'a> {
        SpaceAccess {
            st,
            user,
            cache: HashMap::new(),
        }
    }

    /// `(access, space name)`; `(Access::None, "")` for an unknown space.
    pub(crate) fn get(&mut self, space_id: &str) -> (Access, &'a str) {
        if let Some(hit) = self.cache.get(space_id) {
            return *hit;
        }
        let st = self.st;
        let found = st.spaces.get(space_id).map_or((Access::None, ""), |s| {
            (st.space_access(self.user, s), s.name.as_str())
        });
        self.cache.insert(space_id.to_owned(), found);
        found
    }

    /// Whether the caller may read rows of the space, and its name passes the
    /// `space_name` filter.
    pub(crate) fn readable(&mut self, space_id: &str, space_name: Option<&str>) -> bool {
        let (access, name) = self.get(space_id);
        access != Access::None && space_name.is_none_or(|n| contains_ci(name, n))
    }
}

/// Case-insensitive substring test without allocating in the common (ASCII) case.
pub(crate) fn contains_ci(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if haystack.is_ascii() && needle.is_ascii() {
        let (h, n) = (haystack.as_bytes(), needle.as_bytes());
        return h.len() >= n.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contains_ci_works() {
        assert!(contains_ci("Production", "DUCT"));
        assert!(contains_ci("anything", ""));
        assert!(!contains_ci("prod", "production"));
        assert!(contains_ci("Ünïcode Späce", "SPÄCE"));
    }

    #[test]
    fn lenient_roles() {
        assert_eq!(
            PredefinedRole::parse_lenient("read-only"),
            Some(PredefinedRole::ReadOnly)
        );
        assert_eq!(PredefinedRole::parse_strict("member"), None);
    }
}
