//! Simulated rate limiting: a token bucket per key (or key and route) in front of `/v2`,
//! 429 with a problem body and the rate limit headers, refills, statistics, the control
//! routes (never limited) and the limit with latency.
//!
//! Timing: rates are low (at most a few tokens per second) so that a slow machine cannot
//! refill a bucket between two requests meant to hit it empty, and waits for a refill are
//! sleeps, which never end early.

use std::time::{Duration, Instant};

use ax_emulator::{
    key_fingerprint, EmulatorOptions, Latency, RateLimit, RateLimitCounts, RateLimitStats,
    UNAUTHENTICATED,
};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;

fn limit(rps: f64, burst: u32, per_route: bool) -> Option<RateLimit> {
    Some(RateLimit {
        rps,
        burst,
        per_route,
    })
}

async fn start_limited(rate_limit: Option<RateLimit>) -> Api {
    start_with(EmulatorOptions {
        control: true,
        rate_limit,
        ..Default::default()
    })
    .await
}

/// The seeded user holding `key`.
fn user_of(api: &Api, key: &str) -> String {
    api.seed["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["key"] == key)
        .unwrap_or_else(|| panic!("no user with key {key}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn header<'r>(r: &'r Resp, name: &str) -> Option<&'r str> {
    r.headers.get(name).map(|v| v.to_str().unwrap())
}

fn number(r: &Resp, name: &str) -> u64 {
    header(r, name)
        .unwrap_or_else(|| panic!("no {name}: {:?}", r.headers))
        .parse()
        .unwrap()
}

/// The `RateLimit-*` headers, checked against their `X-RateLimit-*` twins:
/// `(limit, remaining, reset)`.
fn rate_headers(r: &Resp) -> (String, u64, u64) {
    for name in ["limit", "remaining", "reset"] {
        assert_eq!(
            header(r, &format!("ratelimit-{name}")),
            header(r, &format!("x-ratelimit-{name}")),
            "{name}"
        );
    }
    (
        header(r, "ratelimit-limit").unwrap().to_owned(),
        number(r, "ratelimit-remaining"),
        number(r, "ratelimit-reset"),
    )
}

fn counts(admitted: u64, refused: u64) -> RateLimitCounts {
    RateLimitCounts { admitted, refused }
}

#[tokio::test]
async fn a_burst_is_admitted_then_429_with_problem_and_headers() {
    let api = start_limited(limit(0.5, 3, false)).await;
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let r = api.get(ADMIN, "/v2/spaces").await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(header(&r, "ratelimit-policy"), Some("0.5;w=1;burst=3"));
        assert!(header(&r, "retry-after").is_none());
        let (limit, left, reset) = rate_headers(&r);
        assert_eq!(limit, "0.5");
        assert!((1..=6).contains(&reset), "{reset}");
        remaining.push(left);
    }
    assert_eq!(remaining, [2, 1, 0]);

    let r = api.get(ADMIN, "/v2/spaces?limit=1").await;
    r.assert_problem(429);
    assert_eq!(r.body["title"], "Rate limit exceeded");
    assert_eq!(
        r.body["type"],
        "https://arize.com/docs/ax/rest-reference/errors#rate-limit-exceeded"
    );
    assert_eq!(r.body["instance"], "/v2/spaces");
    let detail = r.body["detail"].as_str().unwrap();
    assert!(detail.contains("0.5 per second"), "{detail}");
    assert!(!detail.contains(ADMIN), "the key stays out: {detail}");
    // One token every 2 s: back within 2 s (1 on a very slow machine), full within 6.
    let retry = number(&r, "retry-after");
    assert!((1..=2).contains(&retry), "{retry}");
    assert_eq!(header(&r, "ratelimit-policy"), Some("0.5;w=1;burst=3"));
    let (limit, left, reset) = rate_headers(&r);
    assert_eq!((limit.as_str(), left), ("0.5", 0));
    assert!((5..=6).contains(&reset), "{reset}");

    // The refusal is logged, but never reached the faults.
    let log = api.emu.control().requests();
    assert_eq!(log.len(), 4);
    assert_eq!(log[3].status, 429);
    assert!(!log[3].fault);
    assert_eq!(api.emu.control().fault_stats().requests, 3);
}

#[tokio::test]
async fn a_fault_answers_through_the_limit() {
    let api = start_limited(limit(0.5, 1, false)).await;
    api.emu.control().add_fault(ax_emulator::Fault {
        status: Some(503),
        ..ax_emulator::Fault::default()
    });
    // The admitted request meets the fault and carries the limit's headers...
    let r = api.get(ADMIN, "/v2/spaces").await;
    r.assert_problem(503);
    assert_eq!(rate_headers(&r).1, 0);
    // ... and a refused one never reaches the faults: the next fault is still there.
    api.emu.control().add_fault(ax_emulator::Fault {
        status: Some(502),
        ..ax_emulator::Fault::default()
    });
    api.get(ADMIN, "/v2/spaces").await.assert_problem(429);
    api.emu.control().clear_rate_limit();
    api.get(ADMIN, "/v2/spaces").await.assert_problem(502);
}

#[tokio::test]
async fn the_bucket_refills_over_time() {
    let api = start_limited(limit(1.0, 1, false)).await;
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 200);
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 429);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let r = api.get(ADMIN, "/v2/spaces").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(rate_headers(&r).1, 0);
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 429);
    let stats = api.emu.control().rate_limit_stats();
    assert_eq!((stats.admitted, stats.refused), (2, 2));
}

