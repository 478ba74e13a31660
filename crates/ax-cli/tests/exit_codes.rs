//! The exit codes of every command family (spaces, tasks, each lookup group), as the
//! official `ax` CLI's: 0 ok, 1 configuration, 2 usage, 4 API, 5 file I/O, 130 interrupted.
//! The run commands are covered in `runs.rs`.

mod common;

use std::time::{Duration, Instant};

use common::{exit, Env};

/// `"Missing:9999:zzzz"`: a well-formed ID of nothing.
const MISSING_ID: &str = "TWlzc2luZzo5OTk5Onp6eno=";

/// A command family: its `list`, and the `get` of one seeded item by ID (`seed`, `name`:
/// where to find it in the seed info).
struct Family {
    group: &'static str,
    seed: &'static str,
    name: &'static str,
    /// Extra arguments of `list` (a scope the group needs).
    list: &'static [&'static str],
}

const FAMILIES: &[Family] = &[
    Family {
        group: "spaces",
        seed: "spaces",
        name: "staging",
        list: &[],
    },
    Family {
        group: "tasks",
        seed: "tasks",
        name: "hallucination-monitor",
        list: &[],
    },
    Family {
        group: "organizations",
        seed: "organizations",
        name: "Acme AI",
        list: &[],
    },
    Family {
        group: "users",
        seed: "users",
        name: "Ada Admin",
        list: &[],
    },
    Family {
        group: "projects",
        seed: "projects",
        name: "support-bot",
        list: &["-s", "staging"],
    },
    Family {
        group: "datasets",
        seed: "datasets",
        name: "golden-questions",
        list: &["-s", "staging"],
    },
    Family {
        group: "experiments",
        seed: "experiments",
        name: "baseline",
        list: &["-s", "staging"],
    },
    Family {
        group: "evaluators",
        seed: "evaluators",
        name: "hallucination",
        list: &["-s", "staging"],
    },
    Family {
        group: "ai-integrations",
        seed: "ai_integrations",
        name: "openai-default",
        list: &["-s", "staging"],
    },
];

fn list_args<'a>(f: &Family, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![f.group, "list"];
    args.extend_from_slice(f.list);
    args.extend_from_slice(extra);
    args
}

fn check(f: &Family, what: &str, out: &common::Out, code: i32) {
    assert_eq!(out.code, code, "{} {what}: {out:?}", f.group);
    if code != exit::OK && code != exit::INTERRUPTED {
        assert!(
            out.stderr.lines().any(|l| l.starts_with("error:")),
            "{} {what}: {out:?}",
            f.group
        );
    }
}

#[test]
fn ok_and_configuration_and_usage_errors() {
    let env = Env::new();
    for f in FAMILIES {
        let id = env.seed_id(f.seed, f.name);
        check(f, "list", &env.ax(&list_args(f, &[])), exit::OK);
        check(f, "get", &env.ax(&[f.group, "get", &id]), exit::OK);

        // Configuration (exit 1): no API key at all, an unknown profile.
        let no_key = env.ax_no_key(&[f.group, "get", &id]);
        check(f, "without a key", &no_key, exit::OTHER);
        assert!(no_key.stderr.contains("API key"), "{}", no_key.stderr);
        let profile = env.ax(&["--profile", "nope", f.group, "get", &id]);
        check(f, "unknown profile", &profile, exit::OTHER);

        // Usage (exit 2), always before any request.
        env.clear_requests();
        check(
            f,
            "unknown flag",
            &env.ax(&[f.group, "get", &id, "--bogus"]),
            exit::USAGE,
        );
        check(
            f,
            "missing argument",
            &env.ax(&[f.group, "get"]),
            exit::USAGE,
        );
        check(
            f,
            "--limit 0",
            &env.ax(&list_args(f, &["--limit", "0"])),
            exit::USAGE,
        );
        assert!(
            env.requests().is_empty(),
            "{}: {:?}",
            f.group,
            env.requests()
        );
    }
}

#[test]
fn api_errors() {
    let env = Env::new();
    for f in FAMILIES {
        let id = env.seed_id(f.seed, f.name);
        // A 401 is an API error like any other (the official CLI exits 4 too).
        let unauthorized = env.ax_key("wrong-key", &[f.group, "get", &id]);
        check(f, "401", &unauthorized, exit::API);
        assert!(
            unauthorized.stderr.contains("401"),
            "{}",
            unauthorized.stderr
        );
        assert!(!unauthorized.stderr.contains("wrong-key"));
        let listed = env.ax_key("wrong-key", &list_args(f, &[]));
        check(f, "401 list", &listed, exit::API);

        let missing = env.ax(&[f.group, "get", MISSING_ID]);
        check(f, "404", &missing, exit::API);
        assert!(missing.stderr.contains("404"), "{}", missing.stderr);

        // A 403: a member of another organization.
        let outsider = env.ax_key("emulator-outsider-key", &[f.group, "get", &id]);
        assert_eq!(
            outsider.code,
            exit::API,
            "{} outsider: {outsider:?}",
            f.group
        );
    }
    // Name resolution: no such name, several of that name.
    let nothing = env.ax(&["spaces", "get", "no-such-space"]);
    nothing.code(exit::API);
    assert!(nothing.stderr.contains("not found"), "{}", nothing.stderr);
    let several = env.ax(&["spaces", "get", "production"]);
    several.code(exit::API);
    assert!(
        several.stderr.contains("Multiple spaces"),
        "{}",
        several.stderr
    );
    let task = env.ax(&["tasks", "get", "no-such-task", "-s", "staging"]);
    task.code(exit::API);
    let project = env.ax(&["projects", "get", "no-such-project", "-s", "staging"]);
    project.code(exit::API);
    // A status error on a write.
    let read_only = env.ax_key(
        "emulator-readonly-key",
        &["spaces", "update", "production", "--description", "x"],
    );
    read_only.code(exit::API);
    assert!(read_only.stderr.contains("403"), "{}", read_only.stderr);
}

