//! Simulated rate limiting: a token bucket per API key (optionally per key and route) in
//! front of every `/v2` route, as the real API's gateway has. Off by default.
//!
//! A bucket holds up to `burst` tokens and refills at `rps` tokens per second; a request
//! takes one token or, when less than one is left, is refused with `429` and a problem body
//! (`type` ending `#rate-limit-exceeded`, title "Rate limit exceeded"). Buckets start full.
//!
//! - **Keyed by** the bearer key (so two keys of one user have a bucket each). Requests
//!   without a valid key (none, malformed, unknown) share one bucket and are counted under
//!   the label [`UNAUTHENTICATED`]; they are then refused with 401 as usual when admitted.
//! - **Per route** (`per_route: true`): one bucket per key and route, where the route is
//!   the method and the matched route template, e.g. `GET /v2/spaces/{space_id}`, so every
//!   space shares the bucket of that route; paths that match no route share one bucket per
//!   method (`GET (no route)`).
//! - **When**: the bucket is checked as the request arrives, before the simulated latency
//!   (which refused requests pay too), the faults, authentication and the handler. A
//!   refused request never reaches the faults (it consumes no fault and does not count in
//!   the fault statistics) but is in the request log with status 429.
//! - **Headers** on every `/v2` response while a limit is set, admitted or refused, for
//!   the bucket that applied: `RateLimit-Policy: <rps>;w=1;burst=<burst>`,
//!   `RateLimit-Limit: <rps>`, `RateLimit-Remaining: <whole tokens left after this
//!   request>`, `RateLimit-Reset: <seconds until the bucket is full again, rounded up>`,
//!   and the same three values as `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
//!   `X-RateLimit-Reset` (delta seconds). `<rps>` is printed without a trailing `.0`
//!   (`50`, `0.5`). A refusal also carries `Retry-After: <seconds until one token is
//!   back, rounded up, at least 1>`.
//! - **Control**: set at start ([`crate::EmulatorOptions::rate_limit`], `ax emulator
//!   --rate-limit RPS[:BURST] [--rate-limit-per-route]`) or at run time
//!   ([`Control::set_rate_limit`], `PUT /_emulator/rate-limit`); setting a limit refills
//!   every bucket. A reset keeps the limit but refills the buckets and zeroes the
//!   statistics. The control routes are never limited.
//! - **Statistics** ([`RateLimitStats`]): requests admitted and refused while a limit was
//!   set, in total, per user ID, and per key under the key's fingerprint
//!   ([`key_fingerprint`]: a prefix of its SHA-256, so the key itself never appears).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::control::{control, parse, Control};
use crate::cursor::json_response;
use crate::problem::{self, ApiError};
use crate::server::Shared;

/// The largest refill rate that can be set, in requests per second.
pub const MAX_RPS: f64 = 100_000.0;
/// The largest bucket that can be set.
pub const MAX_BURST: u32 = 1_000_000;
/// The label under which requests without a valid API key are counted.
pub const UNAUTHENTICATED: &str = "unauthenticated";

/// How `RPS[:BURST]` is written, appended to every error of [`RateLimit::parse`].
const FORM: &str = "give RPS or RPS:BURST (requests per second, then the bucket size; e.g. \
                    50 or 50:10)";

/// A token bucket setting: `burst` tokens at most, refilled at `rps` per second.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RateLimit {
    /// Tokens added per second (requests per second sustained); above 0, at most
    /// [`MAX_RPS`].
    pub rps: f64,
    /// The bucket's capacity (the largest burst of requests admitted at once); from 1 to
    /// [`MAX_BURST`].
    pub burst: u32,
    /// One bucket per key and route instead of one per key.
    pub per_route: bool,
}

impl RateLimit {
    /// `rps` with the default burst ([`RateLimit::default_burst`]), one bucket per key.
    pub fn new(rps: f64) -> RateLimit {
        RateLimit {
            rps,
            burst: RateLimit::default_burst(rps),
            per_route: false,
        }
    }

