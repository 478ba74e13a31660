//! Control surface, reset and lifecycle.

use ax_emulator::{Emulator, EmulatorOptions, Seed};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;

async fn control_call(api: &Api, method: Method, path: &str, body: Option<Value>) -> Resp {
    api.send(method, None, path, body.map(|b| b.to_string()).as_deref())
        .await
}

#[tokio::test]
async fn seed_info_and_fixed_keys() {
    let api = start().await;
    assert_eq!(api.emu.admin_key(), ADMIN);
    assert_eq!(
        api.emu.url(),
        format!("http://127.0.0.1:{}", api.emu.port())
    );
    let keys = &api.seed["keys"];
    assert_eq!(keys["admin"], ADMIN);
    assert_eq!(keys["member"], MEMBER);
    assert_eq!(keys["read_only"], READ_ONLY);
    assert_eq!(keys["annotator"], ANNOTATOR);
    assert_eq!(keys["org2"], ORG2);
    assert_eq!(keys["outsider"], OUTSIDER);
    assert_eq!(api.seed["organizations"].as_array().unwrap().len(), 2);
    assert_eq!(api.seed["spaces"].as_array().unwrap().len(), 6);
    assert_eq!(api.seed["custom_roles"].as_array().unwrap().len(), 2);
    // Seeded IDs are the same in every emulator.
    let other = start().await;
    assert_eq!(other.seed, api.seed);
    // Seed::None: orgs, admin and its key only.
    let empty = start_empty().await;
    assert_eq!(empty.seed["users"].as_array().unwrap().len(), 1);
    assert!(empty.seed["spaces"].as_array().unwrap().is_empty());
    assert_eq!(empty.get(ADMIN, "/v2/organizations").await.status, 200);
    assert_eq!(empty.get(MEMBER, "/v2/spaces").await.status, 401);
}

