//! JSON → Arrow decoding. A page body is streamed through serde visitors straight into Arrow
//! builders (no intermediate `serde_json::Value`); each resource has a fixed schema.

pub mod cells;
pub mod declared;
mod envelope;
pub mod items;
pub mod run;
mod scan;
pub mod space;
pub mod task;

use std::fmt;

use arrow_array::builder::{BooleanBuilder, StringBuilder, TimestampMicrosecondBuilder};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess,
    Visitor,
};
use serde::Deserialize;

use crate::paginate::Pagination;

pub(crate) use envelope::decode_page;
pub use envelope::{decode_envelope, scan_pagination, VecSink};
pub use items::{task_runs_from_batch, tasks_from_batch};
pub use run::{decode_task_runs_page, task_run_schema, TaskRunColumns, TaskRunResource};
pub use space::{decode_spaces_page, space_schema, SpaceColumns, SpaceResource};
pub use task::{decode_tasks_page, task_schema, TaskColumns, TaskResource};

/// Receives the rows of a list response, one at a time.
pub trait RowSink {
    /// Deserializes one item from `de` and appends it. `src` tells how strings may be read
    /// (see [`Src`]); a sink that does not care can ignore it.
    fn append_row<'de, D: Deserializer<'de>>(
        &mut self,
        de: D,
        src: Src<'de>,
    ) -> Result<(), D::Error>;
}

/// How the cell decoders read JSON strings.
///
/// [`Src::CHECKED`] is the reference path: strings come from `serde_json` as `&str`, each one
/// checked for UTF-8 and control characters by `serde_json`.
///
/// [`Src::of`] is the fast path, for a body that is valid UTF-8 as a whole and holds no
/// control character (byte < 0x20) anywhere, which is what servers send (compact JSON, with
/// `\n`, `\t` escaped). One bulk check of the body (a few µs for 65 kB) then replaces a
/// `from_utf8` call per string: strings are read as bytes (`deserialize_bytes`), and a string
/// without escapes, which `serde_json` hands over as a slice of the body, becomes `&str` by
/// re-slicing the already validated body (`str::get`, which checks the char boundaries). No
/// `unsafe` is involved. A string with escapes is decoded by `serde_json` into a scratch
/// buffer, which is checked with `from_utf8` (escaped lone surrogates are rejected there).
/// In the byte path `serde_json` does not look for control characters; the bulk check covers
/// that, since no body with one takes this path.
///
/// The page decoders only keep a fast-path result when the whole page decoded without error;
/// otherwise the page is decoded again with [`Src::CHECKED`], so errors (and any edge case) are
/// exactly those of the reference path.
#[derive(Clone, Copy, Debug)]
pub struct Src<'de>(Option<&'de str>);

impl Src<'static> {
    /// The reference path: every string checked by `serde_json`.
    pub const CHECKED: Src<'static> = Src(None);
}

impl<'de> Src<'de> {
    /// The fast path for `body` if it qualifies (valid UTF-8, no byte below 0x20), else
    /// [`Src::CHECKED`].
    pub fn of(body: &'de [u8]) -> Src<'de> {
        // Branch-free per 64-byte block so that it vectorizes (a plain `any` does not).
        let control = body
            .chunks(64)
            .any(|block| block.iter().fold(0xffu8, |m, &b| m.min(b)) < 0x20);
        if control {
            return Src(None);
        }
        Src(std::str::from_utf8(body).ok())
    }

    /// True on the fast path.
    pub fn is_fast(self) -> bool {
        self.0.is_some()
    }

    /// The body as text on the fast path.
    pub(crate) fn text_of_body(self) -> Option<&'de str> {
        self.0
    }

    /// `v` as text: re-sliced from the validated body when it lies inside it, else checked.
    fn text<'v, E: de::Error>(self, v: &'v [u8]) -> Result<&'v str, E>
    where
        'de: 'v,
    {
        if let Some(body) = self.0 {
            let start = (v.as_ptr() as usize).wrapping_sub(body.as_ptr() as usize);
            if let Some(s) = start
                .checked_add(v.len())
                .and_then(|end| body.get(start..end))
            {
                return Ok(s);
            }
        }
        std::str::from_utf8(v).map_err(|_| E::custom("invalid UTF-8 in a string"))
    }

    /// Reads a string (or `null`, reported as `None`) on the fast path and hands it to `f`.
    /// Only for [`Src::is_fast`]; errors are not user-facing (the page is re-decoded).
    pub(crate) fn read<D, F>(self, de: D, f: F) -> Result<(), D::Error>
    where
        D: Deserializer<'de>,
        F: FnOnce(Option<&str>) -> Result<(), String>,
    {
        de.deserialize_option(FastStr { src: self, f })
    }
}

