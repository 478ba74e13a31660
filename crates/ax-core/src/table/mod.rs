//! JSON → Arrow decoding. A page body is streamed through serde visitors straight into Arrow
//! builders (no intermediate `serde_json::Value`); each resource has a fixed schema.

pub mod cells;
pub mod run;
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

pub use run::{decode_task_runs_page, task_run_schema, TaskRunColumns, TaskRunResource};
pub use space::{decode_spaces_page, space_schema, SpaceColumns, SpaceResource};
pub use task::{decode_tasks_page, task_schema, TaskColumns, TaskResource};

/// Receives the rows of a list response, one at a time.
pub trait RowSink {
    /// Deserializes one item from `de` and appends it.
    fn append_row<'de, D: Deserializer<'de>>(&mut self, de: D) -> Result<(), D::Error>;
}

/// Collects items as serde values.
pub struct VecSink<T>(pub Vec<T>);

impl<T: DeserializeOwned> RowSink for VecSink<T> {
    fn append_row<'de, D: Deserializer<'de>>(&mut self, de: D) -> Result<(), D::Error> {
        self.0.push(T::deserialize(de)?);
        Ok(())
    }
}

/// Skips every item: only the envelope's pagination is read.
struct SkipSink;

impl RowSink for SkipSink {
    fn append_row<'de, D: Deserializer<'de>>(&mut self, de: D) -> Result<(), D::Error> {
        IgnoredAny::deserialize(de).map(|_| ())
    }
}

/// Reads only the pagination of a list body (a validating scan that builds nothing), so
/// the next page can be requested before this one is decoded.
pub fn scan_pagination(body: &[u8], collection: &str) -> Result<Pagination, String> {
    decode_envelope(body, collection, &mut SkipSink)
}

/// Decodes `{ "<collection>": [ ... ], "pagination": {...} }`, feeding each item to `sink`.
/// Unknown keys are ignored; `hasMore`/`nextCursor` are accepted as aliases.
pub fn decode_envelope<S: RowSink>(
    body: &[u8],
    collection: &str,
    sink: &mut S,
) -> Result<Pagination, String> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let pagination = EnvelopeSeed { collection, sink }
        .deserialize(&mut de)
        .map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(pagination)
}

struct EnvelopeSeed<'a, S> {
    collection: &'a str,
    sink: &'a mut S,
}

enum Key {
    Items,
    Pagination,
    Other,
}

struct KeySeed<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Key, D::Error> {
        de.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(if v == self.0 {
            Key::Items
        } else if v == "pagination" {
            Key::Pagination
        } else {
            Key::Other
        })
    }
}

#[derive(Deserialize)]
struct WirePagination {
    #[serde(default, alias = "hasMore")]
    has_more: Option<bool>,
    #[serde(default, alias = "nextCursor")]
    next_cursor: Option<String>,
}

impl<'de, S: RowSink> DeserializeSeed<'de> for EnvelopeSeed<'_, S> {
    type Value = Pagination;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Pagination, D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de, S: RowSink> Visitor<'de> for EnvelopeSeed<'_, S> {
    type Value = Pagination;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a '{}' array", self.collection)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pagination, A::Error> {
        let mut seen_items = false;
        let mut pagination = Pagination {
            has_more: false,
            next_cursor: None,
        };
        while let Some(key) = map.next_key_seed(KeySeed(self.collection))? {
            match key {
                Key::Items => {
                    if seen_items {
                        return Err(de::Error::custom(format_args!(
                            "duplicate field `{}`",
                            self.collection
                        )));
                    }
                    seen_items = true;
                    map.next_value_seed(ItemsSeed {
                        sink: &mut *self.sink,
                    })?;
                }
                Key::Pagination => {
                    let wire: Option<WirePagination> = map.next_value()?;
                    if let Some(w) = wire {
                        pagination.has_more = w.has_more.unwrap_or(false);
                        pagination.next_cursor = w.next_cursor.filter(|c| !c.is_empty());
                    }
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !seen_items {
            return Err(de::Error::custom(format_args!(
                "missing field `{}`",
                self.collection
            )));
        }
        Ok(pagination)
    }
}

struct ItemsSeed<'a, S> {
    sink: &'a mut S,
}

impl<'de, S: RowSink> DeserializeSeed<'de> for ItemsSeed<'_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de, S: RowSink> Visitor<'de> for ItemsSeed<'_, S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of items")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(RowSeed {
                sink: &mut *self.sink,
            })?
            .is_some()
        {}
        Ok(())
    }
}

struct RowSeed<'a, S> {
    sink: &'a mut S,
}

impl<'de, S: RowSink> DeserializeSeed<'de> for RowSeed<'_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        self.sink.append_row(de)
    }
}

/// Parses an RFC 3339 timestamp (`Z`, numeric offsets, fractional seconds) into microseconds
/// since the Unix epoch. A timestamp without an offset is taken as UTC.
pub fn parse_timestamp_micros(value: &str) -> Result<i64, String> {
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

/// Appends one JSON string (or null) to a `StringBuilder`.
pub struct Utf8Cell<'a> {
    pub builder: &'a mut StringBuilder,
    pub nullable: bool,
}

impl<'de> DeserializeSeed<'de> for Utf8Cell<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl Visitor<'_> for Utf8Cell<'_> {
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
pub struct TimestampCell<'a> {
    pub builder: &'a mut TimestampMicrosecondBuilder,
    pub nullable: bool,
}

impl<'de> DeserializeSeed<'de> for TimestampCell<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl Visitor<'_> for TimestampCell<'_> {
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
        let bit = 1u64 << i;
        if self.0 & bit != 0 {
            return Err(E::duplicate_field(name));
        }
        self.0 |= bit;
        Ok(())
    }

    /// Whether column `i` was set.
    pub fn has(&self, i: usize) -> bool {
        self.0 & (1u64 << i) != 0
    }
}
