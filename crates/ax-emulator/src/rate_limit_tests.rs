//! Unit tests of the rate limit's parsing and bucket arithmetic (with a made-up clock).

use std::time::Duration;

use serde_json::json;

use super::*;

fn limiter(rps: f64, burst: u32, per_route: bool) -> RateLimiter {
    RateLimiter::new(Some(RateLimit {
        rps,
        burst,
        per_route,
    }))
}

#[test]
fn parses_rps_and_burst() {
    assert_eq!(RateLimit::parse("50").unwrap(), RateLimit::new(50.0));
    assert_eq!(RateLimit::parse("50").unwrap().burst, 50);
    assert_eq!(
        RateLimit::parse(" 2.5 : 7 ").unwrap(),
        RateLimit {
            rps: 2.5,
            burst: 7,
            per_route: false
        }
    );
    // The default burst is one second's worth, at least 1.
    assert_eq!(RateLimit::parse("2.5").unwrap().burst, 3);
    assert_eq!(RateLimit::parse("0.2").unwrap().burst, 1);
    assert_eq!(RateLimit::default_burst(100_000.0), 100_000);
}

#[test]
fn refuses_bad_specs_naming_the_part() {
    for (spec, needle) in [
        ("", "RPS \"\" is not a number"),
        ("abc", "RPS \"abc\" is not a number"),
        ("5:x", "BURST \"x\" is not a whole number"),
        ("5:1.5", "BURST \"1.5\" is not a whole number"),
        (
            "0",
            "rps must be a number of requests per second, above 0 and at most 100000",
        ),
        ("-3", "rps must be"),
        ("100001", "at most 100000, got 100001"),
        ("inf", "rps must be"),
        ("NaN", "rps must be"),
        ("5:0", "burst must be an integer from 1 to 1000000, got 0"),
        ("5:-2", "burst must be an integer from 1 to 1000000, got -2"),
        ("5:1000001", "got 1000001"),
    ] {
        let err = RateLimit::parse(spec).unwrap_err();
        assert!(err.contains(needle), "{spec:?}: {err}");
    }
}

#[test]
fn reads_json_objects() {
    assert_eq!(
        RateLimit::from_json(&json!({"rps": 5})).unwrap(),
        RateLimit::new(5.0)
    );
    assert_eq!(
        RateLimit::from_json(&json!({"rps": 0.5, "burst": 4.0, "per_route": true})).unwrap(),
        RateLimit {
            rps: 0.5,
            burst: 4,
            per_route: true
        }
    );
    assert_eq!(
        RateLimit::from_json(&json!({"rps": 3, "burst": null, "per_route": null})).unwrap(),
        RateLimit::new(3.0)
    );
    for (value, needle) in [
        (json!(5), "must be an object"),
        (json!({}), "rps is required"),
        (json!({"rps": "5"}), "rps must be a number"),
        (json!({"rps": 0}), "rps must be a number"),
        (json!({"rps": 5, "burst": 2.5}), "burst must be an integer"),
        (json!({"rps": 5, "burst": "2"}), "burst must be an integer"),
        (
            json!({"rps": 5, "burst": 0}),
            "burst must be an integer from 1",
        ),
        (
            json!({"rps": 5, "per_route": 1}),
            "per_route must be true or false",
        ),
        (json!({"rps": 5, "burts": 1}), "no field \"burts\""),
    ] {
        let err = RateLimit::from_json(&value).unwrap_err();
        assert!(err.contains(needle), "{value}: {err}");
    }
}

#[test]
fn a_burst_then_refusals_then_refill() {
    let rl = limiter(2.0, 3, false);
    let t0 = Instant::now();
    let route = || "GET /v2/spaces".to_owned();
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let v = rl.check(Some("k"), Some("u"), route, t0).unwrap();
        assert!(v.admitted);
        remaining.push(v.remaining);
    }
    assert_eq!(remaining, [2, 1, 0]);
    let v = rl.check(Some("k"), Some("u"), route, t0).unwrap();
    assert!(!v.admitted);
    assert_eq!(v.remaining, 0);
    // One token every half second; full again after 1.5 s.
    assert_eq!(v.retry_after_secs, 1);
    assert_eq!(v.reset_secs, 2);
    // 0.6 s later: one token is back.
    let t1 = t0 + Duration::from_millis(600);
    let v = rl.check(Some("k"), Some("u"), route, t1).unwrap();
    assert!(v.admitted, "{v:?}");
    assert!(!rl.check(Some("k"), Some("u"), route, t1).unwrap().admitted);
    // Long after: full, never more than the burst.
    let t2 = t1 + Duration::from_secs(60);
    let v = rl.check(Some("k"), Some("u"), route, t2).unwrap();
    assert_eq!((v.admitted, v.remaining), (true, 2));
    assert_eq!(v.reset_secs, 1);
    let stats = rl.stats();
    assert_eq!((stats.admitted, stats.refused), (5, 2));
    assert_eq!(
        stats.by_user["u"],
        RateLimitCounts {
            admitted: 5,
            refused: 2
        }
    );
}

