use super::*;
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, TimestampMicrosecondType};
use arrow_array::Array;

const FULL: &str = r#"{
  "tasks": [
    {"id": "T25saW5lVGFzazo5MDA6Wng3Yw==", "name": "Hallucination watch", "type": "TEMPLATE_EVALUATION",
     "project_id": "UHJvamVjdDo1NTU6WHk5YQ==", "dataset_id": null, "sampling_rate": 0.25,
     "is_continuous": true, "query_filter": "attributes.llm.model_name = 'gpt-4o'",
     "evaluators": [
       {"evaluator_id": "RXZhbHVhdG9yOjQyOlJ0NXk=", "evaluator_name": "hallucination", "query_filter": null,
        "column_mappings": {"input": "attributes.input.value", "output": "attributes.output.value"}},
       {"evaluator_id": "RXZhbHVhdG9yOjQzOlJ0NXo=", "evaluator_name": "toxicity", "query_filter": "x = 1",
        "column_mappings": null, "evaluator_version_id": "RXZhbFZlcjox", "query_mappings": null, "new": 1}
     ],
     "experiment_ids": [], "run_configuration": null, "last_run_at": null,
     "created_at": "2026-02-01T08:00:00.000Z", "updated_at": "2026-02-01T08:00:00.000Z",
     "created_by_user_id": "VXNlcjoxNzpIajJr", "query_filters": null},
    {"id": "T25saW5lVGFzazo5MDE6QUFBQQ==", "name": "Summaries", "type": "run_experiment",
     "projectId": null, "datasetId": "RGF0YXNldDo4ODpMbTNu", "isContinuous": false,
     "evaluators": [], "experimentIds": null,
     "runConfiguration": {"experiment_type": "TEMPLATE_EVALUATION", "ai_integration_id": "TGxt",
        "template": "Is \"{{answer}}\" ok?\n", "provide_explanation": true,
        "classification_choices": {"supported": 1, "unsupported": 0}},
     "lastRunAt": "2026-03-01T10:00:00+00:00",
     "createdAt": "2026-02-02T08:00:00Z", "updatedAt": "2026-02-03T08:00:00Z"},
    {"id": "T25saW5lVGFzazo5MDI6QkJCQg==", "name": "Code check", "type": "CODE_EVALUATION",
     "dataset_id": "RGF0YXNldDo4ODpMbTNu", "experiment_ids": ["RXhwOjE=", "RXhwOjI="],
     "evaluators": [{"evaluator_id": "RXZhbDo5", "column_mappings": {}}],
     "created_at": "2026-02-04T08:00:00Z", "updated_at": "2026-02-04T08:00:00Z"}
  ],
  "pagination": {"has_more": true, "next_cursor": "c2"}
}"#;

#[test]
fn decodes_a_full_task_page() {
    let (batch, p) = decode_tasks_page(FULL.as_bytes()).unwrap();
    assert_eq!(batch.schema(), task_schema());
    assert_eq!(batch.num_rows(), 3);
    assert!(p.has_more);
    assert_eq!(p.next_cursor.as_deref(), Some("c2"));
    let col = |name: &str| batch.column_by_name(name).unwrap().clone();
    let types = col("type");
    let types = types.as_string::<i32>();
    assert_eq!(types.value(1), "RUN_EXPERIMENT", "normalized");
    let project = col("project_id");
    assert!(project.is_null(1) && project.is_null(2) && !project.is_null(0));
    let rate = col("sampling_rate");
    let rate = rate.as_primitive::<Float64Type>();
    assert_eq!(rate.value(0), 0.25);
    assert!(rate.is_null(1) && rate.is_null(2));
    let cont = col("is_continuous");
    let cont = cont.as_boolean();
    assert!(cont.value(0) && !cont.value(1) && !cont.value(2));
    assert_eq!(cont.null_count(), 0);
    let last = col("last_run_at");
    let last = last.as_primitive::<TimestampMicrosecondType>();
    assert!(last.is_null(0));
    assert_eq!(
        last.value(1),
        crate::table::parse_timestamp_micros("2026-03-01T10:00:00Z").unwrap()
    );
    let created_by = col("created_by_user_id");
    assert!(created_by.is_null(1));
}

