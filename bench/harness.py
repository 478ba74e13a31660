"""Plumbing of bench/run.py: child processes and their peak RSS, the emulator process,
statistics, the load generator, perf profiles and the results table."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
# Ours is setup.sh's release build; BENCH_OURS_VENV=<venv> takes ours (the measured Python
# and the emulator's `ax`) from another venv, e.g. the repository's .venv with a debug build
# to try a scenario without rebuilding (its figures are not the bench's).
OURS_VENV = Path(os.environ.get("BENCH_OURS_VENV") or BENCH / ".venv-ours")
OURS_PY = OURS_VENV / "bin" / "python"
OURS_AX = OURS_VENV / "bin" / "ax"
OFF_PY = BENCH / ".venv-official" / "bin" / "python"
OFF_AX = BENCH / ".venv-official" / "bin" / "ax"
RAW = BENCH / "rawfetch" / "target" / "release" / "rawfetch"
CORE = BENCH / "corefetch" / "target" / "release" / "corefetch"  # optional
WORKER = BENCH / "worker.py"
RESULTS = BENCH / "results"

N_TASKS = 20_000
N_RUNS = 20_000
N_WAIT = 500
PROC_TIMEOUT = 300  # seconds, for any one measured process


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- processes


class Proc:
    """Result of one child process: wall time, its own peak RSS (wait4), exit code, stdout."""

    def __init__(self, wall: float, maxrss_kb: int, code: int, out: str) -> None:
        self.wall, self.maxrss_kb, self.code, self.out = wall, maxrss_kb, code, out

    def json_lines(self) -> list[dict[str, Any]]:
        rows = []
        for line in self.out.splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
        return rows


def _reap(p: subprocess.Popen, t0: float, timeout: float) -> tuple[float, int, int]:
    deadline = time.monotonic() + timeout
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            wall = time.perf_counter() - t0
            p.returncode = os.waitstatus_to_exitcode(status)
            return wall, ru.ru_maxrss, p.returncode
        if time.monotonic() > deadline:
            p.kill()
            pid, status, ru = os.wait4(p.pid, 0)
            p.returncode = -9
            raise TimeoutError(f"{p.args!r} exceeded {timeout}s")
        time.sleep(0.0005)


def run_proc(cmd: list[str], env: dict[str, str], timeout: float = PROC_TIMEOUT) -> Proc:
    """Runs cmd; wall time from spawn to exit; the child's own peak RSS from wait4."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(
            [str(c) for c in cmd], stdout=out, stderr=err, env=env, stdin=subprocess.DEVNULL
        )
        wall, rss, code = _reap(p, t0, timeout)
        out.seek(0)
        err.seek(0)
        text = out.read().decode(errors="replace")
        if code != 0:
            raise RuntimeError(
                f"{cmd[0]} ... exited {code}: {err.read().decode(errors='replace')[-2000:]}"
            )
        return Proc(wall, rss, code, text)


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("ARIZE_", "AX_", "VIRTUAL_ENV"))
    }
    env.update(extra)
    return env


# --------------------------------------------------------------------------- emulator


