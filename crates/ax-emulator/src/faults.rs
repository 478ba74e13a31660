//! Fault injection and the request log.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::header::{HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::problem::problem_response;

/// A scripted misbehaviour for matching `/v2` requests.
///
/// Faults are matched in insertion order; the first one that matches and still has
/// `count > 0` applies and its count goes down by one (at zero it is removed). Faults apply
/// before authentication. Control routes are never faulted.
///
/// ```
/// use ax_emulator::Fault;
/// let f = Fault { status: Some(503), retry_after: Some("1".into()), count: 2, ..Default::default() };
/// assert_eq!(f.path, "*");
/// ```
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Fault {
    /// HTTP method to match (any case); `None` matches every method.
    pub method: Option<String>,
    /// Exact path, or a prefix ending in `*` (`"/v2/spaces*"`). It may be given
    /// percent-encoded or not (`%3D` and `=` both match). Default `"*"`: every path.
    pub path: String,
    /// How many matching requests this fault applies to. Default 1.
    pub count: u32,
    /// Answer with this status (and a problem body unless `body` is set). `None` = pass
    /// the request through to the API after the latency.
    pub status: Option<u16>,
    /// Value for a `Retry-After` header added to the response.
    pub retry_after: Option<String>,
    /// Delay in milliseconds before answering or passing through.
    pub latency_ms: u64,
    /// Raw body to send instead of the problem body (only with `status`).
    pub body: Option<String>,
    /// Content type for `body` (default: sniffed: HTML, JSON or plain text).
    pub content_type: Option<String>,
}

impl Default for Fault {
    fn default() -> Self {
        Fault {
            method: None,
            path: "*".to_owned(),
            count: 1,
            status: None,
            retry_after: None,
            latency_ms: 0,
            body: None,
            content_type: None,
        }
    }
}

impl Fault {
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

/// The active faults.
#[derive(Default)]
pub(crate) struct Faults {
    list: Mutex<Vec<Fault>>,
    /// Number of faults in `list`, read without the lock on the hot path.
    active: AtomicUsize,
}

impl Faults {
    pub(crate) fn add(&self, fault: Fault) {
        if fault.count == 0 {
            return;
        }
        let mut list = self.list.lock();
        list.push(fault);
        self.active.store(list.len(), Ordering::Release);
    }

    pub(crate) fn clear(&self) {
        let mut list = self.list.lock();
        list.clear();
        self.active.store(0, Ordering::Release);
    }

    /// Consumes one use of the first fault matching the method and the path (decoded, or
    /// as received) and returns a copy of it.
    pub(crate) fn take(&self, method: &str, path: &str, raw_path: &str) -> Option<Fault> {
        if self.active.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut list = self.list.lock();
        let idx = list.iter().position(|f| {
            f.count > 0 && (f.matches(method, path) || f.matches(method, raw_path))
        })?;
        let hit = list[idx].clone();
        list[idx].count -= 1;
        if list[idx].count == 0 {
            list.remove(idx);
        }
        self.active.store(list.len(), Ordering::Release);
        Some(hit)
    }
}

/// One `/v2` request as seen by the emulator.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RequestRecord {
    /// HTTP method, upper case.
    pub method: String,
    /// Request path (percent-encoded as received).
    pub path: String,
    /// Raw query string without `?` (empty when none).
    pub query: String,
    /// Status code of the answer.
    pub status: u16,
    /// Whether a fault applied to this request (it answered, or it only added latency).
    pub fault: bool,
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
        assert!(faults.take("POST", "/v2/spaces", "/v2/spaces").is_none());
        assert!(faults.take("GET", "/v2/users", "/v2/users").is_none());
        assert!(faults
            .take("GET", "/v2/spaces/abc", "/v2/spaces/abc")
            .is_some());
        assert!(faults.take("GET", "/v2/spaces", "/v2/spaces").is_some());
        assert!(faults.take("GET", "/v2/spaces", "/v2/spaces").is_none());
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
            });
        }
        let snap = log.snapshot();
        assert_eq!(snap.len(), 2);
        assert_eq!(snap[0].path, "/v2/1");
    }
}
