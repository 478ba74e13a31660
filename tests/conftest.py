from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from arize_ax import AsyncClient, Client
from arize_ax.testing import EmulatorServer

# The suite never talks to a real server: make sure no developer's key, endpoint or
# profile leaks in. HOME points at an empty directory, so neither the official CLI's
# profiles (~/.arize) nor ours (~/.config/arize-ax) are read unless a test writes them.
for _var in (
    "ARIZE_API_KEY",
    "ARIZE_REGION",
    "ARIZE_API_HOST",
    "ARIZE_API_SCHEME",
    "ARIZE_API_PORT",
    "ARIZE_SINGLE_HOST",
    "ARIZE_SINGLE_PORT",
    "ARIZE_BASE_DOMAIN",
    "AX_PROFILE",
    "AX_CONFIG_DIR",
    "XDG_CONFIG_HOME",
):
    os.environ.pop(_var, None)
os.environ["HOME"] = tempfile.mkdtemp(prefix="arize-ax-tests-home-")

# A suite started as a background job of a non-interactive shell inherits SIGINT ignored,
# and Python then installs no KeyboardInterrupt handler (nor does `_thread.interrupt_main`
# do anything). The Ctrl-C tests need the handler every interactive Python has.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# CI runs the suite a second time against the wheel users install (`.ci/run`): then the
# package must come from that environment, not from the source tree.
_expected = os.environ.get("AX_EXPECT_INSTALLED")
if _expected:
    import arize_ax as _pkg

    assert os.path.realpath(_pkg.__file__).startswith(os.path.realpath(_expected)), (
        f"arize_ax was imported from {_pkg.__file__}, not from {_expected}"
    )


@pytest.fixture(autouse=True)
def _fresh_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts with an empty HOME: a profile one test makes never leaks."""
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def emu(ax_emulator: EmulatorServer) -> EmulatorServer:
    return ax_emulator


@pytest.fixture
def seed(emu: EmulatorServer) -> dict[str, Any]:
    return emu.seed_info()


@pytest.fixture
def client(emu: EmulatorServer) -> Iterator[Client]:
    # Short backoff-free settings keep retry tests quick.
    yield Client(api_key=emu.api_key, base_url=emu.url, max_retries=3)


@pytest.fixture
def aclient(emu: EmulatorServer) -> AsyncClient:
    return AsyncClient(api_key=emu.api_key, base_url=emu.url)


@pytest.fixture
def org_id(seed: dict[str, Any]) -> str:
    return str(seed["organizations"][0]["id"])


def v2_requests(emu: EmulatorServer) -> list[dict[str, Any]]:
    """The emulator's request log (every /v2 request seen since the last clear)."""
    return list(emu.requests())


class SpaceKit:
    """The seeded resources of one space, by role: what task tests need."""

    def __init__(self, seed: dict[str, Any], space: dict[str, Any]) -> None:
        sid = space["id"]
        self.space = space
        self.id: str = sid
        self.name: str = space["name"]

        def mine(key: str) -> list[dict[str, Any]]:
            return [x for x in seed.get(key, []) if x.get("space_id") == sid]

        self.project = mine("projects")[0]
        self.dataset = mine("datasets")[0]
        self.experiments = [
            e for e in seed.get("experiments", []) if e.get("dataset_id") == self.dataset["id"]
        ]
        evaluators = mine("evaluators")
        self.template_evaluator = next(e for e in evaluators if e.get("type") == "TEMPLATE")
        self.code_evaluator = next(e for e in evaluators if e.get("type") == "CODE")
        self.integration = mine("ai_integrations")[0]

    def llm_config(self) -> dict[str, Any]:
        return {
            "experiment_type": "LLM_GENERATION",
            "ai_integration_id": self.integration["id"],
            "model_name": "gpt-4o-mini",
            "input_variable_format": "MUSTACHE",
            "messages": [
                {"role": "SYSTEM", "content": "Summarize in one sentence."},
                {"role": "USER", "content": "{{article}}"},
            ],
            "invocation_parameters": {"temperature": 0.2, "max_tokens": 256},
        }


@pytest.fixture
def kit(seed: dict[str, Any]) -> SpaceKit:
    """The uniquely named seeded space that holds a project, a dataset with two
    versions and two experiments, a TEMPLATE and a CODE evaluator and an AI integration."""
    names = [s["name"] for s in seed["spaces"]]
    for space in seed["spaces"]:
        if names.count(space["name"]) != 1:
            continue
        try:
            k = SpaceKit(seed, space)
        except (IndexError, StopIteration):
            continue
        if len(k.experiments) >= 2:
            return k
    raise AssertionError("the demo seed has no complete space for task tests")


@pytest.fixture
def eval_task(client: Client, kit: SpaceKit) -> Any:
    """A TEMPLATE_EVALUATION task on the kit's project (it has never run)."""
    return client.tasks.create_evaluation_task(
        name="eval-task",
        task_type="TEMPLATE_EVALUATION",
        evaluators=[{"evaluator_id": kit.template_evaluator["id"]}],
        project=kit.project["id"],
    )


@pytest.fixture
def fast_runs(emu: EmulatorServer) -> None:
    """Runs go PENDING → RUNNING → COMPLETED in about 0.3 s."""
    emu.set_run_timeline(pending_ms=100, running_ms=200, failure_rate=0.0, never_finish=False)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HOME with an empty ``~/.arize`` for this process and its subprocesses."""
    from profile_support import make_home

    return make_home(tmp_path, monkeypatch)
