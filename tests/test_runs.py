"""Triggering, listing, cancelling and waiting for task runs."""

from __future__ import annotations

import _thread
import asyncio
import threading
import time
from datetime import datetime, timedelta, timezone

import pyarrow as pa
import pytest
from arize_ax import AsyncClient, Client, Task, TaskRun
from arize_ax import errors as E
from arize_ax.testing import EmulatorServer
from conftest import SpaceKit


@pytest.fixture
def rx_task(client: Client, kit: SpaceKit) -> Task:
    return client.tasks.create_run_experiment_task(
        name="runs-rx", dataset=kit.dataset["id"], run_configuration=kit.llm_config()
    )


def window() -> dict[str, datetime]:
    end = datetime.now(timezone.utc).replace(microsecond=0)
    return {"data_start_time": end - timedelta(days=2), "data_end_time": end}


def test_trigger_and_wait(client: Client, eval_task: Task, fast_runs: None) -> None:
    run = client.tasks.trigger_run(task=eval_task.id, **window())
    assert isinstance(run, TaskRun)
    assert run.status == "PENDING" and not run.is_terminal
    assert run.data_start_time is not None and run.data_end_time is not None
    seen: list[str] = []
    done = client.tasks.wait_for_run(
        run_id=run.id, poll_interval=0.05, timeout=10, on_progress=lambda r: seen.append(r.status)
    )
    assert done.status == "COMPLETED" and done.is_terminal
    assert done.run_started_at is not None and done.run_finished_at is not None
    assert done.num_successes > 0
    assert seen[-1] == "COMPLETED" and len(seen) >= 2
    assert client.tasks.get(task=eval_task.id).last_run_at is not None
    assert client.tasks.get_run(run_id=run.id) == done


def test_trigger_with_wait(client: Client, eval_task: Task, fast_runs: None) -> None:
    run = client.tasks.trigger_run(
        task=eval_task.id, wait=True, poll_interval=0.05, timeout=10, **window()
    )
    assert run.status == "COMPLETED"


def test_start_only_fills_end_with_now(client: Client, eval_task: Task, fast_runs: None) -> None:
    start = datetime.now(timezone.utc) - timedelta(hours=3)
    run = client.tasks.trigger_run(
        task=eval_task.id, data_start_time=start.replace(tzinfo=None).isoformat()
    )
    assert (
        run.data_start_time is not None and abs((run.data_start_time - start).total_seconds()) < 1
    )
    assert run.data_end_time is not None
    assert abs((run.data_end_time - datetime.now(timezone.utc)).total_seconds()) < 60


def test_run_experiment_run(client: Client, rx_task: Task, fast_runs: None) -> None:
    run = client.tasks.trigger_run(
        task=rx_task.id,
        experiment_name="baseline-2026",
        max_examples=5,
        tracing_metadata={"branch": "main"},
    )
    assert run.data_start_time is None and run.data_end_time is None
    done = client.tasks.wait_for_run(run_id=run.id, poll_interval=0.05, timeout=10)
    assert done.status == "COMPLETED" and done.experiment_id
    with pytest.raises(E.ConflictError):
        client.tasks.trigger_run(task=rx_task.id, experiment_name="baseline-2026")


def test_failed_run(client: Client, eval_task: Task, emu: EmulatorServer) -> None:
    emu.set_run_timeline(pending_ms=50, running_ms=100, failure_rate=1.0, never_finish=False)
    run = client.tasks.trigger_run(task=eval_task.id, **window())
    done = client.tasks.wait_for_run(run_id=run.id, poll_interval=0.05, timeout=10)
    assert done.status == "FAILED" and done.failure_reason


def test_cancel(client: Client, eval_task: Task, emu: EmulatorServer) -> None:
    emu.set_run_timeline(pending_ms=100, running_ms=100, failure_rate=0.0, never_finish=True)
    run = client.tasks.trigger_run(task=eval_task.id, **window())
    waiter: list[TaskRun] = []
    t = threading.Thread(
        target=lambda: waiter.append(
            client.tasks.wait_for_run(run_id=run.id, poll_interval=0.05, timeout=10)
        )
    )
    t.start()
    time.sleep(0.3)
    cancelled = client.tasks.cancel_run(run_id=run.id)
    assert cancelled.status == "CANCELLED" and cancelled.run_finished_at is not None
    t.join(10)
    assert waiter and waiter[0].status == "CANCELLED"
    with pytest.raises(E.BadRequestError):
        client.tasks.cancel_run(run_id=run.id)


