"""The emulator's simulated rate limit (``EmulatorServer(rate_limit=...)``): its settings,
statistics and what a plain HTTP caller sees (429, ``Retry-After``, ``RateLimit-*``).

The client's own behaviour under the limit is not tested here. Rates are low (0.5 per
second) so that a slow machine cannot refill a bucket between two requests.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from arize_ax.testing import EmulatorServer


def call(
    emu: EmulatorServer,
    path: str,
    key: str | None,
    method: str = "GET",
    body: Any = None,
) -> tuple[int, dict[str, str], Any]:
    """A plain HTTP request: status, lower-cased headers and the JSON body (or None)."""
    req = urllib.request.Request(emu.url + path, method=method)
    if key is not None:
        req.add_header("Authorization", f"Bearer {key}")
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, data=data, timeout=30) as resp:
            status, headers, text = resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        status, headers, text = err.code, err.headers, err.read()
    return (
        status,
        {k.lower(): v for k, v in headers.items()},
        json.loads(text) if text else None,
    )


def admin_user_id(emu: EmulatorServer) -> str:
    users = emu.seed_info()["users"]
    return next(u["id"] for u in users if u.get("key") == emu.api_key)


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        (2, {"rps": 2.0, "burst": 2, "per_route": False}),
        (0.5, {"rps": 0.5, "burst": 1, "per_route": False}),
        ("2.5", {"rps": 2.5, "burst": 3, "per_route": False}),
        ("0.5:3", {"rps": 0.5, "burst": 3, "per_route": False}),
        ({"rps": 1}, {"rps": 1.0, "burst": 1, "per_route": False}),
        (
            {"rps": 4, "burst": 8, "per_route": True},
            {"rps": 4.0, "burst": 8, "per_route": True},
        ),
        (None, None),
    ],
)
def test_every_form_of_the_setting(form: Any, expected: dict[str, Any] | None) -> None:
    with EmulatorServer(seed="none", rate_limit=form) as emu:
        assert emu.rate_limit() == expected


@pytest.mark.parametrize(
    ("form", "error", "match"),
    [
        ("abc", ValueError, 'RPS "abc" is not a number; give RPS or RPS:BURST'),
        ("5:x", ValueError, 'BURST "x" is not a whole number'),
        (0, ValueError, "rps must be a number of requests per second, above 0"),
        (200_000, ValueError, "at most 100000"),
        (float("nan"), ValueError, "rate limit rps"),
        ("5:0", ValueError, "burst must be an integer from 1 to 1000000"),
        ({"rps": 1, "burst": 0}, ValueError, "burst must be an integer from 1"),
        ({"rps": 1, "burst": 1.5}, ValueError, "burst must be an integer"),
        ({"burst": 2}, ValueError, "rps is required"),
        ({"rps": 1, "per_route": "yes"}, ValueError, "per_route must be true or false"),
        ({"rps": 1, "window": 1}, ValueError, 'no field "window"'),
        (True, TypeError, "rate_limit must be a number"),
        ([5], TypeError, "got list"),
    ],
)
def test_bad_settings_are_refused(form: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        EmulatorServer(seed="none", rate_limit=form)


def test_set_clear_and_reset() -> None:
    with EmulatorServer(seed="none") as emu:
        assert emu.rate_limit() is None
        emu.set_rate_limit(0.5, burst=2)
        assert emu.rate_limit() == {"rps": 0.5, "burst": 2, "per_route": False}
        emu.set_rate_limit(3, per_route=True)
        assert emu.rate_limit() == {"rps": 3.0, "burst": 3, "per_route": True}
        for args, match in [
            ((0,), "rps must be"),
            ((-1, 2), "rps must be"),
            ((1, 0), "burst must be an integer from 1 to 1000000, got 0"),
            ((1, -5), "got -5"),
            ((1, 2_000_000), "got 2000000"),
        ]:
            with pytest.raises(ValueError, match=match):
                emu.set_rate_limit(*args)
        assert emu.rate_limit() == {"rps": 3.0, "burst": 3, "per_route": True}
        emu.reset()
        assert emu.rate_limit() == {"rps": 3.0, "burst": 3, "per_route": True}
        emu.clear_rate_limit()
        assert emu.rate_limit() is None


def test_429_with_problem_body_and_headers_then_stats() -> None:
    with EmulatorServer(rate_limit="0.5:2") as emu:
        statuses = []
        for expected_left in (1, 0):
            status, headers, _ = call(emu, "/v2/spaces", emu.api_key)
            statuses.append(status)
            assert headers["ratelimit-policy"] == "0.5;w=1;burst=2"
            assert headers["ratelimit-limit"] == headers["x-ratelimit-limit"] == "0.5"
            assert int(headers["ratelimit-remaining"]) == expected_left
            assert headers["x-ratelimit-remaining"] == headers["ratelimit-remaining"]
            assert headers["x-ratelimit-reset"] == headers["ratelimit-reset"]
            assert "retry-after" not in headers
        assert statuses == [200, 200]

        status, headers, body = call(emu, "/v2/spaces", emu.api_key)
        assert status == 429
        assert headers["content-type"] == "application/problem+json"
        assert body["status"] == 429
        assert body["title"] == "Rate limit exceeded"
        assert body["type"].endswith("/errors#rate-limit-exceeded")
        assert body["instance"] == "/v2/spaces"
        assert 1 <= int(headers["retry-after"]) <= 2
        assert headers["ratelimit-remaining"] == "0"
        assert 3 <= int(headers["ratelimit-reset"]) <= 4
        assert headers["x-ratelimit-reset"] == headers["ratelimit-reset"]

        # A bad key: the shared unauthenticated bucket, 401 while it lasts.
        assert call(emu, "/v2/spaces", "not-a-key")[0] == 401
        admin = admin_user_id(emu)
        assert emu.rate_limit_stats() == {
            "admitted": 3,
            "refused": 1,
            "by_user": {
                admin: {"admitted": 2, "refused": 1},
                "unauthenticated": {"admitted": 1, "refused": 0},
            },
            "by_key": {
                EmulatorServer.key_fingerprint(emu.api_key): {"admitted": 2, "refused": 1},
                "unauthenticated": {"admitted": 1, "refused": 0},
            },
        }
        fingerprint = "sha256:" + hashlib.sha256(emu.api_key.encode()).hexdigest()[:16]
        assert EmulatorServer.key_fingerprint(emu.api_key) == fingerprint
        assert emu.api_key not in json.dumps(emu.rate_limit_stats())
        assert [r["status"] for r in emu.requests()] == [200, 200, 429, 401]

        emu.clear_rate_limit_stats()
        assert emu.rate_limit_stats() == {
            "admitted": 0,
            "refused": 0,
            "by_user": {},
            "by_key": {},
        }
        # Another key has its own bucket and count; reset() refills the admin's.
        member = emu.seed_info()["keys"]["member"]
        assert call(emu, "/v2/spaces", member)[0] == 200
        assert emu.rate_limit_stats()["by_key"] == {
            EmulatorServer.key_fingerprint(member): {"admitted": 1, "refused": 0}
        }
        emu.reset()
        assert emu.rate_limit_stats()["admitted"] == 0
        assert call(emu, "/v2/spaces", emu.api_key)[0] == 200
        # Off: no headers, nothing counted.
        emu.clear_rate_limit()
        status, headers, _ = call(emu, "/v2/spaces", emu.api_key)
        assert status == 200
        assert not any(h.startswith(("ratelimit", "x-ratelimit")) for h in headers)
        assert emu.rate_limit_stats()["admitted"] == 1


def test_per_route_buckets() -> None:
    with EmulatorServer(rate_limit={"rps": 0.5, "burst": 1, "per_route": True}) as emu:
        key = emu.api_key
        assert call(emu, "/v2/spaces", key)[0] == 200
        assert call(emu, "/v2/spaces", key)[0] == 429
        assert call(emu, "/v2/organizations", key)[0] == 200
        spaces = [s["id"] for s in emu.seed_info()["spaces"]]
        assert call(emu, f"/v2/spaces/{spaces[0]}", key)[0] == 200
        status, _, body = call(emu, f"/v2/spaces/{spaces[1]}", key)
        assert status == 429
        assert "GET /v2/spaces/{space_id}" in body["detail"]


def test_control_routes() -> None:
    with EmulatorServer(seed="none", control=True) as emu:
        path = "/_emulator/rate-limit"
        status, _, body = call(emu, path, None)
        assert (status, body) == (200, None)
        status, _, body = call(emu, path, None, "PUT", {"rps": 0.5, "burst": 1})
        assert (status, body) == (200, {"rps": 0.5, "burst": 1, "per_route": False})
        assert emu.rate_limit() == body
        status, _, body = call(emu, path, None, "PUT", {"rps": 0})
        assert status == 400
        assert "rps must be a number" in body["detail"]

        assert call(emu, "/v2/spaces", emu.api_key)[0] == 200
        assert call(emu, "/v2/spaces", emu.api_key)[0] == 429
        # The control routes are never limited.
        for _ in range(3):
            status, headers, body = call(emu, path + "/stats", None)
            assert status == 200
            assert "ratelimit-limit" not in headers
        assert (body["admitted"], body["refused"]) == (1, 1)
        assert call(emu, path + "/stats", None, "DELETE")[0] == 204
        assert emu.rate_limit_stats()["refused"] == 0
        assert call(emu, path, None, "DELETE")[0] == 204
        assert emu.rate_limit() is None
        assert call(emu, "/v2/spaces", emu.api_key)[0] == 200
