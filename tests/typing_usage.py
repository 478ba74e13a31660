"""Checked with `mypy --strict` by test_typing.py: the stubs must type real usage."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pandas as pd
import pyarrow as pa
from arize_ax import (
    AiIntegration,
    ArizeClient,
    AsyncClient,
    Client,
    Dataset,
    DatasetVersion,
    Evaluator,
    EvaluatorInput,
    EvaluatorVersion,
    Experiment,
    LLMGenerationConfig,
    Message,
    Organization,
    Page,
    Project,
    Region,
    Space,
    SpaceMembership,
    Task,
    TaskRun,
    User,
)
from arize_ax.errors import ApiError, NameNotFoundError, RunTimeoutError
from arize_ax.testing import EmulatorServer


def main() -> None:
    with EmulatorServer(seed="none", rate_limit={"rps": 50, "per_route": True}) as limited:
        limited.set_rate_limit(2.5, burst=5, per_route=False)
        setting: dict[str, Any] | None = limited.rate_limit()
        limit_stats: dict[str, Any] = limited.rate_limit_stats()
        print(setting, limit_stats["refused"])
        limited.clear_rate_limit_stats()
        limited.clear_rate_limit()
    with EmulatorServer(seed="demo") as emu:
        client = Client(api_key=emu.api_key, base_url=emu.url, timeout=10.0, max_retries=2)
        page: Page[Space] = client.spaces.list(limit=10)
        first: Space = page.items[0]
        created: datetime = first.created_at
        desc: str | None = first.description
        table: pa.Table = pa.table(page)
        print(created, desc, table.num_rows, page.has_more, page.next_cursor, len(page))
        for s in client.spaces.list_all():
            print(s.name.upper())
        m: SpaceMembership = client.spaces.add_user(
            space=first.id, user_id="VXNlcjoxOmFiY2Q=", role="member"
        )
        print(m.role.name)
        try:
            client.spaces.get(space="nope")
        except NameNotFoundError as e:
            print(e.available_names)
        except ApiError as e:
            print(e.status, e.title)

        # The official SDK's names: ArizeClient, Region, model_dump, to_df, update fields.
        sdk_style = ArizeClient(api_key=emu.api_key, base_url=emu.url)
        region: Region = Region.EU_WEST_1A
        regions: list[str] = Region.list_regions(include_unset=True)
        dumped: dict[str, Any] = first.model_dump(mode="json", exclude_none=True)
        picked: dict[str, Any] = first.model_dump(include={"id", "name"}, by_alias=True)
        text: str = first.model_dump_json(indent=2, exclude={"description"})
        frame: pd.DataFrame = sdk_style.spaces.list().to_df(exclude_none="any", json_normalize=True)
        flat: pd.DataFrame = page.to_df(False, True, False, True, "additional_properties", "")
        llm: dict[str, Any] | None = first.default_llm_integration
        color: str | None = first.gradient_start_color
        print(region.value, regions, dumped, picked, text, frame.shape, flat.shape, llm, color)
        print(page.pagination.model_dump(), m.model_dump(), m.role.model_dump(mode="json"))
        changed: Space = sdk_style.spaces.update(
            space=first.id,
            name=None,
            description=None,
            is_private=False,
            default_llm_integration={"integration_id": "TGxtOjE=", "model_name": "gpt-4o"},
            ml_models_enabled=True,
            gradient_start_color="#112233",
            gradient_end_color="#445566",
            default_agent_runtime=None,
        )
        print(changed.ml_models_enabled, changed.default_agent_runtime)

        async def run() -> None:
            ac = AsyncClient(api_key=emu.api_key, base_url=emu.url)
            p: Page[Space] = await ac.spaces.list()
            s: Space = await ac.spaces.update(space=p.items[0].id, description=None)
            t: Space = await ac.spaces.update(
                space=p.items[0].id, ml_models_enabled=False, default_llm_integration=None
            )
            print(s.to_dict(), t.model_dump_json())

        asyncio.run(run())

        task: Task = client.tasks.create_evaluation_task(
            name="typed",
            task_type="template_evaluation",
            evaluators=[EvaluatorInput(evaluator_id="RXZhbHVhdG9yOjE6YWJjZA==")],
            project="support-bot",
            space="staging",
        )
        rx: Task = client.tasks.create_run_experiment_task(
            name="typed-rx",
            dataset="golden-questions",
            space="staging",
            run_configuration=LLMGenerationConfig(
                ai_integration_id="TGxtSW50ZWdyYXRpb246MzpQcTZy",
                input_variable_format="MUSTACHE",
                messages=[Message(role="user", content="{{q}}")],
            ),
        )
        started: TaskRun = client.tasks.trigger_run(
            task=task.id, data_start_time=datetime(2026, 1, 1)
        )
        try:
            done: TaskRun = client.tasks.wait_for_run(
                run_id=started.id, poll_interval=0.5, timeout=5
            )
            print(done.status, done.num_successes, rx.run_configuration)
        except RunTimeoutError as e:
            print(e.last_status)
        runs: Page[TaskRun] = client.tasks.list_runs_all(task=task.id)
        many: list[TaskRun] = client.tasks.wait_for_runs(run_ids=[r.id for r in runs])
        print(len(many), runs.to_arrow())
        run_dump: dict[str, Any] = started.model_dump(mode="json")
        task_dump: dict[str, Any] = task.model_dump(exclude={"evaluators": {0: {"query_filter"}}})
        evaluator_dump: dict[str, Any] = task.evaluators[0].model_dump()
        runs_frame: pd.DataFrame = runs.to_df(exclude_none=False, convert_dtypes=False)
        print(run_dump, task_dump, evaluator_dump, runs_frame.columns)

        # Lookups: every ID a task needs, from names.
        ev: Evaluator = client.evaluators.get(evaluator="hallucination", space="staging")
        ver: EvaluatorVersion | None = ev.version
        versions: Page[EvaluatorVersion] = client.evaluators.list_versions(evaluator=ev.id)
        one: EvaluatorVersion = client.evaluators.get_version(version_id=versions.items[0].id)
        proj: Project = client.projects.get(project="support-bot", space="staging")
        ds: Dataset = client.datasets.get(dataset="golden-questions", space="staging")
        dv: list[DatasetVersion] | None = ds.versions
        exps: Page[Experiment] = client.experiments.list_all(dataset=ds.id)
        ai: AiIntegration = client.ai_integrations.get(
            integration="openai-default", space="staging"
        )
        org: Organization = client.organizations.get(organization="Acme AI")
        who: User | None = client.users.get(user="ada.admin@example.com")
        users: Page[User] = client.users.list(status=["ACTIVE"], limit=10)
        print(ver, one.commit_hash, proj.space_id, dv, len(exps), ai.model_names, org.id, who)
        print(users.to_pandas(), ev.to_dict())
        print(ev.model_dump(mode="json"), ds.model_dump_json(), users.to_df(by_alias=True))

        async def lookups() -> None:
            ac = AsyncClient(api_key=emu.api_key, base_url=emu.url)
            p: Page[Project] = await ac.projects.list(space="staging")
            e: Evaluator = await ac.evaluators.get(
                evaluator="hallucination", space=p.items[0].space_id
            )
            u: User | None = await ac.users.get(user="x@example.com")
            print(e.type, u)

        asyncio.run(lookups())
