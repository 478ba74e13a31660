"""The asyncio client: same operations, same core, awaitable."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from arize_ax import AsyncClient, Page, Space
from arize_ax import errors as E
from arize_ax.testing import EmulatorServer


async def test_async_crud(
    aclient: AsyncClient, org_id: str, seed: dict[str, Any], emu: EmulatorServer
) -> None:
    s = await aclient.spaces.create(name="async-space", organization_id=org_id, description="a")
    assert isinstance(s, Space)
    assert (await aclient.spaces.get(space="async-space")).id == s.id
    u = await aclient.spaces.update(space=s.id, description="b")
    assert u.description == "b"
    page = await aclient.spaces.list(name="async-")
    assert isinstance(page, Page) and [x.id for x in page] == [s.id]
    everything = await aclient.spaces.list_all(limit=2)
    assert s.id in {x.id for x in everything}
    user_id = emu.create_user(name="Async User", email="au@example.com", organization_ids=[org_id])
    m = await aclient.spaces.add_user(space=s.id, user_id=user_id, role="member")
    assert m.role.name == "MEMBER"
    assert await aclient.spaces.remove_user(space=s.id, user_id=user_id) is None
    assert await aclient.spaces.delete(space=s.id) is None
    with pytest.raises(E.NotFoundError):
        await aclient.spaces.get(space=s.id)


async def test_async_validation_raises_at_call(aclient: AsyncClient) -> None:
    with pytest.raises(E.ValidationError):
        await aclient.spaces.update(space="whatever")


async def test_async_calls_run_concurrently(emu: EmulatorServer, aclient: AsyncClient) -> None:
    emu.add_fault(method="GET", path="/v2/spaces", latency_ms=1000, count=8)
    loop = asyncio.get_running_loop()
    start = loop.time()
    pages = await asyncio.gather(*(aclient.spaces.list() for _ in range(8)))
    elapsed = loop.time() - start
    assert all(len(p) > 0 for p in pages)
    # Eight 1 s requests one after another would take 8 s; in parallel about 1 s.
    assert elapsed < 6.0


async def test_async_errors(emu: EmulatorServer) -> None:
    bad = AsyncClient(api_key="nope", base_url=emu.url)
    with pytest.raises(E.UnauthorizedError):
        await bad.spaces.list()


EXIT_SCRIPT = """
import asyncio, os, sys
import arize_ax

async def main():
    client = arize_ax.AsyncClient(api_key=os.environ["KEY"], base_url=os.environ["URL"])
    await asyncio.gather(*(client.spaces.list(limit=1) for _ in range(50)))

asyncio.run(main())
"""


def test_the_process_exits_cleanly_after_asyncio_run(emu: EmulatorServer) -> None:
    """The bridge's tasks let go of their Python objects just after their awaitables are
    done; an interpreter that began to finalize then crashed (SIGSEGV / SIGABRT) in about a
    fifth of the runs before `atexit` waited for them."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, KEY=emu.api_key, URL=emu.url)
    codes = [
        subprocess.run(
            [sys.executable, "-c", EXIT_SCRIPT], env=env, capture_output=True, timeout=60
        ).returncode
        for _ in range(12)
    ]
    assert codes == [0] * 12
