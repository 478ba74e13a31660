//! Triggering runs: window rules, dataset tasks, RUN_EXPERIMENT fields and experiments.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;

#[tokio::test]
async fn project_task_trigger_and_window_rules() {
    let api = start().await;
    let c = api.prod();
    let t = api.create_task(&project_task(&c, "w")).await;
    let id = tid(&t);
    // Never run: the start is required.
    for body in [json!({}), json!({"data_end_time": "2026-01-02T00:00:00Z"})] {
        trigger(&api, &id, body).await.assert_problem(400);
    }
    let bad = [
        json!({"data_start_time": "2026-01-02T00:00:00Z", "data_end_time": "2026-01-01T00:00:00Z"}),
        json!({"data_start_time": "2026-01-01T00:00:00Z", "data_end_time": "2026-01-01T00:00:00Z"}),
        json!({"data_start_time": "2026-01-01T00:00:00Z", "data_end_time": "2026-01-31T00:00:01Z"}),
        json!({"data_start_time": "yesterday"}),
        json!({"data_start_time": "2026-01-01T00:00:00Z", "max_spans": 0}),
        json!({"data_start_time": "2026-01-01T00:00:00Z", "max_spans": "many"}),
        json!({"data_start_time": "2026-01-01T00:00:00Z", "override_evaluations": "yes"}),
        json!({"data_start_time": "2026-01-01T00:00:00Z", "experiment_ids": [c.baseline]}),
        json!({"data_start_time": "2026-01-01T00:00:00Z", "experiment_name": "x"}),
        json!({"data_start_time": "2026-01-01T00:00:00Z", "bogus": 1}),
        json!({"id": "x"}),
    ];
    for body in bad {
        trigger(&api, &id, body.clone()).await.assert_problem(400);
    }
    api.send(
        Method::POST,
        Some(ADMIN),
        &format!("/v2/tasks/{id}/trigger"),
        Some("[1]"),
    )
    .await
    .assert_problem(400);
    // Exactly 30 days, with the SDK's `+00:00` offsets.
    let r = trigger(
        &api,
        &id,
        json!({"data_start_time": "2026-01-01T00:00:00+00:00", "data_end_time": "2026-01-31T00:00:00+00:00",
               "max_spans": 500, "override_evaluations": true}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let run = &r.body;
    assert_eq!(keys(run), fields(RUN_FIELDS));
    assert_eq!(run["status"], "PENDING");
    assert_eq!(run["task_id"], id.as_str());
    assert_eq!(run["experiment_id"], Value::Null);
    assert_eq!(run["run_started_at"], Value::Null);
    assert_eq!(run["run_finished_at"], Value::Null);
    assert_eq!(run["failure_reason"], Value::Null);
    assert_eq!(run["data_start_time"], "2026-01-01T00:00:00.000Z");
    assert_eq!(run["data_end_time"], "2026-01-31T00:00:00.000Z");
    assert_eq!(
        [
            &run["num_successes"],
            &run["num_errors"],
            &run["num_skipped"]
        ],
        [0, 0, 0]
    );
    assert_eq!(
        run["created_by_user_id"],
        api.user_id("ada.admin@example.com").as_str()
    );
    let task = api.get(ADMIN, &format!("/v2/tasks/{id}")).await.body;
    assert_eq!(task["last_run_at"], run["created_at"]);
    // Now it has run: {} (and an absent body) default to [last run, now].
    let r = trigger(&api, &id, json!({})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["data_start_time"], run["created_at"]);
    assert_eq!(r.body["data_end_time"], r.body["created_at"]);
    let r2 = api
        .send(
            Method::POST,
            Some(MEMBER),
            &format!("/v2/tasks/{id}/trigger"),
            None,
        )
        .await;
    assert_eq!(r2.status, 201, "{}", r2.text);
    assert_eq!(r2.body["data_start_time"], r.body["created_at"]);
    // A start without an end ends now; a naive timestamp is UTC.
    let start = (chrono::Utc::now() - chrono::TimeDelta::hours(1)).format("%Y-%m-%dT%H:%M:%S");
    let r = trigger(&api, &id, json!({"data_start_time": start.to_string()})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["data_start_time"], format!("{start}.000Z"));
    assert_eq!(r.body["data_end_time"], r.body["created_at"]);
    api.post(ADMIN, "/v2/tasks/nope/trigger", &json!({}))
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn dataset_task_trigger() {
    let api = start().await;
    let c = api.prod();
    let g = api.content("Globex Research", "production");
    let t = api.create_task(&dataset_task(&c, "d")).await;
    let id = tid(&t);
    let r = trigger(&api, &id, json!({})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["data_start_time"], Value::Null);
    assert_eq!(r.body["data_end_time"], Value::Null);
    let r = trigger(
        &api,
        &id,
        json!({"experiment_ids": [c.candidate, c.baseline], "max_spans": 5}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    trigger(&api, &id, json!({"experiment_ids": ["nope"]}))
        .await
        .assert_problem(404);
    trigger(&api, &id, json!({"experiment_ids": [g.baseline]}))
        .await
        .assert_problem(422);
    trigger(&api, &id, json!({"max_examples": 3}))
        .await
        .assert_problem(400);
}

#[tokio::test]
async fn run_experiment_trigger() {
    let api = start().await;
    let c = api.prod();
    let g = api.content("Globex Research", "production");
    let t = api.create_task(&experiment_task(&c, "rx")).await;
    let id = tid(&t);
    let bad = [
        json!({}),
        json!({"experiment_name": ""}),
        json!({"experiment_name": "say \"hi\""}),
        json!({"experiment_name": "back\\slash"}),
        json!({"experiment_name": "x".repeat(256)}),
        json!({"experiment_name": "e", "example_ids": ["a"], "max_examples": 1}),
        json!({"experiment_name": "e", "max_examples": 0}),
        json!({"experiment_name": "e", "tracing_metadata": {"n": 1}}),
        json!({"experiment_name": "e", "data_start_time": "2026-01-01T00:00:00Z"}),
        json!({"experiment_name": "e", "max_spans": 10}),
        json!({"experiment_name": "e", "override_evaluations": true}),
        json!({"experiment_name": "e", "experiment_ids": [c.baseline]}),
    ];
    for body in bad {
        let r = trigger(&api, &id, body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
    }
    trigger(
        &api,
        &id,
        json!({"experiment_name": "e", "dataset_version_id": "nope"}),
    )
    .await
    .assert_problem(404);
    trigger(
        &api,
        &id,
        json!({"experiment_name": "e", "dataset_version_id": g.v1}),
    )
    .await
    .assert_problem(422);
    trigger(
        &api,
        &id,
        json!({"experiment_name": "e", "evaluation_task_ids": ["nope"]}),
    )
    .await
    .assert_problem(404);
    let rx2 = api.create_task(&experiment_task(&c, "rx2")).await;
    trigger(
        &api,
        &id,
        json!({"experiment_name": "e", "evaluation_task_ids": [tid(&rx2)]}),
    )
    .await
    .assert_problem(422);
    // Names are unique within the dataset (seeded ones too): 409.
    trigger(&api, &id, json!({"experiment_name": "baseline"}))
        .await
        .assert_problem(409);

    let eval = api.create_task(&dataset_task(&c, "after")).await;
    let r = trigger(
        &api,
        &id,
        json!({"experiment_name": "run-1", "max_examples": 5, "tracing_metadata": {"branch": "main"},
               "evaluation_task_ids": [tid(&eval)], "query_filter": "x = 1"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["data_start_time"], Value::Null);
    assert_eq!(r.body["data_end_time"], Value::Null);
    let exp_id = r.body["experiment_id"].as_str().unwrap().to_owned();
    let exps = api
        .get(ADMIN, &format!("/v2/experiments?dataset_id={}", c.dataset))
        .await;
    assert_eq!(
        names(&exps, "experiments"),
        ["run-1", "candidate", "baseline"]
    );
    let e = &exps.body["experiments"][0];
    assert_eq!(e["id"], exp_id.as_str());
    assert_eq!(
        e["dataset_version_id"],
        c.v2.as_str(),
        "latest version by default"
    );
    assert_eq!(e["space_id"], c.space.as_str());
    trigger(&api, &id, json!({"experiment_name": "run-1"}))
        .await
        .assert_problem(409);
    let r = trigger(
        &api,
        &id,
        json!({"experiment_name": "run-2", "dataset_version_id": c.v1, "example_ids": ["a", "b"]}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let exps = api
        .get(
            ADMIN,
            &format!("/v2/experiments?dataset_id={}&name=run-2", c.dataset),
        )
        .await;
    assert_eq!(
        exps.body["experiments"][0]["dataset_version_id"],
        c.v1.as_str()
    );
    // Two examples → at most two items once complete.
    api.emu
        .control()
        .force_run_status(r.body["id"].as_str().unwrap(), "COMPLETED", None)
        .unwrap();
    let run = get_run(&api, r.body["id"].as_str().unwrap()).await;
    let total: u64 = ["num_successes", "num_errors", "num_skipped"]
        .iter()
        .map(|k| run[k].as_u64().unwrap())
        .sum();
    assert_eq!(total, 2);
    let task = api.get(ADMIN, &format!("/v2/tasks/{id}")).await.body;
    assert_eq!(task["last_run_at"], r.body["created_at"]);
}
