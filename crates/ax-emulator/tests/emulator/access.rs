//! Authentication and the 403-vs-404 matrix.

use reqwest::Method;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn missing_or_unknown_key_is_401_everywhere() {
    let api = start().await;
    for path in [
        "/v2/spaces",
        "/v2/organizations",
        "/v2/users",
        "/v2/no-such-route",
    ] {
        let r = api.send(Method::GET, None, path, None).await;
        r.assert_problem(401);
        assert_eq!(r.body["title"], "Authentication required");
        assert_eq!(r.body["instance"], path);
        assert_eq!(r.headers["www-authenticate"], "Bearer");
        api.get("wrong-key", path).await.assert_problem(401);
    }
    let r = api
        .send(Method::DELETE, None, "/v2/spaces/anything", None)
        .await;
    r.assert_problem(401);
    // Scheme is case-insensitive; other schemes are not accepted.
    let url = format!("{}/v2/spaces", api.emu.url());
    let ok = api
        .http
        .get(&url)
        .header("Authorization", format!("bearer {ADMIN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let basic = api
        .http
        .get(&url)
        .header("Authorization", format!("Basic {ADMIN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
    // With a key, an unknown route is a 404 problem.
    api.get(ADMIN, "/v2/no-such-route")
        .await
        .assert_problem(404);
    // Wrong method: 405 problem.
    api.send(Method::PUT, Some(ADMIN), "/v2/spaces", Some("{}"))
        .await
        .assert_problem(405);
}

/// Status of GET, PATCH, DELETE and add-user on a space for a key.
async fn matrix(api: &Api, key: &str, space: &str) -> [u16; 4] {
    let path = format!("/v2/spaces/{space}");
    let get = api.get(key, &path).await.status;
    // An invalid body (empty name) would be 400 after the access check passes, so use
    // bodies that are valid: a no-op rename to a fresh name is still a write.
    let patch = api
        .patch(key, &path, &json!({"description": "touched"}))
        .await
        .status;
    let add = api
        .post(
            key,
            &format!("{path}/users"),
            &json!({"user_id": api.user_id("sam.spare@example.com"), "role": {"type": "PREDEFINED", "name": "READ_ONLY"}}),
        )
        .await
        .status;
    // Delete last, and only assert it where it must not succeed.
    let delete = if get == 200 && patch == 200 {
        0
    } else {
        api.delete(key, &path).await.status
    };
    [get, patch, delete, add]
}

#[tokio::test]
async fn space_access_matrix() {
    let api = start().await;
    let prod = api.space_id("Acme AI", "production");
    let staging = api.space_id("Acme AI", "staging");
    let playground = api.space_id("Acme AI", "playground");
    let globex_prod = api.space_id("Globex Research", "production");

    // MEMBER / READ_ONLY / ANNOTATOR on Acme production: read ok, writes 403.
    assert_eq!(matrix(&api, MEMBER, &prod).await, [200, 403, 403, 403]);
    assert_eq!(matrix(&api, READ_ONLY, &prod).await, [200, 403, 403, 403]);
    assert_eq!(matrix(&api, ANNOTATOR, &prod).await, [200, 403, 403, 403]);
    // No membership: 404 on everything, writes included.
    assert_eq!(matrix(&api, OUTSIDER, &prod).await, [404, 404, 404, 404]);
    assert_eq!(matrix(&api, ORG2, &prod).await, [404, 404, 404, 404]);
    assert_eq!(
        matrix(&api, MEMBER, &playground).await,
        [404, 404, 404, 404]
    );
    assert_eq!(
        matrix(&api, ANNOTATOR, &staging).await,
        [404, 404, 404, 404]
    );
    // Space ADMIN and org-member account ADMIN: full access.
    assert_eq!(matrix(&api, MEMBER, &staging).await[..2], [200, 200]);
    assert_eq!(matrix(&api, ADMIN, &playground).await[..2], [200, 200]);
    assert_eq!(matrix(&api, ORG2, &globex_prod).await[..2], [200, 200]);
    // The 403 body is a problem with the right title.
    let r = api.delete(READ_ONLY, &format!("/v2/spaces/{prod}")).await;
    r.assert_problem(403);
    assert_eq!(r.body["title"], "Access forbidden");
    // Unknown IDs (any string) are 404.
    for id in ["nope", "U3BhY2U6OTk5OTk6YWJjZA==", "a%2Fb"] {
        api.get(ADMIN, &format!("/v2/spaces/{id}"))
            .await
            .assert_problem(404);
    }
}

#[tokio::test]
async fn keys_for_space_roles() {
    let api = start().await;
    let c = api.emu.control();
    let staging = api.space_id("Acme AI", "staging");
    let path = format!("/v2/spaces/{staging}");
    let none = c.key_for_space_role(&staging, "NONE").unwrap();
    let ro = c.key_for_space_role(&staging, "read-only").unwrap();
    let adm = c.key_for_space_role(&staging, "ADMIN").unwrap();
    let ann = c.key_for_space_role(&staging, "ANNOTATOR").unwrap();
    assert_eq!(api.get(&none, &path).await.status, 404);
    assert_eq!(api.get(&ro, &path).await.status, 200);
    assert_eq!(api.get(&ann, &path).await.status, 200);
    let body = json!({"description": "x"});
    assert_eq!(api.patch(&ro, &path, &body).await.status, 403);
    assert_eq!(api.patch(&ann, &path, &body).await.status, 403);
    assert_eq!(api.patch(&adm, &path, &body).await.status, 200);
    assert!(c.key_for_space_role("nope", "ADMIN").is_err());
    assert!(c.key_for_space_role(&staging, "OWNER").is_err());
}

#[tokio::test]
async fn list_spaces_shows_only_visible_ones() {
    let api = start().await;
    let r = api.get(MEMBER, "/v2/spaces").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        names(&r, "spaces"),
        ["production", "staging", "support-bot-evals"]
    );
    let r = api.get(ADMIN, "/v2/spaces").await;
    assert_eq!(
        names(&r, "spaces"),
        [
            "production",
            "staging",
            "support-bot-evals",
            "playground",
            "production",
            "research-sandbox"
        ]
    );
    assert_eq!(r.body["pagination"], json!({"has_more": false}));
    // Exact shape of a space.
    let s = &r.body["spaces"][0];
    assert_eq!(s["organization_id"], api.org_id("Acme AI"));
    assert_eq!(
        s["description"],
        "Production traffic for the support assistant"
    );
    assert_eq!(s["is_private"], false);
    assert!(s["created_at"].as_str().unwrap().ends_with('Z'));
    // Ambiguous name across organizations; name filter is a case-insensitive substring.
    let r = api.get(ADMIN, "/v2/spaces?name=PRODUCTION").await;
    assert_eq!(names(&r, "spaces"), ["production", "production"]);
    let r = api.get(ADMIN, "/v2/spaces?name=sandbox").await;
    assert_eq!(names(&r, "spaces"), ["research-sandbox"]);
    // org_id filter; an invisible or unknown org yields an empty list.
    let globex = api.org_id("Globex Research");
    let r = api.get(ADMIN, &format!("/v2/spaces?org_id={globex}")).await;
    assert_eq!(names(&r, "spaces"), ["production", "research-sandbox"]);
    let r = api
        .get(MEMBER, &format!("/v2/spaces?org_id={globex}"))
        .await;
    assert_eq!(r.text, r#"{"spaces":[],"pagination":{"has_more":false}}"#);
    let r = api.get(OUTSIDER, "/v2/spaces").await;
    assert_eq!(r.text, r#"{"spaces":[],"pagination":{"has_more":false}}"#);
    let r = api.get(ADMIN, "/v2/spaces?org_id=unknown").await;
    assert_eq!(names(&r, "spaces").len(), 0);
}
