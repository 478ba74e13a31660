"""The example notebooks and a kernel interrupt, run in a real Jupyter kernel (ipykernel).

The notebooks under ``examples/`` are executed as Jupyter does (nbclient starts a
``python3`` kernel of this environment), and their outputs are checked: a ``Page`` and
result objects display as HTML, a wait shows a progress widget, a blocking call works inside
the kernel's running event loop, and top-level ``await`` works. The interrupt tests send
"Interrupt kernel" through the kernel manager during blocking calls and check that the cell
ends with ``KeyboardInterrupt`` promptly and that the next cell works with the same client.
"""

from __future__ import annotations

import html
import json
import queue
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager, start_new_kernel
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def execute(name: str, cwd: Path) -> Any:
    nb = nbformat.read(EXAMPLES / f"{name}.ipynb", as_version=4)
    # The kernel starts in an empty directory: arize_ax comes from the environment.
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    ).execute()
    return nb


def cell(nb: Any, tag: str) -> Any:
    (found,) = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    return found


def data(nb: Any, tag: str, mime: str) -> str:
    """The ``mime`` output of the cell tagged ``tag`` (its result or a display)."""
    for out in cell(nb, tag).outputs:
        if out.output_type in ("execute_result", "display_data") and mime in out.data:
            value = out.data[mime]
            return value if isinstance(value, str) else json.dumps(value)
    raise AssertionError(f"cell {tag!r} has no {mime} output: {cell(nb, tag).outputs}")


def stdout(nb: Any, tag: str) -> str:
    return "".join(
        o.text for o in cell(nb, tag).outputs if o.output_type == "stream" and o.name == "stdout"
    )


def no_errors(nb: Any) -> None:
    for c in nb.cells:
        if c.cell_type == "code":
            assert not [o for o in c.outputs if o.output_type == "error"], c.outputs


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return execute("quickstart", tmp_path_factory.mktemp("nb"))


@pytest.fixture(scope="module")
def pipelines(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return execute("pipelines", tmp_path_factory.mktemp("nb"))


def test_examples_are_clean() -> None:
    """The notebooks are stored without outputs (the tests make them)."""
    names = sorted(p.stem for p in EXAMPLES.glob("*.ipynb"))
    assert names == ["pipelines", "quickstart"]
    for name in names:
        nb = nbformat.read(EXAMPLES / f"{name}.ipynb", as_version=4)
        nbformat.validate(nb)
        for c in nb.cells:
            if c.cell_type == "code":
                assert c.outputs == [] and c.execution_count is None


def test_quickstart_rich_output(quickstart: Any) -> None:
    no_errors(quickstart)
    page = data(quickstart, "page", "text/html")
    assert page.startswith('<div class="arize-ax-page"') and "has_more=" in page
    assert "timestamp[us, tz=UTC]" in page
    assert "Page(" in data(quickstart, "page", "text/plain")  # the short repr stays
    assert "<table" in data(quickstart, "dataframe", "text/html")  # pandas' own HTML
    space = data(quickstart, "space", "text/html")
    assert 'class="arize-ax-record"' in space and "notebook-demo" in space
    assert data(quickstart, "tasks", "text/html").startswith('<div class="arize-ax-page"')
    assert "Task" in data(quickstart, "task", "text/html")


def test_quickstart_sync_in_running_loop_and_await(quickstart: Any) -> None:
    out = stdout(quickstart, "sync-in-loop")
    assert "event loop running: True" in out
    assert "spaces listed with the blocking client:" in out
    assert "awaited: [" in stdout(quickstart, "await") and "tasks" in stdout(quickstart, "await")


def test_pipelines_progress_widget(pipelines: Any) -> None:
    no_errors(pipelines)
    evaluators = data(pipelines, "evaluators", "text/html")
    assert evaluators.startswith('<div class="arize-ax-page"') and "hallucination" in evaluators
    assert "Project" in data(pipelines, "project", "text/html")
    view = json.loads(data(pipelines, "progress", WIDGET_VIEW))
    # The widget's final state (stored by nbclient) says every run finished.
    states = pipelines.metadata["widgets"][WIDGET_STATE]["state"]
    assert view["model_id"] in states
    texts = [
        # tqdm's widget writes figure spaces (U+2007) for spaces.
        html.unescape(str(s["state"].get("value", ""))).replace("\u2007", " ")
        for s in states.values()
        if s["model_name"] == "HTMLModel"
    ]
    assert any(t.startswith("8/8 runs finished · ") for t in texts), texts
    bars = [s["state"] for s in states.values() if s["model_name"] == "FloatProgressModel"]
    assert any(b["value"] == b["max"] == 8 for b in bars), bars
    run = data(pipelines, "run", "text/html")
    assert 'class="arize-ax-run"' in run and "successes" in run
    frame = data(pipelines, "dataframe", "text/html")
    assert frame.count("<tr") >= 9  # a header row and the 8 runs
    assert "num_successes" in data(pipelines, "summary", "text/html")


# -- interrupts ------------------------------------------------------------------------


@pytest.fixture
def kernel(tmp_path: Path) -> Iterator[tuple[KernelManager, BlockingKernelClient]]:
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), startup_timeout=60)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run_cell(kc: BlockingKernelClient, code: str) -> dict[str, Any]:
    reply = kc.execute_interactive(code, timeout=60, output_hook=lambda msg: None)
    content: dict[str, Any] = reply["content"]
    assert content["status"] == "ok", content
    return content


