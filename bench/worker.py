"""One measured operation in a fresh process, for bench/run.py.

Runs under either venv: ``--side ours`` needs ``arize_ax`` (bench/.venv-ours),
``--side peer`` needs the official ``arize`` SDK (bench/.venv-official). The server is
taken from the ARIZE_API_KEY / ARIZE_API_SCHEME / ARIZE_API_HOST / ARIZE_API_PORT
environment, which both clients read.

Each command does its warm-up (imports, client, one small request) untimed, then times
the operation with ``time.perf_counter`` and prints one JSON line::

    {"seconds": ..., "rows": ..., "base_rss_kb": ..., "peak_rss_kb": ...}

``base_rss_kb`` is the resident set just before the timed part, ``peak_rss_kb`` the
process high-water mark (VmHWM) after it.

Commands::

    list-tasks --space ID       every task of a space, page by page (limit 100), into one
                                pandas DataFrame
    list-runs  --task ID        every run of a task, the same way
    arrow      --space ID       (ours) every task into an Arrow table; --repeat N for profiling
    wait-runs                   prints READY, reads a JSON list of run IDs from stdin, waits for all
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def rss_kb() -> int:
    return _status_kb("VmRSS:")


def peak_rss_kb() -> int:
    return _status_kb("VmHWM:")


def settle() -> None:
    """Lets the process go quiet before the timed part. Right after ``import numpy``
    (pandas and pyarrow import it) OpenBLAS's worker threads spin for about 50 ms of CPU;
    on a 2-core machine that would land on the first timed operation, on either side."""
    time.sleep(float(os.environ.get("SETTLE", "0.25")))


def emit(**fields: object) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def base_url() -> str:
    port = os.environ.get("ARIZE_API_PORT", "")
    host = os.environ.get("ARIZE_API_HOST", "127.0.0.1")
    scheme = os.environ.get("ARIZE_API_SCHEME", "http")
    return f"{scheme}://{host}:{port}" if port else f"{scheme}://{host}"


# ---------------------------------------------------------------------------- ours


def ours_client():  # type: ignore[no-untyped-def]
    import arize_ax

    warnings.filterwarnings("ignore", category=arize_ax.BetaWarning)
    return arize_ax.Client(api_key=os.environ["ARIZE_API_KEY"], base_url=base_url())


def ours_list_tasks(space: str, arrow_dtypes: bool = False) -> None:
    import pandas  # noqa: F401  (imported before timing, as on the peer side)

    client = ours_client()
    # Warm-up, both sides alike: one item into a DataFrame, so that lazy imports inside
    # pandas/pyarrow (pyarrow.compute: ~10 ms on first use) are not timed.
    client.tasks.list(space=space, limit=1).to_pandas(arrow_dtypes=arrow_dtypes)
    settle()
    base = rss_kb()
    t0 = time.perf_counter()
    df = client.tasks.list_all(space=space, limit=100).to_pandas(arrow_dtypes=arrow_dtypes)
    dt = time.perf_counter() - t0
    emit(
        seconds=dt, rows=len(df), cols=len(df.columns), base_rss_kb=base, peak_rss_kb=peak_rss_kb()
    )


def ours_list_runs(task: str) -> None:
    import pandas  # noqa: F401

    client = ours_client()
    client.tasks.list_runs(task=task, limit=1).to_pandas()
    settle()
    base = rss_kb()
    t0 = time.perf_counter()
    df = client.tasks.list_runs_all(task=task, limit=100).to_pandas()
    dt = time.perf_counter() - t0
    emit(
        seconds=dt, rows=len(df), cols=len(df.columns), base_rss_kb=base, peak_rss_kb=peak_rss_kb()
    )


def ours_arrow(space: str, repeat: int) -> None:
    import pyarrow  # noqa: F401

    ours_client().tasks.list(space=space, limit=1)  # warm: runtime, imports
    settle()
    for _ in range(repeat):
        client = ours_client()  # a fresh pool, as rawfetch makes a fresh client per walk
        base = rss_kb()
        c0, t0 = time.process_time(), time.perf_counter()
        table = client.tasks.list_all(space=space, limit=100).to_arrow()
        dt = time.perf_counter() - t0
        cpu = time.process_time() - c0  # every thread of the process
        emit(
            seconds=dt, rows=table.num_rows, cpu_s=cpu, base_rss_kb=base, peak_rss_kb=peak_rss_kb()
        )
        del table


def ours_wait_runs(poll: float) -> None:
    client = ours_client()
    client.spaces.list(limit=1)
    emit(ready=True)
    ids = json.loads(sys.stdin.readline())
    base = rss_kb()
    t0 = time.perf_counter()
    runs = client.tasks.wait_for_runs(run_ids=ids, poll_interval=poll, timeout=120.0)
    dt = time.perf_counter() - t0
    done = sum(1 for r in runs if r.status == "COMPLETED")
    emit(seconds=dt, rows=len(runs), completed=done, base_rss_kb=base, peak_rss_kb=peak_rss_kb())


# ---------------------------------------------------------------------------- peer


def peer_client():  # type: ignore[no-untyped-def]
    import logging

    from arize import ArizeClient

    logging.disable(logging.WARNING)  # the SDK's one-time BETA notices
    return ArizeClient()


def _peer_pages(fetch) -> list:  # type: ignore[no-untyped-def]
    """Follows cursors; returns the items' dicts (the page objects' model_dump)."""
    rows: list = []
    cursor = None
    for _ in range(100_000):
        page = fetch(cursor)
        items = page.tasks if hasattr(page, "tasks") else page.task_runs
        rows.extend(item.model_dump() for item in items)
        if not page.pagination.has_more or not page.pagination.next_cursor:
            break
        cursor = page.pagination.next_cursor
    return rows


def peer_list_tasks(space: str) -> None:
    import pandas as pd

    client = peer_client()
    pd.DataFrame([t.model_dump() for t in client.tasks.list(space=space, limit=1).tasks])
    settle()
    base = rss_kb()
    t0 = time.perf_counter()
    rows = _peer_pages(lambda c: client.tasks.list(space=space, limit=100, cursor=c))
    df = pd.DataFrame(rows)
    dt = time.perf_counter() - t0
    emit(
        seconds=dt, rows=len(df), cols=len(df.columns), base_rss_kb=base, peak_rss_kb=peak_rss_kb()
    )


def peer_list_runs(task: str) -> None:
    import pandas as pd

    client = peer_client()
    pd.DataFrame([r.model_dump() for r in client.tasks.list_runs(task=task, limit=1).task_runs])
    settle()
    base = rss_kb()
    t0 = time.perf_counter()
    rows = _peer_pages(lambda c: client.tasks.list_runs(task=task, limit=100, cursor=c))
    df = pd.DataFrame(rows)
    dt = time.perf_counter() - t0
    emit(
        seconds=dt, rows=len(df), cols=len(df.columns), base_rss_kb=base, peak_rss_kb=peak_rss_kb()
    )


def peer_wait_runs(poll: float) -> None:
    client = peer_client()
    client.spaces.list(limit=1)
    client.tasks.list(limit=1)
    emit(ready=True)
    ids = json.loads(sys.stdin.readline())
    base = rss_kb()
    t0 = time.perf_counter()
    runs = [client.tasks.wait_for_run(run_id=i, poll_interval=poll, timeout=120.0) for i in ids]
    dt = time.perf_counter() - t0
    done = sum(1 for r in runs if str(getattr(r.status, "value", r.status)).upper() == "COMPLETED")
    emit(seconds=dt, rows=len(runs), completed=done, base_rss_kb=base, peak_rss_kb=peak_rss_kb())


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["list-tasks", "list-runs", "arrow", "wait-runs"])
    p.add_argument("--side", choices=["ours", "peer"], required=True)
    p.add_argument("--space")
    p.add_argument("--task")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--poll", type=float, default=0.5)
    p.add_argument("--arrow-dtypes", action="store_true", help="ours: to_pandas(arrow_dtypes=True)")
    a = p.parse_args()
    ours = a.side == "ours"
    if a.command == "list-tasks":
        if ours:
            ours_list_tasks(a.space, a.arrow_dtypes)
        else:
            peer_list_tasks(a.space)
    elif a.command == "list-runs":
        (ours_list_runs if ours else peer_list_runs)(a.task)
    elif a.command == "arrow":
        if not ours:
            sys.exit("arrow: ours only (the peer of scenario 3 is bench/rawfetch)")
        ours_arrow(a.space, a.repeat)
    else:
        (ours_wait_runs if ours else peer_wait_runs)(a.poll)


if __name__ == "__main__":
    main()
