"""Scenario 9, "under a sustained rate limit" (issue 18): ours against the emulator's token
bucket of 50 requests per second per API key (burst 10), on an emulator of this scenario's
own (no latency). Every case runs in a fresh process, so each client starts cold: it knows
nothing of the limit until the first answer's ``RateLimit-Policy`` header or the first 429.

Cases:

1. one ``tasks.list_all`` of 2,004 tasks in pages of 20 (101 requests);
2. 64 threads sharing one ``Client``, each listing a space of 70 tasks (4 pages of 20);
3. the same with an ``AsyncClient`` and ``asyncio.gather`` of 64 walks;
4. ``wait_for_runs`` over 1,000 finished runs of one task (poll 0.5 s), sync and async;
5. 4 processes started together on one quota, each listing 504 tasks in pages of 20: with
   ``max_requests_per_second=50 * 0.95 / 4`` each, and without it (reported, no target).

The official SDK does not retry a 429, so there is no peer: the "peer" column is the ideal
time, the requests the emulator admitted divided by 50 req/s. Per case and repetition: the
wall time of the operation (timed in the process; in case 5 from the first process's start
to the last one's end), the requests admitted and refused (the emulator's statistics,
cleared before each repetition, the bucket refilled), the client's ``rate_limit_state()``
(summed over the processes), and a check that every item came back exactly once (a case
that loses or repeats an item stops the bench). Targets: wall <= 1.3x ideal, and refusals
of requests sent after the client had seen a 429 <= 5 % of all requests. Medians.

Run as a script, this file is the measured process:
``ratelimit.py {walk,threads,gather,wait,wait-async,share} --args FILE`` prints one JSON
line (``share`` first prints ``{"ready": true}`` and waits for a line on stdin).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

RPS = 50.0
BURST = 10
PAGE = 20  # items per page in every listing
POLL_S = 0.5
N_BIG = 2_000  # bulk tasks listed by one walk (case 1), next to the demo space's 4
N_SMALL = 66  # bulk tasks listed by every walker (cases 2, 3): 70 with the demo's, 4 pages
WALKERS = 64
N_RUNS = 1_000  # finished runs of one task (case 4)
N_SHARED = 500  # bulk tasks listed by each process (case 5): 504 with the demo's, 26 pages
PROCS = 4
SHARE = RPS * 0.95 / PROCS  # each process's max_requests_per_second in case 5
MAX_OVER_IDEAL = 1.3
MAX_LATE_SHARE = 0.05
TARGET = "wall <= 1.3x ideal; refused after the first 429 <= 5 %"


def digest(ids: list[str], ordered: bool = False) -> dict[str, Any]:
    """What the driver checks a walk against: counts and a hash of the IDs (sorted, unless
    the order matters)."""
    text = "\n".join(ids if ordered else sorted(ids))
    return {
        "n": len(ids),
        "unique": len(set(ids)),
        "sha": hashlib.sha256(text.encode()).hexdigest(),
    }


# ---------------------------------------------------------------------------- the process


def _client_kw(a: dict[str, Any]) -> dict[str, Any]:
    kw: dict[str, Any] = {
        "api_key": os.environ["ARIZE_API_KEY"],
        "base_url": f"http://127.0.0.1:{os.environ['ARIZE_API_PORT']}",
    }
    if a.get("rps"):
        kw["max_requests_per_second"] = a["rps"]
    return kw


def _status(r: Any) -> str:
    return str(getattr(r.status, "value", r.status))


def _sync(case: str, a: dict[str, Any]) -> dict[str, Any]:
    from concurrent.futures import ThreadPoolExecutor

    from arize_ax import Client

    c = Client(**_client_kw(a))

    def walk(_: int = 0) -> list[str]:
        return [t.id for t in c.tasks.list_all(space=a["space_id"], limit=PAGE)]

    if case == "share":
        sys.stdout.write(json.dumps({"ready": True}) + "\n")
        sys.stdout.flush()
        sys.stdin.readline()
    pool = ThreadPoolExecutor(WALKERS) if case == "threads" else None
    statuses: Counter[str] = Counter()
    t0 = time.monotonic()
    if case in ("walk", "share"):
        walks = [digest(walk())]
    elif case == "threads":
        assert pool is not None
        walks = [digest(ids) for ids in pool.map(walk, range(WALKERS))]
    else:  # wait
        runs = c.tasks.wait_for_runs(run_ids=a["run_ids"], poll_interval=POLL_S, timeout=300)
        walks = [digest([r.id for r in runs], ordered=True)]
        statuses.update(_status(r) for r in runs)
    t1 = time.monotonic()
    if pool is not None:
        pool.shutdown()
    return {
        "start": t0,
        "end": t1,
        "walks": walks,
        "statuses": statuses,
        "state": c.rate_limit_state(),
    }


def _async(case: str, a: dict[str, Any]) -> dict[str, Any]:
    import asyncio

    from arize_ax import AsyncClient

    async def go() -> dict[str, Any]:
        ac = AsyncClient(**_client_kw(a))

        async def walk() -> list[str]:
            return [t.id for t in await ac.tasks.list_all(space=a["space_id"], limit=PAGE)]

        statuses: Counter[str] = Counter()
        t0 = time.monotonic()
        if case == "gather":
            walks = [digest(ids) for ids in await asyncio.gather(*(walk() for _ in range(WALKERS)))]
        else:  # wait-async
            runs = await ac.tasks.wait_for_runs(
                run_ids=a["run_ids"], poll_interval=POLL_S, timeout=300
            )
            walks = [digest([r.id for r in runs], ordered=True)]
            statuses.update(_status(r) for r in runs)
        t1 = time.monotonic()
        state = ac.rate_limit_state()
        return {"start": t0, "end": t1, "walks": walks, "statuses": statuses, "state": state}

    return asyncio.run(go())


CHILD_CASES = ("walk", "threads", "gather", "wait", "wait-async", "share")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("case", choices=CHILD_CASES)
    p.add_argument("--args", required=True, help="a JSON file")
    o = p.parse_args()
    a = json.loads(Path(o.args).read_text())
    import arize_ax

    warnings.filterwarnings("ignore", category=arize_ax.BetaWarning)
    run = _async if o.case in ("gather", "wait-async") else _sync
    d = run(o.case, a)
    d["seconds"] = d["end"] - d["start"]
    sys.stdout.write(json.dumps(d) + "\n")


# ---------------------------------------------------------------------------- the driver


class RateLimited:
    def __init__(self, bench: Any, emu: Any, tmp: Path) -> None:
        from harness import OURS_PY, clean_env, log

        self.bench = bench
        self.py = OURS_PY
        self.me = str(Path(__file__).resolve())
        self.tmp = tmp
        (tmp / "home").mkdir(exist_ok=True)
        self.emu = emu
        self.env = clean_env(HOME=str(self.tmp / "home"), **self.emu.sdk_env())
        self.serial = 0
        seed = self.emu.control("GET", "/seed")
        org = seed["spaces"][0]["organization_id"]
        spaces = {s["name"]: s["id"] for s in seed["spaces"] if s["organization_id"] == org}
        t0 = time.perf_counter()
        # Bulk tasks need a space with a project: the demo spaces of the first organization.
        self.big, self.small = spaces["production"], spaces["staging"]
        self.shared = spaces["playground"]
        for space, n in ((self.big, N_BIG), (self.small, N_SMALL), (self.shared, N_SHARED)):
            self.emu.control("POST", "/bulk-tasks", {"space_id": space, "tasks": n})
        task = self.emu.control(
            "POST",
            "/bulk-tasks",
            {"space_id": spaces["support-bot-evals"], "tasks": 1, "runs_per_task": N_RUNS},
        )["task_ids"][0]
        # What every walk must return, read before any limit is set.
        self.expected = {
            s: digest(self.ids("/v2/tasks", "tasks", space_id=s))
            for s in (self.big, self.small, self.shared)
        }
        self.run_ids = self.ids(f"/v2/tasks/{urllib.parse.quote(task, safe='')}/runs", "task_runs")
        assert len(self.run_ids) == N_RUNS, len(self.run_ids)
        log(
            f"S9 seeded {N_BIG + N_SMALL + N_SHARED} tasks and {N_RUNS} runs "
            f"in {time.perf_counter() - t0:.1f} s"
        )

    def ids(self, path: str, key: str, **params: str) -> list[str]:
        """Every item's ID behind a listing, in order, through the API (pages of 100)."""
        got: list[str] = []
        cursor = None
        while True:
            query = {**params, "limit": "100", **({"cursor": cursor} if cursor else {})}
            doc = self.emu.api("GET", f"{path}?{urllib.parse.urlencode(query)}")
            got.extend(x["id"] for x in doc[key])
            cursor = (doc.get("pagination") or {}).get("next_cursor")
            if not cursor:
                return got

    def limit(self) -> None:
        """Sets the limit (which refills the bucket) and clears the statistics."""
        self.emu.control("PUT", "/rate-limit", {"rps": RPS, "burst": BURST, "per_route": False})
        self.emu.control("DELETE", "/rate-limit/stats")

    def args_file(self, a: dict[str, Any]) -> str:
        self.serial += 1
        f = self.tmp / f"args-{self.serial}.json"
        f.write_text(json.dumps(a))
        return str(f)

    def one(self, case: str, a: dict[str, Any]) -> dict[str, Any]:
        """One repetition in one fresh process."""
        from harness import run_proc

        cmd = [self.py, self.me, case, "--args", self.args_file(a)]
        self.limit()
        r = run_proc(cmd, self.env)
        d = r.json_lines()[-1]
        return self.measure([d], peak_rss_kb=r.maxrss_kb)

    def share(self, rps: float | None) -> dict[str, Any]:
        """One repetition of case 5: PROCS processes released together."""
        from harness import PROC_TIMEOUT, _reap

        cmd = [str(self.py), self.me, "share", "--args"]
        cmd.append(self.args_file({"space_id": self.shared, "rps": rps}))
        procs = []
        errs = []
        t0 = time.perf_counter()
        try:
            for _ in range(PROCS):
                err = tempfile.TemporaryFile()
                errs.append(err)
                procs.append(
                    subprocess.Popen(
                        cmd,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=err,
                        env=self.env,
                        text=True,
                    )
                )
            for p, err in zip(procs, errs, strict=True):
                assert p.stdout
                line = p.stdout.readline()
                if not line.startswith('{"ready"'):
                    p.kill()
                    p.wait()
                    err.seek(0)
                    raise RuntimeError(f"S9 share: not ready: {err.read().decode()[-2000:]}")
            self.limit()
            for p in procs:
                assert p.stdin
                p.stdin.write("go\n")
                p.stdin.flush()
            outs = []
            rss = 0
            for p, err in zip(procs, errs, strict=True):
                assert p.stdout
                line = p.stdout.readline()
                _, peak, code = _reap(p, t0, PROC_TIMEOUT)
                rss = max(rss, peak)
                if code != 0 or not line:
                    err.seek(0)
                    raise RuntimeError(f"S9 share: exit {code}: {err.read().decode()[-2000:]}")
                outs.append(json.loads(line))
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            for err in errs:
                err.close()
        return self.measure(outs, peak_rss_kb=rss)

    def measure(self, outs: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        stats = self.emu.control("GET", "/rate-limit/stats")
        states = [d["state"] for d in outs]
        admitted, refused = stats["admitted"], stats["refused"]
        # time.monotonic() is one clock for every process on Linux (CLOCK_MONOTONIC).
        wall = max(d["end"] for d in outs) - min(d["start"] for d in outs)
        ideal = admitted / RPS
        late = sum(s["refused_after_first"] for s in states)
        return {
            "wall": wall,
            "ideal": ideal,
            "over_ideal": wall / ideal,
            "admitted": admitted,
            "refused": refused,
            "client_refused": sum(s["refused"] for s in states),
            "refused_after_first": late,
            "late_share": late / max(admitted + refused, 1),
            "held": sum(s["held"] for s in states),
            "held_for": sum(s["held_for"] for s in states),
            "rate": [s["rate"] for s in states],
            "source": states[0]["source"],
            "walks": [w for d in outs for w in d["walks"]],
            "statuses": sum((Counter(d["statuses"]) for d in outs), Counter()),
            **extra,
        }

    @staticmethod
    def check(case: str, r: dict[str, Any], want: dict[str, Any], walks: int) -> None:
        """Every item exactly once, in every walk (else the bench fails)."""
        ok = len(r["walks"]) == walks and all(
            w == want and w["n"] == w["unique"] for w in r["walks"]
        )
        if not ok:
            bad = [w for w in r["walks"] if w != want][:3]
            raise RuntimeError(f"S9 {case}: items lost or repeated: want {want}, got {bad}")

    def case(
        self,
        name: str,
        run: Callable[[], dict[str, Any]],
        want: dict[str, Any],
        walks: int,
        target: bool = True,
        finished: int = 0,
    ) -> None:
        """Repeats one case, checks every repetition, and adds its row (medians)."""
        from harness import log, summary

        reps = []
        for _ in range(self.bench.reps(3, 1)):
            r = run()
            self.check(name, r, want, walks)
            if finished and r["statuses"] != {"COMPLETED": finished}:
                raise RuntimeError(f"S9 {name}: runs not all COMPLETED: {r['statuses']}")
            reps.append(r)
        counts = ("admitted", "refused", "client_refused", "refused_after_first", "held")
        o = summary([x["wall"] for x in reps])
        for k in (*counts, "held_for", "late_share", "over_ideal"):
            o[k] = statistics.median(x[k] for x in reps)
        o["rate"], o["source"] = reps[0]["rate"], reps[0]["source"]
        o["reps"] = [
            {k: x[k] for k in ("wall", "ideal", "over_ideal", "late_share", "held_for", *counts)}
            for x in reps
        ]
        if "peak_rss_kb" in reps[0]:
            o["peak_rss_kb"] = max(x["peak_rss_kb"] for x in reps)
        p = summary([x["ideal"] for x in reps])
        p["what"] = f"ideal: requests admitted / {RPS:g} req/s"
        over, late = o["over_ideal"], o["late_share"]
        log(
            f"S9 {name}: wall {o['median']:.2f} s, ideal {p['median']:.2f} s ({over:.2f}x), "
            f"admitted {o['admitted']:.0f}, refused {o['refused']:.0f} "
            f"({late:.1%} after the first 429)"
        )
        met_detail = None
        if target:
            met_detail = {
                f"wall {over:.2f}x ideal": over <= MAX_OVER_IDEAL,
                f"refused after the first 429 {late:.1%}": late <= MAX_LATE_SHARE,
            }
        self.bench.add(
            9,
            name,
            o,
            p,
            ratio=p["median"] / o["median"],
            wall_over_ideal=over,
            late_share=late,
            rps=RPS,
            burst=BURST,
            target=TARGET if target else "(report)",
            met=all(met_detail.values()) if met_detail else None,
            met_detail=met_detail,
        )

    def run(self) -> None:
        big = self.expected[self.big]
        small = self.expected[self.small]
        shared = self.expected[self.shared]
        waited = digest(self.run_ids, ordered=True)
        runs = {"run_ids": self.run_ids}
        rows = f"{big['n']:,} tasks, pages of {PAGE}"
        self.case(
            f"list_all: {rows}",
            lambda: self.one("walk", {"space_id": self.big}),
            big,
            1,
        )
        rows = f"{small['n']} tasks, pages of {PAGE}"
        self.case(
            f"{WALKERS} threads, one Client, each list_all of {rows}",
            lambda: self.one("threads", {"space_id": self.small}),
            small,
            WALKERS,
        )
        self.case(
            f"{WALKERS} asyncio tasks (gather), one AsyncClient, each list_all of {rows}",
            lambda: self.one("gather", {"space_id": self.small}),
            small,
            WALKERS,
        )
        for case, how in (("wait", "Client"), ("wait-async", "AsyncClient")):
            self.case(
                f"wait_for_runs, {N_RUNS:,} finished runs, poll {POLL_S:g} s ({how})",
                lambda case=case: self.one(case, runs),
                waited,
                1,
                finished=N_RUNS,
            )
        rows = f"{shared['n']} tasks, pages of {PAGE}"
        self.case(
            f"{PROCS} processes, each list_all of {rows}, max_requests_per_second={SHARE:g} each",
            lambda: self.share(SHARE),
            shared,
            PROCS,
        )
        self.case(
            f"{PROCS} processes, each list_all of {rows}, no max_requests_per_second",
            lambda: self.share(None),
            shared,
            PROCS,
            target=False,
        )


def check_ours() -> None:
    from harness import OURS_PY

    code = "import arize_ax, sys; sys.exit(not hasattr(arize_ax.Client, 'rate_limit_state'))"
    if subprocess.run([str(OURS_PY), "-c", code], timeout=60).returncode != 0:
        raise RuntimeError(
            f"{OURS_PY}: this arize_ax has no rate limiting (rate_limit_state): "
            "rerun bash bench/setup.sh, or set BENCH_OURS_VENV to a venv with a newer build"
        )


def scenario9(bench: Any) -> None:
    from harness import Emulator

    check_ours()
    tmp = bench.tmp / "ratelimit"
    tmp.mkdir(exist_ok=True)
    emu = Emulator(tmp / "emu-home")
    try:
        RateLimited(bench, emu, tmp).run()
    finally:
        emu.stop()


if __name__ == "__main__":
    main()
