"""Drop-in check: the official `ax` (arize-ax-cli) and ours against the same emulator.

`-o json` must have the same keys at every depth (values such as timestamp spellings may
differ), and the exit codes must agree. Read commands run on the same objects; mutating
commands perform the same kind of operation on two fresh objects. Runs only when the
environment variable AX_OFFICIAL_CLI names the official `ax` executable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from arize_ax.testing import EmulatorServer

OFFICIAL = os.environ.get("AX_OFFICIAL_CLI", "")
OURS = str(Path(sys.executable).with_name("ax"))
MISSING_SPACE = "U3BhY2U6OTk5OTk6enp6eg=="  # "Space:99999:zzzz"

pytestmark = pytest.mark.skipif(
    not OFFICIAL,
    reason="AX_OFFICIAL_CLI is not set (it must name the official `ax` executable of "
    "arize-ax-cli to compare against)",
)


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        try:
            return json.loads(self.stdout)
        except ValueError as e:
            raise AssertionError(f"not JSON ({e}): {self}") from e


def _clean_env() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ARIZE_", "AX_")) and k not in ("HOME", "XDG_CONFIG_HOME")
    }


def _official_home(home: Path, port: int, key: str) -> Path:
    """A HOME holding one active profile, as arize-ax-cli writes it."""
    profiles = home / ".arize" / "profiles"
    profiles.mkdir(parents=True)
    (profiles / "test.toml").write_text(
        "[profile]\n"
        'name = "test"\n\n'
        "[auth]\n"
        'auth_method = "api-key"\n'
        f'api_key = "{key}"\n\n'
        "[routing]\n"
        'single_host = "127.0.0.1"\n'
        f'single_port = "{port}"\n'
        'api_scheme = "http"\n\n'
        "[update]\n"
        "enabled = false\n"
    )
    (home / ".arize" / ".active_profile").write_text("test")
    return home


class Pair:
    """Runs the official CLI and ours against one emulator."""

    def __init__(self, emu: EmulatorServer, root: Path) -> None:
        self.emu = emu
        self.root = root
        self._homes: dict[str, Path] = {}
        self._lock = threading.Lock()
        (root / "ours-config").mkdir()

    def official(self, *args: str, key: str | None = None) -> Result:
        key = key or self.emu.api_key
        with self._lock:
            if key not in self._homes:
                home = self.root / f"official-home-{len(self._homes)}"
                self._homes[key] = _official_home(home, self.emu.port, key)
            home = self._homes[key]
        env = _clean_env()
        env["HOME"] = str(home)
        return self._run([OFFICIAL, *args], env)

    def ours(self, *args: str, key: str | None = None) -> Result:
        env = _clean_env()
        env["ARIZE_API_KEY"] = key or self.emu.api_key
        env["AX_CONFIG_DIR"] = str(self.root / "ours-config")
        return self._run([OURS, "--base-url", self.emu.url, *args], env)

    @staticmethod
    def _run(argv: list[str], env: dict[str, str]) -> Result:
        p = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        return Result(p.returncode, p.stdout, p.stderr)

    def both(self, *args: str, key: str | None = None) -> tuple[Result, Result]:
        return self.official(*args, key=key), self.ours(*args, key=key)


@pytest.fixture
def pair(emu: EmulatorServer, tmp_path: Path) -> Iterator[Pair]:
    yield Pair(emu, tmp_path)


def key_tree(v: Any) -> Any:
    """The keys of a JSON document at every depth (lists item by item, scalars erased)."""
    if isinstance(v, dict):
        return {k: key_tree(x) for k, x in v.items()}
    if isinstance(v, list):
        return [key_tree(x) for x in v]
    return None


def key_diff(a: Any, b: Any, path: str = "") -> list[str]:
    """Where the keys of two documents differ (official `a`, ours `b`)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in b:
                out.append(f"{path}.{k}: only in the official output")
            elif k not in a:
                out.append(f"{path}.{k}: only in ours")
            else:
                out += key_diff(a[k], b[k], f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items in the official output, {len(b)} in ours"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=False))
            for d in key_diff(x, y, f"{path}[{i}]")
        ]
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return [f"{path}: {type(a).__name__} in the official output, {type(b).__name__} in ours"]
    return []


