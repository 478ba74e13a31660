//! `ax tasks` against an in-process emulator.

mod common;

use std::time::{Duration, Instant};

use common::Env;
use serde_json::Value;

/// IDs of the seeded production space and its project, dataset, evaluators, experiment and
/// AI integration.
struct Seeded {
    space: String,
    evaluator: String,
    code_evaluator: String,
    experiment: String,
    integration: String,
}

fn seeded(env: &Env) -> Seeded {
    let seed = env.seed();
    let space = env.seed_id("spaces", "production");
    let in_space = |kind: &str, name: &str| -> String {
        seed[kind]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name && v["space_id"] == space.as_str())
            .unwrap_or_else(|| panic!("no {kind} {name}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    Seeded {
        evaluator: in_space("evaluators", "hallucination"),
        code_evaluator: in_space("evaluators", "json-validity"),
        experiment: in_space("experiments", "baseline"),
        integration: in_space("ai_integrations", "openai-default"),
        space,
    }
}

/// A data window start one day ago, without an offset (taken as UTC).
fn yesterday() -> String {
    (chrono::Utc::now() - chrono::Duration::days(1))
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

fn create_project_task(env: &Env, s: &Seeded, name: &str) -> Value {
    let evaluators = format!(
        r#"[{{"evaluator_id": "{}", "query_filter": null}}]"#,
        s.evaluator
    );
    let out = env.ax(&[
        "tasks",
        "create",
        "-n",
        name,
        "--task-type",
        "Template-Evaluation",
        "--project",
        "support-bot",
        "-s",
        &s.space,
        "--evaluators",
        &evaluators,
        "--sampling-rate",
        "0.25",
        "--is-continuous",
        "--query-filter",
        "status = 'ok'",
        "-o",
        "json",
    ]);
    out.ok();
    out.json()
}

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
    env.ax(&["tasks", "get", &id]).code(1);
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
fn runs_list_get_cancel_and_wait() {
    let env = Env::new();
    let s = seeded(&env);
    let task = create_project_task(&env, &s, "runs");
    let id = task["id"].as_str().unwrap().to_owned();

    let start = yesterday();
    let trigger = |extra: &[&str]| -> Value {
        let mut args = vec![
            "tasks",
            "trigger-run",
            id.as_str(),
            "--data-start-time",
            start.as_str(),
            "-o",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = env.ax(&args);
        out.ok();
        out.json()
    };
    let run = trigger(&[]);
    assert_eq!(run["status"], "PENDING");
    let run_id = run["id"].as_str().unwrap().to_owned();

    // Cancel needs a terminal or --force.
    env.ax(&["tasks", "cancel-run", &run_id]).code(2);
    let cancelled = env.ax(&["tasks", "cancel-run", &run_id, "-f", "-o", "json"]);
    cancelled.ok();
    assert_eq!(cancelled.json()["status"], "CANCELLED");

    // Waiting on a cancelled run prints it and exits 1.
    let waited = env.ax(&["tasks", "wait-for-run", &run_id, "-o", "json"]);
    waited.code(1);
    assert_eq!(waited.json()["status"], "CANCELLED");
    assert!(waited.stderr.contains("CANCELLED"), "{}", waited.stderr);

    let run2 = trigger(&[]);
    let run2_id = run2["id"].as_str().unwrap().to_owned();
    let timeout = env.ax(&[
        "tasks",
        "wait-for-run",
        &run2_id,
        "--timeout",
        "0.2",
        "--poll-interval",
        "0.1",
    ]);
    timeout.code(1);
    assert!(
        timeout.stderr.contains("did not reach a terminal state"),
        "{}",
        timeout.stderr
    );
    let waited = env.ax(&[
        "tasks",
        "wait-for-run",
        &run2_id,
        "--poll-interval",
        "0.2",
        "-o",
        "json",
    ]);
    waited.ok();
    assert_eq!(waited.json()["status"], "COMPLETED");

    let runs = env.ax(&[
        "tasks",
        "list-runs",
        &id,
        "--status",
        "Completed",
        "-o",
        "json",
    ]);
    runs.ok();
    let runs = runs.json()["task_runs"].as_array().unwrap().clone();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["id"], run2_id.as_str());
    let page = env.ax(&["tasks", "list-runs", &id, "-l", "1", "-o", "json"]);
    page.ok();
    assert_eq!(page.json()["pagination"]["has_more"], true);
    assert!(page.stderr.contains("--cursor"));
    let all = env.ax(&["tasks", "list-runs", &id, "--all", "-l", "1", "-o", "json"]);
    all.ok();
    assert_eq!(all.json()["task_runs"].as_array().unwrap().len(), 2);

    let got = env.ax(&["tasks", "get-run", &run2_id]);
    got.ok();
    assert!(got.stdout.contains("COMPLETED"), "{}", got.stdout);
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

#[test]
fn ctrl_c_while_waiting_exits_130_and_leaves_the_run() {
    let env = Env::new();
    let s = seeded(&env);
    let task = create_project_task(&env, &s, "interrupt me");
    let id = task["id"].as_str().unwrap();
    let run = env.ax(&[
        "tasks",
        "trigger-run",
        id,
        "--data-start-time",
        &yesterday(),
        "-o",
        "json",
    ]);
    run.ok();
    let run_id = run.json()["id"].as_str().unwrap().to_owned();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_ax"))
        .args([
            "--base-url",
            &env.url,
            "--api-key",
            common::ADMIN_KEY,
            "tasks",
            "wait-for-run",
            &run_id,
            "--poll-interval",
            "0.1",
        ])
        .env("AX_CONFIG_DIR", env.config_dir())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    let started = Instant::now();
    // SAFETY: sending SIGINT to our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "stopped waiting; run {run_id} continues on the server"
        )),
        "{stderr}"
    );
}

#[test]
fn a_failed_run_exits_1_after_printing_it() {
    let env = Env::new();
    let s = seeded(&env);
    let task = create_project_task(&env, &s, "will fail");
    let id = task["id"].as_str().unwrap();
    let run = env.ax(&[
        "tasks",
        "trigger-run",
        id,
        "--data-start-time",
        &yesterday(),
        "-o",
        "json",
    ]);
    run.ok();
    let mut failed = run.json();
    failed["status"] = "FAILED".into();
    failed["failure_reason"] = "everything already labelled".into();
    failed["run_finished_at"] = failed["created_at"].clone();
    env.emu.control().add_fault(ax_emulator::Fault {
        method: Some("GET".into()),
        path: "/v2/task-runs/*".into(),
        status: Some(200),
        body: Some(failed.to_string()),
        content_type: Some("application/json".into()),
        ..Default::default()
    });
    let run_id = failed["id"].as_str().unwrap();
    let out = env.ax(&["tasks", "wait-for-run", run_id, "-o", "json"]);
    out.code(1);
    assert_eq!(out.json()["status"], "FAILED");
    assert!(
        out.stderr
            .contains("ended FAILED: everything already labelled"),
        "{}",
        out.stderr
    );
}
