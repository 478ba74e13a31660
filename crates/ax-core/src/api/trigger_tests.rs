use super::*;
use chrono::TimeZone;
use serde_json::json;

const EXP: &str = "RXhwZXJpbWVudDozMDE6UXc0ZQ==";

fn field<T: std::fmt::Debug>(r: Result<T>) -> String {
    match r {
        Err(Error::Validation { field, .. }) => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
}

// ---- trigger ----

#[test]
fn trigger_with_nothing_sends_an_empty_object() {
    let now = at(10, 0);
    let body = trigger_body(&TriggerRun::default(), TaskType::TemplateEvaluation, now).unwrap();
    assert_eq!(body, json!({}));
}

#[test]
fn trigger_start_without_end_gets_now() {
    let now = at(10, 12);
    let r = TriggerRun {
        data_start_time: Some(at(9, 0)),
        max_spans: Some(500),
        override_evaluations: Some(true),
        ..Default::default()
    };
    let body = trigger_body(&r, TaskType::CodeEvaluation, now).unwrap();
    assert_eq!(
        body,
        json!({"data_start_time": "2026-03-09T00:00:00Z", "data_end_time": "2026-03-10T12:00:00Z",
               "max_spans": 500, "override_evaluations": true})
    );
}

#[test]
fn window_start_must_precede_end() {
    let r = data_window(Some(at(5, 0)), Some(at(5, 0)), at(10, 0));
    assert_eq!(field(r), "data_start_time");
    let r = data_window(Some(at(11, 0)), None, at(10, 0));
    assert_eq!(field(r), "data_start_time");
}

#[test]
fn window_spans_at_most_30_days() {
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let ok = data_window(Some(start), Some(start + TimeDelta::days(30)), at(10, 0));
    assert!(ok.is_ok());
    let r = data_window(
        Some(start),
        Some(start + TimeDelta::days(30) + TimeDelta::seconds(1)),
        at(10, 0),
    );
    assert_eq!(field(r), "data_end_time");
    // An end alone is sent as is (the server defaults the start to the last run).
    assert_eq!(
        data_window(None, Some(at(2, 0)), at(10, 0)).unwrap(),
        (None, Some(at(2, 0)))
    );
}

#[test]
fn run_experiment_trigger_requires_experiment_name() {
    let r = TriggerRun::default();
    assert_eq!(
        field(trigger_body(&r, TaskType::RunExperiment, at(1, 0))),
        "experiment_name"
    );
}

#[test]
fn experiment_name_rules() {
    for bad in ["", "say \"hi\"", "back\\slash", &"x".repeat(256)] {
        assert_eq!(
            field(check_experiment_name(bad)),
            "experiment_name",
            "{bad}"
        );
    }
    assert!(check_experiment_name(&"é".repeat(255)).is_ok());
    let r = TriggerRun {
        experiment_name: Some("a\"b".into()),
        ..Default::default()
    };
    assert_eq!(field(trigger_precheck(&r, at(1, 0))), "experiment_name");
}

#[test]
fn example_ids_and_max_examples_are_exclusive() {
    let r = TriggerRun {
        example_ids: Some(vec!["e".into()]),
        max_examples: Some(5),
        ..Default::default()
    };
    assert_eq!(
        field(trigger_precheck(&r, at(1, 0))),
        "example_ids, max_examples"
    );
}

#[test]
fn trigger_counts_must_be_positive() {
    let r = TriggerRun {
        max_spans: Some(0),
        ..Default::default()
    };
    assert_eq!(field(trigger_precheck(&r, at(1, 0))), "max_spans");
    let r = TriggerRun {
        max_examples: Some(0),
        ..Default::default()
    };
    assert_eq!(field(trigger_precheck(&r, at(1, 0))), "max_examples");
    let r = TriggerRun {
        evaluation_task_ids: Some(vec!["".into()]),
        ..Default::default()
    };
    assert_eq!(
        field(trigger_precheck(&r, at(1, 0))),
        "evaluation_task_ids[0]"
    );
}

#[test]
fn trigger_rejects_eval_fields_on_run_experiment_tasks() {
    let r = TriggerRun {
        experiment_name: Some("x".into()),
        max_spans: Some(10),
        experiment_ids: Some(vec![EXP.into()]),
        ..Default::default()
    };
    assert_eq!(
        field(trigger_body(&r, TaskType::RunExperiment, at(1, 0))),
        "max_spans, experiment_ids"
    );
}

#[test]
fn trigger_rejects_run_experiment_fields_on_eval_tasks() {
    let r = TriggerRun {
        experiment_name: Some("x".into()),
        tracing_metadata: Some([("k".to_owned(), "v".to_owned())].into()),
        ..Default::default()
    };
    assert_eq!(
        field(trigger_body(&r, TaskType::TemplateEvaluation, at(1, 0))),
        "experiment_name, tracing_metadata"
    );
}

#[test]
fn run_experiment_trigger_body() {
    let r = TriggerRun {
        experiment_name: Some("baseline-2026-03-01".into()),
        max_examples: Some(50),
        tracing_metadata: Some([("branch".to_owned(), "main".to_owned())].into()),
        evaluation_task_ids: Some(vec!["VGFzazoy".into()]),
        dataset_version_id: Some("RFY6MQ==".into()),
        ..Default::default()
    };
    let body = trigger_body(&r, TaskType::RunExperiment, at(1, 0)).unwrap();
    assert_eq!(
        body,
        json!({"experiment_name": "baseline-2026-03-01", "max_examples": 50,
               "tracing_metadata": {"branch": "main"}, "evaluation_task_ids": ["VGFzazoy"],
               "dataset_version_id": "RFY6MQ=="})
    );
}
