"""Benchmarks of arize-ax against the official tools, side by side, on one emulator.

    bash bench/setup.sh && bench/.venv-ours/bin/python bench/run.py [--quick] [--scenarios 1,2,...]

One emulator (``ax emulator`` from bench/.venv-ours, a release build) runs in its own
process for the whole run and is seeded through its HTTP control routes. Every measured
operation runs in a fresh process (ours from bench/.venv-ours, the official SDK/CLI
from bench/.venv-official, the raw client from bench/rawfetch), with ours and the peer
interleaved round by round (alternating which goes first), so background load hits
both alike. Prints a table (median, min-max, peak RSS, ratio, target) and writes
bench/results/latest.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

import first_call
import network
import ratelimit
from harness import (
    CORE,
    N_RUNS,
    N_TASKS,
    N_WAIT,
    OFF_AX,
    OFF_PY,
    OURS_AX,
    OURS_PY,
    PROC_TIMEOUT,
    RAW,
    RESULTS,
    WORKER,
    Emulator,
    _reap,
    clean_env,
    fmt_spread,
    format_table,
    interleave,
    load_test,
    log,
    machine,
    profile_walks,
    run_proc,
    side,
    summary,
    time_pair,
    versions,
)

# --------------------------------------------------------------------------- scenarios


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.quick = args.quick
        self.tmp = Path(tempfile.mkdtemp(prefix="ax-bench-"))
        self.rows: list[dict[str, Any]] = []
        self.notes: dict[str, Any] = {}
        self.emu = Emulator(self.tmp / "emu-home")
        log(f"emulator {self.emu.url} (pid {self.emu.pid})")
        seed = self.emu.control("GET", "/seed")
        spaces = {
            s["name"]: s["id"]
            for s in seed["spaces"]
            if s["organization_id"] == seed["spaces"][0]["organization_id"]
        }
        self.space_tasks = spaces["production"]  # 20,000 tasks (scenarios 1-3, 6)
        self.space_runs = spaces["staging"]  # 1 task with 20,000 runs (scenario 2)
        self.space_wait = spaces["support-bot-evals"]  # fresh tasks per trial (scenario 4)
        self.space_get = spaces["production"]
        # The demo seed's own tasks in that space are listed too (4 next to 20,000).
        self.rows_tasks = N_TASKS + sum(
            1 for t in seed.get("tasks", []) if t["space_id"] == self.space_tasks
        )
        self.seeded = False
        # Official CLI: a throwaway HOME with an api-key profile pointing at the emulator
        # (the CLI reads ARIZE_API_PORT through the SDK) and update checks off.
        self.peer_home = self.tmp / "peer-home"
        prof = self.peer_home / ".arize" / "profiles"
        prof.mkdir(parents=True)
        (prof / "bench.toml").write_text(
            '[profile]\nname = "bench"\n[auth]\nauth_method = "api-key"\n'
            f'api_key = "{self.emu.key}"\n[routing]\napi_host = "127.0.0.1"\napi_scheme = "http"\n'
            '[update]\nenabled = false\n[output]\nformat = "json"\n'
        )
        (self.peer_home / ".arize" / ".active_profile").write_text("bench")
        self.ours_home = self.tmp / "ours-home"
        self.ours_home.mkdir()

    def reps(self, full: int, quick: int) -> int:
        return self.args.reps or (quick if self.quick else full)

    def env(self, home: Path | None = None) -> dict[str, str]:
        return clean_env(HOME=str(home or self.ours_home), **self.emu.sdk_env())

    def peer_cli_env(self) -> dict[str, str]:
        # Only the port comes from the environment; key/host/scheme from the profile.
        return clean_env(HOME=str(self.peer_home), ARIZE_API_PORT=str(self.emu.port))

    def seed(self) -> None:
        if self.seeded:
            return
        t0 = time.perf_counter()
        ids = self.emu.control(
            "POST", "/bulk-tasks", {"space_id": self.space_tasks, "tasks": N_TASKS}
        )["task_ids"]
        assert len(ids) == N_TASKS
        self.run_task = self.emu.control(
            "POST",
            "/bulk-tasks",
            {"space_id": self.space_runs, "tasks": 1, "runs_per_task": N_RUNS},
        )["task_ids"][0]
        log(f"seeded {N_TASKS} tasks and {N_RUNS} runs in {time.perf_counter() - t0:.2f} s")
        self.seeded = True

    def add(
        self, scenario: int, case: str, ours: dict | None, peer: dict | None, **kw: Any
    ) -> dict:
        row = {"scenario": scenario, "case": case, "ours": ours, "peer": peer, **kw}
        if ours and peer and "ratio" not in row:
            row["ratio"] = peer["median"] / ours["median"]
        self.rows.append(row)
        log(
            f"S{scenario} {case}: ours {fmt_spread(ours)}  peer {fmt_spread(peer)}  "
            f"ratio {row.get('ratio', 0):.2f}"
        )
        return row

    # ---- 1. CLI latency
    def s1(self) -> None:
        self.seed()
        n = self.reps(9, 3)
        for what in (["spaces", "list", "-o", "json"], ["tasks", "list", "-o", "json"]):
            ours_cmd, peer_cmd = [OURS_AX, *what], [OFF_AX, *what]
            # Warm-up (page cache, .pyc, one-time notices) and an output check.
            counts = []
            for cmd, env in ((ours_cmd, self.env()), (peer_cmd, self.peer_cli_env())):
                out = run_proc(cmd, env).out
                doc = json.loads(out[out.index("{") :])
                counts.append(len(doc[what[0]]))
            o, p = time_pair(n, (ours_cmd, self.env), (peer_cmd, self.peer_cli_env))
            o["items"], p["items"] = counts
            ratio = p["median"] / o["median"]
            self.add(
                1,
                f"ax {' '.join(what)}",
                o,
                p,
                target="ours >= 40x faster and < 100 ms",
                met=ratio >= 40 and o["median"] < 0.100,
            )

    # ---- 2. bulk listing into pandas
    def s2(self) -> None:
        self.seed()
        n = self.reps(7, 2)
        cases = (
            ("20,000 tasks -> pandas", "list-tasks", ["--space", self.space_tasks]),
            ("20,000 runs of one task -> pandas", "list-runs", ["--task", self.run_task]),
            (
                "20,000 tasks -> pandas, ours with to_pandas(arrow_dtypes=True)",
                "list-tasks",
                ["--space", self.space_tasks, "--arrow-dtypes"],
            ),
        )
        for case, cmd, extra in cases:
            # The space's demo tasks are listed next to the 20,000; the run task is new.
            rows = N_RUNS if cmd == "list-runs" else self.rows_tasks
            res: dict[str, list[dict]] = {"ours": [], "peer": []}

            def one(
                which: str, py: Path, cmd: str = cmd, extra: list = extra, res: dict = res
            ) -> None:
                r = run_proc([py, WORKER, cmd, "--side", which, *extra], self.env())
                d = r.json_lines()[-1]
                d["wall"] = r.wall
                res[which].append(d)

            interleave(n, lambda: one("ours", OURS_PY), lambda: one("peer", OFF_PY))
            sides = {}
            for which, rs in res.items():
                assert all(x["rows"] == rows for x in rs), rs
                sides[which] = side(
                    [x["seconds"] for x in rs],
                    [x["peak_rss_kb"] for x in rs],
                    rss_delta_kb=max(x["peak_rss_kb"] - x["base_rss_kb"] for x in rs),
                    process_wall=summary([x["wall"] for x in rs]),
                    columns=rs[0]["cols"],
                )
            o, p = sides["ours"], sides["peer"]
            ratio = p["median"] / o["median"]
            rss_ratio = p["peak_rss_kb"] / o["peak_rss_kb"]
            delta_ratio = p["rss_delta_kb"] / max(o["rss_delta_kb"], 1)
            # The memory target read two ways: whole-process peak (both processes hold
            # pandas, numpy and pyarrow, ~100 MB, more than a third of the peer's peak) and
            # the growth during the listing.
            detail = {
                "speed >= 20x": ratio >= 20,
                "growth <= 1/3": delta_ratio >= 3,
                "whole-process peak <= 1/3": rss_ratio >= 3,
            }
            self.add(
                2,
                case,
                o,
                p,
                rss_ratio=rss_ratio,
                rss_delta_ratio=delta_ratio,
                target="ours >= 20x faster; peak RSS <= 1/3",
                met=ratio >= 20 and rss_ratio >= 3,
                met_detail=detail,
            )

    # ---- 3. distance to the wire limit
    def emu_cpu_s(self) -> float:
        """CPU time used so far by every thread of the emulator process (schedstat, ns)."""
        ns = 0
        for t in Path(f"/proc/{self.emu.pid}/task").iterdir():
            try:
                ns += int((t / "schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pass
        return ns / 1e9

    def s3(self) -> None:
        self.seed()
        n = self.reps(7, 2)
        path = "/v2/tasks?" + urllib.parse.urlencode({"space_id": self.space_tasks, "limit": 100})
        raw_cmd = [
            RAW,
            "fetch",
            "--base",
            self.emu.url,
            "--key",
            self.emu.key,
            "--path",
            path,
            "--warmup",
            "1",
            "--repeat",
            "2",
        ]
        core_cmd = [
            CORE,
            "--base",
            self.emu.url,
            "--key",
            self.emu.key,
            "--space",
            self.space_tasks,
            "--warmup",
            "1",
            "--repeat",
            "2",
        ]
        ours_cmd = [
            OURS_PY,
            WORKER,
            "arrow",
            "--side",
            "ours",
            "--space",
            self.space_tasks,
            "--repeat",
            "3",
        ]
        got: dict[str, list[dict]] = {"raw": [], "core": [], "cold": [], "warm": []}
        server: dict[str, list[float]] = {"raw": [], "core": [], "ours": []}

        def timed(name: str, cmd: list, walks: int) -> list[dict]:
            c0 = self.emu_cpu_s()
            rs = run_proc(cmd, self.env()).json_lines()
            server[name].append((self.emu_cpu_s() - c0) / walks)
            return rs

        def ours() -> None:
            rs = timed("ours", ours_cmd, 3)
            got["cold"].append(rs[0])
            got["warm"].extend(rs[1:])

        def raw() -> None:
            got["raw"].extend(timed("raw", raw_cmd, 3))

        def core() -> None:
            got["core"].extend(timed("core", core_cmd, 3))

        sides = [ours, raw] + ([core] if CORE.exists() else [])
        interleave(n, *sides)
        rows = self.rows_tasks
        assert all(x["rows"] == rows for x in got["cold"] + got["warm"] + got["core"])
        assert all(x["pages"] == -(-rows // 100) for x in got["raw"]), got["raw"]

        def mk(rs: list[dict], **kw: Any) -> dict:
            d = side([x["seconds"] for x in rs], [x["peak_rss_kb"] for x in rs], **kw)
            if rs and "cpu_s" in rs[0]:
                d["cpu"] = summary([x["cpu_s"] for x in rs])
            return d

        r = mk(got["raw"], bytes=got["raw"][0]["bytes"], pages=got["raw"][0]["pages"])
        w, c = mk(got["warm"]), mk(got["cold"])
        slow = w["median"] / r["median"]
        self.add(
            3,
            "20,000 tasks -> Arrow (warm process) vs raw bytes",
            w,
            r,
            ratio=1 / slow,
            ours_over_raw=slow,
            target="ours within 1.3x of the raw fetch",
            met=slow <= 1.3,
        )
        self.add(
            3,
            "same, first call in a fresh process",
            c,
            r,
            ratio=r["median"] / c["median"],
            ours_over_raw=c["median"] / r["median"],
            target="(informational)",
            met=None,
        )
        if got["core"]:
            k = mk(got["core"])
            self.add(
                3,
                "ax-core alone (Rust, no Python) vs raw bytes",
                k,
                r,
                ratio=r["median"] / k["median"],
                ours_over_raw=k["median"] / r["median"],
                target="(informational)",
                met=None,
            )
        self.notes["s3_emulator_cpu_per_walk_s"] = {k: summary(v) for k, v in server.items() if v}
        if self.args.profile:
            self.notes["s3_profile"] = profile_walks(self.emu, self.env(), self.space_tasks, path)

    # ---- 4. waiting for many runs
    def s4(self) -> None:
        n = self.reps(4, 1)
        self.emu.control(
            "PUT",
            "/run-timeline",
            {"pending_ms": 200, "running_ms": 800, "failure_rate": 0.0, "never_finish": False},
        )
        res: dict[str, list[dict]] = {"ours": [], "peer": []}

        def one(which: str, py: Path) -> None:
            task_ids = self.emu.control(
                "POST", "/bulk-tasks", {"space_id": self.space_wait, "tasks": N_WAIT}
            )["task_ids"]
            p = subprocess.Popen(
                [str(py), str(WORKER), "wait-runs", "--side", which, "--poll", "0.5"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=self.env(),
                text=True,
            )
            t0 = time.perf_counter()
            assert p.stdin and p.stdout
            ready = json.loads(p.stdout.readline())
            assert ready.get("ready"), ready
            run_ids, trig = self.trigger(task_ids)
            p.stdin.write(json.dumps(run_ids) + "\n")
            p.stdin.flush()
            d = json.loads(p.stdout.readline())
            _, _, code = _reap(p, t0, PROC_TIMEOUT)
            assert code == 0 and d["completed"] == N_WAIT, d
            d["trigger_s"] = trig
            res[which].append(d)

        interleave(n, lambda: one("ours", OURS_PY), lambda: one("peer", OFF_PY))
        o = side(
            [x["seconds"] for x in res["ours"]],
            [x["peak_rss_kb"] for x in res["ours"]],
            trigger=summary([x["trigger_s"] for x in res["ours"]]),
        )
        p = side(
            [x["seconds"] for x in res["peer"]],
            [x["peak_rss_kb"] for x in res["peer"]],
            trigger=summary([x["trigger_s"] for x in res["peer"]]),
        )
        self.add(
            4,
            f"wait for {N_WAIT} runs (~1 s each, poll 0.5 s)",
            o,
            p,
            target="ours within about 2 s",
            met=o["median"] <= 2.0,
        )

    def trigger(self, task_ids: list[str]) -> tuple[list[str], float]:
        """Triggers one run per task over one keep-alive connection; returns IDs and time taken."""
        now = dt.datetime.now(dt.timezone.utc)
        body = json.dumps(
            {
                "data_start_time": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "data_end_time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
        conn = http.client.HTTPConnection("127.0.0.1", self.emu.port, timeout=30)
        headers = {"authorization": f"Bearer {self.emu.key}", "content-type": "application/json"}
        ids = []
        t0 = time.perf_counter()
        for tid in task_ids:
            conn.request(
                "POST",
                f"/v2/tasks/{urllib.parse.quote(tid, safe='')}/trigger",
                body=body,
                headers=headers,
            )
            r = conn.getresponse()
            raw = r.read()
            if r.status != 201:
                raise RuntimeError(f"trigger: HTTP {r.status} {raw[:300]!r}")
            ids.append(json.loads(raw)["id"])
        conn.close()
        return ids, time.perf_counter() - t0

    # ---- 5. import and first call
    def s5(self) -> None:
        n = self.reps(9, 3)
        cases = (
            ("python -c 'import <package>'", "import arize_ax", "import arize"),
            (
                "import + Client() + first spaces.list()",
                "from arize_ax import Client; Client().spaces.list()",
                "from arize import ArizeClient; ArizeClient().spaces.list()",
            ),
        )
        for case, ours_code, peer_code in cases:
            ocmd = [OURS_PY, "-W", "ignore", "-c", ours_code]
            pcmd = [OFF_PY, "-c", peer_code]
            run_proc(ocmd, self.env())  # warm-up: .pyc, page cache
            run_proc(pcmd, self.env())
            o, p = time_pair(n, (ocmd, self.env), (pcmd, self.env))
            self.add(5, case, o, p, target="(no target; report)", met=None)
        bare, _ = time_pair(
            n, ([OURS_PY, "-c", "pass"], self.env), ([OFF_PY, "-c", "pass"], self.env)
        )
        self.notes["s5_bare_python"] = bare

    # ---- 7. on a real network (simulated round trips; bench/network.py)
    def s7(self) -> None:
        network.scenario7(self)

    # ---- 8. the first call in a process (bench/first_call.py)
    def s8(self) -> None:
        first_call.scenario8(self)

    # ---- 9. under a sustained rate limit (bench/ratelimit.py)
    def s9(self) -> None:
        ratelimit.scenario9(self)

    # ---- 6. emulator throughput
    def s6(self) -> None:
        self.seed()
        n = self.reps(3, 1)
        seconds = 3 if self.quick else 5
        gid = urllib.parse.quote(self.space_get, safe="")
        targets = (
            ("GET /v2/spaces/{id}", f"{self.emu.url}/v2/spaces/{gid}"),
            (
                "GET /v2/tasks (100 items)",
                f"{self.emu.url}/v2/tasks?"
                + urllib.parse.urlencode({"space_id": self.space_tasks, "limit": 100}),
            ),
        )
        wrk = shutil.which("wrk")
        res: dict[str, list[dict]] = {name: [] for name, _ in targets}
        for _ in range(n):
            for name, url in targets:
                res[name].append(load_test(wrk, url, self.emu.key, seconds))
        for name, rs in res.items():
            rps = summary([x["rps"] for x in rs])
            rps["p50_ms"] = statistics.median(x["p50_ms"] for x in rs)
            rps["p99_ms"] = statistics.median(x["p99_ms"] for x in rs)
            rps["errors"] = sum(x["errors"] for x in rs)
            rps["requests"] = sum(x["requests"] for x in rs)
            rps["tool"] = rs[0]["tool"]
            met = rps["median"] >= 10_000 if name.startswith("GET /v2/spaces") else None
            self.rows.append(
                {
                    "scenario": 6,
                    "case": name,
                    "ours": rps,
                    "peer": None,
                    "target": ">= 10,000 req/s" if met is not None else "(report)",
                    "met": met,
                    "emulator_peak_rss_kb": self.emu.peak_rss_kb(),
                }
            )
            log(
                f"S6 {name}: {rps['median']:.0f} req/s ({rps['min']:.0f}-{rps['max']:.0f}), "
                f"p50 {rps['p50_ms']:.2f} ms, p99 {rps['p99_ms']:.2f} ms"
            )

    def close(self) -> None:
        self.emu.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--scenarios", default="1,2,3,4,5,6,7,8,9", help="comma-separated subset of 1..9"
    )
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    ap.add_argument(
        "--reps", type=int, default=0, help="repetitions per side (overrides the defaults)"
    )
    ap.add_argument(
        "--no-profile",
        dest="profile",
        action="store_false",
        help="skip perf profiling in scenario 3",
    )
    ap.add_argument("--out", default=str(RESULTS / "latest.json"))
    args = ap.parse_args()
    for exe in (OURS_PY, OURS_AX, OFF_PY, OFF_AX, RAW):
        if not exe.exists():
            print(f"missing {exe}: run bash bench/setup.sh first", file=sys.stderr)
            return 2
    wanted = [int(s) for s in args.scenarios.split(",") if s.strip()]
    started = time.time()
    load_before = os.getloadavg()
    b = Bench(args)
    failure = None
    try:
        for s in wanted:
            log(f"scenario {s}")
            getattr(b, f"s{s}")()
    except Exception as e:
        # The scenarios run so far are still written (with the failure), then it is raised.
        failure = e
        b.notes["failed"] = f"scenario {s}: {type(e).__name__}: {e}"
    finally:
        b.close()
    result = {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "duration_s": time.time() - started,
        "quick": args.quick,
        "versions": versions(),
        "rows": b.rows,
        "notes": b.notes,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = Path(args.out)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=2))
    tmp.replace(out)
    if failure is not None:
        raise failure
    print(format_table(b.rows))
    print(
        f"\nload average before {load_before[0]:.2f}, after {result['load_average_after'][0]:.2f}; "
        f"{result['duration_s']:.0f} s; written to {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