    /// The burst used when none is given: `max(1, ceil(rps))` (one second's worth).
    pub fn default_burst(rps: f64) -> u32 {
        if rps.is_finite() && rps > 1.0 {
            rps.ceil().min(f64::from(MAX_BURST)) as u32
        } else {
            1
        }
    }

    /// A checked setting; `burst` `None` is the default. The error names the field and
    /// what it allows.
    pub fn checked(rps: f64, burst: Option<i64>, per_route: bool) -> Result<RateLimit, String> {
        // The rate's error first, whatever the burst.
        RateLimit::new(rps).validate()?;
        let burst = match burst {
            None => RateLimit::default_burst(rps),
            Some(b) if (1..=i64::from(MAX_BURST)).contains(&b) => b as u32,
            Some(b) => return Err(burst_error(b)),
        };
        let limit = RateLimit {
            rps,
            burst,
            per_route,
        };
        limit.validate()?;
        Ok(limit)
    }

    /// Reads `RPS` or `RPS:BURST`, e.g. `50`, `0.5` or `50:10` (one bucket per key).
    pub fn parse(spec: &str) -> Result<RateLimit, String> {
        let (rps, burst) = match spec.split_once(':') {
            None => (spec, None),
            Some((rps, burst)) => (rps, Some(burst)),
        };
        let rps = rps
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("rate limit RPS {rps:?} is not a number; {FORM}"))?;
        let burst =
            match burst {
                None => None,
                Some(b) => Some(b.trim().parse::<i64>().map_err(|_| {
                    format!("rate limit BURST {b:?} is not a whole number; {FORM}")
                })?),
            };
        RateLimit::checked(rps, burst, false).map_err(|e| format!("{e}; {FORM}"))
    }

    /// Reads `{"rps": 5, "burst": 10, "per_route": false}` (`burst` and `per_route` may be
    /// left out or null).
    pub fn from_json(value: &Value) -> Result<RateLimit, String> {
        let Some(obj) = value.as_object() else {
            return Err(format!(
                "rate limit must be an object {{\"rps\": .., \"burst\": .., \"per_route\": ..}}, got {value}"
            ));
        };
        if let Some(k) = obj
            .keys()
            .find(|k| !matches!(k.as_str(), "rps" | "burst" | "per_route"))
        {
            return Err(format!(
                "rate limit has no field {k:?} (the fields are rps, burst and per_route)"
            ));
        }
        let rps = match obj.get("rps") {
            None | Some(Value::Null) => {
                return Err(format!("rate limit rps is required ({})", rps_bounds()))
            }
            Some(v) => v.as_f64().ok_or_else(|| rps_error(v))?,
        };
        let burst = match obj.get("burst") {
            None | Some(Value::Null) => None,
            Some(v) => Some(whole(v).ok_or_else(|| {
                format!("rate limit burst must be an integer from 1 to {MAX_BURST}, got {v}")
            })?),
        };
        let per_route = match obj.get("per_route") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(v) => {
                return Err(format!(
                    "rate limit per_route must be true or false, got {v}"
                ))
            }
        };
        RateLimit::checked(rps, burst, per_route)
    }

    /// Checks the bounds: `0 < rps <= MAX_RPS`, `1 <= burst <= MAX_BURST`.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.rps.is_finite() && self.rps > 0.0 && self.rps <= MAX_RPS) {
            return Err(rps_error(self.rps));
        }
        if !(1..=MAX_BURST).contains(&self.burst) {
            return Err(burst_error(i64::from(self.burst)));
        }
        Ok(())
    }

    /// `rps` as the headers print it: `50`, `0.5`.
    fn rps_text(&self) -> String {
        format!("{}", self.rps)
    }
}

fn rps_bounds() -> String {
    format!("requests per second, above 0 and at most {MAX_RPS}")
}

fn rps_error(got: impl std::fmt::Display) -> String {
    format!(
        "rate limit rps must be a number of {}, got {got}",
        rps_bounds()
    )
}

