//! Property tests of the page decoders (`crate::table`): arbitrary bytes never panic,
//! generated valid pages decode to exactly the generated values, and truncated pages are
//! errors. Only the decoders' public functions are used.

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, RecordBatch};
use chrono::{DateTime, FixedOffset, SecondsFormat};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::paginate::Pagination;
use crate::table::{
    decode_spaces_page, decode_task_runs_page, decode_tasks_page, run, scan_pagination, task,
    task_runs_from_batch, tasks_from_batch,
};

type Decoder = fn(&[u8]) -> Result<(RecordBatch, Pagination), String>;

const DECODERS: [(&str, Decoder); 3] = [
    ("spaces", decode_spaces_page),
    ("tasks", decode_tasks_page),
    ("task_runs", decode_task_runs_page),
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

/// Members in the order the API writes them (tasks, evaluators, runs), for
/// [`ordered_envelope`]. camelCase aliases and unknown keys come after these.
const API_ORDER: &[&str] = &[
    "id",
    "name",
    "type",
    "project_id",
    "dataset_id",
    "sampling_rate",
    "is_continuous",
    "query_filter",
    "evaluators",
    "experiment_ids",
    "run_configuration",
    "last_run_at",
    "created_at",
    "updated_at",
    "created_by_user_id",
    "query_filters",
    "evaluator_id",
    "evaluator_name",
    "evaluator_version_id",
    "column_mappings",
    "query_mappings",
    "task_id",
    "experiment_id",
    "status",
    "run_started_at",
    "run_finished_at",
    "data_start_time",
    "data_end_time",
    "num_successes",
    "num_errors",
    "num_skipped",
    "failure_reason",
];

/// [`envelope`] with every object's members in one of four orders: sorted (as
/// `serde_json::Map` keeps them), the API's order (what the scanner's key hints expect),
/// the API's order reversed, and the API's order rotated (hints that match for a while, then
/// miss).
fn ordered_envelope(collection: &str, items: Vec<Value>, p: &GenPagination, order: u8) -> String {
    fn rank(k: &str) -> usize {
        API_ORDER
            .iter()
            .position(|a| *a == k)
            .unwrap_or(API_ORDER.len())
    }
    /// `role`: 0 the envelope, 1 an item (of the page, or a task's evaluator: its own
    /// members are reordered), 2 anything else (free-form values keep serde's order).
    fn write(v: &Value, order: u8, role: u8, out: &mut String) {
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
                                write(x, order, 1, out);
                            }
                            out.push(']');
                        }
                        x => write(x, order, 2, out),
                    }
                }
                out.push('}');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let v: Value = serde_json::from_str(&envelope(collection, items, p)).expect("valid JSON");
    let mut out = String::new();
    write(&v, order, 0, &mut out);
    out
}

type Scanned = fn(&[u8], usize) -> Option<(RecordBatch, Pagination)>;
type Reference = fn(&[u8], usize) -> Result<(RecordBatch, Pagination), String>;

/// The direct scanner, when it does not give up, decodes exactly what the `serde_json` path
/// decodes (also for mutated bodies, which it must not accept when `serde_json` rejects
/// them). On a valid page whose body has no backslash (so no string has an escape) it must
/// not give up.
fn paths_agree(
    scan: Scanned,
    reference: Reference,
    body: &[u8],
    valid: bool,
) -> Result<(), TestCaseError> {
    let scanned = scan(body, 4);
    if let Some(got) = &scanned {
        let want = reference(body, 4);
        prop_assert_eq!(Ok(got), want.as_ref());
    }
    if valid && !body.contains(&b'\\') {
        prop_assert!(
            scanned.is_some(),
            "the scanner gave up on a plain valid page"
        );
    }
    Ok(())
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

// ---- spaces ------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct GenSpace {
    id: String,
    name: String,
    description: Opt<String>,
    created_at: (i64, String),
    organization_id: Opt<String>,
    is_private: Opt<bool>,
    camel: bool,
}

