//! `-o json` in the official CLI's shape: for the server's answer, the same keys at every
//! depth minus the `null` ones, `additional_properties` on the SDK's open models (task
//! runs, run configurations, messages, invocation parameters), lists as
//! `{"<collection>": [...], "pagination": {...}}`.

mod common;

use common::tasks::{create_project_task, seeded, trigger, yesterday};
use common::Env;
use serde_json::{json, Map, Value};

/// The server's JSON with every `null` member removed, at every depth.
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// The keys of `v` at every depth (scalars become their JSON type), to compare documents
/// whose timestamps are spelled differently.
fn skeleton(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), skeleton(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(skeleton).collect()),
        Value::Null => json!("null"),
        Value::Bool(_) => json!("bool"),
        Value::Number(_) => json!("number"),
        Value::String(_) => json!("string"),
    }
}

/// Removes `additional_properties` (asserting it is `{}`) where the SDK model is open.
fn take_additional(v: &mut Value, at: &str) {
    let Some(m) = v.as_object_mut() else {
        return;
    };
    assert_eq!(
        m.remove("additional_properties"),
        Some(json!({})),
        "{at} has no empty additional_properties: {m:?}"
    );
}

fn has_null(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.values().any(has_null),
        Value::Array(items) => items.iter().any(has_null),
        _ => false,
    }
}

