use super::*;
use serde_json::json;

const EXP: &str = "RXhwZXJpbWVudDozMDE6UXc0ZQ==";

fn field<T: std::fmt::Debug>(r: Result<T>) -> String {
    match r {
        Err(Error::Validation { field, .. }) => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn eval_on_project() -> CreateEvaluationTask {
    CreateEvaluationTask {
        name: "Hallucination watch".into(),
        task_type: "template_evaluation".into(),
        evaluators: vec![TaskEvaluatorInput::new("RXZhbDox")],
        project: Some("UHJvamVjdDo1NTU6WHk5YQ==".into()),
        ..Default::default()
    }
}

fn eval_on_dataset() -> CreateEvaluationTask {
    CreateEvaluationTask {
        project: None,
        dataset: Some("RGF0YXNldDo4ODpMbTNu".into()),
        experiment_ids: Some(vec![EXP.into()]),
        ..eval_on_project()
    }
}

fn llm_config() -> Value {
    json!({"experiment_type": "llm_generation", "ai_integration_id": "TGxt",
           "input_variable_format": "MUSTACHE", "messages": [{"role": "user", "content": "{{q}}"}]})
}

fn task(t: TaskType, dataset: bool) -> Task {
    serde_json::from_value(json!({
        "id": "VGFzazox", "name": "t", "type": t.as_str(),
        "project_id": if dataset { Value::Null } else { json!("UHJvajox") },
        "dataset_id": if dataset { json!("RGF0YXNldDox") } else { Value::Null },
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
    }))
    .unwrap()
}

// ---- create (evaluation) ----

#[test]
fn eval_create_builds_the_wire_body() {
    let (body, source) = evaluation_create(&eval_on_project()).unwrap();
    assert_eq!(source, Source::Project("UHJvamVjdDo1NTU6WHk5YQ==".into()));
    assert_eq!(
        Value::Object(body),
        json!({"type": "TEMPLATE_EVALUATION", "name": "Hallucination watch",
               "evaluators": [{"evaluator_id": "RXZhbDox"}]})
    );
    let (body, source) = evaluation_create(&eval_on_dataset()).unwrap();
    assert!(matches!(source, Source::Dataset(_)));
    assert_eq!(body["experiment_ids"], json!([EXP]));
}

#[test]
fn eval_create_requires_a_name() {
    let r = CreateEvaluationTask {
        name: "  ".into(),
        ..eval_on_project()
    };
    assert_eq!(field(evaluation_create(&r)), "name");
}

#[test]
fn eval_create_rejects_run_experiment_type() {
    let r = CreateEvaluationTask {
        task_type: "run_experiment".into(),
        ..eval_on_project()
    };
    assert_eq!(field(evaluation_create(&r)), "task_type");
    let r = CreateEvaluationTask {
        task_type: "nonsense".into(),
        ..eval_on_project()
    };
    assert_eq!(field(evaluation_create(&r)), "task_type");
}

#[test]
fn eval_create_needs_at_least_one_evaluator() {
    let r = CreateEvaluationTask {
        evaluators: vec![],
        ..eval_on_project()
    };
    assert_eq!(field(evaluation_create(&r)), "evaluators");
}

#[test]
fn eval_create_rejects_empty_evaluator_id() {
    let r = CreateEvaluationTask {
        evaluators: vec![TaskEvaluatorInput::new("a"), TaskEvaluatorInput::new(" ")],
        ..eval_on_project()
    };
    assert_eq!(field(evaluation_create(&r)), "evaluators[1].evaluator_id");
}

#[test]
fn eval_create_rejects_duplicate_evaluators() {
    let r = CreateEvaluationTask {
        evaluators: vec![TaskEvaluatorInput::new("a"), TaskEvaluatorInput::new("a")],
        ..eval_on_project()
    };
    assert_eq!(field(evaluation_create(&r)), "evaluators[1].evaluator_id");
}

#[test]
fn eval_create_needs_exactly_one_source() {
    let neither = CreateEvaluationTask {
        project: None,
        ..eval_on_project()
    };
    assert_eq!(field(evaluation_create(&neither)), "project, dataset");
    let both = CreateEvaluationTask {
        project: Some("p".into()),
        ..eval_on_dataset()
    };
    assert_eq!(field(evaluation_create(&both)), "project, dataset");
}

#[test]
fn dataset_task_needs_experiment_ids() {
    let r = CreateEvaluationTask {
        experiment_ids: Some(vec![]),
        ..eval_on_dataset()
    };
    assert_eq!(field(evaluation_create(&r)), "experiment_ids");
    let r = CreateEvaluationTask {
        experiment_ids: None,
        ..eval_on_dataset()
    };
    assert_eq!(field(evaluation_create(&r)), "experiment_ids");
}

#[test]
fn project_task_rejects_experiment_ids() {
    let r = CreateEvaluationTask {
        experiment_ids: Some(vec![EXP.into()]),
        ..eval_on_project()
    };
    assert_eq!(field(evaluation_create(&r)), "experiment_ids");
}

#[test]
fn empty_experiment_id_is_rejected() {
    let r = CreateEvaluationTask {
        experiment_ids: Some(vec![EXP.into(), "".into()]),
        ..eval_on_dataset()
    };
    assert_eq!(field(evaluation_create(&r)), "experiment_ids[1]");
}

#[test]
fn dataset_task_rejects_sampling_rate() {
    let r = CreateEvaluationTask {
        sampling_rate: Some(0.5),
        ..eval_on_dataset()
    };
    assert_eq!(field(evaluation_create(&r)), "sampling_rate");
}

#[test]
fn dataset_task_cannot_be_continuous() {
    let r = CreateEvaluationTask {
        is_continuous: Some(true),
        ..eval_on_dataset()
    };
    assert_eq!(field(evaluation_create(&r)), "is_continuous");
    let ok = CreateEvaluationTask {
        is_continuous: Some(false),
        ..eval_on_dataset()
    };
    assert!(evaluation_create(&ok).is_ok());
}

#[test]
fn sampling_rate_must_be_between_0_and_1() {
    for bad in [-0.1, 1.01, f64::NAN] {
        let r = CreateEvaluationTask {
            sampling_rate: Some(bad),
            ..eval_on_project()
        };
        assert_eq!(field(evaluation_create(&r)), "sampling_rate");
    }
    for good in [0.0, 1.0, 0.25] {
        let r = CreateEvaluationTask {
            sampling_rate: Some(good),
            ..eval_on_project()
        };
        assert!(evaluation_create(&r).is_ok());
    }
}

#[test]
fn query_filter_and_query_filters_are_exclusive() {
    let r = CreateEvaluationTask {
        query_filter: Some("a = 1".into()),
        query_filters: Some(json!({"filters": [{"id": "A", "filter": "x"}]})),
        ..eval_on_project()
    };
    assert_eq!(field(evaluation_create(&r)), "query_filters");
}

#[test]
fn query_filters_shape_is_checked() {
    let with = |qf: Value| CreateEvaluationTask {
        query_filters: Some(qf),
        ..eval_on_project()
    };
    assert_eq!(
        field(evaluation_create(&with(json!({"filters": []})))),
        "query_filters.filters"
    );
    assert_eq!(
        field(evaluation_create(&with(
            json!({"filters": [{"id": "F", "filter": "x"}]})
        ))),
        "query_filters.filters[0].id"
    );
    assert_eq!(
        field(evaluation_create(&with(
            json!({"filters": [{"id": "A", "filter": ""}]})
        ))),
        "query_filters.filters[0].filter"
    );
    assert_eq!(
        field(evaluation_create(&with(
            json!({"filters": [{"id": "A", "filter": "x"}, {"id": "B", "filter": "y"}]})
        ))),
        "query_filters.expression"
    );
    assert_eq!(
        field(evaluation_create(&with(
            json!({"filters": [{"id": "A", "filter": "x"}], "extra": 1})
        ))),
        "query_filters.extra"
    );
    assert!(evaluation_create(&with(json!({
        "filters": [{"id": "A", "filter": "x"}, {"id": "B", "filter": "y"}],
        "expression": "A AND B"
    })))
    .is_ok());
}

#[test]
fn trace_and_span_shapes_do_not_mix() {
    let r = CreateEvaluationTask {
        query_filters: Some(json!({"filters": [{"id": "A", "filter": "x"}]})),
        evaluators: vec![TaskEvaluatorInput {
            column_mappings: Some([("a".to_owned(), "b".to_owned())].into()),
            ..TaskEvaluatorInput::new("e")
        }],
        ..eval_on_project()
    };
    assert_eq!(field(evaluation_create(&r)), "evaluators[0]");
    let r = CreateEvaluationTask {
        query_filter: Some("x".into()),
        evaluators: vec![TaskEvaluatorInput {
            query_mappings: Some(json!([{"variable_name": "v", "query_ids": ["A"]}])),
            ..TaskEvaluatorInput::new("e")
        }],
        ..eval_on_project()
    };
    assert_eq!(field(evaluation_create(&r)), "evaluators[0].query_mappings");
    let r = CreateEvaluationTask {
        evaluators: vec![TaskEvaluatorInput {
            query_mappings: Some(json!([{"variable_name": "v"}])),
            query_filter: Some("x".into()),
            ..TaskEvaluatorInput::new("e")
        }],
        ..eval_on_project()
    };
    assert_eq!(field(evaluation_create(&r)), "evaluators[0].query_mappings");
}

#[test]
fn empty_space_is_rejected() {
    let r = CreateEvaluationTask {
        space: Some(" ".into()),
        ..eval_on_project()
    };
    assert_eq!(field(evaluation_create(&r)), "space");
}

// ---- create (run experiment) and dispatch ----

#[test]
fn run_experiment_create_normalizes_the_configuration() {
    let r = CreateRunExperimentTask {
        name: "Summaries".into(),
        dataset: "golden".into(),
        run_configuration: llm_config(),
        space: Some("production".into()),
    };
    let (body, dataset) = run_experiment_create(&r).unwrap();
    assert_eq!(dataset, "golden");
    assert_eq!(body["type"], "RUN_EXPERIMENT");
    assert_eq!(
        body["run_configuration"]["experiment_type"],
        "LLM_GENERATION"
    );
    assert_eq!(body["run_configuration"]["messages"][0]["role"], "USER");
}

#[test]
fn run_experiment_create_requires_dataset_and_valid_config() {
    let base = CreateRunExperimentTask {
        name: "s".into(),
        dataset: "d".into(),
        run_configuration: llm_config(),
        space: None,
    };
    let r = CreateRunExperimentTask {
        dataset: "".into(),
        ..base.clone()
    };
    assert_eq!(field(run_experiment_create(&r)), "dataset");
    let mut cfg = llm_config();
    cfg.as_object_mut().unwrap().remove("input_variable_format");
    let r = CreateRunExperimentTask {
        run_configuration: cfg,
        ..base
    };
    assert_eq!(
        field(run_experiment_create(&r)),
        "run_configuration.input_variable_format"
    );
}

fn create_run() -> CreateTask {
    CreateTask {
        name: "s".into(),
        task_type: "RUN_EXPERIMENT".into(),
        dataset: Some("d".into()),
        run_configuration: Some(llm_config()),
        ..Default::default()
    }
}

#[test]
fn dispatch_rejects_eval_only_fields_on_run_experiment() {
    let r = CreateTask {
        evaluators: Some(vec![]),
        sampling_rate: Some(0.5),
        ..create_run()
    };
    assert_eq!(field(dispatch_create(&r)), "evaluators, sampling_rate");
    let r = CreateTask {
        project: Some("p".into()),
        ..create_run()
    };
    assert_eq!(field(dispatch_create(&r)), "project");
}

#[test]
fn dispatch_run_experiment_needs_config_and_dataset() {
    let r = CreateTask {
        run_configuration: None,
        ..create_run()
    };
    assert_eq!(field(dispatch_create(&r)), "run_configuration");
    let r = CreateTask {
        dataset: None,
        ..create_run()
    };
    assert_eq!(field(dispatch_create(&r)), "dataset");
    assert!(matches!(
        dispatch_create(&create_run()).unwrap(),
        CreateKind::RunExperiment(_)
    ));
}

#[test]
fn dispatch_eval_rejects_run_configuration_and_needs_evaluators() {
    let r = CreateTask {
        task_type: "code_evaluation".into(),
        evaluators: Some(vec![TaskEvaluatorInput::new("e")]),
        project: Some("p".into()),
        run_configuration: Some(llm_config()),
        dataset: None,
        ..Default::default()
    };
    assert_eq!(field(dispatch_create(&r)), "run_configuration");
    let r = CreateTask {
        run_configuration: None,
        evaluators: None,
        ..r
    };
    assert_eq!(field(dispatch_create(&r)), "evaluators");
    let r = CreateTask {
        evaluators: Some(vec![TaskEvaluatorInput::new("e")]),
        ..r
    };
    match dispatch_create(&r).unwrap() {
        CreateKind::Evaluation(e) => assert_eq!(e.task_type, "CODE_EVALUATION"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn dispatch_rejects_unknown_task_type() {
    let r = CreateTask {
        task_type: "batch".into(),
        ..create_run()
    };
    assert_eq!(field(dispatch_create(&r)), "task_type");
}

// ---- update ----

#[test]
fn update_with_nothing_is_rejected() {
    assert!(field(update_body(&UpdateTask::default())).contains("run_configuration"));
}

#[test]
fn update_body_sends_only_supplied_fields() {
    let body = update_body(&UpdateTask {
        name: Some(" v2 ".into()),
        query_filter: Patch::Null,
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        Value::Object(body),
        json!({"name": "v2", "query_filter": null})
    );
    let body = update_body(&UpdateTask {
        query_filters: Patch::Null,
        sampling_rate: Some(0.5),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        Value::Object(body),
        json!({"query_filters": null, "sampling_rate": 0.5})
    );
}

#[test]
fn update_checks_values() {
    let r = UpdateTask {
        name: Some("".into()),
        ..Default::default()
    };
    assert_eq!(field(update_body(&r)), "name");
    let r = UpdateTask {
        sampling_rate: Some(2.0),
        ..Default::default()
    };
    assert_eq!(field(update_body(&r)), "sampling_rate");
    let r = UpdateTask {
        evaluators: Some(vec![]),
        ..Default::default()
    };
    assert_eq!(field(update_body(&r)), "evaluators");
    let r = UpdateTask {
        query_filter: Patch::Value("x".into()),
        query_filters: Patch::Value(json!({"filters": [{"id": "A", "filter": "x"}]})),
        ..Default::default()
    };
    assert_eq!(field(update_body(&r)), "query_filters");
    let r = UpdateTask {
        run_configuration: Some(json!({"experiment_type": "LLM_GENERATION"})),
        ..Default::default()
    };
    assert_eq!(
        field(update_body(&r)),
        "run_configuration.ai_integration_id"
    );
}

#[test]
fn update_rejects_eval_fields_on_run_experiment_tasks() {
    let t = task(TaskType::RunExperiment, true);
    let r = UpdateTask {
        query_filter: Patch::Null,
        evaluators: Some(vec![TaskEvaluatorInput::new("e")]),
        ..Default::default()
    };
    assert_eq!(field(update_fits(&t, &r)), "query_filter, evaluators");
    let ok = UpdateTask {
        name: Some("n".into()),
        run_configuration: Some(llm_config()),
        ..Default::default()
    };
    assert!(update_fits(&t, &ok).is_ok());
}

#[test]
fn update_rejects_run_configuration_on_eval_tasks() {
    let t = task(TaskType::CodeEvaluation, false);
    let r = UpdateTask {
        run_configuration: Some(llm_config()),
        ..Default::default()
    };
    assert_eq!(field(update_fits(&t, &r)), "run_configuration");
}

#[test]
fn update_rejects_project_only_fields_on_dataset_tasks() {
    let t = task(TaskType::TemplateEvaluation, true);
    let r = UpdateTask {
        sampling_rate: Some(0.5),
        ..Default::default()
    };
    assert_eq!(field(update_fits(&t, &r)), "sampling_rate");
    let r = UpdateTask {
        is_continuous: Some(true),
        ..Default::default()
    };
    assert_eq!(field(update_fits(&t, &r)), "is_continuous");
    let p = task(TaskType::TemplateEvaluation, false);
    assert!(update_fits(&p, &r).is_ok());
}
