"""Notebook code written for the official `arize` SDK (8.61): spaces and tasks methods,
`to_df()`, `model_dump()`, keyword-only calls, the SDK's configuration from the environment.

tests/test_dropin.py runs it as it is (with `arize` installed) and with its one import line
changed to `from arize_ax import ArizeClient`, against the same emulator, and compares what
it prints: a JSON summary of keys, columns, statuses and values.
"""

import json
from datetime import datetime, timezone

from arize import ArizeClient

client = ArizeClient()  # ARIZE_API_KEY, ARIZE_API_HOST, ARIZE_API_SCHEME, ARIZE_API_PORT

out = {}

# Spaces: one page into pandas, one space by name, an update with the official fields.
page = client.spaces.list(limit=10)
df = page.to_df()
out["spaces_columns"] = sorted(df.columns)
out["spaces_rows"] = len(df)
out["has_more"] = page.pagination.has_more
space = client.spaces.get(space="support-bot-evals")
out["space_keys"] = sorted(space.model_dump())
dumped = space.model_dump(mode="json")
out["space_json"] = {"id": dumped["id"], "name": dumped["name"]}
out["created_at_is_text"] = isinstance(dumped["created_at"], str)
org_id = space.organization_id
created = client.spaces.create(name="notebook-space", organization_id=org_id, description="tmp")
updated = client.spaces.update(
    space=created.id,
    description=None,
    ml_models_enabled=True,
    gradient_start_color="#112233",
    gradient_end_color="#445566",
)
out["updated"] = updated.model_dump(
    mode="json",
    exclude_none=True,
    include={
        "name",
        "description",
        "ml_models_enabled",
        "gradient_start_color",
        "gradient_end_color",
    },
)
client.spaces.delete(space=created.id)

# Tasks: list a space's tasks, trigger a run and wait for it, the runs into pandas.
tasks = client.tasks.list(space=space.id, limit=50)
tasks_df = tasks.to_df()
out["tasks_columns"] = sorted(tasks_df.columns)
monitor = next(t for t in tasks.tasks if t.name == "hallucination-monitor")
out["task_keys"] = sorted(monitor.model_dump(exclude_none=True))
run = client.tasks.trigger_run(
    task=monitor.id,
    data_start_time=datetime(2026, 3, 1, tzinfo=timezone.utc),
    data_end_time=datetime(2026, 3, 2, tzinfo=timezone.utc),
)
done = client.tasks.wait_for_run(run_id=run.id, poll_interval=0.2, timeout=60)
out["run_status"] = str(getattr(done.status, "value", done.status))
out["run_keys"] = sorted(done.model_dump(exclude_none=True))
runs_df = client.tasks.list_runs(task=monitor.id, limit=20).to_df(exclude_none=False)
out["runs_columns"] = sorted(runs_df.columns)
out["runs_rows"] = len(runs_df)

print(json.dumps(out, sort_keys=True, default=str))