def interrupt_during(km: KernelManager, kc: BlockingKernelClient, code: str) -> float:
    """Runs ``code`` (which prints "started" before blocking), interrupts the kernel once
    it has started and returns how long the cell took to end after the interrupt."""
    # stop_on_error=False: after a cell fails, ipykernel aborts every request that arrives
    # within a short window; on a busy machine the next cell could land in it.
    msg_id = kc.execute(f'print("started", flush=True)\n{code}', stop_on_error=False)
    deadline = time.monotonic() + 60
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if (
            msg["parent_header"].get("msg_id") == msg_id
            and msg["msg_type"] == "stream"
            and "started" in msg["content"]["text"]
        ):
            break
    time.sleep(0.5)  # well inside the blocking call
    sent = time.monotonic()
    km.interrupt_kernel()
    while True:
        try:
            reply = kc.get_shell_msg(timeout=30)
        except queue.Empty:
            raise AssertionError("the interrupted cell did not end within 30 s") from None
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    took = time.monotonic() - sent
    assert reply["content"]["status"] == "error", reply["content"]
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    return took


SETUP = """
from arize_ax import Client
from arize_ax.testing import EmulatorServer
emu = EmulatorServer(seed="demo")
client = Client(api_key=emu.api_key, base_url=emu.url)
"""


def test_interrupt_a_wait_a_request_and_a_listing(
    kernel: tuple[KernelManager, BlockingKernelClient],
) -> None:
    km, kc = kernel
    run_cell(
        kc,
        SETUP
        + """
emu.set_run_timeline(pending_ms=50, running_ms=50, never_finish=True)
task = next(t for t in client.tasks.list(space="staging") if t.type != "RUN_EXPERIMENT")
rid = client.tasks.trigger_run(
    task=task.id, data_start_time="2026-03-01T00:00:00Z", data_end_time="2026-03-02T00:00:00Z"
).id
""",
    )
    took = {
        "wait": interrupt_during(
            km,
            kc,
            "client.tasks.wait_for_run(run_id=rid, poll_interval=0.2, timeout=600, progress=True)",
        ),
        "request": interrupt_during(
            km,
            kc,
            'emu.add_fault(method="GET", path="/v2/spaces", latency_ms=60_000, count=1)\n'
            "client.spaces.list()",
        ),
        "list_all": interrupt_during(
            km,
            kc,
            'emu.add_fault(method="GET", path="/v2/tasks", latency_ms=60_000, count=1)\n'
            'client.tasks.list_all(space="staging", limit=1)',
        ),
    }
    print("seconds from interrupt to the end of the cell:", took)
    # Each call alone would block for a minute or more; the interrupt ends it at once (the
    # bound is loose because the machine is shared; the figures are printed above).
    assert all(t < 3.0 for t in took.values()), took
    # The next cell works with the same client, and the run was not cancelled.
    out = run_cell(
        kc,
        "emu.clear_faults()\n"
        "assert len(client.spaces.list()) > 0\n"
        'assert len(client.tasks.list_all(space="staging", limit=1)) > 0\n'
        'assert client.tasks.get_run(run_id=rid).status in ("PENDING", "RUNNING")\n'
        "emu.stop()",
    )
    assert out["status"] == "ok"
