"""Notebook display (``_repr_html_``) and bounded plain ``repr`` of every result class."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from arize_ax import Client, Page, Task
from arize_ax._display import STATUS_COLOURS
from arize_ax.testing import EmulatorServer
from conftest import SpaceKit

EVIL = "<script>alert('x')</script> & \"quoted\""


def no_raw_markup(text: str) -> None:
    """The user-controlled markup never appears unescaped."""
    assert "<script>" not in text
    assert "alert('x')</script>" not in text


@pytest.fixture
def evil_space(client: Client, org_id: str) -> Any:
    return client.spaces.create(name=EVIL, organization_id=org_id, description=EVIL * 3)


def test_space_card_escapes_user_text(evil_space: Any) -> None:
    out = evil_space._repr_html_()
    no_raw_markup(out)
    assert html.escape(EVIL) in out
    assert "Space" in out and evil_space.id in out
    # Every field of the object is a row of the card.
    for key in evil_space.to_dict():
        assert f">{key}</th>" in out


def test_page_html_escapes_cells(client: Client, evil_space: Any) -> None:
    page = client.spaces.list(name=EVIL)
    assert len(page) == 1
    out = page._repr_html_()
    no_raw_markup(out)
    assert html.escape(EVIL) in out


def test_page_html_preview(client: Client, org_id: str) -> None:
    for i in range(23):
        client.spaces.create(name=f"preview-{i:02d}", organization_id=org_id)
    page = client.spaces.list(name="preview-", limit=100)
    assert len(page) == 23
    out = page._repr_html_()
    # The summary: collection, row count, has_more and the column count.
    assert "spaces" in out and "23 rows" in out and "has_more=False" in out
    assert "(first 10 shown)" in out
    # Only the first ten rows are rendered, then an ellipsis row.
    shown = re.findall(r"preview-\d\d", out)
    assert shown == [f"preview-{i:02d}" for i in range(10)]
    assert "…</td>" in out
    # Every column with its Arrow type.
    table = page.to_arrow()
    for field in table.schema:
        assert f">{html.escape(field.name)}<br>" in out
        assert html.escape(str(field.type)) in out
    assert "timestamp[us, tz=UTC]" in out


def test_page_html_of_a_partial_page(client: Client, org_id: str) -> None:
    for i in range(3):
        client.spaces.create(name=f"partial-{i}", organization_id=org_id)
    page = client.spaces.list(name="partial-", limit=2)
    out = page._repr_html_()
    assert "2 rows" in out and "has_more=True" in out and "next_cursor=" in out
    assert "first" not in out  # everything fits in the preview


def test_empty_page_html(client: Client) -> None:
    page = client.spaces.list(name="no-such-space-anywhere")
    out = page._repr_html_()
    assert "0 rows" in out and "has_more=False" in out


def test_long_values_are_cut_in_the_card(client: Client, org_id: str) -> None:
    space = client.spaces.create(name="long", organization_id=org_id, description="d" * 1000)
    out = space._repr_html_()
    assert "d" * 199 + "…" in out and "d" * 201 not in out
    assert len(out) < 4000


def test_task_and_evaluator_cards(eval_task: Task) -> None:
    out = eval_task._repr_html_()
    assert "Task" in out and eval_task.id in out and "eval-task" in out
    # Nested evaluators are compact JSON inside the card.
    assert html.escape('"evaluator_id"') in out
    ev = eval_task.evaluators[0]
    assert ev.evaluator_id in ev._repr_html_()


def test_run_card_colours_status_and_shows_failure(
    client: Client, eval_task: Task, emu: EmulatorServer
) -> None:
    # A task that never ran needs a data window.
    run = client.tasks.trigger_run(
        task=eval_task.id,
        data_start_time="2026-03-01T00:00:00Z",
        data_end_time="2026-03-02T00:00:00Z",
    )
    out = run._repr_html_()
    assert "TaskRun" in out and STATUS_COLOURS["PENDING"] in out and ">PENDING<" in out
    assert "successes" in out and "errors" in out and "skipped" in out
    emu.force_run_status(run_id=run.id, status="FAILED", failure_reason=EVIL)
    failed = client.tasks.get_run(run_id=run.id)
    out = failed._repr_html_()
    assert STATUS_COLOURS["FAILED"] in out and ">FAILED<" in out
    assert "Failure reason" in out and html.escape(EVIL) in out
    no_raw_markup(out)


def test_membership_and_lookup_cards(
    client: Client, emu: EmulatorServer, seed: dict[str, Any], kit: SpaceKit
) -> None:
    space = seed["spaces"][0]
    user_id = emu.create_user(
        name=EVIL, email="evil@example.com", organization_ids=[space["organization_id"]]
    )
    m = client.spaces.add_user(space=space["id"], user_id=user_id, role="member")
    out = m._repr_html_()
    assert "SpaceMembership" in out and user_id in out and "MEMBER" in out
    assert m.role._repr_html_().count("PREDEFINED") == 1
    user = client.users.get(user=user_id)
    assert user is not None
    no_raw_markup(user._repr_html_())
    for obj in (
        client.projects.get(project=kit.project["id"]),
        client.datasets.get(dataset=kit.dataset["id"]),
        client.evaluators.get(evaluator=kit.template_evaluator["id"]),
        client.organizations.list()[0],
        client.ai_integrations.list(space=kit.id)[0],
    ):
        out = obj._repr_html_()
        assert type(obj).__name__ in out and obj.id in out
    pagination = client.spaces.list(limit=1).pagination
    assert "Pagination" in pagination._repr_html_()


def test_every_page_kind_renders(client: Client, kit: SpaceKit, eval_task: Task) -> None:
    pages: list[Page[Any]] = [
        client.spaces.list(),
        client.tasks.list(space=kit.id),
        client.tasks.list_runs(task=eval_task.id),
        client.projects.list(space=kit.id),
        client.datasets.list(space=kit.id),
        client.evaluators.list(space=kit.id),
        client.users.list(),
    ]
    for page in pages:
        out = page._repr_html_()
        assert out.startswith('<div class="arize-ax-page"')
        assert f"{len(page):,} row" in out


def test_plain_repr_is_bounded(client: Client, org_id: str, emu: EmulatorServer) -> None:
    name = "n" * 10_000
    space = client.spaces.create(name=name[:255], organization_id=org_id, description=name[:1000])
    text = repr(space)
    assert len(text) <= 800 and "n" * 79 + "…" in text
    assert "n" * 80 not in text
    page = client.spaces.list(name=name[:255])
    assert len(repr(page)) <= 800
    assert emu.api_key not in text and emu.api_key not in repr(page)
    assert emu.api_key not in page._repr_html_() and emu.api_key not in space._repr_html_()


def test_repr_quotes_stay_valid(client: Client, org_id: str) -> None:
    space = client.spaces.create(name="it's \\ here\nnext", organization_id=org_id)
    text = repr(space)
    assert 'name="it\'s \\\\ here\\nnext"' in text or "name='it\\'s \\\\ here\\nnext'" in text


def test_task_and_run_reprs_are_bounded(client: Client, kit: SpaceKit) -> None:
    task = client.tasks.create_evaluation_task(
        name="t" * 255,
        task_type="TEMPLATE_EVALUATION",
        evaluators=[{"evaluator_id": kit.template_evaluator["id"]}],
        project=kit.project["id"],
    )
    text = repr(task)
    assert len(text) <= 800 and "t" * 81 not in text and "…" in text
    run = client.tasks.trigger_run(
        task=task.id, data_start_time="2026-03-01T00:00:00Z", data_end_time="2026-03-02T00:00:00Z"
    )
    assert len(repr(run)) <= 800 and run.id in repr(run)