#[tokio::test]
async fn every_key_has_its_bucket_and_stats_go_by_user_and_by_key() {
    let api = start_limited(limit(0.5, 1, false)).await;
    let admin = user_of(&api, ADMIN);
    let member = user_of(&api, MEMBER);
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 200);
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 429);
    assert_eq!(api.get(MEMBER, "/v2/spaces").await.status, 200);
    // A second key of the admin: a bucket of its own, counted under the same user.
    let second = api.emu.control().create_key(&admin).unwrap();
    assert_eq!(api.get(&second, "/v2/spaces").await.status, 200);
    // Unknown and missing keys share one bucket: 401 while it lasts, then 429.
    let r = api.get("no-such-key", "/v2/spaces").await;
    r.assert_problem(401);
    assert_eq!(rate_headers(&r).1, 0);
    api.get("another-bad-key", "/v2/spaces")
        .await
        .assert_problem(429);
    api.send(Method::GET, None, "/v2/spaces", None)
        .await
        .assert_problem(429);

    let stats = api.emu.control().rate_limit_stats();
    assert_eq!((stats.admitted, stats.refused), (4, 3));
    assert_eq!(stats.by_user.len(), 3, "{stats:?}");
    assert_eq!(stats.by_user[&admin], counts(2, 1));
    assert_eq!(stats.by_user[&member], counts(1, 0));
    assert_eq!(stats.by_user[UNAUTHENTICATED], counts(1, 2));
    // Per key, under each key's fingerprint: the admin's two keys apart.
    assert_eq!(stats.by_key.len(), 4, "{stats:?}");
    assert_eq!(stats.by_key[&key_fingerprint(ADMIN)], counts(1, 1));
    assert_eq!(stats.by_key[&key_fingerprint(&second)], counts(1, 0));
    assert_eq!(stats.by_key[&key_fingerprint(MEMBER)], counts(1, 0));
    assert_eq!(stats.by_key[UNAUTHENTICATED], counts(1, 2));
    // The keys themselves appear nowhere.
    let text = serde_json::to_string(&stats).unwrap();
    assert!(!text.contains(ADMIN) && !text.contains(&second), "{text}");
}

