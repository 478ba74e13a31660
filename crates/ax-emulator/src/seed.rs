//! Seed data. IDs come from a fixed-seed generator, so they are the same in every emulator
//! and after every reset; timestamps are one minute apart, starting a day before the
//! emulator started.

use serde_json::{json, Value};

use crate::ids::{Clock, Minter};
use crate::state::{
    AccountRole, CustomRole, Organization, PredefinedRole, Space, SpaceRole, State, UserStatus,
};
use crate::{seed_content, seed_tasks, Seed};

/// The fixed API key of the seeded account admin.
pub const ADMIN_KEY: &str = "emulator-admin-key";

const STEP_MS: i64 = 60_000;

struct Builder {
    st: State,
    /// `(label, key)` of the fixed keys, in seed order.
    keys: Vec<(&'static str, &'static str)>,
}

impl Builder {
    fn org(&mut self, name: &str, description: &str) -> String {
        let (seq, id) = self.st.minter.mint("Organization");
        let created_at = self.st.clock.now();
        self.st.organizations.insert(Organization {
            seq,
            id: id.clone(),
            name: name.to_owned(),
            description: description.to_owned(),
            created_at,
        });
        id
    }

    fn custom_role(&mut self, org_id: &str, name: &str) {
        let (seq, id) = self.st.minter.mint("Role");
        self.st.custom_roles.insert(CustomRole {
            seq,
            id,
            name: name.to_owned(),
            organization_id: org_id.to_owned(),
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn user(
        &mut self,
        name: &str,
        email: &str,
        role: AccountRole,
        status: UserStatus,
        is_developer: bool,
        orgs: &[&str],
        key: Option<(&'static str, &'static str)>,
    ) -> String {
        let org_ids = orgs.iter().map(|o| (*o).to_owned()).collect();
        let id = self
            .st
            .add_user(name, email, role, status, is_developer, org_ids);
        if let Some((label, key)) = key {
            let seq = self.st.users.get(&id).expect("just added").seq;
            self.st.keys.insert(key.to_owned(), seq);
            self.keys.push((label, key));
        }
        id
    }

    fn space(
        &mut self,
        org_id: &str,
        name: &str,
        description: &str,
        members: &[(&str, PredefinedRole)],
    ) {
        let (seq, id) = self.st.minter.mint("Space");
        let created_at = self.st.clock.now();
        self.st.spaces.insert(Space {
            seq,
            id: id.clone(),
            name: name.to_owned(),
            description: description.to_owned(),
            created_at,
            organization_id: org_id.to_owned(),
            is_private: false,
            default_llm_integration: None,
            ml_models_enabled: None,
            gradient_start_color: None,
            gradient_end_color: None,
            default_agent_runtime: None,
            members: Vec::new(),
        });
        for (user_id, role) in members {
            self.st
                .set_membership(&id, user_id, Some(SpaceRole::Predefined(*role)));
        }
    }
}

/// Builds the seeded state (with the seed's own minter and clock; the caller swaps in the
/// run-time ones) and the `seed_info` document describing it.
pub(crate) fn build(seed: Seed, base_ms: i64) -> (State, Value) {
    let mut b = Builder {
        st: State::new(Minter::for_seed(), Clock::manual(base_ms, STEP_MS)),
        keys: Vec::new(),
    };
    use AccountRole as A;
    use PredefinedRole as R;
    use UserStatus::*;

    let acme = b.org(
        "Acme AI",
        "Demo organization with most of the seeded spaces.",
    );
    let globex = b.org("Globex Research", "Second demo organization.");
    b.custom_role(&acme, "Reviewer");
    b.custom_role(&globex, "Reviewer");
    let both = [acme.as_str(), globex.as_str()];
    let ada = b.user(
        "Ada Admin",
        "ada.admin@example.com",
        A::Admin,
        Active,
        true,
        &both,
        Some(("admin", ADMIN_KEY)),
    );
    if let Seed::Demo = seed {
        let acme_only = [acme.as_str()];
        let max = b.user(
            "Max Member",
            "max.member@example.com",
            A::Member,
            Active,
            true,
            &acme_only,
            Some(("member", "emulator-member-key")),
        );
        let rita = b.user(
            "Rita Reader",
            "rita.reader@example.com",
            A::Member,
            Active,
            false,
            &acme_only,
            Some(("read_only", "emulator-readonly-key")),
        );
        let ann = b.user(
            "Ann Annotator",
            "ann.annotator@example.com",
            A::Annotator,
            Active,
            false,
            &acme_only,
            Some(("annotator", "emulator-annotator-key")),
        );
        let otto = b.user(
            "Otto Globex",
            "otto.globex@example.com",
            A::Member,
            Active,
            true,
            &[globex.as_str()],
            Some(("org2", "emulator-org2-key")),
        );
        b.user(
            "Nora Outsider",
            "nora.outsider@example.com",
            A::Member,
            Active,
            false,
            &[],
            Some(("outsider", "emulator-outsider-key")),
        );
        b.user(
            "Sam Spare",
            "sam.spare@example.com",
            A::Member,
            Active,
            false,
            &acme_only,
            None,
        );
        b.user(
            "Zoe Tagger",
            "zoe.tagger@example.com",
            A::Annotator,
            Active,
            false,
            &acme_only,
            None,
        );
        b.user(
            "Ivy Invited",
            "ivy.invited@example.com",
            A::Member,
            Invited,
            false,
            &acme_only,
            None,
        );
        b.user(
            "Eli Expired",
            "eli.expired@example.com",
            A::Member,
            Expired,
            false,
            &acme_only,
            None,
        );

        b.space(
            &acme,
            "production",
            "Production traffic for the support assistant",
            &[
                (&max, R::Member),
                (&rita, R::ReadOnly),
                (&ann, R::Annotator),
            ],
        );
        b.space(
            &acme,
            "staging",
            "Pre-prod checks",
            &[(&max, R::Admin), (&rita, R::ReadOnly)],
        );
        b.space(
            &acme,
            "support-bot-evals",
            "Offline evaluations of the support bot",
            &[(&max, R::Member), (&ann, R::Annotator)],
        );
        b.space(&acme, "playground", "", &[]);
        b.space(
            &globex,
            "production",
            "Globex production traffic",
            &[(&otto, R::Admin)],
        );
        b.space(
            &globex,
            "research-sandbox",
            "Experiments",
            &[(&otto, R::Member)],
        );
        // Every space gets the same content (after all spaces, so space IDs stay put).
        let spaces: Vec<(String, String)> =
            b.st.spaces
                .iter()
                .map(|s| (s.id.clone(), s.organization_id.clone()))
                .collect();
        for (space_id, org_id) in &spaces {
            seed_content::populate(&mut b.st, space_id, org_id, &ada);
        }
        // Then the tasks and runs, so the IDs of everything above stay put.
        for (space_id, _) in &spaces {
            seed_tasks::populate(&mut b.st, space_id, &ada);
        }
    }
    let info = describe(&b.st, &b.keys);
    (b.st, info)
}

/// The `seed_info` document: IDs, names and keys of everything seeded.
fn describe(st: &State, keys: &[(&'static str, &'static str)]) -> Value {
    let key_of = |seq: u64| {
        keys.iter()
            .find(|(_, k)| st.keys.get(*k) == Some(&seq))
            .map(|(_, k)| *k)
    };
    let organizations: Vec<Value> = st
        .organizations
        .iter()
        .map(|o| json!({"id": o.id, "name": o.name}))
        .collect();
    let users: Vec<Value> = st
        .users
        .iter()
        .map(|u| {
            let mut v = json!({
                "id": u.id,
                "name": u.name,
                "email": u.email,
                "account_role": u.role.as_str(),
                "status": u.status,
                "organization_ids": u.org_ids,
            });
            if let Some(k) = key_of(u.seq) {
                v["key"] = json!(k);
            }
            v
        })
        .collect();
    let spaces: Vec<Value> = st
        .spaces
        .iter()
        .map(|s| {
            let members: Vec<Value> = s
                .members
                .iter()
                .map(|m| {
                    let role = match &m.role {
                        SpaceRole::Predefined(p) => p.as_str(),
                        SpaceRole::Custom { .. } => "CUSTOM",
                    };
                    json!({"user_id": m.user_id, "role": role})
                })
                .collect();
            json!({"id": s.id, "name": s.name, "organization_id": s.organization_id, "members": members})
        })
        .collect();
    let custom_roles: Vec<Value> = st
        .custom_roles
        .iter()
        .map(|r| json!({"id": r.id, "name": r.name, "organization_id": r.organization_id}))
        .collect();
    let key_map: serde_json::Map<String, Value> = keys
        .iter()
        .map(|(label, key)| ((*label).to_owned(), json!(key)))
        .collect();
    let mut info = json!({
        "organizations": organizations,
        "users": users,
        "spaces": spaces,
        "keys": key_map,
        "custom_roles": custom_roles,
    });
    if let Value::Object(map) = &mut info {
        seed_content::describe(st, map);
        seed_tasks::describe(st, map);
    }
    info
}