def assert_same_keys(official: Result, ours: Result, what: str) -> tuple[Any, Any]:
    assert official.code == 0, f"{what}: official failed: {official}"
    assert ours.code == 0, f"{what}: ours failed: {ours}"
    a, b = official.json(), ours.json()
    diff = key_diff(key_tree(a), key_tree(b))
    assert not diff, f"{what}:\n" + "\n".join(diff[:40])
    return a, b


def compare_many(pair: Pair, commands: list[tuple[str, ...]]) -> None:
    """Runs every command with both CLIs (in parallel) and compares their JSON keys."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [(c, pool.submit(pair.both, *c, "-o", "json")) for c in commands]
        for command, future in futures:
            official, ours = future.result()
            a, b = assert_same_keys(official, ours, " ".join(command))
            if isinstance(a, dict) and "id" in a:
                assert a["id"] == b["id"], command


def one_per_kind(tasks: list[dict[str, Any]]) -> list[str]:
    """One task ID per (type, project or dataset, run-configuration kind)."""
    seen: dict[tuple[Any, ...], str] = {}
    for t in tasks:
        rc = t.get("run_configuration") or {}
        kind = (t["type"], t.get("project_id") is None, rc.get("experiment_type"))
        seen.setdefault(kind, t["id"])
    return list(seen.values())


def test_read_commands_print_the_same_keys(pair: Pair, emu: EmulatorServer) -> None:
    seed = emu.seed_info()
    client = emu.client()
    space = next(s for s in seed["spaces"] if s["name"] == "production")["id"]
    all_tasks = [t for s in seed["spaces"] for t in client.tasks.list(space=s["id"], limit=100)]
    task_ids = [t.id for t in all_tasks]
    server_tasks = json.loads(pair.ours("tasks", "list", "--all", "-o", "json").stdout)["tasks"]
    assert sorted(t["id"] for t in server_tasks) == sorted(task_ids)
    runs_by_status: dict[str, str] = {}
    for r in seed["task_runs"]:
        runs_by_status.setdefault(r["status"], r["id"])
    assert set(runs_by_status) == {"PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"}
    task_with_runs = seed["task_runs"][0]["task_id"]
    dataset = seed["datasets"][0]["id"]
    template_evaluator = next(e for e in seed["evaluators"] if e["type"] == "TEMPLATE")["id"]
    code_evaluator = next(e for e in seed["evaluators"] if e["type"] == "CODE")["id"]

    commands: list[tuple[str, ...]] = [
        ("spaces", "list"),
        ("spaces", "list", "--limit", "2"),
        ("spaces", "get", space),
        ("tasks", "list", "--limit", "100"),
        ("tasks", "list", "--space", space),
        ("tasks", "list-runs", task_with_runs, "--limit", "100"),
        ("organizations", "list"),
        ("organizations", "get", seed["organizations"][0]["id"]),
        ("users", "list"),
        ("users", "get", seed["users"][0]["id"]),
        ("projects", "list", "--space", space),
        ("projects", "get", seed["projects"][0]["id"]),
        ("datasets", "list", "--space", space),
        ("datasets", "get", dataset),
        ("experiments", "list", "--dataset", dataset),
        ("experiments", "get", seed["experiments"][0]["id"]),
        ("evaluators", "list", "--space", space),
        ("evaluators", "get", template_evaluator),
        ("evaluators", "get", code_evaluator),
        ("evaluators", "list-versions", template_evaluator),
        ("ai-integrations", "list"),
        ("ai-integrations", "get", seed["ai_integrations"][0]["id"]),
    ]
    commands += [("tasks", "get", t) for t in one_per_kind(server_tasks)]
    commands += [("tasks", "get-run", r) for r in runs_by_status.values()]
    # Waiting on a finished run prints it and exits 0 in both, whatever its status.
    commands += [
        ("tasks", "wait-for-run", runs_by_status[s]) for s in ("COMPLETED", "FAILED", "CANCELLED")
    ]
    compare_many(pair, commands)


def test_space_writes_print_the_same_keys(pair: Pair, emu: EmulatorServer) -> None:
    seed = emu.seed_info()
    org = seed["organizations"][0]["id"]
    sam = next(u for u in seed["users"] if u["name"] == "Sam Spare")["id"]
    official = pair.official(
        "spaces", "create", "--name", "official-space", "--organization-id", org, "-o", "json"
    )
    ours = pair.ours(
        "spaces", "create", "--name", "ours-space", "--organization-id", org, "-o", "json"
    )
    a, b = assert_same_keys(official, ours, "spaces create")
    made = {"official": a["id"], "ours": b["id"]}

    def each(*args: str) -> tuple[Result, Result]:
        return (
            pair.official(*[made["official"] if x == "{space}" else x for x in args]),
            pair.ours(*[made["ours"] if x == "{space}" else x for x in args]),
        )

    for args in (
        ("spaces", "get", "{space}"),
        ("spaces", "update", "{space}", "--description", "changed"),
        ("spaces", "add-user", "{space}", "--user-id", sam, "--role", "MEMBER"),
    ):
        assert_same_keys(*each(*args, "-o", "json"), " ".join(args))
    renamed = (
        pair.official("spaces", "update", made["official"], "--name", "official-2", "-o", "json"),
        pair.ours("spaces", "update", made["ours"], "--name", "ours-2", "-o", "json"),
    )
    assert_same_keys(*renamed, "spaces update --name")

    # remove-user and delete print nothing on stdout in both.
    for args in (
        ("spaces", "remove-user", "{space}", "--user-id", sam, "--force"),
        ("spaces", "delete", "{space}", "--force"),
    ):
        official, ours = each(*args)
        assert (official.code, ours.code) == (0, 0), (official, ours)
        assert official.stdout.strip() == "" and ours.stdout.strip() == "", (official, ours)
    gone = each("spaces", "get", "{space}", "-o", "json")
    assert [r.code for r in gone] == [4, 4], gone


def test_task_writes_print_the_same_keys(pair: Pair, emu: EmulatorServer) -> None:
    seed = emu.seed_info()
    prod = next(s for s in seed["spaces"] if s["name"] == "production")
    sid = prod["id"]

    def mine(kind: str) -> list[dict[str, Any]]:
        return [x for x in seed[kind] if x.get("space_id") == sid]

    project = mine("projects")[0]["id"]
    dataset = mine("datasets")[0]["id"]
    experiment = next(e for e in seed["experiments"] if e["dataset_id"] == dataset)["id"]
    template = next(e for e in mine("evaluators") if e["type"] == "TEMPLATE")["id"]
    code = next(e for e in mine("evaluators") if e["type"] == "CODE")["id"]
    integration = mine("ai_integrations")[0]["id"]
    run_config = json.dumps(
        {
            "experiment_type": "LLM_GENERATION",
            "ai_integration_id": integration,
            "model_name": "gpt-4o-mini",
            "input_variable_format": "MUSTACHE",
            "messages": [{"role": "USER", "content": "{{question}}"}],
            "invocation_parameters": {"temperature": 0.1},
        }
    )
    creations: list[tuple[str, ...]] = [
        (
            "tasks",
            "create",
            "--name",
            "{name}-project",
            "--task-type",
            "TEMPLATE_EVALUATION",
            "--project",
            project,
            "--space",
            sid,
            "--evaluators",
            json.dumps([{"evaluator_id": template}]),
            "--sampling-rate",
            "0.5",
        ),
        (
            "tasks",
            "create-evaluation",
            "--name",
            "{name}-dataset",
            "--task-type",
            "CODE_EVALUATION",
            "--dataset",
            dataset,
            "--space",
            sid,
            "--experiment-ids",
            experiment,
            "--evaluators",
            json.dumps([{"evaluator_id": code}]),
        ),
        (
            "tasks",
            "create-run-experiment",
            "--name",
            "{name}-generate",
            "--dataset",
            dataset,
            "--space",
            sid,
            "--run-configuration",
            run_config,
        ),
    ]
    ids: dict[str, list[str]] = {"official": [], "ours": []}
    for args in creations:
        official = pair.official(*[x.replace("{name}", "official") for x in args], "-o", "json")
        ours = pair.ours(*[x.replace("{name}", "ours") for x in args], "-o", "json")
        a, b = assert_same_keys(official, ours, " ".join(args[:2]))
        ids["official"].append(a["id"])
        ids["ours"].append(b["id"])

    def each(*args: str, index: int = 0) -> tuple[Result, Result]:
        return (
            pair.official(*[ids["official"][index] if x == "{task}" else x for x in args]),
            pair.ours(*[ids["ours"][index] if x == "{task}" else x for x in args]),
        )

    official, ours = each("tasks", "update", "{task}", "--sampling-rate", "0.25", "-o", "json")
    assert_same_keys(official, ours, "tasks update")
    official, ours = each(
        "tasks", "update", "{task}", "--run-configuration", run_config, "-o", "json", index=2
    )
    assert_same_keys(official, ours, "tasks update --run-configuration")
    # Runs stay RUNNING, so that both can be cancelled afterwards.
    emu.set_run_timeline(pending_ms=0, running_ms=0, failure_rate=0.0, never_finish=True)
    official, ours = each(
        "tasks",
        "trigger-run",
        "{task}",
        "--data-start-time",
        "2026-11-20T00:00:00",
        "-o",
        "json",
    )
    a, b = assert_same_keys(official, ours, "tasks trigger-run")
    cancelled = (
        pair.official("tasks", "cancel-run", a["id"], "--force", "-o", "json"),
        pair.ours("tasks", "cancel-run", b["id"], "--force", "-o", "json"),
    )
    assert_same_keys(*cancelled, "tasks cancel-run")
    official, ours = each("tasks", "delete", "{task}", "--force", index=1)
    assert (official.code, ours.code) == (0, 0), (official, ours)
    assert official.stdout.strip() == "" and ours.stdout.strip() == "", (official, ours)


@pytest.mark.parametrize(
    ("args", "key", "expected"),
    [
        (("spaces", "list", "-o", "json"), "wrong-key", 4),  # 401
        (("tasks", "get", "VGFzazo5OTk5OnpaeFg=", "-o", "json"), "wrong-key", 4),  # 401
        (("projects", "list", "-o", "json"), "wrong-key", 4),  # 401
        (("spaces", "get", MISSING_SPACE, "-o", "json"), None, 4),  # 404
        (("tasks", "get-run", "VGFza1J1bjo5OTk5OnpaeFg=", "-o", "json"), None, 4),  # 404
        (("spaces", "get", "no-such-space", "-o", "json"), None, 4),  # name not found
        (("spaces", "get", "production", "-o", "json"), None, 4),  # ambiguous name
        (("spaces", "list", "--bogus"), None, 2),  # usage
        (("spaces", "list", "--limit", "many"), None, 2),  # usage
        (("tasks", "list", "--no-such-flag"), None, 2),  # usage
        (("spaces", "list", "-o", "spaces.txt"), None, 5),  # -o names no format or file type
    ],
)
def test_exit_codes_agree(
    pair: Pair, args: tuple[str, ...], key: str | None, expected: int
) -> None:
    official, ours = pair.both(*args, key=key)
    assert official.code == expected, f"official: {official}"
    assert ours.code == expected, f"ours: {ours}"
    assert ours.stdout.strip() == "", ours
    if key:
        assert key not in ours.stdout + ours.stderr


def test_unwritable_output_file_exit_codes_agree(pair: Pair, tmp_path: Path) -> None:
    target = str(tmp_path / "no-such-dir" / "spaces.json")
    official, ours = pair.both("spaces", "list", "-o", target)
    assert (official.code, ours.code) == (5, 5), (official, ours)
