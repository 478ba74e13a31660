//! Global IDs, API keys and the emulator clock.
//!
//! IDs are `base64("{Type}:{seq}:{suffix}")` (standard alphabet, padded), as API.md §2.1
//! describes. Because the decoded text only holds ASCII letters, digits and `:`, the
//! encoding never contains `+` or `/`, so IDs are safe in URL paths as they are.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::{DateTime, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Serialize, Serializer};

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// First sequence number handed out to objects created at run time. Seeded objects use
/// smaller numbers, so seeded IDs stay identical across resets while run-time IDs are never
/// reused within one emulator.
pub(crate) const FIRST_DYNAMIC_SEQ: u64 = 1000;

/// Encodes a global ID.
pub(crate) fn encode_id(type_name: &str, seq: u64, suffix: &str) -> String {
    STANDARD.encode(format!("{type_name}:{seq}:{suffix}"))
}

/// Where random bits come from: a fixed-seed generator for seed data (stable IDs in docs),
/// the OS for everything created at run time.
enum Source {
    Fixed(u64),
    Os(Box<StdRng>),
}

impl Source {
    fn next_u64(&mut self) -> u64 {
        match self {
            // splitmix64: tiny, stable across crate versions.
            Source::Fixed(state) => {
                *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = *state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                z ^ (z >> 31)
            }
            Source::Os(rng) => rng.random(),
        }
    }

    fn alnum(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| ALNUM[(self.next_u64() % ALNUM.len() as u64) as usize] as char)
            .collect()
    }
}

/// Hands out sequence numbers, IDs and API keys.
pub(crate) struct Minter {
    next_seq: u64,
    source: Source,
}

impl Minter {
    /// Deterministic minter for seed data: the same IDs every time.
    pub(crate) fn for_seed() -> Minter {
        Minter {
            next_seq: 1,
            source: Source::Fixed(0x5EED_A817_E000_0001),
        }
    }

    /// Minter for objects created at run time.
    pub(crate) fn dynamic() -> Minter {
        Minter {
            next_seq: FIRST_DYNAMIC_SEQ,
            source: Source::Os(Box::new(StdRng::from_os_rng())),
        }
    }

    /// Returns `(seq, id)` for a new object of `type_name`.
    pub(crate) fn mint(&mut self, type_name: &str) -> (u64, String) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let suffix = self.source.alnum(4);
        (seq, encode_id(type_name, seq, &suffix))
    }

    /// A fresh random API key.
    pub(crate) fn api_key(&mut self) -> String {
        format!("ax-emu-{}", self.source.alnum(32))
    }
}

/// A point in time, kept as epoch milliseconds plus its wire form (`2026-01-12T09:15:02.118Z`),
/// formatted once.
#[derive(Clone, Debug)]
pub(crate) struct Timestamp {
    #[allow(dead_code)] // read by the run simulator of issue 3
    pub(crate) ms: i64,
    text: Box<str>,
}

