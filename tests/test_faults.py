"""Reliability under injected faults: nothing lost, nothing duplicated, nothing hangs.

The emulator injects the faults on loopback (status codes with and without
``Retry-After``, connection resets before and after the handler ran, responses slower
than the per-attempt timeout, truncated bodies, malformed JSON, HTML error pages, a
cursor that never advances, empty pages that still say ``has_more``). Random-fault runs
use a fixed seed, so a failure replays exactly.
"""

from __future__ import annotations

import _thread
import asyncio
import email.utils
import multiprocessing
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from arize_ax import AsyncClient, Client
from arize_ax import errors as E
from arize_ax.testing import EmulatorServer
from conftest import SpaceKit, v2_requests
from test_runs import window


def fast_client(emu: EmulatorServer, **kw: Any) -> Client:
    """Small backoff so that hundreds of retries stay quick."""
    opts: dict[str, Any] = {"max_retries": 8, "timeout": 2.0, "retry_backoff": 0.001}
    opts.update(kw)
    return Client(api_key=emu.api_key, base_url=emu.url, **opts)


def calls(emu: EmulatorServer, method: str, path: str) -> list[dict[str, Any]]:
    return [r for r in v2_requests(emu) if r["method"] == method and r["path"] == path]


def space_names(client: Client) -> list[str]:
    return [s.name for s in client.spaces.list_all()]


# --- single faults, each kind ---------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_get_rides_through_5xx(emu: EmulatorServer, status: int) -> None:
    c = fast_client(emu)
    emu.clear_requests()
    emu.add_fault(method="GET", path="/v2/spaces", status=status, count=2)
    assert len(c.spaces.list()) > 0
    assert [r["status"] for r in calls(emu, "GET", "/v2/spaces")] == [status, status, 200]


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_429_retry_after_both_forms(emu: EmulatorServer, form: str) -> None:
    c = fast_client(emu)
    value = "1" if form == "seconds" else email.utils.formatdate(time.time() + 2, usegmt=True)
    emu.clear_requests()
    emu.add_fault(method="GET", path="/v2/spaces", status=429, retry_after=value, count=1)
    start = time.monotonic()
    assert len(c.spaces.list()) > 0
    # The server asked for about a second; the tiny client backoff would have waited ~0.
    assert time.monotonic() - start >= 0.5
    assert [r["status"] for r in calls(emu, "GET", "/v2/spaces")] == [429, 200]


def test_html_502_from_a_proxy(emu: EmulatorServer) -> None:
    c = fast_client(emu, max_retries=2)
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    emu.add_fault(method="GET", path="/v2/spaces", status=502, body=page, count=3)
    with pytest.raises(E.ServerError) as info:
        c.spaces.list()
    err = info.value
    assert err.status == 502 and err.attempts == 3
    assert "3 attempts" in str(err)
    assert "<html>" not in str(err)  # a one-line message, the page stays in .body
    assert "Bad Gateway" in err.body


def test_retry_budget_names_attempts(emu: EmulatorServer) -> None:
    c = fast_client(emu, max_retries=4)
    emu.add_fault(method="GET", path="/v2/spaces", action="reset", count=10)
    with pytest.raises(E.ConnectError) as info:
        c.spaces.list()
    assert info.value.attempts == 5
    assert "5 attempts" in str(info.value)


def test_reset_before_handler_on_get_is_retried(emu: EmulatorServer) -> None:
    c = fast_client(emu)
    emu.add_fault(method="GET", path="/v2/spaces", action="reset", count=2)
    assert len(c.spaces.list()) > 0


def test_create_reset_before_handler_is_not_resent(emu: EmulatorServer, org_id: str) -> None:
    c = fast_client(emu)
    emu.clear_requests()
    emu.add_fault(method="POST", path="/v2/spaces", action="reset", count=1)
    with pytest.raises(E.UnknownOutcomeError) as info:
        c.spaces.create(name="maybe-created", organization_id=org_id)
    msg = str(info.value)
    assert "not retried" in msg and "list or get" in msg
    assert len(calls(emu, "POST", "/v2/spaces")) == 1
    assert space_names(c).count("maybe-created") == 0  # the handler never ran


def test_create_reset_after_handler_exists_once(emu: EmulatorServer, org_id: str) -> None:
    c = fast_client(emu)
    emu.clear_requests()
    emu.add_fault(method="POST", path="/v2/spaces", action="reset_after", count=1)
    with pytest.raises(E.UnknownOutcomeError):
        c.spaces.create(name="created-unseen", organization_id=org_id)
    assert len(calls(emu, "POST", "/v2/spaces")) == 1
    assert space_names(c).count("created-unseen") == 1


