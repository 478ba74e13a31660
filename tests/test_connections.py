"""Connections: what a request costs beyond its round trip on a real network. Over HTTPS the
client and the emulator speak HTTP/2, so concurrent requests share the connection a warm
client has open (HTTP/1.1 would open one per request in flight: a TCP and a TLS handshake
each); and a long listing on a client that talks to a distant server reuses that
connection instead of opening its own. The emulator's request log numbers connections."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from arize_ax.testing import EmulatorServer


@pytest.fixture(scope="module")
def tls_emu() -> Iterator[EmulatorServer]:
    with EmulatorServer(tls=True) as emu:
        yield emu


@pytest.fixture(autouse=True)
def no_latency(tls_emu: EmulatorServer) -> Iterator[None]:
    yield
    tls_emu.set_latency(0, 0)


def connections(emu: EmulatorServer) -> list[tuple[int, str]]:
    """(connection number, protocol) of each request since the last clear."""
    return [(r["connection"], r["http_version"]) for r in emu.requests()]


def warm_connection(emu: EmulatorServer, client: Any) -> int:
    """Makes one small call and returns the number of the connection it used."""
    emu.clear_requests()
    client.spaces.list(limit=1)
    ((conn, proto),) = connections(emu)
    assert proto == "HTTP/2"
    return conn


def test_concurrent_requests_share_the_warm_connection(tls_emu: EmulatorServer) -> None:
    tls_emu.set_latency(30, 0)  # so that the requests are truly in flight together
    spaces = [s["id"] for s in tls_emu.seed_info()["spaces"]]

    async def go() -> None:
        client = tls_emu.async_client()
        await client.spaces.list(limit=1)
        ((warm, _),) = connections(tls_emu)
        tls_emu.clear_requests()
        got = await asyncio.gather(*(client.spaces.get(space=s) for s in spaces * 4))
        assert [g.id for g in got] == spaces * 4
        seen = connections(tls_emu)
        assert len(seen) == len(spaces) * 4
        assert set(seen) == {(warm, "HTTP/2")}

    tls_emu.clear_requests()
    asyncio.run(go())


def test_lookups_by_name_go_out_together_on_one_connection(tls_emu: EmulatorServer) -> None:
    tls_emu.set_latency(30, 0)
    seed = tls_emu.seed_info()
    space = next(s for s in seed["spaces"] if s["name"] == "staging")
    task = next(t for t in seed["tasks"] if t["space_id"] == space["id"])
    client = tls_emu.client()
    warm = warm_connection(tls_emu, client)
    tls_emu.clear_requests()
    got = client.tasks.get(task=task["name"], space=space["name"])
    assert got.id == task["id"]
    seen = connections(tls_emu)
    assert len(seen) == 2 and set(seen) == {(warm, "HTTP/2")}


def test_a_listing_on_a_distant_server_reuses_the_open_connection(
    tls_emu: EmulatorServer,
) -> None:
    tls_emu.set_latency(20, 0)
    client = tls_emu.client()
    warm = warm_connection(tls_emu, client)
    tls_emu.clear_requests()
    everything = client.spaces.list_all(limit=2)
    pages = connections(tls_emu)
    assert len(pages) >= 2 and len(everything) == len(tls_emu.seed_info()["spaces"])
    # No handshake before the first page: the walk ran on the connection left open.
    assert set(pages) == {(warm, "HTTP/2")}


def test_a_listing_on_a_near_server_walks_on_its_own_thread(tls_emu: EmulatorServer) -> None:
    # Close by (no latency), the walk runs on the calling thread's runtime, with its own
    # connection: what saves CPU on loopback (bench scenario 4). Several small calls first,
    # so that the client has seen how near the server is even on a loaded machine.
    client = tls_emu.client()
    warm = warm_connection(tls_emu, client)
    for _ in range(10):
        client.spaces.list(limit=1)
    tls_emu.clear_requests()
    client.spaces.list_all(limit=2)
    walked = {c for c, _ in connections(tls_emu)}
    assert len(walked) == 1 and warm not in walked
    # The next walk of this thread reuses that connection.
    tls_emu.clear_requests()
    client.spaces.list_all(limit=2)
    assert {c for c, _ in connections(tls_emu)} == walked