struct FastStr<'de, F> {
    src: Src<'de>,
    f: F,
}

impl<'de, F: FnOnce(Option<&str>) -> Result<(), String>> Visitor<'de> for FastStr<'de, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        (self.f)(None).map_err(E::custom)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.visit_none()
    }
    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_bytes(FastBytes {
            src: self.src,
            f: self.f,
        })
    }
}

struct FastBytes<'de, F> {
    src: Src<'de>,
    f: F,
}

impl<'de, F: FnOnce(Option<&str>) -> Result<(), String>> Visitor<'de> for FastBytes<'de, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<(), E> {
        (self.f)(Some(self.src.text(v)?)).map_err(E::custom)
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<(), E> {
        let s = std::str::from_utf8(v).map_err(|_| E::custom("invalid UTF-8 in a string"))?;
        (self.f)(Some(s)).map_err(E::custom)
    }
}

/// Reads an object key on the fast path and matches it with `K`'s own (derived) field
/// matching, so field names and aliases are defined once.
pub(crate) struct FastKey<'de, K>(pub Src<'de>, pub std::marker::PhantomData<K>);

impl<'de, K: Deserialize<'de>> DeserializeSeed<'de> for FastKey<'de, K> {
    type Value = K;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<K, D::Error> {
        de.deserialize_bytes(self)
    }
}

impl<'de, K: Deserialize<'de>> Visitor<'de> for FastKey<'de, K> {
    type Value = K;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<K, E> {
        let s = self.0.text(v)?;
        K::deserialize(de::value::StrDeserializer::<E>::new(s))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<K, E> {
        let s = std::str::from_utf8(v).map_err(|_| E::custom("invalid UTF-8 in a key"))?;
        K::deserialize(de::value::StrDeserializer::<E>::new(s))
    }
}

/// The first `rows` elements of `a` (`a` itself when it is no longer).
pub(crate) fn prefix(a: arrow_array::ArrayRef, rows: usize) -> arrow_array::ArrayRef {
    if a.len() > rows {
        a.slice(0, rows)
    } else {
        a
    }
}

/// Reads the next key of `map` as a `K` field identifier, by the fast or the reference path.
pub(crate) fn next_field<'de, A, K>(map: &mut A, src: Src<'de>) -> Result<Option<K>, A::Error>
where
    A: MapAccess<'de>,
    K: Deserialize<'de>,
{
    if src.is_fast() {
        map.next_key_seed(FastKey(src, std::marker::PhantomData))
    } else {
        map.next_key::<K>()
    }
}

/// Parses an RFC 3339 timestamp (`Z`, numeric offsets, fractional seconds) into microseconds
/// since the Unix epoch. A timestamp without an offset is taken as UTC.
#[inline]
pub fn parse_timestamp_micros(value: &str) -> Result<i64, String> {
    if let Some(micros) = utc_micros_fast(value.as_bytes()) {
        return Ok(micros);
    }
    parse_timestamp_general(value)
}

/// The general (chrono) path of [`parse_timestamp_micros`].
fn parse_timestamp_general(value: &str) -> Result<i64, String> {
    let v = value.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(v) {
        return Ok(dt.timestamp_micros());
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(v, fmt) {
            return Ok(naive.and_utc().timestamp_micros());
        }
    }
    Err(format!("invalid timestamp '{value}' (expected RFC 3339)"))
}

