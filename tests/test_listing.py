"""`list_all` results keep only Arrow data for tasks and runs: pages are merged into batches
of about 4,096 rows while they arrive, and typed items are rebuilt from the table. These
tests check that nothing is lost, repeated or changed on the way."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
from arize_ax import Client
from arize_ax.testing import EmulatorServer
from conftest import SpaceKit

CHUNK = 4096


def _pages(fetch: Any) -> list[Any]:
    """Every item, page by page, through single `list` calls."""
    items: list[Any] = []
    cursor = None
    while True:
        page = fetch(cursor)
        items += list(page)
        if not page.has_more:
            return items
        cursor = page.next_cursor


def test_bulk_tasks_merge_into_chunks_without_loss(
    client: Client, emu: EmulatorServer, kit: SpaceKit
) -> None:
    emu.bulk_seed_tasks(space_id=kit.id, tasks=9_000)
    walked = client.tasks.list_all(space=kit.id, limit=100)
    table = pa.table(walked)
    ids = table.column("id").to_pylist()
    assert len(ids) == len(walked) >= 9_000
    assert len(set(ids)) == len(ids)
    # Whole pages per batch, about CHUNK rows each; the last one holds the rest.
    sizes = [b.num_rows for b in table.to_batches()]
    assert walked.num_batches == len(sizes) == -(-len(ids) // 4_100)
    assert all(n == 4_100 for n in sizes[:-1]), sizes
    assert walked.num_pages == -(-len(ids) // 100)
    # The same rows, in the same order, as page-by-page listing.
    by_pages = _pages(lambda c: client.tasks.list(space=kit.id, limit=100, cursor=c))
    assert ids == [t.id for t in by_pages]
    # Items rebuilt from Arrow equal items decoded from JSON, field by field.
    assert [t.to_dict() for t in walked] == [t.to_dict() for t in by_pages]
    df = walked.to_pandas()
    assert len(df) == len(ids) and list(df["id"]) == ids


def test_items_rebuilt_from_arrow_keep_every_field(client: Client, kit: SpaceKit) -> None:
    trace = client.tasks.create_evaluation_task(
        name="listing-trace-shape",
        task_type="TEMPLATE_EVALUATION",
        project=kit.project["id"],
        query_filters={"filters": [{"id": "A", "filter": "status = 'ERROR'"}]},
        evaluators=[
            {
                "evaluator_id": kit.template_evaluator["id"],
                "query_mappings": [
                    {"variable_name": "input", "query_ids": ["A"], "attribute_path": "input.value"}
                ],
            }
        ],
        sampling_rate=0.5,
    )
    span = client.tasks.create_evaluation_task(
        name="listing-span-shape",
        task_type="TEMPLATE_EVALUATION",
        project=kit.project["id"],
        query_filter="attributes.llm.model_name = 'gpt-4o'",
        evaluators=[
            {
                "evaluator_id": kit.template_evaluator["id"],
                "query_filter": "latency_ms > 100",
                "column_mappings": {"input": "attributes.input.value"},
            }
        ],
    )
    run_exp = client.tasks.create_run_experiment_task(
        name="listing-run-experiment",
        dataset=kit.dataset["id"],
        run_configuration=kit.llm_config(),
    )
    walked = {t.id: t for t in client.tasks.list_all(space=kit.id, limit=2)}
    for made in (trace, span, run_exp):
        got = client.tasks.get(task=made.id)
        assert walked[made.id].to_dict() == got.to_dict()
    rebuilt = walked[trace.id]
    assert rebuilt.query_filters == {
        "filters": [{"id": "A", "filter": "status = 'ERROR'"}],
        "expression": "A",
    }
    assert rebuilt.evaluators[0].query_mappings == [
        {"variable_name": "input", "query_ids": ["A"], "attribute_path": "input.value"}
    ]
    # The table holds them as JSON text.
    table = pa.table(client.tasks.list_all(space=kit.id))
    row = table.filter(pa.compute.equal(table["id"], trace.id)).to_pylist()[0]
    assert json.loads(row["query_filters"]) == rebuilt.query_filters
    assert (
        json.loads(row["evaluators"][0]["query_mappings"]) == rebuilt.evaluators[0].query_mappings
    )


def test_run_items_rebuilt_from_arrow(client: Client, emu: EmulatorServer, kit: SpaceKit) -> None:
    ids = emu.bulk_seed_tasks(space_id=kit.id, tasks=1, runs_per_task=250)
    task = ids[0]
    walked = client.tasks.list_runs_all(task=task, limit=7)
    by_pages = _pages(lambda c: client.tasks.list_runs(task=task, limit=7, cursor=c))
    assert len(walked) == len(by_pages) == 250
    assert [r.to_dict() for r in walked] == [r.to_dict() for r in by_pages]
    assert walked.num_batches == 1
