//! Fault injection, fault statistics and the request log.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use axum::http::header::{HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::problem::problem_response;

/// A scripted misbehaviour for matching `/v2` requests.
///
/// Faults are matched in insertion order. A fault is a candidate for a request when its
/// `method` and `path` match, it has uses left (`count > 0`, or `unlimited`), and its
/// `action` can apply to the request (`stall_cursor` needs a `GET` of a list with a
/// non-empty `cursor` parameter, `empty_page` a `GET` of a list). For a candidate with
/// `probability < 1` a draw from the emulator's seeded generator decides whether it fires
/// (see [`crate::Control::set_fault_seed`]); a draw that does not fire consumes no use, and
/// the next candidate is considered. The first fault that fires applies and loses one use
/// (at zero it is removed, unless `unlimited`). Faults apply before authentication; control
/// routes are never faulted.
///
/// What a fired fault does: first it waits `latency_ms` (a delay past the client's timeout
/// makes a slow response). Then, with `status`, it answers that status (a problem body, or
/// `body`) without running the API; with an [`action`](FaultAction), it misbehaves as the
/// action says; with neither, the request goes through to the API. `retry_after` adds a
/// `Retry-After` header to whatever response is sent.
///
/// ```
/// use ax_emulator::{Fault, FaultAction};
/// let f = Fault { status: Some(503), retry_after: Some("1".into()), count: 2, ..Default::default() };
/// assert_eq!(f.path, "*");
/// let flaky = Fault { action: Some(FaultAction::Reset), probability: 0.1, unlimited: true, ..Default::default() };
/// assert!(flaky.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Fault {
    /// HTTP method to match (any case); `None` matches every method.
    pub method: Option<String>,
    /// Exact path, or a prefix ending in `*` (`"/v2/spaces*"`). It may be given
    /// percent-encoded or not (`%3D` and `=` both match). Default `"*"`: every path.
    pub path: String,
    /// How many matching requests this fault applies to. Default 1.
    pub count: u32,
    /// Never runs out (`count` is ignored). Default false.
    pub unlimited: bool,
    /// Chance in `[0, 1]` that a matching request is faulted. Default 1 (always).
    pub probability: f64,
    /// Answer with this status (and a problem body unless `body` is set) without running
    /// the API. Not together with `action`.
    pub status: Option<u16>,
    /// A connection- or payload-level misbehaviour. Not together with `status`.
    pub action: Option<FaultAction>,
    /// Value for a `Retry-After` header added to the response.
    pub retry_after: Option<String>,
    /// Delay in milliseconds before answering or passing through.
    pub latency_ms: u64,
    /// Raw body to send instead of the problem body (only with `status`).
    pub body: Option<String>,
    /// Content type for `body` (default: sniffed: HTML, JSON or plain text).
    pub content_type: Option<String>,
}

/// What a fault does to the request or its answer (snake_case in JSON and Python).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultAction {
    /// Close the connection without any response and without running the API (the
    /// state is unchanged). The socket is closed with `SO_LINGER` 0, so the client sees a
    /// reset. Logged with status 0.
    Reset,
    /// Run the API (the state changes, e.g. the space is created), then close the
    /// connection (with a reset) without sending the response.
    ResetAfter,
    /// Send the real response's status line and headers, with the full `Content-Length`,
    /// but only the first half of the body; then close the connection.
    Truncate,
    /// Send the real status in a well-formed response whose (JSON) body is cut in half;
    /// `Content-Length` matches what is sent.
    MalformedJson,
    /// For a list request carrying a `cursor`: the real page, but with
    /// `pagination.next_cursor` set to the request's cursor and `has_more` true.
    StallCursor,
    /// For a list request: `{"<items key>": [], "pagination": {"has_more": true,
    /// "next_cursor": C}}`, where `C` is a new cursor (a different string) that resumes
    /// where the request would have started, so following it loses nothing.
    EmptyPage,
}

impl FaultAction {
    /// The snake_case name (`"reset"`, `"reset_after"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            FaultAction::Reset => "reset",
            FaultAction::ResetAfter => "reset_after",
            FaultAction::Truncate => "truncate",
            FaultAction::MalformedJson => "malformed_json",
            FaultAction::StallCursor => "stall_cursor",
            FaultAction::EmptyPage => "empty_page",
        }
    }

    /// Parses a snake_case name (any case, `-` for `_`).
    pub fn parse(s: &str) -> Option<FaultAction> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        [
            FaultAction::Reset,
            FaultAction::ResetAfter,
            FaultAction::Truncate,
            FaultAction::MalformedJson,
            FaultAction::StallCursor,
            FaultAction::EmptyPage,
        ]
        .into_iter()
        .find(|a| a.as_str() == norm)
    }
}