def test_create_slower_than_timeout_is_not_resent(emu: EmulatorServer, org_id: str) -> None:
    c = fast_client(emu, timeout=0.3)
    emu.clear_requests()
    emu.add_fault(method="POST", path="/v2/spaces", latency_ms=1500, count=1)
    with pytest.raises(E.UnknownOutcomeError):
        c.spaces.create(name="slow-create", organization_id=org_id)
    time.sleep(1.5)  # past the injected latency
    # The client hung up, so the emulator dropped that request before its handler ran
    # (and before logging it). A resend would have found the fault used up and created
    # the space, logged with 201: neither happened.
    assert calls(emu, "POST", "/v2/spaces") == []
    assert space_names(c).count("slow-create") == 0


def test_create_with_truncated_body_is_not_resent(emu: EmulatorServer, org_id: str) -> None:
    c = fast_client(emu)
    emu.clear_requests()
    emu.add_fault(method="POST", path="/v2/spaces", action="truncate", count=1)
    with pytest.raises(E.AxError) as info:
        c.spaces.create(name="cut-short", organization_id=org_id)
    assert "201" in str(info.value)  # the server said created; only the body was lost
    assert len(calls(emu, "POST", "/v2/spaces")) == 1
    assert space_names(c).count("cut-short") == 1


def test_get_slower_than_timeout_is_retried(emu: EmulatorServer) -> None:
    c = fast_client(emu, timeout=0.3)
    emu.add_fault(method="GET", path="/v2/spaces", latency_ms=1500, count=1)
    assert len(c.spaces.list()) > 0


def test_truncated_get_is_retried(emu: EmulatorServer) -> None:
    c = fast_client(emu)
    emu.add_fault(method="GET", path="/v2/spaces", action="truncate", count=2)
    assert len(c.spaces.list()) > 0


@pytest.mark.parametrize(
    "body",
    ['{"spaces": [{"id": "x", "na', "not json at all", '{"spaces": 7}', "[]", ""],
)
def test_malformed_json_is_a_clear_decode_error(emu: EmulatorServer, body: str) -> None:
    c = fast_client(emu, max_retries=0)
    emu.add_fault(
        method="GET", path="/v2/spaces", status=200, body=body, content_type="application/json"
    )
    with pytest.raises(E.DecodeError) as info:
        c.spaces.list()
    assert "GET" in str(info.value) and "/v2/spaces" in str(info.value)


def test_malformed_json_action(emu: EmulatorServer) -> None:
    c = fast_client(emu, max_retries=0)
    emu.add_fault(method="GET", path="/v2/spaces", action="malformed_json", count=1)
    with pytest.raises(E.DecodeError):
        c.spaces.list()
    assert len(c.spaces.list()) > 0  # the next call is unaffected


def test_stalled_cursor_stops_with_a_pagination_error(emu: EmulatorServer) -> None:
    c = fast_client(emu)
    emu.add_fault(method="GET", path="/v2/spaces", action="stall_cursor", unlimited=True)
    with pytest.raises(E.PaginationError) as info:
        c.spaces.list_all(limit=1)
    assert "cursor" in str(info.value)


def test_empty_pages_with_has_more_are_followed(emu: EmulatorServer) -> None:
    c = fast_client(emu)
    expected = [s.id for s in c.spaces.list_all(limit=1)]
    emu.add_fault(method="GET", path="/v2/spaces", action="empty_page", count=3)
    assert [s.id for s in c.spaces.list_all(limit=1)] == expected


def test_endless_empty_pages_stop(emu: EmulatorServer) -> None:
    c = fast_client(emu)
    emu.add_fault(method="GET", path="/v2/spaces", action="empty_page", unlimited=True)
    with pytest.raises(E.PaginationError) as info:
        c.spaces.list_all(limit=1)
    assert "empty" in str(info.value)


# --- random faults, thousands of requests -----------------------------------------------

RANDOM_MIX: list[dict[str, Any]] = [
    {"status": 503, "probability": 0.05},
    {"status": 502, "probability": 0.03, "body": "<html><h1>502 Bad Gateway</h1></html>"},
    {"status": 500, "probability": 0.02},
    {"status": 429, "probability": 0.03, "retry_after": "0"},
    {"action": "reset", "probability": 0.03},
    {"action": "truncate", "probability": 0.03},
    {"action": "empty_page", "probability": 0.02},
]


