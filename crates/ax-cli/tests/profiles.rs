//! `ax profiles`, configuration precedence, and the commands that need no server.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Env, ADMIN_KEY};

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn profiles_round_trip_with_private_file() {
    let env = Env::new();
    let out = env.run(
        &[
            "profiles",
            "create",
            "local",
            "--api-key",
            ADMIN_KEY,
            "--base-url",
            &env.url,
            "--output-format",
            "json",
        ],
        &[],
        None,
    );
    out.ok();
    let file = env.path("config.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("[profiles.local]"), "{text}");
    assert!(text.contains("active = \"local\""), "{text}");
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);

    // The active profile supplies key, endpoint and output format.
    let list = env.run(&["spaces", "list", "-l", "1"], &[], None);
    list.ok();
    assert_eq!(list.json()["spaces"].as_array().unwrap().len(), 1);

    let env_key = env.run(
        &[
            "profiles",
            "create",
            "by-env",
            "--api-key-env",
            "MY_AX_KEY",
            "--base-url",
            &env.url,
        ],
        &[],
        None,
    );
    env_key.ok();
    let listed = env.run(&["profiles", "list", "-o", "json"], &[], None);
    listed.ok();
    let profiles = listed.json()["profiles"].as_array().unwrap().clone();
    assert_eq!(profiles.len(), 2);
    assert!(!listed.stdout.contains(ADMIN_KEY));
    let table = env.run(&["profiles", "list"], &[], None);
    table.ok();
    assert!(table.stdout.contains("env MY_AX_KEY"), "{}", table.stdout);

    let shown = env.run(&["profiles", "show", "-o", "json"], &[], None);
    shown.ok();
    let v = shown.json();
    assert_eq!(v["name"], "local");
    assert_eq!(v["active"], true);
    assert_eq!(v["api_key"], "****-key");
    assert!(!shown.stdout.contains(ADMIN_KEY));

    // --profile picks another one; its key comes from the named variable.
    let other = env.run(
        &["--profile", "by-env", "spaces", "list", "-l", "1"],
        &[("MY_AX_KEY", ADMIN_KEY)],
        None,
    );
    other.ok();
    assert!(other.stdout.starts_with("name"), "{}", other.stdout);
    let missing = env.run(&["--profile", "by-env", "spaces", "list"], &[], None);
    missing.code(2);
    env.run(&["--profile", "nope", "spaces", "list"], &[], None)
        .code(2);

    env.run(&["profiles", "use", "by-env"], &[], None).ok();
    let shown = env.run(&["profiles", "show", "-o", "json"], &[], None);
    assert_eq!(shown.json()["name"], "by-env");
    env.run(&["profiles", "use", "nope"], &[], None).code(2);

    env.run(
        &["profiles", "create", "local", "--api-key", "x"],
        &[],
        None,
    )
    .code(2);
    env.run(&["profiles", "delete", "local"], &[], None).code(2);
    env.run(&["profiles", "delete", "local", "--force"], &[], None)
        .ok();
    let listed = env.run(&["profiles", "list", "-o", "json"], &[], None);
    assert_eq!(listed.json()["profiles"].as_array().unwrap().len(), 1);
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);
}

#[test]
fn precedence_flags_over_env_over_profile() {
    let env = Env::new();
    // A profile pointing at a closed port with a wrong key.
    env.run(
        &[
            "profiles",
            "create",
            "bad",
            "--api-key",
            "wrong-key",
            "--base-url",
            "http://127.0.0.1:9",
        ],
        &[],
        None,
    )
    .ok();
    env.run(&["spaces", "list"], &[], None).code(1);
    // The environment's endpoint and key beat the profile.
    let port = env.url.rsplit(':').next().unwrap().to_owned();
    let vars = [
        ("ARIZE_API_KEY", ADMIN_KEY),
        ("ARIZE_API_SCHEME", "http"),
        ("ARIZE_API_HOST", "127.0.0.1"),
        ("ARIZE_API_PORT", port.as_str()),
    ];
    env.run(&["spaces", "list"], &vars, None).ok();
    // Flags beat the environment.
    let out = env.run(&["--api-key", "wrong-key", "spaces", "list"], &vars, None);
    out.code(1);
    assert!(out.stderr.contains("401"), "{}", out.stderr);
}

#[cfg(unix)]
#[test]
fn warns_when_a_key_file_is_readable_by_others() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.run(
        &[
            "profiles",
            "create",
            "p",
            "--api-key",
            ADMIN_KEY,
            "--base-url",
            &env.url,
        ],
        &[],
        None,
    )
    .ok();
    let file = env.path("config.toml");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.run(&["spaces", "list"], &[], None);
    out.ok();
    assert!(out.stderr.contains("chmod 600"), "{}", out.stderr);
}

#[test]
fn version_help_and_completion() {
    let env = Env::new();
    let v = env.run(&["--version"], &[], None);
    v.ok();
    assert!(v.stdout.starts_with("ax "), "{}", v.stdout);
    let h = env.run(&["--help"], &[], None);
    h.ok();
    for word in ["spaces", "tasks", "profiles", "emulator", "completion"] {
        assert!(h.stdout.contains(word), "{}", h.stdout);
    }
    let h = env.run(&["tasks", "trigger-run", "--help"], &[], None);
    h.ok();
    for flag in [
        "--data-start-time",
        "--max-spans",
        "--example-ids",
        "--evaluation-task-ids",
        "--wait",
        "--poll-interval",
        "--timeout",
    ] {
        assert!(h.stdout.contains(flag), "{flag}: {}", h.stdout);
    }
    for shell in ["bash", "zsh", "fish"] {
        let c = env.run(&["completion", shell], &[], None);
        c.ok();
        assert!(c.stdout.contains("spaces"), "{shell}");
    }
    env.run(&["spaces", "frobnicate"], &[], None).code(2);
    env.run(&[], &[], None).code(2);
}

#[cfg(unix)]
#[test]
fn emulator_command_serves_until_ctrl_c() {
    let env = Env::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ax"))
        .args(["mock-server", "--port", "0", "--seed", "none"])
        .env("AX_CONFIG_DIR", env.config_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {first}"))
        .to_owned();
    let rest: Vec<String> = lines
        .by_ref()
        .map(|l| l.unwrap())
        .take_while(|l| !l.starts_with("Press Ctrl-C"))
        .collect();
    assert!(
        rest.iter()
            .any(|l| l.contains("ARIZE_API_KEY=emulator-admin-key")),
        "{rest:?}"
    );
    let out = env.run(
        &[
            "--base-url",
            &url,
            "--api-key",
            ADMIN_KEY,
            "spaces",
            "list",
            "-o",
            "json",
        ],
        &[],
        None,
    );
    out.ok();
    assert_eq!(out.json()["spaces"].as_array().unwrap().len(), 0);
    // SAFETY: sending SIGINT to our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let start = std::time::Instant::now();
    let status = child.wait().unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(status.code(), Some(0));
}
