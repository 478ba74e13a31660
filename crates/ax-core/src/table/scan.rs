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

use super::envelope::{pagination_of, WirePagination};
use super::Seen;
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

    /// Any JSON value, as its text. Values [`value_end`] reads are cut out here; anything
    /// else is checked by `serde_json`.
    pub(crate) fn raw(&mut self) -> Scan<&'a str> {
        if self.null()? {
            return Ok("null");
        }
        let start = self.pos;
        if let Some(end) = value_end(self.bytes(), start) {
            self.pos = end;
            // Both ends are ASCII, so this never splits a character.
            return self.text.get(start..end).ok_or(Bail);
        }
        let rest = &self.text[self.pos..];
        let mut values = serde_json::Deserializer::from_str(rest).into_iter::<&RawValue>();
        let raw = values.next().ok_or(Bail)?.map_err(|_| Bail)?;
        self.pos += values.byte_offset();
        Ok(raw.get())
    }

    /// Skips any JSON value: values [`value_end`] reads are skipped here; anything else is
    /// checked by `serde_json`.
    pub(crate) fn skip(&mut self) -> Scan<()> {
        self.peek()?;
        if let Some(end) = value_end(self.bytes(), self.pos) {
            self.pos = end;
            return Ok(());
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
    /// One row object through [`Scanner::fields`] with the checks every row needs: a key seen
    /// twice, or a `required` field missing, gives up on the page. Returns the fields set.
    pub(crate) fn row(
        &mut self,
        order: &[(&[u8], usize)],
        field: impl Fn(&[u8]) -> Option<usize>,
        required: &[(usize, &'static str)],
        mut each: impl FnMut(&mut Self, usize) -> Scan<()>,
    ) -> Scan<Seen> {
        let mut seen = Seen::default();
        self.fields(order, field, |s, f| {
            if !seen.set(f) {
                return Err(Bail);
            }
            each(s, f)
        })?;
        if seen.first_missing(required).is_some() {
            return Err(Bail);
        }
        Ok(seen)
    }

    pub(crate) fn fields(
        &mut self,
        order: &[(&[u8], usize)],
        field: impl Fn(&[u8]) -> Option<usize>,
        mut each: impl FnMut(&mut Self, usize) -> Scan<()>,
    ) -> Scan<()> {
        // The loop of `members`, written out: through `members` this costs about 3 % more
        // instructions per page of runs (measured with callgrind).
        self.expect(b'{')?;
        if self.eat(b'}')? {
            return Ok(());
        }
        let mut next = 0;
        loop {
            self.peek()?;
            let known = match order.get(next) {
                Some(&(lit, f)) if has_prefix(&self.bytes()[self.pos..], lit) => {
                    self.pos += lit.len();
                    next += 1;
                    Some(f)
                }
                _ => {
                    let f = field(self.key()?.as_bytes());
                    if let Some(i) = f.and_then(|f| order.iter().position(|o| o.1 == f)) {
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

    /// The loop of [`Scanner::named_fields`] (and, written out, of [`Scanner::fields`]): `hint(rest, next)`
    /// recognises the key expected at position `next` of the server's order at the start of
    /// `rest` (its length with the `:`, and its field); `position(field)` is a field's place
    /// in that order; `field` looks up any other key.
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

/// The end of the JSON value that starts at `b[at]`, for the values servers send: objects,
/// arrays, strings without escapes, `true`, `false`, `null` and numbers, nested at most 64
/// deep. `None` for anything else (an escape, deeper nesting, a malformed value), which is
/// then left to `serde_json`. Only for a body that is valid UTF-8 without control characters
/// (see [`super::Src::of`]): there, a string without escapes is valid JSON as it stands.
/// Numbers follow the JSON grammar exactly, as `serde_json` does when it skips a value or
/// keeps its text (neither parses the number).
fn value_end(b: &[u8], mut i: usize) -> Option<usize> {
    fn ws(b: &[u8], mut i: usize) -> usize {
        while matches!(b.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            i += 1;
        }
        i
    }
    fn string_end(b: &[u8], i: usize) -> Option<usize> {
        let rest = b.get(i + 1..)?;
        let n = quote_or_backslash(rest).filter(|&n| rest[n] == b'"')?;
        Some(i + n + 2)
    }
    /// A member's key and `:` at `b[i]`; the position of its value.
    fn key(b: &[u8], i: usize) -> Option<usize> {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let i = ws(b, string_end(b, i)?);
        (b.get(i) == Some(&b':')).then(|| ws(b, i + 1))
    }
    fn digits(b: &[u8], mut i: usize) -> (usize, bool) {
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i, i > start)
    }
    fn number_end(b: &[u8], mut i: usize) -> Option<usize> {
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            // One leading zero only (`serde_json` rejects `01` outright).
            Some(b'0') if b.get(i + 1).is_some_and(u8::is_ascii_digit) => return None,
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => i = digits(b, i).0,
            _ => return None,
        }
        if b.get(i) == Some(&b'.') {
            let (end, some) = digits(b, i + 1);
            if !some {
                return None;
            }
            i = end;
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let (end, some) = digits(b, i);
            if !some {
                return None;
            }
            i = end;
        }
        Some(i)
    }
    let lit = |i: usize, word: &[u8]| b[i..].starts_with(word).then_some(i + word.len());
    // Bit `d` is set when the container at depth `d` is an object.
    let mut objects: u64 = 0;
    let mut depth = 0usize;
    loop {
        // A value starts at `b[i]`.
        match *b.get(i)? {
            c @ (b'{' | b'[') => {
                if depth == 64 {
                    return None;
                }
                let object = c == b'{';
                objects = (objects & !(1 << depth)) | (u64::from(object) << depth);
                depth += 1;
                i = ws(b, i + 1);
                let close = if object { b'}' } else { b']' };
                if b.get(i) == Some(&close) {
                    i += 1;
                    depth -= 1;
                } else {
                    if object {
                        i = key(b, i)?;
                    }
                    continue;
                }
            }
            b'"' => i = string_end(b, i)?,
            b't' => i = lit(i, b"true")?,
            b'f' => i = lit(i, b"false")?,
            b'n' => i = lit(i, b"null")?,
            b'-' | b'0'..=b'9' => i = number_end(b, i)?,
            _ => return None,
        }
        // After a value: close containers until one continues.
        loop {
            if depth == 0 {
                return Some(i);
            }
            i = ws(b, i);
            let object = objects >> (depth - 1) & 1 == 1;
            match *b.get(i)? {
                b',' => {
                    i = ws(b, i + 1);
                    if object {
                        i = key(b, i)?;
                    }
                    break;
                }
                b'}' if object => {
                    i += 1;
                    depth -= 1;
                }
                b']' if !object => {
                    i += 1;
                    depth -= 1;
                }
                _ => return None,
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
/// Inlined: called per string, and its call cost was measurable (about 4 % of a runs page).
#[inline(always)]
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
#[path = "scan_tests.rs"]
mod tests;
