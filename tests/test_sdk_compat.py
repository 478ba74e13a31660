"""Drop-in compatibility with the official `arize` SDK (8.61.0): `model_dump()` of every
result and `Page.to_df()` (the `spaces.update` fields, `ArizeClient` and `Region` are in
test_sdk_compat_update.py).

Each check reads the same data (the emulator's, or a canned server's) through our client and
through the official SDK and compares the results, so the expected values come from the
official SDK itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

arize = pytest.importorskip(
    "arize", reason="the official SDK (pip install arize==8.61.0) is not installed"
)
pd = pytest.importorskip("pandas")

from arize_ax import Client  # noqa: E402
from arize_ax.testing import EmulatorServer  # noqa: E402
from conftest import SpaceKit  # noqa: E402
from sdk_compat_support import (  # noqa: E402
    FRAMES,
    Canned,
    same_dumps,
    same_frames,
    same_items,
    serve_canned,
)


@pytest.fixture
def sdk(emu: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> Any:
    for key, value in emu.sdk_env().items():
        monkeypatch.setenv(key, value)
    from arize import ArizeClient

    return ArizeClient()


@pytest.fixture
def canned() -> Iterator[Canned]:
    with serve_canned() as server:
        yield server


# --- model_dump and to_df, resource by resource -------------------------------------------


def _decorate(client: Client, space_id: str, integration_id: str) -> None:
    """Gives a space every newer field, so that they show in dumps and frames."""
    client.spaces.update(
        space=space_id,
        is_private=True,
        default_llm_integration={"integration_id": integration_id, "model_name": "gpt-4o"},
        ml_models_enabled=True,
        gradient_start_color="#4F46E5",
        gradient_end_color="#06B6D4",
        default_agent_runtime={"integration_id": integration_id},
    )


def test_spaces(client: Client, sdk: Any, kit: SpaceKit) -> None:
    # The first row too: where spread columns go shows only when the first row spreads.
    for space in {client.spaces.list(limit=1)[0].id, kit.id}:
        _decorate(client, space, kit.integration["id"])
    ours, official = client.spaces.list(limit=100), sdk.spaces.list(limit=100)
    same_items(list(ours), official.spaces)
    spread = {"expand_field": "default_llm_integration", "expand_prefix": "llm_"}
    same_frames(ours, official, spread, {**spread, "exclude_none": False, "expand_prefix": ""})
    assert "llm_model_name" in ours.to_df(**spread).columns
    decorated = ours.to_df().set_index("id").loc[kit.id]
    assert decorated["default_llm_integration"] == {
        "integration_id": kit.integration["id"],
        "model_name": "gpt-4o",
    }
    assert decorated["gradient_end_color"] == "#06B6D4"
    flat = ours.to_df(json_normalize=True)
    assert "default_llm_integration.model_name" in flat.columns
    same_dumps(client.spaces.get(space=kit.id), sdk.spaces.get(space=kit.id))
    same_dumps(ours.pagination, official.pagination)
    # Every page at once gives the same frame as the one page that holds them all.
    pd.testing.assert_frame_equal(client.spaces.list_all(limit=2).to_df(), ours.to_df())


def test_an_empty_page_has_no_columns_as_in_the_official_sdk(client: Client, sdk: Any) -> None:
    ours, official = (
        client.spaces.list(name="nothing-like-this"),
        sdk.spaces.list(name="nothing-like-this"),
    )
    assert len(ours) == 0
    for kw in FRAMES:
        pd.testing.assert_frame_equal(ours.to_df(**kw), official.to_df(**kw))
    assert ours.to_pandas().shape == (0, 6)  # to_pandas keeps the fixed schema


def test_memberships(client: Client, sdk: Any, seed: dict[str, Any], emu: EmulatorServer) -> None:
    from arize.spaces.types import CustomSpaceRole, PredefinedSpaceRole

    role = seed["custom_roles"][0]
    space = next(s for s in seed["spaces"] if s["organization_id"] == role["organization_id"])
    org = space["organization_id"]
    alice = emu.create_user(name="Alice", email="alice@example.com", organization_ids=[org])
    ours = client.spaces.add_user(space=space["id"], user_id=alice, role="read-only")
    # The official upsert returns the same membership.
    official = sdk.spaces.add_user(
        space=space["id"], user_id=alice, role=PredefinedSpaceRole(name="READ_ONLY")
    )
    same_dumps(ours, official)
    same_dumps(ours.role, official.role)
    custom = client.spaces.add_user(
        space=space["id"], user_id=alice, role={"type": "CUSTOM", "id": role["id"]}
    )
    official = sdk.spaces.add_user(
        space=space["id"], user_id=alice, role=CustomSpaceRole(id=role["id"])
    )
    same_dumps(custom, official)
    assert custom.model_dump()["role"] == {"type": "CUSTOM", "id": role["id"], "name": role["name"]}


def test_tasks_and_runs(client: Client, sdk: Any, kit: SpaceKit, seed: dict[str, Any]) -> None:
    client.tasks.create_evaluation_task(
        name="compat-eval",
        task_type="template_evaluation",
        evaluators=[
            {
                "evaluator_id": kit.template_evaluator["id"],
                "query_filter": "a = 1",
                "column_mappings": {"input": "attributes.input.value"},
            }
        ],
        project=kit.project["id"],
        sampling_rate=0.25,
        is_continuous=True,
    )
    ours, official = client.tasks.list(space=kit.id), sdk.tasks.list(space=kit.id)
    same_items(list(ours), official.tasks)
    same_frames(ours, official, {"expand_field": "run_configuration"})
    pd.testing.assert_frame_equal(
        client.tasks.list_all(space=kit.id, limit=2).to_df(), ours.to_df()
    )
    same_frames(
        client.tasks.list(limit=100),
        sdk.tasks.list(limit=100),
        {"expand_field": "run_configuration", "expand_prefix": "rc.", "json_normalize": True},
    )
    for task in ours:
        got, official_got = client.tasks.get(task=task.id), sdk.tasks.get(task=task.id)
        same_dumps(got, official_got)
        for a, b in zip(got.evaluators, official_got.evaluators, strict=False):
            same_dumps(a, b)
    rx = next(t for t in ours if t.type == "RUN_EXPERIMENT").model_dump()
    assert rx["run_configuration"]["invocation_parameters"]["top_k"] is None
    assert rx["run_configuration"]["additional_properties"] == {}

    listed = []
    for t in (t for t in seed["tasks"] if t["space_id"] == kit.id):
        runs, official_runs = (
            client.tasks.list_runs(task=t["id"]),
            sdk.tasks.list_runs(task=t["id"]),
        )
        if len(runs) == 0:
            continue
        listed.append(runs)
        same_items(list(runs), official_runs.task_runs)
        same_frames(runs, official_runs)
        same_dumps(client.tasks.get_run(run_id=runs[0].id), sdk.tasks.get_run(run_id=runs[0].id))
    assert len(listed) >= 3
    assert listed[0][0].model_dump()["additional_properties"] == {}
    assert "additional_properties" not in listed[0].to_df().columns  # spread away, as officially


def test_lookup_listings(client: Client, sdk: Any, kit: SpaceKit, seed: dict[str, Any]) -> None:
    for name in (
        "organizations",
        "users",
        "projects",
        "datasets",
        "experiments",
        "evaluators",
        "ai_integrations",
    ):
        ours, official = getattr(client, name).list(limit=100), getattr(sdk, name).list(limit=100)
        same_items(list(ours), getattr(official, name))
        same_frames(ours, official)
    for evaluator in (kit.template_evaluator, kit.code_evaluator):
        ours = client.evaluators.list_versions(evaluator=evaluator["id"])
        official = sdk.evaluators.list_versions(evaluator=evaluator["id"])
        same_items(list(ours), official.evaluator_versions)
        same_frames(ours, official)
        version = evaluator["versions"][0]["id"]
        same_dumps(
            client.evaluators.get_version(version_id=version),
            sdk.evaluators.get_version(version_id=version),
        )
    # Both kinds of evaluator versions in one listing: rows of different models.
    both = client.evaluators.list_versions_all(evaluator=kit.template_evaluator["id"])
    assert set(both.to_df().columns) >= {"template_config", "commit_hash"}


def test_lookup_items_with_nested_objects(client: Client, sdk: Any, kit: SpaceKit) -> None:
    dataset = client.datasets.get(dataset=kit.dataset["id"])
    official = sdk.datasets.get(dataset=kit.dataset["id"])
    same_dumps(dataset, official)
    assert dataset.versions is not None and len(dataset.versions) == 2
    for a, b in zip(dataset.versions, official.versions, strict=False):
        same_dumps(a, b)
    for evaluator in (kit.template_evaluator, kit.code_evaluator):
        ours = client.evaluators.get(evaluator=evaluator["id"])
        official = sdk.evaluators.get(evaluator=evaluator["id"])
        same_dumps(ours, official)  # EvaluatorWithVersion: with the version
        assert ours.version is not None
        same_dumps(ours.version, official.version)
    user = client.users.list(limit=1)[0].id
    same_dumps(client.users.get(user=user), sdk.users.get(user=user))
    same_dumps(
        client.ai_integrations.get(integration=kit.integration["id"]),
        sdk.ai_integrations.get(integration=kit.integration["id"]),
    )
    same_dumps(
        client.projects.get(project=kit.project["id"]), sdk.projects.get(project=kit.project["id"])
    )
    same_dumps(
        client.experiments.get(experiment=kit.experiments[0]["id"]),
        sdk.experiments.get(experiment=kit.experiments[0]["id"]),
    )
    org = kit.space["organization_id"]
    same_dumps(client.organizations.get(organization=org), sdk.organizations.get(organization=org))


def test_model_dump_keywords_match_pydantic(client: Client, sdk: Any, kit: SpaceKit) -> None:
    rx = next(t for t in client.tasks.list(space=kit.id) if t.type == "RUN_EXPERIMENT")
    official = sdk.tasks.get(task=rx.id)
    for kw in (
        {"include": {"id", "name"}},
        {"exclude": {"run_configuration", "evaluators"}},
        {"include": {"run_configuration": {"model_name", "messages"}}},
        {"include": {"run_configuration": {"messages": {0: {"role"}}}}},
        {"include": {"run_configuration": {"messages": {"__all__": {"content"}}}}},
        {"exclude": {"run_configuration": {"invocation_parameters": True, "messages": {-1}}}},
        {"include": ["id", "created_at"], "mode": "json"},
        {"exclude_none": True, "exclude": {"created_at"}, "mode": "json"},
    ):
        assert rx.model_dump(**kw) == official.model_dump(**kw), kw
    assert rx.model_dump_json(indent=2) == official.model_dump_json(indent=2)
    with pytest.raises(TypeError):
        rx.model_dump(warnings=False, colour="red")
    with pytest.raises(ValueError, match="mode"):
        rx.model_dump(mode="xml")


_TASK_ID = "VGFzazoxOmFiY2Q="
_RICH_TASK: dict[str, Any] = {
    "id": _TASK_ID,
    "name": "rich",
    "type": "RUN_EXPERIMENT",
    "dataset_id": "RGF0YXNldDoxOmFiY2Q=",
    "is_continuous": False,
    "query_filters": {"filters": [{"id": "A", "filter": "a = 1"}], "expression": "A"},
    "evaluators": [
        {
            "evaluator_id": "RXZhbDoxOmFiY2Q=",
            "column_mappings": {"input": "attributes.input.value"},
            "query_mappings": [
                {"variable_name": "v", "query_ids": ["A"], "attribute_path": "attributes.x"}
            ],
            "not_in_the_model": 1,
        }
    ],
    "experiment_ids": [],
    "run_configuration": {
        "experiment_type": "LLM_GENERATION",
        "ai_integration_id": "TGxtOjE6YWJjZA==",
        "model_name": "gpt-4o",
        "messages": [
            {
                "role": "ASSISTANT",
                "content": None,
                "tool_calls": [
                    {"id": "c1", "type": "FUNCTION", "function": {"name": "f", "arguments": "{}"}}
                ],
            },
            {"role": "USER", "content": "{{q}}", "cache": "ephemeral"},
        ],
        "input_variable_format": "MUSTACHE",
        "invocation_parameters": {
            "temperature": 0.5,
            "stop": ["END"],
            "response_format": {
                "type": "JSON_SCHEMA",
                "json_schema": {
                    "name": "out",
                    "schema": {"type": "object", "default": None},
                    "strict": True,
                },
            },
            "seed": 7,
        },
        "provider_parameters": {"region": None, "beta": ["x"]},
        "tool_config": {"tools": [{"name": "f"}], "tool_choice": "auto"},
        "a_newer_field": {"k": 1},
    },
    "last_run_at": None,
    "created_at": "2026-01-01T00:00:00.123456Z",
    "updated_at": "2026-01-02T10:00:00Z",
    "created_by_user_id": None,
    "another_newer_field": True,
}


def test_rich_and_unknown_data_dump_as_officially(
    canned: Canned, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Data the emulator never sends: every nested model of a run configuration, members the
    models do not define (dropped, or kept in `additional_properties`), `None` inside
    free-form dicts (kept by `exclude_none`), the `schema` alias."""
    canned.routes[f"/v2/tasks/{_TASK_ID}"] = _RICH_TASK
    canned.routes["/v2/tasks"] = {
        "tasks": [_RICH_TASK, {**_RICH_TASK, "id": "VGFzazoyOmFiY2Q=", "run_configuration": None}],
        "pagination": {"has_more": True, "next_cursor": "abc"},
    }
    ours, official = canned.clients(monkeypatch)
    task, official_task = ours.tasks.get(task=_TASK_ID), official.tasks.get(task=_TASK_ID)
    same_dumps(task, official_task, exact_json=False)
    dumped = task.model_dump(exclude_none=True, by_alias=True)
    config = dumped["run_configuration"]
    assert config["additional_properties"] == {"a_newer_field": {"k": 1}}
    assert config["provider_parameters"] == {"region": None, "beta": ["x"]}
    assert "schema" in config["invocation_parameters"]["response_format"]["json_schema"]
    params = task.model_dump()["run_configuration"]["invocation_parameters"]
    assert params["additional_properties"] == {"seed": 7}
    assert "another_newer_field" not in task.model_dump()
    page, official_page = ours.tasks.list(), official.tasks.list()
    same_items(list(page), official_page.tasks, exact_json=False)
    same_frames(page, official_page, {"expand_field": "run_configuration"})
    same_dumps(page.pagination, official_page.pagination)


def test_a_runs_unknown_members_are_not_kept(
    canned: Canned, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one documented difference: the client keeps only the fields the API defines, so a
    task run's `additional_properties` is `{}` where the official SDK keeps the extra members."""
    run_id = "VGFza1J1bjoxOmFiY2Q="
    canned.routes[f"/v2/task-runs/{run_id}"] = {
        "id": run_id,
        "task_id": _TASK_ID,
        "status": "COMPLETED",
        "num_successes": 3,
        "created_at": "2026-01-01T00:00:00Z",
        "extra_member": "x",
    }
    ours, official = canned.clients(monkeypatch)
    mine, theirs = (
        ours.tasks.get_run(run_id=run_id).model_dump(),
        official.tasks.get_run(run_id=run_id).model_dump(),
    )
    assert theirs.pop("additional_properties") == {"extra_member": "x"}
    assert mine.pop("additional_properties") == {}
    # Fields the server left out: the official SDK has None, the client its documented
    # defaults for counters (0).
    assert (theirs.pop("num_errors"), mine.pop("num_errors")) == (None, 0)
    assert (theirs.pop("num_skipped"), mine.pop("num_skipped")) == (None, 0)
    assert mine == theirs
