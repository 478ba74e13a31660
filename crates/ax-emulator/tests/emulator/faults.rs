//! Fault injection and the request log.

use std::time::{Duration, Instant};

use ax_emulator::Fault;
use reqwest::Method;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn status_faults_for_next_n_requests() {
    let api = start().await;
    let c = api.emu.control();
    c.add_fault(Fault {
        method: Some("GET".into()),
        path: "/v2/spaces*".into(),
        count: 2,
        status: Some(503),
        retry_after: Some("2".into()),
        ..Default::default()
    });
    // A POST does not match the GET-only fault.
    let org = api.org_id("Acme AI");
    let r = api
        .post(
            ADMIN,
            "/v2/spaces",
            &json!({"name": "faulty", "organization_id": org}),
        )
        .await;
    assert_eq!(r.status, 201);
    for _ in 0..2 {
        // Applies before authentication, too.
        let r = api
            .send(Method::GET, None, "/v2/spaces?limit=5", None)
            .await;
        r.assert_problem(503);
        assert_eq!(r.body["title"], "Service Unavailable");
        assert_eq!(r.headers["retry-after"], "2");
    }
    let r = api.get(ADMIN, "/v2/spaces").await;
    assert_eq!(r.status, 200);
    assert!(r.headers.get("retry-after").is_none());

    let log = c.requests();
    let tail: Vec<(String, String, u16, bool)> = log
        .iter()
        .map(|r| (r.method.clone(), r.query.clone(), r.status, r.fault))
        .collect();
    assert_eq!(
        tail,
        [
            ("POST".into(), "".into(), 201, false),
            ("GET".into(), "limit=5".into(), 503, true),
            ("GET".into(), "limit=5".into(), 503, true),
            ("GET".into(), "".into(), 200, false),
        ]
    );
}

#[tokio::test]
async fn rate_limit_raw_body_and_order() {
    let api = start().await;
    let c = api.emu.control();
    c.add_fault(Fault {
        path: "/v2/users".into(),
        status: Some(502),
        body: Some("<html><body>Bad gateway</body></html>".into()),
        ..Default::default()
    });
    c.add_fault(Fault {
        path: "*".into(),
        status: Some(429),
        retry_after: Some("1".into()),
        ..Default::default()
    });
    // First matching fault in insertion order wins.
    let r = api.get(ADMIN, "/v2/users").await;
    assert_eq!(r.status, 502);
    assert_eq!(r.content_type(), "text/html; charset=utf-8");
    assert_eq!(r.text, "<html><body>Bad gateway</body></html>");
    let r = api.get(ADMIN, "/v2/users").await;
    r.assert_problem(429);
    assert_eq!(r.body["title"], "Rate limit exceeded");
    assert_eq!(r.headers["retry-after"], "1");
    assert_eq!(api.get(ADMIN, "/v2/users").await.status, 200);
    // clear_faults removes pending ones.
    c.add_fault(Fault {
        status: Some(500),
        count: 10,
        ..Default::default()
    });
    c.clear_faults();
    assert_eq!(api.get(ADMIN, "/v2/users").await.status, 200);
}

#[tokio::test]
async fn latency_faults_delay_then_pass_through() {
    let api = start().await;
    let c = api.emu.control();
    c.add_fault(Fault {
        path: "/v2/organizations".into(),
        latency_ms: 300,
        ..Default::default()
    });
    let t = Instant::now();
    let r = api.get(ADMIN, "/v2/organizations").await;
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.status, 200);
    assert_eq!(names(&r, "organizations").len(), 2);
    let t = Instant::now();
    api.get(ADMIN, "/v2/organizations").await;
    assert!(t.elapsed() < Duration::from_millis(300));
    let log = c.requests();
    assert!(log[0].fault && log[0].status == 200);
    assert!(!log[1].fault);
}

#[tokio::test]
async fn request_log_records_everything() {
    let api = start().await;
    let c = api.emu.control();
    api.send(Method::GET, None, "/v2/spaces", None).await;
    api.get(ADMIN, "/v2/spaces/nope?x=1").await;
    api.delete(MEMBER, "/v2/spaces/nope").await;
    // Control routes are not logged.
    api.send(Method::GET, None, "/_emulator/seed", None).await;
    let log = c.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].status, 401);
    assert_eq!(log[1].path, "/v2/spaces/nope");
    assert_eq!(log[1].query, "x=1");
    assert_eq!(log[1].status, 404);
    assert_eq!(log[2].method, "DELETE");
    c.clear_requests();
    assert!(c.requests().is_empty());
}

#[tokio::test]
async fn log_keeps_the_path_as_received_and_faults_match_either_form() {
    let api = start().await;
    let space = api.space_id("Acme AI", "production");
    let encoded = space.replace('=', "%3D");
    assert_ne!(encoded, space, "the seeded space ID ends in '='");
    let ctl = api.emu.control();
    ctl.clear_requests();
    let r = api.get(ADMIN, &format!("/v2/spaces/{encoded}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["id"], space.as_str());
    assert_eq!(ctl.requests()[0].path, format!("/v2/spaces/{encoded}"));
    // A fault on the decoded path applies to the encoded request, and vice versa.
    for (fault_path, request_path) in [(&space, &encoded), (&encoded, &space)] {
        ctl.add_fault(Fault {
            path: format!("/v2/spaces/{fault_path}"),
            status: Some(503),
            ..Default::default()
        });
        api.get(ADMIN, &format!("/v2/spaces/{request_path}"))
            .await
            .assert_problem(503);
    }
}
