"""The `ax` CLI end to end from names only: look up what a task needs, create an
evaluation task and a run-experiment task from names, trigger and wait."""

from __future__ import annotations

import json
from typing import Any

from conftest import SpaceKit
from test_cli import ax, cfg_dir, ok  # noqa: F401  (fixtures)


def test_tasks_from_names_in_the_cli(ax: Any, kit: SpaceKit, fast_runs: None) -> None:  # noqa: F811
    space = kit.name
    evaluators = json.loads(ok(ax("evaluators", "list", "--space", space, "-o", "json")))
    names = {e["name"] for e in evaluators["evaluators"]}
    assert {"hallucination", "json-validity"} <= names
    dataset = json.loads(ok(ax("datasets", "get", "golden-questions", "-s", space, "-o", "json")))
    assert [v["name"] for v in dataset["versions"]] == ["v2", "v1"]

    created = ok(
        ax(
            "tasks", "create-evaluation", "--name", "cli-names", "--task-type",
            "template_evaluation", "--evaluators", '[{"evaluator_id": "hallucination"}]',
            "--project", "support-bot", "--space", space, "-o", "json",
        )
    )  # fmt: skip
    task = json.loads(created)
    assert task["evaluators"][0]["evaluator_id"] == kit.template_evaluator["id"]
    run = json.loads(
        ok(
            ax(
                "tasks", "trigger-run", task["id"], "--data-start-time", "2026-03-01T00:00:00Z",
                "--data-end-time", "2026-03-01T01:00:00Z", "--wait", "--poll-interval", "0.1",
                "-o", "json",
            )
        )
    )  # fmt: skip
    assert run["status"] == "COMPLETED"

    config = kit.llm_config()
    config["ai_integration_id"] = "openai-default"
    rx = json.loads(
        ok(
            ax(
                "tasks", "create-run-experiment", "--name", "cli-names-rx", "--dataset",
                "golden-questions", "--space", space, "--run-configuration", json.dumps(config),
                "-o", "json",
            )
        )
    )  # fmt: skip
    assert rx["run_configuration"]["ai_integration_id"] == kit.integration["id"]
    run = json.loads(
        ok(
            ax(
                "tasks", "trigger-run", rx["id"], "--experiment-name", "cli-run", "--wait",
                "--poll-interval", "0.1", "-o", "json",
            )
        )
    )  # fmt: skip
    assert run["status"] == "COMPLETED"


def test_fresh_emulator_shows_demo_tasks_and_runs(ax: Any, kit: SpaceKit) -> None:  # noqa: F811
    tasks = json.loads(ok(ax("tasks", "list", "--space", kit.id, "-o", "json")))["tasks"]
    assert len(tasks) >= 4
    types = {t["type"] for t in tasks}
    assert {"TEMPLATE_EVALUATION", "CODE_EVALUATION", "RUN_EXPERIMENT"} <= types
    statuses: set[str] = set()
    for t in tasks:
        runs = json.loads(ok(ax("tasks", "list-runs", t["id"], "-o", "json")))["task_runs"]
        statuses |= {r["status"] for r in runs}
    assert {"COMPLETED", "FAILED", "CANCELLED", "RUNNING", "PENDING"} <= statuses
    table = ok(ax("tasks", "list", "--space", kit.id))
    assert "CODE_EVALUATION" in table and "TEMPLATE_EVALUATION" in table
    assert len(table.strip().splitlines()) == len(tasks) + 1
