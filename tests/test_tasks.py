"""Tasks end to end against the emulator (blocking client)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from typing import Any

import pyarrow as pa
import pytest
from arize_ax import Client, EvaluatorInput, Page, Task, TaskEvaluator
from arize_ax import errors as E
from arize_ax.testing import EmulatorServer
from arize_ax.types import LLMGenerationConfig, Message, TemplateEvaluationConfig
from conftest import SpaceKit, v2_requests


def project_task(
    client: Client, kit: SpaceKit, name: str = "hallucination-watch", **kw: Any
) -> Task:
    return client.tasks.create_evaluation_task(
        name=name,
        task_type="template_evaluation",
        evaluators=[
            {
                "evaluator_id": kit.template_evaluator["id"],
                "column_mappings": {"input": "attributes.input.value"},
            }
        ],
        project=kit.project["id"],
        sampling_rate=0.25,
        is_continuous=True,
        query_filter="attributes.llm.model_name = 'gpt-4o'",
        **kw,
    )


def test_create_get_update_delete_project_task(client: Client, kit: SpaceKit) -> None:
    t = project_task(client, kit)
    assert isinstance(t, Task)
    assert t.type == "TEMPLATE_EVALUATION"
    assert t.project_id == kit.project["id"] and t.dataset_id is None
    assert t.sampling_rate == 0.25 and t.is_continuous is True
    assert t.query_filter == "attributes.llm.model_name = 'gpt-4o'"
    assert t.experiment_ids == [] and t.run_configuration is None and t.last_run_at is None
    (ev,) = t.evaluators
    assert isinstance(ev, TaskEvaluator)
    assert ev.evaluator_id == kit.template_evaluator["id"]
    assert ev.evaluator_name == kit.template_evaluator["name"]
    assert ev.column_mappings == {"input": "attributes.input.value"}
    assert t.created_at.tzinfo is not None

    assert client.tasks.get(task=t.id) == t
    assert client.tasks.get(task=t.name, space=kit.name).id == t.id
    assert client.tasks.get(task=t.name, space=kit.id).id == t.id

    u = client.tasks.update(
        task=t.id, name="hallucination-watch-v2", sampling_rate=0.5, query_filter=None
    )
    assert u.name == "hallucination-watch-v2" and u.sampling_rate == 0.5
    assert u.query_filter is None  # explicit None clears
    assert u.updated_at >= t.updated_at
    u2 = client.tasks.update(
        task=u.id,
        evaluators=[
            EvaluatorInput(evaluator_id=kit.template_evaluator["id"], query_filter="x = 1")
        ],
    )
    assert [e.query_filter for e in u2.evaluators] == ["x = 1"]
    assert u2.sampling_rate == 0.5  # not sent, so unchanged

    d = u2.to_dict()
    assert (
        d["type"] == "TEMPLATE_EVALUATION"
        and d["evaluators"][0]["evaluator_id"] == kit.template_evaluator["id"]
    )

    client.tasks.delete(task="hallucination-watch-v2", space=kit.name)
    with pytest.raises(E.NotFoundError):
        client.tasks.get(task=t.id)


def test_dataset_code_task(client: Client, kit: SpaceKit) -> None:
    t = client.tasks.create_evaluation_task(
        name="json-validity-on-experiments",
        task_type="CODE_EVALUATION",
        evaluators=[EvaluatorInput(evaluator_id=kit.code_evaluator["id"])],
        dataset=kit.dataset["name"],
        space=kit.name,
        experiment_ids=[e["id"] for e in kit.experiments],
    )
    assert t.type == "CODE_EVALUATION"
    assert t.dataset_id == kit.dataset["id"] and t.project_id is None
    assert sorted(t.experiment_ids) == sorted(e["id"] for e in kit.experiments)
    assert t.is_continuous is False


def test_inputs_from_a_users_dataclass(client: Client, kit: SpaceKit) -> None:
    @dataclasses.dataclass
    class Evaluator:
        evaluator_id: str
        query_filter: str | None = None
        column_mappings: dict[str, str] = dataclasses.field(default_factory=dict)

    t = client.tasks.create_evaluation_task(
        name="from-a-dataclass",
        task_type="TEMPLATE_EVALUATION",
        evaluators=[Evaluator(kit.template_evaluator["id"], "x = 2", {"input": "a.b"})],
        project=kit.project["id"],
    )
    assert [(e.query_filter, e.column_mappings) for e in t.evaluators] == [
        ("x = 2", {"input": "a.b"})
    ]
    # The class itself is not an input.
    with pytest.raises(E.ValidationError, match="evaluators"):
        client.tasks.create_evaluation_task(
            name="from-a-class",
            task_type="TEMPLATE_EVALUATION",
            evaluators=[Evaluator],
            project=kit.project["id"],
        )


def test_a_first_create_does_not_import_dataclasses(kit: SpaceKit, emu: EmulatorServer) -> None:
    # Importing `dataclasses` (with `inspect`, `ast`, `tokenize`) cost ~10 ms of a process's
    # first create; no dataclass input can exist before it is imported.
    code = """