#[test]
fn retry_after_rounds_up_the_wait_for_one_token() {
    let rl = limiter(0.25, 1, false);
    let t0 = Instant::now();
    let route = String::new;
    assert!(rl.check(None, None, route, t0).unwrap().admitted);
    let v = rl
        .check(None, None, route, t0 + Duration::from_secs(1))
        .unwrap();
    // 0.25 of a token back: 3 s more for the rest.
    assert!(!v.admitted);
    assert_eq!((v.retry_after_secs, v.reset_secs), (3, 3));
    assert_eq!(rl.stats().by_user[UNAUTHENTICATED].refused, 1);
}

#[test]
fn buckets_are_per_key_and_per_route_when_asked() {
    let t0 = Instant::now();
    let rl = limiter(1.0, 1, false);
    let spaces = || "GET /v2/spaces".to_owned();
    let tasks = || "GET /v2/tasks".to_owned();
    assert!(
        rl.check(Some("a"), Some("u1"), spaces, t0)
            .unwrap()
            .admitted
    );
    assert!(!rl.check(Some("a"), Some("u1"), tasks, t0).unwrap().admitted);
    assert!(
        rl.check(Some("b"), Some("u1"), spaces, t0)
            .unwrap()
            .admitted
    );
    assert!(rl.check(None, None, spaces, t0).unwrap().admitted);
    assert!(!rl.check(None, None, spaces, t0).unwrap().admitted);
    // Two keys of one user: counted together.
    assert_eq!(
        rl.stats().by_user["u1"],
        RateLimitCounts {
            admitted: 2,
            refused: 1
        }
    );

    let rl = limiter(1.0, 1, true);
    assert!(
        rl.check(Some("a"), Some("u1"), spaces, t0)
            .unwrap()
            .admitted
    );
    assert!(rl.check(Some("a"), Some("u1"), tasks, t0).unwrap().admitted);
    assert!(
        !rl.check(Some("a"), Some("u1"), spaces, t0)
            .unwrap()
            .admitted
    );
}

#[test]
fn setting_refills_reset_keeps_the_limit_and_off_checks_nothing() {
    let t0 = Instant::now();
    let rl = limiter(1.0, 1, false);
    let route = String::new;
    assert!(rl.check(Some("a"), Some("u"), route, t0).unwrap().admitted);
    assert!(!rl.check(Some("a"), Some("u"), route, t0).unwrap().admitted);
    rl.set(Some(RateLimit::new(1.0)));
    assert!(rl.check(Some("a"), Some("u"), route, t0).unwrap().admitted);
    assert_eq!(rl.stats().admitted, 2);
    rl.reset();
    assert_eq!(rl.get(), Some(RateLimit::new(1.0)));
    assert_eq!(rl.stats(), RateLimitStats::default());
    assert!(rl.check(Some("a"), Some("u"), route, t0).unwrap().admitted);
    rl.clear_stats();
    rl.set(None);
    assert!(rl.check(Some("a"), Some("u"), route, t0).is_none());
    assert_eq!(rl.stats(), RateLimitStats::default());
}

#[test]
fn headers_print_the_policy() {
    let rl = limiter(0.5, 2, false);
    let v = rl.check(None, None, String::new, Instant::now()).unwrap();
    let mut resp = StatusCode::OK.into_response();
    v.add_headers(&mut resp);
    let h = resp.headers();
    let get = |n: &str| h.get(n).unwrap().to_str().unwrap().to_owned();
    assert_eq!(get("ratelimit-policy"), "0.5;w=1;burst=2");
    assert_eq!(get("ratelimit-limit"), "0.5");
    assert_eq!(get("x-ratelimit-limit"), "0.5");
    assert_eq!(get("ratelimit-remaining"), "1");
    assert_eq!(get("x-ratelimit-remaining"), "1");
    assert_eq!(get("ratelimit-reset"), "2");
    assert_eq!(get("x-ratelimit-reset"), "2");
    assert!(h.get("retry-after").is_none());
    assert_eq!(
        RateLimit::new(50.0).rps_text(),
        "50",
        "no trailing .0 when integral"
    );
}

#[test]
fn a_key_is_named_by_a_prefix_of_its_sha256() {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    assert_eq!(key_fingerprint("abc"), "sha256:ba7816bf8f01cfea");
    assert_ne!(key_fingerprint("abc"), key_fingerprint("abd"));
    let rl = limiter(1.0, 1, false);
    let t0 = Instant::now();
    assert!(
        rl.check(Some("abc"), Some("u"), String::new, t0)
            .unwrap()
            .admitted
    );
    assert!(
        !rl.check(Some("abc"), Some("u"), String::new, t0)
            .unwrap()
            .admitted
    );
    let stats = rl.stats();
    assert_eq!(
        stats.by_key["sha256:ba7816bf8f01cfea"],
        RateLimitCounts {
            admitted: 1,
            refused: 1
        }
    );
    assert!(!serde_json::to_string(&stats).unwrap().contains("\"abc\""));
}