#[test]
fn nested_evaluators_and_column_mappings() {
    let (batch, _) = decode_tasks_page(FULL.as_bytes()).unwrap();
    let evals = batch.column_by_name("evaluators").unwrap().as_list::<i32>();
    assert_eq!(evals.value_length(0), 2);
    assert_eq!(evals.value_length(1), 0);
    assert_eq!(evals.value_length(2), 1);
    assert_eq!(evals.null_count(), 0);
    let first = evals.value(0);
    let first = first.as_struct();
    let ids = first
        .column_by_name("evaluator_id")
        .unwrap()
        .as_string::<i32>();
    assert_eq!(ids.value(0), "RXZhbHVhdG9yOjQyOlJ0NXk=");
    let names = first
        .column_by_name("evaluator_name")
        .unwrap()
        .as_string::<i32>();
    assert_eq!(names.value(1), "toxicity");
    let qf = first.column_by_name("query_filter").unwrap();
    assert!(qf.is_null(0));
    assert_eq!(qf.as_string::<i32>().value(1), "x = 1");
    let vid = first.column_by_name("evaluator_version_id").unwrap();
    assert!(vid.is_null(0));
    assert_eq!(vid.as_string::<i32>().value(1), "RXZhbFZlcjox");
    let maps = first.column_by_name("column_mappings").unwrap().as_map();
    assert!(maps.is_null(1));
    let entries = maps.value(0);
    let keys = entries.column(0).as_string::<i32>();
    let values = entries.column(1).as_string::<i32>();
    assert_eq!(
        (keys.value(0), values.value(0)),
        ("input", "attributes.input.value")
    );
    assert_eq!(
        (keys.value(1), values.value(1)),
        ("output", "attributes.output.value")
    );
    let third = evals.value(2);
    let third_maps = third
        .as_struct()
        .column_by_name("column_mappings")
        .unwrap()
        .as_map();
    assert!(!third_maps.is_null(0), "{{}} is an empty map, not null");
    assert_eq!(third_maps.value_length(0), 0);
    let exps = batch
        .column_by_name("experiment_ids")
        .unwrap()
        .as_list::<i32>();
    assert_eq!(exps.value_length(0), 0);
    assert_eq!(exps.value_length(1), 0, "null → []");
    let third = exps.value(2);
    let third = third.as_string::<i32>();
    assert_eq!((third.value(0), third.value(1)), ("RXhwOjE=", "RXhwOjI="));
}

#[test]
fn run_configuration_json_text_round_trips() {
    let (batch, _) = decode_tasks_page(FULL.as_bytes()).unwrap();
    let rc = batch
        .column_by_name("run_configuration")
        .unwrap()
        .as_string::<i32>();
    assert!(rc.is_null(0) && rc.is_null(2));
    let parsed: serde_json::Value = serde_json::from_str(rc.value(1)).unwrap();
    let source: serde_json::Value = serde_json::from_str(FULL).unwrap();
    assert_eq!(parsed, source["tasks"][1]["runConfiguration"]);
    assert_eq!(parsed["template"], "Is \"{{answer}}\" ok?\n");
}

