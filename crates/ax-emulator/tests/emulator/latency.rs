//! Simulated network latency: every `/v2` answer waits one round trip, a new connection one
//! more; the control routes are never delayed; bad settings are refused.

use std::time::{Duration, Instant};

use ax_emulator::{EmulatorOptions, Latency};
use reqwest::Method;
use serde_json::json;

use crate::common::{start_with, ADMIN};

/// Lower bounds only: a sleep never ends early, however busy the machine.
#[tokio::test]
async fn answers_and_new_connections_wait_their_round_trips() {
    let api = start_with(EmulatorOptions {
        control: true,
        latency: Latency::fixed(150.0),
        ..Default::default()
    })
    .await;
    // One keep-alive connection: the first answer pays the handshake and the answer.
    let started = Instant::now();
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 200);
    let reused = started.elapsed();
    assert!(reused >= Duration::from_millis(150));
    // Errors are delayed alike (the latency is the network's, not the handler's).
    let started = Instant::now();
    assert_eq!(api.get("wrong-key", "/v2/spaces").await.status, 401);
    assert!(started.elapsed() >= Duration::from_millis(150));

    // The control routes answer at once, and set the latency at run time.
    let r = api
        .send(Method::GET, None, "/_emulator/latency", None)
        .await;
    assert_eq!(r.body, json!({"ms": 150.0, "jitter_ms": 0.0}));
    let r = api
        .send(
            Method::PUT,
            None,
            "/_emulator/latency",
            Some(r#"{"ms": 0, "jitter_ms": 0}"#),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(api.emu.control().latency(), Latency::default());
    // Reset keeps the latency; set_latency changes it.
    api.emu
        .control()
        .set_latency(Latency::fixed(120.0))
        .unwrap();
    api.emu.control().reset();
    assert_eq!(api.emu.control().latency(), Latency::fixed(120.0));
    let started = Instant::now();
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(120));
}

#[tokio::test]
async fn bad_settings_are_refused() {
    let api = start_with(EmulatorOptions {
        control: true,
        ..Default::default()
    })
    .await;
    for body in [
        r#"{"ms": -1}"#,
        r#"{"ms": 10, "jitter_ms": 11}"#,
        r#"{"ms": 20000}"#,
        r#"{"ms": 10, "extra": 1}"#,
        r#"{"jitter_ms": 1}"#,
    ] {
        let r = api
            .send(Method::PUT, None, "/_emulator/latency", Some(body))
            .await;
        r.assert_problem(400);
    }
    assert_eq!(api.emu.control().latency(), Latency::default());
    let err = api
        .emu
        .control()
        .set_latency(Latency {
            ms: 5.0,
            jitter_ms: 6.0,
        })
        .unwrap_err();
    assert!(err.contains("jitter_ms"), "{err}");
    // At start, too.
    let started = ax_emulator::Emulator::start(EmulatorOptions {
        latency: Latency::fixed(f64::NAN),
        ..Default::default()
    })
    .await;
    assert!(started.is_err());
}
