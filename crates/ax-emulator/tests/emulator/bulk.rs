//! Bulk seeding for benchmarks: 20 000 tasks or 20 000 runs, paged without loss.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;

use crate::common::*;

/// Generous bound for debug builds; release builds take a small fraction of it.
const SEED_BUDGET: Duration = Duration::from_secs(5);

#[tokio::test]
async fn twenty_thousand_tasks_page_through_without_loss() {
    let api = start().await;
    let c = api.prod();
    let ctl = api.emu.control();
    let t0 = Instant::now();
    let ids = ctl.bulk_seed_tasks(&c.space, 20_000, 0).unwrap();
    assert!(
        t0.elapsed() < SEED_BUDGET,
        "bulk seeding took {:?}",
        t0.elapsed()
    );
    assert_eq!(ids.len(), 20_000);
    // 200 pages of 100, newest first, nothing lost or repeated.
    let t0 = Instant::now();
    let (all, pages) = walk_all(
        &api,
        ADMIN,
        &format!("/v2/tasks?space_id={}&limit=100", c.space),
        "tasks",
    )
    .await;
    let elapsed = t0.elapsed();
    // The four seeded demo tasks of the space come last (oldest).
    assert_eq!(pages, 201);
    assert_eq!(all.len(), 20_004);
    let seen: HashSet<&str> = all.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(seen.len(), 20_004);
    assert_eq!(all[0]["id"], ids[19_999].as_str());
    assert_eq!(all[19_999]["name"], "bulk-task-000001");
    assert_eq!(all[20_003]["name"], "hallucination-monitor");
    assert!(elapsed < Duration::from_secs(20), "paging took {elapsed:?}");
    let t = &all[0];
    assert_eq!(t["type"], "TEMPLATE_EVALUATION");
    assert_eq!(t["project_id"], c.project.as_str());
    assert_eq!(t["evaluators"][0]["evaluator_name"], "hallucination");
    // Filters still work over the big table, and names stay unique.
    let r = api.get(ADMIN, "/v2/tasks?name=bulk-task-012345").await;
    assert_eq!(names(&r, "tasks"), ["bulk-task-012345"]);
    let more = ctl.bulk_seed_tasks(&c.space, 2, 1).unwrap();
    let r = api.get(ADMIN, &format!("/v2/tasks/{}", more[1])).await;
    assert_eq!(r.body["name"], "bulk-task-020002");
    assert!(r.body["last_run_at"].is_string());
    let r = api
        .post(ADMIN, "/v2/tasks", &project_task(&c, "bulk-task-000007"))
        .await;
    r.assert_problem(400);
}

#[tokio::test]
async fn twenty_thousand_runs_of_one_task() {
    let api = start_control().await;
    let c = api.prod();
    let r = api
        .send(
            Method::POST,
            None,
            "/_emulator/bulk-tasks",
            Some(&json!({"space_id": c.space, "tasks": 1, "runs_per_task": 20_000}).to_string()),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let task = r.body["task_ids"][0].as_str().unwrap().to_owned();
    let path = format!("/v2/tasks/{task}/runs?limit=100");
    let (runs, pages) = walk_all(&api, ADMIN, &path, "task_runs").await;
    assert_eq!((runs.len(), pages), (20_000, 200));
    let seen: HashSet<&str> = runs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(seen.len(), 20_000);
    let run = &runs[0];
    assert_eq!(run["status"], "COMPLETED");
    assert!(run["run_finished_at"].is_string());
    assert!(run["num_successes"].as_u64().unwrap() > 0);
    let r = api
        .get(ADMIN, &format!("/v2/tasks/{task}/runs?status=PENDING"))
        .await;
    assert_eq!(r.body["task_runs"], json!([]));
    // A new run lands first.
    api.fast_runs(60_000, 10);
    let new = api
        .post(ADMIN, &format!("/v2/tasks/{task}/trigger"), &json!({}))
        .await;
    assert_eq!(new.status, 201, "{}", new.text);
    let r = api
        .get(ADMIN, &format!("/v2/tasks/{task}/runs?limit=1"))
        .await;
    assert_eq!(r.body["task_runs"][0]["id"], new.body["id"]);
    // Deleting the task drops all its runs.
    assert_eq!(
        api.delete(ADMIN, &format!("/v2/tasks/{task}")).await.status,
        204
    );
    api.get(
        ADMIN,
        &format!("/v2/task-runs/{}", run["id"].as_str().unwrap()),
    )
    .await
    .assert_problem(404);
    // Errors: unknown space (404), a space without content (400).
    let ctl = api.emu.control();
    assert!(ctl.bulk_seed_tasks("nope", 1, 0).is_err());
    let r = api
        .post(
            ADMIN,
            "/v2/spaces",
            &json!({"name": "bare", "organization_id": api.org_id("Acme AI")}),
        )
        .await;
    let bare = r.body["id"].as_str().unwrap();
    assert!(ctl.bulk_seed_tasks(bare, 1, 0).is_err());
    api.send(
        Method::POST,
        None,
        "/_emulator/bulk-tasks",
        Some(r#"{"space_id": "nope", "tasks": 1}"#),
    )
    .await
    .assert_problem(404);
}
