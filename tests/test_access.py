"""Status codes from the emulator's access rules map to the right exceptions."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest
from arize_ax import Client
from arize_ax import errors as E
from arize_ax.testing import EmulatorServer


def as_role(emu: EmulatorServer, space_id: str, role: str) -> Client:
    return Client(api_key=emu.key_for_space_role(space_id=space_id, role=role), base_url=emu.url)


def test_bad_key_is_401(emu: EmulatorServer) -> None:
    bad = Client(api_key="not-a-real-key", base_url=emu.url)
    with pytest.raises(E.UnauthorizedError) as info:
        bad.spaces.list()
    assert info.value.status == 401
    assert "not-a-real-key" not in str(info.value)
    assert "not-a-real-key" not in repr(info.value)


@pytest.mark.parametrize(
    ("role", "read_ok", "write_status"),
    [
        ("ADMIN", True, None),
        ("MEMBER", True, 403),
        ("READ_ONLY", True, 403),
        ("ANNOTATOR", True, 403),
        ("NONE", False, 404),
    ],
)
def test_role_matrix(
    emu: EmulatorServer, seed: dict[str, Any], role: str, read_ok: bool, write_status: Any
) -> None:
    space = seed["spaces"][0]
    c = as_role(emu, space["id"], role)
    if read_ok:
        assert c.spaces.get(space=space["id"]).id == space["id"]
    else:
        with pytest.raises(E.NotFoundError):
            c.spaces.get(space=space["id"])
    if write_status is None:
        assert c.spaces.update(space=space["id"], description="by admin").description == "by admin"
    else:
        expected = {403: E.ForbiddenError, 404: E.NotFoundError}[write_status]
        with pytest.raises(expected) as info:
            c.spaces.update(space=space["id"], description="nope")
        assert info.value.status == write_status
        with pytest.raises(expected):
            c.spaces.delete(space=space["id"])


def test_invisible_space_is_not_listed(emu: EmulatorServer, seed: dict[str, Any]) -> None:
    space = seed["spaces"][0]
    c = as_role(emu, space["id"], "NONE")
    assert space["id"] not in {s.id for s in c.spaces.list_all()}


def test_problem_fields_on_error(client: Client) -> None:
    with pytest.raises(E.NotFoundError) as info:
        client.spaces.get(space="U3BhY2U6OTk5OTk6enp6eg==")
    err = info.value
    assert isinstance(err, E.ApiError) and isinstance(err, E.AxError)
    assert err.status == 404
    assert err.title == "Resource not found"
    assert err.instance == "/v2/spaces/U3BhY2U6OTk5OTk6enp6eg=="
    assert err.method == "GET"
    assert unquote(err.url).endswith("/v2/spaces/U3BhY2U6OTk5OTk6enp6eg==")
    assert err.body and '"status"' in err.body
    assert err.attempts == 1


def test_server_side_validation_is_400(client: Client, org_id: str) -> None:
    with pytest.raises(E.NotFoundError):
        client.spaces.create(name="orphan", organization_id="T3JnYW5pemF0aW9uOjk5OTphYmNk")


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, E.BadRequestError),
        (401, E.UnauthorizedError),
        (403, E.ForbiddenError),
        (404, E.NotFoundError),
        (409, E.ConflictError),
        (422, E.UnprocessableEntityError),
        (429, E.RateLimitError),
        (500, E.ServerError),
        (503, E.ServerError),
        (418, E.ApiError),
    ],
)
def test_each_status_maps_to_its_exception(emu: EmulatorServer, status: int, cls: type) -> None:
    c = Client(api_key=emu.api_key, base_url=emu.url, max_retries=0)
    emu.add_fault(method="GET", path="/v2/spaces", status=status, count=1)
    with pytest.raises(cls) as info:
        c.spaces.list()
    err = info.value
    assert type(err) is cls
    assert err.status == status
    assert err.instance == "/v2/spaces"
    assert err.method == "GET" and err.url.endswith("/v2/spaces?limit=50")
    assert emu.api_key not in str(err) and emu.api_key not in repr(err)
