"""A guided tour on the bundled emulator: ``python -m arize_ax.quickstart``.

Starts the emulator in this process, then walks the API with the same client you
would point at Arize AX: spaces (create, get, update, list as a pandas DataFrame, add
and remove a member, delete) and tasks (create an evaluation task, trigger runs, wait
for them with a progress line, list the runs as a DataFrame). Nothing leaves this
machine.
"""

from __future__ import annotations

import sys
import warnings
from datetime import datetime, timedelta, timezone

from . import Client, TaskRun
from .errors import BetaWarning
from .testing import EmulatorServer


def step(text: str) -> None:
    print(f"\n== {text}")


def main() -> int:
    warnings.simplefilter("ignore", BetaWarning)
    with EmulatorServer(seed="demo") as emu:
        print(f"emulator listening on {emu.url}")
        client = Client(api_key=emu.api_key, base_url=emu.url)
        seed = emu.seed_info()
        org = seed["organizations"][0]

        step(f"create a space in organization {org['name']!r}")
        space = client.spaces.create(
            name="quickstart", organization_id=org["id"], description="made by the quickstart"
        )
        print(space)

        step("get it back by name (names resolve exactly to IDs)")
        print(client.spaces.get(space="quickstart"))

        step("update only its description")
        print(client.spaces.update(space=space.id, description="updated by the quickstart"))

        step("add a member, then remove them")
        user_id = emu.create_user(
            name="Quinn Start", email="quinn@example.com", organization_ids=[org["id"]]
        )
        print(client.spaces.add_user(space=space.id, user_id=user_id, role="read-only"))
        client.spaces.remove_user(space=space.id, user_id=user_id)
        print(f"removed {user_id}")

        step("list every space (all pages) as a pandas DataFrame")
        page = client.spaces.list_all(limit=2)
        try:
            df = page.to_pandas()
        except ImportError as exc:
            print(exc, file=sys.stderr)
            return 1
        with_pandas_options(lambda: print(df[["name", "description", "created_at"]]))

        step("delete the space")
        client.spaces.delete(space=space.id)
        remaining = [s.name for s in client.spaces.list_all()]
        print(f"'quickstart' still listed: {'quickstart' in remaining}")

        tasks_tour(client)
    return 0


def tasks_tour(client: Client) -> None:
    # Knowing only a space's name, look up what a task needs with the client itself.
    space = "staging"
    step(f"look up the evaluators, projects and datasets of space {space!r}")
    evaluators = client.evaluators.list(space=space)
    print(evaluators.to_pandas()[["name", "type", "updated_at"]].to_string(index=False))
    project = client.projects.list(space=space)[0]
    dataset = client.datasets.get(dataset="golden-questions", space=space)
    print(f"project {project.name!r}; dataset {dataset.name!r} with versions", end=" ")
    print(", ".join(v.name or v.id for v in dataset.versions or []))

    step(f"create an evaluation task on project {project.name!r} from names only")
    task = client.tasks.create_evaluation_task(
        name="quickstart-hallucinations",
        task_type="template_evaluation",
        evaluators=[{"evaluator_id": "hallucination", "column_mappings": {"input": "input.value"}}],
        project=project.name,
        space=space,
        sampling_rate=0.5,
    )
    print(task)

    step("trigger a run over the last day and wait for it")
    end = datetime.now(timezone.utc)
    run = client.tasks.trigger_run(
        task=task.id, data_start_time=end - timedelta(days=1), data_end_time=end
    )
    started = datetime.now(timezone.utc)

    def progress(r: TaskRun) -> None:
        elapsed = (datetime.now(timezone.utc) - started).total_seconds()
        line = (
            f"  run {r.id} {r.status:<9} {elapsed:4.1f}s  "
            f"ok={r.num_successes} errors={r.num_errors} skipped={r.num_skipped}"
        )
        print(line, end="\r" if sys.stdout.isatty() and not r.is_terminal else "\n", flush=True)

    done = client.tasks.wait_for_run(
        run_id=run.id, poll_interval=0.25, timeout=60, on_progress=progress
    )
    print(f"run finished: {done.status}")

    step("two more runs, waited for together")
    more = [
        client.tasks.trigger_run(
            task=task.id, data_start_time=end - timedelta(hours=h), data_end_time=end
        )
        for h in (6, 12)
    ]
    finished = client.tasks.wait_for_runs(
        run_ids=[r.id for r in more], poll_interval=0.25, timeout=60
    )
    print(", ".join(f"{r.id}={r.status}" for r in finished))

    step("the task's runs as a pandas DataFrame")
    runs = client.tasks.list_runs_all(task=task.id).to_pandas()
    with_pandas_options(
        lambda: print(
            runs[["status", "num_successes", "num_errors", "run_started_at", "run_finished_at"]]
        )
    )


def with_pandas_options(show: object) -> None:
    import pandas as pd

    with pd.option_context(
        "display.width", 160, "display.max_columns", None, "display.max_colwidth", 40
    ):
        show()  # type: ignore[operator]


if __name__ == "__main__":
    sys.exit(main())
