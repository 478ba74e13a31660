//! `ax tasks` against an in-process emulator.

mod common;

use common::tasks::{create_project_task, seeded};
use common::Env;
use serde_json::Value;

#[test]
fn create_list_get_update_delete() {
    let env = Env::new();
    let s = seeded(&env);
    let task = create_project_task(&env, &s, "hallucination watch");
    assert_eq!(task["type"], "TEMPLATE_EVALUATION");
    assert_eq!(task["sampling_rate"], 0.25);
    assert_eq!(task["is_continuous"], true);
    let id = task["id"].as_str().unwrap().to_owned();

    let list = env.ax(&[
        "tasks",
        "list",
        "-s",
        &s.space,
        "--task-type",
        "template_evaluation",
        "-o",
        "json",
    ]);
    list.ok();
    let tasks = list.json()["tasks"].as_array().unwrap().clone();
    assert!(tasks.iter().any(|t| t["id"] == id.as_str()));
    let table = env.ax(&["tasks", "list", "--all"]);
    table.ok();
    assert!(table.stdout.contains(&id), "{}", table.stdout);
    let notices = std::fs::read_to_string(env.path("notices")).unwrap();
    assert!(notices.contains("tasks-alpha"), "{notices}");

    let csv = env.ax(&["tasks", "list", "-o", "csv"]);
    csv.ok();
    assert!(csv
        .stdout
        .starts_with("id,name,type,project_id,dataset_id,sampling_rate,"));
    assert!(csv.stdout.contains("evaluator_id"), "{}", csv.stdout);

    // By name with --space, and by ID.
    let got = env.ax(&[
        "tasks",
        "get",
        "hallucination watch",
        "-s",
        &s.space,
        "-o",
        "json",
    ]);
    got.ok();
    assert_eq!(got.json()["id"], id.as_str());

    let updated = env.ax(&[
        "tasks",
        "update",
        &id,
        "--query-filter",
        "",
        "--no-continuous",
        "-o",
        "json",
    ]);
    updated.ok();
    assert_eq!(updated.json()["query_filter"], Value::Null);
    assert_eq!(updated.json()["is_continuous"], false);
    env.ax(&["tasks", "update", &id]).code(2);

    env.ax(&["tasks", "delete", &id]).code(2);
    env.ax(&["tasks", "delete", &id, "-f"]).ok();
    env.ax(&["tasks", "get", &id]).code(4);
}

