//! The list envelope (`{"<collection>": [...], "pagination": {...}}`) read through serde:
//! every row handed to a [`RowSink`], the pagination read alongside or on its own.

use super::*;

/// Decodes a page into fresh columns from `new`: first on the fast path when the body
/// qualifies ([`Src::of`]), and again on the reference path if that failed, so that errors
/// are the reference path's.
pub(crate) fn decode_page<S: RowSink>(
    body: &[u8],
    collection: &str,
    new: impl Fn() -> S,
    finish: impl Fn(S) -> Result<arrow_array::RecordBatch, String>,
) -> Result<(arrow_array::RecordBatch, Pagination), String> {
    let src = Src::of(body);
    if src.is_fast() {
        let mut cols = new();
        if let Ok(p) = decode_envelope_with(body, collection, &mut cols, src) {
            if let Ok(batch) = finish(cols) {
                return Ok((batch, p));
            }
        }
    }
    let mut cols = new();
    let p = decode_envelope_with(body, collection, &mut cols, Src::CHECKED)?;
    Ok((finish(cols)?, p))
}

/// Collects items as serde values.
pub struct VecSink<T>(pub Vec<T>);

impl<T: DeserializeOwned> RowSink for VecSink<T> {
    fn append_row<'de, D: Deserializer<'de>>(
        &mut self,
        de: D,
        _: Src<'de>,
    ) -> Result<(), D::Error> {
        self.0.push(T::deserialize(de)?);
        Ok(())
    }
}

/// Skips every item: only the envelope's pagination is read.
pub(super) struct SkipSink;

impl RowSink for SkipSink {
    fn append_row<'de, D: Deserializer<'de>>(
        &mut self,
        de: D,
        _: Src<'de>,
    ) -> Result<(), D::Error> {
        IgnoredAny::deserialize(de).map(|_| ())
    }
}

/// Reads only the pagination of a list body, so the next page can be requested before this
/// one is decoded.
///
/// Fast path: servers put `"pagination": {...}` last, so it is read from the tail of the body
/// (see [`tail_pagination`]), which costs well under a microsecond instead of a scan of the
/// whole body (about 28 µs for a 65 kB page of 100 tasks). Otherwise, a full skip-scan that
/// builds nothing (and fails on a malformed body). For a well-formed body both give the same
/// result as the full decode; a malformed body is still rejected by the full decode that
/// follows.
pub fn scan_pagination(body: &[u8], collection: &str) -> Result<Pagination, String> {
    if let Some(p) = tail_pagination(body) {
        return Ok(p);
    }
    decode_envelope(body, collection, &mut SkipSink)
}

/// The envelope's pagination when it is the last member of the top-level object, read
/// without scanning the items: the last `"pagination"` key is located, its value is parsed,
/// and only whitespace and the closing `}` may follow it.
///
/// Why this is the envelope's key in any well-formed body: its opening quote is not preceded
/// by a backslash, so it is a string delimiter (inside a string every `"` is escaped); a `,`
/// or `{` before it and a `:` after it make it an object key; and an object that closes on the
/// last byte of the body is the top-level one. Being the last key, it is also the one the full
/// decoder keeps (a repeated key overrides earlier ones). `None` means "use the full scan".
pub(super) fn tail_pagination(body: &[u8]) -> Option<Pagination> {
    const KEY: &[u8] = b"\"pagination\"";
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    // The value is small; never look further back than this.
    let window = body.len().saturating_sub(4096);
    let start = window + body[window..].windows(KEY.len()).rposition(|w| w == KEY)?;
    let before = body[..start].iter().rev().find(|b| !ws(b))?;
    if !matches!(before, b',' | b'{') {
        return None;
    }
    let mut i = start + KEY.len();
    while body.get(i).is_some_and(ws) {
        i += 1;
    }
    if body.get(i) != Some(&b':') {
        return None;
    }
    let rest = &body[i + 1..];
    let mut values =
        serde_json::Deserializer::from_slice(rest).into_iter::<Option<WirePagination>>();
    // A `null` here would not override an earlier `pagination` in the full decoder.
    let wire = values.next()?.ok()??;
    let tail = &rest[values.byte_offset()..];
    let mut tail = tail.iter().filter(|b| !ws(b));
    if tail.next() != Some(&b'}') || tail.next().is_some() {
        return None;
    }
    Some(pagination_of(Some(wire)))
}

pub(super) fn pagination_of(wire: Option<WirePagination>) -> Pagination {
    match wire {
        Some(w) => Pagination {
            has_more: w.has_more.unwrap_or(false),
            next_cursor: w.next_cursor.filter(|c| !c.is_empty()),
        },
        None => Pagination::default(),
    }
}

/// Decodes `{ "<collection>": [ ... ], "pagination": {...} }`, feeding each item to `sink`.
/// Unknown keys are ignored; `hasMore`/`nextCursor` are accepted as aliases.
pub fn decode_envelope<S: RowSink>(
    body: &[u8],
    collection: &str,
    sink: &mut S,
) -> Result<Pagination, String> {
    decode_envelope_with(body, collection, sink, Src::CHECKED)
}

pub(super) fn decode_envelope_with<'de, S: RowSink>(
    body: &'de [u8],
    collection: &str,
    sink: &mut S,
    src: Src<'de>,
) -> Result<Pagination, String> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let pagination = EnvelopeSeed {
        collection,
        sink,
        src,
    }
    .deserialize(&mut de)
    .map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(pagination)
}

struct EnvelopeSeed<'a, 'de, S> {
    collection: &'a str,
    sink: &'a mut S,
    src: Src<'de>,
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
pub(super) struct WirePagination {
    #[serde(default, alias = "hasMore")]
    has_more: Option<bool>,
    #[serde(default, alias = "nextCursor")]
    next_cursor: Option<String>,
}

impl<'de, S: RowSink> DeserializeSeed<'de> for EnvelopeSeed<'_, 'de, S> {
    type Value = Pagination;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Pagination, D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de, S: RowSink> Visitor<'de> for EnvelopeSeed<'_, 'de, S> {
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
                        src: self.src,
                    })?;
                }
                Key::Pagination => {
                    let wire: Option<WirePagination> = map.next_value()?;
                    if wire.is_some() {
                        pagination = pagination_of(wire);
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

struct ItemsSeed<'a, 'de, S> {
    sink: &'a mut S,
    src: Src<'de>,
}

impl<'de, S: RowSink> DeserializeSeed<'de> for ItemsSeed<'_, 'de, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de, S: RowSink> Visitor<'de> for ItemsSeed<'_, 'de, S> {
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
                src: self.src,
            })?
            .is_some()
        {}
        Ok(())
    }
}

struct RowSeed<'a, 'de, S> {
    sink: &'a mut S,
    src: Src<'de>,
}

impl<'de, S: RowSink> DeserializeSeed<'de> for RowSeed<'_, 'de, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        self.sink.append_row(de, self.src)
    }
}