import sys, warnings
warnings.simplefilter("ignore")
import arize_ax
url, key, project, evaluator = sys.argv[1:]
client = arize_ax.Client(api_key=key, base_url=url)
loaded = "dataclasses" in sys.modules
client.tasks.create_evaluation_task(
    name="no-dataclasses",
    task_type="TEMPLATE_EVALUATION",
    evaluators=[{"evaluator_id": evaluator, "column_mappings": {"input": "a"}}],
    project=project,
)
print(loaded, "dataclasses" in sys.modules)
"""
    args = [emu.url, emu.api_key, kit.project["id"], kit.template_evaluator["id"]]
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]


def test_run_experiment_task_dict_and_typed(client: Client, kit: SpaceKit) -> None:
    t = client.tasks.create_run_experiment_task(
        name="summaries", dataset=kit.dataset["id"], run_configuration=kit.llm_config()
    )
    assert t.type == "RUN_EXPERIMENT" and t.evaluators == [] and t.dataset_id == kit.dataset["id"]
    assert t.run_configuration is not None
    assert t.run_configuration["experiment_type"] == "LLM_GENERATION"
    assert t.run_configuration["messages"][1]["content"] == "{{article}}"

    typed = TemplateEvaluationConfig(
        ai_integration_id=kit.integration["id"],
        template="Is {{answer}} supported by {{context}}?",
        provide_explanation=True,
        classification_choices={"supported": 1, "unsupported": 0},
        column_mapping={"answer": "output", "context": "input.context"},
    )
    t2 = client.tasks.create(
        name="judge", task_type="run_experiment", dataset=kit.dataset["id"], run_configuration=typed
    )
    assert t2.run_configuration and t2.run_configuration["experiment_type"] == "TEMPLATE_EVALUATION"

    # lower-case enums inside the configuration are normalized before sending
    lower = LLMGenerationConfig(
        ai_integration_id=kit.integration["id"],
        input_variable_format="mustache",
        messages=[Message(role="user", content="{{q}}")],
    )
    lower_dict = lower.to_dict()
    lower_dict["experiment_type"] = "llm_generation"
    t3 = client.tasks.update(task=t.id, run_configuration=lower_dict)
    assert t3.run_configuration and t3.run_configuration["input_variable_format"] == "MUSTACHE"
    assert t3.run_configuration["messages"] == [{"role": "USER", "content": "{{q}}"}]


def test_create_dispatches_on_type(client: Client, kit: SpaceKit) -> None:
    t = client.tasks.create(
        name="via-create",
        task_type="Template-Evaluation",
        evaluators=[
            {
                "evaluator_id": kit.template_evaluator["id"],
                "query_filter": None,
                "column_mappings": None,
            }
        ],
        project=kit.project["name"],
        space=kit.id,
    )
    assert t.type == "TEMPLATE_EVALUATION" and t.project_id == kit.project["id"]


def test_list_filters_and_pages(client: Client, kit: SpaceKit) -> None:
    made = [project_task(client, kit, name=f"lt-{i:02d}").id for i in range(7)]
    client.tasks.create_run_experiment_task(
        name="lt-run", dataset=kit.dataset["id"], run_configuration=kit.llm_config()
    )
    page = client.tasks.list(space=kit.id, name="lt-", limit=3)
    assert isinstance(page, Page) and len(page) == 3 and page.has_more
    everything = client.tasks.list_all(space=kit.id, name="lt-", limit=3)
    ids = [t.id for t in everything]
    assert len(ids) == len(set(ids)) == 8
    assert set(made) <= set(ids)
    assert everything.tasks == everything.items
    only_eval = client.tasks.list_all(space=kit.id, name="lt-", task_type="template_evaluation")
    assert {t.type for t in only_eval} == {"TEMPLATE_EVALUATION"} and len(only_eval) == 7
    by_project = client.tasks.list_all(space=kit.name, project=kit.project["name"], name="lt-")
    assert len(by_project) == 7
    by_dataset = client.tasks.list_all(dataset=kit.dataset["id"], name="lt-")
    assert [t.name for t in by_dataset] == ["lt-run"]


def test_task_arrow_schema(client: Client, kit: SpaceKit) -> None:
    project_task(client, kit)
    client.tasks.create_run_experiment_task(
        name="arrow-run", dataset=kit.dataset["id"], run_configuration=kit.llm_config()
    )
    full = pa.table(client.tasks.list(space=kit.id))
    empty = pa.table(client.tasks.list(space=kit.id, name="nothing-matches-this"))
    assert empty.num_rows == 0 and full.num_rows >= 2
    assert full.schema.remove_metadata() == empty.schema.remove_metadata()
    s = full.schema
    assert s.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert s.field("last_run_at").type == pa.timestamp("us", tz="UTC")
    assert s.field("sampling_rate").type == pa.float64()
    assert s.field("is_continuous").type == pa.bool_()
    assert s.field("experiment_ids").type == pa.list_(pa.utf8())
    ev_type = s.field("evaluators").type
    assert pa.types.is_list(ev_type) and pa.types.is_struct(ev_type.value_type)
    assert pa.types.is_map(ev_type.value_type.field("column_mappings").type)
    assert s.field("run_configuration").type == pa.utf8()
    rows = full.to_pylist()
    run_row = next(r for r in rows if r["name"] == "arrow-run")
    assert json.loads(run_row["run_configuration"])["experiment_type"] == "LLM_GENERATION"
    eval_row = next(r for r in rows if r["name"] == "hallucination-watch")
    assert eval_row["evaluators"][0]["column_mappings"] == [("input", "attributes.input.value")]


def test_name_resolution_needs_space(client: Client, kit: SpaceKit, emu: EmulatorServer) -> None:
    project_task(client, kit)
    emu.clear_requests()
    with pytest.raises(E.NameNotFoundError) as info:
        client.tasks.get(task="hallucination-watch")
    assert "Provide 'space'" in str(info.value)
    assert v2_requests(emu) == []
    with pytest.raises(E.NameNotFoundError) as miss:
        client.tasks.get(task="hallucination", space=kit.id)
    assert "hallucination-watch" in miss.value.available_names


def test_server_side_errors(client: Client, kit: SpaceKit, emu: EmulatorServer) -> None:
    project_task(client, kit, name="dup")
    with pytest.raises(E.BadRequestError):  # duplicate names in a space are 400 (no 409 defined)
        project_task(client, kit, name="dup")
    with pytest.raises(E.NotFoundError):
        client.tasks.create_evaluation_task(
            name="ghost-evaluator",
            task_type="TEMPLATE_EVALUATION",
            evaluators=[{"evaluator_id": "RXZhbHVhdG9yOjk5OTk6enp6eg=="}],
            project=kit.project["id"],
        )
    reader = Client(
        api_key=emu.key_for_space_role(space_id=kit.id, role="READ_ONLY"), base_url=emu.url
    )
    assert len(reader.tasks.list(space=kit.id)) >= 1
    with pytest.raises(E.ForbiddenError):
        project_task(reader, kit, name="not-allowed")
