"""The pandas warm-up a listing starts when pandas is imported (``arize_ax._frames.warm_up``):
once per resource and process, nothing without pandas, the same DataFrames, and a process
that forks or exits while it runs comes to no harm. Each case runs in a fresh interpreter,
since the warm-up happens once per process."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("pandas")

PRELUDE = """
import json, os, sys, threading, warnings
warnings.simplefilter("ignore")
from arize_ax.testing import EmulatorServer

def join_warm_ups():
    for t in threading.enumerate():
        if t.name == "arize-ax-pandas-warm-up":
            t.join()

def frame(df):
    return {"dtypes": {c: str(t) for c, t in df.dtypes.items()}, "values": df.to_json()}
"""


def run(code: str, timeout: float = 120) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == "", out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


FRAMES = """
with EmulatorServer() as emu:
    client = emu.client()
    space = client.spaces.list(name="playground").spaces[0].id
    spaces = client.spaces.list_all(limit=3)
    tasks = client.tasks.list_all(space=space)
    join_warm_ups()
    print(json.dumps({
        "warmed": "pyarrow.pandas_compat" in sys.modules,
        "spaces": frame(spaces.to_pandas()),
        "tasks": frame(tasks.to_pandas()),
    }))
"""


def test_same_frames_with_and_without_the_warm_up() -> None:
    warmed = run("import pandas, pyarrow\n" + FRAMES)
    # pandas imported only by the first to_pandas(): no warm-up.
    cold = run(FRAMES.replace("join_warm_ups()", "assert 'pandas' not in sys.modules"))
    assert warmed.pop("warmed") is True
    assert cold.pop("warmed") is False
    assert warmed == cold
    assert warmed["tasks"]["dtypes"]["evaluators"].startswith("list<item: struct<")


def test_once_per_resource_and_only_with_pandas_imported() -> None:
    got = run(
        """
        import arize_ax._frames as frames
        calls = []
        real = frames.warm_up
        frames.warm_up = lambda page: (calls.append(page.to_arrow().schema.names[:2]), real(page))
        with EmulatorServer() as emu:
            client = emu.client()
            space = client.spaces.list(name="playground").spaces[0].id
            client.spaces.list_all()  # pandas is not imported yet: no warm-up
            assert "pandas" not in sys.modules and not calls
            import pandas
            client.spaces.list(limit=1)
            client.spaces.list_all()
            client.tasks.list(space=space, limit=1)
            client.tasks.list_all(space=space)
            client.projects.list(space=space)
            join_warm_ups()
            print(json.dumps({"calls": calls}))
        """
    )
    assert got["calls"] == [["id", "name"], ["id", "name"], ["id", "name"]]


def test_no_pandas_no_thread() -> None:
    got = run(
        """
        with EmulatorServer() as emu:
            client = emu.client()
            client.spaces.list_all().to_arrow()
            print(json.dumps({
                "pandas": "pandas" in sys.modules,
                "frames": "arize_ax._frames" in sys.modules,
                "threads": sorted(t.name for t in threading.enumerate() if t.name != "MainThread"),
            }))
        """
    )
    assert got == {"pandas": False, "frames": False, "threads": []}


@pytest.mark.skipif(sys.platform == "win32", reason="fork")
def test_fork_and_exit_while_warming_up() -> None:
    got = run(
        """
        import pandas, pyarrow
        with EmulatorServer() as emu:
            client = emu.client()
            space = client.spaces.list(name="playground").spaces[0].id
            rows = []
            # Each first listing of a resource starts a warm-up; fork at once.
            for listing in (
                lambda: client.tasks.list(space=space),
                lambda: client.projects.list(space=space),
                lambda: client.datasets.list(space=space),
            ):
                page = listing()
                pid = os.fork()
                if pid == 0:
                    os._exit(0 if len(page.to_pandas()) == len(page) else 1)
                _, status = os.waitpid(pid, 0)
                rows.append(os.waitstatus_to_exitcode(status))
            client.evaluators.list(space=space)  # and exit with this one's warm-up running
            print(json.dumps({"children": rows}))
        """
    )
    assert got == {"children": [0, 0, 0]}
