//! Test harness: an in-process emulator and the `ax` binary run as a subprocess with a
//! private config directory and home (so `~/.arize` is the test's own) and a clean
//! `ARIZE_*` environment.

#![allow(dead_code)]

pub mod home;
pub mod tasks;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use ax_emulator::{Emulator, EmulatorOptions, RequestRecord};
use serde_json::Value;

pub const ADMIN_KEY: &str = "emulator-admin-key";

/// An API root where nothing listens (connection refused).
pub const UNREACHABLE: &str = "http://127.0.0.1:9";

/// The exit codes of the official `ax` CLI.
pub mod exit {
    pub const OK: i32 = 0;
    pub const OTHER: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const API: i32 = 4;
    pub const FILE: i32 = 5;
    pub const INTERRUPTED: i32 = 130;
}

/// The result of one `ax` run.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Stdout parsed as JSON (panics with both streams on failure).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert_eq!(self.code, 0, "expected success: {self:?}");
        self
    }

    #[track_caller]
    pub fn code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit code: {self:?}");
        self
    }
}

/// An emulator plus a private config directory.
pub struct Env {
    pub emu: Emulator,
    pub url: String,
    pub dir: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
}

impl Default for Env {
    fn default() -> Self {
        Env::new()
    }
}

impl Env {
    pub fn new() -> Env {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let emu = rt
            .block_on(Emulator::start(EmulatorOptions::default()))
            .unwrap();
        let url = emu.url();
        Env {
            emu,
            url,
            dir: tempfile::tempdir().unwrap(),
            rt,
        }
    }

    pub fn config_dir(&self) -> &Path {
        self.dir.path()
    }

    /// A clean environment for `cmd`: no `ARIZE_*`/`AX_*`, the test's own config directory
    /// and home directory.
    fn isolate(&self, cmd: &mut Command) {
        for (k, _) in std::env::vars() {
            if k.starts_with("ARIZE_")
                || k.starts_with("AX_")
                || k == "COLUMNS"
                || k == "XDG_CONFIG_HOME"
            {
                cmd.env_remove(k);
            }
        }
        cmd.env("AX_CONFIG_DIR", self.config_dir());
        cmd.env("HOME", self.config_dir());
    }

    /// `ax --base-url <emulator> --api-key <admin> ARGS`.
    pub fn ax(&self, args: &[&str]) -> Out {
        let mut full = vec!["--base-url", &self.url, "--api-key", ADMIN_KEY];
        full.extend_from_slice(args);
        self.run(&full, &[], None)
    }

    /// `ax ARGS` with extra environment variables and optional stdin (no TTY).
    pub fn run(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Out {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ax"));
        cmd.args(args);
        self.isolate(&mut cmd);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn ax");
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        let out = child.wait_with_output().unwrap();
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `ax --base-url <emulator> --api-key KEY ARGS`.
    pub fn ax_key(&self, key: &str, args: &[&str]) -> Out {
        let mut full = vec!["--base-url", &self.url, "--api-key", key];
        full.extend_from_slice(args);
        self.run(&full, &[], None)
    }

    /// `ax --base-url <emulator> ARGS` without any API key.
    pub fn ax_no_key(&self, args: &[&str]) -> Out {
        let mut full = vec!["--base-url", &self.url];
        full.extend_from_slice(args);
        self.run(&full, &[], None)
    }

    /// `ax ARGS` against an address where nothing listens.
    pub fn ax_unreachable(&self, args: &[&str]) -> Out {
        let mut full = vec!["--base-url", UNREACHABLE, "--api-key", ADMIN_KEY];
        full.extend_from_slice(args);
        self.run(&full, &[], None)
    }

    /// Starts `ax --base-url <emulator> --api-key <admin> ARGS`, sends it SIGINT after
    /// `after`, and returns what it printed and its exit code.
    #[cfg(unix)]
    pub fn ax_interrupted(&self, args: &[&str], after: Duration) -> Out {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ax"));
        self.isolate(&mut cmd);
        let child = cmd
            .args(["--base-url", &self.url, "--api-key", ADMIN_KEY])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn ax");
        std::thread::sleep(after);
        // SAFETY: sending SIGINT to our own child process.
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        let out = child.wait_with_output().unwrap();
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Makes every `/v2` request matching `path` wait `ms` milliseconds before its answer.
    pub fn stall(&self, path: &str, ms: u64) {
        self.emu.control().add_fault(ax_emulator::Fault {
            path: path.into(),
            latency_ms: ms,
            unlimited: true,
            ..Default::default()
        });
    }

    /// `GET PATH` (e.g. `/v2/spaces?limit=100`) straight from the emulator with the admin
    /// key: the server's own answer, for comparisons.
    pub fn server_json(&self, path: &str) -> Value {
        use std::io::Read;
        let host = self.url.trim_start_matches("http://");
        let mut conn = std::net::TcpStream::connect(host).unwrap();
        write!(
            conn,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {ADMIN_KEY}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = Vec::new();
        conn.read_to_end(&mut answer).unwrap();
        let text = String::from_utf8(answer).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200"), "{path}: {head}");
        assert!(
            !head
                .to_ascii_lowercase()
                .contains("transfer-encoding: chunked"),
            "{head}"
        );
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
    }

    /// A seeded task run pinned in `status` (e.g. `FAILED`).
    pub fn seeded_run(&self, status: &str) -> String {
        self.seed()["task_runs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["status"] == status)
            .unwrap_or_else(|| panic!("no seeded run in status {status}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Runs `ax ARGS` on a pseudo-terminal (via `script`), typing `input`. `None` when
    /// `script` is not available.
    pub fn ax_tty(&self, args: &[&str], input: &str) -> Option<Out> {
        if Command::new("script").arg("--version").output().is_err() {
            return None;
        }
        let mut line = format!(
            "{} --base-url {} --api-key {ADMIN_KEY}",
            env!("CARGO_BIN_EXE_ax"),
            self.url
        );
        for a in args {
            line.push(' ');
            line.push_str(&shell_quote(a));
        }
        let mut cmd = Command::new("script");
        cmd.args(["-qec", &line, "/dev/null"]);
        self.isolate(&mut cmd);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().ok()?;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        Some(Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }

    /// Every /v2 request the emulator saw.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.emu.control().requests()
    }

    pub fn clear_requests(&self) {
        self.emu.control().clear_requests();
    }

    pub fn seed(&self) -> Value {
        self.emu.control().seed_info()
    }

    /// Seeded ID of `kind` (e.g. "spaces") named `name` in the first matching space.
    pub fn seed_id(&self, kind: &str, name: &str) -> String {
        self.seed()[kind]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name)
            .unwrap_or_else(|| panic!("no seeded {kind} named {name}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
