//! Space CRUD and validation.

use reqwest::Method;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn crud_round_trip() {
    let api = start().await;
    let acme = api.org_id("Acme AI");
    let r = api
        .post(
            MEMBER,
            "/v2/spaces",
            &json!({"name": "new-space", "organization_id": acme, "description": "Pre-prod"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.content_type(), "application/json");
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["name"], "new-space");
    assert_eq!(r.body["description"], "Pre-prod");
    assert_eq!(r.body["organization_id"], acme);
    assert_eq!(r.body["is_private"], false);
    let path = format!("/v2/spaces/{id}");

    // The creator administers it.
    let got = api.get(MEMBER, &path).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body, r.body);

    let r = api
        .patch(
            MEMBER,
            &path,
            &json!({"name": "renamed", "is_private": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["name"], "renamed");
    assert_eq!(r.body["description"], "Pre-prod");
    assert_eq!(r.body["is_private"], true);
    assert_eq!(r.body["created_at"], got.body["created_at"]);

    // `null` clears the description, returned as "".
    let r = api
        .patch(MEMBER, &path, &json!({"description": null}))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["description"], "");
    let r = api
        .patch(
            MEMBER,
            &path,
            &json!({"default_llm_integration": {"integration_id": "x", "model_name": "gpt-4o"}, "gradient_start_color": "#ff0000"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["default_llm_integration"]["model_name"], "gpt-4o");

    let r = api.get(MEMBER, "/v2/spaces?name=renamed").await;
    assert_eq!(names(&r, "spaces"), ["renamed"]);

    let r = api.delete(MEMBER, &path).await;
    assert_eq!(r.status, 204);
    assert!(r.text.is_empty());
    api.get(MEMBER, &path).await.assert_problem(404);
    api.delete(MEMBER, &path).await.assert_problem(404);
}

#[tokio::test]
async fn create_rules() {
    let api = start().await;
    let acme = api.org_id("Acme AI");
    let globex = api.org_id("Globex Research");
    let bad = [
        json!({"organization_id": acme}),
        json!({"name": "", "organization_id": acme}),
        json!({"name": "   ", "organization_id": acme}),
        json!({"name": "x".repeat(256), "organization_id": acme}),
        json!({"name": "ok"}),
        json!({"name": 5, "organization_id": acme}),
        json!({"name": "ok", "organization_id": acme, "description": "d".repeat(1001)}),
        json!({"name": "ok", "organization_id": acme, "id": "abc"}),
        json!({"name": "ok", "organization_id": acme, "created_at": "2026-01-01T00:00:00Z"}),
        json!({"name": "ok", "organization_id": acme, "colour": "red"}),
        json!({"name": "ok", "organization_id": acme, "is_private": "yes"}),
        json!(["not", "an", "object"]),
    ];
    for body in bad {
        let r = api.post(ADMIN, "/v2/spaces", &body).await;
        r.assert_problem(400);
        assert_eq!(r.body["instance"], "/v2/spaces");
    }
    for raw in ["{not json", "", "null"] {
        api.send(Method::POST, Some(ADMIN), "/v2/spaces", Some(raw))
            .await
            .assert_problem(400);
    }
    // Limits are inclusive.
    let r = api
        .post(
            ADMIN,
            "/v2/spaces",
            &json!({"name": "n".repeat(255), "organization_id": acme, "description": "d".repeat(1000)}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // Organization checks: unknown / not a member → 404, annotator → 403.
    let body = |org: &str| json!({"name": "fresh", "organization_id": org});
    api.post(ADMIN, "/v2/spaces", &body("unknown"))
        .await
        .assert_problem(404);
    api.post(OUTSIDER, "/v2/spaces", &body(&acme))
        .await
        .assert_problem(404);
    api.post(MEMBER, "/v2/spaces", &body(&globex))
        .await
        .assert_problem(404);
    api.post(ANNOTATOR, "/v2/spaces", &body(&acme))
        .await
        .assert_problem(403);
    assert_eq!(
        api.post(READ_ONLY, "/v2/spaces", &body(&acme)).await.status,
        201
    );
}

#[tokio::test]
async fn duplicate_names_conflict_per_organization() {
    let api = start().await;
    let acme = api.org_id("Acme AI");
    let globex = api.org_id("Globex Research");
    let r = api
        .post(
            ADMIN,
            "/v2/spaces",
            &json!({"name": "staging", "organization_id": acme}),
        )
        .await;
    r.assert_problem(409);
    assert_eq!(r.body["title"], "Resource conflict");
    // Same name in another organization is fine.
    let r = api
        .post(
            ADMIN,
            "/v2/spaces",
            &json!({"name": "staging", "organization_id": globex}),
        )
        .await;
    assert_eq!(r.status, 201);
    // Renaming onto an existing name conflicts; renaming to itself does not.
    let prod = api.space_id("Acme AI", "production");
    let path = format!("/v2/spaces/{prod}");
    api.patch(ADMIN, &path, &json!({"name": "staging"}))
        .await
        .assert_problem(409);
    assert_eq!(
        api.patch(ADMIN, &path, &json!({"name": "production"}))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn update_rules() {
    let api = start().await;
    let prod = api.space_id("Acme AI", "production");
    let path = format!("/v2/spaces/{prod}");
    for body in [
        json!({}),
        json!({"name": null}),
        json!({"name": ""}),
        json!({"id": "x"}),
        json!({"created_at": "2026-01-01T00:00:00Z"}),
        json!({"bogus": 1}),
        json!({"description": 7}),
        json!({"is_private": null}),
        json!({"default_llm_integration": {"integration_id": "x"}}),
        json!({"default_agent_runtime": {"integration_id": "x", "extra": "y"}}),
    ] {
        api.patch(ADMIN, &path, &body).await.assert_problem(400);
    }
    api.send(Method::PATCH, Some(ADMIN), &path, Some("{"))
        .await
        .assert_problem(400);
    let r = api
        .patch(ADMIN, &path, &json!({"default_agent_runtime": null}))
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body["default_agent_runtime"].is_null());
}
