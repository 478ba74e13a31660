from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from arize_ax import AsyncClient, Client
from arize_ax.testing import EmulatorServer

# The suite never talks to a real server: make sure no developer's key leaks in.
for _var in (
    "ARIZE_API_KEY",
    "ARIZE_REGION",
    "ARIZE_API_HOST",
    "ARIZE_API_SCHEME",
    "ARIZE_API_PORT",
):
    os.environ.pop(_var, None)


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
