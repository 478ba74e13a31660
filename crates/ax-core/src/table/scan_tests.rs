//! Tests of the scanner's pieces against their references (`starts_with`, a byte search,
//! `serde_json`).

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

/// Text made of JSON's punctuation, literals, numbers and short strings.
fn jsonish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("{"),
            Just("}"),
            Just("["),
            Just("]"),
            Just(","),
            Just(":"),
            Just(" "),
            Just("\"k\""),
            Just("\"\\n\""),
            Just("\""),
            Just("true"),
            Just("nul"),
            Just("null"),
            Just("0"),
            Just("-"),
            Just("12"),
            Just(".5"),
            Just("e+3"),
            Just("E"),
            Just("01"),
            Just("\"é\""),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn value_end_agrees_with_serde_json(text in jsonish()) {
        // Where `value_end` reads a value, `serde_json` reads the same one. (After a
        // literal or a number, a stream of values wants a delimiter; inside a page the
        // next token is checked by the caller, as `serde_json` does.)
        if let Some(end) = value_end(text.as_bytes(), 0) {
            prop_assert!(serde_json::from_str::<IgnoredAny>(&text[..end]).is_ok(), "{}", text);
            let delimited = format!("{} {}", &text[..end], &text[end..]);
            let mut values =
                serde_json::Deserializer::from_str(&delimited).into_iter::<IgnoredAny>();
            prop_assert!(matches!(values.next(), Some(Ok(_))), "{}", text);
            prop_assert_eq!(values.byte_offset(), end, "{}", text);
        }
    }

    #[test]
    fn value_end_reads_any_value_without_escapes(v in any_json()) {
        let text = v.to_string();
        let end = value_end(text.as_bytes(), 0);
        if text.contains('\\') {
            prop_assert_eq!(end, None);
        } else {
            prop_assert_eq!(end, Some(text.len()), "{}", text);
        }
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        if !pretty.contains('\\') {
            prop_assert_eq!(value_end(pretty.as_bytes(), 0), Some(pretty.len()));
        }
    }
}

fn any_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-z\"\\\\é ]{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map("[a-z]{0,4}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn value_end_leaves_deep_nesting_to_serde_json() {
    let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
    assert_eq!(value_end(deep.as_bytes(), 0), None);
    let ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
    assert_eq!(value_end(ok.as_bytes(), 0), Some(ok.len()));
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
