//! `ax tasks` run commands (trigger-run, list-runs, get-run, cancel-run, wait-for-run)
//! against an in-process emulator: output, `--exit-status`, timeouts and Ctrl-C.

mod common;

use std::time::{Duration, Instant};

use common::tasks::{create_project_task, seeded, trigger, yesterday};
use common::Env;
use serde_json::Value;

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

    // Waiting on a cancelled run prints it and exits 0, as the official CLI; with
    // --exit-status it exits 1.
    let waited = env.ax(&["tasks", "wait-for-run", &run_id, "-o", "json"]);
    waited.ok();
    assert_eq!(waited.json()["status"], "CANCELLED");
    assert!(waited.stderr.contains("CANCELLED"), "{}", waited.stderr);
    let strict = env.ax(&[
        "tasks",
        "wait-for-run",
        &run_id,
        "--exit-status",
        "-o",
        "json",
    ]);
    strict.code(1);
    assert_eq!(strict.json()["status"], "CANCELLED");

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
    // A wait that times out is an API error, as the official CLI.
    timeout.code(4);
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
fn ctrl_c_while_waiting_exits_130_and_leaves_the_run() {
    let env = Env::new();
    let s = seeded(&env);
    let task = create_project_task(&env, &s, "interrupt me");
    let id = task["id"].as_str().unwrap();
    let run = trigger(&env, id);
    let run_id = run.json()["id"].as_str().unwrap().to_owned();
    let started = Instant::now();
    let out = env.ax_interrupted(
        &["tasks", "wait-for-run", &run_id, "--poll-interval", "0.1"],
        Duration::from_millis(400),
    );
    assert!(started.elapsed() < Duration::from_millis(2400));
    let stderr = out.stderr;
    assert_eq!(out.code, 130, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "stopped waiting; run {run_id} continues on the server"
        )),
        "{stderr}"
    );
}

#[test]
fn a_failed_run_is_printed_and_fails_only_with_exit_status() {
    let env = Env::new();
    let s = seeded(&env);
    let task = create_project_task(&env, &s, "will fail");
    let id = task["id"].as_str().unwrap();
    let run = trigger(&env, id);
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
    out.ok();
    assert_eq!(out.json()["status"], "FAILED");
    assert_eq!(out.json()["failure_reason"], "everything already labelled");
    assert!(
        out.stderr
            .contains("ended FAILED: everything already labelled"),
        "{}",
        out.stderr
    );
    env.emu.control().add_fault(ax_emulator::Fault {
        method: Some("GET".into()),
        path: "/v2/task-runs/*".into(),
        status: Some(200),
        body: Some(failed.to_string()),
        content_type: Some("application/json".into()),
        ..Default::default()
    });
    let out = env.ax(&[
        "tasks",
        "wait-for-run",
        run_id,
        "--exit-status",
        "-o",
        "json",
    ]);
    out.code(1);
    assert_eq!(out.json()["status"], "FAILED");
    assert!(
        out.stderr
            .contains("ended FAILED: everything already labelled"),
        "{}",
        out.stderr
    );
}

/// `wait-for-run` on the seeded runs pinned in each terminal status: always printed; the
/// exit code is 0 unless `--exit-status` is given and the run did not complete.
#[test]
fn exit_status_of_wait_for_run_by_final_status() {
    let env = Env::new();
    for (status, strict_code) in [("COMPLETED", 0), ("FAILED", 1), ("CANCELLED", 1)] {
        let run = env.seeded_run(status);
        let plain = env.ax(&["tasks", "wait-for-run", &run, "-o", "json"]);
        plain.code(0);
        assert_eq!(plain.json()["id"], run.as_str());
        assert_eq!(plain.json()["status"], status);
        let strict = env.ax(&["tasks", "wait-for-run", &run, "--exit-status", "-o", "json"]);
        strict.code(strict_code);
        assert_eq!(strict.json()["status"], status, "{strict:?}");
        if strict_code != 0 {
            assert!(
                strict.stderr.contains(&format!("ended {status}")),
                "{}",
                strict.stderr
            );
        }
    }
    let failed = env.ax(&[
        "tasks",
        "wait-for-run",
        &env.seeded_run("FAILED"),
        "-o",
        "json",
    ]);
    assert!(
        failed.json()["failure_reason"].is_string(),
        "{}",
        failed.stdout
    );
}

