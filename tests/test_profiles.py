"""The official CLI's profiles (``~/.arize``) read by our ``ax`` and by ``arize_ax.Client``:
precedence, selection, ``${VAR}`` references, OAuth profiles, malformed files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from arize_ax import AsyncClient, Client
from arize_ax import errors as E
from arize_ax.testing import EmulatorServer
from profile_support import (
    AX,
    KEY_MARK,
    emu_routing,
    no_key,
    official_text,
    ok,
    run,
    space_ids,
    write_profile,
)


def test_official_profile_read_by_our_cli(emu: EmulatorServer, home: Path) -> None:
    write_profile(
        home, "emu", official_text("emu", emu.api_key, routing=emu_routing(emu), output="json")
    )
    p = ok(run(AX, home, "spaces", "list", "-l", "100"))
    # The profile's key, endpoint and default output format (json).
    got = [s["id"] for s in json.loads(p.stdout)["spaces"]]
    assert len(space_ids(emu)) <= 100 and sorted(got) == sorted(space_ids(emu))
    shown = ok(run(AX, home, "profiles", "show", "-o", "json"))
    v = json.loads(shown.stdout)
    assert (v["name"], v["active"], v["format"]) == ("emu", True, "official")
    assert v["single_port"] == str(emu.port)
    no_key(shown, emu.api_key)
    listed = ok(run(AX, home, "profiles", "list", "-o", "json"))
    (row,) = json.loads(listed.stdout)["profiles"]
    assert row["active"] == "*" and row["file"].endswith("emu.toml")
    ok(run(AX, home, "profiles", "validate"))


def test_official_profile_read_by_the_client(emu: EmulatorServer, home: Path) -> None:
    write_profile(home, "emu", official_text("emu", emu.api_key, routing=emu_routing(emu)))
    for cls in (Client, AsyncClient):
        c = cls()
        assert c.base_url.rstrip("/") == emu.url
        assert emu.api_key not in repr(c)
    assert len(Client().spaces.list(limit=5)) > 0
    # A legacy file (no auth_method) with a region alias.
    write_profile(
        home,
        "old",
        '[profile]\nname = "old"\n\n[auth]\napi_key = "k"\n\n[routing]\nregion = "EU"\n',
        active=False,
    )
    assert Client(profile="old").base_url.rstrip("/") == "https://api.eu-west-1a.arize.com"


def test_precedence_arguments_environment_profile(
    emu: EmulatorServer, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_profile(home, "wrong", official_text("wrong", "wrong-key", routing=emu_routing(emu)))
    with pytest.raises(E.UnauthorizedError):
        Client().spaces.list()
    # The environment's key beats the profile's, an argument beats the environment.
    monkeypatch.setenv("ARIZE_API_KEY", emu.api_key)
    assert len(Client().spaces.list()) > 0
    with pytest.raises(E.UnauthorizedError):
        Client(api_key="wrong-key").spaces.list()
    monkeypatch.delenv("ARIZE_API_KEY")
    # Any endpoint setting from the environment replaces the profile's whole endpoint.
    closed = {"single_host": "127.0.0.1", "single_port": "9", "api_scheme": "http"}
    write_profile(home, "closed", official_text("closed", emu.api_key, routing=closed))
    monkeypatch.setenv("ARIZE_API_SCHEME", "http")
    monkeypatch.setenv("ARIZE_API_HOST", "127.0.0.1")
    monkeypatch.setenv("ARIZE_API_PORT", str(emu.port))
    assert Client().base_url.rstrip("/") == emu.url
    for var in ("ARIZE_API_SCHEME", "ARIZE_API_HOST", "ARIZE_API_PORT"):
        monkeypatch.delenv(var)
    monkeypatch.setenv("ARIZE_API_SCHEME", "http")
    monkeypatch.setenv("ARIZE_SINGLE_HOST", "127.0.0.1")
    monkeypatch.setenv("ARIZE_SINGLE_PORT", str(emu.port))
    assert len(Client().spaces.list()) > 0
    for var in ("ARIZE_API_SCHEME", "ARIZE_SINGLE_HOST", "ARIZE_SINGLE_PORT"):
        monkeypatch.delenv(var)
    # ... and so does an argument (here only the scheme: the default host, no mixing).
    assert Client(base_url=emu.url).base_url.rstrip("/") == emu.url
    assert Client(api_scheme="https").base_url.rstrip("/") == "https://api.arize.com"
    assert Client().base_url.rstrip("/") == "http://127.0.0.1:9"
    # Selection: profile= beats AX_PROFILE beats the active one.
    write_profile(
        home, "good", official_text("good", emu.api_key, routing=emu_routing(emu)), active=False
    )
    monkeypatch.setenv("AX_PROFILE", "good")
    assert Client().base_url.rstrip("/") == emu.url
    assert Client(profile="closed").base_url.rstrip("/") == "http://127.0.0.1:9"
    # The same rules in our CLI.
    assert ok(run(AX, home, "spaces", "list", env={"AX_PROFILE": "good"})).stdout
    bad = run(AX, home, "spaces", "list", env={"AX_PROFILE": "wrong"})
    assert bad.returncode != 0 and "401" in bad.stderr, bad.stderr


def test_request_verify_from_the_profile(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Verification off in the profile: a CA bundle from the environment is then not even
    # read (a missing one would be an error otherwise).
    monkeypatch.setenv("ARIZE_SSL_CA_CERT", str(home / "missing-ca.pem"))
    write_profile(home, "v", official_text("v", "k", request_verify=True))
    with pytest.raises(E.ConfigError, match="ARIZE_SSL_CA_CERT"):
        Client()
    write_profile(home, "v", official_text("v", "k", request_verify=False))
    Client()
    monkeypatch.setenv("ARIZE_REQUEST_VERIFY", "true")
    with pytest.raises(E.ConfigError, match="ARIZE_SSL_CA_CERT"):
        Client()


def test_selection_errors(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(E.MissingApiKeyError):
        Client()
    write_profile(home, "a", official_text("a", "k"), active=False)
    write_profile(home, "b", official_text("b", "k"), active=False)
    with pytest.raises(E.ConfigError) as info:
        Client(profile="nope")
    assert "'nope' does not exist" in str(info.value) and "a, b" in str(info.value)
    monkeypatch.setenv("AX_PROFILE", "gone")
    with pytest.raises(E.ConfigError, match="from AX_PROFILE"):
        Client()
    monkeypatch.delenv("AX_PROFILE")
    (home / ".arize" / ".active_profile").write_text("deleted")
    with pytest.raises(E.ConfigError, match="active profile 'deleted'"):
        Client()
    p = run(AX, home, "--profile", "nope", "spaces", "list")
    assert p.returncode == 1 and "available profiles: a, b" in p.stderr, p.stderr


def test_env_references(emu: EmulatorServer, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = official_text(
        "ref",
        "${MY_AX_KEY}",
        routing={
            "single_host": "${EMU_HOST:127.0.0.1}",
            "single_port": "${EMU_PORT}",
            "api_scheme": "http",
        },
    )
    write_profile(home, "ref", text)
    monkeypatch.setenv("EMU_PORT", str(emu.port))
    with pytest.raises(E.ConfigError) as info:
        Client()
    msg = str(info.value)
    assert "ref.toml" in msg and "[auth] api_key" in msg and "MY_AX_KEY" in msg, msg
    monkeypatch.setenv("MY_AX_KEY", emu.api_key)
    c = Client()
    assert c.base_url.rstrip("/") == emu.url
    assert len(c.spaces.list()) > 0
    # `show` prints the reference, not the key; --expand masks the value.
    shown = ok(run(AX, home, "profiles", "show", "-o", "json"))
    assert json.loads(shown.stdout)["api_key"] == "${MY_AX_KEY}"
    expanded = ok(
        run(
            AX,
            home,
            "profiles",
            "show",
            "--expand",
            "-o",
            "json",
            env={"MY_AX_KEY": KEY_MARK, "EMU_PORT": "1"},
        )
    )
    assert json.loads(expanded.stdout)["api_key"].startswith("****")
    no_key(expanded, KEY_MARK)


def test_oauth_profiles_lend_routing_but_not_a_key(emu: EmulatorServer, home: Path) -> None:
    routing = "".join(f'{k} = "{v}"\n' for k, v in emu_routing(emu).items())
    write_profile(
        home,
        "sso",
        '[profile]\nname = "sso"\n\n[auth]\nauth_method = "oauth"\n\n'
        '[auth.oauth]\naccess_token = "tok-access-secret"\nrefresh_token = "tok-refresh"\n'
        'expires_at = "2030-01-01T00:00:00Z"\nuser_email = "me@example.com"\n\n'
        f"[routing]\n{routing}",
    )
    with pytest.raises(E.ConfigError) as info:
        Client()
    msg = str(info.value)
    assert "OAuth" in msg and "API-key profiles" in msg and "tok-access-secret" not in msg
    c = Client(api_key=emu.api_key)
    assert c.base_url.rstrip("/") == emu.url and len(c.spaces.list()) > 0
    p = run(AX, home, "spaces", "list")
    assert p.returncode == 1 and "API-key profiles" in p.stderr, p.stderr
    no_key(p, "tok-access-secret")


MALFORMED = [
    ('[auth]\napi_key = "{key}"\n[routing]\nregion = "mars-1"\n', "[routing] region"),
    ('[auth]\napi_key = "{key}"\n[routing]\nregion = 7\n', "[routing] region"),
    (
        '[auth]\napi_key = "{key}"\n[routing]\nregion = "US"\nbase_domain = "d"\n',
        "only one routing",
    ),
    ('[auth]\napi_key = "{key}"\n[routing]\napi_scheme = "ftp"\n', "[routing] api_scheme"),
    ('[auth]\napi_key = "{key}"\n[routing]\nsingle_port = "eighty"\n', "[routing] single_port"),
    ('[auth]\napi_key = "{key}"\n[output]\nformat = "yaml"\n', "[output] format"),
    (
        '[auth]\napi_key = "{key}"\n[security]\nrequest_verify = "maybe"\n',
        "[security] request_verify",
    ),
    (
        '[auth]\napi_key = "{key}"\n[update]\ncheck_interval_hours = -1\n',
        "[update] check_interval_hours",
    ),
    (
        '[auth]\napi_key = "{key}"\n[transport]\nstream_max_workers = "lots"\n',
        "[transport] stream_max_workers",
    ),
    ('[auth]\nauth_method = "api-key"\n', "[auth] api_key"),
    ('[auth]\nauth_method = "magic"\napi_key = "{key}"\n', "[auth] auth_method"),
    ("[auth]\napi_key = 12345\n", "[auth] api_key"),
    ('[auth]\napi_key = "${{UNSET_AX_TEST_VAR}}"\n', "UNSET_AX_TEST_VAR"),
    ('[auth]\napi_key = "{key}\n', "not valid TOML"),
    ("[auth]\napi_key = {key}\n", "not valid TOML"),
    ("", "[auth]"),
]


@pytest.mark.parametrize(("body", "part"), MALFORMED)
def test_malformed_profiles_name_the_file_and_key(home: Path, body: str, part: str) -> None:
    path = write_profile(home, "bad", '[profile]\nname = "bad"\n' + body.format(key=KEY_MARK))
    with pytest.raises(E.ConfigError) as info:
        Client()
    msg = str(info.value)
    assert str(path) in msg and part in msg, msg
    assert KEY_MARK not in msg
    p = run(AX, home, "spaces", "list")
    assert p.returncode == 1 and part in p.stderr, (p.returncode, p.stderr)
    no_key(p, KEY_MARK)
    v = run(AX, home, "profiles", "validate")
    assert v.returncode == 1 and str(path) in v.stderr, v.stderr
    no_key(v, KEY_MARK)


# ---- the official keywords of ArizeClient ----------------------------------------------------
