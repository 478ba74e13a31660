//! Simulated network latency: every `/v2` answer is held back by one round trip, and a new
//! connection by one more (the TCP handshake; two more over TLS), so that clients and
//! benchmarks on loopback see what a real network costs them.
//!
//! The round trip is `ms` plus a uniform draw from `[-jitter_ms, +jitter_ms]`. It is set
//! at start ([`crate::EmulatorOptions::latency`], `ax emulator --latency MS[:JITTER]`) and
//! changed at run time ([`Control::set_latency`], `PUT /_emulator/latency`); a reset keeps
//! it. The control routes themselves are never delayed. The waits end within a fraction of
//! a millisecond of the draw (see [`crate::precise_sleep`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};

use crate::control::{control, parse, Control};
use crate::cursor::json_response;
use crate::problem::ApiError;
use crate::server::Shared;

/// The largest round trip that can be set, in milliseconds (jitter included): the
/// emulator models networks, not outages (faults do those).
pub const MAX_LATENCY_MS: f64 = 10_000.0;

/// A simulated round trip: `ms` ± a uniform `jitter_ms`. Zero (the default) is none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Latency {
    /// The mean round trip, in milliseconds.
    pub ms: f64,
    /// The largest deviation from `ms` either way, in milliseconds (at most `ms`).
    #[serde(default)]
    pub jitter_ms: f64,
}

impl Latency {
    /// `ms` with no jitter.
    pub fn fixed(ms: f64) -> Latency {
        Latency { ms, jitter_ms: 0.0 }
    }

    /// Reads `MS` or `MS:JITTER` (milliseconds, decimals allowed), e.g. `25` or `80:10`.
    pub fn parse(spec: &str) -> Result<Latency, String> {
        let number = |text: &str, what: &str| {
            text.trim().parse::<f64>().map_err(|_| {
                format!("latency must be MS or MS:JITTER in milliseconds (e.g. 25 or 80:10); {what} {text:?} is not a number")
            })
        };
        let latency = match spec.split_once(':') {
            None => Latency::fixed(number(spec, "MS")?),
            Some((ms, jitter)) => Latency {
                ms: number(ms, "MS")?,
                jitter_ms: number(jitter, "JITTER")?,
            },
        };
        latency.validate()?;
        Ok(latency)
    }

    /// Checks the bounds: both finite and not negative, the jitter at most the latency, the
    /// whole at most [`MAX_LATENCY_MS`].
    pub fn validate(&self) -> Result<(), String> {
        if !self.ms.is_finite() || self.ms < 0.0 {
            return Err(format!(
                "latency ms must be a number of milliseconds from 0 to {MAX_LATENCY_MS}, got {}",
                self.ms
            ));
        }
        if !self.jitter_ms.is_finite() || self.jitter_ms < 0.0 || self.jitter_ms > self.ms {
            return Err(format!(
                "latency jitter_ms must be from 0 to the latency ({} ms), got {}",
                self.ms, self.jitter_ms
            ));
        }
        if self.ms + self.jitter_ms > MAX_LATENCY_MS {
            return Err(format!(
                "latency ms + jitter_ms must be at most {MAX_LATENCY_MS} ms, got {}",
                self.ms + self.jitter_ms
            ));
        }
        Ok(())
    }
}

/// The latency in force, shared by the request middleware and the accept loop.
#[derive(Default)]
pub(crate) struct LatencyState {
    micros: AtomicU64,
    jitter_micros: AtomicU64,
}

fn to_micros(ms: f64) -> u64 {
    (ms * 1000.0).round() as u64
}

impl LatencyState {
    pub(crate) fn new(latency: Latency) -> Arc<LatencyState> {
        let state = Arc::new(LatencyState::default());
        state.set(latency);
        state
    }

    /// Sets a latency that passed [`Latency::validate`].
    pub(crate) fn set(&self, latency: Latency) {
        self.micros.store(to_micros(latency.ms), Ordering::Relaxed);
        self.jitter_micros
            .store(to_micros(latency.jitter_ms), Ordering::Relaxed);
    }

