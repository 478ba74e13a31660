//! The read-only lookup groups (`ax organizations`, `users`, `projects`, `datasets`,
//! `experiments`, `evaluators`, `ai-integrations`) against an in-process emulator.

mod common;

use std::collections::HashSet;

use common::{Env, Out};
use serde_json::Value;

/// One group: its command, list envelope key, seed-info key, a name `get` resolves, the
/// flags that name needs, and the `-s` that scopes a list to one item.
struct Case {
    group: &'static str,
    collection: &'static str,
    seed: &'static str,
    name: &'static str,
    scope: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        group: "organizations",
        collection: "organizations",
        seed: "organizations",
        name: "Globex Research",
        scope: &[],
    },
    Case {
        group: "users",
        collection: "users",
        seed: "users",
        name: "ada.admin@example.com",
        scope: &[],
    },
    Case {
        group: "projects",
        collection: "projects",
        seed: "projects",
        name: "support-bot",
        scope: &["-s", "staging"],
    },
    Case {
        group: "datasets",
        collection: "datasets",
        seed: "datasets",
        name: "golden-questions",
        scope: &["--space", "staging"],
    },
    Case {
        group: "experiments",
        collection: "experiments",
        seed: "experiments",
        name: "baseline",
        scope: &["--dataset", "golden-questions", "-s", "staging"],
    },
    Case {
        group: "evaluators",
        collection: "evaluators",
        seed: "evaluators",
        name: "hallucination",
        scope: &["-s", "staging"],
    },
    Case {
        group: "ai-integrations",
        collection: "ai_integrations",
        seed: "ai_integrations",
        name: "openai-default",
        scope: &["-s", "staging"],
    },
];

/// Experiments of the dataset named `golden-questions` in `staging`.
const EXPERIMENTS_BY_DATASET_NAME: &[&str] = &[
    "experiments",
    "list",
    "--dataset",
    "golden-questions",
    "-s",
    "staging",
];

const MISSING_ID: &str = "TWlzc2luZzo5OTk5Onp6eno="; // "Missing:9999:zzzz"

fn ax(env: &Env, base: &[&str], extra: &[&str]) -> Out {
    let args: Vec<&str> = base.iter().chain(extra).copied().collect();
    env.ax(&args)
}

/// `key` of every item of a JSON array.
fn field(items: &Value, key: &str) -> Vec<String> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {items}"))
        .iter()
        .map(|v| v[key].as_str().unwrap().to_owned())
        .collect()
}

fn ids(doc: &Value, collection: &str) -> Vec<String> {
    field(&doc[collection], "id")
}

/// The seeded `kind` named (or with the e-mail) `name`, in `staging` when `scoped`.
fn seeded_item(env: &Env, kind: &str, name: &str, scoped: bool) -> Value {
    let staging = env.seed_id("spaces", "staging");
    env.seed()[kind]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| {
            (v["name"] == name || v["email"] == name)
                && (!scoped || v["space_id"] == staging.as_str())
        })
        .unwrap_or_else(|| panic!("no seeded {kind} named {name}"))
        .clone()
}

/// The seeded IDs of a case, and the ID its name resolves to.
fn seeded(env: &Env, case: &Case) -> (Vec<String>, String) {
    let all = field(&env.seed()[case.seed], "id");
    let named = seeded_item(env, case.seed, case.name, !case.scope.is_empty());
    (all, named["id"].as_str().unwrap().to_owned())
}

fn parquet_rows(bytes: Vec<u8>) -> (usize, Vec<String>) {
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        bytes::Bytes::from(bytes),
    )
    .unwrap()
    .build()
    .unwrap();
    let batches: Vec<_> = reader.map(|b| b.unwrap()).collect();
    let schema = batches[0].schema();
    let cols = schema.fields().iter().map(|f| f.name().clone()).collect();
    (batches.iter().map(|b| b.num_rows()).sum(), cols)
}

