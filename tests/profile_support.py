"""Helpers of the profile tests: official profile files written exactly as arize-ax-cli 0.39
writes them (``ConfigManager.save``: ``model_dump(mode="json", exclude_none=True)`` without
empty values, through tomli_w), a private HOME, and ``ax`` run as a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from arize_ax.testing import EmulatorServer

AX = str(Path(sys.executable).with_name("ax"))
OFFICIAL = os.environ.get("AX_OFFICIAL_CLI", "")
needs_official = pytest.mark.skipif(
    not OFFICIAL,
    reason="AX_OFFICIAL_CLI is not set (it must name the official `ax` executable of "
    "arize-ax-cli 0.39 to create and read profiles with)",
)
KEY_MARK = "SECRET-PROFILE-KEY-9f3a"

# ---- the official writer ------------------------------------------------------------------

ROUTING_DEFAULTS: dict[str, str] = {
    "region": "",
    "single_host": "",
    "single_port": "",
    "base_domain": "",
    "api_host": "api.arize.com",
    "api_scheme": "https",
    "app_host": "app.arize.com",
    "app_scheme": "https",
    "otlp_host": "otlp.arize.com",
    "otlp_scheme": "https",
    "flight_host": "flight.arize.com",
    "flight_port": "443",
    "flight_scheme": "grpc+tls",
}


def official_model(
    name: str,
    api_key: str,
    routing: dict[str, str] | None = None,
    output: str = "table",
    request_verify: bool | str = True,
    update_enabled: bool = False,
) -> dict[str, Any]:
    """``Config.model_dump(mode="json", exclude_none=True)`` of an API-key profile (update
    checks off by default, so the official CLI never asks PyPI here)."""
    return {
        "profile": {"name": name},
        "auth": {"auth_method": "api-key", "api_key": api_key},
        "routing": {**ROUTING_DEFAULTS, **(routing or {})},
        "transport": {
            "stream_max_workers": 8,
            "stream_max_queue_bound": 5000,
            "pyarrow_max_chunksize": 10000,
            "max_http_payload_size_mb": 8,
        },
        "security": {"request_verify": request_verify},
        "output": {"format": output},
        "update": {"check_interval_hours": 6.0, "enabled": update_enabled},
    }


def _without_empty(d: dict[str, Any]) -> dict[str, Any]:
    """The official ``_remove_empty_values``."""
    return {
        k: _without_empty(v) if isinstance(v, dict) else v
        for k, v in d.items()
        if v != "" and v is not None
    }


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return json.dumps(v, ensure_ascii=False)  # a TOML basic string for these values


def tomli_w_dumps(data: dict[str, Any]) -> str:
    """tomli_w's output for a document of tables of scalars (what profiles hold)."""
    out: list[str] = []

    def table(path: str, d: dict[str, Any]) -> None:
        if out:
            out.append("")
        out.append(f"[{path}]")
        subs = []
        for k, v in d.items():
            if isinstance(v, dict):
                subs.append((k, v))
            else:
                out.append(f"{k} = {_toml_value(v)}")
        for k, v in subs:
            table(f"{path}.{k}", v)

    for k, v in data.items():
        table(k, v)
    return "\n".join(out) + "\n"


def official_text(name: str, api_key: str, **kwargs: Any) -> str:
    return tomli_w_dumps(_without_empty(official_model(name, api_key, **kwargs)))


def emu_routing(emu: EmulatorServer) -> dict[str, str]:
    return {"single_host": "127.0.0.1", "single_port": str(emu.port), "api_scheme": "http"}


# ---- fixtures ---------------------------------------------------------------------------


def make_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HOME for this process (the Client) and for the subprocesses."""
    h = tmp_path / "home"
    (h / ".arize").mkdir(parents=True)
    # The official CLI checks PyPI unless its cache is fresh.
    (h / ".arize" / ".upgrade_check").write_text(
        json.dumps({"last_check": time.time() + 86400, "latest_version": "0.0.1"})
    )
    monkeypatch.setenv("HOME", str(h))
    monkeypatch.setenv("USERPROFILE", str(h))
    for var in list(os.environ):
        if var.startswith("ARIZE_") or var in ("AX_PROFILE", "AX_CONFIG_DIR"):
            monkeypatch.delenv(var)
    return h


def write_profile(home: Path, name: str, text: str, *, active: bool = True) -> Path:
    path = home / ".arize" / "profiles" / f"{name}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if active:
        (home / ".arize" / ".active_profile").write_text(name)
    return path


def run(
    exe: str, home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    e = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ARIZE_", "AX_")) and k not in ("XDG_CONFIG_HOME",)
    }
    e.update(
        {
            "HOME": str(home),
            "USERPROFILE": str(home),
            "AX_CONFIG_DIR": str(home / "cfg"),
            "COLUMNS": "200",
        }
    )
    e.update(env or {})
    return subprocess.run(
        [exe, *args], capture_output=True, text=True, env=e, timeout=120, check=False
    )


def ok(p: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
    return p


def no_key(p: subprocess.CompletedProcess[str], key: str) -> None:
    assert key not in p.stdout and key not in p.stderr, (p.stdout, p.stderr)


def space_ids(emu: EmulatorServer) -> list[str]:
    return [s["id"] for s in emu.seed_info()["spaces"]]


# ---- official files read by ours ---------------------------------------------------------
