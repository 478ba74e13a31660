//! One request budget per client, shared by every thread and asyncio task that uses it.
//!
//! Without a limit (none configured, none learned) requests go out at once. A limit comes
//! from `max_requests_per_second` (a client-side ceiling, in force from the first request)
//! and from the server:
//!
//! - its rate-limit headers on any response: `RateLimit-Policy` (`q;w=W`, quota per window,
//!   in the draft's old and new shapes), else `RateLimit-Limit` / `X-RateLimit-Limit` (a
//!   `w=` window when given, else per second);
//! - a 429 with a `Retry-After`: it pauses every request of the client until then (one
//!   pause for all, not one retry per request), and when the server sent no headers, the
//!   rate the server admitted just before the 429 becomes the limit. A 429 without one (or
//!   with zero) is retried by its own request, with backoff, like other failures.
//!
//! Requests are then spaced evenly (one slot each, reserved before the wait, so waiters
//! never storm together after a pause) at [`HEADROOM`] of the server's rate, which lets the
//! server's bucket refill and absorb network jitter. A 429 while paced (another client or
//! process shares the quota) halves this client's share of the rate, at most once per
//! pause; each second without a 429 wins back a twentieth of the rate.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;

/// The fraction of the server's rate a client paces at.
pub const HEADROOM: f64 = 0.95;
/// The lowest share of the server's rate after repeated 429s.
const MIN_SHARE: f64 = 1.0 / 64.0;
/// The share won back per second without a 429.
const RECOVERY_PER_SECOND: f64 = 0.05;
/// How far back admitted requests are counted to estimate the server's rate.
const ADMITTED_WINDOW: Duration = Duration::from_secs(1);
/// The slowest rate the estimate may fall to (one request per minute).
const MIN_RATE: f64 = 1.0 / 60.0;
/// The fewest admitted requests an estimate is made from (fewer say nothing of the rate).
const MIN_ADMITTED: usize = 2;

/// Where the rate in force comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateSource {
    /// `max_requests_per_second`.
    Configured,
    /// The server's rate-limit headers.
    Headers,
    /// Estimated from the requests the server admitted before a 429.
    Refusals,
}

impl RateSource {
    pub fn as_str(self) -> &'static str {
        match self {
            RateSource::Configured => "max_requests_per_second",
            RateSource::Headers => "the server's rate-limit headers",
            RateSource::Refusals => "the requests admitted before a 429",
        }
    }
}

/// What a client's budget looks like now (see [`crate::Client::rate_limit`]).
#[derive(Debug, Clone, Default)]
pub struct RateLimitState {
    /// The rate requests are spaced at (requests per second), if any.
    pub rate: Option<f64>,
    /// Where that rate comes from.
    pub source: Option<RateSource>,
    /// How long every request still waits for a `Retry-After` to pass.
    pub paused_for: Duration,
    /// 429 answers seen by this client.
    pub refused: u64,
    /// Those of them whose request was sent after the client had seen its first 429 (the
    /// ones before were sent before any answer could tell the client to slow down).
    pub refused_after_first: u64,
    /// Requests that waited for the budget, and their total wait.
    pub held: u64,
    pub held_for: Duration,
}

struct State {
    /// The server's rate (requests per second) as its headers or refusals tell.
    server_rate: Option<f64>,
    server_source: RateSource,
    /// Since when requests have been spaced (by the server's rate or the configured one).
    paced_since: Option<Instant>,
    /// When this client's share of `server_rate` was last lowered (after a 429 while
    /// paced: the quota is shared), and to what; it grows back with time.
    lowered_at: Option<Instant>,
    lowered_to: f64,
    /// When the last request was let go (or may go, for one still waiting): the next one
    /// follows one interval later while requests are spaced.
    last_slot: Option<Instant>,
    /// No request before this (a 429's `Retry-After`).
    paused_until: Option<Instant>,
    /// Recently admitted (non-429) answers, for the estimate without headers.
    admitted: VecDeque<Instant>,
    refused: u64,
    first_refused_at: Option<Instant>,
    refused_after_first: u64,
    held: u64,
    held_for: Duration,
}

