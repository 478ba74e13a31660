"""Fidelity: the official `arize` SDK (8.61.0) runs every spaces operation against our
emulator. It checks the emulator against an independent client, so a mistake shared
by our client and our emulator cannot hide here.

CI installs `arize==8.61.0`; elsewhere this module is skipped when it is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

arize = pytest.importorskip(
    "arize", reason="the official SDK (pip install arize==8.61.0) is not installed"
)

from arize_ax.testing import EmulatorServer  # noqa: E402


@pytest.fixture
def sdk(emu: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for key, value in emu.sdk_env().items():
        monkeypatch.setenv(key, value)
    from arize import ArizeClient

    yield ArizeClient()


def test_official_sdk_spaces_operations(
    sdk: Any, emu: EmulatorServer, seed: dict[str, Any]
) -> None:
    from arize.spaces.types import PredefinedSpaceRole

    org_id = seed["organizations"][0]["id"]
    listed = sdk.spaces.list(limit=2)
    assert len(listed.spaces) == 2 and listed.pagination.has_more
    nxt = sdk.spaces.list(limit=2, cursor=listed.pagination.next_cursor)
    assert {s.id for s in nxt.spaces}.isdisjoint({s.id for s in listed.spaces})
    assert sdk.spaces.list(organization_id=org_id, name="zzz-none").spaces == []

    created = sdk.spaces.create(name="sdk-made", organization_id=org_id, description="by sdk")
    assert created.name == "sdk-made" and created.description == "by sdk"
    got = sdk.spaces.get(space="sdk-made")
    assert got.id == created.id
    assert sdk.spaces.get(space=created.id).name == "sdk-made"

    updated = sdk.spaces.update(space=created.id, name="sdk-renamed")
    assert updated.name == "sdk-renamed" and updated.description == "by sdk"
    cleared = sdk.spaces.update(space=created.id, description=None)
    assert cleared.description in ("", None)

    user_id = emu.create_user(name="SDK User", email="sdk@example.com", organization_ids=[org_id])
    membership = sdk.spaces.add_user(
        space=created.id, user_id=user_id, role=PredefinedSpaceRole(name="MEMBER")
    )
    assert membership.user_id == user_id and membership.space_id == created.id
    sdk.spaces.remove_user(space=created.id, user_id=user_id)
    sdk.spaces.delete(space=created.id)
    assert "sdk-renamed" not in {s.name for s in sdk.spaces.list(limit=100).spaces}


def test_official_sdk_sees_problem_errors(sdk: Any, seed: dict[str, Any]) -> None:
    from arize._generated.api_client.exceptions import ApiException

    org_id = seed["organizations"][0]["id"]
    sdk.spaces.create(name="twice", organization_id=org_id)
    with pytest.raises(ApiException) as info:
        sdk.spaces.create(name="twice", organization_id=org_id)
    assert info.value.status == 409


def test_official_sdk_name_resolution(sdk: Any, seed: dict[str, Any]) -> None:
    names = [s["name"] for s in seed["spaces"]]
    ambiguous = next(n for n in names if names.count(n) > 1)
    with pytest.raises(Exception, match="Multiple spaces named"):
        sdk.spaces.get(space=ambiguous)
