"""Requests per user-level operation: never more than the API needs (bench scenario 7
measures the wall time; these tests pin the request counts and orders)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from arize_ax import AsyncClient, Client, Task
from arize_ax.errors import NameNotFoundError, ValidationError
from arize_ax.testing import EmulatorServer
from conftest import SpaceKit


def window() -> dict[str, datetime]:
    end = datetime.now(timezone.utc).replace(microsecond=0)
    return {"data_start_time": end - timedelta(days=1), "data_end_time": end}


def log(emu: EmulatorServer) -> list[str]:
    """The requests seen since the last clear, as "METHOD /path" (the query left out)."""
    return [f"{r['method']} {r['path'].split('?')[0]}" for r in emu.requests()]


def kinds(emu: EmulatorServer) -> list[str]:
    """The request log with IDs replaced by `{id}`: "GET /v2/task-runs/{id}"."""
    out = []
    for entry in log(emu):
        method, path = entry.split(" ", 1)
        parts = path.split("/")
        keep = {"v2", "spaces", "tasks", "task-runs", "runs", "trigger", "projects"}
        keep |= {"evaluators", "cancel"}
        out.append(method + " " + "/".join(p if p in keep or not p else "{id}" for p in parts))
    return out


def test_get_by_name_is_one_lookup(client: Client, emu: EmulatorServer, kit: SpaceKit) -> None:
    emu.clear_requests()
    space = client.spaces.get(space=kit.name)
    # The list item is the space: no GET after the lookup.
    assert kinds(emu) == ["GET /v2/spaces"]
    assert space.id == kit.id and space.name == kit.name
    # Equal to what a GET by ID returns.
    assert client.spaces.get(space=kit.id) == space
    emu.clear_requests()
    # A cached name costs the GET.
    assert client.spaces.get(space=kit.name) == space
    assert kinds(emu) == ["GET /v2/spaces/{id}"]


def test_task_by_name_needs_no_get(
    client: Client, emu: EmulatorServer, kit: SpaceKit, eval_task: Task
) -> None:
    fresh = Client(api_key=emu.api_key, base_url=emu.url)
    emu.clear_requests()
    got = fresh.tasks.get(task=eval_task.name, space=kit.name)
    # The space and the task (filtered by space_name) at once: one round trip. The space
    # filter matched that space alone, so the task listed is in it.
    assert sorted(kinds(emu)) == ["GET /v2/spaces", "GET /v2/tasks"]
    assert got == client.tasks.get(task=eval_task.id)


def test_task_by_name_when_the_space_filter_matches_more_spaces(
    client: Client, emu: EmulatorServer, kit: SpaceKit, org_id: str, eval_task: Task
) -> None:
    # Another space whose name contains this one's: a task listed by space_name could be
    # in either, so the one found is not taken on trust.
    client.spaces.create(name=f"{kit.name}-copy", organization_id=org_id)
    fresh = Client(api_key=emu.api_key, base_url=emu.url)
    emu.clear_requests()
    got = fresh.tasks.get(task=eval_task.name, space=kit.name)
    assert got.id == eval_task.id
    assert sorted(kinds(emu)) == ["GET /v2/spaces", "GET /v2/tasks", "GET /v2/tasks"]
    # The task is looked up again by the exact space's ID.
    last = emu.requests()[-1]
    assert last["path"] == "/v2/tasks" and "space_id=" in last["query"]


def test_create_from_names_resolves_once_each(emu: EmulatorServer, kit: SpaceKit) -> None:
    fresh = Client(api_key=emu.api_key, base_url=emu.url)
    emu.clear_requests()
    task = fresh.tasks.create_evaluation_task(
        name="from-names",
        task_type="TEMPLATE_EVALUATION",
        evaluators=[{"evaluator_id": kit.template_evaluator["name"]}],
        project=kit.project["name"],
        space=kit.name,
    )
    seen = kinds(emu)
    # The space, the project and the evaluator (filtered by space_name) at once, then the
    # create: two round trips.
    assert sorted(seen[:3]) == ["GET /v2/evaluators", "GET /v2/projects", "GET /v2/spaces"]
    assert seen[3:] == ["POST /v2/tasks"]
    assert task.project_id == kit.project["id"]
    assert task.evaluators[0].evaluator_id == kit.template_evaluator["id"]


def test_a_name_listed_in_another_space_is_not_taken(
    client: Client, emu: EmulatorServer, kit: SpaceKit
) -> None:
    # A new, empty space whose name is part of the kit's: the lookups filtered by its
    # space_name list the kit's project and evaluator, which are not in it.
    inner = kit.name[: len(kit.name) // 2]
    client.spaces.create(name=inner, organization_id=kit.space["organization_id"])
    fresh = Client(api_key=emu.api_key, base_url=emu.url)
    emu.clear_requests()
    with pytest.raises(NameNotFoundError, match="project"):
        fresh.tasks.create_evaluation_task(
            name="wrong-space",
            task_type="TEMPLATE_EVALUATION",
            evaluators=[{"evaluator_id": kit.template_evaluator["name"]}],
            project=kit.project["name"],
            space=inner,
        )
    seen = kinds(emu)
    assert "POST /v2/tasks" not in seen
    # The filtered lookups, then the project and the evaluator again by the space's ID.
    again = [r for r in emu.requests() if "space_id=" in r["query"]]
    assert sorted(r["path"] for r in again) == ["/v2/evaluators", "/v2/projects"]
    with pytest.raises(NameNotFoundError, match="evaluator"):
        fresh.evaluators.get(evaluator=kit.template_evaluator["name"], space=inner)
    # In the kit's own space the same names resolve at once.
    got = fresh.evaluators.get(evaluator=kit.template_evaluator["name"], space=kit.name)
    assert got.id == kit.template_evaluator["id"]


def test_a_trigger_by_id_needs_no_get(
    emu: EmulatorServer, kit: SpaceKit, eval_task: Task, fast_runs: None
) -> None:
    async def go(n: int, **fields: Any) -> list[Any]:
        aclient = AsyncClient(api_key=emu.api_key, base_url=emu.url)
        calls = (aclient.tasks.trigger_run(task=eval_task.id, **fields) for _ in range(n))
        return await asyncio.gather(*calls, return_exceptions=True)

    emu.clear_requests()
    runs = asyncio.run(go(20, **window()))
    assert len({r.id for r in runs}) == 20
    # The fields choose the body: the client that never saw the task sends it at once.
    assert kinds(emu) == ["POST /v2/tasks/{id}/trigger"] * 20

    # Fields foreign to the task's type: the server refuses them (nothing starts), and the
    # type, read once for the twenty, names them.
    def run_count() -> int:
        return len(emu.client().tasks.list_runs(task=eval_task.id, limit=100))

    before = run_count()
    emu.clear_requests()
    errors = asyncio.run(go(20, experiment_name="not-an-eval-field"))
    assert all(isinstance(e, ValidationError) for e in errors), errors
    assert all("experiment_name" in str(e) and "TEMPLATE_EVALUATION" in str(e) for e in errors)
    seen = kinds(emu)
    # A trigger that reaches its send after the type is known raises locally instead (on a
    # loaded machine, some may): at most one POST each, never a run, and one GET in all.
    posts = seen.count("POST /v2/tasks/{id}/trigger")
    assert 1 <= posts <= 20
    assert seen.count("GET /v2/tasks/{id}") == 1 and len(seen) == posts + 1
    assert run_count() == before
    # Fields of both kinds: only the type can tell which are foreign, so it is read first and
    # nothing is sent.
    emu.clear_requests()
    both = dict(window(), experiment_name="mixed")
    errors = asyncio.run(go(1, **both))
    assert isinstance(errors[0], ValidationError) and "experiment_name" in str(errors[0])
    assert kinds(emu) == ["GET /v2/tasks/{id}"]
    # By name: the lookup's list item gives the type.
    fresh = Client(api_key=emu.api_key, base_url=emu.url)
    emu.clear_requests()
    fresh.tasks.trigger_run(task=eval_task.name, space=kit.id, **window())
    assert kinds(emu) == ["GET /v2/tasks", "POST /v2/tasks/{id}/trigger"]


def test_trigger_and_wait_does_not_poll_at_once(
    client: Client, emu: EmulatorServer, eval_task: Task
) -> None:
    emu.set_run_timeline(pending_ms=20, running_ms=20)
    client.tasks.get(task=eval_task.id)  # the type is known from here on
    emu.clear_requests()
    run = client.tasks.trigger_run(task=eval_task.id, wait=True, poll_interval=0.3, **window())
    assert run.status == "COMPLETED"
    # The trigger's answer is the first state: one GET, one interval later, sees the end.
    assert kinds(emu) == ["POST /v2/tasks/{id}/trigger", "GET /v2/task-runs/{id}"]


def test_many_runs_of_one_task_are_polled_by_listing(
    client: Client, emu: EmulatorServer, eval_task: Task
) -> None:
    emu.set_run_timeline(pending_ms=150, running_ms=300)
    ids = [client.tasks.trigger_run(task=eval_task.id, **window()).id for _ in range(30)]
    emu.clear_requests()
    seen_states: list[str] = []
    done = client.tasks.wait_for_runs(
        run_ids=ids, poll_interval=0.1, timeout=30, on_progress=lambda r: seen_states.append(r.id)
    )
    assert [r.id for r in done] == ids and {r.status for r in done} == {"COMPLETED"}
    seen = kinds(emu)
    # One list of the task's runs per round, no GET per run.
    assert set(seen) == {"GET /v2/tasks/{id}/runs"}
    assert 1 <= len(seen) <= 30
    assert set(seen_states) == set(ids)


def test_a_run_the_listing_misses_is_read_on_its_own(
    client: Client, emu: EmulatorServer, eval_task: Task
) -> None:
    emu.set_run_timeline(pending_ms=50, running_ms=50)
    old = client.tasks.trigger_run(task=eval_task.id, **window()).id
    newer = [client.tasks.trigger_run(task=eval_task.id, **window()).id for _ in range(101)]
    emu.clear_requests()
    # The oldest run is not on the first page (newest first, 100 a page).
    done = client.tasks.wait_for_runs(run_ids=[old, newer[-1]], poll_interval=0.05, timeout=30)
    assert [r.id for r in done] == [old, newer[-1]]
    assert {r.status for r in done} == {"COMPLETED"}
    seen = kinds(emu)
    assert seen[0] == "GET /v2/tasks/{id}/runs" and "GET /v2/task-runs/{id}" in seen


def test_unknown_runs_are_read_one_by_one_then_listed(
    emu: EmulatorServer, client: Client, eval_task: Task
) -> None:
    emu.set_run_timeline(pending_ms=400, running_ms=400)
    ids = [client.tasks.trigger_run(task=eval_task.id, **window()).id for _ in range(5)]
    fresh = Client(api_key=emu.api_key, base_url=emu.url)  # knows nothing of these runs
    emu.clear_requests()
    done = fresh.tasks.wait_for_runs(run_ids=ids, poll_interval=0.2, timeout=30)
    assert {r.status for r in done} == {"COMPLETED"}
    seen = kinds(emu)
    # First round: a GET each (which tells the runs' task); then lists.
    assert seen[:5] == ["GET /v2/task-runs/{id}"] * 5
    assert set(seen[5:]) == {"GET /v2/tasks/{id}/runs"}
