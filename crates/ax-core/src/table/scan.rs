//! A direct scanner for list pages in the shape servers send, used before the `serde_json`
//! decoders.
//!
//! It reads the body (already known to be valid UTF-8 without control characters, see
//! [`super::Src::of`]) byte by byte and appends straight to the column builders: keys are
//! matched as byte slices, strings are sliced out of the body, and the few values whose
//! grammar is subtle (numbers, JSON kept as text, objects the table skips, the pagination)
//! are handed to `serde_json` for exactly its verdict. Whatever it does not expect (an escape
//! in a string cell or a key, a duplicate key, a missing required field, a value of another
//! type, anything malformed) makes it give up on the whole page, which is then decoded by the
//! `serde_json` path, so results and errors are always that path's. The property tests
//! (`table_props`) check that both paths give the same table for generated pages.

use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use super::{pagination_of, WirePagination};
use crate::paginate::Pagination;

/// Gives up on the page.
#[derive(Debug)]
pub(crate) struct Bail;

pub(crate) type Scan<T> = Result<T, Bail>;

/// A cursor over a page body.
pub(crate) struct Scanner<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Scanner { text, pos: 0 }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// Skips JSON whitespace and returns the next byte (without consuming it).
    pub(crate) fn peek(&mut self) -> Scan<u8> {
        let b = self.bytes();
        while let Some(&c) = b.get(self.pos) {
            if !matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                return Ok(c);
            }
            self.pos += 1;
        }
        Err(Bail)
    }

    /// Consumes `c` (after whitespace) or gives up.
    pub(crate) fn expect(&mut self, c: u8) -> Scan<()> {
        if self.peek()? == c {
            self.pos += 1;
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Consumes `c` if it comes next (after whitespace).
    pub(crate) fn eat(&mut self, c: u8) -> Scan<bool> {
        if self.peek()? == c {
            self.pos += 1;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// A string without escapes, as a slice of the body; gives up on an escape.
    pub(crate) fn string(&mut self) -> Scan<&'a str> {
        self.expect(b'"')?;
        let start = self.pos;
        let rest = &self.bytes()[start..];
        match quote_or_backslash(rest) {
            Some(n) if rest[n] == b'"' => {
                self.pos = start + n + 1;
                // Both ends are ASCII quotes, so this never splits a character.
                self.text.get(start..start + n).ok_or(Bail)
            }
            _ => Err(Bail),
        }
    }

    /// A key (no escapes) and its `:`.
    pub(crate) fn key(&mut self) -> Scan<&'a str> {
        let k = self.string()?;
        self.expect(b':')?;
        Ok(k)
    }

    /// `null` if it comes next (consumed), else nothing is consumed.
    pub(crate) fn null(&mut self) -> Scan<bool> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Ok(true);
        }
        Ok(false)
    }

    fn literal(&mut self, word: &[u8]) -> Scan<()> {
        if self.bytes()[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// A string, or `None` for `null`.
    pub(crate) fn opt_string(&mut self) -> Scan<Option<&'a str>> {
        if self.null()? {
            return Ok(None);
        }
        self.string().map(Some)
    }

    /// A boolean, or `None` for `null`.
    pub(crate) fn opt_bool(&mut self) -> Scan<Option<bool>> {
        match self.peek()? {
            b't' => self.literal(b"true").map(|_| Some(true)),
            b'f' => self.literal(b"false").map(|_| Some(false)),
            b'n' => self.literal(b"null").map(|_| None),
            _ => Err(Bail),
        }
    }

    /// A number or `null`, parsed by `serde_json` from its own text (so the value and what
    /// is accepted are exactly `serde_json`'s).
    pub(crate) fn opt_number<T: serde::de::DeserializeOwned>(&mut self) -> Scan<Option<T>> {
        if self.null()? {
            return Ok(None);
        }
        let b = self.bytes();
        let start = self.pos;
        let mut end = start;
        while end < b.len() && matches!(b[end], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
            end += 1;
        }
        if end == start {
            return Err(Bail);
        }
        self.pos = end;
        serde_json::from_str(&self.text[start..end])
            .map(Some)
            .map_err(|_| Bail)
    }

    /// An integer or `null`. Plain integers of up to 18 digits (no sign but `-`, no leading
    /// zero, no fraction or exponent) are read here; anything else goes to `serde_json`
    /// ([`Scanner::opt_number`]), so the result is always `serde_json`'s.
    pub(crate) fn opt_i64(&mut self) -> Scan<Option<i64>> {
        if self.null()? {
            return Ok(None);
        }
        let b = self.bytes();
        let start = self.pos;
        let neg = b.get(start) == Some(&b'-');
        let digits = start + usize::from(neg);
        let mut end = digits;
        let mut n: i64 = 0;
        while end < b.len() && end - digits < 18 && b[end].is_ascii_digit() {
            n = n * 10 + i64::from(b[end] - b'0');
            end += 1;
        }
        let count = end - digits;
        let plain = count > 0
            && !(count > 1 && b[digits] == b'0')
            && !matches!(
                b.get(end),
                Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'-' | b'+')
            );
        if plain {
            self.pos = end;
            return Ok(Some(if neg { -n } else { n }));
        }
        self.opt_number()
    }

    /// Any JSON value, as its text (checked by `serde_json`; `null` read here).
    pub(crate) fn raw(&mut self) -> Scan<&'a str> {
        if self.null()? {
            return Ok("null");
        }
        let rest = &self.text[self.pos..];
        let mut values = serde_json::Deserializer::from_str(rest).into_iter::<&RawValue>();
        let raw = values.next().ok_or(Bail)?.map_err(|_| Bail)?;
        self.pos += values.byte_offset();
        Ok(raw.get())
    }

    /// Skips any JSON value. `null`, `true`, `false` and strings without escapes (the body
    /// is valid UTF-8 without control characters, so such a string is valid JSON) are
    /// skipped here; anything else is checked by `serde_json`.
    pub(crate) fn skip(&mut self) -> Scan<()> {
        match self.peek()? {
            b'n' => return self.literal(b"null"),
            b't' => return self.literal(b"true"),
            b'f' => return self.literal(b"false"),
            b'"' => {
                let rest = &self.bytes()[self.pos + 1..];
                if let Some(n) = quote_or_backslash(rest).filter(|&n| rest[n] == b'"') {
                    self.pos += n + 2;
                    return Ok(());
                }
            }
            _ => {}
        }
        let rest = &self.text[self.pos..];
        let mut values = serde_json::Deserializer::from_str(rest).into_iter::<IgnoredAny>();
        values.next().ok_or(Bail)?.map_err(|_| Bail)?;
        self.pos += values.byte_offset();
        Ok(())
    }

    /// After a member or element: `true` if another follows (`,`), `false` at `close`.
    pub(crate) fn more(&mut self, close: u8) -> Scan<bool> {
        match self.peek()? {
            b',' => {
                self.pos += 1;
                Ok(true)
            }
            c if c == close => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(Bail),
        }
    }

    /// Calls `each` for every element of an array (the scanner is on the `[`).
    pub(crate) fn array(&mut self, mut each: impl FnMut(&mut Self) -> Scan<()>) -> Scan<()> {
        self.expect(b'[')?;
        if self.eat(b']')? {
            return Ok(());
        }
        loop {
            each(self)?;
            if !self.more(b']')? {
                return Ok(());
            }
        }
    }

    /// Calls `each` with every key of an object (the scanner is on the `{`); `each` reads
    /// the value.
    pub(crate) fn object(
        &mut self,
        mut each: impl FnMut(&mut Self, &'a str) -> Scan<()>,
    ) -> Scan<()> {
        self.expect(b'{')?;
        if self.eat(b'}')? {
            return Ok(());
        }
        loop {
            let key = self.key()?;
            each(self, key)?;
            if !self.more(b'}')? {
                return Ok(());
            }
        }
    }

    /// Calls `each` with the field number of every known member of an object (the scanner
    /// is on the `{`); unknown members are skipped. `order` lists the `"key":` literals in
    /// the order servers write them: a member whose key is the next one expected is
    /// recognised by one comparison, without scanning the key as a string. Any other key
    /// (another order, a camelCase alias, whitespace before the `:`) is read as a string and
    /// looked up with `field`.
    pub(crate) fn fields(
        &mut self,
        order: &[(&[u8], usize)],
        field: impl Fn(&[u8]) -> Option<usize>,
        each: impl FnMut(&mut Self, usize) -> Scan<()>,
    ) -> Scan<()> {
        self.members(
            |rest, next| match order.get(next) {
                Some(&(lit, f)) if has_prefix(rest, lit) => Some((lit.len(), f)),
                _ => None,
            },
            |f| order.iter().position(|o| o.1 == f),
            field,
            each,
        )
    }

    /// [`Scanner::fields`] for members named by `names` (field `i` is `names[i]`, in the
    /// order servers write them), without `"key":` literals: the expected key is compared
    /// in place as `"`, the name, `"`, `:`.
    pub(crate) fn named_fields(
        &mut self,
        names: &[&str],
        each: impl FnMut(&mut Self, usize) -> Scan<()>,
    ) -> Scan<()> {
        self.members(
            |rest, next| {
                let name = names.get(next)?.as_bytes();
                let n = name.len();
                let hit = rest.len() > n + 2
                    && rest[0] == b'"'
                    && rest[1..=n] == *name
                    && rest[n + 1] == b'"'
                    && rest[n + 2] == b':';
                hit.then_some((n + 3, next))
            },
            Some,
            |key| names.iter().position(|n| n.as_bytes() == key),
            each,
        )
    }

    /// The loop behind [`Scanner::fields`] and [`Scanner::named_fields`]: `hint(rest, next)`
    /// recognises the key expected at position `next` of the server's order at the start of
    /// `rest` (its length with the `:`, and its field); `position(field)` is a field's place
    /// in that order; `field` looks up any other key.
    #[inline(always)]
    fn members(
        &mut self,
        hint: impl Fn(&[u8], usize) -> Option<(usize, usize)>,
        position: impl Fn(usize) -> Option<usize>,
        field: impl Fn(&[u8]) -> Option<usize>,
        mut each: impl FnMut(&mut Self, usize) -> Scan<()>,
    ) -> Scan<()> {
        self.expect(b'{')?;
        if self.eat(b'}')? {
            return Ok(());
        }
        let mut next = 0;
        loop {
            self.peek()?;
            let known = match hint(&self.bytes()[self.pos..], next) {
                Some((len, f)) => {
                    self.pos += len;
                    next += 1;
                    Some(f)
                }
                None => {
                    let f = field(self.key()?.as_bytes());
                    if let Some(i) = f.and_then(&position) {
                        next = i + 1;
                    }
                    f
                }
            };
            match known {
                Some(f) => each(self, f)?,
                None => self.skip()?,
            }
            if !self.more(b'}')? {
                return Ok(());
            }
        }
    }
}

