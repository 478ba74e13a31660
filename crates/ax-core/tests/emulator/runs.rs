//! Triggering, listing, getting and cancelling task runs.

use std::collections::HashSet;

use arrow_array::cast::AsArray;
use arrow_array::Array;
use ax_core::api::runs::{self, ListRunsParams};
use ax_core::api::tasks::{self, CreateEvaluationTask, CreateRunExperimentTask, TriggerRun};
use ax_core::model::{Task, TaskEvaluatorInput, TaskRunStatus};
use ax_core::poll::{wait_for_run, WaitOptions};
use ax_core::Error;
use chrono::{Duration as Td, Utc};
use serde_json::json;

use crate::common::{Env, DATASET, INTEGRATION, PROJECT, SPACE, TEMPLATE_EVALUATOR};

pub async fn project_task(env: &Env, name: &str) -> Task {
    let space = env.space_id(SPACE);
    tasks::create_evaluation_task(
        &env.client,
        &CreateEvaluationTask {
            name: name.into(),
            task_type: "TEMPLATE_EVALUATION".into(),
            evaluators: vec![TaskEvaluatorInput::new(env.seeded(
                "evaluators",
                &space,
                TEMPLATE_EVALUATOR,
            ))],
            project: Some(PROJECT.into()),
            space: Some(space),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

pub fn fast() -> WaitOptions {
    WaitOptions {
        poll_interval: std::time::Duration::from_millis(50),
        timeout: std::time::Duration::from_secs(10),
    }
}

#[tokio::test]
async fn trigger_evaluation_run() {
    let env = Env::start().await;
    env.timeline(100, 200, 0.0, false);
    let c = &env.client;
    let t = project_task(&env, "eval-trigger").await;
    // A never-run project task needs a start; the end defaults to now.
    let start = Utc::now() - Td::hours(6);
    let run = tasks::trigger_run(
        c,
        "eval-trigger",
        Some(SPACE),
        &TriggerRun {
            data_start_time: Some(start),
            max_spans: Some(500),
            override_evaluations: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(run.status, TaskRunStatus::Pending);
    assert_eq!(run.task_id, t.id);
    let s = run.data_start_time.unwrap();
    assert!(
        (s - start).num_milliseconds().abs() < 1000,
        "{s} vs {start}"
    );
    let end = run.data_end_time.expect("end filled with now");
    assert!((Utc::now() - end).num_seconds().abs() < 30);
    let body = env
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == "POST")
        .unwrap();
    assert!(body.path.ends_with("/trigger"));
    assert_eq!(body.status, 201);

    let got = runs::get_run(c, &run.id).await.unwrap();
    assert_eq!(got.id, run.id);
    let done = wait_for_run(c, &run.id, &fast(), None).await.unwrap();
    assert_eq!(done.status, TaskRunStatus::Completed);
    assert!(done.run_started_at.is_some() && done.run_finished_at.is_some());

    // After a run, an empty trigger body is valid (the server defaults the window).
    let again = tasks::trigger_run(c, &t.id, None, &TriggerRun::default())
        .await
        .unwrap();
    assert_eq!(again.status, TaskRunStatus::Pending);
    assert!(tasks::get(c, &t.id, None)
        .await
        .unwrap()
        .last_run_at
        .is_some());
}

#[tokio::test]
async fn trigger_run_experiment() {
    let env = Env::start().await;
    env.timeline(50, 150, 0.0, false);
    let c = &env.client;
    let space = env.space_id(SPACE);
    let t = tasks::create_run_experiment_task(
        c,
        &CreateRunExperimentTask {
            name: "exp-task".into(),
            dataset: DATASET.into(),
            run_configuration: json!({
                "experiment_type": "LLM_GENERATION",
                "ai_integration_id": env.seeded("ai_integrations", &space, INTEGRATION),
                "input_variable_format": "F_STRING",
                "messages": [{"role": "USER", "content": "{question}"}]
            }),
            space: Some(space.clone()),
        },
    )
    .await
    .unwrap();
    let run = tasks::trigger_run(
        c,
        &t.id,
        None,
        &TriggerRun {
            experiment_name: Some("baseline-2026-03-01".into()),
            max_examples: Some(5),
            tracing_metadata: Some([("branch".to_owned(), "main".to_owned())].into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(run.data_start_time.is_none() && run.data_end_time.is_none());
    let done = wait_for_run(c, &run.id, &fast(), None).await.unwrap();
    assert_eq!(done.status, TaskRunStatus::Completed);
    assert!(done.experiment_id.is_some());
    // Fields of the other variant are refused after the GET, without a POST.
    let posts = env.count("POST", "/v2/tasks");
    let e = tasks::trigger_run(
        c,
        &t.id,
        None,
        &TriggerRun {
            experiment_name: Some("x".into()),
            override_evaluations: Some(false),
            ..Default::default()
        },
    )
    .await;
    assert!(matches!(e, Err(Error::Validation { field, .. }) if field == "override_evaluations"));
    assert_eq!(env.count("POST", "/v2/tasks"), posts);
}

#[tokio::test]
async fn list_runs_pagination_and_status_filter() {
    let env = Env::start().await;
    let c = &env.client;
    let space = env.space_id(SPACE);
    let ids = env.emu.control().bulk_seed_tasks(&space, 1, 130).unwrap();
    let task = &ids[0];
    let pages = runs::list_runs_all(
        c,
        task,
        None,
        ListRunsParams {
            limit: Some(50),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(pages.len(), 3);
    let mut seen = HashSet::new();
    let mut rows = 0;
    for p in &pages {
        assert_eq!(p.batch.schema(), ax_core::table::task_run_schema());
        let col = p.batch.column_by_name("id").unwrap().as_string::<i32>();
        for i in 0..col.len() {
            seen.insert(col.value(i).to_owned());
            rows += 1;
        }
    }
    assert_eq!((rows, seen.len()), (130, 130), "no loss, no repeat");
    let items = pages[0].items().unwrap();
    assert!(items.iter().all(|r| &r.task_id == task));

    let completed = runs::list_runs(
        c,
        task,
        None,
        &ListRunsParams {
            status: Some("completed".into()),
            limit: Some(100),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(completed.len(), 100);
    let last = env.requests().into_iter().last().unwrap();
    assert!(last.query.contains("status=COMPLETED"), "{last:?}");
    let pending = runs::list_runs(
        c,
        task,
        None,
        &ListRunsParams {
            status: Some("PENDING".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(pending.is_empty());
    assert_eq!(pending.batch.schema(), ax_core::table::task_run_schema());
}

#[tokio::test]
async fn cancel_run_and_cancel_finished_run() {
    let env = Env::start().await;
    env.timeline(50, 100, 0.0, true);
    let c = &env.client;
    let t = project_task(&env, "cancel-me").await;
    let run = tasks::trigger_run(
        c,
        &t.id,
        None,
        &TriggerRun {
            data_start_time: Some(Utc::now() - Td::days(1)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let cancelled = runs::cancel_run(c, &run.id).await.unwrap();
    assert_eq!(cancelled.status, TaskRunStatus::Cancelled);
    assert!(cancelled.run_finished_at.is_some());
    let e = runs::cancel_run(c, &run.id).await.unwrap_err();
    assert_eq!(e.status(), Some(400), "{e}");
    assert_eq!(env.count("POST", "/v2/task-runs"), 2);
    let e = runs::get_run(c, "VGFza1J1bjo5OTk5OTpYWFhY")
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
}

#[tokio::test]
async fn cancel_is_not_resent_on_503() {
    let env = Env::start().await;
    env.timeline(50, 100, 0.0, true);
    let t = project_task(&env, "no-resend").await;
    let run = tasks::trigger_run(
        &env.client,
        &t.id,
        None,
        &TriggerRun {
            data_start_time: Some(Utc::now() - Td::days(1)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    env.emu.control().add_fault(ax_emulator::Fault {
        method: Some("POST".into()),
        path: "/v2/task-runs/*".into(),
        status: Some(503),
        count: 3,
        ..Default::default()
    });
    let e = runs::cancel_run(&env.client, &run.id).await.unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(env.count("POST", "/v2/task-runs"), 1);
}
