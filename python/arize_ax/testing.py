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
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ._native import Emulator

__all__ = ["EmulatorServer", "ax_client", "ax_emulator"]


class EmulatorServer:
    """An in-process emulator on 127.0.0.1 (a free port unless ``port`` is given).

    It starts on construction and stops on :meth:`stop` or when the ``with`` block
    ends. Control methods (``add_fault``, ``requests``, ``reset``, ``key_for_space_role``
    ...) act on the running server's state directly.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: str = "demo",
        control: bool = True,
        lenient: bool = False,
    ) -> None:
        self._emulator = Emulator(host=host, port=port, seed=seed, control=control, lenient=lenient)

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

    def client(self, api_key: str | None = None, **kwargs: Any) -> Any:
        """A :class:`arize_ax.Client` bound to this emulator (admin key by default)."""
        from . import Client

        return Client(api_key=api_key or self.api_key, base_url=self.url, **kwargs)

    def async_client(self, api_key: str | None = None, **kwargs: Any) -> Any:
        """An :class:`arize_ax.AsyncClient` bound to this emulator."""
        from . import AsyncClient

        return AsyncClient(api_key=api_key or self.api_key, base_url=self.url, **kwargs)

    def sdk_env(self, api_key: str | None = None) -> dict[str, str]:
        """Environment variables that point the official ``arize`` SDK at this emulator."""
        return {
            "ARIZE_API_KEY": api_key or self.api_key,
            "ARIZE_API_SCHEME": "http",
            "ARIZE_API_HOST": "127.0.0.1",
            "ARIZE_API_PORT": str(self.port),
        }

    def stop(self) -> None:
        """Stops the server; safe to call twice."""
        self._emulator.stop()

    def __enter__(self) -> EmulatorServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __getattr__(self, name: str) -> Any:
        # Control surface: reset, seed_info, create_user, create_key, set_space_role,
        # key_for_space_role, add_fault, clear_faults, requests, clear_requests.
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
