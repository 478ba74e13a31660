//! Property tests of the page decoders (`crate::table`): arbitrary bytes never panic,
//! generated valid pages decode to exactly the generated values, truncated pages are
//! errors, and the direct scanner agrees with the `serde_json` path (same table, or it gives
//! up and the page gets that path's result or error). The generators and checks shared by
//! every resource are here; each resource's are in its own module.

use arrow_array::cast::AsArray;
use arrow_array::types::TimestampMicrosecondType;
use arrow_array::{Array, RecordBatch};
use chrono::{DateTime, FixedOffset, SecondsFormat};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::api::lookups;
use crate::paginate::{Pagination, Resource};
use crate::table::{decode_spaces_page, decode_task_runs_page, decode_tasks_page, scan_pagination};

mod declared;
mod runs;
mod spaces;
mod tasks;

type Decoder = fn(&[u8]) -> Result<(RecordBatch, Pagination), String>;

/// Every page decoder, by collection.
const DECODERS: [(&str, Decoder); 11] = [
    ("spaces", decode_spaces_page),
    ("tasks", decode_tasks_page),
    ("task_runs", decode_task_runs_page),
    ("organizations", lookups::Organizations::decode_page),
    ("users", lookups::Users::decode_page),
    ("projects", lookups::Projects::decode_page),
    ("datasets", lookups::Datasets::decode_page),
    ("experiments", lookups::Experiments::decode_page),
    ("evaluators", lookups::Evaluators::decode_page),
    (
        "evaluator_versions",
        lookups::EvaluatorVersions::decode_page,
    ),
    ("ai_integrations", lookups::AiIntegrations::decode_page),
];

/// A field that may be absent, `null` or set.
#[derive(Debug, Clone)]
enum Opt<T> {
    Missing,
    Null,
    Set(T),
}

impl<T: Clone> Opt<T> {
    fn get(&self) -> Option<T> {
        match self {
            Opt::Set(v) => Some(v.clone()),
            _ => None,
        }
    }

    fn put(&self, obj: &mut Map<String, Value>, key: &str, f: impl Fn(&T) -> Value) {
        match self {
            Opt::Missing => {}
            Opt::Null => {
                obj.insert(key.to_owned(), Value::Null);
            }
            Opt::Set(v) => {
                obj.insert(key.to_owned(), f(v));
            }
        }
    }
}

fn opt<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Opt<T>> {
    prop_oneof![Just(Opt::Missing), Just(Opt::Null), s.prop_map(Opt::Set)]
}

/// Any text, including quotes, backslashes, control characters and non-ASCII.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(any::<char>(), 0..16).prop_map(String::from_iter),
        "[a-zA-Z0-9 _-]{0,12}",
        Just("\"\\/\u{0}\u{1f}\u{7f}é漢字😀\u{2028}".to_owned()),
    ]
}

/// A timestamp (µs since the epoch, 1970–2100) and one RFC 3339 spelling of it.
fn timestamp() -> impl Strategy<Value = (i64, String)> {
    (
        0i64..4_102_444_800_000_000,
        prop_oneof![Just(0i32), -720i32..=840],
        any::<bool>(),
    )
        .prop_map(|(micros, offset_min, fraction)| {
            let micros = if fraction {
                micros
            } else {
                micros - micros % 1_000_000
            };
            let utc = DateTime::from_timestamp_micros(micros).unwrap();
            let text = if offset_min == 0 {
                utc.to_rfc3339_opts(SecondsFormat::AutoSi, true)
            } else {
                let off = FixedOffset::east_opt(offset_min * 60).unwrap();
                utc.with_timezone(&off)
                    .to_rfc3339_opts(SecondsFormat::AutoSi, false)
            };
            (micros, text)
        })
}

