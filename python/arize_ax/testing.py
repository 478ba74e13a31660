"""Run your code against the bundled emulator of the Arize AX API, offline.

Context manager::

    from arize_ax import Client
    from arize_ax.testing import EmulatorServer

    with EmulatorServer() as emu:
        client = Client(api_key=emu.api_key, base_url=emu.url)
        print(client.spaces.list().to_pandas())

pytest: enable the plugin with ``pytest_plugins = ["arize_ax.testing"]`` in your
``conftest.py`` (or ``pytest -p arize_ax.testing``) and request the ``ax_emulator``
fixture (a fresh, seeded emulator per test) or ``ax_client`` (a ``Client`` bound to
it). The official SDK can be pointed at it too, with ``emu.sdk_env()``.

HTTPS: ``EmulatorServer(tls=True)`` serves ``https://127.0.0.1:PORT`` with a certificate
signed by a CA generated at start; ``emu.ca_cert_path`` is that CA as a PEM file (kept
until the server stops), and ``emu.client()`` / ``emu.sdk_env()`` trust it.

Faults: ``emu.add_fault(path="/v2/spaces", action="reset", probability=0.2,
unlimited=True)`` (actions: ``reset``, ``reset_after``, ``truncate``, ``malformed_json``,
``stall_cursor``, ``empty_page``; or ``status=503``, ``latency_ms=...``),
``emu.set_fault_seed(7)`` and ``emu.fault_stats()``.

Rate limits: ``EmulatorServer(rate_limit=5)`` (or ``"5:10"``, or
``{"rps": 5, "burst": 10, "per_route": True}``) answers 429 with ``Retry-After`` beyond a
token bucket per API key; ``emu.set_rate_limit(...)``, ``emu.rate_limit_stats()``.
"""

from __future__ import annotations

import os
import tempfile
import weakref
from collections.abc import Iterator, Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

try:
    from ._native import Emulator
except ImportError as exc:  # a build made without the `emulator` feature
    raise ImportError(
        "this build of arize-ax has no emulator (it was built without the `emulator` "
        "feature); the published wheels include it"
    ) from exc

__all__ = ["EmulatorServer", "ax_client", "ax_emulator"]


