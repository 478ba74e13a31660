//! Names where a task create takes IDs: evaluator names, an AI integration name in the run
//! configuration and experiment names, resolved in the task's space (or dataset), end to
//! end through a finished run.

use ax_core::api::tasks::{
    self, CreateEvaluationTask, CreateRunExperimentTask, CreateTask, TriggerRun,
};
use ax_core::model::{TaskEvaluatorInput, TaskRunStatus, TaskType};
use ax_core::poll::wait_for_run;
use ax_core::Error;
use chrono::{Duration as Td, Utc};
use serde_json::{json, Value};

use crate::common::{Env, CODE_EVALUATOR, DATASET, INTEGRATION, PROJECT, TEMPLATE_EVALUATOR};
use crate::runs::fast;

fn llm_config(integration: &str) -> Value {
    json!({
        "experiment_type": "LLM_GENERATION",
        "ai_integration_id": integration,
        "input_variable_format": "F_STRING",
        "messages": [{"role": "USER", "content": "{question}"}]
    })
}

fn field<T: std::fmt::Debug>(r: ax_core::Result<T>) -> String {
    match r {
        Err(Error::Validation { field, .. }) => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// Requests whose path starts with `prefix`, as `METHOD path?query`.
fn sent(env: &Env, prefix: &str) -> Vec<String> {
    env.requests()
        .into_iter()
        .filter(|r| r.path.starts_with(prefix))
        .map(|r| format!("{} {}?{}", r.method, r.path, r.query))
        .collect()
}

fn template_task(name: &str, evaluator: &str, space: Option<&str>) -> CreateEvaluationTask {
    CreateEvaluationTask {
        name: name.into(),
        task_type: "TEMPLATE_EVALUATION".into(),
        evaluators: vec![TaskEvaluatorInput::new(evaluator)],
        project: Some(PROJECT.into()),
        space: space.map(Into::into),
        ..Default::default()
    }
}

#[tokio::test]
async fn evaluator_name_on_a_project_task_then_a_finished_run() {
    let env = Env::start().await;
    env.timeline(50, 100, 0.0, false);
    let c = &env.client;
    let space = env.space_id("support-bot-evals");
    let evaluator = env.seeded("evaluators", &space, TEMPLATE_EVALUATOR);
    let t = tasks::create_evaluation_task(
        c,
        &template_task(
            "by evaluator name",
            TEMPLATE_EVALUATOR,
            Some("support-bot-evals"),
        ),
    )
    .await
    .unwrap();
    assert_eq!(t.task_type, TaskType::TemplateEvaluation);
    assert_eq!(t.evaluators.len(), 1);
    assert_eq!(t.evaluators[0].evaluator_id, evaluator);
    assert_eq!(
        t.evaluators[0].evaluator_name.as_deref(),
        Some(TEMPLATE_EVALUATOR)
    );
    assert_eq!(
        t.project_id.as_deref(),
        Some(env.seeded("projects", &space, PROJECT).as_str())
    );
    // The space is resolved once; the evaluator and the project are looked up by name
    // filtered by the space's name, together with the space (one round trip).
    assert_eq!(sent(&env, "/v2/spaces").len(), 1);
    for lookups in [sent(&env, "/v2/evaluators"), sent(&env, "/v2/projects")] {
        assert_eq!(lookups.len(), 1, "{lookups:?}");
        assert!(
            lookups[0].contains("space_name=support-bot-evals"),
            "{lookups:?}"
        );
    }
    assert!(sent(&env, "/v2/evaluators")[0].contains("name=hallucination"));

    let run = tasks::trigger_run(
        c,
        &t.id,
        None,
        &TriggerRun {
            data_start_time: Some(Utc::now() - Td::hours(2)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(run.task_id, t.id);
    let done = wait_for_run(c, &run.id, &fast(), None).await.unwrap();
    assert_eq!(done.status, TaskRunStatus::Completed);
    assert!(done.num_successes > 0);
}

#[tokio::test]
async fn experiment_names_on_a_dataset_task_then_a_finished_run() {
    let env = Env::start().await;
    env.timeline(50, 100, 0.0, false);
    let c = &env.client;
    let space = env.space_id("playground");
    let baseline = env.seeded("experiments", &space, "baseline");
    let candidate = env.seeded("experiments", &space, "candidate");
    let t = tasks::create_evaluation_task(
        c,
        &CreateEvaluationTask {
            name: "by experiment names".into(),
            task_type: "code_evaluation".into(),
            evaluators: vec![TaskEvaluatorInput::new(CODE_EVALUATOR)],
            dataset: Some(DATASET.into()),
            space: Some("playground".into()),
            // A name and an ID mixed; the order is kept.
            experiment_ids: Some(vec!["candidate".into(), baseline.clone()]),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(t.task_type, TaskType::CodeEvaluation);
    assert!(t.is_dataset_based());
    assert_eq!(
        t.dataset_id.as_deref(),
        Some(env.seeded("datasets", &space, DATASET).as_str())
    );
    assert_eq!(t.experiment_ids, vec![candidate, baseline]);
    assert_eq!(
        t.evaluators[0].evaluator_id,
        env.seeded("evaluators", &space, CODE_EVALUATOR)
    );
    let experiments = sent(&env, "/v2/experiments");
    assert_eq!(
        experiments.len(),
        1,
        "only the name is looked up: {experiments:?}"
    );
    assert!(experiments[0].contains("dataset_id=") && experiments[0].contains("name=candidate"));

    let run = tasks::trigger_run(c, &t.id, None, &TriggerRun::default())
        .await
        .unwrap();
    let done = wait_for_run(c, &run.id, &fast(), None).await.unwrap();
    assert_eq!(done.status, TaskRunStatus::Completed);
}

#[tokio::test]
async fn integration_name_on_a_run_experiment_task_then_a_finished_run() {
    let env = Env::start().await;
    env.timeline(50, 100, 0.0, false);
    let c = &env.client;
    let space = env.space_id("research-sandbox");
    let integration = env.seeded("ai_integrations", &space, INTEGRATION);
    let t = tasks::create_run_experiment_task(
        c,
        &CreateRunExperimentTask {
            name: "by integration name".into(),
            dataset: DATASET.into(),
            run_configuration: llm_config(INTEGRATION),
            space: Some("research-sandbox".into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(t.task_type, TaskType::RunExperiment);
    let rc = t.run_configuration.as_ref().unwrap();
    assert_eq!(rc["ai_integration_id"].as_str(), Some(integration.as_str()));
    assert_eq!(
        t.dataset_id.as_deref(),
        Some(env.seeded("datasets", &space, DATASET).as_str())
    );
    assert_eq!(sent(&env, "/v2/spaces").len(), 1, "space resolved once");
    let looked = sent(&env, "/v2/ai-integrations");
    assert_eq!(looked.len(), 1);
    assert!(looked[0].contains("name=openai-default"), "{looked:?}");

    let run = tasks::trigger_run(
        c,
        "by integration name",
        Some("research-sandbox"),
        &TriggerRun {
            experiment_name: Some("named-integration-run".into()),
            max_examples: Some(3),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let done = wait_for_run(c, &run.id, &fast(), None).await.unwrap();
    assert_eq!(done.status, TaskRunStatus::Completed);
    assert!(done.experiment_id.is_some());
}

#[tokio::test]
async fn the_create_dispatcher_resolves_names_too() {
    let env = Env::start().await;
    let c = &env.client;
    let space = env.space_id("staging");
    let t = tasks::create(
        c,
        &CreateTask {
            name: "dispatched".into(),
            task_type: "template-evaluation".into(),
            evaluators: Some(vec![TaskEvaluatorInput::new(TEMPLATE_EVALUATOR)]),
            project: Some(PROJECT.into()),
            space: Some(space.clone()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        t.evaluators[0].evaluator_id,
        env.seeded("evaluators", &space, TEMPLATE_EVALUATOR)
    );
    assert!(
        sent(&env, "/v2/spaces").is_empty(),
        "a space ID is not resolved"
    );
}

#[tokio::test]
async fn unknown_names_fail_naming_the_field_and_nothing_is_created() {
    let env = Env::start().await;
    let c = &env.client;
    match tasks::create_evaluation_task(c, &template_task("x", "halluc", Some("staging"))).await {
        Err(e @ Error::NameNotFound { .. }) => {
            let text = e.to_string();
            assert!(text.contains("evaluators[0].evaluator_id"), "{text}");
            assert!(
                text.starts_with(
                    "evaluator 'halluc' not found. Available evaluators: hallucination"
                ),
                "{text}"
            );
            let Error::NameNotFound {
                resource_type,
                available_names,
                ..
            } = e
            else {
                unreachable!()
            };
            assert_eq!(resource_type, "evaluator");
            assert_eq!(available_names, vec![TEMPLATE_EVALUATOR.to_owned()]);
        }
        other => panic!("expected NameNotFound, got {other:?}"),
    }
    // The second evaluator's name is the one named.
    let mut two = template_task("x", TEMPLATE_EVALUATOR, Some("staging"));
    two.evaluators
        .push(TaskEvaluatorInput::new("no-such-evaluator"));
    match tasks::create_evaluation_task(c, &two).await {
        Err(e @ Error::NameNotFound { .. }) => {
            let text = e.to_string();
            assert!(text.contains("evaluators[1].evaluator_id"), "{text}");
            assert!(!text.contains("evaluators[0]"), "{text}");
        }
        other => panic!("expected NameNotFound, got {other:?}"),
    }
    let e = tasks::create_evaluation_task(
        c,
        &CreateEvaluationTask {
            name: "x".into(),
            task_type: "CODE_EVALUATION".into(),
            evaluators: vec![TaskEvaluatorInput::new(CODE_EVALUATOR)],
            dataset: Some(DATASET.into()),
            space: Some("staging".into()),
            experiment_ids: Some(vec!["baseline".into(), "nightly".into()]),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, Error::NameNotFound { ref resource_type, .. } if resource_type == "experiment")
    );
    assert!(e.to_string().contains("experiment_ids[1]"), "{e}");
    let e = tasks::create_run_experiment_task(
        c,
        &CreateRunExperimentTask {
            name: "x".into(),
            dataset: DATASET.into(),
            run_configuration: llm_config("openai"),
            space: Some("staging".into()),
        },
    )
    .await
    .unwrap_err();
    assert!(
        e.to_string().starts_with(
            "AI integration 'openai' not found. Available AI integrations: openai-default"
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("run_configuration.ai_integration_id"),
        "{e}"
    );
    // An ambiguous space name fails the same way as elsewhere.
    assert!(matches!(
        tasks::create_evaluation_task(
            c,
            &template_task("x", TEMPLATE_EVALUATOR, Some("production"))
        )
        .await,
        Err(Error::AmbiguousName { .. })
    ));
    assert_eq!(env.count("POST", "/v2/tasks"), 0, "nothing was created");
}

#[tokio::test]
async fn names_without_a_space_fail_before_any_request() {
    let env = Env::start().await;
    let c = &env.client;
    let staging = env.space_id("staging");
    let project = env.seeded("projects", &staging, PROJECT);
    let dataset = env.seeded("datasets", &staging, DATASET);
    let mut t = template_task("x", TEMPLATE_EVALUATOR, None);
    t.project = Some(project.clone());
    match tasks::create_evaluation_task(c, &t).await {
        Err(Error::Validation { field, message }) => {
            assert_eq!(field, "evaluators[0].evaluator_id");
            assert!(
                message.contains("'hallucination'") && message.contains("space"),
                "{message}"
            );
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    // A blank space is refused as such.
    t.space = Some("  ".into());
    assert_eq!(field(tasks::create_evaluation_task(c, &t).await), "space");
    let mut second = template_task(
        "x",
        &env.seeded("evaluators", &staging, TEMPLATE_EVALUATOR),
        None,
    );
    second.project = Some(project);
    second
        .evaluators
        .push(TaskEvaluatorInput::new(CODE_EVALUATOR));
    assert_eq!(
        field(tasks::create_evaluation_task(c, &second).await),
        "evaluators[1].evaluator_id"
    );
    assert_eq!(
        field(
            tasks::create_run_experiment_task(
                c,
                &CreateRunExperimentTask {
                    name: "x".into(),
                    dataset: dataset.clone(),
                    run_configuration: llm_config(INTEGRATION),
                    space: None,
                },
            )
            .await
        ),
        "run_configuration.ai_integration_id"
    );
    assert!(env.requests().is_empty(), "{:?}", env.requests());

    // Experiment names need only the dataset: with a dataset ID and no space they resolve.
    let t = tasks::create_evaluation_task(
        c,
        &CreateEvaluationTask {
            name: "experiments by dataset ID".into(),
            task_type: "CODE_EVALUATION".into(),
            evaluators: vec![TaskEvaluatorInput::new(env.seeded(
                "evaluators",
                &staging,
                CODE_EVALUATOR,
            ))],
            dataset: Some(dataset),
            experiment_ids: Some(vec!["baseline".into()]),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        t.experiment_ids,
        vec![env.seeded("experiments", &staging, "baseline")]
    );
}

#[tokio::test]
async fn ids_are_sent_unchanged_without_lookups() {
    let env = Env::start().await;
    let c = &env.client;
    let staging = env.space_id("staging");
    let evaluator = env.seeded("evaluators", &staging, TEMPLATE_EVALUATOR);
    let project = env.seeded("projects", &staging, PROJECT);
    let mut t = template_task("by id", &evaluator, Some("staging"));
    t.project = Some(project.clone());
    let created = tasks::create_evaluation_task(c, &t).await.unwrap();
    assert_eq!(created.evaluators[0].evaluator_id, evaluator);
    assert_eq!(created.project_id.as_deref(), Some(project.as_str()));

    let dataset = env.seeded("datasets", &staging, DATASET);
    let baseline = env.seeded("experiments", &staging, "baseline");
    let ds = tasks::create_evaluation_task(
        c,
        &CreateEvaluationTask {
            name: "dataset by id".into(),
            task_type: "CODE_EVALUATION".into(),
            evaluators: vec![TaskEvaluatorInput::new(env.seeded(
                "evaluators",
                &staging,
                CODE_EVALUATOR,
            ))],
            dataset: Some(dataset.clone()),
            experiment_ids: Some(vec![baseline.clone()]),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(ds.experiment_ids, vec![baseline]);

    let integration = env.seeded("ai_integrations", &staging, INTEGRATION);
    let run = tasks::create_run_experiment_task(
        c,
        &CreateRunExperimentTask {
            name: "run by id".into(),
            dataset,
            run_configuration: llm_config(&integration),
            space: Some(staging.clone()),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        run.run_configuration.unwrap()["ai_integration_id"].as_str(),
        Some(integration.as_str())
    );

    let methods: Vec<String> = env
        .requests()
        .into_iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        methods,
        vec!["POST /v2/tasks"; 3],
        "no evaluator, integration, experiment or space lookup"
    );
}
