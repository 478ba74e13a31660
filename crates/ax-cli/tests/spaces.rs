//! `ax spaces` against an in-process emulator.

mod common;

use common::{Env, ADMIN_KEY};
use serde_json::Value;

fn names(v: &Value) -> Vec<String> {
    v["spaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn list_table_fits_80_columns_and_shows_beta_notice_once() {
    let env = Env::new();
    let out = env.ax(&["spaces", "list"]);
    out.ok();
    assert!(out.stdout.starts_with("name"), "{}", out.stdout);
    assert!(out.stdout.contains("support-bot-evals"));
    for line in out.stdout.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line}");
    }
    assert!(out.stderr.contains("[BETA]"), "{}", out.stderr);
    let again = env.ax(&["spaces", "list"]);
    assert!(!again.stderr.contains("[BETA]"), "{}", again.stderr);
}

#[test]
fn list_json_limit_cursor_and_all() {
    let env = Env::new();
    let first = env.ax(&["spaces", "list", "-l", "2", "-o", "json"]);
    first.ok();
    let doc = first.json();
    assert_eq!(doc["spaces"].as_array().unwrap().len(), 2);
    assert_eq!(doc["pagination"]["has_more"], true);
    let cursor = doc["pagination"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        first.stderr.contains(&format!("--cursor {cursor}")),
        "{}",
        first.stderr
    );
    let second = env.ax(&[
        "spaces", "list", "--limit", "2", "--cursor", &cursor, "-o", "json",
    ]);
    second.ok();
    let mut seen = names(&doc);
    seen.extend(names(&second.json()));

    let all = env.ax(&["spaces", "list", "--all", "-l", "2", "-o", "json"]);
    all.ok();
    let all_doc = all.json();
    assert_eq!(
        all_doc["pagination"],
        serde_json::json!({"has_more": false})
    );
    let all_names = names(&all_doc);
    assert_eq!(all_names.len(), 6, "{all_names:?}");
    assert_eq!(&all_names[..4], &seen[..]);
    assert!(!all.stderr.contains("--cursor"));
    // --all pages through with the given page size.
    let list_requests = env
        .requests()
        .iter()
        .filter(|r| r.path == "/v2/spaces" && r.query.contains("limit=2"))
        .count();
    assert!(list_requests >= 2 + 3, "{list_requests}");
}

#[test]
fn csv_and_parquet_share_the_arrow_schema() {
    let env = Env::new();
    let csv = env.ax(&["spaces", "list", "--all", "-o", "csv"]);
    csv.ok();
    let mut lines = csv.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,name,description,created_at,organization_id,is_private"
    );
    assert_eq!(lines.count(), 6);
    assert!(csv.stdout.contains(",staging,Pre-prod checks,"));

    let file = env.path("spaces.parquet");
    let pq = env.ax(&["spaces", "list", "--all", "-o", file.to_str().unwrap()]);
    pq.ok();
    assert!(pq.stdout.is_empty());
    assert!(pq.stderr.contains("Saved to"), "{}", pq.stderr);
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        std::fs::File::open(&file).unwrap(),
    )
    .unwrap()
    .build()
    .unwrap();
    let batches: Vec<_> = reader.map(|b| b.unwrap()).collect();
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(rows, 6);
    let schema = batches[0].schema();
    let cols: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(
        cols,
        [
            "id",
            "name",
            "description",
            "created_at",
            "organization_id",
            "is_private"
        ]
    );
    // No temporary files are left next to the output.
    let leftovers: Vec<_> = std::fs::read_dir(env.config_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());

    // Single objects go through the same schema.
    let one = env.ax(&["spaces", "get", "staging", "-o", "csv"]);
    one.ok();
    assert_eq!(one.stdout.lines().count(), 2);
    assert!(one.stdout.starts_with("id,name,description,created_at,"));
}

#[test]
fn json_file_output_by_extension() {
    let env = Env::new();
    let file = env.path("out.json");
    env.ax(&["spaces", "get", "staging", "-o", file.to_str().unwrap()])
        .ok();
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(v["name"], "staging");
    let bad = env.ax(&["spaces", "list", "-o", "spaces.txt"]);
    bad.code(5);
    assert!(bad.stderr.contains("--output"), "{}", bad.stderr);
}

#[test]
fn create_get_update_delete_round_trip() {
    let env = Env::new();
    let org = env.seed_id("organizations", "Acme AI");
    let created = env.ax(&[
        "spaces",
        "create",
        "--name",
        "cli-space",
        "--organization-id",
        &org,
        "--description",
        "made by the cli",
        "-o",
        "json",
    ]);
    created.ok();
    let id = created.json()["id"].as_str().unwrap().to_owned();

    let got = env.ax(&["spaces", "get", "cli-space", "-o", "json"]);
    got.ok();
    assert_eq!(got.json()["id"], id.as_str());
    assert_eq!(got.json()["description"], "made by the cli");

    let updated = env.ax(&["spaces", "update", &id, "-n", "cli-space-2", "-o", "json"]);
    updated.ok();
    assert_eq!(updated.json()["name"], "cli-space-2");
    assert_eq!(updated.json()["description"], "made by the cli");

    env.ax(&["spaces", "update", &id]).code(2);

    let table = env.ax(&["spaces", "get", &id]);
    table.ok();
    assert!(table.stdout.contains("cli-space-2"));

    env.ax(&["spaces", "delete", &id, "--force"]).ok();
    let gone = env.ax(&["spaces", "get", &id]);
    gone.code(4);
    assert!(gone.stderr.contains("404"), "{}", gone.stderr);
    assert!(gone.stderr.contains("hint:"), "{}", gone.stderr);
}