#[test]
fn dataset_and_run_experiment_tasks() {
    let env = Env::new();
    let s = seeded(&env);
    let evaluators = format!(r#"[{{"evaluator_id": "{}"}}]"#, s.code_evaluator);
    let out = env.ax(&[
        "tasks",
        "create-evaluation",
        "-n",
        "json checks",
        "--task-type",
        "CODE_EVALUATION",
        "--dataset",
        "golden-questions",
        "-s",
        &s.space,
        "--experiment-ids",
        &s.experiment,
        "--evaluators",
        &evaluators,
        "-o",
        "json",
    ]);
    out.ok();
    assert_eq!(out.json()["experiment_ids"][0], s.experiment.as_str());

    let config_file = env.path("run-config.json");
    std::fs::write(
        &config_file,
        format!(
            r#"{{"experiment_type": "llm_generation", "ai_integration_id": "{}",
                "input_variable_format": "mustache",
                "messages": [{{"role": "user", "content": "{{{{question}}}}"}}]}}"#,
            s.integration
        ),
    )
    .unwrap();
    let at_file = format!("@{}", config_file.display());
    let out = env.ax(&[
        "tasks",
        "create-run-experiment",
        "-n",
        "generate",
        "--dataset",
        "golden-questions",
        "-s",
        &s.space,
        "--run-configuration",
        &at_file,
        "-o",
        "json",
    ]);
    out.ok();
    let task = out.json();
    assert_eq!(task["type"], "RUN_EXPERIMENT");
    assert_eq!(
        task["run_configuration"]["experiment_type"],
        "LLM_GENERATION"
    );
    let id = task["id"].as_str().unwrap().to_owned();

    // Eval-only flags are rejected for run_experiment before any request.
    env.clear_requests();
    let bad = env.ax(&[
        "tasks",
        "create",
        "-n",
        "x",
        "--task-type",
        "run_experiment",
        "--dataset",
        "d",
        "--run-configuration",
        &at_file,
        "--sampling-rate",
        "0.5",
    ]);
    bad.code(2);
    assert!(env.requests().is_empty(), "{:?}", env.requests());

    // trigger-run --wait on the run_experiment task.
    let out = env.ax(&[
        "tasks",
        "trigger-run",
        &id,
        "--experiment-name",
        "exp-1",
        "--max-examples",
        "5",
        "--tracing-metadata",
        r#"{"branch": "main"}"#,
        "-w",
        "--poll-interval",
        "0.2",
        "-o",
        "json",
    ]);
    out.ok();
    assert_eq!(out.json()["status"], "COMPLETED");
    assert!(out.stderr.contains("COMPLETED"), "{}", out.stderr);

    // Without --experiment-name the trigger is refused by the client.
    let out = env.ax(&["tasks", "trigger-run", &id]);
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn bad_values_are_usage_errors_before_any_request() {
    let env = Env::new();
    env.clear_requests();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "tasks",
                "create",
                "-n",
                "x",
                "--task-type",
                "template_evaluation",
                "--project",
                "p",
                "--evaluators",
                "[{\"evaluator_id\": }]",
            ],
            "--evaluators",
        ),
        (
            vec![
                "tasks",
                "create",
                "-n",
                "x",
                "--task-type",
                "llm_judge",
                "--project",
                "p",
                "--evaluators",
                "[{\"evaluator_id\": \"e\"}]",
            ],
            "--task-type",
        ),
        (
            vec![
                "tasks",
                "create",
                "-n",
                "x",
                "--task-type",
                "code_evaluation",
                "--project",
                "p",
                "--evaluators",
                "[{\"evaluator_id\": \"e\"}]",
                "--sampling-rate",
                "1.5",
            ],
            "--sampling-rate",
        ),
        (vec!["tasks", "list", "--task-type", "nope"], "--task-type"),
        (
            vec!["tasks", "list-runs", "t", "--status", "done"],
            "--status",
        ),
        (
            vec![
                "tasks",
                "trigger-run",
                "t",
                "--data-start-time",
                "last tuesday",
            ],
            "--data-start-time",
        ),
        (
            vec!["tasks", "trigger-run", "t", "--tracing-metadata", "[1]"],
            "--tracing-metadata",
        ),
        (
            vec![
                "tasks",
                "trigger-run",
                "t",
                "--example-ids",
                "a",
                "--max-examples",
                "2",
            ],
            "--max-examples",
        ),
        (
            vec![
                "tasks",
                "update",
                "t",
                "--evaluators",
                "@/nonexistent/ev.json",
            ],
            "--evaluators",
        ),
        (
            vec!["tasks", "update", "t", "--run-configuration", "{\"a\": 1,}"],
            "--run-configuration",
        ),
        (
            vec!["tasks", "wait-for-run", "r", "--timeout", "0"],
            "--timeout",
        ),
        (
            vec!["tasks", "create", "--task-type", "code_evaluation"],
            "--name",
        ),
        (
            vec![
                "tasks",
                "create-evaluation",
                "-n",
                "x",
                "--task-type",
                "code_evaluation",
                "--project",
                "p",
            ],
            "--evaluators",
        ),
    ];
    for (args, flag) in cases {
        let out = env.ax(&args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(
            out.stderr.contains(flag),
            "{args:?} should name {flag}: {}",
            out.stderr
        );
    }
    let out = env.ax(&[
        "tasks",
        "create",
        "-n",
        "x",
        "--task-type",
        "template_evaluation",
        "--project",
        "p",
        "--evaluators",
        "[{\"evaluator_id\": }]",
    ]);
    assert!(out.stderr.contains("line 1, column"), "{}", out.stderr);
    assert!(env.requests().is_empty(), "{:?}", env.requests());
}