/// `trigger-run --wait` ends like `wait-for-run`: a FAILED run exits 0, or 1 with
/// `--exit-status`; a COMPLETED one exits 0 either way.
#[test]
fn exit_status_of_trigger_run_wait() {
    let env = Env::new();
    let s = seeded(&env);
    let task = create_project_task(&env, &s, "trigger and wait");
    let id = task["id"].as_str().unwrap().to_owned();
    let start = yesterday();
    let trigger = |extra: &[&str]| {
        let mut args = vec![
            "tasks",
            "trigger-run",
            id.as_str(),
            "--data-start-time",
            start.as_str(),
            "--wait",
            "--poll-interval",
            "0.05",
            "-o",
            "json",
        ];
        args.extend_from_slice(extra);
        env.ax(&args)
    };
    let fast = ax_emulator::RunTimeline {
        pending_ms: 20,
        running_ms: 40,
        ..Default::default()
    };
    env.emu.control().set_run_timeline(fast.clone());
    let done = trigger(&["--exit-status"]);
    done.ok();
    assert_eq!(done.json()["status"], "COMPLETED");

    env.emu
        .control()
        .set_run_timeline(ax_emulator::RunTimeline {
            failure_rate: 1.0,
            ..fast
        });
    let failed = trigger(&[]);
    failed.ok();
    assert_eq!(failed.json()["status"], "FAILED");
    let strict = trigger(&["--exit-status"]);
    strict.code(1);
    assert_eq!(strict.json()["status"], "FAILED");
    assert!(strict.stderr.contains("ended FAILED"), "{}", strict.stderr);

    // Without --wait the flag does nothing (a warning), and the PENDING run is printed.
    let mut args = vec!["tasks", "trigger-run", id.as_str(), "--data-start-time"];
    args.extend([start.as_str(), "--exit-status", "-o", "json"]);
    let no_wait = env.ax(&args);
    no_wait.ok();
    assert_eq!(no_wait.json()["status"], "PENDING");
    assert!(no_wait.stderr.contains("--exit-status has no effect"));
}

/// Every exit code of the run commands.
#[test]
fn exit_codes_of_run_commands() {
    let env = Env::new();
    let run = env.seeded_run("COMPLETED");
    let missing = "VGFza1J1bjo5OTk5OnpaeFg=";
    env.ax(&["tasks", "get-run", &run]).code(common::exit::OK);
    // Configuration: no key at all.
    env.ax_no_key(&["tasks", "get-run", &run])
        .code(common::exit::OTHER);
    // Usage, before any request.
    env.clear_requests();
    env.ax(&["tasks", "wait-for-run", &run, "--poll-interval", "-1"])
        .code(common::exit::USAGE);
    env.ax(&["tasks", "list-runs", "t", "--status", "finished"])
        .code(common::exit::USAGE);
    assert!(env.requests().is_empty(), "{:?}", env.requests());
    // API: 401, 404, unreachable.
    let unauthorized = env.ax_key("wrong-key", &["tasks", "get-run", &run]);
    unauthorized.code(common::exit::API);
    assert!(
        unauthorized.stderr.contains("401"),
        "{}",
        unauthorized.stderr
    );
    assert!(!unauthorized.stderr.contains("wrong-key"));
    env.ax(&["tasks", "wait-for-run", missing])
        .code(common::exit::API);
    env.ax(&["tasks", "cancel-run", missing, "-f"])
        .code(common::exit::API);
    env.ax_unreachable(&["tasks", "get-run", &run])
        .code(common::exit::API);
    // File: the -o value, and a file that cannot be written.
    env.ax(&["tasks", "get-run", &run, "-o", "run.yaml"])
        .code(common::exit::FILE);
    let unwritable = env.path("no-such-dir").join("run.json");
    let out = env.ax(&["tasks", "get-run", &run, "-o", unwritable.to_str().unwrap()]);
    out.code(common::exit::FILE);
    assert!(out.stderr.contains("cannot write"), "{}", out.stderr);
}

/// Declining `cancel-run` on a terminal changes nothing and exits 0.
#[test]
fn declined_cancel_exits_0() {
    let env = Env::new();
    let run = env.seeded_run("RUNNING");
    let Some(out) = env.ax_tty(&["tasks", "cancel-run", &run], "n\n") else {
        eprintln!("skipped: `script` is not available");
        return;
    };
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Task run not cancelled."), "{out:?}");
    let still = env.ax(&["tasks", "get-run", &run, "-o", "json"]);
    assert_eq!(still.json()["status"], "RUNNING");
}
