//! Tasks (with their nested evaluators): generators, checks and the round trip.

use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, RecordBatch};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::*;
use crate::table::{decode_tasks_page, task, tasks_from_batch};

/// Task and evaluator members in the order the API writes them.
const TASK_API_ORDER: &[&str] = &[
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
];

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

fn scan(body: &[u8]) -> Option<(RecordBatch, Pagination)> {
    task::scan_tasks_page(body, 4)
}

fn reference(body: &[u8]) -> Result<(RecordBatch, Pagination), String> {
    task::serde_tasks_page(body, 4)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn tasks_round_trip(rows in proptest::collection::vec(task(), 0..4), p in pagination(), flips in mutations(), order in 0u8..4) {
        let items = rows.iter().map(GenTask::json).collect();
        let body = ordered_envelope("tasks", items, &p, order, TASK_API_ORDER);
        let (batch, got) = decode_tasks_page(body.as_bytes()).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&got, &p.expected());
        check_tasks(&batch, &rows)?;
        items_match::<crate::model::Task>(&body, "tasks", tasks_from_batch(&batch))?;
        paths_agree(scan, reference, decode_tasks_page, body.as_bytes(), true)?;
        truncations_fail(decode_tasks_page, &body)?;
        paths_agree(scan, reference, decode_tasks_page, &mutated(&body, &flips), false)?;
    }
}
