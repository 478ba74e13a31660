"""One user-level operation of scenario 7 ("on a real network") in a fresh process.

Runs under either venv: ``--side ours`` needs ``arize_ax`` (bench/.venv-ours), ``--side
peer`` the official ``arize`` SDK (bench/.venv-official). The server comes from the
ARIZE_API_* environment, which both read. ``--args`` is a JSON object of the operation's
names and IDs.

Protocol (the driver counts the requests of the timed part from the emulator's log):

1. untimed warm-up, the same on both sides: imports, a client, one small list (so the
   connection is open, as in a notebook that already used its client) and, for the
   DataFrame operations, one item into a DataFrame;
2. prints ``{"ready": true}`` and waits for a line on stdin;
3. times the operation and prints ``{"seconds": ..., "check": ...}`` (``check`` lets the
   driver see both sides did the same work).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

OPS = (
    "space-by-name",
    "task-by-name",
    "create-eval-from-names",
    "trigger-wait-1",
    "trigger-wait-50",
    "list-spaces",
    "list-tasks",
)


def base_url() -> str:
    return (
        f"{os.environ.get('ARIZE_API_SCHEME', 'http')}://"
        f"{os.environ.get('ARIZE_API_HOST', '127.0.0.1')}:{os.environ['ARIZE_API_PORT']}"
    )


def window() -> tuple[dt.datetime, dt.datetime]:
    end = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    return end - dt.timedelta(hours=1), end


def status(run: Any) -> str:
    return str(getattr(run.status, "value", run.status)).upper()


# ---------------------------------------------------------------------------- ours


def ours(op: str, a: dict[str, Any]) -> Callable[[], Any]:
    import arize_ax

    warnings.filterwarnings("ignore", category=arize_ax.BetaWarning)
    key = os.environ["ARIZE_API_KEY"]
    client = arize_ax.Client(api_key=key, base_url=base_url())
    client.spaces.list(limit=1)
    if op == "space-by-name":
        return lambda: client.spaces.get(space=a["space"]).id
    if op == "task-by-name":
        return lambda: client.tasks.get(task=a["task"], space=a["space"]).id
    if op == "create-eval-from-names":
        return lambda: (
            client.tasks.create_evaluation_task(
                name=a["name"],
                task_type="TEMPLATE_EVALUATION",
                evaluators=[{"evaluator_id": a["evaluator"]}],
                project=a["project"],
                space=a["space"],
            ).name
        )
    if op == "trigger-wait-1":
        start, end = window()
        return lambda: status(
            client.tasks.trigger_run(
                task=a["task"],
                data_start_time=start,
                data_end_time=end,
                wait=True,
                poll_interval=a["poll"],
            )
        )
    if op == "trigger-wait-50":
        aclient = arize_ax.AsyncClient(api_key=key, base_url=base_url())
        start, end = window()

        async def many() -> list[str]:
            runs = await asyncio.gather(
                *(
                    aclient.tasks.trigger_run(task=t, data_start_time=start, data_end_time=end)
                    for t in a["tasks"]
                )
            )
            done = await aclient.tasks.wait_for_runs(
                run_ids=[r.id for r in runs], poll_interval=a["poll"]
            )
            return [status(r) for r in done]

        async def warm() -> None:
            await aclient.spaces.list(limit=1)

        asyncio.run(warm())
        return lambda: asyncio.run(many())
    if op == "list-spaces":
        client.spaces.list(limit=1).to_pandas()
        return lambda: len(client.spaces.list_all(limit=100).to_pandas())
    if op == "list-tasks":
        client.tasks.list(space=a["space_id"], limit=1).to_pandas()
        return lambda: len(client.tasks.list_all(space=a["space_id"], limit=100).to_pandas())
    raise SystemExit(f"unknown op {op}")


# ---------------------------------------------------------------------------- peer


def _pages(fetch: Callable[[str | None], Any], collection: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = fetch(cursor)
        rows.extend(item.model_dump() for item in getattr(page, collection))
        if not page.pagination.has_more or not page.pagination.next_cursor:
            return rows
        cursor = page.pagination.next_cursor


def peer(op: str, a: dict[str, Any]) -> Callable[[], Any]:
    from arize import ArizeClient

    logging.disable(logging.WARNING)  # the SDK's one-time BETA notices
    client = ArizeClient()
    client.spaces.list(limit=1)
    if op == "space-by-name":
        return lambda: client.spaces.get(space=a["space"]).id
    if op == "task-by-name":
        return lambda: client.tasks.get(task=a["task"], space=a["space"]).id

    if op == "create-eval-from-names":
        # The SDK takes evaluator IDs only: the natural code looks the evaluator up first.
        from arize._generated.api_client.models.span_evaluator_input import SpanEvaluatorInput
        from arize.tasks.types import TaskEvaluatorInput

        def create() -> str:
            ev = client.evaluators.get(evaluator=a["evaluator"], space=a["space"])
            return client.tasks.create_evaluation_task(
                name=a["name"],
                task_type="TEMPLATE_EVALUATION",
                evaluators=[TaskEvaluatorInput(SpanEvaluatorInput(evaluator_id=ev.id))],
                project=a["project"],
                space=a["space"],
            ).name

        return create
    if op in ("trigger-wait-1", "trigger-wait-50"):
        tasks = [a["task"]] if op == "trigger-wait-1" else a["tasks"]
        start, end = window()

        def trigger_wait() -> Any:
            runs = [
                client.tasks.trigger_run(task=t, data_start_time=start, data_end_time=end)
                for t in tasks
            ]
            done = [
                status(client.tasks.wait_for_run(run_id=r.id, poll_interval=a["poll"]))
                for r in runs
            ]
            return done[0] if op == "trigger-wait-1" else done

        return trigger_wait
    import pandas as pd

    if op == "list-spaces":
        pd.DataFrame([s.model_dump() for s in client.spaces.list(limit=1).spaces])
        return lambda: len(
            pd.DataFrame(_pages(lambda c: client.spaces.list(limit=100, cursor=c), "spaces"))
        )
    if op == "list-tasks":
        sid = a["space_id"]
        pd.DataFrame([t.model_dump() for t in client.tasks.list(space=sid, limit=1).tasks])
        return lambda: len(
            pd.DataFrame(
                _pages(lambda c: client.tasks.list(space=sid, limit=100, cursor=c), "tasks")
            )
        )
    raise SystemExit(f"unknown op {op}")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("op", choices=OPS)
    p.add_argument("--side", choices=["ours", "peer"], required=True)
    p.add_argument("--args", default="{}", help="JSON object of the operation's inputs")
    a = p.parse_args()
    args = json.loads(a.args)
    fn = (ours if a.side == "ours" else peer)(a.op, args)
    if a.op.startswith("list-"):
        time.sleep(0.25)  # numpy's OpenBLAS threads go quiet (see worker.settle)
    sys.stdout.write(json.dumps({"ready": True}) + "\n")
    sys.stdout.flush()
    sys.stdin.readline()
    t0 = time.perf_counter()
    check = fn()
    seconds = time.perf_counter() - t0
    sys.stdout.write(json.dumps({"seconds": seconds, "check": check}) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
