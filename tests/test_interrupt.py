"""Blocking calls release the GIL and stay interruptible."""

from __future__ import annotations

import _thread
import threading
import time

import pytest
from arize_ax import Client
from arize_ax.testing import EmulatorServer


def interrupt_after(seconds: float) -> threading.Timer:
    t = threading.Timer(seconds, _thread.interrupt_main)
    t.start()
    return t


def test_ctrl_c_during_pending_request(client: Client, emu: EmulatorServer) -> None:
    emu.add_fault(method="GET", path="/v2/spaces", latency_ms=10_000, count=1)
    interrupt_after(0.3)
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        client.spaces.list()
    # The request alone would take 10 s; the interrupt lands after 0.3 s.
    assert time.monotonic() - start < 3.0
    # The client is still usable afterwards.
    emu.clear_faults()
    assert len(client.spaces.list()) > 0


def test_ctrl_c_during_list_all(client: Client, emu: EmulatorServer) -> None:
    emu.add_fault(method="GET", path="/v2/spaces", latency_ms=10_000, count=1)
    interrupt_after(0.3)
    with pytest.raises(KeyboardInterrupt):
        client.spaces.list_all(limit=1)
    emu.clear_faults()
    assert len(client.spaces.list_all()) > 0


def test_gil_released_while_waiting(client: Client, emu: EmulatorServer) -> None:
    emu.add_fault(method="GET", path="/v2/spaces", latency_ms=1000, count=1)
    ticks = 0
    done = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.01)

    t = threading.Thread(target=spin)
    t.start()
    try:
        client.spaces.list()
    finally:
        done.set()
        t.join()
    # A thread holding the GIL for the whole second would have starved the spinner.
    assert ticks > 20
