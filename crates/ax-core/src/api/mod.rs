//! One async function per API operation. Inputs are validated before any request is sent.

pub mod lookups;
pub mod runs;
pub mod spaces;
mod task_names;
pub mod tasks;
pub mod trigger;
pub mod validate;

use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::transport::{build_url, ApiResponse};

pub use crate::model::Patch;

/// Builds a request path from raw segments, percent-encoding each one (IDs contain `/`, `+`
/// and `=`), e.g. `path(&["v2", "spaces", id])` → `/v2/spaces/U3Bh...%3D`.
pub fn path(segments: &[&str]) -> String {
    let mut out = String::new();
    for seg in segments {
        out.push('/');
        for b in seg.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// Decodes a JSON success body; failures become [`Error::Decode`] naming the request.
pub(crate) fn decode_json<T: DeserializeOwned>(
    c: &Client,
    method: &str,
    path: &str,
    resp: &ApiResponse,
) -> Result<T> {
    serde_json::from_slice(&resp.body).map_err(|e| Error::Decode {
        method: method.to_owned(),
        url: build_url(c.base_url(), path, &[])
            .map(|u| u.to_string())
            .unwrap_or_else(|_| path.to_owned()),
        message: e.to_string(),
    })
}

/// A required string: non-empty (after trimming) and at most `max` characters. Returns it
/// trimmed.
pub(crate) fn required<'a>(field: &str, value: &'a str, max: usize) -> Result<&'a str> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::validation(field, "must not be empty"));
    }
    max_len(field, v, max)?;
    Ok(v)
}

/// At most `max` characters.
pub(crate) fn max_len(field: &str, value: &str, max: usize) -> Result<()> {
    let n = value.chars().count();
    if n > max {
        return Err(Error::validation(
            field,
            format!("must be at most {max} characters, got {n}"),
        ));
    }
    Ok(())
}

/// An optional cursor: when given it must not be empty.
pub(crate) fn cursor(value: Option<&str>) -> Result<Option<String>> {
    match value {
        Some(c) if c.trim().is_empty() => {
            Err(Error::validation("cursor", "must not be empty when given"))
        }
        Some(c) => Ok(Some(c.to_owned())),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path(&["v2", "spaces"]), "/v2/spaces");
        assert_eq!(
            path(&["v2", "spaces", "U3Bh+Y2/U6MT=="]),
            "/v2/spaces/U3Bh%2BY2%2FU6MT%3D%3D"
        );
        assert_eq!(path(&["v2", "x", "a b"]), "/v2/x/a%20b");
    }

    #[test]
    fn string_checks() {
        assert_eq!(required("name", "  n ", 3).unwrap(), "n");
        assert!(
            matches!(required("name", "  ", 3), Err(Error::Validation { field, .. }) if field == "name")
        );
        assert!(required("name", "abcd", 3)
            .unwrap_err()
            .to_string()
            .contains("at most 3"));
        assert!(max_len("d", "ééé", 3).is_ok());
        assert!(cursor(Some("")).is_err());
    }
}