#[test]
fn network_failures_are_api_errors() {
    let env = Env::new();
    for f in [&FAMILIES[0], &FAMILIES[1], &FAMILIES[4]] {
        let out = env.ax_unreachable(&list_args(f, &[]));
        check(f, "unreachable", &out, exit::API);
        assert!(out.stderr.contains("could not connect"), "{}", out.stderr);
    }
}

#[test]
fn file_errors() {
    let env = Env::new();
    let unwritable = env.path("no-such-dir").join("out.json");
    let unwritable = unwritable.to_str().unwrap();
    for f in FAMILIES {
        let id = env.seed_id(f.seed, f.name);
        // An -o value that is neither a format nor a .json/.csv/.parquet/.pq path; checked
        // before any request.
        env.clear_requests();
        let bad = env.ax(&list_args(f, &["-o", "out.txt"]));
        check(f, "-o out.txt", &bad, exit::FILE);
        assert!(bad.stderr.contains("--output"), "{}", bad.stderr);
        assert!(env.requests().is_empty(), "{:?}", env.requests());
        // A file that cannot be written: after the request.
        let out = env.ax(&[f.group, "get", &id, "-o", unwritable]);
        check(f, "unwritable -o", &out, exit::FILE);
        assert!(out.stderr.contains("cannot write"), "{}", out.stderr);
        let out = env.ax(&list_args(f, &["-o", unwritable]));
        check(f, "unwritable list -o", &out, exit::FILE);
    }
    // Parquet to a terminal (the official CLI always wants a file for parquet).
    if let Some(out) = env.ax_tty(&["spaces", "list", "-o", "parquet"], "") {
        assert_eq!(out.code, exit::FILE, "{out:?}");
        assert!(out.stdout.contains("parquet is binary"), "{out:?}");
    }
    // A JSON option read from a file that does not exist is a usage error, as the official
    // CLI.
    let out = env.ax(&[
        "tasks",
        "create-run-experiment",
        "-n",
        "x",
        "--dataset",
        "d",
        "--run-configuration",
        "@/no/such/file.json",
    ]);
    out.code(exit::USAGE);
}

#[cfg(unix)]
#[test]
fn interrupted_requests_exit_130() {
    let env = Env::new();
    env.stall("*", 10_000);
    for f in [&FAMILIES[0], &FAMILIES[1], &FAMILIES[2]] {
        let started = Instant::now();
        let out = env.ax_interrupted(&list_args(f, &[]), Duration::from_millis(400));
        assert!(started.elapsed() < Duration::from_secs(5), "{}", f.group);
        check(f, "Ctrl-C", &out, exit::INTERRUPTED);
        assert!(out.stderr.contains("interrupted"), "{}", out.stderr);
    }
}

#[test]
fn declined_confirmations_exit_0_and_change_nothing() {
    let env = Env::new();
    let staging = env.seed_id("spaces", "staging");
    let member = env.seed()["spaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == staging.as_str())
        .unwrap()["members"][0]["user_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let task = env.seed_id("tasks", "hallucination-monitor");
    let cases: [(&[&str], &str); 3] = [
        (
            &["spaces", "remove-user", &staging, "--user-id", &member],
            "User not removed.",
        ),
        (&["tasks", "delete", &task], "Task not deleted."),
        (&["spaces", "delete", &staging], "space not deleted"),
    ];
    env.clear_requests();
    for (args, said) in cases {
        let Some(out) = env.ax_tty(args, "no\n") else {
            eprintln!("skipped: `script` is not available");
            return;
        };
        assert_eq!(out.code, exit::OK, "{args:?}: {out:?}");
        assert!(out.stdout.contains(said), "{args:?}: {out:?}");
    }
    let writes: Vec<_> = env
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
    env.ax(&["tasks", "get", &task]).ok();
    env.ax(&["spaces", "get", &staging]).ok();
    // Without a terminal and without --force, a destructive command is a usage error.
    env.ax(&["tasks", "delete", &task]).code(exit::USAGE);
    env.ax(&["spaces", "delete", &staging]).code(exit::USAGE);
}