fn space() -> impl Strategy<Value = GenSpace> {
    (
        text(),
        text(),
        opt(text()),
        timestamp(),
        opt(text()),
        opt(any::<bool>()),
        any::<bool>(),
    )
        .prop_map(
            |(id, name, description, created_at, organization_id, is_private, camel)| GenSpace {
                id,
                name,
                description,
                created_at,
                organization_id,
                is_private,
                camel,
            },
        )
}

impl GenSpace {
    fn json(&self) -> Value {
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        o.insert("name".into(), json!(self.name));
        self.description.put(&mut o, "description", |v| json!(v));
        o.insert(key("created_at", self.camel), json!(self.created_at.1));
        self.organization_id
            .put(&mut o, &key("organization_id", self.camel), |v| json!(v));
        self.is_private
            .put(&mut o, &key("is_private", self.camel), |v| json!(v));
        o.insert("ml_models_enabled".into(), json!(true));
        Value::Object(o)
    }
}

fn check_spaces(batch: &RecordBatch, rows: &[GenSpace]) -> Result<(), TestCaseError> {
    prop_assert_eq!(batch.num_rows(), rows.len());
    let ids: Vec<_> = rows.iter().map(|r| Some(r.id.clone())).collect();
    prop_assert_eq!(strings(batch, "id"), ids);
    let names: Vec<_> = rows.iter().map(|r| Some(r.name.clone())).collect();
    prop_assert_eq!(strings(batch, "name"), names);
    let desc: Vec<_> = rows.iter().map(|r| r.description.get()).collect();
    prop_assert_eq!(strings(batch, "description"), desc);
    let orgs: Vec<_> = rows.iter().map(|r| r.organization_id.get()).collect();
    prop_assert_eq!(strings(batch, "organization_id"), orgs);
    let created: Vec<_> = rows.iter().map(|r| Some(r.created_at.0)).collect();
    prop_assert_eq!(times(batch, "created_at"), created);
    let private = batch.column_by_name("is_private").unwrap().as_boolean();
    for (i, r) in rows.iter().enumerate() {
        prop_assert_eq!(
            (!private.is_null(i)).then(|| private.value(i)),
            r.is_private.get()
        );
    }
    Ok(())
}

// ---- tasks -------------------------------------------------------------------------------

const TASK_TYPES: [(&str, &str); 6] = [
    ("TEMPLATE_EVALUATION", "TEMPLATE_EVALUATION"),
    ("CODE_EVALUATION", "CODE_EVALUATION"),
    ("RUN_EXPERIMENT", "RUN_EXPERIMENT"),
    ("template_evaluation", "TEMPLATE_EVALUATION"),
    ("Run-Experiment", "RUN_EXPERIMENT"),
    ("code evaluation", "CODE_EVALUATION"),
];

#[derive(Debug, Clone)]
struct GenEvaluator {
    id: String,
    name: Opt<String>,
    version: Opt<String>,
    query_filter: Opt<String>,
    column_mappings: Opt<std::collections::BTreeMap<String, String>>,
    query_mappings: Opt<Value>,
}

#[derive(Debug, Clone)]
struct GenTask {
    id: String,
    name: String,
    task_type: usize,
    project_id: Opt<String>,
    dataset_id: Opt<String>,
    sampling_rate: Opt<f64>,
    is_continuous: Opt<bool>,
    query_filter: Opt<String>,
    evaluators: Opt<Vec<GenEvaluator>>,
    experiment_ids: Opt<Vec<String>>,
    run_configuration: Opt<Value>,
    last_run_at: Opt<(i64, String)>,
    created_at: (i64, String),
    updated_at: (i64, String),
    created_by: Opt<String>,
    query_filters: Opt<Value>,
    camel: bool,
}