def test_timeout_carries_last_run(client: Client, eval_task: Task, emu: EmulatorServer) -> None:
    emu.set_run_timeline(pending_ms=50, running_ms=50, failure_rate=0.0, never_finish=True)
    run = client.tasks.trigger_run(task=eval_task.id, **window())
    with pytest.raises(E.RunTimeoutError) as info:
        client.tasks.wait_for_run(run_id=run.id, poll_interval=0.05, timeout=0.5)
    err = info.value
    assert isinstance(err, TimeoutError)
    assert err.run_id == run.id and err.timeout == 0.5
    assert err.last_status == "RUNNING"
    assert isinstance(err.last_run, TaskRun) and err.last_run.id == run.id
    assert f"Task run '{run.id}' did not reach a terminal state within" in str(err)
    # Waiting gave up; the run itself was not cancelled.
    assert client.tasks.get_run(run_id=run.id).status == "RUNNING"


def test_transient_errors_during_wait(
    client: Client, eval_task: Task, emu: EmulatorServer, fast_runs: None
) -> None:
    run = client.tasks.trigger_run(task=eval_task.id, **window())
    emu.add_fault(method="GET", path="/v2/task-runs/*", status=503, count=6, retry_after="0")
    emu.add_fault(method="GET", path="/v2/task-runs/*", status=429, count=2, retry_after="0")
    done = client.tasks.wait_for_run(run_id=run.id, poll_interval=0.05, timeout=20)
    assert done.status == "COMPLETED"
    statuses = [r["status"] for r in emu.requests() if r["path"].startswith("/v2/task-runs/")]
    assert statuses.count(503) == 6 and statuses.count(429) == 2


def test_wait_for_unknown_run_fails_fast(client: Client) -> None:
    with pytest.raises(E.NotFoundError):
        client.tasks.wait_for_run(run_id="VGFza1J1bjo5OTk5OTpub3Bl", poll_interval=0.05, timeout=30)


def test_list_runs_and_status_filter(client: Client, eval_task: Task, emu: EmulatorServer) -> None:
    emu.set_run_timeline(pending_ms=0, running_ms=0, failure_rate=0.0, never_finish=False)
    made = [client.tasks.trigger_run(task=eval_task.id, **window()).id for _ in range(7)]
    page = client.tasks.list_runs(task=eval_task.id, limit=3)
    assert len(page) == 3 and page.has_more and page.task_runs == page.items
    everything = client.tasks.list_runs_all(task=eval_task.id, limit=2)
    assert [r.id for r in everything] == list(reversed(made))  # newest first, nothing lost
    done = client.tasks.list_runs_all(task=eval_task.id, status="completed")
    assert len(done) == 7
    assert len(client.tasks.list_runs_all(task=eval_task.id, status="PENDING")) == 0
    table = pa.table(everything)
    assert table.schema.field("status").type == pa.utf8()
    assert table.schema.field("num_successes").type == pa.int64()
    assert table.schema.field("run_started_at").type == pa.timestamp("us", tz="UTC")
    empty = pa.table(client.tasks.list_runs(task=eval_task.id, status="FAILED"))
    assert empty.schema.remove_metadata() == table.schema.remove_metadata()


def test_wait_for_many_runs(client: Client, eval_task: Task, fast_runs: None) -> None:
    ids = [client.tasks.trigger_run(task=eval_task.id, **window()).id for _ in range(40)]
    runs = client.tasks.wait_for_runs(
        run_ids=ids, poll_interval=0.05, timeout=30, max_concurrency=8
    )
    assert [r.id for r in runs] == ids
    assert {r.status for r in runs} == {"COMPLETED"}


def test_ctrl_c_during_wait_leaves_run_alone(
    client: Client, eval_task: Task, emu: EmulatorServer
) -> None:
    emu.set_run_timeline(pending_ms=50, running_ms=50, failure_rate=0.0, never_finish=True)
    run = client.tasks.trigger_run(task=eval_task.id, **window())
    threading.Timer(0.3, _thread.interrupt_main).start()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        client.tasks.wait_for_run(run_id=run.id, poll_interval=0.05, timeout=60)
    assert time.monotonic() - start < 5  # far from the 60 s timeout
    assert client.tasks.get_run(run_id=run.id).status == "RUNNING"


async def test_async_runs(emu: EmulatorServer, kit: SpaceKit, fast_runs: None) -> None:
    ac = AsyncClient(api_key=emu.api_key, base_url=emu.url)
    task = await ac.tasks.create_evaluation_task(
        name="async-eval",
        task_type="template_evaluation",
        evaluators=[{"evaluator_id": kit.template_evaluator["id"]}],
        project=kit.project["id"],
    )
    runs = await asyncio.gather(*(ac.tasks.trigger_run(task=task.id, **window()) for _ in range(5)))
    finished = await ac.tasks.wait_for_runs(
        run_ids=[r.id for r in runs], poll_interval=0.05, timeout=20
    )
    assert [r.id for r in finished] == [r.id for r in runs]
    assert {r.status for r in finished} == {"COMPLETED"}
    page = await ac.tasks.list_runs(task=task.id)
    assert len(page) == 5
    assert (await ac.tasks.get(task=task.id)).name == "async-eval"
    await ac.tasks.delete(task=task.id)