    pub(crate) fn get(&self) -> Latency {
        Latency {
            ms: self.micros.load(Ordering::Relaxed) as f64 / 1000.0,
            jitter_ms: self.jitter_micros.load(Ordering::Relaxed) as f64 / 1000.0,
        }
    }

    /// One round trip drawn from the latency in force; `None` when there is none.
    pub(crate) fn draw(&self) -> Option<Duration> {
        let base = self.micros.load(Ordering::Relaxed);
        let jitter = self.jitter_micros.load(Ordering::Relaxed);
        if base == 0 && jitter == 0 {
            return None;
        }
        let offset = (rand::random::<f64>() * 2.0 - 1.0) * jitter as f64;
        let micros = (base as f64 + offset).max(0.0).round() as u64;
        Some(Duration::from_micros(micros))
    }

    /// Waits `round_trips` drawn round trips (nothing when there is no latency).
    pub(crate) async fn wait(&self, round_trips: u32) {
        let mut total = Duration::ZERO;
        for _ in 0..round_trips {
            match self.draw() {
                Some(d) => total += d,
                None => return,
            }
        }
        if !total.is_zero() {
            crate::precise_sleep::sleep(total).await;
        }
    }
}

impl Control {
    /// Sets the simulated round trip of every `/v2` answer from now on (a new connection
    /// costs one more, two more over TLS). [`Latency::default`] turns it off. Kept across
    /// [`Control::reset`].
    pub fn set_latency(&self, latency: Latency) -> Result<(), String> {
        latency.validate()?;
        self.shared.latency.set(latency);
        Ok(())
    }

    /// The simulated latency in force.
    pub fn latency(&self) -> Latency {
        self.shared.latency.get()
    }
}

/// `GET` and `PUT /_emulator/latency` (`{"ms": 25, "jitter_ms": 5}`).
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new().route("/_emulator/latency", get(current).put(set))
}

async fn current(State(sh): State<Arc<Shared>>) -> Response {
    json_response(StatusCode::OK, &control(sh).latency())
}

async fn set(State(sh): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    let latency: Latency = parse(&body)?;
    let c = control(sh);
    c.set_latency(latency).map_err(ApiError::bad_request)?;
    Ok(json_response(StatusCode::OK, &c.latency()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ms_and_jitter() {
        assert_eq!(Latency::parse("25").unwrap(), Latency::fixed(25.0));
        assert_eq!(
            Latency::parse("80:10").unwrap(),
            Latency {
                ms: 80.0,
                jitter_ms: 10.0
            }
        );
        assert_eq!(Latency::parse(" 2.5 : 0.5 ").unwrap().jitter_ms, 0.5);
        assert_eq!(Latency::parse("0").unwrap(), Latency::default());
    }

    #[test]
    fn refuses_bad_specs_naming_the_part() {
        for (spec, needle) in [
            ("", "MS \"\""),
            ("abc", "MS \"abc\""),
            ("25:x", "JITTER \"x\""),
            ("-1", "from 0 to"),
            ("10:20", "jitter_ms must be from 0 to the latency (10 ms)"),
            ("9999:9", "at most 10000"),
            ("inf", "from 0 to"),
            ("NaN", "from 0 to"),
        ] {
            let err = Latency::parse(spec).unwrap_err();
            assert!(err.contains(needle), "{spec:?}: {err}");
        }
    }

    #[test]
    fn draws_stay_within_the_jitter() {
        let state = LatencyState::new(Latency {
            ms: 20.0,
            jitter_ms: 5.0,
        });
        let mut seen = std::collections::HashSet::new();
        for _ in 0..2000 {
            let d = state.draw().unwrap();
            assert!(d >= Duration::from_millis(15) && d <= Duration::from_millis(25));
            seen.insert(d.as_millis());
        }
        // Spread over the whole window, not one value.
        assert!(seen.len() >= 8, "{seen:?}");
        state.set(Latency::default());
        assert_eq!(state.draw(), None);
        assert_eq!(state.get(), Latency::default());
    }
}