fn burst_error(got: i64) -> String {
    format!("rate limit burst must be an integer from 1 to {MAX_BURST}, got {got}")
}

/// A JSON number without a fractional part.
fn whole(v: &Value) -> Option<i64> {
    let n = v.as_number()?;
    n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
            .map(|f| f as i64)
    })
}

/// Requests admitted and refused: for one user's keys, for one key, or for requests
/// without a valid key ([`UNAUTHENTICATED`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimitCounts {
    pub admitted: u64,
    pub refused: u64,
}

impl RateLimitCounts {
    fn count(&mut self, admitted: bool) {
        if admitted {
            self.admitted += 1;
        } else {
            self.refused += 1;
        }
    }
}

/// Requests the rate limit admitted and refused since start, the last [`Control::reset`]
/// or [`Control::clear_rate_limit_stats`] (only while a limit was set).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimitStats {
    pub admitted: u64,
    pub refused: u64,
    /// Per user ID of the request's key; requests without a valid key under
    /// [`UNAUTHENTICATED`].
    pub by_user: BTreeMap<String, RateLimitCounts>,
    /// Per key, under its [`key_fingerprint`] (the bucket of that key when the limit is
    /// not per route); requests without a valid key under [`UNAUTHENTICATED`].
    pub by_key: BTreeMap<String, RateLimitCounts>,
}

