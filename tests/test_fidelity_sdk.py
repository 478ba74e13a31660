"""Fidelity: the official `arize` SDK (8.61.0) runs every spaces operation against our
emulator. It checks the emulator against an independent client, so a mistake shared
by our client and our emulator cannot hide here.

CI installs `arize==8.61.0`; elsewhere this module is skipped when it is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

arize = pytest.importorskip(
    "arize", reason="the official SDK (pip install arize==8.61.0) is not installed"
)

from arize_ax.testing import EmulatorServer  # noqa: E402


@pytest.fixture
def sdk(emu: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for key, value in emu.sdk_env().items():
        monkeypatch.setenv(key, value)
    from arize import ArizeClient

    yield ArizeClient()


def test_official_sdk_spaces_operations(
    sdk: Any, emu: EmulatorServer, seed: dict[str, Any]
) -> None:
    from arize.spaces.types import PredefinedSpaceRole

    org_id = seed["organizations"][0]["id"]
    listed = sdk.spaces.list(limit=2)
    assert len(listed.spaces) == 2 and listed.pagination.has_more
    nxt = sdk.spaces.list(limit=2, cursor=listed.pagination.next_cursor)
    assert {s.id for s in nxt.spaces}.isdisjoint({s.id for s in listed.spaces})
    assert sdk.spaces.list(organization_id=org_id, name="zzz-none").spaces == []

    created = sdk.spaces.create(name="sdk-made", organization_id=org_id, description="by sdk")
    assert created.name == "sdk-made" and created.description == "by sdk"
    got = sdk.spaces.get(space="sdk-made")
    assert got.id == created.id
    assert sdk.spaces.get(space=created.id).name == "sdk-made"

    updated = sdk.spaces.update(space=created.id, name="sdk-renamed")
    assert updated.name == "sdk-renamed" and updated.description == "by sdk"
    cleared = sdk.spaces.update(space=created.id, description=None)
    assert cleared.description in ("", None)

    user_id = emu.create_user(name="SDK User", email="sdk@example.com", organization_ids=[org_id])
    membership = sdk.spaces.add_user(
        space=created.id, user_id=user_id, role=PredefinedSpaceRole(name="MEMBER")
    )
    assert membership.user_id == user_id and membership.space_id == created.id
    sdk.spaces.remove_user(space=created.id, user_id=user_id)
    sdk.spaces.delete(space=created.id)
    assert "sdk-renamed" not in {s.name for s in sdk.spaces.list(limit=100).spaces}


def test_official_sdk_sees_problem_errors(sdk: Any, seed: dict[str, Any]) -> None:
    from arize._generated.api_client.exceptions import ApiException

    org_id = seed["organizations"][0]["id"]
    sdk.spaces.create(name="twice", organization_id=org_id)
    with pytest.raises(ApiException) as info:
        sdk.spaces.create(name="twice", organization_id=org_id)
    assert info.value.status == 409


def test_official_sdk_name_resolution(sdk: Any, seed: dict[str, Any]) -> None:
    names = [s["name"] for s in seed["spaces"]]
    ambiguous = next(n for n in names if names.count(n) > 1)
    with pytest.raises(Exception, match="Multiple spaces named"):
        sdk.spaces.get(space=ambiguous)


def test_official_sdk_tasks_operations(sdk: Any, emu: EmulatorServer, seed: dict[str, Any]) -> None:
    """Every tasks operation of the official SDK, wait_for_run included, on the emulator."""
    from arize._generated.api_client.models.span_evaluator_input import SpanEvaluatorInput
    from arize.tasks.types import TaskEvaluatorInput
    from conftest import SpaceKit

    names = [s["name"] for s in seed["spaces"]]
    space = next(
        s
        for s in seed["spaces"]
        if names.count(s["name"]) == 1 and any(p["space_id"] == s["id"] for p in seed["projects"])
    )
    kit = SpaceKit(seed, space)
    emu.set_run_timeline(pending_ms=100, running_ms=200, failure_rate=0.0, never_finish=False)

    task = sdk.tasks.create_evaluation_task(
        name="sdk-eval",
        task_type="TEMPLATE_EVALUATION",
        evaluators=[
            TaskEvaluatorInput(
                SpanEvaluatorInput(
                    evaluator_id=kit.template_evaluator["id"],
                    column_mappings={"input": "input.value"},
                )
            )
        ],
        project=kit.project["name"],
        space=kit.name,
        sampling_rate=0.5,
        query_filter="x = 1",
    )
    assert task.name == "sdk-eval" and task.project_id == kit.project["id"]
    ds_task = sdk.tasks.create_evaluation_task(
        name="sdk-ds-eval",
        task_type="CODE_EVALUATION",
        evaluators=[TaskEvaluatorInput(SpanEvaluatorInput(evaluator_id=kit.code_evaluator["id"]))],
        dataset=kit.dataset["id"],
        experiment_ids=[kit.experiments[0]["id"]],
    )
    assert ds_task.dataset_id == kit.dataset["id"]
    rx = sdk.tasks.create_run_experiment_task(
        name="sdk-rx", dataset=kit.dataset["id"], run_configuration=kit.llm_config()
    )
    assert rx.run_configuration is not None

    listed = sdk.tasks.list(space=kit.id, limit=2)
    assert len(listed.tasks) == 2 and listed.pagination.has_more
    assert {t.id for t in sdk.tasks.list(space=kit.id, limit=100).tasks} >= {
        task.id,
        ds_task.id,
        rx.id,
    }
    assert sdk.tasks.get(task="sdk-eval", space=kit.name).id == task.id

    updated = sdk.tasks.update(task=task.id, name="sdk-eval-2", query_filter=None)
    assert updated.name == "sdk-eval-2" and updated.query_filter is None
    rx2 = sdk.tasks.update(
        task=rx.id, run_configuration={**kit.llm_config(), "model_name": "gpt-4o"}
    )
    assert rx2.id == rx.id

    from datetime import datetime, timedelta, timezone

    end = datetime.now(timezone.utc)
    run = sdk.tasks.trigger_run(
        task=task.id, data_start_time=end - timedelta(days=1), data_end_time=end
    )
    assert str(run.status).endswith("PENDING")
    done = sdk.tasks.wait_for_run(run_id=run.id, poll_interval=0.1, timeout=30)
    assert str(done.status).endswith("COMPLETED")
    assert sdk.tasks.get_run(run_id=run.id).id == run.id
    runs = sdk.tasks.list_runs(task=task.id)
    assert [r.id for r in runs.task_runs] == [run.id]

    rx_run = sdk.tasks.trigger_run(task=rx.id, experiment_name="sdk-experiment", max_examples=3)
    cancelled = sdk.tasks.cancel_run(run_id=rx_run.id)
    assert str(cancelled.status).endswith("CANCELLED")

    sdk.tasks.delete(task=task.id)
    sdk.tasks.delete(task=ds_task.id)
    sdk.tasks.delete(task=rx.id)
    assert sdk.tasks.list(space=kit.id, name="sdk-").tasks == []


def test_our_client_accepts_the_official_sdk_input_models(
    emu: EmulatorServer, seed: dict[str, Any]
) -> None:
    """Drop-in: evaluator inputs built with the official SDK's models work with our client."""
    from arize._generated.api_client.models.span_evaluator_input import SpanEvaluatorInput
    from arize.tasks.types import TaskEvaluatorInput
    from conftest import SpaceKit

    names = [s["name"] for s in seed["spaces"]]
    space = next(
        s
        for s in seed["spaces"]
        if names.count(s["name"]) == 1 and any(p["space_id"] == s["id"] for p in seed["projects"])
    )
    kit = SpaceKit(seed, space)
    ours = emu.client()
    task = ours.tasks.create_evaluation_task(
        name="from-sdk-models",
        task_type="TEMPLATE_EVALUATION",
        evaluators=[
            TaskEvaluatorInput(
                SpanEvaluatorInput(evaluator_id=kit.template_evaluator["id"], query_filter="a = 1")
            )
        ],
        project=kit.project["id"],
    )
    assert [(e.evaluator_id, e.query_filter) for e in task.evaluators] == [
        (kit.template_evaluator["id"], "a = 1")
    ]
