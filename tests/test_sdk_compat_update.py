"""Drop-in compatibility with the official `arize` SDK (8.61.0), continued: `spaces.update`
with all eight fields (values, `None` semantics, client-side checks, the wire body next to
the official SDK's, the official SDK reading the result), `ArizeClient` and `Region`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

arize = pytest.importorskip(
    "arize", reason="the official SDK (pip install arize==8.61.0) is not installed"
)

from arize_ax import Client  # noqa: E402
from arize_ax import errors as E  # noqa: E402
from arize_ax.testing import EmulatorServer  # noqa: E402
from conftest import SpaceKit, v2_requests  # noqa: E402
from sdk_compat_support import SPACE_ID, Canned, same_dumps, serve_canned  # noqa: E402


@pytest.fixture
def sdk(emu: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> Any:
    for key, value in emu.sdk_env().items():
        monkeypatch.setenv(key, value)
    from arize import ArizeClient

    return ArizeClient()


@pytest.fixture
def canned() -> Iterator[Canned]:
    with serve_canned() as server:
        yield server


# --- spaces.update with every field ---------------------------------------------------------

EVERY_FIELD: dict[str, Any] = {
    "name": "fully-updated",
    "description": "all eight",
    "is_private": True,
    "ml_models_enabled": True,
    "gradient_start_color": "#112233",
    "gradient_end_color": "#445566",
}


def _every_field(kit: SpaceKit) -> dict[str, Any]:
    return {
        **EVERY_FIELD,
        "default_llm_integration": {"integration_id": kit.integration["id"], "model_name": "m1"},
        "default_agent_runtime": {"integration_id": kit.integration["id"]},
    }


def test_update_every_field_round_trips_and_the_official_sdk_reads_it(
    client: Client, sdk: Any, kit: SpaceKit, org_id: str
) -> None:
    s = client.spaces.create(name="every-field", organization_id=org_id)
    fields = _every_field(kit)
    updated = client.spaces.update(space=s.id, **fields)
    for key, value in fields.items():
        assert getattr(updated, key) == value, key
    again = client.spaces.get(space=s.id)
    assert again == updated
    official = sdk.spaces.get(space=s.id)
    want = {**updated.model_dump(), **fields}
    assert official.model_dump() == want
    same_dumps(again, official)

    # The official SDK's own input models are accepted.
    from arize.spaces.types import DefaultAgentRuntime, DefaultLLMIntegration

    changed = client.spaces.update(
        space=s.id,
        default_llm_integration=DefaultLLMIntegration(
            integration_id=kit.integration["id"], model_name="m2"
        ),
        default_agent_runtime=DefaultAgentRuntime(integration_id=kit.integration["id"]),
    )
    assert changed.default_llm_integration == {
        "integration_id": kit.integration["id"],
        "model_name": "m2",
    }
    assert sdk.spaces.get(space=s.id).default_llm_integration.model_name == "m2"


def test_update_none_clears_or_leaves_as_in_the_official_sdk(
    client: Client, sdk: Any, kit: SpaceKit, org_id: str, emu: EmulatorServer
) -> None:
    s = client.spaces.create(name="nones", organization_id=org_id)
    full = client.spaces.update(space=s.id, **_every_field(kit))
    # None leaves these unchanged (alone, it is nothing to update: no request).
    for key in (
        "name",
        "is_private",
        "ml_models_enabled",
        "gradient_start_color",
        "gradient_end_color",
    ):
        emu.clear_requests()
        with pytest.raises(E.ValidationError):
            client.spaces.update(space=s.id, **{key: None})
        assert v2_requests(emu) == [], key
        with_other = client.spaces.update(space=s.id, **{key: None}, description="still here")
        assert getattr(with_other, key) == getattr(full, key), key
    # None clears these.
    cleared = client.spaces.update(
        space=s.id, description=None, default_llm_integration=None, default_agent_runtime=None
    )
    assert cleared.description in ("", None)
    assert cleared.default_llm_integration is None and cleared.default_agent_runtime is None
    official = sdk.spaces.get(space=s.id)
    assert official.default_llm_integration is None and official.default_agent_runtime is None
    assert official.gradient_start_color == "#112233"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "name, description"),
        ({"name": ""}, "name"),
        ({"name": 5}, "name"),
        ({"description": "x" * 1001}, "description"),
        ({"is_private": 1}, "is_private"),
        ({"is_private": "yes"}, "is_private"),
        ({"ml_models_enabled": 0}, "ml_models_enabled"),
        ({"gradient_start_color": ""}, "gradient_start_color"),
        ({"gradient_end_color": 0x112233}, "gradient_end_color"),
        ({"default_llm_integration": "openai"}, "default_llm_integration"),
        (
            {"default_llm_integration": {"integration_id": "x"}},
            "default_llm_integration.model_name",
        ),
        (
            {"default_llm_integration": {"integration_id": "", "model_name": "m"}},
            "default_llm_integration.integration_id",
        ),
        (
            {"default_llm_integration": {"integration_id": "x", "model_name": 4}},
            "default_llm_integration.model_name",
        ),
        (
            {"default_agent_runtime": {"integration_id": "x", "model_name": "m"}},
            "default_agent_runtime.model_name",
        ),
        ({"default_agent_runtime": {}}, "default_agent_runtime.integration_id"),
    ],
)
def test_update_rejects_bad_values_before_any_request(
    client: Client, seed: dict[str, Any], emu: EmulatorServer, kwargs: dict[str, Any], field: str
) -> None:
    space = seed["spaces"][0]["id"]
    emu.clear_requests()
    with pytest.raises(E.ValidationError) as info:
        client.spaces.update(space=space, **kwargs)
    assert info.value.field == field
    assert v2_requests(emu) == []


async def test_async_update_every_field(emu: EmulatorServer, kit: SpaceKit, org_id: str) -> None:
    ac = emu.async_client()
    s = await ac.spaces.create(name="async-every-field", organization_id=org_id)
    fields = _every_field(kit)
    updated = await ac.spaces.update(space=s.id, **fields)
    assert {k: getattr(updated, k) for k in fields} == fields
    with pytest.raises(E.ValidationError):
        await ac.spaces.update(space=s.id, ml_models_enabled=None)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"name": "n"},
        {"name": None, "description": None},
        {"description": ""},
        {"is_private": False},
        {"is_private": None, "gradient_end_color": "#000"},
        {"default_llm_integration": None, "default_agent_runtime": None},
        {"default_llm_integration": {"integration_id": "TGxtOjE=", "model_name": "m"}},
        {"default_agent_runtime": {"integration_id": "QWdlbnQ6MQ=="}},
        {"ml_models_enabled": False, "gradient_start_color": "#fff"},
        {
            "name": "all",
            "description": "d",
            "is_private": True,
            "default_llm_integration": {"integration_id": "TGxtOjE=", "model_name": "m"},
            "ml_models_enabled": True,
            "gradient_start_color": "#111",
            "gradient_end_color": "#222",
            "default_agent_runtime": {"integration_id": "QWdlbnQ6MQ=="},
        },
    ],
)
def test_update_sends_the_official_sdks_body(
    canned: Canned, monkeypatch: pytest.MonkeyPatch, kwargs: dict[str, Any]
) -> None:
    from arize.spaces.types import DefaultAgentRuntime, DefaultLLMIntegration

    ours, official = canned.clients(monkeypatch)
    ours.spaces.update(space=SPACE_ID, **kwargs)
    official_kwargs = dict(kwargs)
    if isinstance(kwargs.get("default_llm_integration"), dict):
        official_kwargs["default_llm_integration"] = DefaultLLMIntegration(
            **kwargs["default_llm_integration"]
        )
    if isinstance(kwargs.get("default_agent_runtime"), dict):
        official_kwargs["default_agent_runtime"] = DefaultAgentRuntime(
            **kwargs["default_agent_runtime"]
        )
    official.spaces.update(space=SPACE_ID, **official_kwargs)
    sent, official_sent = canned.bodies
    assert sent == official_sent


# --- names -----------------------------------------------------------------------------------


def test_arize_client_and_region(emu: EmulatorServer) -> None:
    import arize_ax
    from arize.regions import Region as OfficialRegion
    from arize_ax import ArizeClient, Region
    from arize_ax.regions import Region as SameRegion

    assert ArizeClient is Client and SameRegion is Region
    assert [(r.name, r.value) for r in Region] == [(r.name, r.value) for r in OfficialRegion]
    assert Region.list_regions() == OfficialRegion.list_regions()
    assert Region.list_regions(include_unset=True) == OfficialRegion.list_regions(
        include_unset=True
    )
    assert "Region" in dir(arize_ax) and "ArizeClient" in arize_ax.__all__
    client = ArizeClient(api_key="k", region=Region.EU_WEST_1A)
    assert client.base_url.rstrip("/") == "https://api.eu-west-1a.arize.com"
    ours = ArizeClient(api_key=emu.api_key, base_url=emu.url)
    assert len(ours.spaces.list(limit=1)) == 1
