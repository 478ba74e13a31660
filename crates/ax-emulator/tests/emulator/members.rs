//! Adding and removing space members.

use ax_emulator::EmulatorOptions;
use serde_json::{json, Value};

use crate::common::*;

fn predefined(name: &str) -> Value {
    json!({"type": "PREDEFINED", "name": name})
}

#[tokio::test]
async fn add_user_upserts_and_returns_membership() {
    let api = start().await;
    let prod = api.space_id("Acme AI", "production");
    let sam = api.user_id("sam.spare@example.com");
    let path = format!("/v2/spaces/{prod}/users");
    let r = api
        .post(
            ADMIN,
            &path,
            &json!({"user_id": sam, "role": predefined("MEMBER")}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["user_id"], sam);
    assert_eq!(r.body["space_id"], prod);
    assert_eq!(r.body["role"], predefined("MEMBER"));
    let membership_id = r.body["id"].as_str().unwrap().to_owned();
    // Upsert: same membership, new role, still 200.
    let r = api
        .post(
            ADMIN,
            &path,
            &json!({"user_id": sam, "role": predefined("READ_ONLY")}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["id"], membership_id);
    assert_eq!(r.body["role"]["name"], "READ_ONLY");
    // Sam can now read the space but not write.
    let key = api.emu.control().create_key(&sam).unwrap();
    assert_eq!(
        api.get(&key, &format!("/v2/spaces/{prod}")).await.status,
        200
    );
    // Remove: 204, then 404 (not a member any more), and the space is invisible again.
    let r = api.delete(ADMIN, &format!("{path}/{sam}")).await;
    assert_eq!(r.status, 204);
    api.delete(ADMIN, &format!("{path}/{sam}"))
        .await
        .assert_problem(404);
    assert_eq!(
        api.get(&key, &format!("/v2/spaces/{prod}")).await.status,
        404
    );
    api.delete(ADMIN, &format!("{path}/unknown-user"))
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn add_user_rules() {
    let api = start().await;
    let prod = api.space_id("Acme AI", "production");
    let path = format!("/v2/spaces/{prod}/users");
    let sam = api.user_id("sam.spare@example.com");
    let zoe = api.user_id("zoe.tagger@example.com");
    let otto = api.user_id("otto.globex@example.com");
    let add = |user: &str, role: Value| json!({"user_id": user, "role": role});

    // Org-membership precondition.
    api.post(ADMIN, &path, &add(&otto, predefined("MEMBER")))
        .await
        .assert_problem(400);
    // Annotator rules.
    api.post(ADMIN, &path, &add(&zoe, predefined("MEMBER")))
        .await
        .assert_problem(400);
    api.post(ADMIN, &path, &add(&sam, predefined("ANNOTATOR")))
        .await
        .assert_problem(400);
    assert_eq!(
        api.post(ADMIN, &path, &add(&zoe, predefined("ANNOTATOR")))
            .await
            .status,
        200
    );
    // Strict role spelling and shape.
    for role in [
        predefined("member"),
        predefined("read-only"),
        predefined("OWNER"),
        json!({"type": "predefined", "name": "MEMBER"}),
        json!({"type": "PREDEFINED"}),
        json!({"type": "PREDEFINED", "name": "MEMBER", "extra": 1}),
        json!({"type": "CUSTOM"}),
        json!("MEMBER"),
    ] {
        api.post(ADMIN, &path, &add(&sam, role))
            .await
            .assert_problem(400);
    }
    api.post(ADMIN, &path, &json!({"user_id": sam}))
        .await
        .assert_problem(400);
    api.post(ADMIN, &path, &json!({"role": predefined("MEMBER")}))
        .await
        .assert_problem(400);
    // Unknown user → 404.
    api.post(
        ADMIN,
        &path,
        &add("VXNlcjo5OTk5OmFiY2Q=", predefined("MEMBER")),
    )
    .await
    .assert_problem(404);
    // Custom roles: the org's own works, another org's or an unknown one is 404.
    let acme_role = api.custom_role("Acme AI");
    let r = api
        .post(
            ADMIN,
            &path,
            &add(
                &sam,
                json!({"type": "CUSTOM", "id": acme_role, "name": "ignored"}),
            ),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["role"]["type"], "CUSTOM");
    assert_eq!(r.body["role"]["id"], acme_role);
    assert_eq!(r.body["role"]["name"], "Reviewer");
    let globex_role = api.custom_role("Globex Research");
    api.post(
        ADMIN,
        &path,
        &add(&sam, json!({"type": "CUSTOM", "id": globex_role})),
    )
    .await
    .assert_problem(404);
    // Permission: MEMBER can read the space but not manage members; outsiders get 404.
    api.post(MEMBER, &path, &add(&sam, predefined("MEMBER")))
        .await
        .assert_problem(403);
    api.delete(MEMBER, &format!("{path}/{sam}"))
        .await
        .assert_problem(403);
    api.post(OUTSIDER, &path, &add(&sam, predefined("MEMBER")))
        .await
        .assert_problem(404);
    api.delete(ORG2, &format!("{path}/{sam}"))
        .await
        .assert_problem(404);
    // Space ADMIN (not account admin) may manage members.
    let staging = api.space_id("Acme AI", "staging");
    let r = api
        .post(
            MEMBER,
            &format!("/v2/spaces/{staging}/users"),
            &add(&sam, predefined("MEMBER")),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn lenient_mode_accepts_other_spellings() {
    let api = start_with(EmulatorOptions {
        lenient: true,
        ..Default::default()
    })
    .await;
    let prod = api.space_id("Acme AI", "production");
    let sam = api.user_id("sam.spare@example.com");
    let r = api
        .post(
            ADMIN,
            &format!("/v2/spaces/{prod}/users"),
            &json!({"user_id": sam, "role": {"type": "predefined", "name": "read-only"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["role"], predefined("READ_ONLY"));
    assert_eq!(api.get(ADMIN, "/v2/users?status=active").await.status, 200);
}
