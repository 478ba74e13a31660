//! Shared server state, the router and the `/v2` middleware (rate limit, latency, faults,
//! auth, problem bodies, request log).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State as AxState};
use axum::http::header::{HeaderValue, CONTENT_LENGTH, WWW_AUTHENTICATE};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body::{Frame, SizeHint};
use parking_lot::RwLock;
use serde_json::Value;

use crate::cursor::{Cursors, PageInfo};
use crate::faults::{
    FaultAction, FaultRequest, Faults, RequestLog, RequestRecord, REQUEST_LOG_CAPACITY,
};
use crate::ids::{Clock, Minter};
use crate::latency::{Latency, LatencyState};
use crate::problem::{self, ApiError};
use crate::rate_limit::{self, RateLimit, RateLimiter};
use crate::routes::QueryParams;
use crate::serve::ConnKill;
use crate::state::State;
use crate::{auth, control, routes, seed, Seed};

/// Everything the handlers share.
pub(crate) struct Shared {
    pub(crate) state: RwLock<State>,
    pub(crate) cursors: Cursors,
    pub(crate) faults: Faults,
    pub(crate) log: RequestLog,
    pub(crate) lenient: bool,
    /// Simulated network latency (kept across resets).
    pub(crate) latency: Arc<LatencyState>,
    /// Simulated rate limiting (the limit is kept across resets, the buckets are not).
    pub(crate) rate_limit: RateLimiter,
    /// Print each `/v2` request to stderr.
    echo: bool,
    seed: Seed,
    seed_base_ms: i64,
    pub(crate) seed_info: Value,
}

impl Shared {
    pub(crate) fn new(
        seed: Seed,
        lenient: bool,
        echo: bool,
        latency: Latency,
        rate_limit: Option<RateLimit>,
    ) -> Shared {
        // Seed timestamps: one day before start, on a whole minute.
        let now = chrono::Utc::now().timestamp_millis();
        let seed_base_ms = (now - 86_400_000) / 60_000 * 60_000;
        let (state, seed_info) = fresh_state(seed, seed_base_ms, Minter::dynamic(), Clock::new());
        Shared {
            state: RwLock::new(state),
            cursors: Cursors::new(),
            faults: Faults::default(),
            log: RequestLog::new(REQUEST_LOG_CAPACITY),
            lenient,
            latency: LatencyState::new(latency),
            rate_limit: RateLimiter::new(rate_limit),
            echo,
            seed,
            seed_base_ms,
            seed_info,
        }
    }

    /// Back to the seeded state. Run-time IDs keep counting up (never reused) and the clock
    /// keeps moving forward.
    pub(crate) fn reset(&self) {
        {
            let mut st = self.state.write();
            let old = std::mem::replace(&mut *st, State::new(Minter::for_seed(), Clock::new()));
            let (fresh, _) = fresh_state(self.seed, self.seed_base_ms, old.minter, old.clock);
            *st = fresh;
        }
        self.faults.reset();
        self.rate_limit.reset();
        self.log.clear();
    }
}

/// Seeds a state, then gives it the run-time minter and clock.
fn fresh_state(seed: Seed, base_ms: i64, minter: Minter, mut clock: Clock) -> (State, Value) {
    let (mut st, info) = seed::build(seed, base_ms);
    clock.advance_past(st.clock.last_ms());
    st.minter = minter;
    st.clock = clock;
    (st, info)
}

/// The whole application.
pub(crate) fn router(shared: Arc<Shared>, with_control: bool) -> Router {
    let mut app = routes::api_router();
    if with_control {
        app = app
            .merge(control::router())
            .merge(crate::latency::router())
            .merge(rate_limit::router());
    }
    app.fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), middleware))
        .with_state(shared)
}

async fn not_found() -> ApiError {
    ApiError::not_found("No such route.")
}

fn is_api_path(path: &str) -> bool {
    path == "/v2" || path.starts_with("/v2/")
}