/// The budget of one client (see the module docs).
pub(crate) struct Pacer {
    configured: Option<f64>,
    state: Mutex<State>,
}

/// Why a request waits.
#[derive(Debug, Clone, Copy)]
pub struct Hold {
    pub wait: Duration,
    /// The rate in force (requests per second), if requests are being spaced.
    pub rate: Option<f64>,
    /// True when a 429's `Retry-After` is (part of) the wait.
    pub paused: bool,
}

impl Pacer {
    pub(crate) fn new(max_requests_per_second: Option<f64>) -> Pacer {
        Pacer {
            configured: max_requests_per_second,
            state: Mutex::new(State {
                server_rate: None,
                server_source: RateSource::Headers,
                paced_since: max_requests_per_second.map(|_| Instant::now()),
                lowered_at: None,
                lowered_to: 1.0,
                last_slot: None,
                paused_until: None,
                admitted: VecDeque::new(),
                refused: 0,
                first_refused_at: None,
                refused_after_first: 0,
                held: 0,
                held_for: Duration::ZERO,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The share of the server's rate after recovery since the last cut.
    fn share(st: &State, now: Instant) -> f64 {
        match st.lowered_at {
            Some(at) => {
                let regained =
                    now.saturating_duration_since(at).as_secs_f64() * RECOVERY_PER_SECOND;
                (st.lowered_to + regained).min(1.0)
            }
            None => 1.0,
        }
    }

    fn rate(&self, st: &State, now: Instant) -> Option<(f64, RateSource)> {
        let server = st
            .server_rate
            .map(|r| (r * HEADROOM * Self::share(st, now), st.server_source));
        match (self.configured, server) {
            (Some(c), Some((s, src))) if s < c => Some((s, src)),
            (Some(c), _) => Some((c, RateSource::Configured)),
            (None, s) => s,
        }
    }

    /// Reserves the next slot for one request: how long it must wait (zero when it may go
    /// at once). The slot is taken even if the caller then gives up (its deadline).
    pub(crate) fn reserve(&self, now: Instant) -> Hold {
        let mut st = self.lock();
        let mut at = now;
        let mut paused = false;
        if let Some(until) = st.paused_until {
            if until > now {
                at = until;
                paused = true;
            } else {
                st.paused_until = None;
            }
        }
        let rate = self.rate(&st, now).map(|(r, _)| r);
        if let (Some(r), Some(last)) = (rate, st.last_slot) {
            // Spaced from the last request, even one sent before the rate was known.
            at = at.max(last + Duration::from_secs_f64(1.0 / r));
        }
        st.last_slot = Some(st.last_slot.map_or(at, |last| last.max(at)));
        let wait = at.saturating_duration_since(now);
        if !wait.is_zero() {
            st.held += 1;
            st.held_for += wait;
        }
        Hold { wait, rate, paused }
    }

    /// Learns from an answer's status and headers; `sent_at` is when its request went out.
    /// Returns the pause a 429 with a (non-zero) `Retry-After` sets for every request.
    pub(crate) fn observe(
        &self,
        now: Instant,
        sent_at: Instant,
        status: u16,
        headers: &HeaderMap,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        let mut st = self.lock();
        if let Some(rate) = rate_from_headers(headers) {
            st.server_rate = Some(rate);
            st.server_source = RateSource::Headers;
            st.paced_since.get_or_insert(now);
        }
        if status != 429 {
            st.admitted.push_back(now);
            while st
                .admitted
                .front()
                .is_some_and(|t| now.saturating_duration_since(*t) > ADMITTED_WINDOW)
            {
                st.admitted.pop_front();
            }
            return None;
        }
        st.refused += 1;
        match st.first_refused_at {
            Some(first) if sent_at > first => st.refused_after_first += 1,
            Some(_) => {}
            None => st.first_refused_at = Some(now),
        }
        // A 429 that does not say when to come back (no `Retry-After`, or zero) is retried
        // by its own request like any other failure.
        let pause = retry_after.filter(|d| !d.is_zero())?;
        let until = now + pause;
        let new_pause = st.paused_until.is_none_or(|p| p <= now);
        if st.paused_until.is_none_or(|p| p < until) {
            st.paused_until = Some(until);
        }
        if new_pause {
            // Sent while paced: requests sent before the client knew the rate (a first
            // burst) say nothing about other clients sharing the quota.
            let was_paced = st.paced_since.is_some_and(|since| since <= sent_at);
            match st.server_rate {
                None if st.admitted.len() >= MIN_ADMITTED => {
                    // No headers: the rate the server admitted in the last second.
                    let n = st.admitted.len() as f64;
                    let span = st
                        .admitted
                        .front()
                        .map(|t| now.saturating_duration_since(*t).as_secs_f64())
                        .unwrap_or(0.0)
                        .max(ADMITTED_WINDOW.as_secs_f64());
                    st.server_rate = Some((n / span).max(MIN_RATE));
                    st.server_source = RateSource::Refusals;
                    st.paced_since.get_or_insert(now);
                }
                Some(_) if was_paced => {
                    // Refused while paced: the quota is shared, or smaller than told.
                    st.lowered_to = (Self::share(&st, now) / 2.0).max(MIN_SHARE);
                    st.lowered_at = Some(now);
                }
                _ => {}
            }
            // After the pause, requests resume one slot at a time.
            st.last_slot = None;
        }
        Some(pause)
    }

    /// A snapshot for progress displays and logs.
    pub(crate) fn state(&self, now: Instant) -> RateLimitState {
        let st = self.lock();
        let rate = self.rate(&st, now);
        RateLimitState {
            rate: rate.map(|(r, _)| r),
            source: rate.map(|(_, s)| s),
            paused_for: st
                .paused_until
                .map(|p| p.saturating_duration_since(now))
                .unwrap_or_default(),
            refused: st.refused,
            refused_after_first: st.refused_after_first,
            held: st.held,
            held_for: st.held_for,
        }
    }
}

/// The rate (requests per second) a server's rate-limit headers state, if any.
pub fn rate_from_headers(headers: &HeaderMap) -> Option<f64> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(rate) = text("ratelimit-policy").and_then(rate_from_policy) {
        return Some(rate);
    }
    ["ratelimit-limit", "x-ratelimit-limit"]
        .into_iter()
        .find_map(|name| text(name).and_then(rate_from_limit))
}

/// `RateLimit-Policy`: comma-separated policies, each `Q;w=W` (older drafts) or
/// `"name";q=Q;w=W` (newer); the slowest one counts. The window defaults to 1 second.
fn rate_from_policy(value: &str) -> Option<f64> {
    value
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';').map(str::trim);
            let head = parts.next()?;
            let mut quota = number(head);
            let mut window = 1.0;
            for p in parts {
                match p.split_once('=') {
                    Some(("q", v)) => quota = number(v),
                    Some(("w", v)) => window = number(v)?,
                    _ => {}
                }
            }
            let quota = quota?;
            (window > 0.0).then_some(quota / window)
        })
        .filter(|r| *r > 0.0)
        .min_by(f64::total_cmp)
}

/// `RateLimit-Limit` / `X-RateLimit-Limit`: `N`, or `N, N;w=W` (a window per policy).
fn rate_from_limit(value: &str) -> Option<f64> {
    let mut items = value.split(',');
    let quota = number(items.next()?)?;
    let window = items
        .flat_map(|item| item.split(';'))
        .find_map(|p| match p.trim().split_once('=') {
            Some(("w", v)) => number(v),
            _ => None,
        })
        .unwrap_or(1.0);
    (quota > 0.0 && window > 0.0).then_some(quota / window)
}

fn number(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
}

#[cfg(test)]
#[path = "pacer_tests.rs"]
mod tests;
