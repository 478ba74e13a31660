"""Fidelity: the official `arize` SDK (8.61.0) runs every spaces and tasks operation, and
lists and gets every supporting resource, against our emulator. It checks the emulator
against an independent client, so a mistake shared by our client and our emulator cannot
hide here.

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
from conftest import SpaceKit  # noqa: E402


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


# --- Supporting read endpoints and the demo seed, through the official SDK ---------------


def _every_page(list_page: Any, key: str, limit: int = 2, **filters: Any) -> tuple[list[Any], int]:
    """Every item of an official SDK list method, following `next_cursor` `limit` items at
    a time, and the number of pages it took."""
    items: list[Any] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = list_page(limit=limit, cursor=cursor, **filters)
        items.extend(getattr(page, key))
        pages += 1
        cursor = page.pagination.next_cursor
        if not cursor:
            return items, pages
        assert pages < 100, "runaway pagination"


def _pages(count: int, limit: int) -> int:
    return -(-count // limit)


def test_official_sdk_organizations(sdk: Any, seed: dict[str, Any]) -> None:
    orgs, pages = _every_page(sdk.organizations.list, "organizations", limit=1)
    # Oldest first.
    assert [(o.id, o.name) for o in orgs] == [(o["id"], o["name"]) for o in seed["organizations"]]
    assert pages == len(seed["organizations"]) == 2
    for o in seed["organizations"]:
        by_id = sdk.organizations.get(organization=o["id"])
        assert by_id.name == o["name"] and by_id.description
        assert sdk.organizations.get(organization=o["name"]).id == o["id"]


def test_official_sdk_users_by_id_and_email(sdk: Any, seed: dict[str, Any]) -> None:
    users, pages = _every_page(sdk.users.list, "users", limit=3)
    # Oldest first; the admin key sees every user.
    assert [u.id for u in users] == [u["id"] for u in seed["users"]]
    assert pages == _pages(len(seed["users"]), 3) and len(users) == 10
    for u in seed["users"]:
        by_id = sdk.users.get(user=u["id"])
        assert (by_id.id, by_id.name, by_id.email) == (u["id"], u["name"], u["email"])
        assert str(by_id.status).endswith(u["status"])
        assert str(by_id.role.name).endswith(u["account_role"])
        # The SDK resolves an e-mail by listing with `email=` and comparing without case.
        by_email = sdk.users.get(user=u["email"].upper())
        assert by_email is not None and by_email.id == u["id"]
    assert sdk.users.get(user="nobody@example.com") is None
    invited = sdk.users.list(status=["INVITED", "EXPIRED"]).users
    assert [u.email for u in invited] == [
        u["email"] for u in seed["users"] if u["status"] in ("INVITED", "EXPIRED")
    ]


def test_official_sdk_projects(sdk: Any, seed: dict[str, Any], kit: SpaceKit) -> None:
    projects, pages = _every_page(sdk.projects.list, "projects")
    # Oldest first.
    assert [p.id for p in projects] == [p["id"] for p in seed["projects"]]
    assert pages == _pages(len(seed["projects"]), 2)
    assert [p.id for p in sdk.projects.list(space=kit.id).projects] == [kit.project["id"]]
    by_id = sdk.projects.get(project=kit.project["id"])
    assert (by_id.name, by_id.space_id) == (kit.project["name"], kit.id)
    assert str(by_id.project_type).endswith("APPLICATION")
    for space in (kit.id, kit.name):
        assert sdk.projects.get(project=kit.project["name"], space=space).id == kit.project["id"]


def test_official_sdk_datasets_get_includes_versions(
    sdk: Any, seed: dict[str, Any], kit: SpaceKit
) -> None:
    datasets, pages = _every_page(sdk.datasets.list, "datasets")
    # Newest first, without versions.
    assert [d.id for d in datasets] == [d["id"] for d in reversed(seed["datasets"])]
    assert pages == _pages(len(seed["datasets"]), 2)
    assert all(d.versions is None for d in datasets)
    got = sdk.datasets.get(dataset=kit.dataset["name"], space=kit.name)
    assert (got.id, got.name, got.space_id) == (kit.dataset["id"], "golden-questions", kit.id)
    # Versions newest first: v2, v1.
    assert [(v.id, v.name) for v in got.versions] == [
        (v["id"], v["name"]) for v in reversed(kit.dataset["versions"])
    ]
    assert [v.name for v in got.versions] == ["v2", "v1"]
    assert {v.dataset_id for v in got.versions} == {kit.dataset["id"]}
    by_id = sdk.datasets.get(dataset=kit.dataset["id"])
    assert [v.id for v in by_id.versions] == [v.id for v in got.versions]


def test_official_sdk_experiments_by_dataset_and_space(
    sdk: Any, seed: dict[str, Any], kit: SpaceKit
) -> None:
    everything, _ = _every_page(sdk.experiments.list, "experiments", limit=5)
    # Newest first.
    assert [e.id for e in everything] == [e["id"] for e in reversed(seed["experiments"])]
    newest_first = [e["id"] for e in reversed(kit.experiments)]
    assert [e["name"] for e in kit.experiments] == ["baseline", "candidate"]
    by_dataset, pages = _every_page(
        sdk.experiments.list, "experiments", limit=1, dataset=kit.dataset["id"]
    )
    assert [e.id for e in by_dataset] == newest_first and pages == 2
    # A dataset name is resolved within the space; `dataset` wins over `space`.
    by_name, _ = _every_page(
        sdk.experiments.list, "experiments", dataset=kit.dataset["name"], space=kit.name
    )
    assert [e.id for e in by_name] == newest_first
    by_space, pages = _every_page(sdk.experiments.list, "experiments", limit=1, space=kit.id)
    assert [e.id for e in by_space] == newest_first and pages == 2
    for e in kit.experiments:
        got = sdk.experiments.get(experiment=e["id"])
        assert (got.name, got.space_id, got.dataset_id, got.dataset_version_id) == (
            e["name"],
            kit.id,
            e["dataset_id"],
            e["dataset_version_id"],
        )
        assert got.integration_id is None
        assert sdk.experiments.get(experiment=e["name"], dataset=kit.dataset["id"]).id == e["id"]
        assert sdk.experiments.get(experiment=e["name"], space=kit.name).id == e["id"]


def test_official_sdk_evaluators_and_their_versions(
    sdk: Any, seed: dict[str, Any], kit: SpaceKit
) -> None:
    from arize._generated.api_client.models.custom_code_config import CustomCodeConfig

    everything, _ = _every_page(sdk.evaluators.list, "evaluators", limit=5)
    # Most recently updated first (seeded in that order).
    assert [e.id for e in everything] == [e["id"] for e in reversed(seed["evaluators"])]
    mine, pages = _every_page(sdk.evaluators.list, "evaluators", limit=1, space=kit.id)
    assert [e.name for e in mine] == ["json-validity", "hallucination"] and pages == 2
    for seeded, kind in ((kit.template_evaluator, "TEMPLATE"), (kit.code_evaluator, "CODE")):
        versions = seeded["versions"]  # oldest first
        assert len(versions) == 2
        latest = sdk.evaluators.get(evaluator=seeded["name"], space=kit.name)
        assert (latest.id, latest.space_id) == (seeded["id"], kit.id)
        assert str(latest.type).endswith(kind)
        assert latest.version.id == versions[-1]["id"]
        pinned = sdk.evaluators.get(evaluator=seeded["id"], version_id=versions[0]["id"])
        assert pinned.version.id == versions[0]["id"]
        assert pinned.version.commit_hash == versions[0]["commit_hash"]
        listed, pages = _every_page(
            sdk.evaluators.list_versions, "evaluator_versions", limit=1, evaluator=seeded["id"]
        )
        # Newest first.
        assert [v.id for v in listed] == [v["id"] for v in reversed(versions)]
        assert pages == len(versions)
        by_name = sdk.evaluators.list_versions(evaluator=seeded["name"], space=kit.id)
        assert [v.id for v in by_name.evaluator_versions] == [v.id for v in listed]
        for v in versions:
            got = sdk.evaluators.get_version(version_id=v["id"])
            assert (got.id, got.evaluator_id, got.commit_hash, got.type) == (
                v["id"],
                seeded["id"],
                v["commit_hash"],
                kind,
            )
            assert got.commit_message
            if kind == "TEMPLATE":
                config = got.template_config
                assert config.llm_config.ai_integration_id == kit.integration["id"]
                assert "{{output}}" in config.template
                assert config.classification_choices == {"factual": 1, "hallucinated": 0}
            else:
                assert isinstance(got.code_config, CustomCodeConfig)
                assert got.code_config.type == "CUSTOM"
                assert got.code_config.variables == ["attributes.output.value"]


def test_official_sdk_ai_integrations(sdk: Any, seed: dict[str, Any], kit: SpaceKit) -> None:
    everything, pages = _every_page(sdk.ai_integrations.list, "ai_integrations")
    # Oldest first.
    assert [i.id for i in everything] == [i["id"] for i in seed["ai_integrations"]]
    assert pages == _pages(len(seed["ai_integrations"]), 2)
    mine = sdk.ai_integrations.list(space=kit.id).ai_integrations
    assert [i.id for i in mine] == [kit.integration["id"]]
    got = sdk.ai_integrations.get(integration=kit.integration["name"], space=kit.name)
    assert (got.id, got.name) == (kit.integration["id"], "openai-default")
    assert str(got.provider).endswith(kit.integration["provider"])
    assert str(got.auth_type).endswith("DEFAULT")
    assert got.has_api_key is True
    assert [(s.organization_id, s.space_id) for s in got.scopings] == [
        (kit.space["organization_id"], kit.id)
    ]
    assert sdk.ai_integrations.get(integration=kit.integration["id"]).name == "openai-default"


def test_official_sdk_reads_the_seeded_tasks_and_runs(
    sdk: Any, seed: dict[str, Any], kit: SpaceKit
) -> None:
    seeded = [t for t in seed["tasks"] if t["space_id"] == kit.id]
    assert [(t["name"], t["type"]) for t in seeded] == [
        ("hallucination-monitor", "TEMPLATE_EVALUATION"),
        ("json-output-check", "CODE_EVALUATION"),
        ("golden-questions-review", "TEMPLATE_EVALUATION"),
        ("support-answers-gpt-4o-mini", "RUN_EXPERIMENT"),
    ]
    listed, _ = _every_page(sdk.tasks.list, "tasks", space=kit.id)
    # Newest first.
    assert [t.id for t in listed] == [t["id"] for t in reversed(seeded)]
    for t in seeded:
        got = sdk.tasks.get(task=t["name"], space=kit.name)
        assert got.id == t["id"] and str(got.type).endswith(t["type"])
        assert (got.project_id, got.dataset_id) == (t["project_id"], t["dataset_id"])
        want = [r for r in seed["task_runs"] if r["task_id"] == t["id"]]
        runs = sdk.tasks.list_runs(task=t["id"]).task_runs
        # Newest first, each in its seeded status.
        assert [r.id for r in runs] == [r["id"] for r in reversed(want)]
        for run, w in zip(runs, reversed(want), strict=False):
            assert str(run.status).endswith(w["status"])
            assert bool(run.failure_reason) == (w["status"] in ("FAILED", "CANCELLED"))
            assert sdk.tasks.get_run(run_id=run.id).status == run.status
    statuses = sorted(r["status"] for r in seed["task_runs"] if r["space_id"] == kit.id)
    assert statuses == [
        "CANCELLED",
        "COMPLETED",
        "COMPLETED",
        "COMPLETED",
        "FAILED",
        "PENDING",
        "RUNNING",
    ]