/// For `/v2` paths: the rate limit (when set), the simulated latency, faults, then
/// authentication, then the handler; logs the outcome. Every error response (on any path)
/// gets a problem body.
async fn middleware(AxState(sh): AxState<Arc<Shared>>, mut req: Request, next: Next) -> Response {
    let raw_path = req.uri().path().to_owned();
    let path = crate::routes::percent_decode_path(&raw_path).into_owned();
    if !is_api_path(&path) {
        let resp = next.run(req).await;
        return problem::render(resp, &path);
    }
    // The gateway's rate limit counts the request as it arrives, before the simulated
    // network round trip (which refusals pay too).
    let limit = rate_limit::admit(&sh, &req);
    let refused = limit.as_ref().is_some_and(|v| !v.admitted);
    sh.latency.wait(1).await;
    let method = req.method().as_str().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let cursor = QueryParams::parse(Some(&query))
        .get("cursor")
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    // A refused request never reaches the server behind the gateway, nor its faults.
    let fault = if refused {
        None
    } else {
        sh.faults.take(&FaultRequest {
            method: &method,
            path: &path,
            raw_path: &raw_path,
            is_list: method == "GET" && crate::routes::is_list_path(&path),
            has_cursor: cursor.is_some(),
        })
    };
    let kill = req.extensions().get::<ConnKill>().cloned();
    let connection = kill.as_ref().map_or(0, ConnKill::serial);
    let http_version = match req.version() {
        axum::http::Version::HTTP_2 => "HTTP/2",
        axum::http::Version::HTTP_10 => "HTTP/1.0",
        _ => "HTTP/1.1",
    };
    let started = std::time::Instant::now();
    let log = |status: u16| {
        if sh.echo {
            // Method, path, query, outcome: never a header, so never a key.
            let sep = if query.is_empty() { "" } else { "?" };
            let what = match &fault {
                Some(f) => format!(" [fault: {}]", f.label()),
                None if refused => " [rate limit]".to_owned(),
                None => String::new(),
            };
            let status = if status == 0 {
                "reset".to_owned()
            } else {
                status.to_string()
            };
            eprintln!(
                "{method} {raw_path}{sep}{query} -> {status} ({:.1} ms){what}",
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
        sh.log.push(RequestRecord {
            method: method.clone(),
            path: raw_path.clone(),
            query: query.clone(),
            status,
            fault: fault.is_some(),
            fault_action: fault.as_ref().map(|f| f.label().to_owned()),
            connection,
            http_version: http_version.to_owned(),
        })
    };
    if let Some(v) = limit.as_ref().filter(|_| refused) {
        let resp = v.refusal(&path);
        log(resp.status().as_u16());
        return resp;
    }
    if let Some(f) = &fault {
        if f.latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(f.latency_ms)).await;
        }
    }
    let action = fault.as_ref().and_then(|f| f.action);
    if let (Some(FaultAction::Reset), Some(kill)) = (action, &kill) {
        log(0);
        kill.reset();
        // The connection task drops this request with its connection.
        return std::future::pending().await;
    }
    let mut resp = match fault.as_ref().and_then(|f| f.response(&path)) {
        Some(r) => r,
        None => {
            let caller = {
                let st = sh.state.read();
                auth::authenticate(&st, req.headers())
            };
            match caller {
                Ok(c) => {
                    req.extensions_mut().insert(c);
                    problem::render(next.run(req).await, &path)
                }
                Err(e) => {
                    let mut r = problem::render(e.into_response(), &path);
                    r.headers_mut()
                        .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                    r
                }
            }
        }
    };
    if let Some(v) = &limit {
        v.add_headers(&mut resp);
    }
    if let Some(f) = &fault {
        f.add_headers(&mut resp);
    }
    let status = resp.status().as_u16();
    match (action, kill) {
        (Some(FaultAction::ResetAfter), Some(kill)) => {
            log(status);
            drop(resp);
            kill.reset();
            return std::future::pending().await;
        }
        (Some(FaultAction::Truncate), Some(kill)) => resp = truncate(resp, kill).await,
        (Some(FaultAction::MalformedJson), _) => resp = cut_in_half(resp).await,
        (Some(FaultAction::StallCursor), _) => {
            if let Some(c) = &cursor {
                resp = stall_cursor(resp, c).await;
            }
        }
        (Some(FaultAction::EmptyPage), _) => resp = empty_page(&sh.cursors, resp).await,
        _ => {}
    }
    log(status);
    resp
}