#[test]
fn empty_and_full_task_pages_share_the_schema() {
    let (empty, p) =
        decode_tasks_page(br#"{"tasks": [], "pagination": {"has_more": false}}"#).unwrap();
    assert_eq!(empty.num_rows(), 0);
    assert!(!p.has_more);
    let (full, _) = decode_tasks_page(FULL.as_bytes()).unwrap();
    assert_eq!(empty.schema(), full.schema());
    assert_eq!(empty.schema(), task_schema());
    assert_eq!(TaskResource::schema(), task_schema());
}

#[test]
fn page_items_match_the_table() {
    let page = crate::paginate::Page::<TaskResource>::from_body(
        bytes::Bytes::from_static(FULL.as_bytes()),
        "http://x/v2/tasks",
    )
    .unwrap();
    let items = page.items().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[1].task_type, TaskType::RunExperiment);
    assert_eq!(
        items[0].evaluators[0].column_mappings.as_ref().unwrap()["output"],
        "attributes.output.value"
    );
    assert_eq!(items[2].experiment_ids.len(), 2);
}

#[test]
fn rejects_bad_task_rows() {
    let missing_type = r#"{"tasks":[{"id":"a","name":"n","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}]}"#;
    assert!(decode_tasks_page(missing_type.as_bytes())
        .unwrap_err()
        .contains("type"));
    let bad_eval = r#"{"tasks":[{"id":"a","name":"n","type":"CODE_EVALUATION","evaluators":[{"evaluator_name":"x"}],"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}]}"#;
    assert!(decode_tasks_page(bad_eval.as_bytes())
        .unwrap_err()
        .contains("evaluator_id"));
    let bad_ids = r#"{"tasks":[{"id":"a","name":"n","type":"CODE_EVALUATION","experiment_ids":[1],"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}]}"#;
    assert!(decode_tasks_page(bad_ids.as_bytes()).is_err());
    let bad_rate = r#"{"tasks":[{"id":"a","name":"n","type":"CODE_EVALUATION","sampling_rate":"half","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}]}"#;
    assert!(decode_tasks_page(bad_rate.as_bytes()).is_err());
}

/// Decode cost of a 100-task page; run with
/// `cargo test -p ax-core --release --lib -- --ignored decode_cost --nocapture`.
#[test]
#[ignore]
fn decode_cost_of_a_100_task_page() {
    let one = r#"{"id": "T25saW5lVGFzazo5MDA6Wng3Yw==", "name": "Hallucination watch NNN", "type": "TEMPLATE_EVALUATION",
     "project_id": "UHJvamVjdDo1NTU6WHk5YQ==", "dataset_id": null, "sampling_rate": 0.25,
     "is_continuous": true, "query_filter": "attributes.llm.model_name = 'gpt-4o'",
     "evaluators": [{"evaluator_id": "RXZhbHVhdG9yOjQyOlJ0NXk=", "evaluator_name": "hallucination", "query_filter": null,
        "column_mappings": {"input": "attributes.input.value", "output": "attributes.output.value"}, "evaluator_version_id": null}],
     "experiment_ids": [], "run_configuration": null, "last_run_at": "2026-02-01T08:00:00.000Z",
     "created_at": "2026-02-01T08:00:00.000Z", "updated_at": "2026-02-01T08:00:00.000Z",
     "created_by_user_id": "VXNlcjoxNzpIajJr", "query_filters": null}"#;
    let rows: Vec<String> = (0..100)
        .map(|i| one.replace("NNN", &i.to_string()))
        .collect();
    let body = format!(
        r#"{{"tasks": [{}], "pagination": {{"has_more": true, "next_cursor": "abc"}}}}"#,
        rows.join(",")
    );
    let n = 500;
    let t = std::time::Instant::now();
    for _ in 0..n {
        let (b, _) = decode_tasks_page(body.as_bytes()).unwrap();
        assert_eq!(b.num_rows(), 100);
    }
    let arrow = t.elapsed() / n;
    let t = std::time::Instant::now();
    for _ in 0..n {
        let v: serde_json::Value = serde_json::from_slice(body.as_bytes()).unwrap();
        assert!(v.is_object());
    }
    let value = t.elapsed() / n;
    eprintln!(
        "100-task page, {} bytes: Arrow decode {arrow:?}, serde_json::Value parse {value:?}",
        body.len()
    );
}
