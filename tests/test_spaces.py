"""Spaces end to end against the emulator, through the blocking client."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from arize_ax import Client, Page, Space, SpaceMembership
from arize_ax import errors as E
from arize_ax.testing import EmulatorServer
from conftest import v2_requests


def test_crud_round_trip(client: Client, org_id: str, emu: EmulatorServer) -> None:
    created = client.spaces.create(name="qa-space", organization_id=org_id, description="first")
    assert isinstance(created, Space)
    assert created.name == "qa-space"
    assert created.description == "first"
    assert created.organization_id == org_id
    assert created.created_at.tzinfo is not None
    assert created.created_at <= datetime.now(timezone.utc)

    assert client.spaces.get(space=created.id) == created
    assert client.spaces.get(space="qa-space") == created

    renamed = client.spaces.update(space=created.id, name="qa-space-2")
    assert renamed.name == "qa-space-2"
    assert renamed.description == "first"  # omitted, so unchanged

    names = [s.name for s in client.spaces.list_all()]
    assert "qa-space-2" in names and "qa-space" not in names

    client.spaces.delete(space="qa-space-2")
    with pytest.raises(E.NameNotFoundError):
        client.spaces.get(space="qa-space-2")
    with pytest.raises(E.NotFoundError) as info:
        client.spaces.get(space=created.id)
    assert info.value.status == 404


def test_update_sends_only_supplied_fields(
    client: Client, org_id: str, emu: EmulatorServer
) -> None:
    s = client.spaces.create(name="patchy", organization_id=org_id, description="keep me")
    updated = client.spaces.update(space=s.id, description="changed")
    assert updated.name == "patchy" and updated.description == "changed"
    # name=None is ignored, as in the official SDK; description=None clears.
    cleared = client.spaces.update(space=s.id, name=None, description=None)
    assert cleared.name == "patchy"
    assert cleared.description in ("", None)


def test_update_with_nothing_is_rejected_before_any_request(
    client: Client, org_id: str, emu: EmulatorServer
) -> None:
    s = client.spaces.create(name="untouched", organization_id=org_id)
    emu.clear_requests()
    with pytest.raises(E.ValidationError) as info:
        client.spaces.update(space=s.id)
    assert isinstance(info.value, ValueError)
    with pytest.raises(ValueError):
        client.spaces.update(space=s.id, name=None)
    assert v2_requests(emu) == []


def test_newer_fields_are_read_everywhere(client: Client, org_id: str, emu: EmulatorServer) -> None:
    s = client.spaces.create(name="newer", organization_id=org_id)
    assert s.default_llm_integration is None and s.ml_models_enabled is None
    assert "gradient" not in repr(s)  # unset newer fields stay out of the repr
    llm = {"integration_id": "TGxtSW50ZWdyYXRpb246MTpBYg==", "model_name": "gpt-4o"}
    runtime = {"integration_id": "QWdlbnQ6MTpBYg=="}
    updated = client.spaces.update(
        space=s.id,
        default_llm_integration=llm,
        ml_models_enabled=False,
        gradient_start_color="#000000",
        gradient_end_color="#ffffff",
        default_agent_runtime=runtime,
    )
    listed = next(x for x in client.spaces.list(name="newer") if x.id == s.id)
    every = next(x for x in client.spaces.list_all(name="newer") if x.id == s.id)
    for got in (updated, client.spaces.get(space="newer"), listed, every):
        assert got.default_llm_integration == llm and got.default_agent_runtime == runtime
        assert got.ml_models_enabled is False
        assert (got.gradient_start_color, got.gradient_end_color) == ("#000000", "#ffffff")
        assert got.to_dict()["default_llm_integration"] == llm
        assert "gradient_end_color='#ffffff'" in repr(got)
    page = client.spaces.list()
    for shown in (repr(updated), repr(page), repr(page.pagination), updated.model_dump_json()):
        assert emu.api_key not in shown


def test_update_rejects_unknown_keyword(client: Client) -> None:
    with pytest.raises(TypeError, match="colour"):
        client.spaces.update(space="x", colour="red")  # type: ignore[call-arg]


def test_create_validation_before_request(client: Client, org_id: str, emu: EmulatorServer) -> None:
    emu.clear_requests()
    with pytest.raises(E.ValidationError) as info:
        client.spaces.create(name="", organization_id=org_id)
    assert info.value.field == "name"
    with pytest.raises(E.ValidationError) as info:
        client.spaces.create(name="x" * 256, organization_id=org_id)
    assert info.value.field == "name"
    with pytest.raises(E.ValidationError) as info:
        client.spaces.create(name="ok", organization_id=org_id, description="d" * 1001)
    assert info.value.field == "description"
    with pytest.raises(E.ValidationError) as info:
        client.spaces.list(limit=0)
    assert info.value.field == "limit"
    with pytest.raises(E.ValidationError):
        client.spaces.list(limit=101)
    assert v2_requests(emu) == []


def test_duplicate_name_conflict(client: Client, org_id: str) -> None:
    client.spaces.create(name="dupe", organization_id=org_id)
    with pytest.raises(E.ConflictError) as info:
        client.spaces.create(name="dupe", organization_id=org_id)
    err = info.value
    assert err.status == 409
    assert err.title
    assert err.method == "POST"
    assert err.url.endswith("/v2/spaces")
    assert err.instance == "/v2/spaces"
    assert err.type and err.type.startswith("https://")
    assert "409" in str(err)


def test_pagination_over_many_pages(client: Client, org_id: str) -> None:
    made = {
        client.spaces.create(name=f"bulk-{i:03d}", organization_id=org_id).id for i in range(23)
    }
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = client.spaces.list(name="bulk-", limit=5, cursor=cursor)
        pages += 1
        seen.extend(s.id for s in page)
        if not page.has_more:
            assert page.next_cursor is None
            break
        assert page.next_cursor
        cursor = page.next_cursor
    assert pages == 5
    assert len(seen) == len(set(seen)) == 23
    assert set(seen) == made

    everything = client.spaces.list_all(name="bulk-", limit=4)
    assert len(everything) == 23
    assert everything.num_pages == 6
    assert everything.num_batches == 1
    assert [s.id for s in everything] == seen  # same server order, nothing lost or repeated
    assert everything.has_more is False and everything.next_cursor is None


def test_list_filters_by_organization(client: Client, seed: dict[str, Any]) -> None:
    org_a, org_b = (o["id"] for o in seed["organizations"][:2])
    a = client.spaces.list_all(organization_id=org_a)
    b = client.spaces.list_all(organization_id=org_b)
    assert len(a) > 0 and len(b) > 0
    assert {s.organization_id for s in a} == {org_a}
    assert {s.organization_id for s in b} == {org_b}


def test_page_object_shape(client: Client) -> None:
    page = client.spaces.list(limit=2)
    assert isinstance(page, Page)
    assert len(page) == len(page.items) == 2
    assert page.spaces == page.items  # the official SDK's attribute name
    assert page.pagination.has_more == page.has_more
    assert page[0] == page.items[0] and page[-1] == page.items[-1]
    with pytest.raises(IndexError):
        page[2]
    assert "spaces" in repr(page)
    d = page[0].to_dict()
    assert set(d) >= {"id", "name", "description", "created_at", "organization_id"}
    assert isinstance(d["created_at"], datetime)
    assert "Space(" in repr(page[0]) and page[0].id in repr(page[0])


def test_name_resolution(client: Client, seed: dict[str, Any], org_id: str) -> None:
    names = [s["name"] for s in seed["spaces"]]
    ambiguous = next(n for n in names if names.count(n) > 1)
    with pytest.raises(E.AmbiguousNameError) as amb:
        client.spaces.get(space=ambiguous)
    ids = {s["id"] for s in seed["spaces"] if s["name"] == ambiguous}
    assert set(amb.value.matching_ids) == ids
    assert amb.value.resource_name == ambiguous
    assert "Use a space ID to disambiguate" in str(amb.value)

    unique = next(n for n in names if names.count(n) == 1)
    by_name = client.spaces.get(space=unique)
    assert by_name.name == unique

    # Exact, case-sensitive: a substring or another case is not a match.
    client.spaces.create(name="Prod-Eu", organization_id=org_id)
    client.spaces.create(name="prod-eu-shadow", organization_id=org_id)
    with pytest.raises(E.NameNotFoundError) as miss:
        client.spaces.get(space="prod-eu")
    assert miss.value.resource_name == "prod-eu"
    assert {"Prod-Eu", "prod-eu-shadow"} <= set(miss.value.available_names)
    assert str(miss.value).startswith("space 'prod-eu' not found.")
    assert client.spaces.get(space="Prod-Eu").name == "Prod-Eu"


def test_add_and_remove_user(client: Client, seed: dict[str, Any], emu: EmulatorServer) -> None:
    space = next(s for s in seed["spaces"])
    org = space["organization_id"]
    user_id = emu.create_user(name="Newbie", email="newbie@example.com", organization_ids=[org])
    m = client.spaces.add_user(space=space["id"], user_id=user_id, role="read-only")
    assert isinstance(m, SpaceMembership)
    assert m.user_id == user_id and m.space_id == space["id"]
    assert m.role.type == "PREDEFINED" and m.role.name == "READ_ONLY"
    # Upsert: a second call changes the role.
    m2 = client.spaces.add_user(
        space=space["id"], user_id=user_id, role={"type": "predefined", "name": "Member"}
    )
    assert m2.role.name == "MEMBER"
    assert m2.to_dict()["role"] == {"type": "PREDEFINED", "name": "MEMBER"}
    client.spaces.remove_user(space=space["id"], user_id=user_id)
    with pytest.raises(E.NotFoundError):
        client.spaces.remove_user(space=space["id"], user_id=user_id)


def test_add_user_rules(client: Client, seed: dict[str, Any], emu: EmulatorServer) -> None:
    space = seed["spaces"][0]
    outsider = emu.create_user(name="Far Away", email="far@example.com", organization_ids=[])
    with pytest.raises(E.BadRequestError):  # not in the space's organization
        client.spaces.add_user(space=space["id"], user_id=outsider, role="member")
    annotator = emu.create_user(
        name="Ann",
        email="ann2@example.com",
        account_role="ANNOTATOR",
        organization_ids=[space["organization_id"]],
    )
    with pytest.raises(E.BadRequestError):  # annotators may only be ANNOTATOR
        client.spaces.add_user(space=space["id"], user_id=annotator, role="admin")
    m = client.spaces.add_user(space=space["id"], user_id=annotator, role="ANNOTATOR")
    assert m.role.name == "ANNOTATOR"


def test_custom_role(client: Client, seed: dict[str, Any], emu: EmulatorServer) -> None:
    role = seed["custom_roles"][0]
    space = next(s for s in seed["spaces"] if s["organization_id"] == role["organization_id"])
    user_id = emu.create_user(
        name="Cus Tom", email="custom@example.com", organization_ids=[space["organization_id"]]
    )
    m = client.spaces.add_user(space=space["id"], user_id=user_id, role=role["id"])
    assert m.role.type == "CUSTOM" and m.role.id == role["id"]


def test_bad_role_rejected_before_request(
    client: Client, seed: dict[str, Any], emu: EmulatorServer
) -> None:
    emu.clear_requests()
    for bad in ("owner", "", {"type": "PREDEFINED", "name": "boss"}, 42):
        with pytest.raises(E.ValidationError) as info:
            client.spaces.add_user(
                space=seed["spaces"][0]["id"], user_id="VXNlcjoxOmFiY2Q=", role=bad
            )
        assert info.value.field == "role"
        assert "MEMBER" in str(info.value)
    assert v2_requests(emu) == []


def test_role_spellings(client: Client, seed: dict[str, Any], emu: EmulatorServer) -> None:
    space = seed["spaces"][0]
    user_id = emu.create_user(
        name="Speller", email="sp@example.com", organization_ids=[space["organization_id"]]
    )
    for spelled, wire in [
        ("read_only", "READ_ONLY"),
        ("Read-Only", "READ_ONLY"),
        ("ADMIN", "ADMIN"),
        ("member", "MEMBER"),
    ]:
        m = client.spaces.add_user(space=space["id"], user_id=user_id, role=spelled)
        assert m.role.name == wire