/// A buffered body (our handlers build bodies in memory).
async fn body_bytes(body: Body) -> Bytes {
    axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default()
}

/// The real status line and headers with the full `Content-Length`, then half the body,
/// then the connection closes.
async fn truncate(resp: Response, kill: ConnKill) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = body_bytes(body).await;
    let full = bytes.len();
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(full));
    let body = HalfBody {
        first: Some(bytes.slice(..full / 2)),
        full: full as u64,
        kill,
        wait: None,
    };
    Response::from_parts(parts, Body::new(body))
}

/// The first half of a body, announced with the full length; once the half is out (and
/// a moment has passed for it to be flushed), it closes the connection.
struct HalfBody {
    first: Option<Bytes>,
    full: u64,
    kill: ConnKill,
    wait: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl http_body::Body for HalfBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if let Some(first) = self.first.take() {
            if !first.is_empty() {
                return Poll::Ready(Some(Ok(Frame::data(first))));
            }
        }
        let wait = self
            .wait
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(Duration::from_millis(30))));
        if wait.as_mut().poll(cx).is_ready() {
            self.kill.close();
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        false
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.full)
    }
}

/// The same response with the first half of its body (and a matching length).
async fn cut_in_half(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = body_bytes(body).await;
    let half = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(half))
}

/// Where the top-level `"pagination"` key of a list body starts (it is written last).
fn pagination_start(bytes: &[u8]) -> Option<usize> {
    const KEY: &[u8] = b"\"pagination\":";
    bytes.windows(KEY.len()).rposition(|w| w == KEY)
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

fn with_body(resp: Response, body: Bytes) -> Response {
    let (mut parts, _) = resp.into_parts();
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// A successful list page whose pagination points back at the request's cursor.
async fn stall_cursor(resp: Response, cursor: &str) -> Response {
    if resp.status() != StatusCode::OK || resp.extensions().get::<PageInfo>().is_none() {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let bytes = body_bytes(body).await;
    let resp = Response::from_parts(parts, Body::empty());
    let Some(at) = pagination_start(&bytes) else {
        return with_body(resp, bytes);
    };
    let mut out = bytes[..at].to_vec();
    out.extend_from_slice(
        format!(
            "\"pagination\":{{\"has_more\":true,\"next_cursor\":{}}}}}",
            json_string(cursor)
        )
        .as_bytes(),
    );
    with_body(resp, Bytes::from(out))
}

/// An empty page of a successful list, with a fresh cursor resuming where the request
/// started.
async fn empty_page(cursors: &Cursors, resp: Response) -> Response {
    let Some(info) = resp.extensions().get::<PageInfo>().copied() else {
        return resp;
    };
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let bytes = body_bytes(body).await;
    let resp = Response::from_parts(parts, Body::empty());
    let key = serde_json::from_slice::<Value>(&bytes).ok().and_then(|v| {
        v.as_object()
            .and_then(|o| o.keys().find(|k| *k != "pagination").cloned())
    });
    let Some(key) = key else {
        return with_body(resp, bytes);
    };
    let next = cursors.encode_resume(info.after, info.filter_hash);
    let body = format!(
        "{{{}:[],\"pagination\":{{\"has_more\":true,\"next_cursor\":{}}}}}",
        json_string(&key),
        json_string(&next)
    );
    with_body(resp, Bytes::from(body))
}