def add_random_faults(emu: EmulatorServer, path: str, seed: int) -> None:
    emu.set_fault_seed(seed)
    for spec in RANDOM_MIX:
        emu.add_fault(method="GET", path=path, unlimited=True, **spec)


@pytest.mark.parametrize("seed_value", [7, 2026])
def test_list_all_under_random_faults_is_exact(
    emu: EmulatorServer, kit: SpaceKit, seed_value: int
) -> None:
    c = fast_client(emu, max_retries=10)
    emu.bulk_seed_tasks(space_id=kit.id, tasks=2500)
    expected = [t.id for t in c.tasks.list_all(space=kit.id, limit=100)]
    assert len(expected) >= 2500
    emu.clear_requests()
    add_random_faults(emu, "/v2/tasks*", seed_value)
    got = [t.id for t in c.tasks.list_all(space=kit.id, limit=2)]
    emu.clear_faults()
    # Exactly the full set, each once, in server order.
    assert got == expected
    stats = emu.fault_stats()
    log = v2_requests(emu)
    faulted = sum(1 for r in log if r["fault"])
    assert len(log) >= 1400  # ~1,250 pages plus the retries
    assert 0.12 * len(log) < faulted < 0.28 * len(log), (faulted, len(log), stats)
    print(f"seed {seed_value}: {len(log)} requests, {faulted} faulted, {len(got)} items: {stats}")


def test_wait_for_run_rides_through_faults(
    emu: EmulatorServer, kit: SpaceKit, fast_runs: None
) -> None:
    c = fast_client(emu, max_retries=10)
    task = c.tasks.create_evaluation_task(
        name="faulty-wait",
        task_type="TEMPLATE_EVALUATION",
        project=kit.project["id"],
        evaluators=[{"evaluator_id": kit.template_evaluator["id"]}],
    )
    run = c.tasks.trigger_run(task=task.id, **window())
    add_random_faults(emu, "/v2/task-runs*", 11)
    done = c.tasks.wait_for_run(run_id=run.id, poll_interval=0.05, timeout=30)
    emu.clear_faults()
    assert done.status == "COMPLETED"


# --- concurrency ----------------------------------------------------------------------


def test_64_threads_share_one_client_under_faults(emu: EmulatorServer, kit: SpaceKit) -> None:
    c = fast_client(emu, max_retries=10)
    emu.bulk_seed_tasks(space_id=kit.id, tasks=300)
    expected_tasks = [t.id for t in c.tasks.list_all(space=kit.id)]
    expected_spaces = [s.id for s in c.spaces.list_all()]
    add_random_faults(emu, "/v2/*", 3)

    def work(i: int) -> tuple[list[str], list[str], str]:
        tasks = [t.id for t in c.tasks.list_all(space=kit.id, limit=25)]
        spaces = [s.id for s in c.spaces.list_all(limit=2)]
        one = c.tasks.get(task=expected_tasks[i % len(expected_tasks)]).id
        return tasks, spaces, one

    with ThreadPoolExecutor(64) as pool:
        results = list(pool.map(work, range(64)))
    emu.clear_faults()
    assert len(results) == 64
    for i, (tasks, spaces, one) in enumerate(results):
        assert tasks == expected_tasks
        assert spaces == expected_spaces
        assert one == expected_tasks[i % len(expected_tasks)]


async def test_64_asyncio_tasks_share_one_client_under_faults(
    emu: EmulatorServer, kit: SpaceKit
) -> None:
    ac = AsyncClient(api_key=emu.api_key, base_url=emu.url, max_retries=10, retry_backoff=0.001)
    emu.bulk_seed_tasks(space_id=kit.id, tasks=300)
    expected = [t.id for t in await ac.tasks.list_all(space=kit.id)]
    add_random_faults(emu, "/v2/*", 5)

    async def work() -> list[str]:
        return [t.id for t in await ac.tasks.list_all(space=kit.id, limit=25)]

    results = await asyncio.wait_for(asyncio.gather(*(work() for _ in range(64))), timeout=90)
    emu.clear_faults()
    assert all(r == expected for r in results)


# --- fork -------------------------------------------------------------------------------


def _child_sync(client: Client, queue: Any) -> None:
    try:
        queue.put(("ok", [s.id for s in client.spaces.list_all()]))
    except BaseException as e:  # report anything, so the parent can tell what happened
        queue.put(("error", f"{type(e).__name__}: {e}"))


