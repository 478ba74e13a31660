//! Retry policy: which outcomes are retried, exponential backoff with full jitter, and
//! `Retry-After` parsing.

use std::time::{Duration, SystemTime};

use super::RetryClass;

/// Upper bound of the backoff before retry number `retry` (1-based): `initial * 2^(retry-1)`,
/// capped at `max`.
pub fn backoff_cap(retry: u32, initial: Duration, max: Duration) -> Duration {
    let factor = 2u32.saturating_pow(retry.saturating_sub(1).min(31));
    initial.checked_mul(factor).unwrap_or(max).min(max)
}

/// Full-jitter delay: uniform in `[0, backoff_cap(retry)]`.
pub fn backoff_delay(retry: u32, initial: Duration, max: Duration) -> Duration {
    let cap = backoff_cap(retry, initial, max);
    if cap.is_zero() {
        return cap;
    }
    let nanos = rand::random_range(0..=cap.as_nanos().min(u64::MAX as u128) as u64);
    Duration::from_nanos(nanos)
}

/// Parses a `Retry-After` value: delta-seconds (integer, or decimal for leniency) or an
/// HTTP-date (relative to `now`; a date in the past means zero).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    if v.bytes().all(|b| b.is_ascii_digit()) {
        return v
            .parse::<u64>()
            .ok()
            .map(Duration::from_secs)
            .or(Some(Duration::MAX));
    }
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(1e9)));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Whether an HTTP status may be retried for this request class: 429 always (the server
/// refused before doing anything); 500 and 502–504 only for idempotent requests (a 500
/// is usually transient, and repeating a read or an upsert is harmless).
pub fn status_is_retryable(status: u16, class: RetryClass) -> bool {
    match status {
        429 => true,
        500 | 502..=504 => class == RetryClass::Idempotent,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_delta_seconds() {
        let now = SystemTime::now();
        assert_eq!(parse_retry_after("42", now), Some(Duration::from_secs(42)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_retry_after("-3", now), None);
        assert_eq!(parse_retry_after("", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn retry_after_http_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        let later = now + Duration::from_secs(90);
        let header = httpdate::fmt_http_date(later);
        assert_eq!(
            parse_retry_after(&header, now),
            Some(Duration::from_secs(90))
        );
    }

    #[test]
    fn backoff_bounds() {
        let initial = Duration::from_millis(500);
        let max = Duration::from_secs(8);
        assert_eq!(backoff_cap(1, initial, max), Duration::from_millis(500));
        assert_eq!(backoff_cap(2, initial, max), Duration::from_secs(1));
        assert_eq!(backoff_cap(4, initial, max), Duration::from_secs(4));
        assert_eq!(backoff_cap(5, initial, max), max);
        assert_eq!(backoff_cap(100, initial, max), max);
        for retry in 1..20 {
            for _ in 0..50 {
                let d = backoff_delay(retry, initial, max);
                assert!(d <= backoff_cap(retry, initial, max));
            }
        }
        assert_eq!(backoff_delay(3, Duration::ZERO, max), Duration::ZERO);
        // Jitter actually spreads values.
        let samples: Vec<_> = (0..32).map(|_| backoff_delay(5, initial, max)).collect();
        assert!(samples.iter().any(|d| *d != samples[0]));
    }

    #[test]
    fn retryable_statuses() {
        for s in [429, 500, 502, 503, 504] {
            assert!(status_is_retryable(s, RetryClass::Idempotent));
        }
        assert!(status_is_retryable(429, RetryClass::NonIdempotent));
        for s in [500, 502, 503, 504] {
            assert!(!status_is_retryable(s, RetryClass::NonIdempotent));
        }
        for s in [400, 401, 403, 404, 409, 422, 501, 505] {
            assert!(!status_is_retryable(s, RetryClass::Idempotent));
        }
    }
}
