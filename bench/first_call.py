"""Scenario 8, "the first call in a process": a listing into pandas (and, for ours, into
Arrow) timed in a fresh process whose only warm-up is what user code does anyway: the
imports, a client and one small list of the same resource. The same process then repeats
the listing (the warm figure), so that the first call's set-up costs show as first / warm.

Resources: 5,006 spaces, the 5,000 of them whose name contains a filter, 20,000 tasks of a
space and 20,000 runs of a task, on an emulator of this scenario's own (no latency).
Targets: ours >= 20x the official SDK on every resource, and ours' first call within 1.3x
of its warm one.

Run as a script, this file is the measured process:
``first_call.py {spaces,spaces-named,tasks,runs} --side ours|peer --into pandas|arrow --args JSON``
prints ``{"first": s, "warm": s, "rows": n}``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

N_SPACES = 5_000
N_TASKS = 20_000
N_RUNS = 20_000
WHATS = ("spaces", "spaces-named", "tasks", "runs")
SPACE_FILTER = "net-space-0"  # the 5,000 new spaces (net-space-00000 ..), not the demo ones


# ---------------------------------------------------------------------------- the process


def _base_url() -> str:
    return f"http://127.0.0.1:{os.environ['ARIZE_API_PORT']}"


def ours(what: str, into: str, a: dict[str, Any]) -> Callable[[], int]:
    import arize_ax
    import pandas  # noqa: F401  (a user's notebook imports it first)
    import pyarrow  # noqa: F401

    warnings.filterwarnings("ignore", category=arize_ax.BetaWarning)
    client = arize_ax.Client(api_key=os.environ["ARIZE_API_KEY"], base_url=_base_url())

    def listing() -> Any:
        if what == "spaces":
            return client.spaces.list_all(limit=100)
        if what == "spaces-named":
            return client.spaces.list_all(name=SPACE_FILTER, limit=100)
        if what == "tasks":
            return client.tasks.list_all(space=a["space_id"], limit=100)
        return client.tasks.list_runs_all(task=a["task_id"], limit=100)

    # The small list of the same resource a user would have made before.
    if what.startswith("spaces"):
        client.spaces.list(limit=1)
    elif what == "tasks":
        client.tasks.list(space=a["space_id"], limit=1)
    else:
        client.tasks.list_runs(task=a["task_id"], limit=1)
    if into == "pandas":
        return lambda: len(listing().to_pandas())
    return lambda: listing().to_arrow().num_rows


def peer(what: str, a: dict[str, Any]) -> Callable[[], int]:
    import pandas as pd
    from arize import ArizeClient

    logging.disable(logging.WARNING)
    client = ArizeClient()

    from netops import _pages as pages  # the SDK's cursor loop, shared with scenario 7

    if what == "spaces":
        client.spaces.list(limit=1)
        return lambda: len(
            pd.DataFrame(pages(lambda c: client.spaces.list(limit=100, cursor=c), "spaces"))
        )
    if what == "spaces-named":
        client.spaces.list(limit=1)
        return lambda: len(
            pd.DataFrame(
                pages(
                    lambda c: client.spaces.list(name=SPACE_FILTER, limit=100, cursor=c), "spaces"
                )
            )
        )
    if what == "tasks":
        sid = a["space_id"]
        client.tasks.list(space=sid, limit=1)
        return lambda: len(
            pd.DataFrame(
                pages(lambda c: client.tasks.list(space=sid, limit=100, cursor=c), "tasks")
            )
        )
    tid = a["task_id"]
    client.tasks.list_runs(task=tid, limit=1)
    return lambda: len(
        pd.DataFrame(
            pages(lambda c: client.tasks.list_runs(task=tid, limit=100, cursor=c), "task_runs")
        )
    )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=WHATS)
    p.add_argument("--side", choices=["ours", "peer"], required=True)
    p.add_argument("--into", choices=["pandas", "arrow"], default="pandas")
    p.add_argument("--args", default="{}")
    a = p.parse_args()
    args = json.loads(a.args)
    fn = ours(a.what, a.into, args) if a.side == "ours" else peer(a.what, args)
    time.sleep(0.25)  # numpy's OpenBLAS threads go quiet (see worker.settle)
    t0 = time.perf_counter()
    rows = fn()
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    fn()
    warm = time.perf_counter() - t0
    sys.stdout.write(json.dumps({"first": first, "warm": warm, "rows": rows}) + "\n")


# ---------------------------------------------------------------------------- the driver


def scenario8(bench: Any) -> None:
    from harness import OFF_PY, OURS_PY, Emulator, clean_env, interleave, log, run_proc, summary
    from network import create_spaces

    emu = Emulator(bench.tmp / "first-call-emu-home")
    try:
        seed = emu.control("GET", "/seed")
        org = seed["spaces"][0]["organization_id"]
        create_spaces(emu, org, N_SPACES)
        # Tasks and runs go to a demo space (bulk tasks need its project).
        space_id = next(s["id"] for s in seed["spaces"] if s["name"] == "playground")
        emu.control("POST", "/bulk-tasks", {"space_id": space_id, "tasks": N_TASKS})
        task_id = emu.control(
            "POST", "/bulk-tasks", {"space_id": space_id, "tasks": 1, "runs_per_task": N_RUNS}
        )["task_ids"][0]
        args = json.dumps({"space_id": space_id, "task_id": task_id})
        home = bench.tmp / "first-call-home"
        home.mkdir(exist_ok=True)
        env = clean_env(HOME=str(home), **emu.sdk_env())
        me = str(Path(__file__).resolve())
        n = bench.reps(5, 2)
        for what in WHATS:
            for into in ("pandas", "arrow"):
                res: dict[str, list[dict[str, Any]]] = {"ours": [], "peer": []}

                def one(side: str, what: str = what, into: str = into, res: dict = res) -> None:
                    py = OURS_PY if side == "ours" else OFF_PY
                    cmd = [py, me, what, "--side", side, "--into", into, "--args", args]
                    res[side].append(run_proc(cmd, env).json_lines()[-1])

                sides = [lambda: one("ours")]
                if into == "pandas":  # the official SDK has no Arrow output
                    sides.append(lambda: one("peer"))
                interleave(n, *sides)
                o = summary([r["first"] for r in res["ours"]])
                o["warm"] = summary([r["warm"] for r in res["ours"]])
                o["rows"] = res["ours"][0]["rows"]
                first_over_warm = o["median"] / o["warm"]["median"]
                p = None
                ratio = None
                if res["peer"]:
                    p = summary([r["first"] for r in res["peer"]])
                    p["rows"] = res["peer"][0]["rows"]
                    assert p["rows"] == o["rows"], (what, p["rows"], o["rows"])
                    ratio = p["median"] / o["median"]
                log(f"S8 {what} -> {into}: first/warm {first_over_warm:.2f}")
                bench.add(
                    8,
                    f"{what} ({o['rows']:,} rows) -> {into}, first call",
                    o,
                    p,
                    first_over_warm=first_over_warm,
                    target=">= 20x the SDK; first <= 1.3x warm",
                    met=(ratio is None or ratio >= 20) and first_over_warm <= 1.3,
                )
    finally:
        emu.stop()


if __name__ == "__main__":
    main()