class Emulator:
    """`ax emulator --port 0 --control` from bench/.venv-ours in its own process (the
    benchmarks use the /_emulator control routes, which are off by default). With
    ``tls=True`` it serves HTTPS (HTTP/2 offered, as the real API's front end does), with a
    CA written to ``home/ca.pem`` that every side is told to trust."""

    def __init__(self, home: Path, tls: bool = False) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.ca_file = home / "ca.pem" if tls else None
        extra = ["--tls", "--ca-file", str(self.ca_file)] if self.ca_file else []
        self.proc = subprocess.Popen(
            [str(OURS_AX), "emulator", "--port", "0", "--seed", "demo", "--control", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            env=clean_env(HOME=str(home)),
            text=True,
        )
        assert self.proc.stdout is not None
        deadline = time.monotonic() + 30
        self.url = ""
        self.key = ""
        while time.monotonic() < deadline and not (self.url and self.key):
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.search(r"listening on (https?://\S+)", line)
            if m:
                self.url = m.group(1)
            m = re.search(r"Admin API key: (\S+)", line)
            if m:
                self.key = m.group(1)
        if not (self.url and self.key):
            self.stop()
            raise RuntimeError("the emulator did not start")
        self.port = int(self.url.rsplit(":", 1)[1])
        self.pid = self.proc.pid

    def _call(self, method: str, path: str, body: Any = None, auth: bool = False) -> Any:
        data = None if body is None else json.dumps(body).encode()
        headers = {"content-type": "application/json"}
        if auth:
            headers["authorization"] = f"Bearer {self.key}"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(req, timeout=60, context=self.ssl_context()) as r:
            raw = r.read()
        return json.loads(raw) if raw else None

    def control(self, method: str, path: str, body: Any = None) -> Any:
        return self._call(method, "/_emulator" + path, body)

    def api(self, method: str, path: str, body: Any = None) -> Any:
        return self._call(method, path, body, auth=True)

    def ssl_context(self) -> ssl.SSLContext | None:
        """With TLS: a context trusting the emulator's CA."""
        return ssl.create_default_context(cafile=str(self.ca_file)) if self.ca_file else None

    def sdk_env(self) -> dict[str, str]:
        env = {
            "ARIZE_API_KEY": self.key,
            "ARIZE_API_SCHEME": "https" if self.ca_file else "http",
            "ARIZE_API_HOST": "127.0.0.1",
            "ARIZE_API_PORT": str(self.port),
        }
        if self.ca_file:
            # Both clients (and the official CLI, through the SDK) read it.
            env["ARIZE_SSL_CA_CERT"] = str(self.ca_file)
        return env

    def peak_rss_kb(self) -> int:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --------------------------------------------------------------------------- statistics


def summary(samples: list[float]) -> dict[str, Any]:
    s = sorted(samples)
    out: dict[str, Any] = {
        "n": len(s),
        "median": statistics.median(s),
        "min": s[0],
        "max": s[-1],
        "samples": samples,
    }
    if len(s) >= 4:
        q = statistics.quantiles(s, n=4)
        out["q1"], out["q3"] = q[0], q[2]
    return out


def side(samples: list[float], rss: list[int], **extra: Any) -> dict[str, Any]:
    d = summary(samples)
    d["peak_rss_kb"] = max(rss) if rss else None
    d.update(extra)
    return d


def interleave(reps: int, *sides: Callable[[], None]) -> None:
    """Runs every side once per round, rotating which goes first."""
    for i in range(reps):
        k = i % len(sides)
        for f in sides[k:] + sides[:k]:
            f()


def fmt_s(x: float | None) -> str:
    if x is None:
        return "-"
    if x < 1:
        return f"{x * 1e3:.1f} ms"
    return f"{x:.2f} s"


def fmt_spread(d: dict[str, Any] | None) -> str:
    if not d:
        return "-"
    return f"{fmt_s(d['median'])} ({fmt_s(d['min'])}-{fmt_s(d['max'])})"


def fmt_mb(kb: int | None) -> str:
    return "-" if not kb else f"{kb / 1024:.0f} MB"


def time_pair(
    reps: int,
    ours: tuple[list, Callable[[], dict[str, str]]],
    peer: tuple[list, Callable[[], dict[str, str]]],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Times two whole commands (command, env factory) interleaved; returns both sides'
    summaries (wall time, peak RSS of the child)."""
    got: dict[int, tuple[list[float], list[int]]] = {0: ([], []), 1: ([], [])}

    def runner(i: int, cmd: list, env: Callable[[], dict[str, str]]) -> Callable[[], None]:
        def run() -> None:
            r = run_proc(cmd, env())
            got[i][0].append(r.wall)
            got[i][1].append(r.maxrss_kb)

        return run

    interleave(reps, runner(0, *ours), runner(1, *peer))
    return side(*got[0]), side(*got[1])


def load_test(wrk: str | None, url: str, key: str, seconds: int) -> dict[str, Any]:
    """One bounded load run against url: wrk -t1 -c64 if available, else rawfetch load."""
    auth = f"Authorization: Bearer {key}"
    if wrk:
        out = subprocess.run(
            [wrk, "-t", "1", "-c", "64", "-d", f"{seconds}s", "--latency", "-H", auth, url],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=True,
        ).stdout

        def ms(label: str) -> float:
            m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
            if not m:
                return float("nan")
            return float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]

        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
        reqs = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
        m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        errs = int(m.group(1)) if m else 0
        m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        if m:
            errs += sum(int(g) for g in m.groups())
        return {
            "tool": "wrk -t1 -c64",
            "rps": rps,
            "requests": reqs,
            "errors": errs,
            "p50_ms": ms("50%"),
            "p99_ms": ms("99%"),
        }
    out = subprocess.run(
        [
            str(RAW),
            "load",
            "--url",
            url,
            "--key",
            key,
            "--connections",
            "64",
            "--seconds",
            str(seconds),
            "--max-requests",
            "1000000",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    d = json.loads(out)
    d["tool"] = "rawfetch load -c64"
    return d


def format_table(rows: list[dict[str, Any]]) -> str:
    """The results as a markdown table."""
    lines = [
        "| # | case | ours median (min-max) | peer median (min-max) | ratio "
        "| peak RSS ours / peer | target | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        o, p = r["ours"], r["peer"]
        met = {True: "yes", False: "**no**", None: "-"}[r["met"]]
        if r.get("met_detail"):
            met = "; ".join(
                f"{what}: {'yes' if ok else '**no**'}" for what, ok in r["met_detail"].items()
            )
        if r["scenario"] == 6:
            lines.append(
                f"| 6 | {r['case']} | {o['median']:,.0f} req/s "
                f"({o['min']:,.0f}-{o['max']:,.0f}); p50 {o['p50_ms']:.2f} ms, "
                f"p99 {o['p99_ms']:.2f} ms, {o['errors']} errors | - | - | "
                f"emulator {fmt_mb(r['emulator_peak_rss_kb'])} | {r['target']} | {met} |"
            )
            continue
        p = p or {}
        if r["scenario"] == 3:
            ratio = f"ours = {r['ours_over_raw']:.2f}x raw"
        elif r.get("ratio") is None:
            ratio = "-"
        else:
            ratio = f"{r['ratio']:.1f}x"
        if r["scenario"] == 7:
            q = r["requests"]
            ratio += (
                f"; ours = {r['ours_over_ideal']:.2f}x ideal ({fmt_s(r['ideal_s'])}); "
                f"requests {q['ours']} / {q['peer']}, fewest sequential {q['minimal']}"
            )
        if r["scenario"] == 8:
            ratio += f"; first / warm {r['first_over_warm']:.2f}"
        if r["scenario"] == 9:  # the peer column is the ideal time
            ratio = (
                f"ours = {r['wall_over_ideal']:.2f}x ideal; requests admitted "
                f"{o['admitted']:.0f}, refused {o['refused']:.0f}, "
                f"{r['late_share']:.1%} refused after the first 429"
            )
        rss = f"{fmt_mb(o.get('peak_rss_kb'))} / {fmt_mb(p.get('peak_rss_kb'))}"
        if o.get("rss_delta_kb") and p.get("rss_delta_kb"):
            rss += f" (growth {fmt_mb(o['rss_delta_kb'])} / {fmt_mb(p['rss_delta_kb'])})"
        lines.append(
            f"| {r['scenario']} | {r['case']} | {fmt_spread(o)} | {fmt_spread(p)} | {ratio} | "
            f"{rss} | {r['target']} | {met} |"
        )
    return "\n".join(lines)


def profile_walks(emu: Emulator, env: dict[str, str], space: str, path: str) -> dict[str, Any]:
    """perf record of ours (40 warm walks of every task of `space` into Arrow), of the
    emulator meanwhile, and of the raw client (40 walks of `path`). Writes the reports to
    results/profile/ and returns the top lines and a per-category summary."""
    if not shutil.which("perf"):
        log("perf not found; no profile")
        return {}
    out = RESULTS / "profile"
    out.mkdir(parents=True, exist_ok=True)
    emu_rec = subprocess.Popen(
        [
            "perf",
            "record",
            "-F",
            "1999",
            "-g",
            "-p",
            str(emu.pid),
            "-o",
            str(out / "emulator.data"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    t0 = time.perf_counter()
    subprocess.run(
        [
            "perf",
            "record",
            "-F",
            "1999",
            "-g",
            "-o",
            str(out / "ours.data"),
            "--",
            str(OURS_PY),
            str(WORKER),
            "arrow",
            "--side",
            "ours",
            "--space",
            space,
            "--repeat",
            "40",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=PROC_TIMEOUT,
        check=True,
    )
    ours_wall = time.perf_counter() - t0  # 40 walks plus start-up
    emu_rec.send_signal(signal.SIGINT)
    emu_rec.wait(timeout=30)
    subprocess.run(
        [
            "perf",
            "record",
            "-F",
            "1999",
            "-g",
            "-o",
            str(out / "raw.data"),
            "--",
            str(RAW),
            "fetch",
            "--base",
            emu.url,
            "--key",
            emu.key,
            "--path",
            path,
            "--warmup",
            "0",
            "--repeat",
            "40",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=PROC_TIMEOUT,
        check=True,
    )
    reports = {}
    for name in ("ours", "emulator", "raw"):
        for sort in ("dso", "dso,sym"):
            rep = subprocess.run(
                [
                    "perf",
                    "report",
                    "-i",
                    str(out / f"{name}.data"),
                    "--no-children",
                    "--sort",
                    sort,
                    "--stdio",
                    "-g",
                    "none",
                ]
                + (["--percent-limit", "1"] if sort == "dso" else []),
                capture_output=True,
                text=True,
                timeout=300,
            ).stdout
            lines = [ln for ln in rep.splitlines() if ln.strip() and not ln.startswith("#")]
            reports[f"{name} by {sort}"] = lines[:40]
            (out / f"{name}.{sort.replace(',', '-')}.txt").write_text(rep)
    cats = {name: categorize(out / f"{name}.dso-sym.txt") for name in ("ours", "emulator", "raw")}
    for name, c in cats.items():
        log(f"profile {name}: " + ", ".join(f"{k} {v:.1f}%" for k, v in c.items()))
    return {"ours_wall_40_walks_s": ours_wall, "categories": cats, "reports": reports}


CATEGORIES = (
    (
        "JSON encode + handlers (emulator side)",
        r"ax_emulator|format_escaped_str|serde_json::ser::|serde_core::ser::|ser::Serialize",
    ),
    (
        "JSON -> Arrow decode (serde_json, ax_core::table, arrow)",
        r"serde_json|serde_core::de|ax_core::table|arrow_|core::str::converts|from_utf8",
    ),
    (
        "HTTP client/server (hyper, reqwest, axum, tokio)",
        r"hyper|reqwest|tokio|axum|h2::|http::|mio::|tower|want::",
    ),
    ("Python interpreter + GC", r"libpython"),
    ("numpy/openblas/pyarrow", r"openblas|libarrow|numpy|pyarrow|lib\.cpython"),
    ("malloc/free/memcpy (libc, jemalloc)", r"libc\.so|malloc|free|memmove|memcpy|_rjem_|tcache"),
    ("kernel (syscalls, scheduler, socket copies)", r"\[kernel"),
)


def categorize(report: Path) -> dict[str, float]:
    """Sums a `perf report --sort dso,sym` by rough category (first matching rule wins)."""
    totals: dict[str, float] = {}
    for line in report.read_text().splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(.*)", line)
        if not m:
            continue
        pct, rest = float(m.group(1)), m.group(2)
        name = "other"
        for cat, rx in CATEGORIES:
            if re.search(rx, rest):
                name = cat
                break
        totals[name] = totals.get(name, 0.0) + pct
    return dict(sorted(totals.items(), key=lambda kv: -kv[1]))


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "mem_mb": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def versions() -> dict[str, str]:
    def v(py: Path, dist: str) -> str:
        try:
            return subprocess.run(
                [
                    str(py),
                    "-c",
                    f"from importlib.metadata import version; print(version({dist!r}))",
                ],
                capture_output=True,
                text=True,
                timeout=60,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"

    return {
        "arize-ax": v(OURS_PY, "arize-ax"),
        "arize": v(OFF_PY, "arize"),
        "arize-ax-cli": v(OFF_PY, "arize-ax-cli"),
    }
