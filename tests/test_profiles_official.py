"""Profiles made by the official CLI (arize-ax-cli 0.39, ``AX_OFFICIAL_CLI``) read by ours,
and a profile made by ours read by the official CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from arize_ax import Client
from arize_ax.testing import EmulatorServer
from profile_support import (
    AX,
    OFFICIAL,
    needs_official,
    no_key,
    official_text,
    ok,
    run,
    space_ids,
)


@needs_official
def test_profiles_created_by_the_official_cli_are_read_by_ours(
    emu: EmulatorServer, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = emu.api_key
    # Flags: written byte for byte as our fixtures write them.
    ok(
        run(
            OFFICIAL,
            home,
            "profiles",
            "create",
            "flags",
            "--api-key",
            key,
            "--single-host",
            "127.0.0.1",
            "--single-port",
            str(emu.port),
            "--output-format",
            "json",
        )
    )
    written = (home / ".arize" / "profiles" / "flags.toml").read_text()
    expected = official_text(
        "flags",
        key,
        routing={"single_host": "127.0.0.1", "single_port": str(emu.port)},
        output="json",
        update_enabled=True,
    )
    assert written == expected
    assert (home / ".arize" / ".active_profile").read_text() == "flags"
    shown = json.loads(ok(run(AX, home, "profiles", "show", "-o", "json")).stdout)
    assert (shown["name"], shown["single_port"], shown["output_format"]) == (
        "flags",
        str(emu.port),
        "json",
    )
    assert Client().base_url.rstrip("/") == f"https://127.0.0.1:{emu.port}"
    # A region alias from flags is stored canonical and read by ours.
    ok(run(OFFICIAL, home, "profiles", "create", "eu", "--api-key", key, "--region", "EU"))
    assert Client().base_url.rstrip("/") == "https://api.eu-west-1a.arize.com"
    # From a file (the only way to set api_scheme): ours then reaches the emulator.
    spec = home / "in.toml"
    spec.write_text(
        f'[auth]\napi_key = "${{EMU_KEY}}"\n\n[routing]\nsingle_host = "127.0.0.1"\n'
        f'single_port = "{emu.port}"\napi_scheme = "http"\n\n[update]\nenabled = false\n'
    )
    ok(run(OFFICIAL, home, "profiles", "create", "file", "-f", str(spec)))
    text = (home / ".arize" / "profiles" / "file.toml").read_text()
    assert 'api_key = "${EMU_KEY}"' in text
    p = ok(run(AX, home, "spaces", "list", "-o", "json", "-l", "100", env={"EMU_KEY": key}))
    assert set(s["id"] for s in json.loads(p.stdout)["spaces"]) <= set(space_ids(emu))
    monkeypatch.setenv("EMU_KEY", key)
    assert len(Client().spaces.list()) > 0
    listed = json.loads(ok(run(AX, home, "profiles", "list", "-o", "json")).stdout)["profiles"]
    assert [r["name"] for r in listed] == ["eu", "file", "flags"]
    assert [r["active"] for r in listed] == ["", "*", ""]


@needs_official
def test_a_profile_created_by_ours_is_read_by_the_official_cli(
    emu: EmulatorServer, home: Path
) -> None:
    key = emu.api_key
    ok(
        run(
            AX,
            home,
            "profiles",
            "create",
            "ours",
            "--api-key",
            key,
            "--base-url",
            emu.url,
            "--output-format",
            "json",
        )
    )
    shown = ok(run(OFFICIAL, home, "profiles", "show", "ours"))
    assert "ours" in shown.stdout + shown.stderr
    assert "127.0.0.1" in shown.stdout + shown.stderr
    no_key(shown, key)
    ok(run(OFFICIAL, home, "profiles", "validate", "ours"))
    theirs = ok(run(OFFICIAL, home, "spaces", "list", "-o", "json", "--limit", "100"))
    mine = ok(run(AX, home, "spaces", "list", "-o", "json", "--limit", "100"))
    ids = [s["id"] for s in json.loads(theirs.stdout)["spaces"]]
    assert ids and ids == [s["id"] for s in json.loads(mine.stdout)["spaces"]]
    # Ours updates it; the official CLI still reads it (and sees the change).
    ok(run(AX, home, "profiles", "update", "ours", "--output-format", "table"))
    shown = ok(run(OFFICIAL, home, "profiles", "show", "ours"))
    assert "table" in shown.stdout + shown.stderr
    # And switching/deleting with ours is seen by the official CLI.
    ok(run(AX, home, "profiles", "create", "second", "--api-key", "k2"))
    listed = ok(run(OFFICIAL, home, "profiles", "list"))
    assert "second" in listed.stdout + listed.stderr
    ok(run(AX, home, "profiles", "use", "ours"))
    ok(run(AX, home, "profiles", "delete", "second", "--force"))
    listed = ok(run(OFFICIAL, home, "profiles", "list"))
    assert "second" not in listed.stdout + listed.stderr
    assert (home / ".arize" / ".active_profile").read_text() == "ours"
