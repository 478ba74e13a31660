"""Retries seen from the emulator's side: what was retried, how often, and what was not."""

from __future__ import annotations

import time

import pytest
from arize_ax import Client
from arize_ax import errors as E
from arize_ax.testing import EmulatorServer
from conftest import v2_requests


def statuses(emu: EmulatorServer, method: str, path_prefix: str) -> list[int]:
    return [
        r["status"]
        for r in v2_requests(emu)
        if r["method"] == method and r["path"].startswith(path_prefix)
    ]


def test_get_retried_on_503(client: Client, emu: EmulatorServer) -> None:
    emu.clear_requests()
    emu.add_fault(method="GET", path="/v2/spaces", status=503, count=2, retry_after="0")
    page = client.spaces.list()
    assert len(page) > 0
    assert statuses(emu, "GET", "/v2/spaces") == [503, 503, 200]


def test_429_retry_after_is_honoured(client: Client, emu: EmulatorServer) -> None:
    import time

    emu.clear_requests()
    emu.add_fault(method="GET", path="/v2/spaces", status=429, retry_after="1", count=1)
    start = time.monotonic()
    client.spaces.list()
    waited = time.monotonic() - start
    assert statuses(emu, "GET", "/v2/spaces") == [429, 200]
    assert waited >= 0.9  # the server asked for one second


def test_retries_stop_after_budget(emu: EmulatorServer) -> None:
    c = Client(api_key=emu.api_key, base_url=emu.url, max_retries=2)
    emu.clear_requests()
    emu.add_fault(method="GET", path="/v2/spaces", status=503, count=10, retry_after="0")
    with pytest.raises(E.ServerError) as info:
        c.spaces.list()
    assert info.value.status == 503
    assert info.value.attempts == 3
    assert statuses(emu, "GET", "/v2/spaces") == [503, 503, 503]


def test_create_not_retried_on_503(client: Client, emu: EmulatorServer, org_id: str) -> None:
    emu.clear_requests()
    emu.add_fault(method="POST", path="/v2/spaces", status=503, count=1)
    with pytest.raises(E.ServerError):
        client.spaces.create(name="only-once", organization_id=org_id)
    assert statuses(emu, "POST", "/v2/spaces") == [503]


def test_create_retried_on_429(client: Client, emu: EmulatorServer, org_id: str) -> None:
    emu.clear_requests()
    emu.add_fault(method="POST", path="/v2/spaces", status=429, retry_after="0", count=1)
    s = client.spaces.create(name="after-throttle", organization_id=org_id)
    assert s.name == "after-throttle"
    assert statuses(emu, "POST", "/v2/spaces") == [429, 201]


def test_rate_limit_error_carries_retry_after(emu: EmulatorServer) -> None:
    # A Retry-After past the total timeout: raised at once, with the server's figure.
    c = Client(api_key=emu.api_key, base_url=emu.url, max_retries=0, total_timeout=3)
    emu.add_fault(method="GET", path="/v2/spaces", status=429, retry_after="7", count=1)
    t0 = time.perf_counter()
    with pytest.raises(E.RateLimitError) as info:
        c.spaces.list()
    assert info.value.retry_after == 7.0
    assert time.perf_counter() - t0 < 3


def test_a_429_that_says_when_is_retried_whatever_max_retries(emu: EmulatorServer) -> None:
    c = Client(api_key=emu.api_key, base_url=emu.url, max_retries=0)
    emu.add_fault(method="GET", path="/v2/spaces", status=429, retry_after="1", count=2)
    t0 = time.perf_counter()
    assert len(c.spaces.list(limit=1)) == 1
    assert time.perf_counter() - t0 >= 2  # two pauses of a second each
    assert c.rate_limit_state()["refused"] == 2
    # Without Retry-After a 429 is a failure like the others: max_retries=0 gives up.
    emu.add_fault(method="GET", path="/v2/spaces", status=429, count=1)
    with pytest.raises(E.RateLimitError):
        c.spaces.list(limit=1)


def test_non_json_error_page(emu: EmulatorServer) -> None:
    c = Client(api_key=emu.api_key, base_url=emu.url, max_retries=0)
    emu.add_fault(
        method="GET",
        path="/v2/spaces",
        status=502,
        count=1,
        body="<html><body><h1>502 Bad Gateway</h1></body></html>",
        content_type="text/html",
    )
    with pytest.raises(E.ServerError) as info:
        c.spaces.list()
    assert info.value.status == 502
    assert info.value.title


def test_per_attempt_timeout(emu: EmulatorServer) -> None:
    c = Client(api_key=emu.api_key, base_url=emu.url, timeout=0.3, total_timeout=5, max_retries=1)
    emu.clear_requests()
    emu.add_fault(method="GET", path="/v2/spaces", latency_ms=2000, count=5)
    with pytest.raises(E.RequestTimeoutError) as info:
        c.spaces.list()
    assert isinstance(info.value, TimeoutError)
    assert info.value.attempts == 2


def test_connection_refused_is_connect_error() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = Client(api_key="k", base_url=f"http://127.0.0.1:{port}", max_retries=1, total_timeout=10)
    with pytest.raises(E.ConnectError) as info:
        c.spaces.list()
    assert isinstance(info.value, ConnectionError)
    assert "k" != str(info.value)