/// How a key is named in [`RateLimitStats::by_key`]: `sha256:` and the first 16 hex
/// digits of the SHA-256 of the key's text. It tells keys apart without showing them; a
/// test holding the key computes the same name (in Python, `"sha256:" +
/// hashlib.sha256(key.encode()).hexdigest()[:16]`).
pub fn key_fingerprint(key: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, key.as_bytes());
    let mut out = String::with_capacity(7 + 16);
    out.push_str("sha256:");
    for b in &digest.as_ref()[..8] {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Which bucket a request draws from: its key (`None`: no valid key) and, per route, its
/// route.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct BucketKey {
    key: Option<String>,
    route: Option<String>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

#[derive(Default)]
struct Inner {
    limit: Option<RateLimit>,
    buckets: HashMap<BucketKey, Bucket>,
    /// The counts, but for `by_key`, which [`RateLimiter::stats`] names from `key_counts`
    /// (so no key is hashed on the way of a request).
    stats: RateLimitStats,
    /// Per key (`None`: no valid key).
    key_counts: HashMap<Option<String>, RateLimitCounts>,
}

impl Inner {
    fn clear_counts(&mut self) {
        self.stats = RateLimitStats::default();
        self.key_counts.clear();
    }
}

/// The limit in force, the buckets and the statistics.
#[derive(Default)]
pub(crate) struct RateLimiter {
    /// Whether a limit is set, read without the lock on the hot path.
    on: AtomicBool,
    inner: Mutex<Inner>,
}

/// The outcome of one request's check: what the headers report.
#[derive(Clone, Debug)]
pub(crate) struct Verdict {
    pub(crate) admitted: bool,
    limit: RateLimit,
    /// Whole tokens left after this request.
    remaining: u64,
    /// Seconds until the bucket is full again (rounded up).
    reset_secs: u64,
    /// Seconds until one token is back (rounded up, at least 1); refusals only.
    retry_after_secs: u64,
    /// The bucket's route (per-route limits only) and whether its key was valid, for the
    /// refusal's detail.
    route: Option<String>,
    authenticated: bool,
}

fn ceil_secs(secs: f64) -> u64 {
    if secs <= 0.0 {
        0
    } else {
        secs.ceil() as u64
    }
}

impl RateLimiter {
    pub(crate) fn new(limit: Option<RateLimit>) -> RateLimiter {
        let limiter = RateLimiter::default();
        limiter.set(limit);
        limiter
    }

    /// Sets (or with `None` removes) the limit; every bucket starts full again.
    pub(crate) fn set(&self, limit: Option<RateLimit>) {
        let mut inner = self.inner.lock();
        inner.limit = limit;
        inner.buckets.clear();
        self.on.store(limit.is_some(), Ordering::Release);
    }

    pub(crate) fn get(&self) -> Option<RateLimit> {
        self.inner.lock().limit
    }

    /// After [`Control::reset`]: the limit stays, the buckets refill, the counts go.
    pub(crate) fn reset(&self) {
        let mut inner = self.inner.lock();
        inner.buckets.clear();
        inner.clear_counts();
    }

    pub(crate) fn stats(&self) -> RateLimitStats {
        let inner = self.inner.lock();
        let mut stats = inner.stats.clone();
        stats.by_key = inner
            .key_counts
            .iter()
            .map(|(key, counts)| {
                let name = key
                    .as_deref()
                    .map_or_else(|| UNAUTHENTICATED.to_owned(), key_fingerprint);
                (name, *counts)
            })
            .collect();
        stats
    }

    pub(crate) fn clear_stats(&self) {
        self.inner.lock().clear_counts();
    }

    /// Takes a token for a request of `user` (its key's user ID; `None` without a valid
    /// key) from the bucket of `key` (and `route` when the limit is per route); `None`
    /// when no limit is set.
    fn check(
        &self,
        key: Option<&str>,
        user: Option<&str>,
        route: impl FnOnce() -> String,
        now: Instant,
    ) -> Option<Verdict> {
        if !self.on.load(Ordering::Acquire) {
            return None;
        }
        let mut guard = self.inner.lock();
        let inner = &mut *guard;
        let limit = inner.limit?;
        let route = limit.per_route.then(route);
        let bucket = inner
            .buckets
            .entry(BucketKey {
                key: key.map(str::to_owned),
                route: route.clone(),
            })
            .or_insert(Bucket {
                tokens: f64::from(limit.burst),
                at: now,
            });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * limit.rps).min(f64::from(limit.burst));
        bucket.at = now;
        let admitted = bucket.tokens >= 1.0;
        if admitted {
            bucket.tokens -= 1.0;
        }
        let verdict = Verdict {
            admitted,
            limit,
            remaining: bucket.tokens.max(0.0).floor() as u64,
            reset_secs: ceil_secs((f64::from(limit.burst) - bucket.tokens) / limit.rps),
            retry_after_secs: ceil_secs((1.0 - bucket.tokens) / limit.rps).max(1),
            route,
            authenticated: key.is_some(),
        };
        let stats = &mut inner.stats;
        for counts in [
            stats
                .by_user
                .entry(user.unwrap_or(UNAUTHENTICATED).to_owned())
                .or_default(),
            inner.key_counts.entry(key.map(str::to_owned)).or_default(),
        ] {
            counts.count(admitted);
        }
        if admitted {
            stats.admitted += 1;
        } else {
            stats.refused += 1;
        }
        Some(verdict)
    }
}

/// Checks a `/v2` request against the limit (`None` when none is set): the bucket of its
/// bearer key, if that key is valid, and of its route.
pub(crate) fn admit(sh: &Shared, req: &Request) -> Option<Verdict> {
    if !sh.rate_limit.on.load(Ordering::Acquire) {
        return None;
    }
    let key = crate::auth::bearer_key(req.headers()).ok();
    let caller = key.and_then(|k| {
        let st = sh.state.read();
        let user = st.users.by_seq(st.user_for_key(k)?)?;
        Some((k, user.id.clone()))
    });
    let route = || {
        let template = req
            .extensions()
            .get::<MatchedPath>()
            .map_or("(no route)", |m| m.as_str());
        format!("{} {template}", req.method())
    };
    sh.rate_limit.check(
        caller.as_ref().map(|(k, _)| *k),
        caller.as_ref().map(|(_, u)| u.as_str()),
        route,
        Instant::now(),
    )
}