/// The fast path of [`parse_timestamp_micros`] for the shape servers send,
/// `YYYY-MM-DDTHH:MM:SSZ` with an optional `.` and 1 to 9 fraction digits. Anything else
/// (offsets, lower-case `t`/`z`, a space, leap second 60, out-of-range fields) returns `None`
/// and goes to chrono, so results and errors are exactly chrono's. Like chrono's
/// `timestamp_micros`, digits past the microsecond are truncated.
fn utc_micros_fast(b: &[u8]) -> Option<i64> {
    if b.len() < 20 || b[b.len() - 1] != b'Z' {
        return None;
    }
    // Digits at `b[r]` as a number (ASCII digits only).
    #[inline(always)]
    fn number(b: &[u8], r: std::ops::Range<usize>) -> Option<i64> {
        let mut n = 0i64;
        for &c in &b[r] {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            n = n * 10 + i64::from(d);
        }
        Some(n)
    }
    if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (number(b, 0..4)?, number(b, 5..7)?, number(b, 8..10)?);
    let (hour, minute, second) = (number(b, 11..13)?, number(b, 14..16)?, number(b, 17..19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > month_days || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let frac = &b[19..b.len() - 1];
    let micros = match frac {
        [] => 0,
        [b'.', f @ ..] if (1..=9).contains(&f.len()) => {
            let mut n = number(b, 20..b.len() - 1)?;
            for _ in f.len()..6 {
                n *= 10;
            }
            for _ in 6..f.len() {
                n /= 10;
            }
            n
        }
        _ => return None,
    };
    // Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's
    // `days_from_civil`).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3_600 + minute * 60 + second;
    Some(secs * 1_000_000 + micros)
}

/// Appends one JSON string (or null) to a `StringBuilder`.
pub struct Utf8Cell<'a, 'de> {
    pub builder: &'a mut StringBuilder,
    pub nullable: bool,
    pub src: Src<'de>,
}

impl<'a, 'de> Utf8Cell<'a, 'de> {
    pub fn new(builder: &'a mut StringBuilder, nullable: bool, src: Src<'de>) -> Self {
        Utf8Cell {
            builder,
            nullable,
            src,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Utf8Cell<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        if self.src.is_fast() {
            let (builder, nullable) = (self.builder, self.nullable);
            return self.src.read(de, |v| {
                match v {
                    Some(s) => builder.append_value(s),
                    None if nullable => builder.append_null(),
                    None => return Err("null".into()),
                }
                Ok(())
            });
        }
        de.deserialize_any(self)
    }
}

impl Visitor<'_> for Utf8Cell<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.nullable {
            "a string or null"
        } else {
            "a string"
        })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.builder.append_value(v);
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        if !self.nullable {
            return Err(E::invalid_type(de::Unexpected::Unit, &self));
        }
        self.builder.append_null();
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }
}

/// Appends one RFC 3339 timestamp string (or null) to a microsecond timestamp builder.
pub struct TimestampCell<'a, 'de> {
    pub builder: &'a mut TimestampMicrosecondBuilder,
    pub nullable: bool,
    pub src: Src<'de>,
}

impl<'a, 'de> TimestampCell<'a, 'de> {
    pub fn new(
        builder: &'a mut TimestampMicrosecondBuilder,
        nullable: bool,
        src: Src<'de>,
    ) -> Self {
        TimestampCell {
            builder,
            nullable,
            src,
        }
    }
}

impl<'de> DeserializeSeed<'de> for TimestampCell<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        if self.src.is_fast() {
            let (builder, nullable) = (self.builder, self.nullable);
            return self.src.read(de, |v| {
                match v {
                    Some(s) => builder.append_value(parse_timestamp_micros(s)?),
                    None if nullable => builder.append_null(),
                    None => return Err("null".into()),
                }
                Ok(())
            });
        }
        de.deserialize_any(self)
    }
}

impl Visitor<'_> for TimestampCell<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 timestamp string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.builder
            .append_value(parse_timestamp_micros(v).map_err(E::custom)?);
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        if !self.nullable {
            return Err(E::invalid_type(de::Unexpected::Unit, &self));
        }
        self.builder.append_null();
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }
}

/// Appends one JSON boolean (or null) to a `BooleanBuilder`.
pub struct BoolCell<'a> {
    pub builder: &'a mut BooleanBuilder,
    pub nullable: bool,
}

impl<'de> DeserializeSeed<'de> for BoolCell<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl Visitor<'_> for BoolCell<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.builder.append_value(v);
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        if !self.nullable {
            return Err(E::invalid_type(de::Unexpected::Unit, &self));
        }
        self.builder.append_null();
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }
}

/// Tracks which columns a row has set, to fill nulls and reject duplicates/missing fields.
#[derive(Default)]
pub struct Seen(u64);

impl Seen {
    /// Marks column `i`; errors when it was already set in this row.
    pub fn mark<E: de::Error>(&mut self, i: usize, name: &'static str) -> Result<(), E> {
        if self.set(i) {
            Ok(())
        } else {
            Err(E::duplicate_field(name))
        }
    }

    /// Marks column `i`; false when it was already set in this row.
    pub fn set(&mut self, i: usize) -> bool {
        let bit = 1u64 << i;
        let fresh = self.0 & bit == 0;
        self.0 |= bit;
        fresh
    }

    /// The name of the first of `required` (column, name) not set in this row.
    pub fn first_missing(&self, required: &[(usize, &'static str)]) -> Option<&'static str> {
        required
            .iter()
            .find(|(i, _)| !self.has(*i))
            .map(|(_, name)| *name)
    }

    /// Whether column `i` was set.
    pub fn has(&self, i: usize) -> bool {
        self.0 & (1u64 << i) != 0
    }
}

#[cfg(test)]
#[path = "fast_tests.rs"]
mod fast_tests;
