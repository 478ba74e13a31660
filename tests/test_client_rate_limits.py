"""The client under a sustained rate limit (the emulator's token bucket, see
``test_rate_limit.py``): one budget per client shared by threads and asyncio tasks, paced
from the server's headers, one pause for everyone after a 429, nothing lost, duplicated or
sent twice; and ``max_requests_per_second`` for processes that share a quota.

Figures (wall time against the ideal) are bench scenario 9's; these tests check counts.
Refusals are counted by the client for requests sent after it had seen the first 429: those
sent before (a first wave of concurrent requests, before any answer told the rate) say
nothing about pacing.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from arize_ax import AsyncClient, Client
from arize_ax.errors import RateLimitError, RequestTimeoutError
from arize_ax.testing import EmulatorServer
from conftest import SpaceKit

RPS = 200.0
BURST = 10


def limited(emu: EmulatorServer, rps: float = RPS, burst: int = BURST) -> None:
    emu.set_rate_limit(rps, burst=burst)
    emu.clear_rate_limit_stats()


def client(emu: EmulatorServer, **kw: Any) -> Client:
    return Client(api_key=emu.api_key, base_url=emu.url, **kw)


def late_share(state: dict[str, Any], total: int) -> float:
    """The refusals of requests sent after the client had seen a 429, per request."""
    return state["refused_after_first"] / max(total, 1)


def test_list_all_paces_from_the_headers(emu: EmulatorServer, kit: SpaceKit) -> None:
    emu.bulk_seed_tasks(space_id=kit.id, tasks=3000)
    expected = [t.id for t in client(emu).tasks.list_all(space=kit.id, limit=100)]
    limited(emu)
    c = client(emu)
    got = [t.id for t in c.tasks.list_all(space=kit.id, limit=10)]
    assert got == expected  # every item once, in order
    state = c.rate_limit_state()
    stats = emu.rate_limit_stats()
    # The first answer told the rate: the walk was paced from there and never refused.
    assert state["source"] == "the server's rate-limit headers"
    assert state["rate"] == pytest.approx(RPS * 0.95)
    assert stats["refused"] == 0, stats
    assert stats["admitted"] == len(expected) // 10 + 1


def test_threads_share_one_budget(emu: EmulatorServer, kit: SpaceKit) -> None:
    emu.bulk_seed_tasks(space_id=kit.id, tasks=200)
    expected = [t.id for t in client(emu).tasks.list_all(space=kit.id, limit=100)]
    limited(emu)
    c = client(emu)

    def walk(_: int) -> list[str]:
        return [t.id for t in c.tasks.list_all(space=kit.id, limit=50)]

    with ThreadPoolExecutor(64) as pool:
        results = list(pool.map(walk, range(64)))
    assert all(r == expected for r in results)
    stats = emu.rate_limit_stats()
    total = stats["admitted"] + stats["refused"]
    state = c.rate_limit_state()
    # Only the first wave (sent before any answer) can be refused: one pause, then paced.
    assert stats["refused"] <= 64, stats
    assert late_share(state, total) <= 0.05, (state, stats)
    assert state["refused"] == stats["refused"]


def test_async_tasks_share_one_budget(emu: EmulatorServer, kit: SpaceKit) -> None:
    emu.bulk_seed_tasks(space_id=kit.id, tasks=200)
    expected = [t.id for t in client(emu).tasks.list_all(space=kit.id, limit=100)]
    limited(emu)

    async def go() -> tuple[list[list[str]], dict[str, Any]]:
        ac = AsyncClient(api_key=emu.api_key, base_url=emu.url)

        async def walk() -> list[str]:
            return [t.id for t in await ac.tasks.list_all(space=kit.id, limit=50)]

        results = await asyncio.gather(*(walk() for _ in range(64)))
        return results, ac.rate_limit_state()

    results, state = asyncio.run(go())
    assert all(r == expected for r in results)
    stats = emu.rate_limit_stats()
    assert stats["refused"] <= 64, stats
    assert late_share(state, stats["admitted"] + stats["refused"]) <= 0.05, (state, stats)


@pytest.mark.parametrize("side", ["sync", "async"])
def test_wait_for_a_thousand_runs(emu: EmulatorServer, kit: SpaceKit, side: str) -> None:
    task_id = emu.bulk_seed_tasks(space_id=kit.id, tasks=1, runs_per_task=1000)[0]
    run_ids = [r.id for r in client(emu).tasks.list_runs_all(task=task_id, limit=100)]
    assert len(run_ids) == 1000
    limited(emu, rps=500.0, burst=20)
    if side == "sync":
        c = client(emu)
        runs = c.tasks.wait_for_runs(run_ids=run_ids, poll_interval=0.2, timeout=120)
        state = c.rate_limit_state()
    else:

        async def go() -> tuple[list[Any], dict[str, Any]]:
            ac = AsyncClient(api_key=emu.api_key, base_url=emu.url)
            got = await ac.tasks.wait_for_runs(run_ids=run_ids, poll_interval=0.2, timeout=120)
            return got, ac.rate_limit_state()

        runs, state = asyncio.run(go())
    assert [r.id for r in runs] == run_ids
    stats = emu.rate_limit_stats()
    total = stats["admitted"] + stats["refused"]
    assert late_share(state, total) <= 0.05, (state, stats)


def test_a_429_pauses_everyone_once_and_creates_are_not_duplicated(
    emu: EmulatorServer, kit: SpaceKit, caplog: pytest.LogCaptureFixture
) -> None:
    # A burst of creates meets the bucket (or, if the first answer told the rate in time,
    # is paced) and three 429s that say when to come back: each create is sent again only
    # because it was refused.
    limited(emu, rps=20.0, burst=2)
    emu.add_fault(method="POST", path="/v2/spaces", status=429, retry_after="1", count=3)
    c = client(emu)
    org = kit.space["organization_id"]
    names = sorted(f"paced-{i}" for i in range(12))
    with caplog.at_level(logging.INFO, logger="arize_ax"):
        with ThreadPoolExecutor(12) as pool:
            created = list(pool.map(lambda n: c.spaces.create(name=n, organization_id=org), names))
    assert sorted(s.name for s in created) == names
    emu.clear_rate_limit()
    listed = [s.name for s in client(emu).spaces.list_all() if s.name.startswith("paced-")]
    assert sorted(listed) == names  # each once
    assert c.rate_limit_state()["refused"] >= 3
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and "rate limited (429)" in warnings[0].getMessage()
    assert emu.api_key not in caplog.text


def test_max_requests_per_second_spaces_requests(emu: EmulatorServer) -> None:
    c = client(emu, max_requests_per_second=20)
    t0 = time.perf_counter()
    for _ in range(11):
        c.spaces.list(limit=1)
    # Ten intervals of 50 ms at least (a lower bound: the machine may be slower).
    assert time.perf_counter() - t0 >= 0.5
    state = c.rate_limit_state()
    assert state["rate"] == 20 and state["source"] == "max_requests_per_second"
    with pytest.raises(ValueError, match="max_requests_per_second"):
        client(emu, max_requests_per_second=0)


def test_a_wait_past_the_total_timeout_fails_at_once(emu: EmulatorServer) -> None:
    limited(emu, rps=0.05, burst=1)  # the next token in 20 s
    c = client(emu, total_timeout=3.0)
    c.spaces.list(limit=1)
    # The client knows the rate: nothing is sent, and the error says why.
    t0 = time.perf_counter()
    with pytest.raises(RequestTimeoutError, match="rate limit"):
        c.spaces.list(limit=1)
    assert time.perf_counter() - t0 < 3.0
    assert emu.rate_limit_stats()["admitted"] + emu.rate_limit_stats()["refused"] == 1
    # A client that does not know it yet meets the 429, whose Retry-After is too late.
    fresh = client(emu, total_timeout=3.0)
    t0 = time.perf_counter()
    with pytest.raises(RateLimitError) as info:
        fresh.spaces.list(limit=1)
    assert time.perf_counter() - t0 < 3.0
    assert info.value.retry_after is not None and info.value.retry_after > 3


def _process_walk(url: str, key: str, space_id: str, rps: float) -> tuple[list[str], int]:
    c = Client(api_key=key, base_url=url, max_requests_per_second=rps)
    ids = [t.id for t in c.tasks.list_all(space=space_id, limit=20)]
    return ids, int(c.rate_limit_state()["refused"])


def test_processes_share_a_quota_with_a_per_process_limit(
    emu: EmulatorServer, kit: SpaceKit
) -> None:
    emu.bulk_seed_tasks(space_id=kit.id, tasks=400)
    expected = [t.id for t in client(emu).tasks.list_all(space=kit.id, limit=100)]
    limited(emu, rps=100.0, burst=10)
    args = [(emu.url, emu.api_key, kit.id, 100.0 * 0.95 / 4)] * 4
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.starmap(_process_walk, args)
    assert all(ids == expected for ids, _ in results)
    stats = emu.rate_limit_stats()
    # Each process keeps to its share: at most the first answers of each were refused.
    assert stats["refused"] <= 4, stats


def test_cli_shows_rate_limit_waits(emu: EmulatorServer, tmp_path: Any) -> None:
    def ax(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "arize_ax", *args, "--base-url", emu.url],
            env={"ARIZE_API_KEY": emu.api_key, "HOME": str(tmp_path), "PATH": ""},
            capture_output=True,
            text=True,
            timeout=60,
        )

    out = ax(*"spaces list -o json -v --all --limit 2 --max-requests-per-second 5".split())
    assert out.returncode == 0, out.stderr
    assert "held back" in out.stderr and "by the rate limit" in out.stderr, out.stderr
    assert emu.api_key not in out.stderr
    bad = ax("spaces", "list", "--max-requests-per-second", "0")
    assert bad.returncode == 2 and "max-requests-per-second" in bad.stderr, bad.stderr


def test_cli_wait_progress_says_when_the_limit_holds_it_back(
    emu: EmulatorServer, kit: SpaceKit, tmp_path: Any
) -> None:
    emu.set_run_timeline(pending_ms=300, running_ms=900, failure_rate=0.0, never_finish=False)
    task = client(emu).tasks.create_evaluation_task(
        name="paced-wait",
        task_type="TEMPLATE_EVALUATION",
        evaluators=[{"evaluator_id": kit.template_evaluator["id"]}],
        project=kit.project["id"],
    )
    start = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    limited(emu, rps=4.0, burst=2)
    out = subprocess.run(
        [
            *(sys.executable, "-m", "arize_ax", "tasks", "trigger-run", task.id),
            *("--data-start-time", start, "--wait", "--poll-interval", "0.1", "-o", "json"),
            *("--base-url", emu.url),
        ],
        env={"ARIZE_API_KEY": emu.api_key, "HOME": str(tmp_path), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "COMPLETED" in out.stdout
    # 95 % of the server's 4/s (half of it, should a late answer have met a 429).
    note = re.search(
        r"\(held back by the rate limit: requests spaced at (\d+\.\d\d)/s\)", out.stderr
    )
    assert note and float(note.group(1)) in (3.8, 1.9), out.stderr
