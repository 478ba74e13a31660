//! Test harness: an in-process emulator and the `ax` binary run as a subprocess with a
//! private config directory and a clean `ARIZE_*` environment.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use ax_emulator::{Emulator, EmulatorOptions, RequestRecord};
use serde_json::Value;

pub const ADMIN_KEY: &str = "emulator-admin-key";

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
        for (k, _) in std::env::vars() {
            if k.starts_with("ARIZE_") || k.starts_with("AX_") || k == "COLUMNS" {
                cmd.env_remove(k);
            }
        }
        cmd.env("AX_CONFIG_DIR", self.config_dir());
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
        cmd.env("AX_CONFIG_DIR", self.config_dir());
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
