//! The demo seed's tasks and runs: one task of every kind per space, runs in every status
//! that hold over time, while runs triggered later progress as usual.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::*;

const TASKS: [(&str, &str); 4] = [
    ("hallucination-monitor", "TEMPLATE_EVALUATION"),
    ("json-output-check", "CODE_EVALUATION"),
    ("golden-questions-review", "TEMPLATE_EVALUATION"),
    ("support-answers-gpt-4o-mini", "RUN_EXPERIMENT"),
];

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

#[tokio::test]
async fn seed_info_lists_tasks_and_runs_of_every_space() {
    let api = start().await;
    let tasks = api.seed["tasks"].as_array().unwrap();
    let runs = api.seed["task_runs"].as_array().unwrap();
    assert_eq!((tasks.len(), runs.len()), (24, 42));
    for space in api.seed["spaces"].as_array().unwrap() {
        let sid = s(&space["id"]);
        let mine: Vec<(&str, &str)> = tasks
            .iter()
            .filter(|t| t["space_id"] == sid)
            .map(|t| (s(&t["name"]), s(&t["type"])))
            .collect();
        assert_eq!(mine, TASKS, "{sid}");
        let mut statuses = BTreeMap::new();
        for r in runs.iter().filter(|r| r["space_id"] == sid) {
            *statuses.entry(s(&r["status"])).or_insert(0) += 1;
        }
        assert_eq!(
            statuses,
            BTreeMap::from([
                ("CANCELLED", 1),
                ("COMPLETED", 3),
                ("FAILED", 1),
                ("PENDING", 1),
                ("RUNNING", 1)
            ])
        );
    }
    let c = api.prod();
    let hw = api.seeded_task(&c.space, "hallucination-monitor");
    assert_eq!(hw["project_id"], c.project.as_str());
    assert_eq!(hw["dataset_id"], Value::Null);
    let statuses: Vec<&str> = api
        .seeded_runs(s(&hw["id"]))
        .iter()
        .map(|r| s(&r["status"]))
        .collect();
    assert_eq!(statuses, ["COMPLETED", "FAILED", "RUNNING"]);

    // Seed None stays empty.
    let empty = start_empty().await;
    assert_eq!(empty.seed["tasks"], json!([]));
    assert_eq!(empty.seed["task_runs"], json!([]));
    let r = empty.get(ADMIN, "/v2/tasks").await;
    assert_eq!(r.body["tasks"], json!([]), "{}", r.text);
}