/// `snake` or its camelCase alias.
fn key(snake: &str, camel: bool) -> String {
    if !camel {
        return snake.to_owned();
    }
    let mut out = String::new();
    let mut up = false;
    for c in snake.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[derive(Debug, Clone)]
struct GenPagination {
    has_more: Opt<bool>,
    next_cursor: Opt<String>,
    camel: bool,
}

impl GenPagination {
    fn json(&self) -> Value {
        let mut o = Map::new();
        self.has_more
            .put(&mut o, &key("has_more", self.camel), |v| json!(v));
        self.next_cursor
            .put(&mut o, &key("next_cursor", self.camel), |v| json!(v));
        Value::Object(o)
    }

    fn expected(&self) -> Pagination {
        Pagination {
            has_more: self.has_more.get().unwrap_or(false),
            next_cursor: self.next_cursor.get().filter(|c| !c.is_empty()),
        }
    }
}

fn pagination() -> impl Strategy<Value = GenPagination> {
    (opt(any::<bool>()), opt(text()), any::<bool>()).prop_map(|(has_more, next_cursor, camel)| {
        GenPagination {
            has_more,
            next_cursor,
            camel,
        }
    })
}

fn envelope(collection: &str, items: Vec<Value>, p: &GenPagination) -> String {
    json!({ collection: items, "pagination": p.json(), "extra": {"ignored": [1, null]} })
        .to_string()
}

/// [`envelope`] with every object's members in one of four orders: sorted (as
/// `serde_json::Map` keeps them), the API's order (`api`, the members in the order the API
/// writes them: what the scanner's key hints expect; camelCase aliases and unknown keys come
/// after these), the API's order reversed, and the API's order rotated (hints that match for
/// a while, then miss).
fn ordered_envelope(
    collection: &str,
    items: Vec<Value>,
    p: &GenPagination,
    order: u8,
    api: &[&str],
) -> String {
    /// `role`: 0 the envelope, 1 an item (of the page, or a task's evaluator: its own
    /// members are reordered), 2 anything else (free-form values keep serde's order).
    fn write(v: &Value, order: u8, role: u8, api: &[&str], out: &mut String) {
        let rank = |k: &str| api.iter().position(|a| *a == k).unwrap_or(api.len());
        let item = role == 1;
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                match order {
                    1 if item => keys.sort_by_key(|k| rank(k)),
                    2 if item => keys.sort_by_key(|k| std::cmp::Reverse(rank(k))),
                    3 if item => {
                        keys.sort_by_key(|k| rank(k));
                        let n = keys.len();
                        keys.rotate_left(n / 2);
                    }
                    _ => {}
                }
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    // The page's items, and a task's evaluators, are items.
                    let items = role == 0 || (item && k == "evaluators");
                    match &m[k] {
                        Value::Array(a) if items => {
                            out.push('[');
                            for (j, x) in a.iter().enumerate() {
                                if j > 0 {
                                    out.push(',');
                                }
                                write(x, order, 1, api, out);
                            }
                            out.push(']');
                        }
                        x => write(x, order, 2, api, out),
                    }
                }
                out.push('}');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let v: Value = serde_json::from_str(&envelope(collection, items, p)).expect("valid JSON");
    let mut out = String::new();
    write(&v, order, 0, api, &mut out);
    out
}

/// The direct scanner, when it does not give up, decodes exactly what the `serde_json` path
/// (`reference`) decodes, also for mutated bodies, which it must not accept when `serde_json`
/// rejects them; and the page decoder (`decode`) always gives the reference's table or
/// error. On a valid page whose body has no backslash (so no string has an escape) the
/// scanner must not give up.
fn paths_agree(
    scan: impl Fn(&[u8]) -> Option<(RecordBatch, Pagination)>,
    reference: impl Fn(&[u8]) -> Result<(RecordBatch, Pagination), String>,
    decode: impl Fn(&[u8]) -> Result<(RecordBatch, Pagination), String>,
    body: &[u8],
    valid: bool,
) -> Result<(), TestCaseError> {
    let scanned = scan(body);
    let want = reference(body);
    if let Some(got) = &scanned {
        prop_assert_eq!(Ok(got), want.as_ref());
    }
    prop_assert_eq!(decode(body), want);
    if valid && !body.contains(&b'\\') {
        prop_assert!(
            scanned.is_some(),
            "the scanner gave up on a plain valid page"
        );
    }
    Ok(())
}

/// `body` with the bytes at `flips` (positions taken modulo its length) replaced.
fn mutated(body: &str, flips: &[(usize, u8)]) -> Vec<u8> {
    let mut bad = body.as_bytes().to_vec();
    for &(at, b) in flips {
        let n = bad.len();
        bad[at % n] = b;
    }
    bad
}

/// Items rebuilt from the Arrow batch equal the items decoded from the JSON by serde.
fn items_match<T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
    body: &str,
    collection: &str,
    from_arrow: Result<Vec<T>, String>,
) -> Result<(), TestCaseError> {
    let mut sink = crate::table::VecSink(Vec::new());
    crate::table::decode_envelope(body.as_bytes(), collection, &mut sink)
        .map_err(TestCaseError::fail)?;
    prop_assert_eq!(from_arrow.map_err(TestCaseError::fail)?, sink.0);
    Ok(())
}

