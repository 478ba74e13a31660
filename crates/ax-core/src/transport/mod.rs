//! HTTP transport: request/response types, authentication headers, timeouts and retries.

pub mod pacer;
pub mod problem;
pub mod retry;
#[cfg(test)]
pub(crate) mod test_servers;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, CONTENT_TYPE, RETRY_AFTER};
use reqwest::Method;
use url::Url;

use crate::config::Config;
use crate::error::{Error, Result};

/// How a request may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryClass {
    /// GET, DELETE, PATCH (and upserts): retried on 429, 502, 503, 504, connect errors and
    /// timeouts.
    Idempotent,
    /// Creates, triggers, cancels: retried only on 429 and when the connection could not be
    /// made (the request provably never reached the server).
    NonIdempotent,
}

/// One API call.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub method: Method,
    /// Path including `/v2`, with segments already percent-encoded (see [`crate::api::path`]).
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<serde_json::Value>,
    pub retry: RetryClass,
}

impl ApiRequest {
    /// A request whose retry class follows the method (POST → non-idempotent).
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        let retry = if method == Method::POST {
            RetryClass::NonIdempotent
        } else {
            RetryClass::Idempotent
        };
        ApiRequest {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            retry,
        }
    }

    /// A GET request.
    pub fn get(path: impl Into<String>) -> Self {
        ApiRequest::new(Method::GET, path)
    }

    /// Adds a JSON body.
    pub fn with_body(mut self, body: serde_json::Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Replaces the query.
    pub fn with_query(mut self, query: Vec<(String, String)>) -> Self {
        self.query = query;
        self
    }

    /// Overrides the retry class.
    pub fn with_retry(mut self, retry: RetryClass) -> Self {
        self.retry = retry;
        self
    }
}

/// A 2xx response.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: u16,
    pub body: Bytes,
    pub headers: HeaderMap,
    /// How long the attempt that got this answer took, from sending to the whole body
    /// (without the waits before it: backoff, the rate budget).
    pub elapsed: Duration,
}

/// One attempt, reported to the observer (for `--verbose`). Never carries the API key.
#[derive(Debug, Clone)]
pub struct RequestEvent {
    pub method: String,
    pub url: String,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub elapsed: Duration,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// How long the attempt waited for the client's request budget before it went out
    /// (a rate limit: see [`pacer`]).
    pub held: Duration,
    /// True when (part of) that wait was a 429's `Retry-After`, not only the spacing.
    pub held_by_pause: bool,
    /// The rate the client's requests were spaced at (requests per second), if any.
    pub rate: Option<f64>,
    /// After a 429: how long every request of the client now waits.
    pub pause: Option<Duration>,
}

impl RequestEvent {
    /// What the client's request budget did around this attempt, in words, when it did
    /// anything worth telling: a 429's pause for every request, or a wait of at least
    /// `min_held` before this one went out.
    pub fn rate_limit_note(&self, min_held: Duration) -> Option<String> {
        let pace = match self.rate {
            Some(r) => format!("; requests are spaced at {r:.3}/s"),
            None => String::new(),
        };
        if let Some(pause) = self.pause {
            return Some(format!(
                "rate limited (429): every request of this client waits {:.2} s{pace}",
                pause.as_secs_f64()
            ));
        }
        (self.held >= min_held && !self.held.is_zero()).then(|| {
            let why = if self.held_by_pause {
                " (a 429's Retry-After)"
            } else {
                ""
            };
            format!(
                "held back {:.2} s by the rate limit{why}{pace}",
                self.held.as_secs_f64()
            )
        })
    }
}

/// Observer callback type.
pub type Observer = Arc<dyn Fn(&RequestEvent) + Send + Sync>;

/// Builds the full URL of a request from the root URL (no trailing slash) and path.
pub(crate) fn build_url(root: &str, path: &str, query: &[(String, String)]) -> Result<Url> {
    let sep = if path.starts_with('/') { "" } else { "/" };
    let mut url = Url::parse(&format!("{root}{sep}{path}"))
        .map_err(|e| Error::Config(format!("cannot build a URL from path '{path}': {e}")))?;
    if !query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in query {
            pairs.append_pair(k, v);
        }
    }
    Ok(url)
}

enum Failure {
    /// The connection could not be established: nothing was sent.
    Connect(String),
    /// No response in time.
    Timeout,
    /// The connection failed after the request may have been sent.
    Io(String),
}