def _remove_file(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class EmulatorServer:
    """An in-process emulator on 127.0.0.1 (a free port unless ``port`` is given).

    It starts on construction and stops on :meth:`stop` or when the ``with`` block
    ends. Control methods (``add_fault``, ``requests``, ``reset``, ``key_for_space_role``
    ...) act on the running server's state directly; ``control=True`` additionally serves
    them as unauthenticated ``/_emulator`` HTTP routes (off by default). ``tls=True``
    serves HTTPS (see :attr:`ca_cert_path`).

    ``latency_ms`` simulates a network: every API answer is held back by that round trip,
    ± up to ``latency_jitter_ms`` at random, and each new connection by one round trip
    more (two over TLS), so that code and benchmarks on loopback see what a real network
    costs (see :meth:`set_latency`).

    ``rate_limit`` simulates the API's rate limit: a token bucket per API key holding
    ``burst`` requests, refilled at ``rps`` per second; requests beyond it get ``429`` with a
    problem body and ``Retry-After``, and every API answer carries ``RateLimit-*`` /
    ``X-RateLimit-*`` headers. Give a number (``rps``, with ``burst`` = ``rps`` rounded up),
    a string ``"RPS[:BURST]"`` or a dict ``{"rps": ..., "burst": ..., "per_route": ...}``
    (see :meth:`set_rate_limit`). Off by default.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: Literal["demo", "none"] = "demo",
        control: bool = False,
        lenient: bool = False,
        tls: bool = False,
        latency_ms: float = 0.0,
        latency_jitter_ms: float = 0.0,
        rate_limit: float | str | Mapping[str, Any] | None = None,
    ) -> None:
        self._emulator = Emulator(
            host=host,
            port=port,
            seed=seed,
            control=control,
            lenient=lenient,
            tls=tls,
            latency_ms=latency_ms,
            latency_jitter_ms=latency_jitter_ms,
            rate_limit=rate_limit,
        )
        self._ca_cert_path: str | None = None
        self._tls = tls
        pem = self._emulator.ca_cert_pem
        if pem is not None:
            fd, path = tempfile.mkstemp(prefix="ax-emulator-ca-", suffix=".pem")
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(pem)
            self._ca_cert_path = path
            # Removed on stop(), or when this object is collected without a stop.
            self._ca_cleanup = weakref.finalize(self, _remove_file, path)

    @property
    def url(self) -> str:
        """Base URL for ``Client(base_url=...)``."""
        return self._emulator.url

    @property
    def port(self) -> int:
        return self._emulator.port

    @property
    def api_key(self) -> str:
        """The seeded admin API key."""
        return self._emulator.api_key

    @property
    def running(self) -> bool:
        return self._emulator.running

    @property
    def tls(self) -> bool:
        """True when serving HTTPS."""
        return self._tls

    @property
    def ca_cert_path(self) -> str | None:
        """With ``tls=True``: path of the CA certificate (PEM) to trust; removed on stop."""
        return self._ca_cert_path

    @property
    def ca_cert_pem(self) -> str | None:
        """With ``tls=True``: the CA certificate (PEM)."""
        return self._emulator.ca_cert_pem

    def client(self, api_key: str | None = None, **kwargs: Any) -> Any:
        """A :class:`arize_ax.Client` bound to this emulator (admin key by default)."""
        from . import Client

        if self._ca_cert_path is not None:
            kwargs.setdefault("ssl_ca_cert", self._ca_cert_path)
        return Client(api_key=api_key or self.api_key, base_url=self.url, **kwargs)

    def async_client(self, api_key: str | None = None, **kwargs: Any) -> Any:
        """An :class:`arize_ax.AsyncClient` bound to this emulator."""
        from . import AsyncClient

        if self._ca_cert_path is not None:
            kwargs.setdefault("ssl_ca_cert", self._ca_cert_path)
        return AsyncClient(api_key=api_key or self.api_key, base_url=self.url, **kwargs)

    def sdk_env(self, api_key: str | None = None) -> dict[str, str]:
        """Environment variables that point the official ``arize`` SDK at this emulator."""
        parts = urlsplit(self.url)
        env = {
            "ARIZE_API_KEY": api_key or self.api_key,
            "ARIZE_API_SCHEME": parts.scheme,
            "ARIZE_API_HOST": parts.hostname or "127.0.0.1",
            "ARIZE_API_PORT": str(self.port),
        }
        if self._ca_cert_path is not None:
            env["ARIZE_SSL_CA_CERT"] = self._ca_cert_path
        return env

    def set_latency(self, ms: float, jitter_ms: float = 0.0) -> None:
        """Simulates a round trip of ``ms`` milliseconds (± a uniform ``jitter_ms``) on
        every API answer from now on, and one more per new connection; ``set_latency(0)``
        turns it off, ``reset()`` keeps it. ``ValueError`` unless
        ``0 <= jitter_ms <= ms`` and ``ms + jitter_ms <= 10000``."""
        self._emulator.set_latency(ms, jitter_ms)

    def latency(self) -> dict[str, float]:
        """The simulated latency in force: ``{"ms": ..., "jitter_ms": ...}``."""
        return self._emulator.latency()

    def set_rate_limit(self, rps: float, burst: int | None = None, per_route: bool = False) -> None:
        """Limits every API key from now on to a token bucket of ``burst`` requests (default
        ``rps`` rounded up, at least 1) refilled at ``rps`` per second; with ``per_route``
        each key has one bucket per route (method and route template, e.g.
        ``GET /v2/spaces/{space_id}``). Requests beyond it get ``429`` with ``Retry-After``.
        Every bucket starts full; ``reset()`` keeps the limit but refills the buckets.
        ``ValueError`` unless ``0 < rps <= 100000`` and ``1 <= burst <= 1000000``."""
        self._emulator.set_rate_limit(rps, burst, per_route)

    def clear_rate_limit(self) -> None:
        """Turns the rate limit off (the statistics stay)."""
        self._emulator.clear_rate_limit()

    def rate_limit(self) -> dict[str, Any] | None:
        """The rate limit in force, ``{"rps": ..., "burst": ..., "per_route": ...}``, or
        ``None``."""
        return self._emulator.rate_limit()

    def rate_limit_stats(self) -> dict[str, Any]:
        """Requests admitted and refused while a limit was set, since start, ``reset()`` or
        :meth:`clear_rate_limit_stats`: ``{"admitted": n, "refused": n, "by_user":
        {user_id: {"admitted": n, "refused": n}}, "by_key": {fingerprint: {...}}}``, in
        total, by the user ID of the request's key, and by the key itself under
        :meth:`key_fingerprint` (``"unauthenticated"`` for requests without a valid key;
        keys never appear)."""
        return self._emulator.rate_limit_stats()

    @staticmethod
    def key_fingerprint(key: str) -> str:
        """How :meth:`rate_limit_stats` names a key in ``"by_key"``: ``"sha256:"`` and the
        first 16 hex digits of the SHA-256 of the key, e.g.
        ``emu.rate_limit_stats()["by_key"][EmulatorServer.key_fingerprint(emu.api_key)]``."""
        return Emulator.key_fingerprint(key)

    def clear_rate_limit_stats(self) -> None:
        """Zeroes the rate limit statistics."""
        self._emulator.clear_rate_limit_stats()

    def stop(self) -> None:
        """Stops the server (and removes the CA file); safe to call twice."""
        self._emulator.stop()
        if self._ca_cert_path is not None:
            self._ca_cert_path = None
            self._ca_cleanup()

    def __enter__(self) -> EmulatorServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __getattr__(self, name: str) -> Any:
        # Control surface: reset, seed_info, create_user, create_key, set_space_role,
        # key_for_space_role, add_fault, clear_faults, set_fault_seed, fault_stats,
        # clear_fault_stats, requests, clear_requests, set_run_timeline, ...
        return getattr(self._emulator, name)

    def __repr__(self) -> str:
        return f"EmulatorServer(url={self.url!r}, running={self.running})"


try:
    import pytest
except ImportError:  # pragma: no cover - pytest is optional
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture
    def ax_emulator() -> Iterator[EmulatorServer]:
        """A fresh emulator with the demo seed, stopped after the test."""
        with EmulatorServer() as emu:
            yield emu

    @pytest.fixture
    def ax_client(ax_emulator: EmulatorServer) -> Any:
        """An :class:`arize_ax.Client` bound to ``ax_emulator`` with its admin key."""
        return ax_emulator.client()