fn seeded_ids(env: &Env, kind: &str) -> Vec<String> {
    env.seed()[kind]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A task as the official CLI prints it: its run configuration (and its messages and
/// invocation parameters) carry `additional_properties`; removed here after the check.
fn strip_task(task: &mut Value) {
    if let Some(rc) = task.get_mut("run_configuration") {
        take_additional(rc, "run_configuration");
        if let Some(ms) = rc.get_mut("messages").and_then(Value::as_array_mut) {
            for m in ms {
                take_additional(m, "messages[]");
            }
        }
        if let Some(ip) = rc.get_mut("invocation_parameters") {
            take_additional(ip, "invocation_parameters");
        }
    }
}

#[test]
fn objects_are_the_server_answer_without_nulls() {
    let env = Env::new();
    let mut checked = 0;
    for (group, kind, path) in [
        ("spaces", "spaces", "/v2/spaces/"),
        ("tasks", "tasks", "/v2/tasks/"),
        ("organizations", "organizations", "/v2/organizations/"),
        ("projects", "projects", "/v2/projects/"),
        ("datasets", "datasets", "/v2/datasets/"),
        ("experiments", "experiments", "/v2/experiments/"),
        ("ai-integrations", "ai_integrations", "/v2/ai-integrations/"),
    ] {
        for id in seeded_ids(&env, kind) {
            let out = env.ax(&[group, "get", &id, "-o", "json"]);
            out.ok();
            let mut ours = out.json();
            let server = env.server_json(&format!("{path}{id}"));
            if group == "tasks" {
                strip_task(&mut ours);
            }
            assert!(!has_null(&ours), "{group} {id}: {ours}");
            assert_eq!(
                skeleton(&ours),
                skeleton(&without_nulls(&server)),
                "{group} {id}"
            );
            assert_eq!(ours["id"], server["id"]);
            checked += 1;
        }
    }
    for status in ["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"] {
        let run = env.seeded_run(status);
        let out = env.ax(&["tasks", "get-run", &run, "-o", "json"]);
        out.ok();
        let mut ours = out.json();
        take_additional(&mut ours, "task run");
        let server = env.server_json(&format!("/v2/task-runs/{run}"));
        assert_eq!(skeleton(&ours), skeleton(&without_nulls(&server)), "{run}");
        assert_eq!(ours["status"], status);
        checked += 1;
    }
    assert!(checked > 30, "{checked}");
}

#[test]
fn lists_keep_the_envelope_and_drop_nulls() {
    let env = Env::new();
    let staging = env.seed_id("spaces", "staging");
    for (args, path, collection) in [
        (
            vec!["spaces", "list", "-l", "100"],
            "/v2/spaces?limit=100".to_owned(),
            "spaces",
        ),
        (
            vec!["tasks", "list", "-l", "100"],
            "/v2/tasks?limit=100".to_owned(),
            "tasks",
        ),
        (
            vec!["projects", "list", "-s", &staging, "-l", "100"],
            format!("/v2/projects?space_id={staging}&limit=100"),
            "projects",
        ),
        (
            vec!["evaluators", "list", "-s", &staging, "-l", "100"],
            format!("/v2/evaluators?space_id={staging}&limit=100"),
            "evaluators",
        ),
        (
            vec!["users", "list", "-l", "100"],
            "/v2/users?limit=100".to_owned(),
            "users",
        ),
    ] {
        let mut full = args.clone();
        full.extend(["-o", "json"]);
        let out = env.ax(&full);
        out.ok();
        let mut ours = out.json();
        let server = env.server_json(&path);
        if collection == "tasks" {
            for t in ours["tasks"].as_array_mut().unwrap() {
                strip_task(t);
            }
        }
        assert!(!has_null(&ours), "{args:?}: {ours}");
        assert_eq!(
            skeleton(&ours),
            skeleton(&without_nulls(&server)),
            "{args:?}"
        );
        assert!(!ours[collection].as_array().unwrap().is_empty(), "{args:?}");
    }
}

#[test]
fn all_pages_merge_into_one_list_of_the_same_shape() {
    let env = Env::new();
    let one_page = env.ax(&["spaces", "list", "-l", "100", "-o", "json"]);
    let merged = env.ax(&["spaces", "list", "--all", "-l", "2", "-o", "json"]);
    let merged = merged.ok().json();
    let mut keys: Vec<_> = merged.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["pagination", "spaces"]);
    assert_eq!(merged["pagination"], json!({"has_more": false}));
    assert_eq!(merged["spaces"], one_page.ok().json()["spaces"]);

    let s = seeded(&env);
    let task = create_project_task(&env, &s, "runs for all");
    let id = task["id"].as_str().unwrap();
    for _ in 0..3 {
        env.ax(&[
            "tasks",
            "trigger-run",
            id,
            "--data-start-time",
            &yesterday(),
        ])
        .ok();
    }
    let runs = env.ax(&["tasks", "list-runs", id, "--all", "-l", "1", "-o", "json"]);
    let runs = runs.ok().json();
    let items = runs["task_runs"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    for r in items {
        assert_eq!(r["additional_properties"], json!({}), "{r}");
        assert!(!has_null(r), "{r}");
    }
}

#[test]
fn written_objects_have_the_official_keys() {
    let env = Env::new();
    let s = seeded(&env);
    // A created task: nulls gone, the server's other keys kept.
    let task = create_project_task(&env, &s, "shape of a new task");
    assert!(!has_null(&task), "{task}");
    for key in [
        "id",
        "name",
        "type",
        "project_id",
        "evaluators",
        "created_at",
    ] {
        assert!(task.get(key).is_some(), "{key}: {task}");
    }
    assert!(task.get("dataset_id").is_none(), "{task}");
    // A triggered run: an open model.
    let id = task["id"].as_str().unwrap();
    let run = trigger(&env, id).json();
    assert_eq!(run["additional_properties"], json!({}));
    assert!(run.get("run_finished_at").is_none(), "{run}");
    // A membership.
    let sam = env.seed()["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "Sam Spare")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let staging = env.seed_id("spaces", "staging");
    let membership = env.ax(&[
        "spaces",
        "add-user",
        &staging,
        "--user-id",
        &sam,
        "-r",
        "member",
        "-o",
        "json",
    ]);
    let m = membership.ok().json();
    let mut keys: Vec<_> = m.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["id", "role", "space_id", "user_id"]);
    assert_eq!(m["role"], json!({"type": "PREDEFINED", "name": "MEMBER"}));
}
