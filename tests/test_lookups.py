"""The supporting read-only resources: organizations, users, projects, datasets,
experiments, evaluators (and versions) and AI integrations, through `client.<resource>`,
sync and async, as Arrow pages and typed items; and names where a task create takes IDs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pyarrow as pa
import pytest
from arize_ax import AsyncClient, Client, errors
from arize_ax.testing import EmulatorServer
from conftest import SpaceKit, v2_requests

# (client attribute, list keywords for the kit's space, seed key, get keyword)
SPACED = [
    ("projects", "projects", "project"),
    ("datasets", "datasets", "dataset"),
    ("evaluators", "evaluators", "evaluator"),
    ("ai_integrations", "ai_integrations", "integration"),
]

SCHEMAS: dict[str, list[str]] = {
    "organizations": ["id", "name", "description", "created_at"],
    "users": ["id", "name", "email", "created_at", "status", "role", "is_developer"],
    "projects": ["id", "name", "space_id", "created_at", "project_type"],
    "datasets": ["id", "name", "space_id", "created_at", "updated_at"],
    "experiments": [
        "id",
        "name",
        "space_id",
        "dataset_id",
        "dataset_version_id",
        "created_at",
        "updated_at",
        "experiment_traces_project_id",
        "integration_id",
    ],
    "evaluators": [
        "id",
        "name",
        "description",
        "type",
        "space_id",
        "created_at",
        "updated_at",
        "created_by_user_id",
    ],
    "ai_integrations": [
        "id",
        "name",
        "provider",
        "has_api_key",
        "base_url",
        "model_names",
        "headers",
        "enable_default_models",
        "function_calling_enabled",
        "auth_type",
        "provider_metadata",
        "scopings",
        "created_at",
        "updated_at",
        "created_by_user_id",
    ],
}


def walk(sub: Any, **kw: Any) -> list[str]:
    """Every ID of a listing, page by page with limit=1."""
    ids: list[str] = []
    cursor = None
    while True:
        page = sub.list(limit=1, cursor=cursor, **kw)
        ids.extend(item.id for item in page)
        if not page.has_more:
            return ids
        cursor = page.next_cursor


@pytest.mark.parametrize("resource", sorted(SCHEMAS))
def test_schema_is_fixed_on_every_page_and_when_empty(
    client: Client, kit: SpaceKit, resource: str
) -> None:
    sub = getattr(client, resource)
    kw: dict[str, Any] = {}
    empty_kw: dict[str, Any] = {"name": "zzz-nothing-matches"}
    if resource == "users":
        empty_kw = {"email": "zzz-nothing@nowhere"}
    elif resource == "experiments":
        kw = {"dataset": kit.dataset["id"]}
        empty_kw = {"space": "playground", "dataset": "VGVzdDo5OTk5OTpubw=="}
    elif resource != "organizations":
        kw = {"space": kit.id}
    full = pa.table(sub.list(**kw))
    one = pa.table(sub.list(limit=1, **kw))
    empty_page = sub.list(**empty_kw)
    assert len(empty_page) == 0 and empty_page.items == []
    empty = pa.table(empty_page)
    assert full.schema.names == SCHEMAS[resource]
    assert full.schema == one.schema == empty.schema
    assert pa.table(sub.list_all(**kw)).schema == full.schema
    assert full.schema.field("id").nullable is False
    assert full.schema.field("created_at").type == pa.timestamp("us", tz="UTC")


@pytest.mark.parametrize("resource", sorted(SCHEMAS))
def test_list_all_returns_every_item_once_in_order(
    client: Client, kit: SpaceKit, resource: str
) -> None:
    sub = getattr(client, resource)
    # Experiments need a scope; the others list everything visible (every space).
    kw: dict[str, Any] = {"space": kit.id} if resource == "experiments" else {}
    paged = walk(sub, **kw)
    assert len(paged) == len(set(paged)) and paged
    everything = sub.list_all(limit=2, **kw)
    assert [i.id for i in everything] == paged
    assert everything.num_pages == max(1, -(-len(paged) // 2))
    assert len(pa.table(everything)) == len(paged)
    df = everything.to_pandas()
    assert list(df["id"]) == paged
    assert list(everything.to_polars()["id"]) == paged


@pytest.mark.parametrize(("resource", "seed_key", "keyword"), SPACED)
def test_get_by_id_and_by_name_within_the_space(
    client: Client, kit: SpaceKit, seed: dict[str, Any], resource: str, seed_key: str, keyword: str
) -> None:
    sub = getattr(client, resource)
    row = next(r for r in seed[seed_key] if r["space_id"] == kit.id)
    by_id = sub.get(**{keyword: row["id"]})
    by_name = sub.get(**{keyword: row["name"], "space": kit.name})
    by_name_and_space_id = sub.get(**{keyword: row["name"], "space": kit.id})
    assert by_id.id == by_name.id == by_name_and_space_id.id == row["id"]
    assert by_id.name == row["name"]
    assert isinstance(by_id.created_at, datetime) and by_id.created_at.tzinfo is not None
    assert by_id.to_dict()["id"] == row["id"]
    listed = next(i for i in sub.list(space=kit.id) if i.id == row["id"])
    assert listed.name == by_id.name
    assert repr(by_id).startswith(type(by_id).__name__ + "(id=")


@pytest.mark.parametrize(("resource", "seed_key", "keyword"), SPACED)
def test_get_not_found_and_ambiguous_space(
    client: Client, kit: SpaceKit, seed: dict[str, Any], resource: str, seed_key: str, keyword: str
) -> None:
    sub = getattr(client, resource)
    with pytest.raises(errors.NameNotFoundError) as nf:
        sub.get(**{keyword: "no-such-thing", "space": kit.name})
    assert "'no-such-thing' not found." in str(nf.value)
    with pytest.raises(errors.AmbiguousNameError):
        sub.get(**{keyword: "whatever", "space": "production"})
    with pytest.raises(errors.NotFoundError):
        sub.get(**{keyword: "VW5rbm93bjo5OTk5OTp6eno="})


@pytest.mark.parametrize(("resource", "seed_key", "keyword"), SPACED)
def test_bad_input_is_rejected_before_any_request(
    client: Client, emu: EmulatorServer, resource: str, seed_key: str, keyword: str
) -> None:
    sub = getattr(client, resource)
    emu.clear_requests()
    for limit in (0, 101):
        with pytest.raises(errors.ValidationError) as e:
            sub.list(limit=limit)
        assert e.value.field == "limit"
    with pytest.raises(errors.ValidationError) as e:
        sub.get(**{keyword: "a-name"})
    assert e.value.field == "space" and "a-name" in str(e.value)
    with pytest.raises(errors.ValidationError) as e:
        sub.get(**{keyword: "  "})
    with pytest.raises(errors.ValidationError) as e:
        sub.list(cursor="")
    assert e.value.field == "cursor"
    with pytest.raises(TypeError):
        sub.list(email="x")
    assert v2_requests(emu) == []


def test_organizations(client: Client, seed: dict[str, Any], emu: EmulatorServer) -> None:
    orgs = client.organizations.list()
    assert [o.name for o in orgs] == [o["name"] for o in seed["organizations"]]
    assert orgs.organizations == orgs.items
    acme = client.organizations.get(organization="Acme AI")
    assert acme.id == seed["organizations"][0]["id"]
    assert client.organizations.get(organization=acme.id).name == "Acme AI"
    assert [o.name for o in client.organizations.list(name="globex")] == ["Globex Research"]
    with pytest.raises(errors.NameNotFoundError) as e:
        client.organizations.get(organization="Acme")
    assert e.value.available_names == ["Acme AI"]
    emu.clear_requests()
    with pytest.raises(errors.ValidationError):
        client.organizations.get(organization="")
    assert v2_requests(emu) == []


def test_users(client: Client, seed: dict[str, Any], emu: EmulatorServer) -> None:
    users = client.users.list_all()
    assert len(users) == len(seed["users"])
    ada = client.users.get(user="ADA.Admin@example.com")
    assert ada is not None and ada.email == "ada.admin@example.com"
    assert ada.role == {"type": "PREDEFINED", "name": "ADMIN"}
    assert ada.status == "ACTIVE" and ada.is_developer is True
    by_id = client.users.get(user=ada.id)
    assert by_id == ada
    assert client.users.get(user="nobody@example.com") is None
    invited = client.users.list(status=["invited"])
    assert [u.status for u in invited] == ["INVITED"]
    assert {u.status for u in client.users.list(status=["ACTIVE", "EXPIRED"], limit=100)} == {
        "ACTIVE",
        "EXPIRED",
    }
    assert [u.email for u in client.users.list(email="zoe.")] == ["zoe.tagger@example.com"]
    emu.clear_requests()
    with pytest.raises(errors.ValidationError) as e:
        client.users.list(status=["GONE"])
    assert e.value.field == "status"
    assert v2_requests(emu) == []
    with pytest.raises(errors.NotFoundError):
        client.users.get(user="VXNlcjo5OTk5OTpub3Bl")


def test_datasets_get_has_versions(client: Client, kit: SpaceKit) -> None:
    listed = client.datasets.list(space=kit.id)[0]
    assert listed.versions is None and "versions" not in listed.to_dict()
    got = client.datasets.get(dataset=kit.dataset["name"], space=kit.name)
    assert [v.name for v in got.versions] == ["v2", "v1"]
    assert all(v.dataset_id == got.id for v in got.versions)
    assert isinstance(got.versions[0].created_at, datetime)
    assert got.to_dict()["versions"][0]["name"] == "v2"


def test_experiments(client: Client, kit: SpaceKit, emu: EmulatorServer) -> None:
    by_dataset = client.experiments.list(dataset=kit.dataset["name"], space=kit.name)
    by_space = client.experiments.list(space=kit.name)
    assert {e.name for e in by_dataset} == {"baseline", "candidate"}
    assert {e.id for e in by_dataset} <= {e.id for e in by_space}
    base = client.experiments.get(experiment="baseline", dataset=kit.dataset["id"])
    assert base.dataset_id == kit.dataset["id"] and base.space_id == kit.id
    assert client.experiments.get(experiment="baseline", space=kit.name).id == base.id
    assert client.experiments.get(experiment=base.id).name == "baseline"
    with pytest.raises(errors.NameNotFoundError):
        client.experiments.get(experiment="nope", dataset=kit.dataset["id"])
    emu.clear_requests()
    with pytest.raises(errors.ValidationError) as e:
        client.experiments.get(experiment="baseline")
    assert e.value.field == "dataset"
    with pytest.raises(errors.ValidationError) as e:
        client.experiments.list(dataset="golden-questions")
    assert e.value.field == "space"
    assert v2_requests(emu) == []


def test_evaluators_and_versions(client: Client, kit: SpaceKit) -> None:
    ev = client.evaluators.get(evaluator="hallucination", space=kit.name)
    assert ev.type == "TEMPLATE" and ev.version is not None
    assert ev.version.evaluator_id == ev.id and ev.version.type == "TEMPLATE"
    assert isinstance(ev.version.template_config, dict)
    versions = client.evaluators.list_versions(evaluator="hallucination", space=kit.name)
    assert len(versions) == 2 and versions.evaluator_versions == versions.items
    assert versions[0].id == ev.version.id  # newest first = the latest
    older = client.evaluators.get(evaluator=ev.id, version_id=versions[1].id)
    assert older.version is not None and older.version.id == versions[1].id
    got = client.evaluators.get_version(version_id=versions[1].id)
    assert got == versions[1]
    every = client.evaluators.list_versions_all(evaluator=ev.id, limit=1)
    assert [v.id for v in every] == [v.id for v in versions] and every.num_pages == 2
    code = client.evaluators.get(evaluator="json-validity", space=kit.id)
    assert code.type == "CODE" and code.version is not None and code.version.code_config
    assert pa.table(versions).schema.field("template_config").type == pa.utf8()


def test_ai_integrations(client: Client, kit: SpaceKit) -> None:
    ai = client.ai_integrations.get(integration="openai-default", space=kit.name)
    assert ai.provider == "OPEN_AI" and ai.has_api_key is True
    assert ai.model_names and all(isinstance(m, str) for m in ai.model_names)
    assert ai.scopings == [{"organization_id": kit.space["organization_id"], "space_id": kit.id}]
    table = pa.table(client.ai_integrations.list(space=kit.id))
    assert table.schema.field("model_names").type == pa.list_(pa.utf8())
    assert table.column("model_names").to_pylist()[0] == ai.model_names
    assert "api_key" not in ai.to_dict()


def test_space_filter_by_name_is_a_substring_as_in_the_official_sdk(
    client: Client, seed: dict[str, Any]
) -> None:
    # A space name on a list is sent as the space_name substring filter.
    both = client.projects.list_all(space="production")
    prod_ids = {s["id"] for s in seed["spaces"] if "production" in s["name"]}
    assert {p.space_id for p in both} == prod_ids and len(prod_ids) == 2


def test_restricted_keys(emu: EmulatorServer, seed: dict[str, Any], kit: SpaceKit) -> None:
    outsider = Client(api_key=seed["keys"]["outsider"], base_url=emu.url)
    assert len(outsider.projects.list_all()) == 0
    with pytest.raises(errors.NotFoundError):
        outsider.projects.get(project=kit.project["id"])
    with pytest.raises(errors.NotFoundError):
        outsider.datasets.get(dataset=kit.dataset["id"])
    with pytest.raises(errors.NotFoundError):
        outsider.evaluators.get(evaluator=kit.template_evaluator["id"])
    with pytest.raises(errors.NotFoundError):
        outsider.ai_integrations.get(integration=kit.integration["id"])
    with pytest.raises(errors.NameNotFoundError):
        outsider.projects.get(project="support-bot", space=kit.id)
    # A read-only member reads the lookups of `staging` but may not create a task there.
    reader = Client(api_key=seed["keys"]["read_only"], base_url=emu.url)
    ev = reader.evaluators.get(evaluator="hallucination", space="staging")
    assert reader.projects.get(project="support-bot", space="staging").name == "support-bot"
    with pytest.raises(errors.ForbiddenError):
        reader.tasks.create_evaluation_task(
            name="not-allowed",
            task_type="template_evaluation",
            evaluators=[{"evaluator_id": ev.name}],
            project="support-bot",
            space="staging",
        )


async def test_async_twins(aclient: AsyncClient, kit: SpaceKit) -> None:
    page = await aclient.projects.list(space=kit.id)
    assert [p.id for p in page] == [kit.project["id"]]
    every = await aclient.evaluators.list_all(space=kit.id)
    assert {e.name for e in every} == {"hallucination", "json-validity"}
    got = await aclient.datasets.get(dataset=kit.dataset["name"], space=kit.name)
    assert got.id == kit.dataset["id"] and len(got.versions) == 2
    ev = await aclient.evaluators.get(evaluator="hallucination", space=kit.name)
    versions = await aclient.evaluators.list_versions(evaluator=ev.id)
    assert (await aclient.evaluators.get_version(version_id=versions[0].id)).id == versions[0].id
    assert (await aclient.users.get(user="nobody@example.com")) is None
    assert (await aclient.organizations.get(organization="Acme AI")).name == "Acme AI"
    exp = await aclient.experiments.get(experiment="candidate", space=kit.id)
    assert exp.name == "candidate"
    ai = await aclient.ai_integrations.get(integration="openai-default", space=kit.id)
    assert ai.id == kit.integration["id"]
    with pytest.raises(errors.ValidationError):
        await aclient.projects.get(project="support-bot")


def test_tasks_from_names_end_to_end(client: Client, kit: SpaceKit, fast_runs: None) -> None:
    """Knowing only the space's name: an evaluation task and a run-experiment task, created
    from names, triggered and awaited."""
    space = kit.name
    ev = client.tasks.create_evaluation_task(
        name="names-eval",
        task_type="template_evaluation",
        evaluators=[{"evaluator_id": "hallucination"}],
        project="support-bot",
        space=space,
        sampling_rate=0.5,
    )
    assert ev.evaluators[0].evaluator_id == kit.template_evaluator["id"]
    run = client.tasks.trigger_run(
        task=ev.id, data_start_time="2026-03-01T00:00:00Z", data_end_time="2026-03-01T01:00:00Z"
    )
    done = client.tasks.wait_for_run(run_id=run.id, poll_interval=0.05, timeout=20)
    assert done.status == "COMPLETED"

    ds = client.tasks.create_evaluation_task(
        name="names-dataset-eval",
        task_type="code_evaluation",
        evaluators=[{"evaluator_id": "json-validity"}],
        dataset="golden-questions",
        space=space,
        experiment_ids=["baseline", kit.experiments[1]["id"]],
    )
    assert sorted(ds.experiment_ids) == sorted(e["id"] for e in kit.experiments)

    config = kit.llm_config()
    config["ai_integration_id"] = "openai-default"
    rx = client.tasks.create_run_experiment_task(
        name="names-run-exp", dataset="golden-questions", space=space, run_configuration=config
    )
    assert rx.run_configuration is not None
    assert rx.run_configuration["ai_integration_id"] == kit.integration["id"]
    run = client.tasks.trigger_run(task=rx.id, experiment_name="from-names")
    done = client.tasks.wait_for_run(run_id=run.id, poll_interval=0.05, timeout=20)
    assert done.status == "COMPLETED"


def test_task_names_errors_name_the_field(
    client: Client, kit: SpaceKit, emu: EmulatorServer
) -> None:
    emu.clear_requests()
    with pytest.raises(errors.ValidationError) as e:
        client.tasks.create_evaluation_task(
            name="x",
            task_type="template_evaluation",
            evaluators=[{"evaluator_id": kit.template_evaluator["id"]}, {"evaluator_id": "hal"}],
            project=kit.project["id"],
        )
    assert e.value.field == "evaluators[1].evaluator_id"
    assert v2_requests(emu) == []
    with pytest.raises(errors.NameNotFoundError) as nf:
        client.tasks.create_evaluation_task(
            name="x",
            task_type="template_evaluation",
            evaluators=[{"evaluator_id": "no-such-evaluator"}],
            project="support-bot",
            space=kit.name,
        )
    assert "evaluators[0].evaluator_id" in str(nf.value)
    config = kit.llm_config()
    config["ai_integration_id"] = "no-such-integration"
    with pytest.raises(errors.NameNotFoundError) as nf:
        client.tasks.create_run_experiment_task(
            name="y", dataset="golden-questions", space=kit.name, run_configuration=config
        )
    assert "run_configuration.ai_integration_id" in str(nf.value)
    assert not any(r["method"] == "POST" for r in v2_requests(emu))
