"""``Client(...)`` with the official ``ArizeClient`` keywords: endpoint settings, regions,
the keywords that do not affect REST, and ``default_headers``.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from arize_ax import AsyncClient, Client, Region
from arize_ax import errors as E
from arize_ax.testing import EmulatorServer


def test_official_endpoint_keywords(emu: EmulatorServer, home: Path) -> None:
    k = emu.api_key
    c = Client(api_key=k, api_scheme="http", api_host="127.0.0.1", api_port=emu.port)
    assert c.base_url.rstrip("/") == emu.url and len(c.spaces.list()) > 0
    c = Client(api_key=k, api_scheme="http", single_host="127.0.0.1", single_port=emu.port)
    assert c.base_url.rstrip("/") == emu.url
    assert Client(
        api_key=k, single_host="h.example.com", single_port=8443, api_port=9443
    ).base_url.rstrip("/") == ("https://h.example.com:9443")
    assert (
        Client(api_key=k, base_domain="corp.example").base_url.rstrip("/")
        == "https://api.corp.example"
    )
    for region in ("eu-west-1a", "EU_WEST_1A", "EU", "eu", Region.EU_WEST_1A):
        assert (
            Client(api_key=k, region=region).base_url.rstrip("/")
            == "https://api.eu-west-1a.arize.com"
        )
    assert Client(api_key=k, region=Region.UNSET).base_url.rstrip("/") == "https://api.arize.com"
    with pytest.raises(E.ConfigError) as info:
        Client(api_key=k, region="US", single_host="h", base_domain="d")
    for part in ("region=us-east-1b", "single_host='h'", "base_domain='d'"):
        assert part in str(info.value)
    with pytest.raises(E.ConfigError) as info:
        Client(api_key=k, region="mars")
    assert "eu-west-1a" in str(info.value) and "EU" in str(info.value)
    for ours, theirs in (("host", "api_host"), ("scheme", "api_scheme"), ("port", "api_port")):
        value: Any = 1 if ours == "port" else "x"
        with pytest.raises(TypeError, match=theirs):
            Client(api_key=k, **{ours: value, theirs: value})
    with pytest.raises(TypeError):
        Client(api_key=k, region=3)  # type: ignore[arg-type]


def test_official_region_enum_when_installed() -> None:
    regions = pytest.importorskip("arize.regions")
    c = Client(api_key="k", region=regions.Region.CA_CENTRAL_1A)
    assert c.base_url.rstrip("/") == "https://api.ca-central-1a.arize.com"


def test_sdk_only_keywords_are_accepted_and_type_checked(home: Path) -> None:
    sdk_only: dict[str, Any] = {
        "otlp_host": "otlp.example.com",
        "otlp_scheme": "https",
        "otlp_port": 4317,
        "flight_host": "flight.example.com",
        "flight_port": 443,
        "flight_scheme": "grpc+tls",
        "pyarrow_max_chunksize": 10_000,
        "stream_max_workers": 8,
        "stream_max_queue_bound": 5000,
        "max_http_payload_size_mb": 8.5,
        "arize_directory": str(home / ".arize"),
        "enable_caching": False,
        "max_past_years": 5,
        "connection_pool_maxsize": 10,
    }
    for cls in (Client, AsyncClient):
        c = cls(api_key="k", **sdk_only)
        assert c.base_url.rstrip("/") == "https://api.arize.com"
        cls(api_key="k", **{name: None for name in sdk_only})
    for name, bad in (
        ("otlp_port", "4317"),
        ("stream_max_workers", True),
        ("max_http_payload_size_mb", "8"),
        ("enable_caching", 1),
        ("arize_directory", 3),
    ):
        with pytest.raises(TypeError, match=name):
            Client(api_key="k", **{name: bad})
    with pytest.raises(TypeError, match="unexpected keyword argument 'not_a_setting'"):
        Client(api_key="k", not_a_setting=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        AsyncClient(api_key="k", otlp_hots="x")  # type: ignore[call-arg]


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []

    def do_GET(self) -> None:
        _Recorder.seen.append({k.lower(): v for k, v in self.headers.items()})
        body = b'{"spaces": [], "pagination": {"has_more": false}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.seen = []
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_default_headers_are_sent_and_checked(recorder: str, home: Path) -> None:
    c = Client(
        api_key="k", base_url=recorder, default_headers={"X-Tenant": "t-secret-1", "X-Trace": "1"}
    )
    assert "t-secret-1" not in repr(c)
    c.spaces.list()
    (headers,) = _Recorder.seen
    assert headers["x-tenant"] == "t-secret-1" and headers["x-trace"] == "1"
    assert headers["authorization"] == "Bearer k"
    for bad in ({"Authorization": "x"}, {"sdk-version": "1"}, {"Bad Name": "x"}, {"X-A": "a\nb"}):
        with pytest.raises(E.ValidationError):
            Client(api_key="k", default_headers=bad)
    with pytest.raises(TypeError):
        Client(api_key="k", default_headers={"X-A": 1})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        Client(api_key="k", default_headers=[("X-A", "b")])  # type: ignore[arg-type]


# ---- with the official CLI -------------------------------------------------------------------