fn strings(batch: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let col = batch.column_by_name(name).unwrap().as_string::<i32>();
    (0..col.len())
        .map(|i| (!col.is_null(i)).then(|| col.value(i).to_owned()))
        .collect()
}

fn times(batch: &RecordBatch, name: &str) -> Vec<Option<i64>> {
    let col = batch
        .column_by_name(name)
        .unwrap()
        .as_primitive::<TimestampMicrosecondType>();
    (0..col.len())
        .map(|i| (!col.is_null(i)).then(|| col.value(i)))
        .collect()
}

/// A small JSON value of any shape (for the columns kept as JSON text).
fn free_json() -> impl Strategy<Value = Value> {
    (text(), any::<i32>(), any::<bool>(), 0..4usize).prop_map(|(t, n, b, shape)| match shape {
        0 => json!({"filters": [{"id": t, "filter": format!("x = {n}")}], "expression": b}),
        1 => json!([{"variable_name": t, "query_ids": [n], "attribute_path": null}]),
        2 => json!(t),
        _ => json!({"nested": {"list": [n, b, t, null, 1.5]}}),
    })
}

/// Unknown members (their keys may hold escapes; never a known key: those start with
/// another letter), to be added to an item.
fn unknown_members() -> impl Strategy<Value = Vec<(String, Value)>> {
    proptest::collection::vec((text(), free_json()), 0..3)
        .prop_map(|m| m.into_iter().map(|(k, v)| (format!("x{k}"), v)).collect())
}

/// Every strict prefix checked for short pages, a spread of them for long ones.
fn cut_points(len: usize) -> Vec<usize> {
    if len <= 200 {
        (0..len).collect()
    } else {
        let step = len / 97 + 1;
        (0..len).step_by(step).chain([len - 1]).collect()
    }
}

fn truncations_fail(
    decode: impl Fn(&[u8]) -> Result<(RecordBatch, Pagination), String>,
    body: &str,
) -> Result<(), TestCaseError> {
    let bytes = body.as_bytes();
    for cut in cut_points(bytes.len()) {
        prop_assert!(
            decode(&bytes[..cut]).is_err(),
            "prefix of {} bytes decoded: {:?}",
            cut,
            String::from_utf8_lossy(&bytes[..cut])
        );
    }
    Ok(())
}

fn mutations() -> impl Strategy<Value = Vec<(usize, u8)>> {
    proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for (collection, decode) in DECODERS {
            let _ = decode(&bytes);
            let _ = scan_pagination(&bytes, collection);
        }
    }

    #[test]
    fn json_shaped_noise_never_panics(
        prefix in proptest::sample::select(DECODERS.map(|(c, _)| format!("{{\"{c}\":[{{")).to_vec()),
        noise in "[\\[\\]{}\":,0-9a-z_ .eE+-]{0,120}",
    ) {
        let body = format!("{prefix}{noise}");
        for (collection, decode) in DECODERS {
            let _ = decode(body.as_bytes());
            let _ = scan_pagination(body.as_bytes(), collection);
        }
    }
}
