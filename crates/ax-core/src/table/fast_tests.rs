//! The fast paths of the decoders against their reference paths: timestamps against chrono,
//! the tail read of `pagination` against the full scan, and byte-path strings against
//! `serde_json`'s checked `&str` path (same batches, same errors).

use super::envelope::{decode_envelope_with, tail_pagination, SkipSink};
use super::task::TaskColumns;
use super::*;

#[test]
fn fast_timestamps_match_chrono() {
    let mut checked = 0;
    for year in [
        1, 4, 100, 1600, 1900, 1969, 1970, 1999, 2000, 2024, 2026, 2100, 9999,
    ] {
        for month in 0..=13 {
            for day in [0, 1, 9, 28, 29, 30, 31, 32] {
                for time in ["00:00:00", "23:59:59", "12:34:56", "24:00:00", "10:60:00"] {
                    for frac in ["", ".1", ".12", ".123", ".123456", ".1234567", ".123456789"] {
                        let v = format!("{year:04}-{month:02}-{day:02}T{time}{frac}Z");
                        let fast = utc_micros_fast(v.as_bytes());
                        let general = parse_timestamp_general(&v);
                        match fast {
                            Some(us) => {
                                assert_eq!(Ok(us), general, "{v}");
                                checked += 1;
                            }
                            // Out-of-range fields: chrono rejects them too.
                            None => assert!(general.is_err(), "{v}: {general:?}"),
                        }
                        assert_eq!(parse_timestamp_micros(&v), general, "{v}");
                    }
                }
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
    // Shapes that are left to chrono.
    for v in [
        "2026-03-01T10:00:00+00:00",
        "2026-03-01T10:00:00.5+02:00",
        "2026-03-01t10:00:00z",
        "2026-03-01 10:00:00",
        "2026-03-01T10:00:00",
        " 2026-03-01T10:00:00Z ",
        "2026-03-01T10:00:00.Z",
        "2026-03-01T10:00:00.1234567891Z",
        "2026-03-01T10:00:60Z",
        "2026-3-01T10:00:00Z",
        "+2026-03-01T10:00:00Z",
        "2026-03-01T10:00:00ZZ",
        "nonsense",
        "",
    ] {
        assert_eq!(parse_timestamp_micros(v), parse_timestamp_general(v), "{v}");
    }
    assert_eq!(
        parse_timestamp_micros("1969-12-31T23:59:59.999999Z"),
        Ok(-1)
    );
}

fn full_scan(body: &str) -> Result<Pagination, String> {
    decode_envelope(body.as_bytes(), "tasks", &mut SkipSink)
}

#[test]
fn tail_pagination_agrees_with_the_full_scan() {
    let cases = [
        r#"{"tasks":[],"pagination":{"has_more":true,"next_cursor":"abc"}}"#,
        r#"{"tasks":[] , "pagination" : { "hasMore" : true , "nextCursor" : "x\"y" } }
"#,
        r#"{"tasks":[],"pagination":{"has_more":false,"next_cursor":""}}"#,
        r#"{"tasks":[],"pagination":{"has_more":true,"next_cursor":"a"},"pagination":{"has_more":false}}"#,
        r#"{"tasks":[],"pagination":{"has_more":true,"next_cursor":"a"},"pagination":null}"#,
        r#"{"pagination":{"has_more":true,"next_cursor":"a"},"tasks":[{"x":{"pagination":{"has_more":false}}}]}"#,
        r#"{"tasks":[{"pagination":{"has_more":true,"next_cursor":"inner"}}]}"#,
        r#"{"tasks":[{"s":"\"pagination\":{\"has_more\":true}}"}],"pagination":{"has_more":false}}"#,
        r#"{"tasks":[],"pagination":{"has_more":true,"next_cursor":"a"},"extra":1}"#,
        r#"{"tasks":[]}"#,
    ];
    for body in cases {
        assert_eq!(
            scan_pagination(body.as_bytes(), "tasks"),
            full_scan(body),
            "{body}"
        );
    }
    let p = tail_pagination(cases[0].as_bytes()).expect("fast path taken");
    assert_eq!(p.next_cursor.as_deref(), Some("abc"));
    // Not taken when something other than the envelope's end follows.
    assert!(tail_pagination(cases[5].as_bytes()).is_none());
    assert!(tail_pagination(cases[6].as_bytes()).is_none());
    assert!(tail_pagination(cases[4].as_bytes()).is_none());
}

/// Decodes a tasks page on the reference path only.
fn checked_tasks(body: &[u8]) -> Result<(arrow_array::RecordBatch, Pagination), String> {
    let mut cols = TaskColumns::with_capacity(4);
    let p = decode_envelope_with(body, "tasks", &mut cols, Src::CHECKED)?;
    Ok((cols.finish()?, p))
}

/// Decodes a tasks page on the byte path only (no fallback).
fn fast_only_tasks(body: &[u8]) -> Result<(arrow_array::RecordBatch, Pagination), String> {
    let mut cols = TaskColumns::with_capacity(4);
    let p = decode_envelope_with(body, "tasks", &mut cols, Src::of(body))?;
    Ok((cols.finish()?, p))
}

fn task(fields: &str) -> String {
    format!(
        r#"{{"tasks":[{{"id":"T1","name":"n","type":"TEMPLATE_EVALUATION","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00.5Z"{fields}}}],"pagination":{{"has_more":false}}}}"#
    )
}

#[test]
fn byte_path_decodes_like_the_checked_path() {
    let bodies = [
        task(""),
        task(r#","query_filter":"a \"quoted\" \\ filter \n\t\u00e9\ud83d\ude00""#),
        task(r#","query_filter":"caf\u00e9 — 日本語 é""#),
        task(r#","d\u0061taset_id":"escaped-key","q\u0075ery_filter":null"#),
        task(r#","projectId":"P","experimentIds":["a","b\"c"],"isContinuous":null"#),
        task(
            r#","evaluators":[{"evaluatorId":"E","column_mappings":{"k\"1":"v\u00e9","k2":null}},{"evaluator_id":"F","columnMappings":null}]"#,
        ),
        task(r#","unknown":{"deep":["\u0000",1]}"#)
            .replace("TEMPLATE_EVALUATION", "code-evaluation"),
        task(r#","last_run_at":"2026-03-01T10:00:00+02:00""#),
        task(r#","run_configuration":{"experiment_type":"x","nested":[1,"\u00e9"]}"#),
    ];
    for body in &bodies {
        assert!(Src::of(body.as_bytes()).is_fast(), "{body}");
        let fast = fast_only_tasks(body.as_bytes());
        let checked = checked_tasks(body.as_bytes());
        assert!(fast.is_ok(), "{body}: {fast:?}");
        assert_eq!(fast, checked, "{body}");
        assert_eq!(decode_tasks_page(body.as_bytes()), checked, "{body}");
    }
}

#[test]
fn byte_path_errors_are_the_checked_path_errors() {
    let bad = [
        task(r#","query_filter":"\ud800""#),
        task(r#","query_filter":"\ud800\u0041""#),
        task(r#","n\ud800me":"x""#),
        task(r#","name":7"#),
        task(r#","name":null"#),
        task(r#","type":null"#),
        task(r#","experiment_ids":[null]"#),
        task(r#","created_at":"yesterday""#),
        task(r#","query_filter":["a"]"#),
        task(r#","evaluators":[{"column_mappings":{"k":"v"}}]"#),
        r#"{"tasks":[{"id":"a"}"#.to_string(),
    ];
    for body in &bad {
        assert!(fast_only_tasks(body.as_bytes()).is_err(), "{body}");
        let fast = decode_tasks_page(body.as_bytes()).unwrap_err();
        let checked = checked_tasks(body.as_bytes()).unwrap_err();
        assert_eq!(fast, checked, "{body}");
    }
    // Bodies that do not qualify for the byte path: raw control characters, invalid UTF-8.
    let mut ctl = task("").into_bytes();
    let at = ctl.windows(3).position(|w| w == b"\"n\"").unwrap() + 1;
    ctl[at] = b'\n';
    assert!(!Src::of(&ctl).is_fast());
    assert_eq!(
        decode_tasks_page(&ctl).unwrap_err(),
        checked_tasks(&ctl).unwrap_err()
    );
    let mut bad_utf8 = task("").into_bytes();
    bad_utf8[at] = 0xff;
    assert!(!Src::of(&bad_utf8).is_fast());
    assert!(decode_tasks_page(&bad_utf8).is_err());
    // Pretty-printed bodies (newlines between tokens) take the checked path and still decode.
    let pretty = task("").replace(",\"", ",\n  \"");
    assert!(!Src::of(pretty.as_bytes()).is_fast());
    assert_eq!(
        decode_tasks_page(pretty.as_bytes()),
        checked_tasks(pretty.as_bytes())
    );
}