fn describe(e: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    if parts.is_empty() {
        let mut copy_text = e.to_string();
        if let Some(url) = e.url() {
            copy_text = copy_text.replace(url.as_str(), "");
        }
        parts.push(copy_text);
    }
    parts.join(": ")
}

/// The cause of a failed attempt, naming the proxy (credentials masked) when one is used:
/// "connection refused" then refers to the proxy as likely as to the server.
fn failure_text(config: &Config, e: &reqwest::Error) -> String {
    let text = config.scrub(&describe(e));
    match &config.proxy {
        Some(proxy) => format!("{text} (through proxy {proxy})"),
        None => text,
    }
}

/// What one attempt produced.
enum Attempt {
    /// A complete response.
    Response(u16, HeaderMap, Bytes),
    /// The status and headers arrived but the body could not be read completely.
    BodyLost {
        status: u16,
        headers: HeaderMap,
        /// `None` when the attempt's time ran out while reading.
        error: Option<reqwest::Error>,
    },
    /// No response (status) arrived.
    Failed(reqwest::Error),
    /// No response (status) arrived in time.
    TimedOut,
}

async fn attempt_once(
    http: &reqwest::Client,
    method: &Method,
    url: &Url,
    body: Option<&Bytes>,
    limit: Duration,
) -> Attempt {
    let until = tokio::time::Instant::now() + limit;
    let mut rb = http.request(method.clone(), url.clone());
    if let Some(body) = body {
        rb = rb
            .header(CONTENT_TYPE, "application/json")
            .body(body.clone());
    }
    let resp = match tokio::time::timeout_at(until, rb.send()).await {
        Ok(Ok(resp)) => resp,
        Ok(Err(e)) => return Attempt::Failed(e),
        Err(_) => return Attempt::TimedOut,
    };
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    match tokio::time::timeout_at(until, resp.bytes()).await {
        Ok(Ok(bytes)) => Attempt::Response(status, headers, bytes),
        Ok(Err(e)) => Attempt::BodyLost {
            status,
            headers,
            error: Some(e),
        },
        Err(_) => Attempt::BodyLost {
            status,
            headers,
            error: None,
        },
    }
}