#[test]
fn without_a_terminal_destructive_commands_refuse_and_change_nothing() {
    let env = Env::new();
    let id = env.seed_id("spaces", "playground");
    env.clear_requests();
    let out = env.ax(&["spaces", "delete", &id]);
    out.code(2);
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    let user = env.seed()["users"][1]["id"].as_str().unwrap().to_owned();
    let out = env.ax(&["spaces", "remove-user", "production", "--user-id", &user]);
    out.code(2);
    assert!(env.requests().is_empty(), "{:?}", env.requests());
    env.ax(&["spaces", "get", &id]).ok();
}

#[test]
fn missing_required_values_fail_without_a_terminal() {
    let env = Env::new();
    env.clear_requests();
    let out = env.ax(&["spaces", "create", "--name", "x"]);
    out.code(2);
    assert!(
        out.stderr
            .contains("missing required option '--organization-id'"),
        "{}",
        out.stderr
    );
    let out = env.ax(&["spaces", "add-user", "production", "--role", "member"]);
    out.code(2);
    assert!(out.stderr.contains("'--user-id'"), "{}", out.stderr);
    let out = env.ax(&[
        "spaces",
        "add-user",
        "production",
        "--user-id",
        "u",
        "-r",
        "owner",
    ]);
    out.code(2);
    assert!(out.stderr.contains("--role"), "{}", out.stderr);
    env.ax(&["spaces", "list", "--limit", "0"]).code(2);
    env.ax(&["spaces", "list", "--limit", "101"]).code(2);
    assert!(env.requests().is_empty(), "{:?}", env.requests());
}

#[test]
fn add_and_remove_user() {
    let env = Env::new();
    let seed = env.seed();
    let sam = seed["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "sam.spare@example.com")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let space = env.seed_id("spaces", "staging");
    let out = env.ax(&[
        "spaces",
        "add-user",
        &space,
        "--user-id",
        &sam,
        "-r",
        "read-only",
        "-o",
        "json",
    ]);
    out.ok();
    assert_eq!(out.json()["role"]["name"], "READ_ONLY");
    assert!(out.stderr.contains("[ALPHA]"), "{}", out.stderr);
    env.ax(&["spaces", "remove-user", &space, "--user-id", &sam, "-f"])
        .ok();
    let again = env.ax(&["spaces", "remove-user", &space, "--user-id", &sam, "-f"]);
    again.code(4);
    assert!(again.stderr.contains("404"));
}

#[test]
fn api_errors_exit_4_with_one_line() {
    let env = Env::new();
    let out = env.run(
        &[
            "--base-url",
            &env.url,
            "--api-key",
            "wrong-key",
            "spaces",
            "list",
        ],
        &[],
        None,
    );
    // As the official CLI: a 401 is an API error like any other.
    out.code(4);
    assert!(out.stderr.contains("401"), "{}", out.stderr);
    assert!(
        out.stderr.contains("hint: check the API key"),
        "{}",
        out.stderr
    );
    let err_lines: Vec<_> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(err_lines.len(), 1, "{}", out.stderr);

    let read_only = env.run(
        &[
            "--base-url",
            &env.url,
            "--api-key",
            "emulator-readonly-key",
            "spaces",
            "update",
            "production",
            "--description",
            "x",
        ],
        &[],
        None,
    );
    // Rita reads Acme's production space but may not change it.
    read_only.code(4);
    assert!(read_only.stderr.contains("403"), "{}", read_only.stderr);

    let ambiguous = env.ax(&["spaces", "get", "production"]);
    ambiguous.code(4);
    assert!(ambiguous
        .stderr
        .contains("Multiple spaces named 'production'"));

    let no_key = env.run(&["--base-url", &env.url, "spaces", "list"], &[], None);
    // No API key at all is a configuration error.
    no_key.code(1);
    assert!(no_key.stderr.contains("ARIZE_API_KEY"), "{}", no_key.stderr);
}

#[test]
fn verbose_logs_requests_but_never_the_key() {
    let env = Env::new();
    let out = env.ax(&["-v", "spaces", "list", "-l", "1"]);
    out.ok();
    assert!(out.stderr.contains("GET http://"), "{}", out.stderr);
    assert!(out.stderr.contains("-> 200"), "{}", out.stderr);
    assert!(out.stderr.contains("attempt 1"), "{}", out.stderr);
    assert!(!out.stderr.contains(ADMIN_KEY));
    assert!(!out.stdout.contains(ADMIN_KEY));
}

#[test]
fn typed_confirmation_on_a_terminal() {
    let env = Env::new();
    let id = env.seed_id("spaces", "playground");
    let Some(out) = env.ax_tty(&["spaces", "delete", "playground"], "not-it\n") else {
        eprintln!("skipped: `script` is not available");
        return;
    };
    // A declined confirmation is not an error (as the official CLI).
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("space not deleted"), "{out:?}");
    env.ax(&["spaces", "get", &id]).ok();
    let out = env
        .ax_tty(&["spaces", "delete", &id], &format!("{id}\n"))
        .unwrap();
    assert_eq!(out.code, 0, "{out:?}");
    env.ax(&["spaces", "get", &id]).code(4);
}