#[test]
fn every_list_prints_table_json_csv_and_parquet_without_notices() {
    let env = Env::new();
    for case in CASES {
        let list = [case.group, "list"];
        let table = ax(&env, &list, &[]);
        table.ok();
        let header = table.stdout.lines().next().unwrap();
        assert!(
            header.starts_with("name  ") || header.starts_with("id  "),
            "{header}"
        );
        assert!(table.stdout.lines().all(|l| l.chars().count() <= 80));
        let mut wide = vec!["--base-url", &env.url, "--api-key", common::ADMIN_KEY];
        wide.extend(list);
        let wide = env.run(&wide, &[("COLUMNS", "200")], None);
        assert!(wide.ok().stdout.contains(case.name), "{}", wide.stdout);
        assert!(!table.stderr.contains("[BETA]") && !table.stderr.contains("[ALPHA]"));

        let json = ax(&env, &list, &["-o", "json"]);
        json.ok();
        let n = ids(&json.json(), case.collection).len();
        assert!(n > 0, "{}", case.group);
        assert_eq!(table.stdout.lines().count(), n + 1, "{}", table.stdout);

        let csv = ax(&env, &list, &["-o", "csv"]);
        csv.ok();
        assert!(csv.stdout.starts_with("id,name,"), "{}", csv.stdout);
        assert_eq!(csv.stdout.lines().count(), n + 1, "{}", csv.stdout);

        let file = env.path(&format!("{}.parquet", case.group));
        let saved = ax(&env, &list, &["-o", file.to_str().unwrap()]);
        saved.ok();
        assert!(saved.stderr.contains("Saved to"), "{}", saved.stderr);
        let (rows, cols) = parquet_rows(std::fs::read(&file).unwrap());
        assert_eq!(rows, n);
        assert_eq!(&cols[..2], ["id", "name"]);
        assert_eq!(
            csv.stdout.lines().next().unwrap(),
            cols.join(","),
            "csv and parquet share the schema"
        );
    }
    // Parquet to a pipe.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ax"))
        .args(["--base-url", &env.url, "--api-key", common::ADMIN_KEY])
        .args(["projects", "list", "-o", "parquet"])
        .env("AX_CONFIG_DIR", env.config_dir())
        .env("HOME", env.config_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(parquet_rows(out.stdout).0, 6);
}

#[test]
fn all_follows_every_page_and_yields_every_item_once() {
    let env = Env::new();
    for case in CASES {
        let (seeded_ids, _) = seeded(&env, case);
        env.clear_requests();
        let out = ax(
            &env,
            &[case.group, "list"],
            &["--all", "-l", "2", "-o", "json"],
        );
        out.ok();
        let doc = out.json();
        assert_eq!(doc["pagination"], serde_json::json!({"has_more": false}));
        let got = ids(&doc, case.collection);
        let unique: HashSet<&String> = got.iter().collect();
        assert_eq!(
            unique.len(),
            got.len(),
            "{}: duplicates in {got:?}",
            case.group
        );
        let expected: HashSet<&String> = seeded_ids.iter().collect();
        assert_eq!(unique, expected, "{}", case.group);
        let pages = env
            .requests()
            .iter()
            .filter(|r| r.query.contains("limit=2"))
            .count();
        assert!(
            pages >= got.len().div_ceil(2),
            "{}: {pages} pages",
            case.group
        );
        assert!(!out.stderr.contains("--cursor"), "{}", out.stderr);

        // One page with a cursor to the next; --all ignores the 15/50 default page size.
        let first = ax(&env, &[case.group, "list"], &["-l", "1", "-o", "json"]);
        first.ok();
        let cursor = first.json()["pagination"]["next_cursor"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(first.stderr.contains(&format!("--cursor {cursor}")));
        let second = ax(
            &env,
            &[case.group, "list"],
            &["-l", "1", "-c", &cursor, "-o", "json"],
        );
        assert_eq!(ids(&second.ok().json(), case.collection), got[1..2]);
    }
    let all_csv = env.ax(&["experiments", "list", "--all", "-l", "5", "-o", "csv"]);
    assert_eq!(all_csv.ok().stdout.lines().count(), 13);
}

#[test]
fn list_filters() {
    let env = Env::new();
    let count = |args: &[&str], collection: &str| {
        let mut full = args.to_vec();
        full.extend(["--all", "-o", "json"]);
        ids(&env.ax(&full).ok().json(), collection).len()
    };
    assert_eq!(
        count(&["organizations", "list", "-n", "acme"], "organizations"),
        1
    );
    assert_eq!(count(&["users", "list", "-e", "ADA.admin"], "users"), 1);
    let active = count(&["users", "list", "-s", "ACTIVE"], "users");
    let all = count(&["users", "list"], "users");
    assert!(active > 0 && active < all, "{active} of {all}");
    assert_eq!(
        count(
            &["users", "list", "-s", "active", "-s", "expired", "-s", "invited"],
            "users"
        ),
        all
    );
    assert_eq!(count(&["projects", "list", "-s", "staging"], "projects"), 1);
    assert_eq!(
        count(
            &["datasets", "list", "--name", "GOLDEN", "--space", "staging"],
            "datasets"
        ),
        1
    );
    assert_eq!(
        count(
            &["evaluators", "list", "-n", "hall", "-s", "staging"],
            "evaluators"
        ),
        1
    );
    assert_eq!(
        count(
            &["ai-integrations", "list", "-n", "openai"],
            "ai_integrations"
        ),
        6
    );
    let dataset = seeded(&env, &CASES[3]).1;
    assert_eq!(
        count(
            &["experiments", "list", "--dataset", &dataset],
            "experiments"
        ),
        2
    );
    assert_eq!(count(EXPERIMENTS_BY_DATASET_NAME, "experiments"), 2);
    assert_eq!(
        count(&["experiments", "list", "-s", "staging"], "experiments"),
        2
    );
    let bad = env.ax(&["users", "list", "--status", "bogus"]);
    assert!(bad.code(2).stderr.contains("--status"), "{}", bad.stderr);
}

#[test]
fn get_by_id_and_by_name() {
    let env = Env::new();
    for case in CASES {
        let (_, id) = seeded(&env, case);
        let by_id = env.ax(&[case.group, "get", &id, "-o", "json"]);
        assert_eq!(by_id.ok().json()["id"], id.as_str(), "{}", case.group);
        let by_name = ax(&env, &[case.group, "get", case.name], case.scope);
        assert!(by_name.ok().stdout.contains(&id), "{}", by_name.stdout);
        assert!(by_name.stdout.contains(case.name), "{}", by_name.stdout);
        let csv = ax(
            &env,
            &[case.group, "get", case.name],
            &[case.scope, &["-o", "csv"]].concat(),
        );
        assert!(csv.ok().stdout.starts_with("id,name,"), "{}", csv.stdout);
        assert_eq!(csv.stdout.lines().count(), 2, "{}", csv.stdout);
    }
    // A dataset comes with its versions; an experiment resolves in the space alone too.
    let dataset = env.ax(&[
        "datasets",
        "get",
        "golden-questions",
        "-s",
        "staging",
        "-o",
        "json",
    ]);
    let doc = dataset.ok().json();
    let mut versions = field(&doc["versions"], "name");
    versions.sort();
    assert_eq!(versions, ["v1", "v2"]);
    let exp = env.ax(&[
        "experiments",
        "get",
        "candidate",
        "-s",
        "staging",
        "-o",
        "json",
    ]);
    assert_eq!(exp.ok().json()["name"], "candidate");
    let org = env.ax(&["organizations", "get", "Acme AI", "-o", "json"]);
    assert_eq!(
        org.ok().json()["id"],
        env.seed_id("organizations", "Acme AI").as_str()
    );
    // `production` names a space in both organizations.
    let ambiguous = env.ax(&["projects", "get", "support-bot", "-s", "production"]);
    assert!(ambiguous
        .code(4)
        .stderr
        .contains("Multiple spaces named 'production'"));
}

#[test]
fn not_found_exits_4_with_one_line() {
    let env = Env::new();
    for case in CASES {
        let out = env.ax(&[case.group, "get", MISSING_ID]);
        out.code(4);
        assert!(out.stderr.contains("404"), "{}", out.stderr);
        assert!(out.stderr.contains("hint:"), "{}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        if !case.scope.is_empty() {
            let mut scope = case.scope.to_vec();
            if case.group == "experiments" {
                scope.truncate(1);
                scope.push(MISSING_ID);
            }
            let out = ax(&env, &[case.group, "get", "no-such-thing"], &scope);
            out.code(4);
            assert!(
                out.stderr.contains("'no-such-thing' not found"),
                "{}",
                out.stderr
            );
        }
    }
    let nobody = env.ax(&["organizations", "get", "No Such Org"]);
    assert!(
        nobody.code(4).stderr.contains("not found"),
        "{}",
        nobody.stderr
    );
    let version = env.ax(&["evaluators", "get-version", MISSING_ID]);
    assert!(version.code(4).stderr.contains("404"), "{}", version.stderr);
}

#[test]
fn users_get_by_email() {
    let env = Env::new();
    let ada = seeded(&env, &CASES[1]).1;
    let out = env.ax(&["users", "get", "ADA.Admin@example.com", "-o", "json"]);
    let user = out.ok().json();
    assert_eq!(user["id"], ada.as_str());
    assert_eq!(user["email"], "ada.admin@example.com");
    let table = env.ax(&["users", "get", "ada.admin@example.com"]);
    assert!(table.ok().stdout.contains("Ada Admin"), "{}", table.stdout);
    // A substring is not an address of a user.
    let partial = env.ax(&["users", "get", "ada.admin@example"]);
    partial.code(4);
    let missing = env.ax(&["users", "get", "nobody@example.com"]);
    missing.code(4);
    assert!(
        missing
            .stderr
            .contains("user 'nobody@example.com' not found"),
        "{}",
        missing.stderr
    );
}

#[test]
fn names_without_their_scope_fail_before_any_request() {
    let env = Env::new();
    env.clear_requests();
    for case in CASES.iter().filter(|c| !c.scope.is_empty()) {
        let out = env.ax(&[case.group, "get", case.name]);
        out.code(2);
        let flag = if case.group == "experiments" {
            "--dataset"
        } else {
            "--space"
        };
        assert!(out.stderr.contains(flag), "{}", out.stderr);
        assert!(out.stderr.contains(case.name), "{}", out.stderr);
    }
    let cases: &[&[&str]] = &[
        &[
            "experiments",
            "get",
            "baseline",
            "--dataset",
            "golden-questions",
        ],
        &["experiments", "list", "--dataset", "golden-questions"],
        &["evaluators", "list-versions", "hallucination"],
        &["evaluators", "list-versions", "hallucination", "--all"],
    ];
    for args in cases {
        let out = env.ax(args);
        out.code(2);
        assert!(out.stderr.contains("--space"), "{args:?}: {}", out.stderr);
    }
    assert!(env.requests().is_empty(), "{:?}", env.requests());
}

#[test]
fn invalid_limits_fail_before_any_request() {
    let env = Env::new();
    env.clear_requests();
    let evaluator = seeded(&env, &CASES[5]).1;
    let mut lists: Vec<Vec<&str>> = CASES.iter().map(|c| vec![c.group, "list"]).collect();
    lists.push(vec!["evaluators", "list-versions", &evaluator]);
    lists.push(EXPERIMENTS_BY_DATASET_NAME.to_vec());
    for list in &lists {
        for bad in [&["-l", "0"][..], &["--limit", "101"], &["--all", "-l", "0"]] {
            let out = ax(&env, list, bad);
            out.code(2);
            assert!(
                out.stderr.contains("--limit"),
                "{list:?} {bad:?}: {}",
                out.stderr
            );
        }
        let out = ax(&env, list, &["--all", "--cursor", "x"]);
        out.code(2);
    }
    // As the official CLI: an -o value that is neither a format nor a known file type is a
    // file error.
    let bad_output = env.ax(&["projects", "list", "-o", "projects.txt"]);
    assert!(bad_output.code(5).stderr.contains("--output"));
    assert!(env.requests().is_empty(), "{:?}", env.requests());
}

#[test]
fn evaluator_versions() {
    let env = Env::new();
    for kind in ["hallucination", "json-validity"] {
        let evaluator = seeded_item(&env, "evaluators", kind, true);
        let id = evaluator["id"].as_str().unwrap();
        let seeded: HashSet<String> = field(&evaluator["versions"], "id").into_iter().collect();
        assert_eq!(seeded.len(), 2);

        let by_id = env.ax(&["evaluators", "list-versions", id, "-o", "json"]);
        let listed = ids(&by_id.ok().json(), "evaluator_versions");
        assert_eq!(listed.iter().cloned().collect::<HashSet<_>>(), seeded);
        let by_name = env.ax(&[
            "evaluators",
            "list-versions",
            kind,
            "-s",
            "staging",
            "--all",
            "-l",
            "1",
            "-o",
            "json",
        ]);
        assert_eq!(ids(&by_name.ok().json(), "evaluator_versions"), listed);
        let table = env.ax(&["evaluators", "list-versions", id]);
        assert!(table.ok().stdout.starts_with("id  "), "{}", table.stdout);
        assert_eq!(table.stdout.lines().count(), 3, "{}", table.stdout);
        let paged = env.ax(&["evaluators", "list-versions", id, "-l", "1"]);
        assert!(paged.ok().stderr.contains("--cursor"), "{}", paged.stderr);
        let csv = env.ax(&["evaluators", "list-versions", id, "-o", "csv"]);
        assert!(csv.ok().stdout.starts_with("id,evaluator_id,commit_hash,"));

        // Newest first: `get` returns the first; --version-id picks the other.
        let latest = env.ax(&["evaluators", "get", kind, "-s", "staging", "-o", "json"]);
        assert_eq!(latest.ok().json()["version"]["id"], listed[0].as_str());
        let older = env.ax(&[
            "evaluators",
            "get",
            id,
            "--version-id",
            &listed[1],
            "-o",
            "json",
        ]);
        assert_eq!(older.ok().json()["version"]["id"], listed[1].as_str());
        for version in &listed {
            let got = env.ax(&["evaluators", "get-version", version, "-o", "json"]);
            let v = got.ok().json();
            assert_eq!(v["id"], version.as_str());
            assert_eq!(v["evaluator_id"], id);
            let one = env.ax(&["evaluators", "get-version", version, "-o", "csv"]);
            assert_eq!(one.ok().stdout.lines().count(), 2);
        }
    }
}

#[test]
fn help_shows_the_official_flags() {
    let env = Env::new();
    let top = env.ax(&["--help"]);
    for group in CASES.iter().map(|c| c.group) {
        assert!(
            top.ok().stdout.contains(&format!("  {group} ")),
            "{}",
            top.stdout
        );
    }
    let help = |args: &[&str]| {
        let mut full = args.to_vec();
        full.push("--help");
        env.ax(&full).ok().stdout.clone()
    };
    // Help text wraps where the terminal width and the longest flag put it.
    let flat = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let orgs = help(&["organizations", "list"]);
    assert!(
        orgs.contains("-n, --name <NAME>") && flat(&orgs).contains("[default: 50;"),
        "{orgs}"
    );
    let users = help(&["users", "list"]);
    for f in [
        "-e, --email",
        "-s, --status",
        "-l, --limit",
        "-c, --cursor",
        "--all",
        "-o, --output",
    ] {
        assert!(users.contains(f), "{f}: {users}");
    }
    let projects = help(&["projects", "list"]);
    assert!(projects.contains("-s, --space <SPACE>") && flat(&projects).contains("[default: 15;"));
    let experiments = help(&["experiments", "get"]);
    assert!(
        experiments.contains("      --dataset <DATASET>"),
        "{experiments}"
    );
    assert!(experiments.contains("<NAME_OR_ID>"), "{experiments}");
    let evaluators = help(&["evaluators", "get"]);
    assert!(evaluators.contains("--version-id"), "{evaluators}");
    let versions = help(&["evaluators", "list-versions"]);
    assert!(
        versions.contains("List all versions of an evaluator"),
        "{versions}"
    );
    assert!(help(&["users", "get"]).contains("User ID or email address"));
    assert!(help(&["evaluators", "get-version"]).contains("<VERSION_ID>"));
    // Only the official subcommands exist.
    env.ax(&["projects", "list-versions", "x"]).code(2);
    env.ax(&["organizations"]).code(2);
}
