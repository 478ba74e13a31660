//! Connection- and payload-level fault actions, probability with a seed, statistics.

use std::collections::HashSet;
use std::time::Duration;

use ax_emulator::{Emulator, EmulatorOptions, Fault, FaultAction};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::*;

/// Sends a raw HTTP/1.1 request and reads until the server closes the connection.
/// Returns what was received and whether the read ended with an error (e.g. a reset).
async fn raw_exchange(api: &Api, request_line: &str) -> (Vec<u8>, Option<std::io::ErrorKind>) {
    let mut s = TcpStream::connect(("127.0.0.1", api.emu.port()))
        .await
        .unwrap();
    let req = format!(
        "{request_line} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {ADMIN}\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    let end = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) => return None,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => return Some(e.kind()),
            }
        }
    })
    .await
    .expect("the server closes the connection");
    (got, end)
}

fn space_names(r: &Resp) -> Vec<String> {
    names(r, "spaces")
}

#[tokio::test]
async fn reset_closes_without_response_and_changes_nothing() {
    let api = start().await;
    let c = api.emu.control();
    let org = api.org_id("Acme AI");
    c.add_fault(Fault {
        method: Some("POST".into()),
        path: "/v2/spaces".into(),
        action: Some(FaultAction::Reset),
        ..Default::default()
    });
    let err = api
        .http
        .post(format!("{}/v2/spaces", api.emu.url()))
        .header("Authorization", format!("Bearer {ADMIN}"))
        .json(&json!({"name": "never-created", "organization_id": org}))
        .send()
        .await
        .expect_err("no response");
    assert!(!err.is_timeout(), "{err:?}");
    assert!(err.status().is_none());
    let r = api.get(ADMIN, "/v2/spaces?limit=100").await;
    assert!(!space_names(&r).contains(&"never-created".to_owned()));

    // On the wire: not a single byte, then the connection is gone (RST or FIN).
    c.add_fault(Fault {
        path: "/v2/organizations".into(),
        action: Some(FaultAction::Reset),
        ..Default::default()
    });
    let (got, end) = raw_exchange(&api, "GET /v2/organizations").await;
    assert!(got.is_empty(), "{}", String::from_utf8_lossy(&got));
    // SO_LINGER 0: a reset, not an orderly close.
    #[cfg(target_os = "linux")]
    assert_eq!(end, Some(std::io::ErrorKind::ConnectionReset));
    #[cfg(not(target_os = "linux"))]
    let _ = end;

    let log = c.requests();
    let rec = &log[0];
    assert_eq!(
        (rec.method.as_str(), rec.status, rec.fault),
        ("POST", 0, true)
    );
    assert_eq!(rec.fault_action.as_deref(), Some("reset"));
    assert_eq!(log[1].fault_action, None);
    assert_eq!(log[2].fault_action.as_deref(), Some("reset"));
    // The server keeps serving.
    assert_eq!(api.get(ADMIN, "/v2/organizations").await.status, 200);
}

#[tokio::test]
async fn reset_after_runs_the_request_then_closes() {
    let api = start().await;
    let c = api.emu.control();
    let org = api.org_id("Acme AI");
    c.add_fault(Fault {
        method: Some("post".into()),
        path: "/v2/spaces".into(),
        action: Some(FaultAction::ResetAfter),
        ..Default::default()
    });
    let err = api
        .http
        .post(format!("{}/v2/spaces", api.emu.url()))
        .header("Authorization", format!("Bearer {ADMIN}"))
        .json(&json!({"name": "created-anyway", "organization_id": org}))
        .send()
        .await
        .expect_err("no response");
    assert!(err.status().is_none() && !err.is_timeout(), "{err:?}");
    let r = api.get(ADMIN, "/v2/spaces?limit=100").await;
    assert!(space_names(&r).contains(&"created-anyway".to_owned()));
    let rec = &c.requests()[0];
    assert_eq!(rec.status, 201);
    assert_eq!(rec.fault_action.as_deref(), Some("reset_after"));
}

