use super::*;
use reqwest::header::HeaderValue;

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(*k, HeaderValue::from_static(v));
    }
    h
}

const MS: fn(u64) -> Duration = Duration::from_millis;

#[test]
fn rates_from_headers() {
    let r = |pairs: &[(&'static str, &'static str)]| rate_from_headers(&headers(pairs));
    assert_eq!(r(&[("ratelimit-policy", "50;w=1;burst=10")]), Some(50.0));
    assert_eq!(r(&[("ratelimit-policy", "100;w=10")]), Some(10.0));
    assert_eq!(
        r(&[(
            "ratelimit-policy",
            "\"hourly\";q=3600;w=3600, \"burst\";q=20;w=1"
        )]),
        Some(1.0)
    );
    assert_eq!(r(&[("ratelimit-limit", "40")]), Some(40.0));
    assert_eq!(r(&[("x-ratelimit-limit", "10, 10;w=2")]), Some(5.0));
    // The policy wins over the limit; nonsense is ignored.
    assert_eq!(
        r(&[("ratelimit-policy", "5;w=1"), ("x-ratelimit-limit", "500")]),
        Some(5.0)
    );
    assert_eq!(
        r(&[("ratelimit-policy", "soon"), ("ratelimit-limit", "-3")]),
        None
    );
    assert_eq!(r(&[("ratelimit-limit", "0")]), None);
    assert_eq!(r(&[]), None);
}

#[test]
fn unpaced_until_told() {
    let p = Pacer::new(None);
    let t0 = Instant::now();
    for _ in 0..100 {
        assert_eq!(p.reserve(t0).wait, Duration::ZERO);
    }
    assert!(p.state(t0).rate.is_none());
}

#[test]
fn configured_rate_spaces_requests_from_the_start() {
    let p = Pacer::new(Some(10.0));
    let t0 = Instant::now();
    let waits: Vec<Duration> = (0..5).map(|_| p.reserve(t0).wait).collect();
    assert_eq!(waits, [MS(0), MS(100), MS(200), MS(300), MS(400)]);
    // Idle time does not build a burst: after a quiet second, one slot per interval again.
    let later = t0 + Duration::from_secs(2);
    assert_eq!(p.reserve(later).wait, MS(0));
    assert_eq!(p.reserve(later).wait, MS(100));
    let s = p.state(later);
    assert_eq!(s.source, Some(RateSource::Configured));
    assert_eq!(s.held, 4 + 1);
}

#[test]
fn headers_set_the_pace_below_the_servers_rate() {
    let p = Pacer::new(None);
    let t0 = Instant::now();
    p.observe(
        t0,
        t0,
        200,
        &headers(&[("ratelimit-policy", "50;w=1")]),
        None,
    );
    let s = p.state(t0);
    assert_eq!(s.source, Some(RateSource::Headers));
    assert!((s.rate.unwrap() - 50.0 * HEADROOM).abs() < 1e-9);
    p.reserve(t0);
    let second = p.reserve(t0).wait.as_secs_f64();
    assert!((second - 1.0 / (50.0 * HEADROOM)).abs() < 1e-6, "{second}");
    // A configured ceiling below the server's rate wins.
    let p = Pacer::new(Some(5.0));
    p.observe(t0, t0, 200, &headers(&[("ratelimit-limit", "50")]), None);
    assert_eq!(p.state(t0).rate, Some(5.0));
}

