//! Organizations and users.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn organizations() {
    let api = start().await;
    let r = api.get(ADMIN, "/v2/organizations").await;
    assert_eq!(names(&r, "organizations"), ["Acme AI", "Globex Research"]);
    let org = &r.body["organizations"][0];
    for f in ["id", "name", "description", "created_at"] {
        assert!(org[f].is_string(), "{f}");
    }
    assert_eq!(
        names(&api.get(MEMBER, "/v2/organizations").await, "organizations"),
        ["Acme AI"]
    );
    assert!(names(
        &api.get(OUTSIDER, "/v2/organizations").await,
        "organizations"
    )
    .is_empty());
    let r = api.get(ADMIN, "/v2/organizations?name=glob").await;
    assert_eq!(names(&r, "organizations"), ["Globex Research"]);
    let r = api.get(ADMIN, "/v2/organizations?limit=1").await;
    assert_eq!(r.body["pagination"]["has_more"], true);

    let acme = api.org_id("Acme AI");
    let r = api.get(MEMBER, &format!("/v2/organizations/{acme}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["name"], "Acme AI");
    api.get(ORG2, &format!("/v2/organizations/{acme}"))
        .await
        .assert_problem(404);
    api.get(ADMIN, "/v2/organizations/unknown")
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn users() {
    let api = start().await;
    let r = api.get(ADMIN, "/v2/users").await;
    assert_eq!(r.status, 200);
    let all = names(&r, "users");
    assert_eq!(all.len(), 10);
    assert_eq!(all[0], "Ada Admin");
    let u = &r.body["users"][0];
    assert_eq!(u["email"], "ada.admin@example.com");
    assert_eq!(u["status"], "ACTIVE");
    assert_eq!(u["role"], json!({"type": "PREDEFINED", "name": "ADMIN"}));
    assert_eq!(u["is_developer"], true);
    assert!(u["created_at"].is_string());

    let r = api.get(ADMIN, "/v2/users?email=ANN.ANNOTATOR@").await;
    assert_eq!(names(&r, "users"), ["Ann Annotator"]);
    let r = api
        .get(ADMIN, "/v2/users?status=INVITED&status=EXPIRED")
        .await;
    assert_eq!(names(&r, "users"), ["Ivy Invited", "Eli Expired"]);
    api.get(ADMIN, "/v2/users?status=active")
        .await
        .assert_problem(400);
    api.get(ADMIN, &format!("/v2/users?email={}", "e".repeat(256)))
        .await
        .assert_problem(400);

    // MEMBERs see users sharing an organization; outsiders only themselves.
    let r = api.get(ORG2, "/v2/users").await;
    assert_eq!(names(&r, "users"), ["Ada Admin", "Otto Globex"]);
    let r = api.get(OUTSIDER, "/v2/users").await;
    assert_eq!(names(&r, "users"), ["Nora Outsider"]);
    // Annotators may not list users, but can read themselves.
    api.get(ANNOTATOR, "/v2/users").await.assert_problem(403);
    let ann = api.user_id("ann.annotator@example.com");
    assert_eq!(
        api.get(ANNOTATOR, &format!("/v2/users/{ann}")).await.status,
        200
    );
    let ada = api.user_id("ada.admin@example.com");
    api.get(ANNOTATOR, &format!("/v2/users/{ada}"))
        .await
        .assert_problem(404);
    let otto = api.user_id("otto.globex@example.com");
    api.get(MEMBER, &format!("/v2/users/{otto}"))
        .await
        .assert_problem(404);
    let r = api.get(ADMIN, &format!("/v2/users/{otto}")).await;
    assert_eq!(r.body["name"], "Otto Globex");
    api.get(ADMIN, "/v2/users/unknown")
        .await
        .assert_problem(404);
}