impl Default for Fault {
    fn default() -> Self {
        Fault {
            method: None,
            path: "*".to_owned(),
            count: 1,
            unlimited: false,
            probability: 1.0,
            status: None,
            action: None,
            retry_after: None,
            latency_ms: 0,
            body: None,
            content_type: None,
        }
    }
}

impl Fault {
    /// Checks the fault's fields: `status` within 100..=599, `probability` within
    /// `[0, 1]`, a non-empty `path`, not both `status` and `action`, `body` and
    /// `content_type` only with `status`.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(s) = self.status {
            if !(100..=599).contains(&s) {
                return Err("status must be between 100 and 599.".into());
            }
        }
        if !(0.0..=1.0).contains(&self.probability) {
            return Err(format!(
                "probability must be within [0, 1], got {}.",
                self.probability
            ));
        }
        if self.path.is_empty() {
            return Err("path must not be empty.".into());
        }
        if self.status.is_some() && self.action.is_some() {
            return Err("Give either status or action, not both.".into());
        }
        if self.status.is_none() && (self.body.is_some() || self.content_type.is_some()) {
            return Err("body and content_type need a status.".into());
        }
        Ok(())
    }

    /// The label this fault is counted and logged under: its action's name, else
    /// `"status"` (it answers a status) or `"latency"` (it only delays).
    pub fn label(&self) -> &'static str {
        match (self.action, self.status) {
            (Some(a), _) => a.as_str(),
            (None, Some(_)) => "status",
            (None, None) => "latency",
        }
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        if let Some(m) = &self.method {
            if !m.eq_ignore_ascii_case(method) {
                return false;
            }
        }
        let decoded = crate::routes::percent_decode_path(&self.path);
        [self.path.as_str(), decoded.as_ref()]
            .iter()
            .any(|pattern| match pattern.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => *pattern == path,
            })
    }

    /// Whether the fault's action can apply to this request at all.
    fn applies_to(&self, req: &FaultRequest<'_>) -> bool {
        match self.action {
            Some(FaultAction::StallCursor) => req.is_list && req.has_cursor,
            Some(FaultAction::EmptyPage) => req.is_list,
            _ => true,
        }
    }

    fn has_uses(&self) -> bool {
        self.unlimited || self.count > 0
    }

    /// The response this fault answers with (when `status` is set).
    pub(crate) fn response(&self, instance: &str) -> Option<Response> {
        let code = self.status?;
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = match &self.body {
            None => problem_response(status, Some("Injected by an emulator fault."), instance),
            Some(body) => {
                let ct = self
                    .content_type
                    .clone()
                    .unwrap_or_else(|| sniff(body).to_owned());
                let mut r = (status, body.clone()).into_response();
                if let Ok(v) = HeaderValue::from_str(&ct) {
                    r.headers_mut().insert(CONTENT_TYPE, v);
                }
                r
            }
        };
        self.add_headers(&mut resp);
        Some(resp)
    }

    /// Adds the fault's headers (`Retry-After`) to a response.
    pub(crate) fn add_headers(&self, resp: &mut Response) {
        if let Some(ra) = &self.retry_after {
            if let Ok(v) = HeaderValue::from_str(ra) {
                resp.headers_mut().insert(RETRY_AFTER, v);
            }
        }
    }
}

fn sniff(body: &str) -> &'static str {
    let t = body.trim_start();
    if t.starts_with('<') {
        "text/html; charset=utf-8"
    } else if t.starts_with('{') || t.starts_with('[') {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    }
}

/// What the fault matcher needs to know about a request.
pub(crate) struct FaultRequest<'a> {
    pub(crate) method: &'a str,
    /// Decoded path.
    pub(crate) path: &'a str,
    /// Path as received.
    pub(crate) raw_path: &'a str,
    /// A `GET` of a list route.
    pub(crate) is_list: bool,
    /// The query has a non-empty `cursor`.
    pub(crate) has_cursor: bool,
}

/// Counts of faulted requests, from [`crate::Control::fault_stats`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultStats {
    /// `/v2` requests seen (faulted or not; not those the rate limit refused).
    pub requests: u64,
    /// Requests a fault fired on.
    pub fired: u64,
    /// Matching requests on which a fault with `probability < 1` did not fire.
    pub skipped: u64,
    /// Fired faults per label: an action name (`"reset"`, `"truncate"`, ...), `"status"`
    /// or `"latency"` (see [`Fault::label`]).
    pub by_action: BTreeMap<String, u64>,
    /// Fired `status` faults per status code.
    pub by_status: BTreeMap<u16, u64>,
}

/// The default seed of the fault generator.
pub(crate) const DEFAULT_FAULT_SEED: u64 = 0;

struct Inner {
    list: Vec<Fault>,
    seed: u64,
    rng: SplitMix64,
    stats: FaultStats,
}

