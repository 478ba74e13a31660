"""Property tests (hypothesis): the CLI's argument parsing and the client's input
validation never crash, always answer with a clear error, and never send a request for
input they reject. Examples are bounded so the module stays within a few seconds.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from arize_ax import Client
from arize_ax import errors as E
from arize_ax.testing import EmulatorServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

AX = str(Path(sys.executable).with_name("ax"))

COMMANDS = [
    ["spaces", "list"],
    ["spaces", "get"],
    ["spaces", "create"],
    ["spaces", "update"],
    ["spaces", "delete"],
    ["spaces", "add-user"],
    ["spaces", "remove-user"],
    ["tasks", "list"],
    ["tasks", "get"],
    ["tasks", "create"],
    ["tasks", "create-evaluation"],
    ["tasks", "create-run-experiment"],
    ["tasks", "update"],
    ["tasks", "delete"],
    ["tasks", "trigger-run"],
    ["tasks", "list-runs"],
    ["tasks", "get-run"],
    ["tasks", "cancel-run"],
    ["tasks", "wait-for-run"],
]
FLAGS = [
    "--name", "--description", "--organization-id", "--space", "-s", "--limit", "--cursor",
    "--task-type", "--project", "--dataset", "--evaluators", "--run-configuration",
    "--sampling-rate", "--is-continuous", "--query-filter", "--experiment-ids", "--max-spans",
    "--max-examples", "--example-ids", "--data-start-time", "--data-end-time", "--status",
    "--timeout", "--poll-interval", "--user-id", "--role", "--experiment-name",
    "--is-private", "--bogus-flag", "-x",
]  # fmt: skip
SWITCHES = ["--all", "--force", "--wait", "--help"]
VALUES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["0", "-1", "101", "1e309", "nan", "true", "{}", "[", "@missing.json", "--"]),
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
OUTPUTS = st.sampled_from(["json", "csv", "table", "parquet", "yaml", "JSON", ""])


@st.composite
def argv(draw: st.DrawFn) -> list[str]:
    args = list(draw(st.sampled_from(COMMANDS)))
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            args += [draw(st.sampled_from(FLAGS)), draw(VALUES)]
        elif kind == 1:
            args.append(draw(st.sampled_from(SWITCHES)))
        elif kind == 2:
            args += ["-o", draw(OUTPUTS)]
        else:
            args.append(draw(VALUES))  # a stray positional
    return [a.replace("\x00", "") for a in args]


@pytest.fixture(scope="module")
def shared_emu() -> Iterator[EmulatorServer]:
    with EmulatorServer() as emu:
        yield emu


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(args=argv())
def test_cli_never_crashes_and_rejects_before_sending(
    shared_emu: EmulatorServer, tmp_path: Path, args: list[str]
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARIZE_")}
    env.update({"AX_CONFIG_DIR": str(tmp_path / "cfg"), "ARIZE_API_KEY": shared_emu.api_key})
    shared_emu.clear_requests()
    p = subprocess.run(
        [AX, "--base-url", shared_emu.url, *args],
        capture_output=True,
        text=True,
        errors="replace",
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert p.returncode in (0, 1, 2, 4, 5), (args, p.returncode, p.stderr)
    assert "panicked" not in p.stderr and "RUST_BACKTRACE" not in p.stderr, (args, p.stderr)
    assert shared_emu.api_key not in p.stdout + p.stderr
    if p.returncode == 2:
        assert list(shared_emu.requests()) == [], (args, p.stderr)
        assert p.stderr.strip(), args  # a usage error always says what is wrong
    if p.returncode == 1:
        assert p.stderr.strip(), args


ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**65), 2**65),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)

CALLS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "spaces.list": ("spaces", "list", {"limit": ANY, "name": ANY, "organization_id": ANY}),
    "spaces.create": (
        "spaces",
        "create",
        {"name": ANY, "organization_id": ANY, "description": ANY, "is_private": ANY},
    ),
    "spaces.update": ("spaces", "update", {"space": ANY, "name": ANY, "description": ANY}),
    "spaces.add_user": ("spaces", "add_user", {"space": ANY, "user_id": ANY, "role": ANY}),
    "tasks.list": ("tasks", "list", {"limit": ANY, "task_type": ANY, "space": ANY}),
    "tasks.create": (
        "tasks",
        "create",
        {
            "name": ANY,
            "task_type": ANY,
            "evaluators": ANY,
            "sampling_rate": ANY,
            "project": ANY,
            "dataset": ANY,
            "run_configuration": ANY,
        },
    ),
    "tasks.trigger_run": (
        "tasks",
        "trigger_run",
        {
            "task": ANY,
            "max_spans": ANY,
            "max_examples": ANY,
            "example_ids": ANY,
            "data_start_time": ANY,
            "poll_interval": ANY,
            "timeout": ANY,
        },
    ),
    "tasks.list_runs": ("tasks", "list_runs", {"task": ANY, "status": ANY, "limit": ANY}),
    "tasks.wait_for_run": (
        "tasks",
        "wait_for_run",
        {"run_id": ANY, "poll_interval": ANY, "timeout": ANY},
    ),
}


@st.composite
def api_call(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(CALLS)))
    _, _, params = CALLS[name]
    kwargs = {}
    for key, strategy in params.items():
        if draw(st.booleans()):
            kwargs[key] = draw(strategy)
    return name, kwargs


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(call=api_call())
def test_client_validation_is_clear_and_local(
    shared_emu: EmulatorServer, call: tuple[str, dict[str, Any]]
) -> None:
    name, kwargs = call
    resource, method, _ = CALLS[name]
    # Short timeouts: a valid-looking wait on an unknown run must end quickly.
    c = Client(api_key=shared_emu.api_key, base_url=shared_emu.url, max_retries=0, timeout=5)
    fn = getattr(getattr(c, resource), method)
    if method == "wait_for_run":
        t = kwargs.get("timeout")
        if isinstance(t, (int, float)) and not isinstance(t, bool) and math.isfinite(t) and t > 2:
            kwargs["timeout"] = 2
    shared_emu.clear_requests()
    try:
        fn(**kwargs)
    except (TypeError, OverflowError, ValueError) as e:
        # Rejected locally: nothing was sent, and the message says what is wrong.
        assert not isinstance(e, E.ApiError)
        assert list(shared_emu.requests()) == [], (name, kwargs, e)
        assert str(e).strip()
        if isinstance(e, E.ValidationError):
            assert str(e).startswith("invalid "), str(e)
    except (E.AxError, TimeoutError) as e:
        # Sent and answered with an error (unknown names, 4xx): still a clear message.
        assert str(e).strip(), (name, kwargs)
