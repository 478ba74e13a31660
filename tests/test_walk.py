"""Blocking list_all / list_runs_all walk pages on the calling thread's own runtime and
connection pool (src/runtime.rs `walk`): results, pool reuse and what happens when those
pooled connections go stale."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from arize_ax import Client
from arize_ax.testing import EmulatorServer
from conftest import SpaceKit


def _ids(page: Any) -> list[str]:
    return [item.id for item in page]


@pytest.fixture
def tasks(client: Client, kit: SpaceKit) -> list[str]:
    """Seven tasks in the kit's space, newest first (the listing order)."""
    made = [
        client.tasks.create_evaluation_task(
            name=f"walk-{i}",
            task_type="TEMPLATE_EVALUATION",
            evaluators=[{"evaluator_id": kit.template_evaluator["id"]}],
            project=kit.project["id"],
        ).id
        for i in range(7)
    ]
    return made[::-1]


def test_walk_matches_single_pages(client: Client, kit: SpaceKit, tasks: list[str]) -> None:
    by_pages: list[str] = []
    cursor = None
    while True:
        page = client.tasks.list(space=kit.id, limit=3, cursor=cursor)
        by_pages += _ids(page)
        if not page.has_more:
            break
        cursor = page.next_cursor
    walked = client.tasks.list_all(space=kit.id, limit=3)
    assert _ids(walked) == by_pages
    assert by_pages[:7] == tasks
    assert walked.num_pages == -(-len(by_pages) // 3)
    # And again: the walk reuses this thread's pool for the same client.
    assert _ids(client.tasks.list_all(space=kit.id, limit=3)) == by_pages


def test_many_clients_on_one_thread(emu: EmulatorServer) -> None:
    # More clients than a thread keeps walk pools for: evicted pools are rebuilt.
    clients = [Client(api_key=emu.api_key, base_url=emu.url) for _ in range(7)]
    expected = _ids(clients[0].spaces.list_all(limit=2))
    for _ in range(3):
        for c in clients:
            assert _ids(c.spaces.list_all(limit=2)) == expected
    del clients
    fresh = Client(api_key=emu.api_key, base_url=emu.url)
    assert _ids(fresh.spaces.list_all(limit=2)) == expected


def test_threads_walk_in_parallel_with_mixed_calls(
    client: Client, kit: SpaceKit, tasks: list[str]
) -> None:
    expected = _ids(client.tasks.list_all(space=kit.id, limit=2))
    assert expected[:7] == tasks
    spaces = _ids(client.spaces.list_all())
    results: list[Any] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(5):
                got = _ids(client.tasks.list_all(space=kit.id, limit=2))
                one = client.spaces.list(limit=1)  # shared runtime and pool in between
                results.append((got, _ids(client.spaces.list_all()), len(one)))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert len(results) == 40
    assert all(r == (expected, spaces, 1) for r in results)


def test_walk_after_the_server_restarted_on_the_same_port() -> None:
    # The walk pool's idle connection belongs to a runtime that only runs during a walk,
    # so it could not see the server closing it; the walk lets it look before sending.
    # No retries: a request put on the dead connection would fail.
    first = EmulatorServer()
    port, key = first.port, first.api_key
    c = Client(api_key=key, base_url=first.url, max_retries=0)
    expected = _ids(c.spaces.list_all(limit=2))
    first.stop()
    second = EmulatorServer(port=port)
    try:
        assert second.api_key == key
        assert _ids(c.spaces.list_all(limit=2)) == expected
        assert _ids(c.spaces.list_all(limit=2)) == expected
    finally:
        second.stop()


def test_walk_retries_a_reset_connection(
    emu: EmulatorServer, kit: SpaceKit, tasks: list[str]
) -> None:
    c = Client(api_key=emu.api_key, base_url=emu.url, max_retries=3, retry_backoff=0.01)
    expected = _ids(c.tasks.list_all(space=kit.id, limit=2))
    assert expected[:7] == tasks
    emu.add_fault(method="GET", path="/v2/tasks", action="reset", count=2)
    assert _ids(c.tasks.list_all(space=kit.id, limit=2)) == expected
    assert emu.fault_stats()["by_action"].get("reset") == 2


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_runs_walk(client: Client, kit: SpaceKit, limit: int) -> None:
    task = client.tasks.create_evaluation_task(
        name="walk-runs",
        task_type="TEMPLATE_EVALUATION",
        evaluators=[{"evaluator_id": kit.template_evaluator["id"]}],
        project=kit.project["id"],
    )
    end = datetime.now(timezone.utc).replace(microsecond=0)
    for _ in range(9):
        client.tasks.trigger_run(
            task=task.id, data_start_time=end - timedelta(days=1), data_end_time=end
        )
    pages: list[str] = []
    cursor = None
    while True:
        page = client.tasks.list_runs(task=task.id, limit=limit, cursor=cursor)
        pages += _ids(page)
        if not page.has_more:
            break
        cursor = page.next_cursor
    assert len(pages) == 9
    assert _ids(client.tasks.list_runs_all(task=task.id, limit=limit)) == pages


def test_threads_and_interpreter_exit_after_walks() -> None:
    # Each walking thread keeps its runtime in a thread-local, dropped when the thread
    # ends; the main thread's is dropped at interpreter exit. Neither may crash or hang.
    script = """
import threading, warnings
warnings.simplefilter("ignore")
from arize_ax import Client
from arize_ax.testing import EmulatorServer
emu = EmulatorServer()
client = Client(api_key=emu.api_key, base_url=emu.url)
expected = [s.id for s in client.spaces.list_all(limit=2)]
seen = []
def walk():
    seen.append([s.id for s in client.spaces.list_all(limit=2)])
for _ in range(20):
    t = threading.Thread(target=walk)
    t.start()
    t.join()
assert seen == [expected] * 20, seen
print("walked", len(seen))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "walked 20"
    assert "panicked" not in done.stderr