/// Runs one API call with retries, per-attempt and total timeouts, within the client's
/// request budget (`pacer`). A 429 that says when to come back (`Retry-After`) is retried
/// until the total timeout, whatever `max_retries`; other failures count against it.
pub(crate) async fn execute(
    http: &reqwest::Client,
    config: &Config,
    root: &str,
    observer: Option<&Observer>,
    pacer: &pacer::Pacer,
    req: ApiRequest,
) -> Result<ApiResponse> {
    let url = build_url(root, &req.path, &req.query)?;
    let method_s = req.method.as_str().to_owned();
    let url_s = url.to_string();
    let body = match &req.body {
        Some(v) => Some(Bytes::from(
            serde_json::to_vec(v).map_err(|e| Error::validation("body", e.to_string()))?,
        )),
        None => None,
    };
    let start = Instant::now();
    let deadline = start + config.total_timeout;
    let mut attempt: u32 = 0;
    // Attempts that count against `max_retries` (all but 429s with a `Retry-After`).
    let mut failures: u32 = 0;
    let mut refused: Option<crate::error::ApiError> = None;
    loop {
        attempt += 1;
        let hold = pacer.reserve(Instant::now());
        if !hold.wait.is_zero() {
            if hold.wait >= deadline.saturating_duration_since(Instant::now()) {
                // The budget allows no attempt in time: the last 429 says why, if any.
                return Err(match (refused, hold.rate) {
                    (Some(api), _) => Error::Api(api),
                    (None, Some(rate)) => Error::RateBudget {
                        method: method_s,
                        url: url_s,
                        wait: hold.wait,
                        rate,
                        rate_source: pacer
                            .state(Instant::now())
                            .source
                            .map_or("", |s| s.as_str())
                            .to_owned(),
                    },
                    (None, None) => Error::Timeout {
                        method: method_s,
                        url: url_s,
                        attempts: attempt - 1,
                        elapsed: start.elapsed(),
                    },
                });
            }
            tokio::time::sleep(hold.wait).await;
        }
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(Error::Timeout {
                method: method_s,
                url: url_s,
                attempts: attempt - 1,
                elapsed: start.elapsed(),
            });
        }
        let per_attempt = config.timeout.min(remaining);
        let t0 = Instant::now();
        let mut outcome = attempt_once(http, &req.method, &url, body.as_ref(), per_attempt).await;
        let elapsed = t0.elapsed();
        let emit = |status: Option<u16>, error: Option<String>, pause: Option<Duration>| {
            if let Some(obs) = observer {
                obs(&RequestEvent {
                    method: method_s.clone(),
                    url: url_s.clone(),
                    status,
                    error,
                    elapsed,
                    attempt,
                    held: hold.wait,
                    held_by_pause: hold.paused,
                    rate: hold.rate,
                    pause,
                });
            }
        };
        failures += 1;
        let may_retry = failures <= config.max_retries;
        if let Attempt::BodyLost {
            status,
            headers,
            error,
        } = outcome
        {
            let message = match &error {
                Some(e) => config.scrub(&describe(e)),
                None => format!("no complete body within {:.1}s", per_attempt.as_secs_f64()),
            };
            outcome = if !(200..300).contains(&status) {
                // An error status is an answer in itself: handle it as one with no body.
                Attempt::Response(status, headers, Bytes::new())
            } else if req.retry == RetryClass::NonIdempotent {
                // The server applied the request; resending it could apply it twice.
                emit(Some(status), Some(format!("body lost: {message}")), None);
                return Err(Error::ResponseBodyLost {
                    method: method_s,
                    url: url_s,
                    status,
                    message,
                });
            } else {
                match error {
                    Some(e) => Attempt::Failed(e),
                    None => Attempt::TimedOut,
                }
            };
        }
        let failure = match outcome {
            Attempt::Response(status, headers, bytes) => {
                let retry_after = headers
                    .get(RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
                let pause = pacer.observe(Instant::now(), t0, status, &headers, retry_after);
                emit(Some(status), None, pause);
                if (200..300).contains(&status) {
                    return Ok(ApiResponse {
                        status,
                        body: bytes,
                        headers,
                        elapsed,
                    });
                }
                let mut secrets = vec![config.api_key.expose().to_owned()];
                if let Some(proxy) = &config.proxy {
                    secrets.extend(proxy.secrets());
                }
                let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
                let api = problem::decode_problem_redacted(
                    status,
                    &bytes,
                    &method_s,
                    &url_s,
                    retry_after.map(|d| d.as_secs_f64()),
                    attempt,
                    &secrets,
                );
                if pause.is_some() {
                    // The server said when to come back: the pause is the client's (every
                    // request waits it out once, in `reserve`), and this is no failure.
                    failures -= 1;
                    refused = Some(api);
                    continue;
                }
                if !may_retry || !retry::status_is_retryable(status, req.retry) {
                    return Err(Error::Api(api));
                }
                let delay = retry_after.unwrap_or_else(|| {
                    retry::backoff_delay(attempt, config.backoff_initial, config.backoff_max)
                });
                if delay >= deadline.saturating_duration_since(Instant::now()) {
                    return Err(Error::Api(api));
                }
                tokio::time::sleep(delay).await;
                continue;
            }
            Attempt::Failed(e) if e.is_connect() => Failure::Connect(failure_text(config, &e)),
            Attempt::Failed(e) if e.is_timeout() => Failure::Timeout,
            Attempt::Failed(e) => Failure::Io(failure_text(config, &e)),
            Attempt::TimedOut | Attempt::BodyLost { .. } => Failure::Timeout,
        };
        let (kind, message) = match &failure {
            Failure::Connect(m) => ("connect error", m.clone()),
            Failure::Timeout => (
                "timeout",
                format!("no response within {:.1}s", per_attempt.as_secs_f64()),
            ),
            Failure::Io(m) => ("connection error", m.clone()),
        };
        emit(None, Some(format!("{kind}: {message}")), None);
        let final_error = match failure {
            Failure::Connect(message) => Error::Connect {
                method: method_s.clone(),
                url: url_s.clone(),
                message,
                attempts: attempt,
            },
            _ if req.retry == RetryClass::NonIdempotent => {
                return Err(Error::UnknownOutcome {
                    method: method_s,
                    url: url_s,
                    message,
                });
            }
            Failure::Timeout => Error::Timeout {
                method: method_s.clone(),
                url: url_s.clone(),
                attempts: attempt,
                elapsed: start.elapsed(),
            },
            Failure::Io(message) => Error::Connect {
                method: method_s.clone(),
                url: url_s.clone(),
                message,
                attempts: attempt,
            },
        };
        if !may_retry {
            return Err(final_error);
        }
        let delay = retry::backoff_delay(attempt, config.backoff_initial, config.backoff_max);
        if delay >= deadline.saturating_duration_since(Instant::now()) {
            return Err(final_error);
        }
        tokio::time::sleep(delay).await;
    }
}
