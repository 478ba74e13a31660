"""Scenario 7, "on a real network": user-level operations with the emulator's simulated
round trip (``--latency``) of 25 ms and 80 ms, ours against the official SDK and CLI.

For each operation and side it records the wall time (in a fresh process after the same
warm-up, see netops.py) and the number of requests, read from the emulator's request log,
next to the fewest sequential round trips the API allows for that operation (MINIMAL). The
target: ours never sends more requests than the official tool, and its wall time is
within 1.1x of the ideal: MINIMAL x latency (plus, for waits, the time the runs take).

It runs its own emulator, so that its 5,000 spaces do not change the other scenarios.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import time
from pathlib import Path
from typing import Any

from harness import (
    OFF_AX,
    OFF_PY,
    OURS_AX,
    OURS_PY,
    PROC_TIMEOUT,
    Emulator,
    _reap,
    clean_env,
    interleave,
    log,
    run_proc,
    summary,
)

NETOPS = Path(__file__).resolve().parent / "netops.py"
LATENCIES_MS = (25, 80)
N_SPACES = 5_000
N_TASKS = 20_000
N_MANY = 50
# The runs' timeline on the emulator during this scenario, and the poll interval of both.
PENDING_MS, RUNNING_MS, POLL_S = 100, 400, 0.1
RUN_S = (PENDING_MS + RUNNING_MS) / 1000

# The fewest sequential round trips the API allows, and why.
MINIMAL: dict[str, tuple[int, str]] = {
    "space-by-name": (1, "GET /v2/spaces?name= returns whole spaces: one page of matches"),
    "task-by-name": (
        1,
        "GET /v2/spaces?name= and GET /v2/tasks?space_name=&name= at once: when the space "
        "filter matches one space only, every task listed is in it (tasks carry no space_id)",
    ),
    "create-eval-from-names": (
        2,
        "the space, the project and the evaluator at once (projects and evaluators listed by "
        "space_name carry their space_id); then the create",
    ),
    "trigger-wait-1": (
        2,
        "the trigger (its body does not strictly need the task's type); after the run ends, "
        "one GET that sees it (+ run time)",
    ),
    "trigger-wait-50": (
        2,
        "50 triggers at once; after they end, one list of the task's runs (+ run time)",
    ),
    "list-spaces": (-1, "one request per page of 100, each needing the previous cursor"),
    "list-tasks": (-1, "one request per page of 100, each needing the previous cursor"),
    "cli tasks list --space NAME": (
        3,
        "a new connection (TCP and TLS 1.3 handshakes), then GET /v2/tasks?space_name= and "
        "the exact space at once (+ process start)",
    ),
}
CASES = {
    "space-by-name": "get a space by name",
    "task-by-name": "get a task by name (space by name)",
    "create-eval-from-names": "create an evaluation task from names",
    "trigger-wait-1": "trigger a run and wait for it",
    "trigger-wait-50": f"trigger {N_MANY} runs and wait for them",
    "list-spaces": f"{N_SPACES:,} spaces -> pandas",
    "list-tasks": f"{N_TASKS:,} tasks -> pandas",
}


def create_spaces(emu: Emulator, org: str, n: int) -> str:
    """Creates spaces net-space-00000.. over one keep-alive connection; returns the last ID."""
    conn: http.client.HTTPConnection
    if emu.ca_file:
        conn = http.client.HTTPSConnection(
            "127.0.0.1", emu.port, timeout=30, context=emu.ssl_context()
        )
    else:
        conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=30)
    headers = {"authorization": f"Bearer {emu.key}", "content-type": "application/json"}
    last = ""
    for i in range(n):
        body = json.dumps({"name": f"net-space-{i:05d}", "organization_id": org})
        conn.request("POST", "/v2/spaces", body=body, headers=headers)
        r = conn.getresponse()
        raw = r.read()
        if r.status != 201:
            raise RuntimeError(f"create space: HTTP {r.status} {raw[:300]!r}")
        last = json.loads(raw)["id"]
    conn.close()
    return last


class Network:
    def __init__(self, tmp: Path, reps: int) -> None:
        self.reps = reps
        # HTTPS, as the real API: a new connection costs a TLS handshake too, and the client
        # may multiplex requests over HTTP/2 (the official SDK speaks HTTP/1.1).
        self.emu = Emulator(tmp / "net-emu-home", tls=True)
        self.tmp = tmp
        seed = self.emu.control("GET", "/seed")
        org = seed["spaces"][0]["organization_id"]
        self.space = "staging"  # a unique name in the demo seed
        space_id = next(s["id"] for s in seed["spaces"] if s["name"] == self.space)
        self.task_name = "hallucination-monitor"
        self.task_id = next(
            t["id"]
            for t in seed.get("tasks", [])
            if t["name"] == self.task_name and t["space_id"] == space_id
        )
        t0 = time.perf_counter()
        self.n_spaces = len(seed["spaces"]) + N_SPACES
        create_spaces(self.emu, org, N_SPACES)
        # The 20,000 tasks go to a demo space (bulk tasks need its project).
        self.tasks_space = next(s["id"] for s in seed["spaces"] if s["name"] == "playground")
        self.n_tasks = N_TASKS + sum(
            1 for t in seed.get("tasks", []) if t["space_id"] == self.tasks_space
        )
        self.emu.control("POST", "/bulk-tasks", {"space_id": self.tasks_space, "tasks": N_TASKS})
        self.emu.control(
            "PUT",
            "/run-timeline",
            {
                "pending_ms": PENDING_MS,
                "running_ms": RUNNING_MS,
                "failure_rate": 0.0,
                "never_finish": False,
            },
        )
        log(f"S7 seeded {N_SPACES} spaces and {N_TASKS} tasks in {time.perf_counter() - t0:.1f} s")
        self.peer_home = tmp / "net-peer-home"
        prof = self.peer_home / ".arize" / "profiles"
        prof.mkdir(parents=True)
        (prof / "bench.toml").write_text(
            '[profile]\nname = "bench"\n[auth]\nauth_method = "api-key"\n'
            f'api_key = "{self.emu.key}"\n[routing]\napi_host = "127.0.0.1"\n'
            'api_scheme = "https"\n[update]\nenabled = false\n[output]\nformat = "json"\n'
        )
        (self.peer_home / ".arize" / ".active_profile").write_text("bench")
        self.ours_home = tmp / "net-ours-home"
        self.ours_home.mkdir()
        self.serial = 0

    def env(self) -> dict[str, str]:
        return clean_env(HOME=str(self.ours_home), **self.emu.sdk_env())

    def peer_cli_env(self) -> dict[str, str]:
        return clean_env(
            HOME=str(self.peer_home),
            ARIZE_API_PORT=str(self.emu.port),
            ARIZE_SSL_CA_CERT=str(self.emu.ca_file),
        )

    def requests(self) -> list[str]:
        return [f"{r['method']} {r['path']}" for r in self.emu.control("GET", "/requests")]

    def op_args(self, op: str, side: str) -> dict[str, Any]:
        self.serial += 1
        return {
            "space": self.space,
            "task": self.task_name if op == "task-by-name" else self.task_id,
            "tasks": [self.task_id] * N_MANY,
            "project": "support-bot",
            "evaluator": "hallucination",
            "name": f"net-eval-{side}-{self.serial}",
            "space_id": self.tasks_space,
            "poll": POLL_S,
        }

    def one(self, op: str, side: str) -> dict[str, Any]:
        py = OURS_PY if side == "ours" else OFF_PY
        args = json.dumps(self.op_args(op, side))
        p = subprocess.Popen(
            [str(py), str(NETOPS), op, "--side", side, "--args", args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.env(),
            text=True,
        )
        t0 = time.perf_counter()
        assert p.stdin and p.stdout
        ready = p.stdout.readline()
        if not ready:
            _reap(p, t0, PROC_TIMEOUT)
            raise RuntimeError(f"{op} {side}: {p.stderr.read() if p.stderr else ''}")
        self.emu.control("DELETE", "/requests")
        p.stdin.write("go\n")
        p.stdin.flush()
        line = p.stdout.readline()
        _, _, code = _reap(p, t0, PROC_TIMEOUT)
        if code != 0 or not line:
            raise RuntimeError(f"{op} {side}: exit {code}: {p.stderr.read() if p.stderr else ''}")
        d = json.loads(line)
        d["requests"] = self.requests()
        return d

    def cli_one(self, side: str) -> dict[str, Any]:
        if side == "ours":
            cmd, env = (
                [str(OURS_AX), "tasks", "list", "--space", self.space, "-o", "json"],
                self.env(),
            )
        else:
            cmd, env = [str(OFF_AX), "tasks", "list", "--space", self.space], self.peer_cli_env()
        self.emu.control("DELETE", "/requests")
        r = run_proc(cmd, env)
        assert r.code == 0, (side, r.out[-500:])
        doc = json.loads(r.out[r.out.index("{") :])
        return {"seconds": r.wall, "check": len(doc["tasks"]), "requests": self.requests()}

    def measure(self, run: Any) -> dict[str, Any]:
        res: dict[str, list[dict[str, Any]]] = {"ours": [], "peer": []}
        interleave(
            self.reps,
            lambda: res["ours"].append(run("ours")),
            lambda: res["peer"].append(run("peer")),
        )
        out = {}
        for side, rs in res.items():
            out[side] = summary([r["seconds"] for r in rs])
            out[side]["requests"] = max(len(r["requests"]) for r in rs)
            out[side]["request_log"] = rs[0]["requests"]
            out[side]["checks"] = [r["check"] for r in rs]
        return out

    def minimal(self, op: str) -> int:
        n, _ = MINIMAL[op]
        if op == "list-spaces":
            return -(-self.n_spaces // 100)
        if op == "list-tasks":
            return -(-self.n_tasks // 100)
        return n

    def run(self, add: Any) -> None:
        cases: list[tuple[str, str, Any]] = [
            (op, CASES[op], lambda side, op=op: self.one(op, side)) for op in CASES
        ]
        cases.append(("cli tasks list --space NAME", "CLI `tasks list --space NAME`", self.cli_one))
        # The CLI's process start and its own work, measured without latency: the part of
        # its wall time that is not round trips.
        self.emu.control("PUT", "/latency", {"ms": 0, "jitter_ms": 0})
        self.cli_one("ours")
        base = summary([self.cli_one("ours")["seconds"] for _ in range(max(3, self.reps))])
        for ms in LATENCIES_MS:
            self.emu.control("PUT", "/latency", {"ms": ms, "jitter_ms": 0})
            for key, case, run in cases:
                # One untimed round first: page cache, .pyc files, the runs' first states.
                run("ours")
                run("peer")
                got = self.measure(run)
                o, p = got["ours"], got["peer"]
                rts = self.minimal(key)
                ideal = rts * ms / 1000
                if key.startswith("trigger"):
                    # The runs' time, and half a poll interval: a run ends at a random
                    # moment between two polls, so any poller at this interval (the SDK's
                    # too) sees it that much later on average.
                    ideal += RUN_S + POLL_S / 2
                if key.startswith("cli"):
                    ideal += base["median"]
                vs_ideal = o["median"] / ideal if ideal else None
                fewer = o["requests"] <= p["requests"]
                add(
                    7,
                    f"{case} @ {ms} ms",
                    o,
                    p,
                    latency_ms=ms,
                    minimal_round_trips=rts,
                    minimal_why=MINIMAL[key][1],
                    ideal_s=ideal,
                    ours_over_ideal=vs_ideal,
                    requests={"ours": o["requests"], "peer": p["requests"], "minimal": rts},
                    target="requests <= peer's; wall <= 1.1x ideal",
                    met=fewer and vs_ideal is not None and vs_ideal <= 1.1,
                )
        self.emu.control("PUT", "/latency", {"ms": 0, "jitter_ms": 0})

    def close(self) -> None:
        self.emu.stop()


def scenario7(bench: Any) -> None:
    net = Network(bench.tmp, bench.reps(3, 1))
    try:
        net.run(bench.add)
    finally:
        net.close()
