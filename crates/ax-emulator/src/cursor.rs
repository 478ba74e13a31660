//! Cursor pagination (API.md §1.8).
//!
//! A cursor is URL-safe base64 (no padding) of 25 bytes:
//! `version (1) | position (u64) | filter hash (u64) | MAC (u64)`, little endian.
//! A *resume* cursor (made by the `empty_page` fault) has version 2 and 34 bytes:
//! `2 | flags (1) | position | filter hash | nonce (u64) | MAC`; flag bit 0 set = a
//! position is present (clear = from the start of the list). The nonce makes every resume
//! cursor a new string.
//!
//! - *position* is the sequence number of the last row handed out. The next page starts
//!   right after that row in the list's order (keyset pagination), so rows created or
//!   deleted between pages never cause a row to be skipped or repeated.
//! - *filter hash* is a keyed hash of the list's name and its filter values. A cursor used
//!   with other filters (or on another list) is rejected with 400.
//! - *MAC* is a keyed hash over the fields above, with a key drawn at random when the
//!   emulator starts, so an edited or forged cursor is rejected with 400.

use std::hash::{BuildHasher, Hasher};

use axum::http::header::{HeaderValue, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Serialize;

use crate::json_out::{self, WriteJson};
use crate::problem::ApiError;
use crate::routes::QueryParams;

const VERSION: u8 = 1;
const TOKEN_LEN: usize = 25;
const RESUME_VERSION: u8 = 2;
const RESUME_LEN: usize = 34;
pub(crate) const DEFAULT_LIMIT: usize = 50;
pub(crate) const MAX_LIMIT: usize = 100;

/// Issues and checks cursors. One per emulator; survives resets.
pub(crate) struct Cursors {
    key: std::collections::hash_map::RandomState,
    nonce: std::sync::atomic::AtomicU64,
}

impl Cursors {
    pub(crate) fn new() -> Cursors {
        Cursors {
            key: std::collections::hash_map::RandomState::new(),
            nonce: std::sync::atomic::AtomicU64::new(1),
        }
    }

    /// Keyed hash of a list name and its filter values (`None` = filter absent).
    pub(crate) fn filter_hash(&self, list: &str, filters: &[Option<&str>]) -> u64 {
        let mut h = self.key.build_hasher();
        h.write(list.as_bytes());
        h.write_u8(0xff);
        for f in filters {
            match f {
                None => h.write_u8(0),
                Some(v) => {
                    h.write_u8(1);
                    h.write_usize(v.len());
                    h.write(v.as_bytes());
                }
            }
        }
        h.finish()
    }

    fn mac(&self, position: u64, filter_hash: u64) -> u64 {
        let mut h = self.key.build_hasher();
        h.write(b"cursor-mac");
        h.write_u8(VERSION);
        h.write_u64(position);
        h.write_u64(filter_hash);
        h.finish()
    }

    pub(crate) fn encode(&self, position: u64, filter_hash: u64) -> String {
        let mut buf = [0u8; TOKEN_LEN];
        buf[0] = VERSION;
        buf[1..9].copy_from_slice(&position.to_le_bytes());
        buf[9..17].copy_from_slice(&filter_hash.to_le_bytes());
        buf[17..25].copy_from_slice(&self.mac(position, filter_hash).to_le_bytes());
        URL_SAFE_NO_PAD.encode(buf)
    }

    fn resume_mac(&self, flags: u8, position: u64, filter_hash: u64, nonce: u64) -> u64 {
        let mut h = self.key.build_hasher();
        h.write(b"cursor-mac");
        h.write_u8(RESUME_VERSION);
        h.write_u8(flags);
        h.write_u64(position);
        h.write_u64(filter_hash);
        h.write_u64(nonce);
        h.finish()
    }

    /// A new resume cursor: the next page starts after `after` (or at the start of the
    /// list), like a cursor holding that position, but as a string never issued before.
    pub(crate) fn encode_resume(&self, after: Option<u64>, filter_hash: u64) -> String {
        let nonce = self
            .nonce
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let flags = u8::from(after.is_some());
        let position = after.unwrap_or(0);
        let mut buf = [0u8; RESUME_LEN];
        buf[0] = RESUME_VERSION;
        buf[1] = flags;
        buf[2..10].copy_from_slice(&position.to_le_bytes());
        buf[10..18].copy_from_slice(&filter_hash.to_le_bytes());
        buf[18..26].copy_from_slice(&nonce.to_le_bytes());
        buf[26..34].copy_from_slice(
            &self
                .resume_mac(flags, position, filter_hash, nonce)
                .to_le_bytes(),
        );
        URL_SAFE_NO_PAD.encode(buf)
    }

    /// The position inside a cursor issued for `filter_hash` (`None`: from the start).
    pub(crate) fn decode(&self, token: &str, filter_hash: u64) -> Result<Option<u64>, ApiError> {
        let malformed = || ApiError::bad_request("Invalid cursor: malformed token.");
        let bytes = URL_SAFE_NO_PAD
            .decode(token.as_bytes())
            .map_err(|_| malformed())?;
        let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        let (position, hash, valid) = match (bytes.len(), bytes.first()) {
            (TOKEN_LEN, Some(&VERSION)) => {
                let (position, hash) = (word(1), word(9));
                (Some(position), hash, word(17) == self.mac(position, hash))
            }
            (RESUME_LEN, Some(&RESUME_VERSION)) if bytes[1] <= 1 => {
                let (flags, position, hash, nonce) = (bytes[1], word(2), word(10), word(18));
                let valid = word(26) == self.resume_mac(flags, position, hash, nonce);
                ((flags == 1).then_some(position), hash, valid)
            }
            _ => return Err(malformed()),
        };
        if !valid {
            return Err(ApiError::bad_request(
                "Invalid cursor: it was not issued by this server or has been modified.",
            ));
        }
        if hash != filter_hash {
            return Err(ApiError::bad_request(
                "Invalid cursor: it was issued for a different set of filters.",
            ));
        }
        Ok(position)
    }
}

/// Placed in a list response's extensions: where the page started and the list's filter
/// hash (for the `empty_page` fault).
#[derive(Clone, Copy, Debug)]
pub(crate) struct PageInfo {
    pub(crate) after: Option<u64>,
    pub(crate) filter_hash: u64,
}

/// `limit` and the decoded `cursor` of a list request.
pub(crate) struct PageRequest {
    pub(crate) limit: usize,
    pub(crate) after: Option<u64>,
    pub(crate) filter_hash: u64,
}

impl PageRequest {
    /// Reads `limit` and `cursor` from the query; `filters` are the list's filter values
    /// (bound into the cursor).
    pub(crate) fn parse(
        cursors: &Cursors,
        q: &QueryParams,
        list: &str,
        filters: &[Option<&str>],
    ) -> Result<PageRequest, ApiError> {
        let limit = match q.get("limit") {
            None => DEFAULT_LIMIT,
            Some(raw) => match raw.trim().parse::<i64>() {
                Ok(n) if (1..=MAX_LIMIT as i64).contains(&n) => n as usize,
                Ok(_) => {
                    return Err(ApiError::bad_request(format!(
                        "limit must be between 1 and {MAX_LIMIT}."
                    )))
                }
                Err(_) => return Err(ApiError::bad_request("limit must be an integer.")),
            },
        };
        let filter_hash = cursors.filter_hash(list, filters);
        let after = match q.get("cursor") {
            None | Some("") => None,
            Some(token) => cursors.decode(token, filter_hash)?,
        };
        Ok(PageRequest {
            limit,
            after,
            filter_hash,
        })
    }
}

/// Takes up to `limit` rows from `rows` (already positioned after the cursor) that pass
/// `keep`; `has_more` tells whether another passing row follows.
pub(crate) fn take_page<'a, T: 'a>(
    rows: impl Iterator<Item = &'a T>,
    limit: usize,
    mut keep: impl FnMut(&T) -> bool,
) -> (Vec<&'a T>, bool) {
    let mut page = Vec::with_capacity(limit.min(16));
    for row in rows {
        if !keep(row) {
            continue;
        }
        if page.len() == limit {
            return (page, true);
        }
        page.push(row);
    }
    (page, false)
}

#[derive(Serialize)]
struct Pagination {
    has_more: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

/// The `{ "<key>": [...], "pagination": {...} }` response for a page, items through their
/// derived `Serialize`.
pub(crate) fn list_response<T: Serialize>(
    cursors: &Cursors,
    page: &PageRequest,
    key: &'static str,
    items: &[&T],
    has_more: bool,
    position_of: impl Fn(&T) -> u64,
) -> Response {
    list_response_with(
        cursors,
        page,
        key,
        items,
        has_more,
        position_of,
        |t, out| json_out::value(out, t),
    )
}

/// [`list_response`] for rows that write their own JSON ([`WriteJson`]: tasks, task runs).
pub(crate) fn list_response_fast<T: WriteJson>(
    cursors: &Cursors,
    page: &PageRequest,
    key: &'static str,
    items: &[&T],
    has_more: bool,
    position_of: impl Fn(&T) -> u64,
) -> Response {
    list_response_with(
        cursors,
        page,
        key,
        items,
        has_more,
        position_of,
        |t, out| t.write_json(out),
    )
}

fn list_response_with<T>(
    cursors: &Cursors,
    page: &PageRequest,
    key: &'static str,
    items: &[&T],
    has_more: bool,
    position_of: impl Fn(&T) -> u64,
    write_item: impl Fn(&T, &mut Vec<u8>),
) -> Response {
    let next_cursor = match (has_more, items.last()) {
        (true, Some(last)) => Some(cursors.encode(position_of(last), page.filter_hash)),
        _ => None,
    };
    let pagination = Pagination {
        has_more: next_cursor.is_some(),
        next_cursor,
    };
    let body = list_body(key, items, &pagination, write_item);
    let mut resp = bytes_response(StatusCode::OK, body);
    resp.extensions_mut().insert(PageInfo {
        after: page.after,
        filter_hash: page.filter_hash,
    });
    resp
}

/// The bytes of a list body; what serde would give for a map of `key` and `pagination`.
fn list_body<T>(
    key: &str,
    items: &[&T],
    pagination: &Pagination,
    write_item: impl Fn(&T, &mut Vec<u8>),
) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.push(b'{');
    json_out::string(&mut out, key);
    out.extend_from_slice(b":[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let start = out.len();
        write_item(item, &mut out);
        if i == 0 {
            // Room for the rest, sized on the first item, so the body grows about once.
            out.reserve((out.len() - start + 1) * (items.len() - 1) + 128);
        }
    }
    out.extend_from_slice(b"],\"pagination\":");
    json_out::value(&mut out, pagination);
    out.push(b'}');
    out
}

/// A response with a JSON body already encoded.
fn bytes_response(status: StatusCode, bytes: Vec<u8>) -> Response {
    let mut resp = (status, bytes).into_response();
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

/// A JSON response.
pub(crate) fn json_response<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => bytes_response(status, bytes),
        Err(e) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-built envelope is what serde gives for the same map.
    #[test]
    fn list_body_like_serde() {
        use serde::ser::{SerializeMap, Serializer};
        struct Reference<'a> {
            key: &'a str,
            items: &'a [&'a serde_json::Value],
            pagination: &'a Pagination,
        }
        impl Serialize for Reference<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry(self.key, self.items)?;
                m.serialize_entry("pagination", self.pagination)?;
                m.end()
            }
        }
        let a = serde_json::json!({"id": "a\"b", "n": 1.5, "x": [null, true]});
        let b = serde_json::json!("plain");
        for items in [vec![], vec![&a], vec![&a, &b, &a]] {
            for next_cursor in [None, Some("Zm9v".to_owned())] {
                let pagination = Pagination {
                    has_more: next_cursor.is_some(),
                    next_cursor,
                };
                let got = list_body("tasks", &items, &pagination, |v, out| {
                    json_out::value(out, v)
                });
                let want = serde_json::to_vec(&Reference {
                    key: "tasks",
                    items: &items,
                    pagination: &pagination,
                })
                .unwrap();
                assert_eq!(
                    String::from_utf8(got).unwrap(),
                    String::from_utf8(want).unwrap()
                );
            }
        }
    }

    #[test]
    fn round_trip_and_tamper() {
        let c = Cursors::new();
        let fh = c.filter_hash("spaces", &[None, Some("prod")]);
        let tok = c.encode(42, fh);
        assert_eq!(c.decode(&tok, fh).unwrap(), Some(42));
        // Other filters.
        let other = c.filter_hash("spaces", &[Some("prod"), None]);
        assert!(c.decode(&tok, other).is_err());
        // Flip a bit in the position.
        let mut bytes = URL_SAFE_NO_PAD.decode(&tok).unwrap();
        bytes[1] ^= 1;
        assert!(c.decode(&URL_SAFE_NO_PAD.encode(&bytes), fh).is_err());
        // Another emulator's cursor.
        assert!(Cursors::new().decode(&tok, fh).is_err());
        assert!(c.decode("not a cursor", fh).is_err());
    }

    #[test]
    fn resume_cursors() {
        let c = Cursors::new();
        let fh = c.filter_hash("spaces", &[None]);
        let a = c.encode_resume(Some(42), fh);
        let b = c.encode_resume(Some(42), fh);
        assert_ne!(a, b);
        assert_ne!(a, c.encode(42, fh));
        assert_eq!(c.decode(&a, fh).unwrap(), Some(42));
        assert_eq!(c.decode(&b, fh).unwrap(), Some(42));
        let start = c.encode_resume(None, fh);
        assert_eq!(c.decode(&start, fh).unwrap(), None);
        assert!(c.decode(&start, c.filter_hash("users", &[None])).is_err());
        let mut bytes = URL_SAFE_NO_PAD.decode(&start).unwrap();
        bytes[1] = 1;
        assert!(c.decode(&URL_SAFE_NO_PAD.encode(&bytes), fh).is_err());
        assert!(Cursors::new().decode(&a, fh).is_err());
    }

    #[test]
    fn take_page_reports_more() {
        let rows = [1, 2, 3, 4, 5];
        let (p, more) = take_page(rows.iter(), 2, |_| true);
        assert_eq!(p, vec![&1, &2]);
        assert!(more);
        let (p, more) = take_page(rows.iter(), 5, |_| true);
        assert_eq!(p.len(), 5);
        assert!(!more);
        let (p, more) = take_page(rows.iter(), 2, |r| *r > 3);
        assert_eq!(p, vec![&4, &5]);
        assert!(!more);
    }
}