#[tokio::test]
async fn truncate_sends_half_the_body_then_closes() {
    let api = start().await;
    let c = api.emu.control();
    let whole = api.get(ADMIN, "/v2/spaces").await.text;
    c.add_fault(Fault {
        path: "/v2/spaces".into(),
        action: Some(FaultAction::Truncate),
        retry_after: Some("3".into()),
        ..Default::default()
    });
    let (got, end) = raw_exchange(&api, "GET /v2/spaces").await;
    // An orderly close (FIN) after the half body.
    assert_eq!(end, None);
    let text = String::from_utf8(got).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").expect("headers arrive");
    assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
    let head_lc = head.to_ascii_lowercase();
    assert!(
        head_lc.contains(&format!("content-length: {}", whole.len())),
        "{head}"
    );
    assert!(head_lc.contains("content-type: application/json"));
    assert!(head_lc.contains("retry-after: 3"));
    assert_eq!(body.len(), whole.len() / 2);
    assert_eq!(body, &whole[..whole.len() / 2]);

    // A client sees the headers, then fails reading the body.
    c.add_fault(Fault {
        path: "/v2/spaces".into(),
        action: Some(FaultAction::Truncate),
        ..Default::default()
    });
    let resp = api
        .http
        .get(format!("{}/v2/spaces", api.emu.url()))
        .header("Authorization", format!("Bearer {ADMIN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.is_err());
    let log = c.requests();
    assert_eq!(log[1].status, 200);
    assert_eq!(log[1].fault_action.as_deref(), Some("truncate"));
}

#[tokio::test]
async fn malformed_json_is_a_complete_response_with_half_a_body() {
    let api = start().await;
    let c = api.emu.control();
    let whole = api.get(ADMIN, "/v2/organizations").await.text;
    c.add_fault(Fault {
        path: "/v2/organizations".into(),
        action: Some(FaultAction::MalformedJson),
        ..Default::default()
    });
    let r = api.get(ADMIN, "/v2/organizations").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type(), "application/json");
    assert_eq!(r.text, whole[..whole.len() / 2]);
    assert_eq!(r.headers["content-length"], (whole.len() / 2).to_string());
    assert!(serde_json::from_str::<Value>(&r.text).is_err());
    // Error answers are cut too, and keep their status.
    c.add_fault(Fault {
        action: Some(FaultAction::MalformedJson),
        ..Default::default()
    });
    let r = api.get(ADMIN, "/v2/spaces/nope").await;
    assert_eq!(r.status, 404);
    assert!(serde_json::from_str::<Value>(&r.text).is_err());
    // The connection stays usable.
    assert_eq!(api.get(ADMIN, "/v2/organizations").await.text, whole);
}

#[tokio::test]
async fn stall_cursor_points_back_at_the_same_page() {
    let api = start().await;
    let c = api.emu.control();
    let first = api.get(ADMIN, "/v2/spaces?limit=2").await;
    let cursor = first.body["pagination"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = api
        .get(ADMIN, &format!("/v2/spaces?limit=2&cursor={cursor}"))
        .await;
    // Only requests with a cursor match: the first page passes.
    c.add_fault(Fault {
        path: "/v2/spaces".into(),
        action: Some(FaultAction::StallCursor),
        ..Default::default()
    });
    assert_eq!(api.get(ADMIN, "/v2/spaces?limit=2").await.text, first.text);
    let r = api
        .get(ADMIN, &format!("/v2/spaces?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["spaces"], second.body["spaces"]);
    assert_eq!(
        r.body["pagination"],
        json!({"has_more": true, "next_cursor": cursor})
    );
    // Items come first, as in every list body.
    assert!(r.text.starts_with("{\"spaces\":["));
    // Used up: the next one is normal.
    let again = api
        .get(ADMIN, &format!("/v2/spaces?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(again.text, second.text);
    let log = c.requests();
    let faulted: Vec<_> = log.iter().filter(|r| r.fault).collect();
    assert_eq!(faulted.len(), 1);
    assert_eq!(faulted[0].fault_action.as_deref(), Some("stall_cursor"));
}

/// Walks a list to the end with an `empty_page` fault firing on half the requests;
/// returns the IDs seen.
async fn walk_ids(api: &Api, first: &str, key: &str) -> (Vec<String>, usize) {
    let (items, pages) = walk_all(api, ADMIN, first, key).await;
    let ids = items
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect();
    (ids, pages)
}

#[tokio::test]
async fn empty_pages_followed_to_the_end_lose_and_repeat_nothing() {
    let api = start().await;
    let c = api.emu.control();
    let prod = api.space_id("Acme AI", "production");
    c.bulk_seed_tasks(&prod, 9, 0).unwrap();
    let task_with_runs = c.bulk_seed_tasks(&prod, 1, 7).unwrap().remove(0);
    let lists = [
        ("/v2/spaces?limit=2".to_owned(), "spaces"),
        (format!("/v2/tasks?space_id={prod}&limit=2"), "tasks"),
        (
            format!("/v2/tasks/{task_with_runs}/runs?limit=3"),
            "task_runs",
        ),
        ("/v2/evaluators?limit=5".to_owned(), "evaluators"),
    ];
    for (first, key) in &lists {
        let (expected, plain_pages) = walk_ids(&api, first, key).await;
        assert!(expected.len() > 2, "{key}: {expected:?}");
        c.set_fault_seed(3);
        c.add_fault(Fault {
            path: first.split('?').next().unwrap().to_owned(),
            action: Some(FaultAction::EmptyPage),
            probability: 0.5,
            unlimited: true,
            ..Default::default()
        });
        let (got, pages) = walk_ids(&api, first, key).await;
        c.clear_faults();
        assert_eq!(got, expected, "{key}");
        assert_eq!(got.iter().collect::<HashSet<_>>().len(), got.len());
        assert!(pages > plain_pages, "{key}: some pages were empty");
    }
    let stats = c.fault_stats();
    assert!(stats.by_action["empty_page"] >= 4, "{stats:?}");
    assert!(stats.skipped > 0, "{stats:?}");
}

#[tokio::test]
async fn empty_page_cursor_is_new_and_resumes_in_place() {
    let api = start().await;
    let c = api.emu.control();
    // First page (no cursor): the new cursor starts at the beginning.
    c.add_fault(Fault {
        path: "/v2/spaces".into(),
        action: Some(FaultAction::EmptyPage),
        count: 2,
        ..Default::default()
    });
    let r = api.get(ADMIN, "/v2/spaces?limit=2").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["spaces"], json!([]));
    assert_eq!(r.body["pagination"]["has_more"], true);
    assert!(r.text.starts_with("{\"spaces\":[]"));
    let c1 = r.body["pagination"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    // Same request again: again empty, with yet another cursor.
    let r2 = api
        .get(ADMIN, &format!("/v2/spaces?limit=2&cursor={c1}"))
        .await;
    let c2 = r2.body["pagination"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(c1, c2);
    let resumed = api
        .get(ADMIN, &format!("/v2/spaces?limit=2&cursor={c2}"))
        .await;
    let plain = api.get(ADMIN, "/v2/spaces?limit=2").await;
    assert_eq!(resumed.body["spaces"], plain.body["spaces"]);
    // The cursor stays bound to the list and its filters.
    api.get(ADMIN, &format!("/v2/users?cursor={c2}"))
        .await
        .assert_problem(400);
    // Non-list GETs and writes are never matched.
    c.add_fault(Fault {
        action: Some(FaultAction::EmptyPage),
        ..Default::default()
    });
    let prod = api.space_id("Acme AI", "production");
    assert_eq!(
        api.get(ADMIN, &format!("/v2/spaces/{prod}")).await.status,
        200
    );
    assert_eq!(c.fault_stats().by_action["empty_page"], 2);
}

async fn statuses(api: &Api, n: usize) -> Vec<u16> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(api.get(ADMIN, "/v2/organizations").await.status);
    }
    out
}

fn flaky() -> Fault {
    Fault {
        path: "/v2/organizations".into(),
        status: Some(503),
        probability: 0.3,
        unlimited: true,
        ..Default::default()
    }
}

#[tokio::test]
async fn probability_with_a_seed_is_reproducible() {
    let api = start().await;
    let c = api.emu.control();
    c.set_fault_seed(42);
    c.add_fault(flaky());
    let a = statuses(&api, 60).await;
    let fired = a.iter().filter(|s| **s == 503).count();
    assert!((5..40).contains(&fired), "{a:?}");
    assert!(a.iter().all(|s| *s == 200 || *s == 503));
    let stats = c.fault_stats();
    assert_eq!(stats.requests, 60);
    assert_eq!(stats.fired as usize, fired);
    assert_eq!(stats.skipped as usize, 60 - fired);
    assert_eq!(stats.by_status[&503] as usize, fired);
    assert_eq!(stats.by_action["status"] as usize, fired);
    // The log says which requests were faulted.
    let log = c.requests();
    for (rec, status) in log.iter().zip(&a) {
        assert_eq!(rec.fault, *status == 503);
        assert_eq!(rec.fault_action.is_some(), *status == 503);
    }
    // reset restarts the generator from the seed: same sequence.
    c.reset();
    assert_eq!(c.fault_stats().requests, 0);
    c.add_fault(flaky());
    assert_eq!(statuses(&api, 60).await, a);
    // Another emulator with the same seed (over HTTP): same sequence.
    let other = start_control().await;
    let r = other
        .send(
            Method::POST,
            None,
            "/_emulator/faults/seed",
            Some(r#"{"seed": 42}"#),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let body = serde_json::to_string(&flaky()).unwrap();
    let r = other
        .send(Method::POST, None, "/_emulator/faults", Some(&body))
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(statuses(&other, 60).await, a);
    let r = other
        .send(Method::GET, None, "/_emulator/faults/stats", None)
        .await;
    assert_eq!(r.body["requests"], 60);
    assert_eq!(r.body["fired"], fired);
    assert_eq!(r.body["by_status"]["503"], fired);
    // Another seed: another sequence.
    c.reset();
    c.set_fault_seed(43);
    c.add_fault(flaky());
    assert_ne!(statuses(&api, 60).await, a);
    // Probability 0 never fires; probability 1 always.
    c.clear_faults();
    c.add_fault(Fault {
        probability: 0.0,
        unlimited: true,
        status: Some(500),
        ..Default::default()
    });
    assert!(statuses(&api, 5).await.iter().all(|s| *s == 200));
}

#[tokio::test]
async fn fault_validation_over_http_and_in_process() {
    let api = start_control().await;
    for bad in [
        json!({"probability": 1.5}),
        json!({"probability": -0.1}),
        json!({"action": "explode"}),
        json!({"action": "reset", "status": 500}),
        json!({"status": 99}),
        json!({"path": ""}),
        json!({"stauts": 500}),
    ] {
        api.send(
            Method::POST,
            None,
            "/_emulator/faults",
            Some(&bad.to_string()),
        )
        .await
        .assert_problem(400);
    }
    api.send(
        Method::POST,
        None,
        "/_emulator/faults/seed",
        Some(r#"{"seed": -1}"#),
    )
    .await
    .assert_problem(400);
    let c = api.emu.control();
    assert!(c
        .try_add_fault(Fault {
            probability: 2.0,
            ..Default::default()
        })
        .is_err());
    // Every action name over HTTP.
    for action in [
        "reset",
        "reset_after",
        "truncate",
        "malformed_json",
        "stall_cursor",
        "empty_page",
    ] {
        let body = json!({"action": action, "path": "/v2/nothing-here"}).to_string();
        let r = api
            .send(Method::POST, None, "/_emulator/faults", Some(&body))
            .await;
        assert_eq!(r.status, 204, "{action}: {}", r.text);
        assert_eq!(FaultAction::parse(action).unwrap().as_str(), action);
    }
    let r = api
        .send(Method::DELETE, None, "/_emulator/faults/stats", None)
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(c.fault_stats(), Default::default());
}

#[tokio::test]
async fn latency_past_the_client_timeout_is_a_slow_response() {
    let api = start().await;
    api.emu.control().add_fault(Fault {
        path: "/v2/spaces".into(),
        latency_ms: 1_500,
        ..Default::default()
    });
    let _ = http_client(); // installs the crypto provider
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client
        .get(format!("{}/v2/spaces", api.emu.url()))
        .header("Authorization", format!("Bearer {ADMIN}"))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(api.emu.control().fault_stats().by_action["latency"], 1);
}

#[tokio::test]
async fn shutdown_still_graceful_with_a_killed_connection_and_a_slow_request() {
    let emu = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let c = emu.control();
    c.add_fault(Fault {
        path: "/v2/users".into(),
        action: Some(FaultAction::Reset),
        ..Default::default()
    });
    c.add_fault(Fault {
        path: "/v2/spaces".into(),
        latency_ms: 300,
        ..Default::default()
    });
    let http = http_client();
    let url = emu.url();
    assert!(http
        .get(format!("{url}/v2/users"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .is_err());
    let slow = tokio::spawn({
        let http = http.clone();
        let url = url.clone();
        async move {
            http.get(format!("{url}/v2/spaces"))
                .bearer_auth(ADMIN)
                .send()
                .await
                .map(|r| r.status().as_u16())
        }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let t = std::time::Instant::now();
    emu.shutdown().await;
    assert!(t.elapsed() < Duration::from_secs(3));
    // The in-flight request finished.
    assert_eq!(slow.await.unwrap().unwrap(), 200);
    assert!(http_client()
        .get(format!("{url}/v2/spaces"))
        .send()
        .await
        .is_err());
}
