//! RFC 9457 problem bodies (API.md §1.5).
//!
//! Handlers return [`ApiError`]; its response carries a [`ProblemDetail`] extension and no
//! body. The server middleware turns that into the full problem body, filling `instance`
//! with the request path, so handlers never need to know their path.

use axum::http::header::{HeaderValue, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub(crate) const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";
const TYPE_BASE: &str = "https://arize.com/docs/ax/rest-reference/errors";

/// An error answer from a handler: status plus a human-readable detail.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) detail: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            detail: detail.into(),
        }
    }
    pub(crate) fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, detail)
    }
    pub(crate) fn forbidden(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, detail)
    }
    pub(crate) fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, detail)
    }
    pub(crate) fn conflict(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, detail)
    }
    pub(crate) fn unauthorized(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, detail)
    }
}

/// Marker placed in a response's extensions; rendered into a body by the middleware.
#[derive(Clone, Debug)]
pub(crate) struct ProblemDetail(pub(crate) String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = self.status.into_response();
        resp.extensions_mut().insert(ProblemDetail(self.detail));
        resp
    }
}

/// `(title, type fragment)` for a status.
fn title_and_type(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => ("Invalid request parameters", "invalid-request"),
        401 => ("Authentication required", "authentication-required"),
        403 => ("Access forbidden", "access-forbidden"),
        404 => ("Resource not found", "resource-not-found"),
        405 => ("Method not allowed", "method-not-allowed"),
        409 => ("Resource conflict", "resource-conflict"),
        413 => ("Payload too large", "payload-too-large"),
        415 => ("Unsupported media type", "unsupported-media-type"),
        422 => ("Unprocessable Entity", "unprocessable-entity"),
        429 => ("Rate limit exceeded", "rate-limit-exceeded"),
        500 => ("Internal Server Error", "internal-server-error"),
        502 => ("Bad Gateway", "bad-gateway"),
        503 => ("Service Unavailable", "service-unavailable"),
        504 => ("Gateway Timeout", "gateway-timeout"),
        _ => (
            status.canonical_reason().unwrap_or("Error"),
            "unexpected-error",
        ),
    }
}

#[derive(Serialize)]
struct Problem<'a> {
    status: u16,
    title: &'a str,
    #[serde(rename = "type")]
    type_: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    instance: &'a str,
}

/// The JSON text of a problem body.
pub(crate) fn problem_body(status: StatusCode, detail: Option<&str>, instance: &str) -> Vec<u8> {
    let (title, fragment) = title_and_type(status);
    let p = Problem {
        status: status.as_u16(),
        title,
        type_: format!("{TYPE_BASE}#{fragment}"),
        detail,
        instance,
    };
    serde_json::to_vec(&p).unwrap_or_default()
}

/// A complete problem response.
pub(crate) fn problem_response(
    status: StatusCode,
    detail: Option<&str>,
    instance: &str,
) -> Response {
    let mut resp = (status, problem_body(status, detail, instance)).into_response();
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_CONTENT_TYPE));
    resp
}

/// Gives an error response a problem body: either from its [`ProblemDetail`] marker or, for
/// errors produced outside our handlers (405 from the router, extractor rejections), a
/// generic one. Non-error responses and responses that already are problems pass unchanged.
pub(crate) fn render(resp: Response, instance: &str) -> Response {
    let status = resp.status();
    if let Some(ProblemDetail(detail)) = resp.extensions().get::<ProblemDetail>() {
        let body = problem_body(status, Some(detail), instance);
        return replace_body(resp, body);
    }
    if status.as_u16() < 400 {
        return resp;
    }
    let is_problem = resp
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_CONTENT_TYPE.as_bytes()));
    if is_problem {
        return resp;
    }
    let body = problem_body(status, None, instance);
    replace_body(resp, body)
}

fn replace_body(resp: Response, body: Vec<u8>) -> Response {
    let (mut parts, _) = resp.into_parts();
    parts.extensions.remove::<ProblemDetail>();
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_CONTENT_TYPE));
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}
