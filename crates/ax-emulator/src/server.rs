//! Shared server state, the router and the `/v2` middleware (faults, auth, problem bodies,
//! request log).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State as AxState};
use axum::http::header::{HeaderValue, WWW_AUTHENTICATE};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use parking_lot::RwLock;
use serde_json::Value;

use crate::cursor::Cursors;
use crate::faults::{Faults, RequestLog, RequestRecord, REQUEST_LOG_CAPACITY};
use crate::ids::{Clock, Minter};
use crate::problem::{self, ApiError};
use crate::state::State;
use crate::{auth, control, routes, seed, Seed};

/// Everything the handlers share.
pub(crate) struct Shared {
    pub(crate) state: RwLock<State>,
    pub(crate) cursors: Cursors,
    pub(crate) faults: Faults,
    pub(crate) log: RequestLog,
    pub(crate) lenient: bool,
    seed: Seed,
    seed_base_ms: i64,
    pub(crate) seed_info: Value,
}

impl Shared {
    pub(crate) fn new(seed: Seed, lenient: bool) -> Shared {
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
        self.faults.clear();
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
        app = app.merge(control::router());
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

/// For `/v2` paths: faults, then authentication, then the handler; logs the outcome.
/// Every error response (on any path) gets a problem body.
async fn middleware(AxState(sh): AxState<Arc<Shared>>, mut req: Request, next: Next) -> Response {
    let raw_path = req.uri().path().to_owned();
    let path = crate::routes::percent_decode_path(&raw_path).into_owned();
    if !is_api_path(&path) {
        let resp = next.run(req).await;
        return problem::render(resp, &path);
    }
    let method = req.method().as_str().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let fault = sh.faults.take(&method, &path, &raw_path);
    let mut answered_by_fault = None;
    if let Some(f) = &fault {
        if f.latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(f.latency_ms)).await;
        }
        answered_by_fault = f.response(&path);
    }
    let mut resp = match answered_by_fault {
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
    if let Some(f) = &fault {
        f.add_headers(&mut resp);
    }
    sh.log.push(RequestRecord {
        method,
        path: raw_path,
        query,
        status: resp.status().as_u16(),
        fault: fault.is_some(),
    });
    resp
}
