//! Task runs: the time-driven lifecycle, cancel, listing, run control.

use std::time::{Duration, Instant};

use ax_emulator::RunTimeline;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;

/// Polls until the run is terminal, checking that counters never shrink.
async fn wait_terminal(api: &Api, run: &str) -> (Value, Vec<String>) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    let mut last = [0u64; 3];
    loop {
        let r = get_run(api, run).await;
        let counts = ["num_successes", "num_errors", "num_skipped"].map(|k| r[k].as_u64().unwrap());
        assert!(
            counts.iter().zip(last).all(|(n, l)| *n >= l),
            "counters shrank: {r}"
        );
        last = counts;
        let status = r["status"].as_str().unwrap().to_owned();
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if ["COMPLETED", "FAILED", "CANCELLED"].contains(&status.as_str()) {
            return (r, seen);
        }
        assert!(Instant::now() < deadline, "run never finished: {r}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
#[tokio::test]
async fn lifecycle_follows_the_clock() {
    let api = start().await;
    let c = api.prod();
    api.fast_runs(50, 150);
    let t = api.create_task(&dataset_task(&c, "d")).await;
    let r = trigger(
        &api,
        &tid(&t),
        json!({"experiment_ids": [c.baseline, c.candidate]}),
    )
    .await;
    assert_eq!(r.body["status"], "PENDING");
    let id = r.body["id"].as_str().unwrap().to_owned();
    let (done, seen) = wait_terminal(&api, &id).await;
    assert_eq!(seen.first().map(String::as_str), Some("PENDING"));
    assert!(seen.contains(&"RUNNING".to_owned()), "{seen:?}");
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(done["failure_reason"], Value::Null);
    let started = done["run_started_at"].as_str().unwrap();
    let finished = done["run_finished_at"].as_str().unwrap();
    assert!(started > done["created_at"].as_str().unwrap() && finished > started);
    // 24 + 30 examples.
    let total: u64 = ["num_successes", "num_errors", "num_skipped"]
        .iter()
        .map(|k| done[k].as_u64().unwrap())
        .sum();
    assert_eq!(total, 54);
    // Stable once finished.
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert_eq!(get_run(&api, &id).await, done);
    // RUNNING has a start but no finish.
    api.fast_runs(0, 60_000);
    let r = trigger(&api, &tid(&t), json!({})).await;
    let running = get_run(&api, r.body["id"].as_str().unwrap()).await;
    assert_eq!(running["status"], "RUNNING");
    assert!(running["run_started_at"].is_string());
    assert_eq!(running["run_finished_at"], Value::Null);
}

#[tokio::test]
async fn failure_rate_one_fails_with_a_reason() {
    let api = start().await;
    let c = api.prod();
    api.emu.control().set_run_timeline(RunTimeline {
        pending_ms: 10,
        running_ms: 20,
        failure_rate: 1.0,
        never_finish: false,
    });
    let t = api.create_task(&project_task(&c, "f")).await;
    let r = trigger(
        &api,
        &tid(&t),
        json!({"data_start_time": "2026-01-01T00:00:00Z", "data_end_time": "2026-01-01T01:00:00Z"}),
    )
    .await;
    let (done, _) = wait_terminal(&api, r.body["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "FAILED");
    assert!(!done["failure_reason"].as_str().unwrap().is_empty());
    assert!(done["run_finished_at"].is_string());
    assert!(done["num_errors"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn never_finish_and_cancel() {
    let api = start().await;
    let c = api.prod();
    api.emu.control().set_run_timeline(RunTimeline {
        pending_ms: 0,
        running_ms: 20,
        failure_rate: 0.0,
        never_finish: true,
    });
    let t = api.create_task(&dataset_task(&c, "n")).await;
    let id = tid(&t);
    let r = trigger(&api, &id, json!({})).await;
    let run_id = r.body["id"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(80)).await;
    let running = get_run(&api, &run_id).await;
    assert_eq!(running["status"], "RUNNING");
    // Cancel: read-only 403, invisible 404, member 200.
    let path = format!("/v2/task-runs/{run_id}/cancel");
    api.post(READ_ONLY, &path, &json!({}))
        .await
        .assert_problem(403);
    api.post(ORG2, &path, &json!({})).await.assert_problem(404);
    api.post(ADMIN, "/v2/task-runs/nope/cancel", &json!({}))
        .await
        .assert_problem(404);
    let r = api.send(Method::POST, Some(MEMBER), &path, None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "CANCELLED");
    assert_eq!(r.body["failure_reason"], "Cancelled by user");
    assert!(r.body["run_finished_at"].is_string());
    assert_eq!(r.body["run_started_at"], running["run_started_at"]);
    assert!(r.body["num_successes"].as_u64() >= running["num_successes"].as_u64());
    // Terminal: a second cancel is a 400 and changes nothing.
    api.post(ADMIN, &path, &json!({})).await.assert_problem(400);
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(get_run(&api, &run_id).await, r.body);
    // Cancel while PENDING: no start time.
    api.fast_runs(60_000, 10);
    let p = trigger(&api, &id, json!({})).await;
    let r = api
        .post(
            ADMIN,
            &format!("/v2/task-runs/{}/cancel", p.body["id"].as_str().unwrap()),
            &json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "CANCELLED");
    assert_eq!(r.body["run_started_at"], Value::Null);
    // A COMPLETED run cannot be cancelled.
    api.fast_runs(0, 0);
    let d = trigger(&api, &id, json!({})).await;
    let did = d.body["id"].as_str().unwrap();
    assert_eq!(get_run(&api, did).await["status"], "COMPLETED");
    api.post(ADMIN, &format!("/v2/task-runs/{did}/cancel"), &json!({}))
        .await
        .assert_problem(400);
}

#[tokio::test]
async fn list_runs_newest_first_with_status_filter() {
    let api = start().await;
    let c = api.prod();
    api.fast_runs(60_000, 10);
    let t = api.create_task(&dataset_task(&c, "l")).await;
    let id = tid(&t);
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(
            trigger(&api, &id, json!({})).await.body["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    for run in &ids[..2] {
        api.post(ADMIN, &format!("/v2/task-runs/{run}/cancel"), &json!({}))
            .await;
    }
    let other = api.create_task(&dataset_task(&c, "other")).await;
    trigger(&api, &tid(&other), json!({})).await;
    let path = format!("/v2/tasks/{id}/runs");
    let r = api.get(ANNOTATOR, &path).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let got: Vec<&str> = r.body["task_runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let mut want: Vec<&str> = ids.iter().map(String::as_str).collect();
    want.reverse();
    assert_eq!(got, want);
    assert_eq!(keys(&r.body["task_runs"][0]), fields(RUN_FIELDS));
    let count = |body: &Value| body["task_runs"].as_array().unwrap().len();
    assert_eq!(
        count(
            &api.get(ADMIN, &format!("{path}?status=CANCELLED"))
                .await
                .body
        ),
        2
    );
    assert_eq!(
        count(&api.get(ADMIN, &format!("{path}?status=PENDING")).await.body),
        3
    );
    assert_eq!(
        count(
            &api.get(ADMIN, &format!("{path}?status=COMPLETED"))
                .await
                .body
        ),
        0
    );
    api.get(ADMIN, &format!("{path}?status=pending"))
        .await
        .assert_problem(400);
    api.get(ADMIN, &format!("{path}?status=DONE"))
        .await
        .assert_problem(400);
    let (all, pages) = walk_all(&api, ADMIN, &format!("{path}?limit=2"), "task_runs").await;
    assert_eq!((all.len(), pages), (5, 3));
    let (pending, _) = walk_all(
        &api,
        ADMIN,
        &format!("{path}?limit=2&status=PENDING"),
        "task_runs",
    )
    .await;
    assert_eq!(pending.len(), 3);
    api.get(ORG2, &path).await.assert_problem(404);
    api.get(ORG2, &format!("/v2/task-runs/{}", ids[0]))
        .await
        .assert_problem(404);
    assert_eq!(
        api.get(READ_ONLY, &format!("/v2/task-runs/{}", ids[0]))
            .await
            .status,
        200
    );
    api.get(ADMIN, "/v2/task-runs/nope")
        .await
        .assert_problem(404);
    // Cursors of one task's runs do not work for another's.
    let first = api.get(ADMIN, &format!("{path}?limit=1")).await;
    let cursor = first.body["pagination"]["next_cursor"].as_str().unwrap();
    api.get(
        ADMIN,
        &format!("/v2/tasks/{}/runs?limit=1&cursor={cursor}", tid(&other)),
    )
    .await
    .assert_problem(400);
}

#[tokio::test]
async fn run_control_timeline_and_forced_status() {
    let api = start_control().await;
    let c = api.prod();
    let ctl = api.emu.control();
    assert_eq!(ctl.run_timeline(), RunTimeline::default());
    let r = api
        .send(Method::GET, None, "/_emulator/run-timeline", None)
        .await;
    assert_eq!(
        r.body,
        json!({"pending_ms": 500, "running_ms": 1500, "failure_rate": 0.0, "never_finish": false})
    );
    let r = api
        .send(
            Method::PUT,
            None,
            "/_emulator/run-timeline",
            Some(r#"{"pending_ms": 60000, "never_finish": true}"#),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["pending_ms"], 60000);
    assert_eq!(r.body["running_ms"], 1500);
    assert!(ctl.run_timeline().never_finish);
    api.send(
        Method::PUT,
        None,
        "/_emulator/run-timeline",
        Some(r#"{"failure_rate": 2}"#),
    )
    .await
    .assert_problem(400);

    let t = api.create_task(&dataset_task(&c, "f")).await;
    let run = trigger(&api, &tid(&t), json!({})).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ctl.force_run_status(&run, "running", None).unwrap();
    let r = get_run(&api, &run).await;
    assert_eq!(r["status"], "RUNNING");
    assert!(r["run_started_at"].is_string());
    let r = api
        .send(
            Method::POST,
            None,
            &format!("/_emulator/runs/{run}/status"),
            Some(r#"{"status": "FAILED", "failure_reason": "LLM quota exceeded"}"#),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = get_run(&api, &run).await;
    assert_eq!(r["status"], "FAILED");
    assert_eq!(r["failure_reason"], "LLM quota exceeded");
    assert!(r["run_finished_at"].is_string());
    ctl.force_run_status(&run, "COMPLETED", Some("ignored"))
        .unwrap();
    let r = get_run(&api, &run).await;
    assert_eq!(r["status"], "COMPLETED");
    assert_eq!(r["failure_reason"], Value::Null);
    assert!(ctl.force_run_status("nope", "FAILED", None).is_err());
    assert!(ctl.force_run_status(&run, "DONE", None).is_err());
    api.send(
        Method::POST,
        None,
        "/_emulator/runs/nope/status",
        Some(r#"{"status": "FAILED"}"#),
    )
    .await
    .assert_problem(404);
    api.send(
        Method::POST,
        None,
        &format!("/_emulator/runs/{run}/status"),
        Some(r#"{"status": "DONE"}"#),
    )
    .await
    .assert_problem(400);
    // Reset restores the default timeline.
    ctl.reset();
    assert_eq!(ctl.run_timeline(), RunTimeline::default());
}
