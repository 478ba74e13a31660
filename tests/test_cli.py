"""The installed `ax` console script, driven as a subprocess against the emulator."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from arize_ax.testing import EmulatorServer
from conftest import SpaceKit, v2_requests

AX = str(Path(sys.executable).with_name("ax"))


@pytest.fixture
def cfg_dir(tmp_path: Path) -> Path:
    """The private config directory, also the HOME of `ax` (so `~/.arize` is the test's)."""
    d = tmp_path / "axcfg"
    d.mkdir()
    return d


def _private_env(cfg_dir: Path) -> dict[str, str]:
    e = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ARIZE_", "AX_")) and k != "XDG_CONFIG_HOME"
    }
    e.update({"AX_CONFIG_DIR": str(cfg_dir), "HOME": str(cfg_dir)})
    return e


@pytest.fixture
def ax(emu: EmulatorServer, cfg_dir: Path) -> Any:
    """Runs `ax ARGS` against the emulator; returns the CompletedProcess."""

    def run(
        *args: str,
        key: str | None = None,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        e = _private_env(cfg_dir)
        e["ARIZE_API_KEY"] = key or emu.api_key
        e.update(env or {})
        return subprocess.run(
            [AX, "--base-url", emu.url, *args],
            capture_output=True,
            text=True,
            input=stdin,
            env=e,
            timeout=60,
        )

    return run


def ok(p: subprocess.CompletedProcess[str]) -> str:
    assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
    return p.stdout


def test_version_and_help(ax: Any) -> None:
    assert ok(ax("--version")).startswith("ax ")
    out = ok(ax("--help"))
    assert "spaces" in out and "tasks" in out and "profiles" in out and "emulator" in out
    assert "complete -F" in ok(ax("completion", "bash")) or "_ax" in ok(ax("completion", "bash"))


def test_spaces_list_json_matches_api(ax: Any, client: Any) -> None:
    data = json.loads(ok(ax("spaces", "list", "-o", "json", "--limit", "100")))
    assert set(data) == {"spaces", "pagination"}
    assert [s["id"] for s in data["spaces"]] == [s.id for s in client.spaces.list(limit=100)]
    assert data["pagination"]["has_more"] is False


def test_pagination_limit_cursor_and_all(ax: Any, client: Any, org_id: str) -> None:
    for i in range(5):
        client.spaces.create(name=f"cli-page-{i}", organization_id=org_id)
    first = ax("spaces", "list", "-o", "json", "--limit", "2", "--name", "cli-page-")
    page1 = json.loads(ok(first))
    assert len(page1["spaces"]) == 2 and page1["pagination"]["has_more"] is True
    cursor = page1["pagination"]["next_cursor"]
    assert cursor in first.stderr  # the next cursor is printed to stderr
    page2 = json.loads(
        ok(ax("spaces", "list", "-o", "json", "-l", "2", "-c", cursor, "--name", "cli-page-"))
    )
    assert {s["id"] for s in page2["spaces"]}.isdisjoint({s["id"] for s in page1["spaces"]})
    everything = json.loads(ok(ax("spaces", "list", "--all", "-o", "json", "--name", "cli-page-")))
    assert len(everything["spaces"]) == 5
    assert everything["pagination"] == {"has_more": False}


def test_csv_and_parquet_and_files(ax: Any, client: Any, tmp_path: Path) -> None:
    ids = [s.id for s in client.spaces.list_all()]
    rows = list(csv.DictReader(io.StringIO(ok(ax("spaces", "list", "--all", "-o", "csv")))))
    assert [r["id"] for r in rows] == ids
    out = tmp_path / "spaces.parquet"
    ok(ax("spaces", "list", "--all", "-o", str(out)))
    table = pq.read_table(out)
    assert table.column("id").to_pylist() == ids
    assert str(table.schema.field("created_at").type) == "timestamp[us, tz=UTC]"
    jpath = tmp_path / "spaces.json"
    ok(ax("spaces", "list", "--all", "-o", str(jpath)))
    assert [s["id"] for s in json.loads(jpath.read_text())["spaces"]] == ids
    assert sorted(p.name for p in tmp_path.iterdir()) == ["axcfg", "spaces.json", "spaces.parquet"]


def test_table_fits_80_columns(ax: Any) -> None:
    out = ok(ax("spaces", "list", "-o", "table"))
    assert all(len(line) <= 80 for line in out.splitlines())


def test_spaces_crud(ax: Any, org_id: str, emu: EmulatorServer) -> None:
    made = json.loads(
        ok(
            ax(
                "spaces",
                "create",
                "-n",
                "cli-space",
                "--organization-id",
                org_id,
                "--description",
                "d",
                "-o",
                "json",
            )
        )
    )
    assert made["name"] == "cli-space"
    got = json.loads(ok(ax("spaces", "get", "cli-space", "-o", "json")))
    assert got["id"] == made["id"]
    upd = json.loads(ok(ax("spaces", "update", made["id"], "--description", "e", "-o", "json")))
    assert upd["description"] == "e"
    user_id = emu.create_user(name="Cli User", email="cli@example.com", organization_ids=[org_id])
    m = json.loads(
        ok(
            ax(
                "spaces",
                "add-user",
                made["id"],
                "--user-id",
                user_id,
                "-r",
                "read-only",
                "-o",
                "json",
            )
        )
    )
    assert m["role"] == {"type": "PREDEFINED", "name": "READ_ONLY"}
    ok(ax("spaces", "remove-user", made["id"], "--user-id", user_id, "--force"))
    ok(ax("spaces", "delete", made["id"], "-f"))
    assert ax("spaces", "get", made["id"]).returncode == 4


def test_no_tty_refusals_change_nothing(ax: Any, seed: dict[str, Any], emu: EmulatorServer) -> None:
    space = seed["spaces"][0]
    emu.clear_requests()
    p = ax("spaces", "delete", space["id"])
    assert p.returncode == 2 and "--force" in p.stderr
    p = ax("spaces", "create", "--organization-id", seed["organizations"][0]["id"])
    assert p.returncode == 2 and "--name" in p.stderr
    assert [r for r in v2_requests(emu) if r["method"] != "GET"] == []


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("spaces", "list", "--limit", "0"), "limit"),
        (("spaces", "add-user", "x", "--user-id", "u", "--role", "overlord"), "role"),
        (("spaces", "update", "x"), "--name"),
        (("tasks", "list", "--task-type", "magic"), "task"),
        (("tasks", "list-runs", "VGFzazoxOmFiY2Q=", "--status", "sleepy"), "status"),
        (
            (
                "tasks",
                "create-evaluation",
                "-n",
                "t",
                "--task-type",
                "code_evaluation",
                "--evaluators",
                "[{bad json",
                "--project",
                "TW9kZWw6MTphYmNk",
            ),
            "evaluators",
        ),
        (
            (
                "tasks",
                "create-evaluation",
                "-n",
                "t",
                "--task-type",
                "code_evaluation",
                "--evaluators",
                '[{"evaluator_id": "RXZhbHVhdG9yOjE6YWJjZA=="}]',
                "--project",
                "TW9kZWw6MTphYmNk",
                "--sampling-rate",
                "1.5",
            ),
            "sampling",
        ),
        (
            ("tasks", "trigger-run", "VGFzazoxOmFiY2Q=", "--data-start-time", "yesterday-ish"),
            "data-start-time",
        ),
        (
            (
                "tasks",
                "create-run-experiment",
                "-n",
                "t",
                "--dataset",
                "RGF0YXNldDoxOmFiY2Q=",
                "--run-configuration",
                "@/nonexistent/file.json",
            ),
            "run-configuration",
        ),
        (("--output", "xml", "spaces", "list"), "output"),  # -o is not a global flag
    ],
)
def test_bad_input_exit_2_without_requests(
    ax: Any, emu: EmulatorServer, args: tuple[str, ...], needle: str
) -> None:
    emu.clear_requests()
    p = ax(*args)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert needle in p.stderr.lower() or needle in p.stderr
    assert v2_requests(emu) == []