/// The active faults, the seeded generator for `probability` and the statistics.
pub(crate) struct Faults {
    inner: Mutex<Inner>,
    /// Number of faults in `list`, read without the lock on the hot path.
    active: AtomicUsize,
    /// Requests seen, counted without the lock.
    seen: AtomicU64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            inner: Mutex::new(Inner {
                list: Vec::new(),
                seed: DEFAULT_FAULT_SEED,
                rng: SplitMix64(DEFAULT_FAULT_SEED),
                stats: FaultStats::default(),
            }),
            active: AtomicUsize::new(0),
            seen: AtomicU64::new(0),
        }
    }
}

impl Faults {
    pub(crate) fn add(&self, fault: Fault) {
        if !fault.has_uses() {
            return;
        }
        let mut inner = self.inner.lock();
        inner.list.push(fault);
        self.active.store(inner.list.len(), Ordering::Release);
    }

    pub(crate) fn clear(&self) {
        let mut inner = self.inner.lock();
        inner.list.clear();
        self.active.store(0, Ordering::Release);
    }

    /// Restarts the generator from `seed` (kept for later resets).
    pub(crate) fn set_seed(&self, seed: u64) {
        let mut inner = self.inner.lock();
        inner.seed = seed;
        inner.rng = SplitMix64(seed);
    }

    /// Everything back to the start: no faults, statistics zero, generator at its seed.
    pub(crate) fn reset(&self) {
        let mut inner = self.inner.lock();
        inner.list.clear();
        inner.rng = SplitMix64(inner.seed);
        inner.stats = FaultStats::default();
        self.active.store(0, Ordering::Release);
        self.seen.store(0, Ordering::Release);
    }

    pub(crate) fn stats(&self) -> FaultStats {
        let mut s = self.inner.lock().stats.clone();
        s.requests = self.seen.load(Ordering::Acquire);
        s
    }

    pub(crate) fn clear_stats(&self) {
        let mut inner = self.inner.lock();
        inner.stats = FaultStats::default();
        self.seen.store(0, Ordering::Release);
    }

    /// Counts the request, picks the fault that fires for it (see [`Fault`]), consumes one
    /// of its uses and returns a copy of it.
    pub(crate) fn take(&self, req: &FaultRequest<'_>) -> Option<Fault> {
        self.seen.fetch_add(1, Ordering::AcqRel);
        if self.active.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut guard = self.inner.lock();
        let inner = &mut *guard;
        let mut hit = None;
        for (idx, f) in inner.list.iter().enumerate() {
            if !(f.has_uses()
                && (f.matches(req.method, req.path) || f.matches(req.method, req.raw_path))
                && f.applies_to(req))
            {
                continue;
            }
            let fires = if f.probability >= 1.0 {
                true
            } else if f.probability <= 0.0 {
                false
            } else {
                inner.rng.next_f64() < f.probability
            };
            if fires {
                hit = Some(idx);
                break;
            }
            inner.stats.skipped += 1;
        }
        let idx = hit?;
        let fault = inner.list[idx].clone();
        if !fault.unlimited {
            inner.list[idx].count -= 1;
            if inner.list[idx].count == 0 {
                inner.list.remove(idx);
            }
        }
        self.active.store(inner.list.len(), Ordering::Release);
        inner.stats.fired += 1;
        *inner
            .stats
            .by_action
            .entry(fault.label().to_owned())
            .or_default() += 1;
        if let Some(s) = fault.status {
            *inner.stats.by_status.entry(s).or_default() += 1;
        }
        Some(fault)
    }
}

/// splitmix64: a tiny deterministic generator, good enough for fault draws.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One `/v2` request as seen by the emulator. The `Authorization` header is never
/// recorded.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RequestRecord {
    /// HTTP method, upper case.
    pub method: String,
    /// Request path (percent-encoded as received).
    pub path: String,
    /// Raw query string without `?` (empty when none).
    pub query: String,
    /// Status code of the answer (for `reset_after`, `truncate` and `malformed_json`: of
    /// the real answer, whole or not; 0 for `reset`, which answers nothing).
    pub status: u16,
    /// Whether a fault fired on this request (it answered, misbehaved, or only added
    /// latency).
    pub fault: bool,
    /// The fired fault's label ([`Fault::label`]: an action name, `"status"` or
    /// `"latency"`); `None` when no fault fired.
    #[serde(default)]
    pub fault_action: Option<String>,
    /// The connection the request came on: 1 for the emulator's first, counting up (0 when
    /// unknown). Requests with the same number shared a connection.
    #[serde(default)]
    pub connection: u64,
    /// The protocol it came in: `"HTTP/1.1"` or `"HTTP/2"` (HTTP/2 is offered over TLS).
    #[serde(default)]
    pub http_version: String,
}

