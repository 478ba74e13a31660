//! The ID-or-name rule of API.md §2.2.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// True when `value` is a resource ID rather than a name: it decodes as strict, padded,
/// standard-alphabet base64, the decoded bytes are UTF-8, and the decoded text contains `:`.
///
/// A name that happens to satisfy the rule (e.g. `YTpi`, which decodes to `a:b`) is treated as
/// an ID, exactly like the official client.
pub fn is_resource_id(value: &str) -> bool {
    if value.is_empty() {
        return false;
    }
    match STANDARD.decode(value) {
        Ok(bytes) => match std::str::from_utf8(&bytes) {
            Ok(text) => text.contains(':'),
            Err(_) => false,
        },
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_resource_id;

    #[test]
    fn ids_from_the_reference() {
        for id in [
            "U3BhY2U6MTIzNDU=",
            "U3BhY2U6MTAxOmtRMno=",
            "T25saW5lVGFzazo5MDA6Wng3Yw==",
            "VGFza1J1bjo0NTAxOlZiOG4=",
            "TW9kZWw6MTIzOmFCY0Q=",
            "TGxtSW50ZWdyYXRpb246MzpQcTZy",
            "YTpi", // a:b — accepted edge case
        ] {
            assert!(is_resource_id(id), "{id} should be an ID");
        }
    }

    #[test]
    fn names_from_the_reference() {
        for name in [
            "U3BhY2U6MTIzNDU", // missing padding
            "production",
            "sp_abc123",
            "task_abc123",
            "",
            "U3BhY2U6MTIzNDU= ",  // stray character
            "U3BhY2U6MTIzNDU=\n", // stray character
            "cHJvZHVjdGlvbg==",   // "production": no colon
            "//79",               // not UTF-8
            "U3BhY2U6MTIzNDU-",   // url-safe alphabet
        ] {
            assert!(!is_resource_id(name), "{name:?} should be a name");
        }
    }
}
