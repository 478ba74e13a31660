//! Task runs: generators, checks and the round trip.

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::RecordBatch;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::*;
use crate::table::{decode_task_runs_page, run, task_runs_from_batch};

/// Run members in the order the API writes them.
const RUN_API_ORDER: &[&str] = &[
    "id",
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
    "created_at",
    "created_by_user_id",
    "failure_reason",
];

fn scan(body: &[u8]) -> Option<(RecordBatch, Pagination)> {
    run::scan_task_runs_page(body, 4)
}

fn reference(body: &[u8]) -> Result<(RecordBatch, Pagination), String> {
    run::serde_task_runs_page(body, 4)
}

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

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn task_runs_round_trip(rows in proptest::collection::vec(run(), 0..5), p in pagination(), flips in mutations(), order in 0u8..4) {
        let items = rows.iter().map(GenRun::json).collect();
        let body = ordered_envelope("task_runs", items, &p, order, RUN_API_ORDER);
        let (batch, got) = decode_task_runs_page(body.as_bytes()).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&got, &p.expected());
        check_runs(&batch, &rows)?;
        items_match::<crate::model::TaskRun>(&body, "task_runs", task_runs_from_batch(&batch))?;
        paths_agree(scan, reference, decode_task_runs_page, body.as_bytes(), true)?;
        truncations_fail(decode_task_runs_page, &body)?;
        paths_agree(scan, reference, decode_task_runs_page, &mutated(&body, &flips), false)?;
    }
}
