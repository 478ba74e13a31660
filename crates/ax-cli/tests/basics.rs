//! The commands that need no profile: `--version`, `--help`, completion and the emulator.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Env, ADMIN_KEY};

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
    let h = env.run(&["profiles", "create", "--help"], &[], None);
    h.ok();
    for flag in [
        "--from-file",
        "-f",
        "--api-key",
        "--auth-method",
        "--region",
        "--single-host",
        "--single-port",
        "--output-format",
        "--force",
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

/// Starts `ax <args>` (an emulator command) and reads its banner: the child, the URL and
/// the lines up to "Press Ctrl-C".
#[cfg(unix)]
fn spawn_emulator(env: &Env, args: &[&str]) -> (std::process::Child, String, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ax"))
        .args(args)
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
    (child, url, rest)
}

#[cfg(unix)]
#[test]
fn emulator_command_serves_until_ctrl_c() {
    let env = Env::new();
    let (mut child, url, rest) =
        spawn_emulator(&env, &["mock-server", "--port", "0", "--seed", "none"]);
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

#[cfg(unix)]
#[test]
fn emulator_latency_flag() {
    let env = Env::new();
    let (mut child, url, rest) = spawn_emulator(
        &env,
        &[
            "emulator",
            "--port",
            "0",
            "--seed",
            "none",
            "--latency",
            "120:20",
        ],
    );
    assert!(
        rest.iter()
            .any(|l| l.contains("Simulated latency: 120 ms ± 20 ms")),
        "{rest:?}"
    );
    // A new connection and its answer: at least two round trips of 100 ms or more.
    let start = std::time::Instant::now();
    env.run(
        &["--base-url", &url, "--api-key", ADMIN_KEY, "spaces", "list"],
        &[],
        None,
    )
    .ok();
    assert!(start.elapsed() >= Duration::from_millis(200));
    child.kill().unwrap();
    child.wait().unwrap();
    for (spec, needle) in [
        ("abc", "MS \"abc\" is not a number"),
        ("25:x", "JITTER \"x\" is not a number"),
        ("10:20", "jitter_ms must be from 0 to the latency"),
        ("20000", "at most 10000"),
    ] {
        let out = env.run(&["emulator", "--latency", spec], &[], None);
        out.code(2);
        assert!(
            out.stderr.contains("--latency") && out.stderr.contains(needle),
            "{}",
            out.stderr
        );
    }
}

/// A bare `GET` over a fresh connection (not through the client, whose handling of 429
/// is not under test here): the status and the lower-cased headers.
#[cfg(unix)]
fn raw_get(url: &str, path: &str, key: &str) -> (u16, Vec<(String, String)>) {
    use std::io::{Read, Write};
    let addr = url.trim_start_matches("http://");
    let mut conn = std::net::TcpStream::connect(addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        conn,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    conn.read_to_string(&mut text).unwrap();
    let head = text.split("\r\n\r\n").next().unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers)
}

#[cfg(unix)]
#[test]
fn emulator_rate_limit_flags() {
    let env = Env::new();
    let (mut child, url, rest) = spawn_emulator(
        &env,
        &[
            "emulator",
            "--port",
            "0",
            "--seed",
            "none",
            "--rate-limit",
            "0.5:2",
            "--rate-limit-per-route",
        ],
    );
    assert!(
        rest.iter().any(|l| l.contains(
            "Rate limit: 0.5 requests per second, bursts of up to 2, one bucket per API key and route"
        )),
        "{rest:?}"
    );
    let header = |headers: &[(String, String)], name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let (status, headers) = raw_get(&url, "/v2/spaces", ADMIN_KEY);
        assert_eq!(
            header(&headers, "ratelimit-policy").as_deref(),
            Some("0.5;w=1;burst=2"),
            "{headers:?}"
        );
        assert_eq!(
            header(&headers, "retry-after").is_some(),
            status == 429,
            "{headers:?}"
        );
        statuses.push(status);
    }
    assert_eq!(statuses, [200, 200, 429]);
    // Per route: another route has a bucket of its own.
    assert_eq!(raw_get(&url, "/v2/organizations", ADMIN_KEY).0, 200);
    child.kill().unwrap();
    child.wait().unwrap();

    for (spec, needle) in [
        ("abc", "RPS \"abc\" is not a number"),
        ("5:x", "BURST \"x\" is not a whole number"),
        (
            "0",
            "rps must be a number of requests per second, above 0 and at most 100000",
        ),
        ("5:0", "burst must be an integer from 1 to 1000000"),
    ] {
        let out = env.run(&["emulator", "--rate-limit", spec], &[], None);
        out.code(2);
        assert!(
            out.stderr.contains("--rate-limit")
                && out.stderr.contains("RPS or RPS:BURST")
                && out.stderr.contains(needle),
            "{}",
            out.stderr
        );
    }
    let out = env.run(&["emulator", "--rate-limit-per-route"], &[], None);
    out.code(2);
    assert!(
        out.stderr.contains("--rate-limit <RPS[:BURST]>"),
        "{}",
        out.stderr
    );
}
