"""The emulator's simulated network latency (``EmulatorServer(latency_ms=...)``).

Only lower bounds are asserted: a simulated round trip never ends early, however busy the
machine is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from arize_ax.testing import EmulatorServer


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def test_every_answer_waits_a_round_trip() -> None:
    with EmulatorServer(latency_ms=100, latency_jitter_ms=10) as emu:
        assert emu.latency() == {"ms": 100.0, "jitter_ms": 10.0}
        client = emu.client()
        # A new connection costs its handshake too.
        assert timed(lambda: client.spaces.list(limit=1)) >= 0.18
        assert timed(lambda: client.spaces.list(limit=1)) >= 0.09
        # The setting changes at run time.
        emu.set_latency(150)
        assert emu.latency() == {"ms": 150.0, "jitter_ms": 0.0}
        assert timed(lambda: client.spaces.list(limit=1)) >= 0.15
        # reset() keeps it; set_latency(0) ends it.
        emu.reset()
        assert emu.latency()["ms"] == 150.0
        emu.set_latency(0)
        assert emu.latency() == {"ms": 0.0, "jitter_ms": 0.0}


async def test_async_client_sees_it() -> None:
    with EmulatorServer(latency_ms=120) as emu:
        aclient = emu.async_client()
        started = time.perf_counter()
        await aclient.spaces.list(limit=1)
        assert time.perf_counter() - started >= 0.24


@pytest.mark.parametrize(
    ("ms", "jitter", "match"),
    [
        (-1, 0, "latency ms must be a number of milliseconds from 0 to 10000"),
        (10, 20, r"jitter_ms must be from 0 to the latency \(10 ms\)"),
        (9_000, 2_000, "at most 10000"),
        (float("nan"), 0, "latency ms"),
    ],
)
def test_bad_latency_is_refused(ms: float, jitter: float, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        EmulatorServer(latency_ms=ms, latency_jitter_ms=jitter)
    with EmulatorServer(seed="none") as emu:
        with pytest.raises(ValueError, match=match):
            emu.set_latency(ms, jitter)
        assert emu.latency() == {"ms": 0.0, "jitter_ms": 0.0}