fn evaluator() -> impl Strategy<Value = GenEvaluator> {
    (
        text(),
        opt(text()),
        opt(text()),
        opt(text()),
        opt(proptest::collection::btree_map(text(), text(), 0..3)),
        opt(free_json()),
    )
        .prop_map(
            |(id, name, version, query_filter, column_mappings, query_mappings)| GenEvaluator {
                id,
                name,
                version,
                query_filter,
                column_mappings,
                query_mappings,
            },
        )
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

fn run_configuration() -> impl Strategy<Value = Value> {
    (text(), any::<i32>(), any::<bool>()).prop_map(|(t, n, b)| {
        json!({"experiment_type": "TEMPLATE_EVALUATION", "template": t, "params": {"n": n, "on": b, "list": [t, null]}})
    })
}

fn task() -> impl Strategy<Value = GenTask> {
    (
        (
            text(),
            text(),
            0..TASK_TYPES.len(),
            opt(text()),
            opt(text()),
        ),
        (
            opt((0u32..=1000).prop_map(|n| f64::from(n) / 1000.0)),
            opt(any::<bool>()),
            opt(text()),
            opt(proptest::collection::vec(evaluator(), 0..3)),
            opt(proptest::collection::vec(text(), 0..3)),
        ),
        (
            opt(run_configuration()),
            opt(timestamp()),
            timestamp(),
            timestamp(),
            opt(text()),
            opt(free_json()),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (id, name, task_type, project_id, dataset_id),
                (sampling_rate, is_continuous, query_filter, evaluators, experiment_ids),
                (
                    run_configuration,
                    last_run_at,
                    created_at,
                    updated_at,
                    created_by,
                    query_filters,
                    camel,
                ),
            )| GenTask {
                id,
                name,
                task_type,
                project_id,
                dataset_id,
                sampling_rate,
                is_continuous,
                query_filter,
                evaluators,
                experiment_ids,
                run_configuration,
                last_run_at,
                created_at,
                updated_at,
                created_by,
                query_filters,
                camel,
            },
        )
}

impl GenTask {
    fn json(&self) -> Value {
        let c = self.camel;
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        o.insert("name".into(), json!(self.name));
        o.insert(
            if c { "taskType" } else { "type" }.into(),
            json!(TASK_TYPES[self.task_type].0),
        );
        self.project_id
            .put(&mut o, &key("project_id", c), |v| json!(v));
        self.dataset_id
            .put(&mut o, &key("dataset_id", c), |v| json!(v));
        self.sampling_rate
            .put(&mut o, &key("sampling_rate", c), |v| json!(v));
        self.is_continuous
            .put(&mut o, &key("is_continuous", c), |v| json!(v));
        self.query_filter
            .put(&mut o, &key("query_filter", c), |v| json!(v));
        self.evaluators.put(&mut o, "evaluators", |evs| {
            Value::Array(
                evs.iter()
                    .map(|e| {
                        let mut m = Map::new();
                        m.insert(key("evaluator_id", c), json!(e.id));
                        e.name.put(&mut m, &key("evaluator_name", c), |v| json!(v));
                        e.version
                            .put(&mut m, &key("evaluator_version_id", c), |v| json!(v));
                        e.query_filter
                            .put(&mut m, &key("query_filter", c), |v| json!(v));
                        e.column_mappings
                            .put(&mut m, &key("column_mappings", c), |v| json!(v));
                        e.query_mappings
                            .put(&mut m, &key("query_mappings", c), Clone::clone);
                        Value::Object(m)
                    })
                    .collect(),
            )
        });
        self.experiment_ids
            .put(&mut o, &key("experiment_ids", c), |v| json!(v));
        self.run_configuration
            .put(&mut o, &key("run_configuration", c), Clone::clone);
        self.last_run_at
            .put(&mut o, &key("last_run_at", c), |v| json!(v.1));
        o.insert(key("created_at", c), json!(self.created_at.1));
        o.insert(key("updated_at", c), json!(self.updated_at.1));
        self.created_by
            .put(&mut o, &key("created_by_user_id", c), |v| json!(v));
        self.query_filters
            .put(&mut o, &key("query_filters", c), Clone::clone);
        Value::Object(o)
    }
}

fn check_tasks(batch: &RecordBatch, rows: &[GenTask]) -> Result<(), TestCaseError> {
    prop_assert_eq!(batch.num_rows(), rows.len());
    let col = |f: fn(&GenTask) -> Option<String>| rows.iter().map(f).collect::<Vec<_>>();
    prop_assert_eq!(strings(batch, "id"), col(|r| Some(r.id.clone())));
    prop_assert_eq!(strings(batch, "name"), col(|r| Some(r.name.clone())));
    prop_assert_eq!(
        strings(batch, "type"),
        col(|r| Some(TASK_TYPES[r.task_type].1.to_owned()))
    );
    prop_assert_eq!(strings(batch, "project_id"), col(|r| r.project_id.get()));
    prop_assert_eq!(strings(batch, "dataset_id"), col(|r| r.dataset_id.get()));
    prop_assert_eq!(
        strings(batch, "query_filter"),
        col(|r| r.query_filter.get())
    );
    prop_assert_eq!(
        strings(batch, "created_by_user_id"),
        col(|r| r.created_by.get())
    );
    prop_assert_eq!(
        strings(batch, "run_configuration"),
        col(|r| r.run_configuration.get().map(|v| v.to_string()))
    );
    prop_assert_eq!(
        strings(batch, "query_filters"),
        col(|r| r.query_filters.get().map(|v| v.to_string()))
    );
    let ts = |f: fn(&GenTask) -> Option<i64>| rows.iter().map(f).collect::<Vec<_>>();
    prop_assert_eq!(times(batch, "created_at"), ts(|r| Some(r.created_at.0)));
    prop_assert_eq!(times(batch, "updated_at"), ts(|r| Some(r.updated_at.0)));
    prop_assert_eq!(
        times(batch, "last_run_at"),
        ts(|r| r.last_run_at.get().map(|t| t.0))
    );
    let rate = batch
        .column_by_name("sampling_rate")
        .unwrap()
        .as_primitive::<Float64Type>();
    let cont = batch.column_by_name("is_continuous").unwrap().as_boolean();
    let exps = batch
        .column_by_name("experiment_ids")
        .unwrap()
        .as_list::<i32>();
    let evs = batch.column_by_name("evaluators").unwrap().as_list::<i32>();
    for (i, r) in rows.iter().enumerate() {
        prop_assert_eq!(
            (!rate.is_null(i)).then(|| rate.value(i)),
            r.sampling_rate.get()
        );
        prop_assert!(!cont.is_null(i));
        prop_assert_eq!(cont.value(i), r.is_continuous.get().unwrap_or(false));
        prop_assert!(!exps.is_null(i));
        let got = exps.value(i);
        let got = got.as_string::<i32>();
        let want = r.experiment_ids.get().unwrap_or_default();
        prop_assert_eq!(got.len(), want.len());
        for (j, w) in want.iter().enumerate() {
            prop_assert_eq!(got.value(j), w.as_str());
        }
        prop_assert!(!evs.is_null(i));
        let got = evs.value(i);
        let got = got.as_struct();
        let want = r.evaluators.get().unwrap_or_default();
        prop_assert_eq!(got.len(), want.len());
        let text = |name: &str| got.column_by_name(name).unwrap().as_string::<i32>();
        let ids = text("evaluator_id");
        let names = text("evaluator_name");
        let versions = text("evaluator_version_id");
        let filters = text("query_filter");
        let query_mappings = text("query_mappings");
        let mappings = got.column_by_name("column_mappings").unwrap().as_map();
        for (j, w) in want.iter().enumerate() {
            prop_assert_eq!(ids.value(j), w.id.as_str());
            prop_assert_eq!(
                (!names.is_null(j)).then(|| names.value(j).to_owned()),
                w.name.get()
            );
            prop_assert_eq!(
                (!versions.is_null(j)).then(|| versions.value(j).to_owned()),
                w.version.get()
            );
            prop_assert_eq!(
                (!filters.is_null(j)).then(|| filters.value(j).to_owned()),
                w.query_filter.get()
            );
            prop_assert_eq!(
                (!query_mappings.is_null(j)).then(|| query_mappings.value(j).to_owned()),
                w.query_mappings.get().map(|v| v.to_string())
            );
            match w.column_mappings.get() {
                None => prop_assert!(mappings.is_null(j)),
                Some(want) => {
                    prop_assert!(!mappings.is_null(j));
                    let entries = mappings.value(j);
                    let keys = entries.column(0).as_string::<i32>();
                    let values = entries.column(1).as_string::<i32>();
                    let got: std::collections::BTreeMap<String, String> = (0..entries.len())
                        .map(|k| (keys.value(k).to_owned(), values.value(k).to_owned()))
                        .collect();
                    prop_assert_eq!(got, want);
                }
            }
        }
    }
    Ok(())
}

// ---- task runs ---------------------------------------------------------------------------

const STATUSES: [(&str, &str); 7] = [
    ("PENDING", "PENDING"),
    ("RUNNING", "RUNNING"),
    ("COMPLETED", "COMPLETED"),
    ("FAILED", "FAILED"),
    ("CANCELLED", "CANCELLED"),
    ("canceled", "CANCELLED"),
    ("Running", "RUNNING"),
];
const TIME_FIELDS: [&str; 4] = [
    "run_started_at",
    "run_finished_at",
    "data_start_time",
    "data_end_time",
];
const COUNT_FIELDS: [&str; 3] = ["num_successes", "num_errors", "num_skipped"];

#[derive(Debug, Clone)]
struct GenRun {
    id: String,
    task_id: String,
    experiment_id: Opt<String>,
    status: usize,
    times: Vec<Opt<(i64, String)>>,
    counts: Vec<Opt<i64>>,
    created_at: (i64, String),
    created_by: Opt<String>,
    failure_reason: Opt<String>,
    camel: bool,
}

fn run() -> impl Strategy<Value = GenRun> {
    (
        (text(), text(), opt(text()), 0..STATUSES.len()),
        (
            proptest::collection::vec(opt(timestamp()), 4),
            proptest::collection::vec(opt(any::<i64>()), 3),
        ),
        (timestamp(), opt(text()), opt(text()), any::<bool>()),
    )
        .prop_map(
            |(
                (id, task_id, experiment_id, status),
                (times, counts),
                (created_at, created_by, failure_reason, camel),
            )| GenRun {
                id,
                task_id,
                experiment_id,
                status,
                times,
                counts,
                created_at,
                created_by,
                failure_reason,
                camel,
            },
        )
}

impl GenRun {
    fn json(&self) -> Value {
        let c = self.camel;
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        o.insert(key("task_id", c), json!(self.task_id));
        self.experiment_id
            .put(&mut o, &key("experiment_id", c), |v| json!(v));
        o.insert("status".into(), json!(STATUSES[self.status].0));
        for (name, t) in TIME_FIELDS.iter().zip(&self.times) {
            t.put(&mut o, &key(name, c), |v| json!(v.1));
        }
        for (name, n) in COUNT_FIELDS.iter().zip(&self.counts) {
            n.put(&mut o, &key(name, c), |v| json!(v));
        }
        o.insert(key("created_at", c), json!(self.created_at.1));
        self.created_by
            .put(&mut o, &key("created_by_user_id", c), |v| json!(v));
        self.failure_reason
            .put(&mut o, &key("failure_reason", c), |v| json!(v));
        Value::Object(o)
    }
}

fn check_runs(batch: &RecordBatch, rows: &[GenRun]) -> Result<(), TestCaseError> {
    prop_assert_eq!(batch.num_rows(), rows.len());
    let col = |f: fn(&GenRun) -> Option<String>| rows.iter().map(f).collect::<Vec<_>>();
    prop_assert_eq!(strings(batch, "id"), col(|r| Some(r.id.clone())));
    prop_assert_eq!(strings(batch, "task_id"), col(|r| Some(r.task_id.clone())));
    prop_assert_eq!(
        strings(batch, "experiment_id"),
        col(|r| r.experiment_id.get())
    );
    prop_assert_eq!(
        strings(batch, "status"),
        col(|r| Some(STATUSES[r.status].1.to_owned()))
    );
    prop_assert_eq!(
        strings(batch, "created_by_user_id"),
        col(|r| r.created_by.get())
    );
    prop_assert_eq!(
        strings(batch, "failure_reason"),
        col(|r| r.failure_reason.get())
    );
    prop_assert_eq!(
        times(batch, "created_at"),
        rows.iter()
            .map(|r| Some(r.created_at.0))
            .collect::<Vec<_>>()
    );
    for (k, name) in TIME_FIELDS.iter().enumerate() {
        let want: Vec<_> = rows.iter().map(|r| r.times[k].get().map(|t| t.0)).collect();
        prop_assert_eq!(times(batch, name), want);
    }
    for (k, name) in COUNT_FIELDS.iter().enumerate() {
        let got = batch
            .column_by_name(name)
            .unwrap()
            .as_primitive::<Int64Type>();
        for (i, r) in rows.iter().enumerate() {
            prop_assert!(!got.is_null(i));
            prop_assert_eq!(got.value(i), r.counts[k].get().unwrap_or(0));
        }
    }
    Ok(())
}

// ---- properties --------------------------------------------------------------------------

/// Every strict prefix checked for short pages, a spread of them for long ones.
fn cut_points(len: usize) -> Vec<usize> {
    if len <= 200 {
        (0..len).collect()
    } else {
        let step = len / 97 + 1;
        (0..len).step_by(step).chain([len - 1]).collect()
    }
}

fn truncations_fail(decode: Decoder, body: &str) -> Result<(), TestCaseError> {
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
        prefix in prop_oneof![Just("{\"spaces\":[{"), Just("{\"tasks\":[{"), Just("{\"task_runs\":[{")],
        noise in "[\\[\\]{}\":,0-9a-z_ .eE+-]{0,120}",
    ) {
        let body = format!("{prefix}{noise}");
        for (collection, decode) in DECODERS {
            let _ = decode(body.as_bytes());
            let _ = scan_pagination(body.as_bytes(), collection);
        }
    }

    #[test]
    fn spaces_round_trip(rows in proptest::collection::vec(space(), 0..6), p in pagination(), flips in mutations()) {
        let body = envelope("spaces", rows.iter().map(GenSpace::json).collect(), &p);
        let (batch, got) = decode_spaces_page(body.as_bytes()).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&got, &p.expected());
        prop_assert_eq!(scan_pagination(body.as_bytes(), "spaces").unwrap(), p.expected());
        check_spaces(&batch, &rows)?;
        truncations_fail(decode_spaces_page, &body)?;
        let mut bad = body.into_bytes();
        for (at, b) in flips {
            let n = bad.len();
            bad[at % n] = b;
        }
        let _ = decode_spaces_page(&bad);
    }

    #[test]
    fn tasks_round_trip(rows in proptest::collection::vec(task(), 0..4), p in pagination(), flips in mutations(), order in 0u8..4) {
        let body = ordered_envelope("tasks", rows.iter().map(GenTask::json).collect(), &p, order);
        let (batch, got) = decode_tasks_page(body.as_bytes()).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&got, &p.expected());
        check_tasks(&batch, &rows)?;
        items_match::<crate::model::Task>(&body, "tasks", tasks_from_batch(&batch))?;
        paths_agree(task::scan_tasks_page, task::serde_tasks_page, body.as_bytes(), true)?;
        truncations_fail(decode_tasks_page, &body)?;
        let mut bad = body.into_bytes();
        for (at, b) in flips {
            let n = bad.len();
            bad[at % n] = b;
        }
        let _ = decode_tasks_page(&bad);
        paths_agree(task::scan_tasks_page, task::serde_tasks_page, &bad, false)?;
    }

    #[test]
    fn task_runs_round_trip(rows in proptest::collection::vec(run(), 0..5), p in pagination(), flips in mutations(), order in 0u8..4) {
        let body = ordered_envelope("task_runs", rows.iter().map(GenRun::json).collect(), &p, order);
        let (batch, got) = decode_task_runs_page(body.as_bytes()).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&got, &p.expected());
        check_runs(&batch, &rows)?;
        items_match::<crate::model::TaskRun>(&body, "task_runs", task_runs_from_batch(&batch))?;
        paths_agree(run::scan_task_runs_page, run::serde_task_runs_page, body.as_bytes(), true)?;
        truncations_fail(decode_task_runs_page, &body)?;
        let mut bad = body.into_bytes();
        for (at, b) in flips {
            let n = bad.len();
            bad[at % n] = b;
        }
        let _ = decode_task_runs_page(&bad);
        paths_agree(run::scan_task_runs_page, run::serde_task_runs_page, &bad, false)?;
    }
}