def _child_async(url: str, key: str, queue: Any) -> None:
    async def go() -> list[str]:
        ac = AsyncClient(api_key=key, base_url=url)
        return [s.id for s in await ac.spaces.list_all()]

    try:
        queue.put(("ok", asyncio.run(go())))
    except BaseException as e:
        queue.put(("error", f"{type(e).__name__}: {e}"))


def _run_forked(target: Any, *args: Any) -> tuple[str, Any]:
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    p = ctx.Process(target=target, args=(*args, queue))
    p.start()
    p.join(30)
    if p.is_alive():
        p.kill()
        pytest.fail("the forked child hung")
    assert p.exitcode == 0
    return queue.get(timeout=5)  # type: ignore[no-any-return]


def test_client_used_before_fork_works_in_the_child(emu: EmulatorServer) -> None:
    c = fast_client(emu)
    expected = [s.id for s in c.spaces.list_all()]  # pool, runtime threads: all in use
    outcome = _run_forked(_child_sync, c)
    assert outcome == ("ok", expected)
    # And the parent's client is unaffected.
    assert [s.id for s in c.spaces.list_all()] == expected


async def test_async_client_after_fork(emu: EmulatorServer) -> None:
    ac = AsyncClient(api_key=emu.api_key, base_url=emu.url)
    expected = [s.id for s in await ac.spaces.list_all()]
    outcome = _run_forked(_child_async, emu.url, emu.api_key)
    assert outcome == ("ok", expected)


# --- Ctrl-C -----------------------------------------------------------------------------


def _interrupt_lag(call: Any, delay: float = 0.3) -> float:
    """Seconds between Ctrl-C and the KeyboardInterrupt surfacing from ``call``."""
    fired: list[float] = []

    def fire() -> None:
        fired.append(time.monotonic())
        _thread.interrupt_main()

    t = threading.Timer(delay, fire)
    t.start()
    with pytest.raises(KeyboardInterrupt):
        call()
    lag = time.monotonic() - fired[0]
    t.join()
    return lag


def test_ctrl_c_is_prompt_and_client_stays_usable(
    emu: EmulatorServer, kit: SpaceKit, fast_runs: None
) -> None:
    c = fast_client(emu)
    task = c.tasks.create_evaluation_task(
        name="ctrl-c",
        task_type="TEMPLATE_EVALUATION",
        project=kit.project["id"],
        evaluators=[{"evaluator_id": kit.template_evaluator["id"]}],
    )
    emu.set_run_timeline(pending_ms=100, running_ms=100, failure_rate=0.0, never_finish=True)
    run = c.tasks.trigger_run(task=task.id, **window())
    lags = []
    for _ in range(3):
        emu.add_fault(method="GET", path="/v2/spaces", latency_ms=10_000, count=1)
        lags.append(_interrupt_lag(lambda: c.spaces.list()))
        emu.clear_faults()
        emu.add_fault(method="GET", path="/v2/spaces", latency_ms=10_000, count=1)
        lags.append(_interrupt_lag(lambda: c.spaces.list_all(limit=1)))
        emu.clear_faults()
        lags.append(
            _interrupt_lag(
                lambda: c.tasks.wait_for_run(run_id=run.id, poll_interval=0.2, timeout=60)
            )
        )
        assert len(c.spaces.list()) > 0  # usable right after
    print(
        f"Ctrl-C lag: median {statistics.median(lags) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms"
    )
    assert statistics.median(lags) < 0.2
    assert max(lags) < 1.0
    assert Counter(type(x) for x in lags) == Counter({float: 9})


def test_name_resolution_never_trusts_a_partial_scan(emu: EmulatorServer, org_id: str) -> None:
    c = fast_client(emu)
    # 101 spaces whose names contain "scan", then "scan" itself: the exact match is on the
    # second page of GET /v2/spaces?name=scan.
    for i in range(101):
        c.spaces.create(name=f"scan-{i:03d}", organization_id=org_id)
    target = c.spaces.create(name="scan", organization_id=org_id)
    assert c.spaces.get(space="scan").id == target.id
    emu.add_fault(method="GET", path="/v2/spaces", action="stall_cursor", unlimited=True)
    fresh = fast_client(emu)  # no cached resolution
    with pytest.raises(E.PaginationError):
        fresh.spaces.get(space="scan")