#[test]
fn a_429_pauses_everyone_once_then_resumes_one_slot_at_a_time() {
    let p = Pacer::new(None);
    let t0 = Instant::now();
    let policy = headers(&[("ratelimit-policy", "10;w=1")]);
    p.observe(t0, t0, 200, &policy, None);
    // Requests sent before the rate was known are refused: one pause, no share cut.
    let before = t0 - MS(5);
    let pause = p.observe(t0, before, 429, &policy, Some(Duration::from_secs(1)));
    assert_eq!(pause, Some(Duration::from_secs(1)));
    p.observe(
        t0 + MS(1),
        before,
        429,
        &policy,
        Some(Duration::from_secs(1)),
    );
    let s = p.state(t0);
    assert_eq!(s.refused, 2);
    assert!((s.rate.unwrap() - 10.0 * HEADROOM).abs() < 1e-9);
    // Every waiter gets its own slot after the pause, evenly spaced.
    let interval = 1.0 / (10.0 * HEADROOM);
    let waits: Vec<f64> = (0..3).map(|_| p.reserve(t0).wait.as_secs_f64()).collect();
    for (i, w) in waits.iter().enumerate() {
        let want = 1.001 + interval * i as f64;
        assert!((w - want).abs() < 1e-3, "{waits:?}");
    }
    let held = p.reserve(t0);
    assert!(held.paused);
}

#[test]
fn a_429_while_paced_halves_the_share_which_grows_back() {
    let p = Pacer::new(None);
    let t0 = Instant::now();
    let policy = headers(&[("ratelimit-policy", "40;w=1")]);
    p.observe(t0, t0, 200, &policy, None);
    let t1 = t0 + Duration::from_secs(1);
    p.observe(t1, t1 - MS(10), 429, &policy, Some(Duration::from_secs(1)));
    let full = 40.0 * HEADROOM;
    assert!((p.state(t1).rate.unwrap() - full / 2.0).abs() < 1e-9);
    // A second 429 within the same pause does not cut again.
    p.observe(t1 + MS(2), t1, 429, &policy, Some(Duration::from_secs(1)));
    assert!((p.state(t1).rate.unwrap() - full / 2.0).abs() < 1e-9);
    // Five seconds later a quarter of the rate is back; after ten, all of it.
    let r5 = p.state(t1 + Duration::from_secs(5)).rate.unwrap();
    assert!((r5 - full * 0.75).abs() < 1e-6, "{r5}");
    assert!((p.state(t1 + Duration::from_secs(10)).rate.unwrap() - full).abs() < 1e-9);
}

#[test]
fn without_headers_a_429_sets_the_rate_the_server_admitted() {
    let p = Pacer::new(None);
    let t0 = Instant::now();
    let none = HeaderMap::new();
    for i in 0..20 {
        let t = t0 + MS(50 * i);
        p.observe(t, t, 200, &none, None);
    }
    let t = t0 + MS(1000);
    // A 429 that does not say when to come back teaches nothing and pauses nobody.
    assert_eq!(p.observe(t, t, 429, &none, None), None);
    assert_eq!(p.observe(t, t, 429, &none, Some(MS(0))), None);
    assert!(p.state(t).rate.is_none());
    let pause = p.observe(t, t, 429, &none, Some(MS(300)));
    assert_eq!(pause, Some(MS(300)));
    let s = p.state(t);
    assert_eq!(s.refused, 3);
    assert_eq!(s.source, Some(RateSource::Refusals));
    // 20 admitted in the last second (the window counts from the oldest kept).
    let rate = s.rate.unwrap() / HEADROOM;
    assert!((15.0..=21.0).contains(&rate), "{rate}");
    // Refused before anything was admitted: no estimate, only the pause.
    let p = Pacer::new(None);
    assert_eq!(p.observe(t0, t0, 429, &none, Some(MS(300))), Some(MS(300)));
    assert!(p.state(t0).rate.is_none());
}

#[test]
fn the_request_after_learning_the_rate_keeps_its_distance_from_the_one_before() {
    let p = Pacer::new(None);
    let t0 = Instant::now();
    assert_eq!(p.reserve(t0).wait, MS(0)); // sent before any answer
    p.observe(
        t0 + MS(20),
        t0,
        200,
        &headers(&[("ratelimit-policy", "4;w=1")]),
        None,
    );
    // Asked for 100 ms after the first: held until one interval after it.
    let w = p.reserve(t0 + MS(100)).wait.as_secs_f64();
    let want = 1.0 / (4.0 * HEADROOM) - 0.1;
    assert!((w - want).abs() < 1e-6, "{w} {want}");
}