def test_bad_output_value_is_a_file_error_without_requests(ax: Any, emu: EmulatorServer) -> None:
    # As the official CLI: an -o that is neither a format nor a known file type exits 5.
    emu.clear_requests()
    p = ax("spaces", "list", "--output", "xml")
    assert p.returncode == 5 and "--output" in p.stderr, (p.stdout, p.stderr)
    assert v2_requests(emu) == []


def test_api_errors_exit_4_with_one_line(ax: Any, emu: EmulatorServer) -> None:
    p = ax("spaces", "get", "U3BhY2U6OTk5OTk6enp6eg==")
    assert p.returncode == 4
    assert "404" in p.stderr
    p = ax("spaces", "list", key="wrong-key")
    assert p.returncode == 4 and "401" in p.stderr
    assert "wrong-key" not in p.stderr + p.stdout


def test_verbose_never_prints_the_key(ax: Any, emu: EmulatorServer) -> None:
    p = ax("-v", "spaces", "list", "-o", "json")
    assert p.returncode == 0
    assert "GET" in p.stderr and "/v2/spaces" in p.stderr
    assert emu.api_key not in p.stderr + p.stdout


def test_tasks_commands_and_wait(
    ax: Any, kit: SpaceKit, emu: EmulatorServer, tmp_path: Path
) -> None:
    emu.set_run_timeline(pending_ms=100, running_ms=200, failure_rate=0.0, never_finish=False)
    evaluators = json.dumps(
        [
            {
                "evaluator_id": kit.template_evaluator["id"],
                "query_filter": None,
                "column_mappings": None,
            }
        ]
    )
    t = json.loads(
        ok(
            ax(
                "tasks",
                "create-evaluation",
                "-n",
                "cli-eval",
                "--task-type",
                "template_evaluation",
                "--evaluators",
                evaluators,
                "--project",
                kit.project["name"],
                "-s",
                kit.name,
                "--sampling-rate",
                "0.5",
                "-o",
                "json",
            )
        )
    )
    assert t["type"] == "TEMPLATE_EVALUATION" and t["sampling_rate"] == 0.5
    cfg = tmp_path / "run.json"
    cfg.write_text(json.dumps(kit.llm_config()))
    rx = json.loads(
        ok(
            ax(
                "tasks",
                "create-run-experiment",
                "-n",
                "cli-rx",
                "--dataset",
                kit.dataset["id"],
                "--run-configuration",
                f"@{cfg}",
                "-o",
                "json",
            )
        )
    )
    assert rx["run_configuration"]["experiment_type"] == "LLM_GENERATION"
    listed = json.loads(ok(ax("tasks", "list", "-s", kit.id, "--all", "-o", "json")))
    assert {x["name"] for x in listed["tasks"]} >= {"cli-eval", "cli-rx"}
    upd = json.loads(
        ok(
            ax(
                "tasks",
                "update",
                "cli-eval",
                "-s",
                kit.name,
                "--query-filter",
                "",
                "-n",
                "cli-eval-2",
                "-o",
                "json",
            )
        )
    )
    # A cleared filter is null on the wire, and left out of -o json (as the official CLI).
    assert upd["name"] == "cli-eval-2" and "query_filter" not in upd

    done = ax(
        "tasks",
        "trigger-run",
        t["id"],
        "--data-start-time",
        "2026-11-20T00:00:00",
        "--wait",
        "--poll-interval",
        "0.1",
        "-o",
        "json",
    )
    run = json.loads(ok(done))
    assert run["status"] == "COMPLETED"
    assert "COMPLETED" in done.stderr  # plain progress lines when stderr is not a TTY
    runs = json.loads(ok(ax("tasks", "list-runs", t["id"], "-o", "json")))
    assert [r["id"] for r in runs["task_runs"]] == [run["id"]]
    assert json.loads(ok(ax("tasks", "get-run", run["id"], "-o", "json")))["id"] == run["id"]

    emu.set_run_timeline(pending_ms=50, running_ms=50, failure_rate=1.0, never_finish=False)
    failed = ax("tasks", "trigger-run", t["id"], "--wait", "--poll-interval", "0.1", "-o", "json")
    assert failed.returncode == 0, failed.stderr  # printed, as the official CLI
    assert json.loads(failed.stdout)["status"] == "FAILED"
    strict = ax(
        "tasks", "trigger-run", t["id"], "--wait", "--poll-interval", "0.1", "--exit-status"
    )
    assert strict.returncode == 1 and "FAILED" in strict.stderr + strict.stdout

    emu.set_run_timeline(pending_ms=50, running_ms=50, failure_rate=0.0, never_finish=True)
    pending = json.loads(
        ok(ax("tasks", "trigger-run", rx["id"], "--experiment-name", "cli-exp", "-o", "json"))
    )
    timed_out = ax(
        "tasks", "wait-for-run", pending["id"], "--poll-interval", "0.1", "--timeout", "0.5"
    )
    assert timed_out.returncode == 4
    assert ax("tasks", "cancel-run", pending["id"]).returncode == 2  # no TTY, no --force
    cancelled = json.loads(ok(ax("tasks", "cancel-run", pending["id"], "-f", "-o", "json")))
    assert cancelled["status"] == "CANCELLED"
    ok(ax("tasks", "delete", "cli-eval-2", "-s", kit.id, "--force"))


