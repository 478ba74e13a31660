"""Configuration: precedence, regions, the key's secrecy, plain-http guard."""

from __future__ import annotations

import subprocess
import sys

import pytest
from arize_ax import AsyncClient, Client
from arize_ax import errors as E
from arize_ax.testing import EmulatorServer


def test_missing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARIZE_API_KEY", raising=False)
    with pytest.raises(E.MissingApiKeyError) as info:
        Client()
    assert "ARIZE_API_KEY" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_env_key_and_host(monkeypatch: pytest.MonkeyPatch, emu: EmulatorServer) -> None:
    monkeypatch.setenv("ARIZE_API_KEY", emu.api_key)
    monkeypatch.setenv("ARIZE_API_SCHEME", "http")
    monkeypatch.setenv("ARIZE_API_HOST", "127.0.0.1")
    monkeypatch.setenv("ARIZE_API_PORT", str(emu.port))
    c = Client()
    assert c.base_url.rstrip("/") == emu.url
    assert len(c.spaces.list()) > 0


def test_explicit_beats_env(monkeypatch: pytest.MonkeyPatch, emu: EmulatorServer) -> None:
    monkeypatch.setenv("ARIZE_API_KEY", "wrong-key")
    monkeypatch.setenv("ARIZE_API_HOST", "example.invalid")
    c = Client(api_key=emu.api_key, base_url=emu.url)
    assert len(c.spaces.list()) > 0


@pytest.mark.parametrize(
    ("region", "host"),
    [("us-central-1a", "api.us-central-1a.arize.com"), ("eu-west-1a", "api.eu-west-1a.arize.com")],
)
def test_regions(region: str, host: str) -> None:
    c = Client(api_key="k", region=region)
    assert c.base_url.rstrip("/") == f"https://{host}"


def test_default_host() -> None:
    assert Client(api_key="k").base_url.rstrip("/") == "https://api.arize.com"


def test_bad_region_names_allowed_values() -> None:
    with pytest.raises(E.ConfigError) as info:
        Client(api_key="k", region="mars-1")
    for allowed in ("us-central-1a", "us-east-1b", "ca-central-1a", "eu-west-1a"):
        assert allowed in str(info.value)


def test_bad_scheme() -> None:
    with pytest.raises(E.ConfigError, match="scheme"):
        Client(api_key="k", scheme="ftp")


def test_base_url_excludes_host() -> None:
    with pytest.raises(E.ConfigError):
        Client(api_key="k", base_url="http://127.0.0.1:1", host="example.com")


def test_plain_http_to_remote_host_needs_opt_in() -> None:
    with pytest.raises(E.ConfigError) as info:
        Client(api_key="secret-key-123", base_url="http://example.com")
    assert "secret-key-123" not in str(info.value)
    c = Client(api_key="k", base_url="http://example.com", allow_insecure_http=True)
    assert c.base_url.startswith("http://example.com")
    Client(api_key="k", base_url="http://localhost:9")  # loopback is fine


def test_bad_timeouts() -> None:
    with pytest.raises(E.ValidationError) as info:
        Client(api_key="k", timeout=0)
    assert info.value.field == "timeout"
    with pytest.raises(ValueError):
        Client(api_key="k", total_timeout=-1)


def test_key_not_in_reprs(emu: EmulatorServer) -> None:
    for c in (
        Client(api_key=emu.api_key, base_url=emu.url),
        AsyncClient(api_key=emu.api_key, base_url=emu.url),
    ):
        assert emu.api_key not in repr(c)
        assert emu.api_key not in repr(c.spaces)


def test_base_url_with_v2_suffix(emu: EmulatorServer) -> None:
    c = Client(api_key=emu.api_key, base_url=emu.url + "/v2")
    assert len(c.spaces.list()) > 0


def test_import_does_not_pull_pandas() -> None:
    code = "import sys, arize_ax; print('pandas' in sys.modules, 'polars' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