#[tokio::test]
async fn seeded_tasks_as_served() {
    let api = start().await;
    let c = api.prod();
    let ada = api.user_id("ada.admin@example.com");
    let r = api
        .get(READ_ONLY, &format!("/v2/tasks?space_id={}", c.space))
        .await;
    assert_eq!(
        names(&r, "tasks"),
        [
            "support-answers-gpt-4o-mini",
            "golden-questions-review",
            "json-output-check",
            "hallucination-monitor"
        ]
    );
    let by_name = |name: &str| -> Value {
        r.body["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap()
            .clone()
    };
    for (name, _) in TASKS {
        let t = by_name(name);
        assert_eq!(t["created_by_user_id"], ada.as_str());
        assert_eq!(t["id"], api.seeded_task(&c.space, name)["id"]);
    }

    let hw = by_name("hallucination-monitor");
    assert_eq!(hw["type"], "TEMPLATE_EVALUATION");
    assert_eq!(hw["project_id"], c.project.as_str());
    assert_eq!(hw["sampling_rate"], 0.25);
    assert_eq!(hw["is_continuous"], true);
    assert_eq!(hw["query_filter"], "attributes.llm.model_name = 'gpt-4o'");
    assert_eq!(
        hw["evaluators"][0]["evaluator_id"],
        c.hallucination.as_str()
    );
    assert_eq!(hw["evaluators"][0]["evaluator_version_id"], Value::Null);
    assert_eq!(
        hw["evaluators"][0]["column_mappings"]["output"],
        "attributes.output.value"
    );
    assert_eq!(hw["experiment_ids"], json!([]));
    assert_eq!(hw["run_configuration"], Value::Null);
    // last_run_at is the newest run's creation.
    let runs = api
        .get(ADMIN, &format!("/v2/tasks/{}/runs", tid(&hw)))
        .await;
    assert_eq!(hw["last_run_at"], runs.body["task_runs"][0]["created_at"]);

    let code = by_name("json-output-check");
    assert_eq!(code["type"], "CODE_EVALUATION");
    assert_eq!(code["project_id"], c.project.as_str());
    assert_eq!(
        code["evaluators"][0]["evaluator_id"],
        c.json_validity.as_str()
    );
    assert_eq!(code["evaluators"][0]["evaluator_name"], "json-validity");
    assert_eq!(code["is_continuous"], false);

    let ds = by_name("golden-questions-review");
    assert_eq!(ds["project_id"], Value::Null);
    assert_eq!(ds["dataset_id"], c.dataset.as_str());
    assert_eq!(ds["sampling_rate"], Value::Null);
    assert_eq!(ds["experiment_ids"], json!([c.baseline, c.candidate]));
    assert_eq!(
        ds["evaluators"][0]["evaluator_version_id"],
        c.hallucination_versions[0].as_str()
    );

    let rx = by_name("support-answers-gpt-4o-mini");
    assert_eq!(rx["type"], "RUN_EXPERIMENT");
    assert_eq!(rx["dataset_id"], c.dataset.as_str());
    assert_eq!(rx["evaluators"], json!([]));
    assert_eq!(rx["last_run_at"], Value::Null);
    let rc = &rx["run_configuration"];
    assert_eq!(rc["experiment_type"], "LLM_GENERATION");
    assert_eq!(rc["ai_integration_id"], c.integration.as_str());
    assert_eq!(rc["input_variable_format"], "MUSTACHE");
    let runs = api
        .get(ADMIN, &format!("/v2/tasks/{}/runs", tid(&rx)))
        .await;
    assert_eq!(runs.body["task_runs"], json!([]));

    // Filters see them; other organizations do not.
    let r = api
        .get(ADMIN, &format!("/v2/tasks?dataset_id={}", c.dataset))
        .await;
    assert_eq!(
        names(&r, "tasks"),
        ["support-answers-gpt-4o-mini", "golden-questions-review"]
    );
    let r = api.get(ORG2, &format!("/v2/tasks/{}", tid(&hw))).await;
    r.assert_problem(404);
}

#[tokio::test]
async fn seeded_runs_in_every_status() {
    let api = start().await;
    let c = api.prod();
    let mut seen = Vec::new();
    for (name, _) in &TASKS[..3] {
        let task = api.seeded_task(&c.space, name);
        let project = !task["project_id"].is_null();
        for entry in api.seeded_runs(s(&task["id"])) {
            let run = get_run(&api, s(&entry["id"])).await;
            let status = s(&run["status"]);
            assert_eq!(status, s(&entry["status"]));
            assert_eq!(keys(&run), fields(RUN_FIELDS));
            assert_eq!(run["experiment_id"], Value::Null);
            assert_eq!(!run["data_start_time"].is_null(), project, "{run}");
            assert_eq!(!run["data_end_time"].is_null(), project, "{run}");
            let n = |k: &str| run[k].as_u64().unwrap();
            let done = n("num_successes") + n("num_errors") + n("num_skipped");
            let started = !run["run_started_at"].is_null();
            let finished = !run["run_finished_at"].is_null();
            match status {
                "COMPLETED" => {
                    assert!(done > 0 && started && finished, "{run}");
                    assert_eq!(run["failure_reason"], Value::Null);
                }
                "FAILED" => {
                    assert!(started && finished && n("num_errors") > 0, "{run}");
                    assert!(!s(&run["failure_reason"]).is_empty());
                }
                "CANCELLED" => {
                    assert!(started && finished && done > 0, "{run}");
                    assert_eq!(run["failure_reason"], "Cancelled by user");
                }
                "RUNNING" => {
                    assert!(started && !finished && done > 0, "{run}");
                    assert_eq!(run["failure_reason"], Value::Null);
                }
                "PENDING" => {
                    assert!(!started && !finished && done == 0, "{run}");
                }
                other => panic!("unexpected status {other}"),
            }
            seen.push(status.to_owned());
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "CANCELLED",
            "COMPLETED",
            "COMPLETED",
            "COMPLETED",
            "FAILED",
            "PENDING",
            "RUNNING"
        ]
    );
    // The status filter finds them.
    let hw = api.seeded_task(&c.space, "hallucination-monitor");
    let r = api
        .get(
            READ_ONLY,
            &format!("/v2/tasks/{}/runs?status=FAILED", s(&hw["id"])),
        )
        .await;
    assert_eq!(
        r.body["task_runs"].as_array().unwrap().len(),
        1,
        "{}",
        r.text
    );
}

#[tokio::test]
async fn seeded_statuses_hold_while_new_runs_progress() {
    let api = start().await;
    let c = api.prod();
    let hw = api.seeded_task(&c.space, "hallucination-monitor");
    let hw_id = s(&hw["id"]).to_owned();
    let seeded: Vec<String> = api
        .seeded_runs(&hw_id)
        .iter()
        .map(|r| s(&r["id"]).to_owned())
        .collect();
    let before: Vec<Value> = {
        let mut v = Vec::new();
        for id in &seeded {
            v.push(get_run(&api, id).await);
        }
        v
    };
    // A new run of the seeded task (window from its last run) follows the timeline.
    api.fast_runs(50, 150);
    let r = trigger(&api, &hw_id, json!({})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["status"], "PENDING");
    // The window starts at the task's last run: the newest seeded one.
    assert_eq!(r.body["data_start_time"], before[2]["created_at"]);
    let new_id = s(&r.body["id"]).to_owned();
    let t0 = Instant::now();
    loop {
        let run = get_run(&api, &new_id).await;
        if run["status"] == "COMPLETED" {
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(10), "{run}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    // The seeded runs did not move.
    for (id, old) in seeded.iter().zip(&before) {
        assert_eq!(&get_run(&api, id).await, old);
    }
    let r = api.get(ADMIN, &format!("/v2/tasks/{hw_id}/runs")).await;
    let ids: Vec<&str> = r.body["task_runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| s(&r["id"]))
        .collect();
    assert_eq!(ids, [new_id.as_str(), &seeded[2], &seeded[1], &seeded[0]]);

    // The frozen RUNNING run can be cancelled (counters kept); a finished one cannot.
    let running = &before[2];
    assert_eq!(running["status"], "RUNNING");
    let r = api
        .post(
            ADMIN,
            &format!("/v2/task-runs/{}/cancel", seeded[2]),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "CANCELLED");
    assert_eq!(r.body["num_successes"], running["num_successes"]);
    assert_eq!(r.body["run_started_at"], running["run_started_at"]);
    api.post(
        ADMIN,
        &format!("/v2/task-runs/{}/cancel", seeded[0]),
        &json!({}),
    )
    .await
    .assert_problem(400);
    // Reset brings the seeded runs back as they were.
    api.emu.control().reset();
    for (id, old) in seeded.iter().zip(&before) {
        assert_eq!(&get_run(&api, id).await, old);
    }
    api.get(ADMIN, &format!("/v2/task-runs/{new_id}"))
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn seeded_ids_are_stable() {
    let a = start().await;
    let b = start().await;
    for key in ["tasks", "task_runs"] {
        let ids = |api: &Api| -> Vec<String> {
            api.seed[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| s(&v["id"]).to_owned())
                .collect()
        };
        assert_eq!(ids(&a), ids(&b), "{key}");
    }
    // IDs seeded before tasks and runs were added to the seed keep their values.
    for (key, first, last) in [
        (
            "organizations",
            "T3JnYW5pemF0aW9uOjE6NlR2ZQ==",
            "T3JnYW5pemF0aW9uOjI6blN3SQ==",
        ),
        ("users", "VXNlcjo1OkZ0VUM=", "VXNlcjoxNDoyb1B1"),
        ("spaces", "U3BhY2U6MTU6U3VESw==", "U3BhY2U6Mjg6TzhvSg=="),
        ("custom_roles", "Um9sZTozOkF6SlU=", "Um9sZTo0OjVvVU8="),
        ("projects", "TW9kZWw6MzA6SGhuYw==", "TW9kZWw6OTU6NzNjSw=="),
        ("datasets", "RGF0YXNldDozMjpFbGJO", "RGF0YXNldDo5NzpBcFV0"),
        (
            "experiments",
            "RXhwZXJpbWVudDozNTo1N1No",
            "RXhwZXJpbWVudDoxMDE6Z21iOA==",
        ),
        (
            "evaluators",
            "RXZhbHVhdG9yOjM3OmxFaks=",
            "RXZhbHVhdG9yOjEwNTpIcTNB",
        ),
        (
            "ai_integrations",
            "TGxtSW50ZWdyYXRpb246MzE6SDlTbg==",
            "TGxtSW50ZWdyYXRpb246OTY6OWp5dw==",
        ),
    ] {
        let list = a.seed[key].as_array().unwrap();
        assert_eq!(list[0]["id"], first, "{key}");
        assert_eq!(list[list.len() - 1]["id"], last, "{key}");
    }
    let last_evaluator = a.seed["evaluators"].as_array().unwrap().last().unwrap();
    assert_eq!(
        last_evaluator["versions"][1]["id"],
        "RXZhbHVhdG9yVmVyc2lvbjoxMDc6b1g2Vg=="
    );
    let last_dataset = a.seed["datasets"].as_array().unwrap().last().unwrap();
    assert_eq!(
        last_dataset["versions"][1]["id"],
        "RGF0YXNldFZlcnNpb246OTk6amtGaA=="
    );
}
