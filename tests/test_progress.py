"""``progress=True`` on the waits: a live display of runs finished and their statuses."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from arize_ax import AsyncClient, Client, Task, _progress
from arize_ax import errors as E
from arize_ax._progress import RunProgress
from arize_ax.testing import EmulatorServer


@pytest.fixture
def no_tqdm(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if tqdm were not installed: the display falls back to a line on stderr."""
    monkeypatch.setattr(_progress, "_tqdm_class", lambda: None)


def window() -> dict[str, datetime]:
    end = datetime.now(timezone.utc).replace(microsecond=0)
    return {"data_start_time": end - timedelta(days=1), "data_end_time": end}


def trigger(client: Client, task: Task, n: int) -> list[str]:
    return [client.tasks.trigger_run(task=task.id, **window()).id for _ in range(n)]


def run(id: str, status: str) -> Any:
    return SimpleNamespace(id=id, status=status)


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


# -- the display on its own ------------------------------------------------------------


def test_counts_and_text(no_tqdm: None, capsys: pytest.CaptureFixture[str]) -> None:
    p = RunProgress(4)
    assert p.text() == "0/4 runs finished"
    p.update(run("a", "RUNNING"))
    p.update(run("b", "PENDING"))
    p.update(run("c", "FAILED"))
    p.update(run("a", "COMPLETED"))
    assert p.finished == 2
    # Terminal statuses first, in a fixed order, then the others.
    assert p.counts == {"COMPLETED": 1, "FAILED": 1, "PENDING": 1}
    assert p.text() == "2/4 runs finished · COMPLETED 1 · FAILED 1 · PENDING 1"
    assert not p.closed
    p.update(run("b", "CANCELLED"))
    p.update(run("d", "COMPLETED"))
    # Closed by itself once every run finished; the final state is on stderr.
    assert p.closed
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == "4/4 runs finished · COMPLETED 2 · FAILED 1 · CANCELLED 1"
    p.update(run("e", "RUNNING"))  # ignored once closed
    p.close()
    assert capsys.readouterr().err == ""


def test_one_run_says_run(no_tqdm: None, capsys: pytest.CaptureFixture[str]) -> None:
    p = RunProgress(1)
    p.update(run("a", "RUNNING"))
    p.close()
    assert capsys.readouterr().err.splitlines()[-1] == "0/1 run finished · RUNNING 1"


def test_pipe_output_is_rate_limited(no_tqdm: None, monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    p = RunProgress(500)
    for i in range(500):
        p.update(run(str(i), "RUNNING"))
    p.close()
    lines = stream.getvalue().splitlines()
    # The first state, then at most one line per half second, and the final state.
    assert lines[0] == "0/500 runs finished"
    assert lines[-1] == "0/500 runs finished · RUNNING 500"
    assert len(lines) <= 4


def test_terminal_line_is_rewritten_in_place(
    no_tqdm: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = Tty()
    monkeypatch.setattr("sys.stderr", stream)
    p = RunProgress(2)
    p.update(run("a", "COMPLETED"))
    p.close()
    out = stream.getvalue()
    assert out.startswith("\r0/2 runs finished") and out.endswith("\n")
    assert out.count("\n") == 1
    assert out.rstrip("\n").split("\r")[-1].strip() == "1/2 runs finished · COMPLETED 1"


def test_broken_stderr_does_not_break(no_tqdm: None, monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    stream.close()
    monkeypatch.setattr("sys.stderr", stream)
    p = RunProgress(1)
    p.update(run("a", "COMPLETED"))
    assert p.closed


def test_tqdm_bar(capsys: pytest.CaptureFixture[str]) -> None:
    p = RunProgress(3)
    p.update(run("a", "COMPLETED"))
    p.update(run("b", "FAILED"))
    p.update(run("c", "COMPLETED"))
    assert p.closed
    err = capsys.readouterr().err
    last = err.replace("\r", "\n").strip().splitlines()[-1]
    assert last.startswith("3/3 runs finished · COMPLETED 2 · FAILED 1 |")


# -- on the waits ----------------------------------------------------------------------


def test_wait_for_runs_progress_on_stderr(
    client: Client,
    eval_task: Task,
    fast_runs: None,
    no_tqdm: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ids = trigger(client, eval_task, 3)
    seen: list[str] = []
    done = client.tasks.wait_for_runs(
        run_ids=ids + ids[:1],  # a duplicate is one run
        poll_interval=0.05,
        timeout=20,
        on_progress=lambda r: seen.append(r.status),
        progress=True,
    )
    assert [r.status for r in done] == ["COMPLETED"] * 4
    assert seen.count("COMPLETED") == 3  # on_progress still sees every state
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "0/3 runs finished"
    assert lines[-1] == "3/3 runs finished · COMPLETED 3"


def test_wait_for_run_progress_with_tqdm(
    client: Client, eval_task: Task, fast_runs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    (rid,) = trigger(client, eval_task, 1)
    done = client.tasks.wait_for_run(run_id=rid, poll_interval=0.05, timeout=20, progress=True)
    assert done.status == "COMPLETED"
    err = capsys.readouterr().err.replace("\r", "\n")
    assert "1/1 run finished · COMPLETED 1 |" in err


def test_trigger_run_wait_progress(
    client: Client,
    eval_task: Task,
    fast_runs: None,
    no_tqdm: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    r = client.tasks.trigger_run(
        task=eval_task.id, wait=True, poll_interval=0.05, progress=True, **window()
    )
    assert r.status == "COMPLETED"
    assert capsys.readouterr().err.splitlines()[-1] == "1/1 run finished · COMPLETED 1"
    # Not waiting: nothing to show.
    client.tasks.trigger_run(task=eval_task.id, progress=True, **window())
    assert capsys.readouterr().err == ""


def test_nothing_shown_unless_asked(
    client: Client, eval_task: Task, fast_runs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = trigger(client, eval_task, 2)
    client.tasks.wait_for_runs(run_ids=ids, poll_interval=0.05, timeout=20)
    assert capsys.readouterr().err == ""


def test_progress_must_be_a_bool(client: Client, eval_task: Task) -> None:
    with pytest.raises(TypeError, match="progress must be True or False, got str"):
        client.tasks.wait_for_run(run_id="r", progress="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="progress must be True or False, got int"):
        client.tasks.wait_for_runs(run_ids=["r"], progress=1)  # type: ignore[arg-type]


def test_display_closed_on_timeout(
    client: Client,
    eval_task: Task,
    emu: EmulatorServer,
    no_tqdm: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    emu.set_run_timeline(pending_ms=50, running_ms=50, never_finish=True)
    ids = trigger(client, eval_task, 2)
    with pytest.raises(E.RunTimeoutError):
        client.tasks.wait_for_runs(run_ids=ids, poll_interval=0.05, timeout=0.5, progress=True)
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "0/2 runs finished · RUNNING 2"


async def test_async_wait_progress(
    aclient: AsyncClient,
    client: Client,
    eval_task: Task,
    fast_runs: None,
    no_tqdm: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ids = trigger(client, eval_task, 2)
    done = await aclient.tasks.wait_for_runs(
        run_ids=ids, poll_interval=0.05, timeout=20, progress=True
    )
    assert {r.status for r in done} == {"COMPLETED"}
    one = await aclient.tasks.wait_for_run(
        run_id=ids[0], poll_interval=0.05, timeout=20, progress=True
    )
    assert one.status == "COMPLETED"
    lines = capsys.readouterr().err.splitlines()
    assert "2/2 runs finished · COMPLETED 2" in lines
    assert lines[-1] == "1/1 run finished · COMPLETED 1"
