//! `Authorization: Bearer <key>` handling.

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;

use crate::problem::ApiError;
use crate::state::{State, User};

/// The authenticated caller of a `/v2` request, stored in the request extensions by the
/// middleware: the sequence number of the key's user.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Caller(pub(crate) u64);

impl Caller {
    /// The caller's user record. A user that vanished (reset between the middleware and the
    /// handler) counts as unauthenticated.
    pub(crate) fn user<'s>(&self, state: &'s State) -> Result<&'s User, ApiError> {
        state
            .users
            .by_seq(self.0)
            .ok_or_else(|| ApiError::unauthorized("The API key is not valid."))
    }
}

/// The key in an `Authorization: Bearer <key>` header (scheme matched case-insensitively).
pub(crate) fn bearer_key(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers
        .get(AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("Missing Authorization header."))?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("Malformed Authorization header."))?
        .trim();
    let (scheme, key) = value
        .split_once(' ')
        .ok_or_else(|| ApiError::unauthorized("Expected 'Authorization: Bearer <api-key>'."))?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::unauthorized(
            "Expected 'Authorization: Bearer <api-key>'.",
        ));
    }
    let key = key.trim();
    if key.is_empty() {
        return Err(ApiError::unauthorized("Empty API key."));
    }
    Ok(key)
}

/// Resolves the request's key to a caller.
pub(crate) fn authenticate(state: &State, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let key = bearer_key(headers)?;
    state
        .user_for_key(key)
        .map(Caller)
        .ok_or_else(|| ApiError::unauthorized("The API key is not valid."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn parses_bearer_case_insensitively() {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_static("bEaReR  abc "));
        assert_eq!(bearer_key(&h).unwrap(), "abc");
        h.insert(AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert!(bearer_key(&h).is_err());
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer"));
        assert!(bearer_key(&h).is_err());
    }
}