def test_profiles_round_trip(ax: Any, emu: EmulatorServer, cfg_dir: Path) -> None:
    ok(
        ax(
            "profiles",
            "create",
            "local",
            "--api-key",
            emu.api_key,
            "--base-url",
            emu.url,
            "--output-format",
            "json",
        )
    )
    cfg = next((cfg_dir / ".arize" / "profiles").glob("*.toml"))
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    shown = ok(ax("profiles", "show", "local"))
    assert emu.api_key not in shown
    ok(ax("profiles", "use", "local"))
    assert "local" in ok(ax("profiles", "list"))
    # With the profile active, no key or URL is needed and json is the default output.
    env = _private_env(cfg_dir)
    p = subprocess.run([AX, "spaces", "list"], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "spaces" in json.loads(p.stdout)
    # The active profile cannot be deleted: switch to another one first.
    ok(ax("profiles", "create", "other", "--api-key", emu.api_key, "--base-url", emu.url))
    ok(ax("profiles", "use", "other"))
    ok(ax("profiles", "delete", "local", "--force"))
    assert "local" not in ok(ax("profiles", "list"))


def test_prompts_on_a_terminal(emu: EmulatorServer, cfg_dir: Path, org_id: str) -> None:
    pexpect = pytest.importorskip("pexpect")
    env = _private_env(cfg_dir)
    env["ARIZE_API_KEY"] = emu.api_key
    child = pexpect.spawn(
        AX,
        ["--base-url", emu.url, "spaces", "create", "--organization-id", org_id, "-o", "json"],
        env=env,
        encoding="utf-8",
        timeout=20,
    )
    child.expect("(?i)name")
    child.sendline("typed-at-prompt")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert '"typed-at-prompt"' in (child.before or "")

    child = pexpect.spawn(
        AX,
        ["--base-url", emu.url, "spaces", "delete", "typed-at-prompt"],
        env=env,
        encoding="utf-8",
        timeout=20,
    )
    child.expect("(?i)type")
    child.sendline("not-the-name")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0  # declined: nothing done, as the official CLI
    assert emu.client().spaces.get(space="typed-at-prompt").name == "typed-at-prompt"


def test_console_script_path_skips_typing_and_dataclasses() -> None:
    """`ax` goes through the package's __init__; `errors` and `types` (which import typing
    and dataclasses, more than the native module costs) load only when first used."""
    code = (
        "import sys\n"
        "from arize_ax._native import run_cli\n"
        "heavy = ('typing', 'dataclasses', 'arize_ax.errors', 'arize_ax.types')\n"
        "print([m for m in heavy if m in sys.modules])\n"
        "import arize_ax\n"
        "from arize_ax import BetaWarning, Message, errors, types\n"
        "print(BetaWarning is errors.BetaWarning, Message is types.Message,\n"
        "      arize_ax.RunTimeoutError is errors.RunTimeoutError,\n"
        "      {'errors', 'types', 'EvaluatorInput'} <= set(dir(arize_ax)))\n"
        "try:\n"
        "    arize_ax.no_such_name\n"
        "except AttributeError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        "[]",
        "True True True True",
        "module 'arize_ax' has no attribute 'no_such_name'",
    ]
