"""Every client-side rule for tasks raises ValidationError naming the field, and sends
nothing: the emulator's request log stays empty."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from arize_ax import Client, Task
from arize_ax import errors as E
from arize_ax.testing import EmulatorServer
from conftest import SpaceKit, v2_requests


@pytest.fixture
def tasks(client: Client, kit: SpaceKit) -> dict[str, Task]:
    ev = [{"evaluator_id": kit.template_evaluator["id"]}]
    proj = client.tasks.create_evaluation_task(
        name="v-proj", task_type="TEMPLATE_EVALUATION", evaluators=ev, project=kit.project["id"]
    )
    ds = client.tasks.create_evaluation_task(
        name="v-ds",
        task_type="TEMPLATE_EVALUATION",
        evaluators=ev,
        dataset=kit.dataset["id"],
        experiment_ids=[kit.experiments[0]["id"]],
    )
    rx = client.tasks.create_run_experiment_task(
        name="v-rx", dataset=kit.dataset["id"], run_configuration=kit.llm_config()
    )
    return {"project": proj, "dataset": ds, "run": rx}


@pytest.fixture
def quiet(emu: EmulatorServer, tasks: dict[str, Task]) -> Iterator[None]:
    """Asserts that the test body sends no request at all."""
    emu.clear_requests()
    yield
    assert v2_requests(emu) == [], "a request reached the server"


def expect(field: str, call: Callable[[], Any]) -> E.ValidationError:
    with pytest.raises(E.ValidationError) as info:
        call()
    assert isinstance(info.value, ValueError)
    assert field in info.value.field, (field, info.value.field, str(info.value))
    return info.value


EV = [{"evaluator_id": "RXZhbHVhdG9yOjE6YWJjZA=="}]
PROJ = "TW9kZWw6MTIzOmFCY0Q="
DS = "RGF0YXNldDo4ODpMbTNu"


def test_create_rules(client: Client, quiet: None) -> None:
    c = client.tasks
    expect(
        "task_type",
        lambda: c.create_evaluation_task(name="x", task_type="magic", evaluators=EV, project=PROJ),
    )
    expect(
        "task_type",
        lambda: c.create_evaluation_task(
            name="x", task_type="run_experiment", evaluators=EV, project=PROJ
        ),
    )
    expect(
        "name",
        lambda: c.create_evaluation_task(
            name="", task_type="CODE_EVALUATION", evaluators=EV, project=PROJ
        ),
    )
    expect(
        "evaluators",
        lambda: c.create_evaluation_task(
            name="x", task_type="CODE_EVALUATION", evaluators=[], project=PROJ
        ),
    )
    expect(
        "evaluators",
        lambda: c.create_evaluation_task(
            name="x", task_type="CODE_EVALUATION", evaluators=EV + EV, project=PROJ
        ),
    )
    expect(
        "evaluators[0]",
        lambda: c.create_evaluation_task(
            name="x", task_type="CODE_EVALUATION", evaluators=[{"query_filter": "a"}], project=PROJ
        ),
    )
    expect(
        "project",
        lambda: c.create_evaluation_task(name="x", task_type="CODE_EVALUATION", evaluators=EV),
    )
    expect(
        "project",
        lambda: c.create_evaluation_task(
            name="x", task_type="CODE_EVALUATION", evaluators=EV, project=PROJ, dataset=DS
        ),
    )
    expect(
        "experiment_ids",
        lambda: c.create_evaluation_task(
            name="x", task_type="CODE_EVALUATION", evaluators=EV, dataset=DS
        ),
    )
    expect(
        "experiment_ids",
        lambda: c.create_evaluation_task(
            name="x",
            task_type="CODE_EVALUATION",
            evaluators=EV,
            project=PROJ,
            experiment_ids=["RXhwZXJpbWVudDoxOmFiY2Q="],
        ),
    )
    expect(
        "sampling_rate",
        lambda: c.create_evaluation_task(
            name="x", task_type="CODE_EVALUATION", evaluators=EV, project=PROJ, sampling_rate=1.5
        ),
    )
    expect(
        "sampling_rate",
        lambda: c.create_evaluation_task(
            name="x", task_type="CODE_EVALUATION", evaluators=EV, project=PROJ, sampling_rate=-0.1
        ),
    )
    expect(
        "sampling_rate",
        lambda: c.create_evaluation_task(
            name="x",
            task_type="CODE_EVALUATION",
            evaluators=EV,
            dataset=DS,
            experiment_ids=["RXhwZXJpbWVudDoxOmFiY2Q="],
            sampling_rate=0.5,
        ),
    )
    expect(
        "is_continuous",
        lambda: c.create_evaluation_task(
            name="x",
            task_type="CODE_EVALUATION",
            evaluators=EV,
            dataset=DS,
            experiment_ids=["RXhwZXJpbWVudDoxOmFiY2Q="],
            is_continuous=True,
        ),
    )
    expect(
        "query_filter",
        lambda: c.create_evaluation_task(
            name="x",
            task_type="CODE_EVALUATION",
            evaluators=EV,
            project=PROJ,
            query_filter="a",
            query_filters={"filters": [{"id": "A", "filter": "b"}]},
        ),
    )
    with pytest.raises(E.NameNotFoundError, match="Provide 'space'"):
        c.create_evaluation_task(
            name="x", task_type="CODE_EVALUATION", evaluators=EV, project="by-name"
        )


def test_create_dispatch_rules(client: Client, kit: SpaceKit, quiet: None) -> None:
    c = client.tasks
    cfg = kit.llm_config()
    expect("run_configuration", lambda: c.create(name="x", task_type="run_experiment", dataset=DS))
    expect("dataset", lambda: c.create(name="x", task_type="run_experiment", run_configuration=cfg))
    expect(
        "evaluators",
        lambda: c.create(
            name="x", task_type="run_experiment", dataset=DS, run_configuration=cfg, evaluators=EV
        ),
    )
    expect(
        "project",
        lambda: c.create(
            name="x", task_type="run_experiment", dataset=DS, run_configuration=cfg, project=PROJ
        ),
    )
    expect(
        "sampling_rate",
        lambda: c.create(
            name="x",
            task_type="run_experiment",
            dataset=DS,
            run_configuration=cfg,
            sampling_rate=0.1,
        ),
    )
    expect(
        "run_configuration",
        lambda: c.create(
            name="x",
            task_type="code_evaluation",
            evaluators=EV,
            project=PROJ,
            run_configuration=cfg,
        ),
    )
    expect("evaluators", lambda: c.create(name="x", task_type="code_evaluation", project=PROJ))


def test_run_configuration_rules(client: Client, kit: SpaceKit, quiet: None) -> None:
    c = client.tasks
    base = kit.llm_config()

    def without(key: str) -> dict[str, Any]:
        return {k: v for k, v in base.items() if k != key}

    expect(
        "input_variable_format",
        lambda: c.create_run_experiment_task(
            name="x", dataset=DS, run_configuration=without("input_variable_format")
        ),
    )
    expect(
        "experiment_type",
        lambda: c.create_run_experiment_task(
            name="x", dataset=DS, run_configuration=without("experiment_type")
        ),
    )
    expect(
        "experiment_type",
        lambda: c.create_run_experiment_task(
            name="x", dataset=DS, run_configuration={**base, "experiment_type": "telepathy"}
        ),
    )
    expect(
        "messages",
        lambda: c.create_run_experiment_task(
            name="x", dataset=DS, run_configuration={**base, "messages": []}
        ),
    )
    expect(
        "role",
        lambda: c.create_run_experiment_task(
            name="x",
            dataset=DS,
            run_configuration={**base, "messages": [{"role": "narrator", "content": "hi"}]},
        ),
    )
    expect(
        "ai_integration_id",
        lambda: c.create_run_experiment_task(
            name="x", dataset=DS, run_configuration=without("ai_integration_id")
        ),
    )
    tmpl = {
        "experiment_type": "TEMPLATE_EVALUATION",
        "ai_integration_id": kit.integration["id"],
        "provide_explanation": True,
    }
    expect(
        "template",
        lambda: c.create_run_experiment_task(name="x", dataset=DS, run_configuration=tmpl),
    )


def test_update_rules(
    client: Client, tasks: dict[str, Task], kit: SpaceKit, emu: EmulatorServer
) -> None:
    c = client.tasks
    emu.clear_requests()
    expect("", lambda: c.update(task=tasks["project"].id))  # nothing to change
    expect("sampling_rate", lambda: c.update(task=tasks["project"].id, sampling_rate=2.0))
    expect("evaluators", lambda: c.update(task=tasks["project"].id, evaluators=[]))
    assert v2_requests(emu) == []
    # Type-foreign fields need the task's type: one GET, and no PATCH.
    expect(
        "run_configuration",
        lambda: c.update(task=tasks["project"].id, run_configuration=kit.llm_config()),
    )
    expect("evaluators", lambda: c.update(task=tasks["run"].id, evaluators=EV))
    expect("sampling_rate", lambda: c.update(task=tasks["run"].id, sampling_rate=0.3))
    assert {r["method"] for r in v2_requests(emu)} == {"GET"}


def test_trigger_rules(client: Client, tasks: dict[str, Task], emu: EmulatorServer) -> None:
    c = client.tasks
    now = datetime.now(timezone.utc)
    proj, run = tasks["project"].id, tasks["run"].id
    emu.clear_requests()
    expect(
        "data_start_time",
        lambda: c.trigger_run(
            task=proj, data_start_time=now, data_end_time=now - timedelta(hours=1)
        ),
    )
    err = expect(
        "data_",
        lambda: c.trigger_run(
            task=proj, data_start_time=now - timedelta(days=31), data_end_time=now
        ),
    )
    assert "30 days" in str(err)
    expect("data_start_time", lambda: c.trigger_run(task=proj, data_start_time="not a time"))
    expect("poll_interval", lambda: c.trigger_run(task=proj, wait=True, poll_interval=0))
    expect("timeout", lambda: c.wait_for_run(run_id="VGFza1J1bjoxOmFiY2Q=", timeout=-1))
    expect("poll_interval", lambda: c.wait_for_run(run_id="VGFza1J1bjoxOmFiY2Q=", poll_interval=0))
    assert v2_requests(emu) == []
    expect("experiment_name", lambda: c.trigger_run(task=run))
    expect("experiment_name", lambda: c.trigger_run(task=run, experiment_name='has "quotes"'))
    expect(
        "max_examples",
        lambda: c.trigger_run(
            task=run, experiment_name="e", max_examples=5, example_ids=["RXhhbXBsZToxOmFiY2Q="]
        ),
    )
    expect("max_spans", lambda: c.trigger_run(task=run, experiment_name="e", max_spans=10))
    expect("experiment_name", lambda: c.trigger_run(task=proj, experiment_name="e"))
    # The client knows both tasks' types from their creates: nothing was sent, above all no
    # trigger.
    assert v2_requests(emu) == []


def test_enum_inputs_any_case(client: Client, tasks: dict[str, Task], quiet: None) -> None:
    expect("status", lambda: client.tasks.list_runs(task=tasks["project"].id, status="sleeping"))
    expect("task_type", lambda: client.tasks.list(task_type="nope"))