#[tokio::test]
async fn reset_restores_the_seed() {
    let api = start().await;
    let c = api.emu.control();
    let prod = api.space_id("Acme AI", "production");
    assert_eq!(
        api.delete(ADMIN, &format!("/v2/spaces/{prod}"))
            .await
            .status,
        204
    );
    let user = c
        .create_user(
            "Temp",
            "temp@example.com",
            "member",
            &[api.org_id("Acme AI")],
        )
        .unwrap();
    let key = c.create_key(&user).unwrap();
    assert_eq!(api.get(&key, "/v2/spaces").await.status, 200);
    c.add_fault(ax_emulator::Fault {
        status: Some(500),
        count: 100,
        ..Default::default()
    });
    c.reset();
    assert!(c.requests().is_empty());
    // Fault gone, space back with the same ID, run-time key gone, fixed keys work.
    assert_eq!(
        api.get(ADMIN, &format!("/v2/spaces/{prod}")).await.status,
        200
    );
    assert_eq!(api.get(&key, "/v2/spaces").await.status, 401);
    assert_eq!(c.seed_info(), api.seed);
    // New objects after a reset do not reuse IDs.
    let r = api
        .post(
            ADMIN,
            "/v2/spaces",
            &json!({"name": "after", "organization_id": api.org_id("Acme AI")}),
        )
        .await;
    assert_eq!(r.status, 201);
    let ids: Vec<&Value> = api.seed["spaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["id"])
        .collect();
    assert!(!ids.contains(&&r.body["id"]));
}

#[tokio::test]
async fn control_routes_over_http() {
    let api = start_control().await;
    let acme = api.org_id("Acme AI");
    let r = control_call(&api, Method::GET, "/_emulator/seed", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, api.seed);

    let r = control_call(
        &api,
        Method::POST,
        "/_emulator/users",
        Some(json!({"name": "Http User", "email": "http@example.com", "account_role": "MEMBER", "organization_ids": [acme]})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let uid = r.body["id"].as_str().unwrap().to_owned();
    // Duplicate email, unknown org, bad role.
    let dup = json!({"name": "x", "email": "HTTP@example.com", "account_role": "MEMBER"});
    control_call(&api, Method::POST, "/_emulator/users", Some(dup))
        .await
        .assert_problem(409);
    let bad_org = json!({"name": "x", "email": "y@example.com", "account_role": "MEMBER", "organization_ids": ["nope"]});
    control_call(&api, Method::POST, "/_emulator/users", Some(bad_org))
        .await
        .assert_problem(404);
    let bad_role = json!({"name": "x", "email": "z@example.com", "account_role": "OWNER"});
    control_call(&api, Method::POST, "/_emulator/users", Some(bad_role))
        .await
        .assert_problem(400);

    let r = control_call(
        &api,
        Method::POST,
        "/_emulator/keys",
        Some(json!({"user_id": uid})),
    )
    .await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body["user_id"], uid);
    let key = r.body["key"].as_str().unwrap().to_owned();
    let staging = api.space_id("Acme AI", "staging");
    assert_eq!(
        api.get(&key, &format!("/v2/spaces/{staging}")).await.status,
        404
    );

    let r = control_call(
        &api,
        Method::PUT,
        "/_emulator/space-roles",
        Some(json!({"space_id": staging, "user_id": uid, "role": "READ_ONLY"})),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(
        api.get(&key, &format!("/v2/spaces/{staging}")).await.status,
        200
    );
    control_call(
        &api,
        Method::PUT,
        "/_emulator/space-roles",
        Some(json!({"space_id": staging, "user_id": uid, "role": null})),
    )
    .await;
    assert_eq!(
        api.get(&key, &format!("/v2/spaces/{staging}")).await.status,
        404
    );

    let r = control_call(
        &api,
        Method::POST,
        "/_emulator/keys",
        Some(json!({"space_id": staging, "role": "MEMBER"})),
    )
    .await;
    assert_eq!(r.status, 201);
    let mkey = r.body["key"].as_str().unwrap();
    assert_eq!(
        api.get(mkey, &format!("/v2/spaces/{staging}")).await.status,
        200
    );
    control_call(&api, Method::POST, "/_emulator/keys", Some(json!({})))
        .await
        .assert_problem(400);

    // Faults over HTTP.
    let r = control_call(
        &api,
        Method::POST,
        "/_emulator/faults",
        Some(json!({"path": "/v2/users", "status": 504, "count": 1})),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.text);
    api.get(ADMIN, "/v2/users").await.assert_problem(504);
    control_call(
        &api,
        Method::POST,
        "/_emulator/faults",
        Some(json!({"status": 503, "count": 5})),
    )
    .await;
    control_call(&api, Method::DELETE, "/_emulator/faults", None).await;
    assert_eq!(api.get(ADMIN, "/v2/users").await.status, 200);

    let r = control_call(&api, Method::GET, "/_emulator/requests", None).await;
    let log = r.body.as_array().unwrap();
    assert!(log.len() >= 5);
    assert_eq!(log.last().unwrap()["path"], "/v2/users");
    assert_eq!(log.last().unwrap()["fault"], false);
    control_call(&api, Method::DELETE, "/_emulator/requests", None).await;
    let r = control_call(&api, Method::GET, "/_emulator/requests", None).await;
    assert_eq!(r.body, json!([]));

    // Reset over HTTP returns the seed.
    let r = control_call(&api, Method::POST, "/_emulator/reset", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, api.seed);
    assert_eq!(api.get(&key, "/v2/spaces").await.status, 401);
}

const CONTROL_ROUTES: &[(&str, &str)] = &[
    ("GET", "/_emulator/seed"),
    ("POST", "/_emulator/reset"),
    ("POST", "/_emulator/users"),
    ("POST", "/_emulator/keys"),
    ("PUT", "/_emulator/space-roles"),
    ("GET", "/_emulator/requests"),
    ("DELETE", "/_emulator/requests"),
    ("POST", "/_emulator/faults"),
    ("DELETE", "/_emulator/faults"),
    ("POST", "/_emulator/faults/seed"),
    ("GET", "/_emulator/faults/stats"),
    ("DELETE", "/_emulator/faults/stats"),
    ("GET", "/_emulator/run-timeline"),
    ("PUT", "/_emulator/run-timeline"),
    ("POST", "/_emulator/runs/x/status"),
    ("POST", "/_emulator/bulk-tasks"),
];

#[tokio::test]
async fn control_routes_are_off_by_default() {
    assert!(!EmulatorOptions::default().control);
    let api = start().await;
    for (m, p) in CONTROL_ROUTES {
        let m = Method::from_bytes(m.as_bytes()).unwrap();
        control_call(&api, m, p, Some(json!({})))
            .await
            .assert_problem(404);
    }
    // Faults cannot be added over HTTP.
    control_call(
        &api,
        Method::POST,
        "/_emulator/faults",
        Some(json!({"status": 500, "unlimited": true})),
    )
    .await
    .assert_problem(404);
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 200);
    // The in-process handle still works.
    assert_eq!(api.emu.control().requests().len(), 1);
    assert_eq!(api.emu.control().fault_stats().requests, 1);

    // With `control`, every one of them is served (none is a 404 "no such route").
    let on = start_control().await;
    for (m, p) in CONTROL_ROUTES {
        let method = Method::from_bytes(m.as_bytes()).unwrap();
        let body = match *p {
            "/_emulator/faults" if *m == "POST" => json!({"count": 1, "latency_ms": 1}),
            "/_emulator/faults/seed" => json!({"seed": 1}),
            _ => json!({}),
        };
        let r = control_call(&on, method, p, Some(body)).await;
        assert!(
            r.status < 300 || (r.status == 400 || (r.status == 404 && p.contains("/runs/"))),
            "{m} {p}: {} {}",
            r.status,
            r.text
        );
        if r.status == 404 {
            assert!(r.text.contains("No task run"), "{}", r.text);
        }
    }
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_server() {
    let http = http_client();
    let emu = Emulator::start(EmulatorOptions {
        seed: Seed::None,
        ..Default::default()
    })
    .await
    .unwrap();
    let url = format!("{}/v2/spaces", emu.url());
    assert!(http.get(&url).send().await.is_ok());
    emu.shutdown().await;
    assert!(http_client().get(&url).send().await.is_err());

    let emu = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let url = format!("{}/v2/spaces", emu.url());
    drop(emu);
    tokio::task::yield_now().await;
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(http_client().get(&url).send().await.is_err());
}
