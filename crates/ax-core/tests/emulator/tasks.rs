//! Every task operation against the emulator.

use std::collections::HashSet;

use arrow_array::cast::AsArray;
use arrow_array::Array;
use ax_core::api::tasks::{
    self, CreateEvaluationTask, CreateRunExperimentTask, CreateTask, ListTasksParams, TriggerRun,
    UpdateTask,
};
use ax_core::model::{Patch, TaskEvaluatorInput, TaskType};
use ax_core::Error;
use serde_json::{json, Value};

use crate::common::{
    Env, CODE_EVALUATOR, DATASET, INTEGRATION, PROJECT, SPACE, TEMPLATE_EVALUATOR,
};

fn field<T: std::fmt::Debug>(r: ax_core::Result<T>) -> String {
    match r {
        Err(Error::Validation { field, .. }) => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn llm_config(integration: &str) -> Value {
    json!({
        "experiment_type": "llm_generation",
        "ai_integration_id": integration,
        "model_name": "gpt-4o-mini",
        "input_variable_format": "mustache",
        "messages": [{"role": "system", "content": "Answer briefly."},
                     {"role": "user", "content": "{{question}}"}],
        "invocation_parameters": {"temperature": 0.2, "max_tokens": 256}
    })
}

fn eval_task(env: &Env, name: &str) -> CreateEvaluationTask {
    let space = env.space_id(SPACE);
    CreateEvaluationTask {
        name: name.into(),
        task_type: "template_evaluation".into(),
        evaluators: vec![TaskEvaluatorInput {
            column_mappings: Some(
                [("input".to_owned(), "attributes.input.value".to_owned())].into(),
            ),
            ..TaskEvaluatorInput::new(env.seeded("evaluators", &space, TEMPLATE_EVALUATOR))
        }],
        project: Some(PROJECT.into()),
        space: Some(SPACE.into()),
        sampling_rate: Some(0.5),
        is_continuous: Some(true),
        query_filter: Some("attributes.llm.model_name = 'gpt-4o'".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn evaluation_task_round_trip() {
    let env = Env::start().await;
    let c = &env.client;
    let space = env.space_id(SPACE);
    let created = tasks::create_evaluation_task(c, &eval_task(&env, "hallucination watch"))
        .await
        .unwrap();
    assert_eq!(created.task_type, TaskType::TemplateEvaluation);
    assert_eq!(
        created.project_id.as_deref(),
        Some(env.seeded("projects", &space, PROJECT).as_str())
    );
    assert_eq!(created.sampling_rate, Some(0.5));
    assert!(created.is_continuous);
    assert_eq!(created.evaluators.len(), 1);
    assert_eq!(
        created.evaluators[0].evaluator_name.as_deref(),
        Some(TEMPLATE_EVALUATOR)
    );
    assert!(created.last_run_at.is_none());

    let by_name = tasks::get(c, "hallucination watch", Some(SPACE))
        .await
        .unwrap();
    let by_space_id = tasks::get(c, "hallucination watch", Some(&space))
        .await
        .unwrap();
    let by_id = tasks::get(c, &created.id, None).await.unwrap();
    assert_eq!(by_name, created);
    assert_eq!(by_space_id, created);
    assert_eq!(by_id, created);

    // Rename + clear the filter + replace the evaluators.
    let updated = tasks::update(
        c,
        "hallucination watch",
        Some(SPACE),
        &UpdateTask {
            name: Some("hallucination watch v2".into()),
            query_filter: Patch::Null,
            sampling_rate: Some(0.25),
            evaluators: Some(vec![TaskEvaluatorInput::new(env.seeded(
                "evaluators",
                &space,
                CODE_EVALUATOR,
            ))]),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(updated.name, "hallucination watch v2");
    assert_eq!(updated.query_filter, None);
    assert_eq!(updated.sampling_rate, Some(0.25));
    assert_eq!(
        updated.evaluators[0].evaluator_name.as_deref(),
        Some(CODE_EVALUATOR)
    );
    assert!(updated.updated_at >= created.updated_at);
    // The old name is forgotten (cache invalidated by the rename).
    assert!(matches!(
        tasks::get(c, "hallucination watch", Some(SPACE)).await,
        Err(Error::NameNotFound { .. })
    ));

    tasks::delete(c, "hallucination watch v2", Some(SPACE))
        .await
        .unwrap();
    assert_eq!(
        tasks::get(c, &created.id, None).await.unwrap_err().status(),
        Some(404)
    );
    assert!(matches!(
        tasks::get(c, "hallucination watch v2", Some(SPACE)).await,
        Err(Error::NameNotFound { .. })
    ));
}

#[tokio::test]
async fn update_query_filter_set_clear_and_leave() {
    let env = Env::start().await;
    let c = &env.client;
    let t = tasks::create_evaluation_task(c, &eval_task(&env, "filters"))
        .await
        .unwrap();
    let set = tasks::update(
        c,
        &t.id,
        None,
        &UpdateTask {
            query_filter: Patch::Value("status = 'OK'".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(set.query_filter.as_deref(), Some("status = 'OK'"));
    let untouched = tasks::update(
        c,
        &t.id,
        None,
        &UpdateTask {
            is_continuous: Some(false),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(untouched.query_filter.as_deref(), Some("status = 'OK'"));
    assert!(!untouched.is_continuous);
    let cleared = tasks::update(
        c,
        &t.id,
        None,
        &UpdateTask {
            query_filter: Patch::Null,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(cleared.query_filter, None);
    let patch = env
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .count();
    assert_eq!(patch, 3);
}

#[tokio::test]
async fn dataset_evaluation_task() {
    let env = Env::start().await;
    let c = &env.client;
    let space = env.space_id(SPACE);
    let baseline = env.seeded("experiments", &space, "baseline");
    let t = tasks::create_evaluation_task(
        c,
        &CreateEvaluationTask {
            name: "json validity on experiments".into(),
            task_type: "CODE_EVALUATION".into(),
            evaluators: vec![TaskEvaluatorInput::new(env.seeded(
                "evaluators",
                &space,
                CODE_EVALUATOR,
            ))],
            dataset: Some(DATASET.into()),
            space: Some(space.clone()),
            experiment_ids: Some(vec![baseline.clone()]),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        t.dataset_id.as_deref(),
        Some(env.seeded("datasets", &space, DATASET).as_str())
    );
    assert_eq!(t.experiment_ids, vec![baseline]);
    assert!(t.is_dataset_based());
    // Project-only fields are refused for a dataset task before the PATCH.
    let before = env.count("PATCH", "/v2/tasks");
    let e = tasks::update(
        c,
        &t.id,
        None,
        &UpdateTask {
            sampling_rate: Some(0.3),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(field(e), "sampling_rate");
    assert_eq!(env.count("PATCH", "/v2/tasks"), before);
}

#[tokio::test]
async fn run_experiment_task_round_trip() {
    let env = Env::start().await;
    let c = &env.client;
    let space = env.space_id(SPACE);
    let integration = env.seeded("ai_integrations", &space, INTEGRATION);
    let t = tasks::create_run_experiment_task(
        c,
        &CreateRunExperimentTask {
            name: "summaries".into(),
            dataset: DATASET.into(),
            run_configuration: llm_config(&integration),
            space: Some(SPACE.into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(t.task_type, TaskType::RunExperiment);
    assert!(t.evaluators.is_empty() && !t.is_continuous);
    let rc = t.run_configuration.as_ref().unwrap();
    assert_eq!(rc["experiment_type"], "LLM_GENERATION");
    assert_eq!(rc["input_variable_format"], "MUSTACHE");
    assert_eq!(rc["messages"][1]["role"], "USER");

    let judge = json!({
        "experiment_type": "template_evaluation",
        "ai_integration_id": integration,
        "template": "Is {{answer}} supported by {{context}}?",
        "provide_explanation": true,
        "classification_choices": {"supported": 1, "unsupported": 0},
        "column_mapping": {"answer": "output"}
    });
    let updated = tasks::update(
        c,
        "summaries",
        Some(SPACE),
        &UpdateTask {
            run_configuration: Some(judge),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let rc = updated.run_configuration.unwrap();
    assert_eq!(rc["experiment_type"], "TEMPLATE_EVALUATION");
    assert!(rc.get("messages").is_none(), "replaced, not merged");

    // Fields foreign to the type: rejected after the GET, before any PATCH.
    let before = env.count("PATCH", "/v2/tasks");
    let e = tasks::update(
        c,
        &t.id,
        None,
        &UpdateTask {
            evaluators: Some(vec![TaskEvaluatorInput::new("RXZhbDox")]),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(field(e), "evaluators");
    assert_eq!(env.count("PATCH", "/v2/tasks"), before);
    // And the same for a trigger without experiment_name: a GET, no POST.
    let posts = env.count("POST", "/v2/tasks");
    let e = tasks::trigger_run(c, &t.id, None, &TriggerRun::default()).await;
    assert_eq!(field(e), "experiment_name");
    assert_eq!(env.count("POST", "/v2/tasks"), posts);
}

#[tokio::test]
async fn create_dispatches_on_task_type() {
    let env = Env::start().await;
    let c = &env.client;
    let space = env.space_id(SPACE);
    let integration = env.seeded("ai_integrations", &space, INTEGRATION);
    let run = tasks::create(
        c,
        &CreateTask {
            name: "dispatch-run".into(),
            task_type: "run-experiment".into(),
            dataset: Some(DATASET.into()),
            space: Some(SPACE.into()),
            run_configuration: Some(json!({
                "experiment_type": "agent_call",
                "integration_id": integration,
                "input_template": {"question": "{{question}}"}
            })),
            ..Default::default()
        },
    )
    .await;
    // AGENT_CALL needs an AGENT integration; the emulator may reject an LLM integration,
    // which still proves the request went out with a normalized configuration.
    match run {
        Ok(t) => assert_eq!(
            t.run_configuration.unwrap()["experiment_type"],
            "AGENT_CALL"
        ),
        Err(e) => assert!(matches!(e.status(), Some(400 | 404 | 422)), "{e}"),
    }
    let eval = tasks::create(
        c,
        &CreateTask {
            name: "dispatch-eval".into(),
            task_type: "code_evaluation".into(),
            evaluators: Some(vec![TaskEvaluatorInput::new(env.seeded(
                "evaluators",
                &space,
                CODE_EVALUATOR,
            ))]),
            project: Some(env.seeded("projects", &space, PROJECT)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(eval.task_type, TaskType::CodeEvaluation);
    let before = env.request_count();
    let e = tasks::create(
        c,
        &CreateTask {
            name: "bad".into(),
            task_type: "run_experiment".into(),
            dataset: Some(DATASET.into()),
            run_configuration: Some(llm_config(&integration)),
            sampling_rate: Some(0.1),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(field(e), "sampling_rate");
    assert_eq!(env.request_count(), before);
}

#[tokio::test]
async fn list_filters_and_pagination() {
    let env = Env::start().await;
    let c = &env.client;
    let space = env.space_id(SPACE);
    // The demo seed's own tasks in this space come on top of the bulk ones.
    let demo = env.emu.control().seed_info()["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["space_id"] == space.as_str())
        .count();
    assert!(demo > 0);
    let seeded = env.emu.control().bulk_seed_tasks(&space, 230, 0).unwrap();
    tasks::create_evaluation_task(c, &eval_task(&env, "the odd one"))
        .await
        .unwrap();

    let pages = tasks::list_all(
        c,
        ListTasksParams {
            space: Some(space.clone()),
            limit: Some(100),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(pages.len(), 3);
    let mut ids = HashSet::new();
    let mut rows = 0;
    for p in &pages {
        assert_eq!(p.batch.schema(), ax_core::table::task_schema());
        let col = p.batch.column_by_name("id").unwrap().as_string::<i32>();
        for i in 0..col.len() {
            ids.insert(col.value(i).to_owned());
            rows += 1;
        }
    }
    assert_eq!(rows, 231 + demo, "no loss");
    assert_eq!(ids.len(), 231 + demo, "no repeat");
    assert!(seeded.iter().all(|id| ids.contains(id)));

    // One page at a time with the cursor gives the same rows.
    let first = tasks::list(
        c,
        &ListTasksParams {
            space: Some(space.clone()),
            limit: Some(100),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(first.has_more);
    let second = tasks::list(
        c,
        &ListTasksParams {
            space: Some(space.clone()),
            limit: Some(100),
            cursor: first.next_cursor.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(second.raw, pages[1].raw);

    // Filters: name substring, type, project by name within the space, space by name.
    let odd = tasks::list(
        c,
        &ListTasksParams {
            space: Some(SPACE.into()),
            name: Some("ODD".into()),
            project: Some(PROJECT.into()),
            task_type: Some("template_evaluation".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let items = odd.items().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].name, "the odd one");
    let last = env.requests().into_iter().last().unwrap();
    assert!(last.path.starts_with("/v2/tasks"));
    let none = tasks::list(
        c,
        &ListTasksParams {
            space: Some(space.clone()),
            task_type: Some("RUN_EXPERIMENT".into()),
            name: Some("no such run-experiment task".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(none.is_empty());
    assert_eq!(none.batch.schema(), ax_core::table::task_schema());
}

#[tokio::test]
async fn validation_errors_send_no_request() {
    let env = Env::start().await;
    let c = &env.client;
    // Warm nothing: every call below must fail before any HTTP request.
    let before = env.request_count();
    let mut no_evaluators = eval_task(&env, "x");
    no_evaluators.evaluators.clear();
    assert_eq!(
        field(tasks::create_evaluation_task(c, &no_evaluators).await),
        "evaluators"
    );
    let mut both = eval_task(&env, "x");
    both.dataset = Some(DATASET.into());
    assert_eq!(
        field(tasks::create_evaluation_task(c, &both).await),
        "project, dataset"
    );
    let mut cfg = llm_config("TGxtOjE=");
    cfg.as_object_mut().unwrap().remove("input_variable_format");
    let e = tasks::create_run_experiment_task(
        c,
        &CreateRunExperimentTask {
            name: "x".into(),
            dataset: DATASET.into(),
            run_configuration: cfg,
            space: Some(SPACE.into()),
        },
    )
    .await;
    assert_eq!(field(e), "run_configuration.input_variable_format");
    assert_eq!(
        field(tasks::update(c, "x", Some(SPACE), &UpdateTask::default()).await),
        "name, sampling_rate, is_continuous, query_filter, query_filters, evaluators, run_configuration"
    );
    let e = tasks::trigger_run(
        c,
        "x",
        Some(SPACE),
        &TriggerRun {
            max_examples: Some(1),
            example_ids: Some(vec!["e".into()]),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(field(e), "example_ids, max_examples");
    let e = tasks::list(
        c,
        &ListTasksParams {
            limit: Some(500),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(field(e), "limit");
    // A name without a space: resolution hint, no request.
    match tasks::get(c, "some task", None).await {
        Err(Error::NameNotFound { hint, .. }) => {
            assert!(hint.unwrap().contains("provide the task ID"))
        }
        other => panic!("unexpected {other:?}"),
    }
    match tasks::list(
        c,
        &ListTasksParams {
            dataset: Some(DATASET.into()),
            ..Default::default()
        },
    )
    .await
    {
        Err(Error::NameNotFound { resource_type, .. }) => assert_eq!(resource_type, "dataset"),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(env.request_count(), before, "{:?}", env.requests());
}

#[tokio::test]
async fn server_side_rejections_surface_as_api_errors() {
    let env = Env::start().await;
    let c = &env.client;
    tasks::create_evaluation_task(c, &eval_task(&env, "dup"))
        .await
        .unwrap();
    let e = tasks::create_evaluation_task(c, &eval_task(&env, "dup"))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(400), "{e}");
    let e = tasks::get(c, "VGFzazo5OTk5OTpYWFhY", None)
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
    let e = tasks::get(c, "nope", Some(SPACE)).await.unwrap_err();
    assert!(matches!(e, Error::NameNotFound { .. }), "{e}");
}