#[tokio::test]
async fn per_route_buckets_follow_the_route_template() {
    let api = start_limited(limit(0.5, 1, true)).await;
    let spaces = api.seed["spaces"].as_array().unwrap();
    let (a, b) = (
        spaces[0]["id"].as_str().unwrap(),
        spaces[1]["id"].as_str().unwrap(),
    );
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 200);
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 429);
    assert_eq!(api.get(ADMIN, "/v2/organizations").await.status, 200);
    assert_eq!(api.get(MEMBER, "/v2/spaces").await.status, 200);
    // Every space shares the bucket of GET /v2/spaces/{space_id}.
    assert_eq!(api.get(ADMIN, &format!("/v2/spaces/{a}")).await.status, 200);
    let r = api.get(ADMIN, &format!("/v2/spaces/{b}")).await;
    r.assert_problem(429);
    let detail = r.body["detail"].as_str().unwrap();
    assert!(detail.contains("GET /v2/spaces/{space_id}"), "{detail}");
    // Another method is another route.
    let r = api
        .patch(
            ADMIN,
            &format!("/v2/spaces/{a}"),
            &json!({"description": "x"}),
        )
        .await;
    assert_ne!(r.status, 429, "{}", r.text);

    // Without per_route, one bucket per key again (and every bucket full).
    api.emu
        .control()
        .set_rate_limit(limit(0.5, 1, false).unwrap())
        .unwrap();
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 200);
    assert_eq!(api.get(ADMIN, "/v2/organizations").await.status, 429);
}

async fn control_call(api: &Api, method: Method, path: &str, body: Option<Value>) -> Resp {
    api.send(method, None, path, body.map(|b| b.to_string()).as_deref())
        .await
}

#[tokio::test]
async fn control_routes_set_read_and_clear_and_are_never_limited() {
    let api = start_limited(None).await;
    let path = "/_emulator/rate-limit";
    let r = control_call(&api, Method::GET, path, None).await;
    assert_eq!((r.status, &r.body), (200, &Value::Null));
    // Off: no headers on /v2.
    let r = api.get(ADMIN, "/v2/spaces").await;
    assert!(header(&r, "ratelimit-limit").is_none() && header(&r, "x-ratelimit-limit").is_none());

    let r = control_call(&api, Method::PUT, path, Some(json!({"rps": 1, "burst": 2}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body, json!({"rps": 1.0, "burst": 2, "per_route": false}));
    let r = control_call(&api, Method::PUT, path, Some(json!({"rps": 0.5}))).await;
    assert_eq!(r.body, json!({"rps": 0.5, "burst": 1, "per_route": false}));
    let r = control_call(
        &api,
        Method::PUT,
        path,
        Some(json!({"rps": 0.5, "burst": 2, "per_route": false})),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        api.emu.control().rate_limit(),
        limit(0.5, 2, false),
        "the setting in force"
    );

    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 200);
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 200);
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 429);
    // The control routes answer however empty the buckets, without the headers.
    for _ in 0..5 {
        let r = control_call(&api, Method::GET, "/_emulator/rate-limit/stats", None).await;
        assert_eq!(r.status, 200);
        assert!(header(&r, "ratelimit-limit").is_none());
    }
    let r = control_call(&api, Method::GET, "/_emulator/rate-limit/stats", None).await;
    let admin = user_of(&api, ADMIN);
    assert_eq!(
        r.body,
        json!({
            "admitted": 2,
            "refused": 1,
            "by_user": {admin.as_str(): {"admitted": 2, "refused": 1}},
            "by_key": {key_fingerprint(ADMIN): {"admitted": 2, "refused": 1}},
        })
    );
    let r = control_call(&api, Method::DELETE, "/_emulator/rate-limit/stats", None).await;
    assert_eq!(r.status, 204);
    assert_eq!(
        api.emu.control().rate_limit_stats(),
        RateLimitStats::default()
    );

    // Bad settings: 400 naming the field; the setting stays.
    for (body, needle) in [
        (
            json!({"rps": 0}),
            "rps must be a number of requests per second, above 0",
        ),
        (json!({"rps": 200000}), "at most 100000"),
        (json!({"rps": "fast"}), "rps must be a number"),
        (json!({"burst": 3}), "rps is required"),
        (
            json!({"rps": 1, "burst": 0}),
            "burst must be an integer from 1 to 1000000",
        ),
        (json!({"rps": 1, "burst": 1.5}), "burst must be an integer"),
        (
            json!({"rps": 1, "per_route": "yes"}),
            "per_route must be true or false",
        ),
        (json!({"rps": 1, "window": 1}), "no field \"window\""),
        (json!([1]), "must be an object"),
    ] {
        let r = control_call(&api, Method::PUT, path, Some(body.clone())).await;
        r.assert_problem(400);
        let detail = r.body["detail"].as_str().unwrap();
        assert!(detail.contains(needle), "{body}: {detail}");
    }
    let r = api.send(Method::PUT, None, path, Some("not json")).await;
    r.assert_problem(400);
    assert_eq!(api.emu.control().rate_limit(), limit(0.5, 2, false));

    let r = control_call(&api, Method::DELETE, path, None).await;
    assert_eq!(r.status, 204);
    assert_eq!(api.emu.control().rate_limit(), None);
    let r = control_call(&api, Method::GET, path, None).await;
    assert_eq!(r.body, Value::Null);
    for _ in 0..5 {
        let r = api.get(ADMIN, "/v2/spaces").await;
        assert_eq!(r.status, 200);
        assert!(header(&r, "ratelimit-remaining").is_none());
    }
    // Nothing is counted while the limit is off.
    assert_eq!(
        api.emu.control().rate_limit_stats(),
        RateLimitStats::default()
    );
}