impl Timestamp {
    pub(crate) fn from_ms(ms: i64) -> Timestamp {
        if let Some(text) = format_ms_fast(ms) {
            return Timestamp {
                ms,
                text: text.into_boxed_str(),
            };
        }
        let dt: DateTime<Utc> = Utc
            .timestamp_millis_opt(ms)
            .single()
            .unwrap_or_else(Utc::now);
        Timestamp {
            ms,
            text: dt
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string()
                .into_boxed_str(),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for years 0000..=9999 without chrono's format-string
/// interpretation (the run listing formats six timestamps per run on every request; chrono's
/// `format` was a quarter of its CPU). Other years return `None` (chrono's path).
fn format_ms_fast(ms: i64) -> Option<String> {
    let (days, day_ms) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    // Howard Hinnant's `civil_from_days`.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(0..=9999).contains(&year) {
        return None;
    }
    let (secs, milli) = (day_ms / 1000, day_ms % 1000);
    let mut text = Vec::with_capacity(24);
    let mut push = |sep: Option<u8>, n: i64, width: u32| {
        text.extend(sep);
        for k in (0..width).rev() {
            text.push(b'0' + ((n / 10i64.pow(k)) % 10) as u8);
        }
    };
    push(None, year, 4);
    push(Some(b'-'), month, 2);
    push(Some(b'-'), day, 2);
    push(Some(b'T'), secs / 3600, 2);
    push(Some(b':'), secs / 60 % 60, 2);
    push(Some(b':'), secs % 60, 2);
    push(Some(b'.'), milli, 3);
    text.push(b'Z');
    String::from_utf8(text).ok()
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// A clock whose readings strictly increase (by at least 1 ms), so `created_at` order equals
/// creation order and ties never happen.
pub(crate) struct Clock {
    last_ms: i64,
    /// When set, readings do not follow real time but advance by this step (seed data).
    step_ms: Option<i64>,
}

impl Clock {
    pub(crate) fn new() -> Clock {
        Clock {
            last_ms: 0,
            step_ms: None,
        }
    }

    /// A clock for seed data: the first reading is `start_ms`, then one per `step_ms`.
    pub(crate) fn manual(start_ms: i64, step_ms: i64) -> Clock {
        Clock {
            last_ms: start_ms - step_ms,
            step_ms: Some(step_ms),
        }
    }

    pub(crate) fn last_ms(&self) -> i64 {
        self.last_ms
    }

    /// Makes sure later readings come after `ms`.
    pub(crate) fn advance_past(&mut self, ms: i64) {
        self.last_ms = self.last_ms.max(ms);
    }

    pub(crate) fn now(&mut self) -> Timestamp {
        self.last_ms = match self.step_ms {
            Some(step) => self.last_ms + step,
            None => Utc::now().timestamp_millis().max(self.last_ms + 1),
        };
        Timestamp::from_ms(self.last_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_decode_to_type_seq_suffix() {
        let mut m = Minter::for_seed();
        let (seq, id) = m.mint("Space");
        assert_eq!(seq, 1);
        let text = String::from_utf8(STANDARD.decode(&id).unwrap()).unwrap();
        let parts: Vec<&str> = text.split(':').collect();
        assert_eq!(parts[0], "Space");
        assert_eq!(parts[1], "1");
        assert_eq!(parts[2].len(), 4);
        assert!(!id.contains('+') && !id.contains('/'));
        // Deterministic for seeds.
        assert_eq!(Minter::for_seed().mint("Space").1, id);
    }

    #[test]
    fn fast_timestamp_format_matches_chrono() {
        let chrono_text = |ms: i64| {
            Utc.timestamp_millis_opt(ms)
                .single()
                .unwrap()
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string()
        };
        let mut ms: i64 = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
        let last: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
        let mut n = 0u64;
        while ms <= last {
            assert_eq!(
                format_ms_fast(ms).as_deref(),
                Some(chrono_text(ms).as_str()),
                "{ms}"
            );
            // An irregular step that visits every day boundary region and leap day over time.
            ms += 86_399_999 + (n % 7_919) as i64 * 1_000_003;
            n += 1;
        }
        for ms in [
            0,
            -1,
            1,
            951_782_400_000,
            1_709_164_800_123,
            last,
            last + 1,
            -62_167_219_200_001,
        ] {
            match format_ms_fast(ms) {
                Some(t) => assert_eq!(t, chrono_text(ms), "{ms}"),
                None => assert!(!(-62_167_219_200_000..=last).contains(&ms), "{ms}"),
            }
        }
        assert!(n > 50_000);
    }

    #[test]
    fn clock_is_strictly_increasing() {
        let mut c = Clock::new();
        let a = c.now();
        let b = c.now();
        assert!(b.ms > a.ms);
        assert!(a.as_str().ends_with('Z'));
        assert_eq!(a.as_str().len(), "2026-01-12T09:15:02.118Z".len());
    }
}