impl Verdict {
    /// The `RateLimit-*` and `X-RateLimit-*` headers (and `Retry-After` on a refusal).
    pub(crate) fn add_headers(&self, resp: &mut Response) {
        let rps = self.limit.rps_text();
        let headers = resp.headers_mut();
        let mut put = |name: &'static str, value: String| {
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), v);
            }
        };
        put(
            "ratelimit-policy",
            format!("{rps};w=1;burst={}", self.limit.burst),
        );
        for [limit, remaining, reset] in [
            ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"],
            [
                "x-ratelimit-limit",
                "x-ratelimit-remaining",
                "x-ratelimit-reset",
            ],
        ] {
            put(limit, rps.clone());
            put(remaining, self.remaining.to_string());
            put(reset, self.reset_secs.to_string());
        }
        if !self.admitted {
            headers.insert(RETRY_AFTER, HeaderValue::from(self.retry_after_secs));
        }
    }

    /// The 429 answer to a refused request at `path`.
    pub(crate) fn refusal(&self, path: &str) -> Response {
        let whose = match (self.authenticated, &self.route) {
            (true, None) => "this API key".to_owned(),
            (true, Some(r)) => format!("this API key on {r}"),
            (false, None) => "requests without a valid API key".to_owned(),
            (false, Some(r)) => format!("requests without a valid API key on {r}"),
        };
        let detail = format!(
            "Too many requests for {whose}: at most {} per second, in bursts of up to {}. \
             Retry in {} s.",
            self.limit.rps_text(),
            self.limit.burst,
            self.retry_after_secs
        );
        let mut resp =
            problem::problem_response(StatusCode::TOO_MANY_REQUESTS, Some(&detail), path);
        self.add_headers(&mut resp);
        resp
    }
}

impl Control {
    /// Limits every `/v2` request from now on (see the module docs); every bucket starts
    /// full. Kept across [`Control::reset`]. The error names the field out of bounds.
    pub fn set_rate_limit(&self, limit: RateLimit) -> Result<(), String> {
        limit.validate()?;
        self.shared.rate_limit.set(Some(limit));
        Ok(())
    }

    /// Turns the rate limit off (the statistics stay).
    pub fn clear_rate_limit(&self) {
        self.shared.rate_limit.set(None);
    }

    /// The rate limit in force, if any.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.shared.rate_limit.get()
    }

    /// Requests admitted and refused (see [`RateLimitStats`]).
    pub fn rate_limit_stats(&self) -> RateLimitStats {
        self.shared.rate_limit.stats()
    }

    /// Zeroes the rate limit statistics.
    pub fn clear_rate_limit_stats(&self) {
        self.shared.rate_limit.clear_stats();
    }
}

/// `GET|PUT|DELETE /_emulator/rate-limit` (`{"rps": 5, "burst": 10, "per_route": false}`,
/// `null` when off) and `GET|DELETE /_emulator/rate-limit/stats`.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_emulator/rate-limit", get(current).put(set).delete(clear))
        .route(
            "/_emulator/rate-limit/stats",
            get(stats).delete(clear_stats),
        )
}

async fn current(State(sh): State<Arc<Shared>>) -> Response {
    json_response(StatusCode::OK, &control(sh).rate_limit())
}

async fn set(State(sh): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    let value: Value = parse(&body)?;
    let limit = RateLimit::from_json(&value).map_err(ApiError::bad_request)?;
    let c = control(sh);
    c.set_rate_limit(limit).map_err(ApiError::bad_request)?;
    Ok(json_response(StatusCode::OK, &c.rate_limit()))
}

async fn clear(State(sh): State<Arc<Shared>>) -> Response {
    control(sh).clear_rate_limit();
    StatusCode::NO_CONTENT.into_response()
}

async fn stats(State(sh): State<Arc<Shared>>) -> Response {
    json_response(StatusCode::OK, &control(sh).rate_limit_stats())
}

async fn clear_stats(State(sh): State<Arc<Shared>>) -> Response {
    control(sh).clear_rate_limit_stats();
    StatusCode::NO_CONTENT.into_response()
}

#[cfg(test)]
#[path = "rate_limit_tests.rs"]
mod tests;