#[tokio::test]
async fn reset_keeps_the_limit_and_refills_the_buckets() {
    let api = start_limited(limit(0.5, 1, false)).await;
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 200);
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 429);
    let r = control_call(&api, Method::POST, "/_emulator/reset", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(api.emu.control().rate_limit(), limit(0.5, 1, false));
    assert_eq!(
        api.emu.control().rate_limit_stats(),
        RateLimitStats::default()
    );
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 200);
    assert_eq!(api.get(ADMIN, "/v2/spaces").await.status, 429);
}

#[tokio::test]
async fn bad_settings_are_refused_in_process_and_at_start() {
    let api = start_limited(None).await;
    let c = api.emu.control();
    for (bad, needle) in [
        (limit(0.0, 1, false), "rps"),
        (limit(f64::NAN, 1, false), "rps"),
        (limit(1.0, 0, false), "burst"),
        (limit(1.0, 2_000_000, false), "burst"),
    ] {
        let err = c.set_rate_limit(bad.unwrap()).unwrap_err();
        assert!(err.contains(needle), "{err}");
    }
    assert_eq!(c.rate_limit(), None);
    let started = ax_emulator::Emulator::start(EmulatorOptions {
        rate_limit: limit(-1.0, 1, false),
        ..Default::default()
    })
    .await;
    assert!(started.is_err());
}

/// With latency, the bucket is checked as the request arrives: the count is there a whole
/// round trip before the answer. Refusals pay the round trip too.
#[tokio::test]
async fn with_latency_the_check_comes_before_the_round_trip() {
    let api = start_with(EmulatorOptions {
        latency: Latency::fixed(600.0),
        rate_limit: limit(0.5, 1, false),
        ..Default::default()
    })
    .await;
    let url = format!("{}/v2/spaces", api.emu.url());
    let http = api.http.clone();
    let sent = Instant::now();
    let request = tokio::spawn(async move {
        let r = http.get(url).bearer_auth(ADMIN).send().await.unwrap();
        (r.status().as_u16(), Instant::now())
    });
    let control = api.emu.control();
    let counted = loop {
        if control.rate_limit_stats().admitted == 1 {
            break Instant::now();
        }
        assert!(sent.elapsed() < Duration::from_secs(20), "never counted");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let (status, answered) = request.await.unwrap();
    assert_eq!(status, 200);
    // A new connection (one round trip) and the answer's (one more) after the send; the
    // answer's whole round trip after the count.
    assert!(answered - sent >= Duration::from_millis(1200));
    assert!(
        answered - counted >= Duration::from_millis(300),
        "counted {:?} before the answer",
        answered - counted
    );

    let started = Instant::now();
    let r = api.get(ADMIN, "/v2/spaces").await;
    r.assert_problem(429);
    assert!(started.elapsed() >= Duration::from_millis(600));
    let stats = api.emu.control().rate_limit_stats();
    assert_eq!((stats.admitted, stats.refused), (1, 1));
}
