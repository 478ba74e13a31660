"""Helpers of the drop-in tests against the official `arize` SDK (test_sdk_compat*.py): the
comparisons of dumps and frames, and a canned HTTP server that both clients can read from
and whose request bodies are recorded."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import unquote

import pytest
from arize_ax import Client, Page

DUMPS: list[dict[str, Any]] = [
    {},
    {"mode": "json"},
    {"exclude_none": True},
    {"mode": "json", "exclude_none": True},
    {"by_alias": True},
]
FRAMES: list[dict[str, Any]] = [
    {},
    {"exclude_none": False},
    {"convert_dtypes": False},
    {"exclude_none": False, "convert_dtypes": False},
    {"json_normalize": True},
    {"json_normalize": True, "exclude_none": False, "convert_dtypes": False},
    {"exclude_none": "any"},
    {"expand_field": ""},
    {"by_alias": True},
]


def utc(df: Any) -> Any:
    """The frame with every timestamp column in `UTC` (the official frames carry pydantic's
    own UTC `tzinfo` object, which pandas does not consider the same dtype)."""
    import pandas as pd

    df = df.copy()
    for name in df.columns:
        if isinstance(df[name].dtype, pd.DatetimeTZDtype):
            df[name] = df[name].dt.tz_convert("UTC")
    return df


def same_dumps(ours: Any, official: Any, exact_json: bool = True) -> None:
    """Equal dumps in every mode; the same JSON text too, unless `exact_json` is False (the
    items the client decodes itself keep a free-form object's keys sorted, not in the order
    the server sent them; the emulator sends them sorted)."""
    for kw in DUMPS:
        assert ours.model_dump(**kw) == official.model_dump(**kw), kw
    if exact_json:
        assert ours.model_dump_json() == official.model_dump_json()
    assert json.loads(ours.model_dump_json()) == json.loads(official.model_dump_json())


def same_items(ours: list[Any], official: list[Any], exact_json: bool = True) -> None:
    assert len(ours) == len(official) > 0
    for a, b in zip(ours, official, strict=False):
        same_dumps(a, b, exact_json)


def same_frames(ours: Page[Any], official: Any, *more: dict[str, Any]) -> None:
    import pandas as pd

    for kw in [*FRAMES, *more]:
        pd.testing.assert_frame_equal(utc(ours.to_df(**kw)), utc(official.to_df(**kw)), obj=kw)


SPACE_ID = "U3BhY2U6OTk5OmFiY2Q="
_SPACE = {"id": SPACE_ID, "name": "n", "description": "", "created_at": "2026-01-01T00:00:00Z"}


class _Canned(BaseHTTPRequestHandler):
    """GET answers from `routes` (by path, query ignored); PATCH records its body and
    answers a space."""

    routes: ClassVar[dict[str, Any]] = {}
    bodies: ClassVar[list[Any]] = []

    def _answer(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = unquote(self.path.split("?", 1)[0])
        if path in self.routes:
            self._answer(200, self.routes[path])
        else:
            self._answer(404, {"status": 404, "title": "Not Found", "detail": path})

    def do_PATCH(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.bodies.append(json.loads(self.rfile.read(length) or b"null"))
        self._answer(200, _SPACE)

    def log_message(self, *args: Any) -> None:
        pass


class Canned:
    def __init__(self, url: str, routes: dict[str, Any], bodies: list[Any]) -> None:
        self.url, self.routes, self.bodies = url, routes, bodies

    def clients(self, monkeypatch: pytest.MonkeyPatch) -> tuple[Client, Any]:
        """Our client and the official one, both pointed at this server."""
        from arize import ArizeClient

        port = self.url.rsplit(":", 1)[1]
        for key, value in {
            "ARIZE_API_KEY": "k",
            "ARIZE_API_SCHEME": "http",
            "ARIZE_API_HOST": "127.0.0.1",
            "ARIZE_API_PORT": port,
        }.items():
            monkeypatch.setenv(key, value)
        return Client(api_key="k", base_url=self.url, max_retries=0), ArizeClient()


@contextmanager
def serve_canned() -> Iterator[Canned]:
    """A canned server on a free local port, with empty routes and bodies."""
    _Canned.routes, _Canned.bodies = {}, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Canned)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Canned(f"http://127.0.0.1:{server.server_port}", _Canned.routes, _Canned.bodies)
    finally:
        server.shutdown()
        server.server_close()