/// Bounded log of requests: the oldest records are dropped beyond the capacity.
pub(crate) struct RequestLog {
    cap: usize,
    buf: Mutex<VecDeque<RequestRecord>>,
}

pub(crate) const REQUEST_LOG_CAPACITY: usize = 100_000;

impl RequestLog {
    pub(crate) fn new(cap: usize) -> RequestLog {
        RequestLog {
            cap,
            buf: Mutex::new(VecDeque::new()),
        }
    }
    pub(crate) fn push(&self, rec: RequestRecord) {
        let mut buf = self.buf.lock();
        if buf.len() >= self.cap {
            buf.pop_front();
        }
        buf.push_back(rec);
    }
    pub(crate) fn snapshot(&self) -> Vec<RequestRecord> {
        self.buf.lock().iter().cloned().collect()
    }
    pub(crate) fn clear(&self) {
        self.buf.lock().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>(method: &'a str, path: &'a str) -> FaultRequest<'a> {
        FaultRequest {
            method,
            path,
            raw_path: path,
            is_list: false,
            has_cursor: false,
        }
    }

    #[test]
    fn matching_and_counts() {
        let faults = Faults::default();
        faults.add(Fault {
            method: Some("get".into()),
            path: "/v2/spaces*".into(),
            count: 2,
            status: Some(503),
            ..Default::default()
        });
        assert!(faults.take(&req("POST", "/v2/spaces")).is_none());
        assert!(faults.take(&req("GET", "/v2/users")).is_none());
        assert!(faults.take(&req("GET", "/v2/spaces/abc")).is_some());
        assert!(faults.take(&req("GET", "/v2/spaces")).is_some());
        assert!(faults.take(&req("GET", "/v2/spaces")).is_none());
        let s = faults.stats();
        assert_eq!((s.requests, s.fired, s.skipped), (5, 2, 0));
        assert_eq!(s.by_status[&503], 2);
        assert_eq!(s.by_action["status"], 2);
    }

    #[test]
    fn unlimited_and_action_preconditions() {
        let faults = Faults::default();
        faults.add(Fault {
            action: Some(FaultAction::StallCursor),
            unlimited: true,
            count: 0,
            ..Default::default()
        });
        assert!(faults.take(&req("GET", "/v2/spaces")).is_none());
        let mut r = req("GET", "/v2/spaces");
        r.is_list = true;
        r.has_cursor = true;
        for _ in 0..10 {
            assert_eq!(
                faults.take(&r).unwrap().action,
                Some(FaultAction::StallCursor)
            );
        }
        assert_eq!(faults.stats().by_action["stall_cursor"], 10);
    }

    #[test]
    fn probability_is_seeded() {
        let run = |seed: u64| {
            let faults = Faults::default();
            faults.set_seed(seed);
            faults.add(Fault {
                status: Some(500),
                probability: 0.3,
                unlimited: true,
                ..Default::default()
            });
            (0..200)
                .map(|_| faults.take(&req("GET", "/v2/spaces")).is_some())
                .collect::<Vec<bool>>()
        };
        let a = run(7);
        assert_eq!(a, run(7));
        assert_ne!(a, run(8));
        let fired = a.iter().filter(|f| **f).count();
        assert!((30..90).contains(&fired), "{fired}");
    }

    #[test]
    fn validation() {
        assert!(Fault::default().validate().is_ok());
        for bad in [
            Fault {
                probability: 1.5,
                ..Default::default()
            },
            Fault {
                probability: f64::NAN,
                ..Default::default()
            },
            Fault {
                status: Some(42),
                ..Default::default()
            },
            Fault {
                status: Some(500),
                action: Some(FaultAction::Reset),
                ..Default::default()
            },
            Fault {
                body: Some("x".into()),
                ..Default::default()
            },
            Fault {
                path: String::new(),
                ..Default::default()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
        assert_eq!(
            FaultAction::parse("Malformed-JSON"),
            Some(FaultAction::MalformedJson)
        );
        let f: Fault =
            serde_json::from_str(r#"{"action":"reset_after","unlimited":true}"#).unwrap();
        assert_eq!(f.action, Some(FaultAction::ResetAfter));
        assert!(serde_json::from_str::<Fault>(r#"{"acton":"reset"}"#).is_err());
    }

    #[test]
    fn log_is_bounded() {
        let log = RequestLog::new(2);
        for i in 0..3 {
            log.push(RequestRecord {
                method: "GET".into(),
                path: format!("/v2/{i}"),
                query: String::new(),
                status: 200,
                fault: false,
                fault_action: None,
                connection: 1,
                http_version: "HTTP/1.1".into(),
            });
        }
        let snap = log.snapshot();
        assert_eq!(snap.len(), 2);
        assert_eq!(snap[0].path, "/v2/1");
    }
}