/// `hay.starts_with(lit)` for the short key literals of [`Scanner::fields`], compared 8 bytes
/// at a time (the last word overlapping the one before) without a call to `memcmp`, which
/// was the larger part of the cost for literals of 5 to 23 bytes.
#[inline]
fn has_prefix(hay: &[u8], lit: &[u8]) -> bool {
    let n = lit.len();
    if hay.len() < n {
        return false;
    }
    if n < 8 {
        return hay[..n] == *lit;
    }
    let word = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
    let mut at = 0;
    while at + 8 < n {
        if word(hay, at) != word(lit, at) {
            return false;
        }
        at += 8;
    }
    word(hay, n - 8) == word(lit, n - 8)
}

/// Position of the first `"` or `\\` in `b`. Keys, IDs and timestamps are short, so this
/// looks at 8 bytes at a time in a `u64` (a byte equal to the pattern becomes a zero byte;
/// the lowest zero byte is found exactly) before handing longer strings to `memchr`.
fn quote_or_backslash(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut at = 0;
    while at < 64 {
        let Some(chunk) = b.get(at..at + 8) else {
            return b[at..]
                .iter()
                .position(|&c| c == b'"' || c == b'\\')
                .map(|n| at + n);
        };
        let word = u64::from_le_bytes(chunk.try_into().ok()?);
        let hits = zero_byte(word ^ (ONES * u64::from(b'"')))
            | zero_byte(word ^ (ONES * u64::from(b'\\')));
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    memchr::memchr2(b'"', b'\\', &b[at..]).map(|n| at + n)
}

/// A whole page on the direct path: `row` appends each item to `cols`, then `finish` makes
/// the batch. `None` when the scanner gives up (the caller then takes the `serde_json` path).
pub(crate) fn page<C>(
    body: &[u8],
    collection: &str,
    mut cols: C,
    row: impl FnMut(&mut Scanner<'_>, &mut C) -> Scan<()>,
    finish: impl FnOnce(C) -> Result<arrow_array::RecordBatch, String>,
) -> Option<(arrow_array::RecordBatch, Pagination)> {
    let p = append(body, collection, &mut cols, row)?;
    Some((finish(cols).ok()?, p))
}

/// Appends a page's items to `cols` on the direct path. `None` when the scanner gives up:
/// `cols` may then hold some of this page's rows, and part of one, after its earlier rows.
pub(crate) fn append<C>(
    body: &[u8],
    collection: &str,
    cols: &mut C,
    mut row: impl FnMut(&mut Scanner<'_>, &mut C) -> Scan<()>,
) -> Option<Pagination> {
    let text = super::Src::of(body).text_of_body()?;
    envelope(text, collection, |s| row(s, cols)).ok()
}

/// Scans `{"<collection>": [items...], "pagination": {...}}` (other keys skipped), calling
/// `row` for each item.
pub(crate) fn envelope(
    text: &str,
    collection: &str,
    mut row: impl FnMut(&mut Scanner<'_>) -> Scan<()>,
) -> Scan<Pagination> {
    let mut s = Scanner::new(text);
    let (mut items, mut pagination) = (false, None);
    s.object(|s, key| {
        if key == collection {
            if std::mem::replace(&mut items, true) {
                return Err(Bail);
            }
            s.array(&mut row)
        } else if key == "pagination" {
            if pagination.is_some() {
                return Err(Bail);
            }
            let raw = s.raw()?;
            let wire: Option<WirePagination> = serde_json::from_str(raw).map_err(|_| Bail)?;
            pagination = Some(pagination_of(wire));
            Ok(())
        } else {
            s.skip()
        }
    })?;
    if !items || s.peek().is_ok() {
        // No items, or something after the top-level object.
        return Err(Bail);
    }
    Ok(pagination.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn has_prefix_is_starts_with(
            hay in proptest::collection::vec(proptest::sample::select(b"ab\":_".to_vec()), 0..40),
            lit in proptest::collection::vec(proptest::sample::select(b"ab\":_".to_vec()), 1..30),
            copy in proptest::bool::ANY,
        ) {
            // Half the cases: the literal really is a prefix of the haystack.
            let hay = if copy { [lit.clone(), hay].concat() } else { hay };
            proptest::prop_assert_eq!(has_prefix(&hay, &lit), hay.starts_with(&lit));
        }
    }
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn finds_the_first_quote_or_backslash(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'"'), Just(b'\\'), any::<u8>(), Just(0u8), Just(0x80u8)],
                0..200,
            ),
            plain in 0usize..200,
        ) {
            // A prefix without either byte, then anything.
            let mut b: Vec<u8> = (0..plain).map(|i| b'a' + (i % 26) as u8).collect();
            b.extend(bytes);
            let want = b.iter().position(|&c| c == b'"' || c == b'\\');
            prop_assert_eq!(quote_or_backslash(&b), want);
        }
    }

    #[test]
    fn plain_integers_are_read_directly_and_the_rest_by_serde_json() {
        for (text, want) in [
            ("0,", Some(0)),
            ("-0}", Some(0)),
            ("42,", Some(42)),
            ("-17 ", Some(-17)),
            ("123456789012345678,", Some(123_456_789_012_345_678)),
            ("9223372036854775807,", Some(i64::MAX)),
            ("-9223372036854775808,", Some(i64::MIN)),
            ("null,", None),
        ] {
            let mut s = Scanner::new(text);
            assert_eq!(s.opt_i64().unwrap(), want, "{text}");
        }
        for bad in [
            "01,",
            "1.0,",
            "1e3,",
            "9223372036854775808,",
            "-,",
            "+1,",
            "x",
        ] {
            let mut s = Scanner::new(bad);
            assert!(s.opt_i64().is_err(), "{bad}");
        }
    }
}
