//! Hand-written JSON for the rows that list pages carry by the hundred (tasks and task runs).
//!
//! `serde_json`'s serializer escapes every string byte by byte and goes through its map
//! machinery for every key; on a 100-task page that was about 70 % of the emulator's CPU.
//! Here keys are literal bytes, and a string with nothing to escape (the usual case: IDs,
//! names, timestamps) is copied in one piece after a branch-free scan. Anything else (a
//! string that needs escaping, numbers, free-form JSON values) still goes through
//! `serde_json`, so the output is byte for byte what the derived `Serialize` gives: the tests
//! of `tasks.rs` and `runs.rs` compare the two.

use serde::Serialize;

/// A row that writes its own JSON, identical to its `Serialize` output.
pub(crate) trait WriteJson {
    fn write_json(&self, out: &mut Vec<u8>);
}

/// Whether `serde_json` would escape any byte of `s`: `"`, `\` and control characters
/// below 0x20 (it leaves DEL and non-ASCII alone).
fn needs_escape(s: &[u8]) -> bool {
    // Fixed-size chunks without early exit, so the compiler can vectorise the test.
    let mut chunks = s.chunks_exact(16);
    for c in &mut chunks {
        if c.iter().fold(false, |acc, &b| {
            acc | (b < 0x20) | (b == b'"') | (b == b'\\')
        }) {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// A JSON string.
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    if needs_escape(s.as_bytes()) {
        value(out, s);
    } else {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// A JSON string or `null`.
pub(crate) fn opt_string(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// Any other value, through `serde_json`.
pub(crate) fn value<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    // Writing into a Vec cannot fail, and the values written here (strings, numbers,
    // `serde_json::Value`s, derived structs) always serialize.
    serde_json::to_writer(out, v).expect("serializing into a Vec<u8>");
}

/// `true` or `false`.
pub(crate) fn boolean(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

/// A JSON array of rows.
pub(crate) fn array<T: WriteJson>(out: &mut Vec<u8>, rows: &[T]) {
    out.push(b'[');
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        r.write_json(out);
    }
    out.push(b']');
}

/// A JSON array of strings.
pub(crate) fn strings(out: &mut Vec<u8>, items: &[String]) {
    out.push(b'[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, s);
    }
    out.push(b']');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn via_serde(s: &str) -> Vec<u8> {
        serde_json::to_vec(s).unwrap()
    }

    #[test]
    fn escapes_like_serde() {
        for s in [
            "",
            "plain-id_0123456789abcdefghijklmnopqrstuvwxyz",
            "quote \" inside",
            "back\\slash",
            "tab\there",
            "nul\u{0}",
            "del \u{7f} stays",
            "unicode é 漢字 😀",
            "sixteen bytes!!!\"",
            "x\u{1f}",
        ] {
            let mut out = Vec::new();
            string(&mut out, s);
            assert_eq!(out, via_serde(s), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn any_string_like_serde(s in any::<String>()) {
            let mut out = Vec::new();
            string(&mut out, &s);
            prop_assert_eq!(out, via_serde(&s));
        }

        #[test]
        fn ascii_with_specials_like_serde(s in "[a-z\"\\\\\u{0}-\u{1f}\u{7f}]{0,40}") {
            let mut out = Vec::new();
            string(&mut out, &s);
            prop_assert_eq!(out, via_serde(&s));
        }
    }
}
