"""Security properties: the API key never leaks, profiles are private, plain http to a
remote host needs an opt-in, TLS is verified (custom CA bundles honoured), proxies are
used, and the emulator's control routes are off unless asked for.

Every leak check searches *all* captured text (messages, reprs, tracebacks, error
attributes, CLI stdout/stderr with ``-v``, the emulator's request log) for the key.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import traceback
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from arize_ax import Client
from arize_ax.errors import (
    AxError,
    ConfigError,
    ConnectError,
    NotFoundError,
    UnauthorizedError,
    ValidationError,
)
from arize_ax.testing import EmulatorServer

AX = str(Path(sys.executable).with_name("ax"))


def everything_about(exc: BaseException) -> str:
    """Every piece of text an exception can show: message, repr, traceback, attributes."""
    parts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    parts += [repr(a) for a in exc.args]
    parts += [f"{k}={v!r}" for k, v in vars(exc).items()]
    return "\n".join(parts)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def user_key(emu: EmulatorServer, org_id: str) -> str:
    """A key of a fresh org admin: a real, working key that the tests then hunt for."""
    user_id = emu.create_user(
        name="Leak Hunter",
        email="leak@example.com",
        account_role="ADMIN",
        organization_ids=[org_id],
    )
    return str(emu.create_key(user_id=user_id))


def test_key_absent_from_every_client_error(
    emu: EmulatorServer, user_key: str, org_id: str
) -> None:
    c = Client(api_key=user_key, base_url=emu.url, max_retries=1, timeout=0.5)
    captured: list[str] = [repr(c), repr(c.spaces), repr(c.tasks)]

    def expect(exc_type: type[BaseException], fn: Any) -> None:
        with pytest.raises(exc_type) as info:
            fn()
        captured.append(everything_about(info.value))

    expect(NotFoundError, lambda: c.spaces.get(space="U3BhY2U6OTk5OTk5OTk="))
    expect(ValidationError, lambda: c.spaces.list(limit=1000))
    expect(ValidationError, lambda: c.tasks.create(name="x", task_type="NOPE"))
    expect(AxError, lambda: c.spaces.get(space="no such space name"))
    # The key's owner is fine; a wrong key gives 401 and must not echo the wrong key either.
    wrong = user_key[::-1]
    expect(UnauthorizedError, lambda: Client(api_key=wrong, base_url=emu.url).spaces.list())
    # Transport failures: refused connection, server error page, slow server.
    dead = Client(api_key=user_key, base_url=f"http://127.0.0.1:{free_port()}", max_retries=0)
    expect(ConnectError, lambda: dead.spaces.list())
    emu.add_fault(
        method="GET", path="/v2/spaces", status=502, count=5, body="<html>Bad gateway</html>"
    )
    expect(AxError, lambda: c.spaces.list())
    emu.clear_faults()
    emu.add_fault(method="GET", path="/v2/spaces", latency_ms=3000, count=5)
    expect(AxError, lambda: c.spaces.list())
    emu.clear_faults()
    text = "\n".join(captured)
    assert user_key not in text
    assert wrong not in text
    # And the emulator never recorded it.
    assert user_key not in json.dumps(list(emu.requests()))
    assert len(captured) >= 10


def test_key_absent_from_cli_output(emu: EmulatorServer, user_key: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARIZE_")}
    env.update({"AX_CONFIG_DIR": str(tmp_path), "ARIZE_API_KEY": user_key})
    runs = [
        ["-v", "spaces", "list"],
        ["-v", "spaces", "get", "no-such-space"],
        ["-v", "spaces", "list", "--limit", "1000"],
        ["-v", "tasks", "list", "-o", "json"],
        ["-v", "spaces", "list", "--base-url", f"http://127.0.0.1:{free_port()}"],
    ]
    outputs = []
    for args in runs:
        argv = [AX, "--base-url", emu.url, *args] if "--base-url" not in args else [AX, *args]
        p = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
        outputs.append(p.stdout + p.stderr)
    # -v really did log requests (so the check below is not vacuous).
    assert "GET" in outputs[0] and "/v2/spaces" in outputs[0]
    # A wrong key on the command line.
    wrong = "ax-wrong-" + user_key
    p = subprocess.run(
        [AX, "-v", "--base-url", emu.url, "--api-key", wrong, "spaces", "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert p.returncode == 4  # an API error (401), as the official CLI
    outputs.append(p.stdout + p.stderr)
    text = "\n".join(outputs)
    assert user_key not in text
    assert wrong not in text


def test_profile_is_private_and_loose_modes_are_warned(emu: EmulatorServer, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARIZE_")}
    env["AX_CONFIG_DIR"] = str(tmp_path / "cfg")
    env["HOME"] = str(tmp_path / "home")
    subprocess.run(
        [AX, "profiles", "create", "p", "--api-key", emu.api_key, "--base-url", emu.url],
        check=True,
        capture_output=True,
        env=env,
        timeout=60,
    )
    # Written where the official CLI keeps profiles, private (the official writes 0644).
    cfg = tmp_path / "home" / ".arize" / "profiles" / "p.toml"
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    assert stat.S_IMODE(cfg.parent.stat().st_mode) == 0o700
    assert not (tmp_path / "cfg").exists() or not list((tmp_path / "cfg").glob("*.toml"))
    p = subprocess.run([AX, "spaces", "list"], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0 and "readable by others" not in p.stderr
    cfg.chmod(0o644)
    p = subprocess.run([AX, "spaces", "list"], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "readable by others" in p.stderr and "chmod 600" in p.stderr
    assert emu.api_key not in p.stderr + p.stdout


@pytest.mark.parametrize("host", ["example.com", "10.1.2.3", "api.arize.com"])
def test_plain_http_to_remote_host_is_refused(host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="allow_insecure_http"):
        Client(api_key="k", base_url=f"http://{host}")
    monkeypatch.setenv("ARIZE_API_KEY", "k")
    monkeypatch.setenv("ARIZE_API_SCHEME", "http")
    monkeypatch.setenv("ARIZE_API_HOST", host)
    with pytest.raises(ConfigError, match="allow_insecure_http"):
        Client()
    # An explicit opt-in is honoured (no request is made by constructing a client).
    Client(allow_insecure_http=True)


def test_loopback_http_is_allowed(emu: EmulatorServer) -> None:
    for host in ("127.0.0.1", "localhost"):
        c = Client(api_key=emu.api_key, base_url=emu.url.replace("127.0.0.1", host))
        assert len(c.spaces.list()) > 0


def test_control_routes_are_off_unless_enabled() -> None:
    def get(url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return int(r.status)
        except urllib.error.HTTPError as e:
            return int(e.code)

    with EmulatorServer() as off:
        assert get(off.url + "/_emulator/seed") == 404
        assert len(off.seed_info()["spaces"]) > 0  # in-process control still works
    with EmulatorServer(control=True) as on:
        assert get(on.url + "/_emulator/seed") == 200


# --- TLS --------------------------------------------------------------------------------


@pytest.fixture
def tls_emu() -> Any:
    with EmulatorServer(tls=True) as emu:
        yield emu


def test_tls_is_verified_by_default(tls_emu: EmulatorServer) -> None:
    assert tls_emu.url.startswith("https://")
    # The generated CA is not in the system store: the handshake must fail.
    c = Client(api_key=tls_emu.api_key, base_url=tls_emu.url, max_retries=0)
    with pytest.raises(ConnectError) as info:
        c.spaces.list()
    assert "certificate" in str(info.value).lower()
    assert tls_emu.api_key not in everything_about(info.value)


def test_custom_ca_bundle_argument_and_env(
    tls_emu: EmulatorServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ca = tls_emu.ca_cert_path
    c = Client(api_key=tls_emu.api_key, base_url=tls_emu.url, ssl_ca_cert=ca)
    assert len(c.spaces.list()) > 0
    for var in ("ARIZE_SSL_CA_CERT", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.setenv(var, str(ca))
        assert len(Client(api_key=tls_emu.api_key, base_url=tls_emu.url).spaces.list()) > 0
        monkeypatch.delenv(var)
    # Verification off is an explicit choice.
    c = Client(api_key=tls_emu.api_key, base_url=tls_emu.url, request_verify=False)
    assert len(c.spaces.list()) > 0
    # A bundle that does not exist, or holds no certificate, is refused up front.
    with pytest.raises(ConfigError, match="ssl_ca_cert"):
        Client(api_key="k", base_url=tls_emu.url, ssl_ca_cert=tmp_path / "missing.pem")
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    with pytest.raises(ConfigError, match=r"junk\.pem"):
        Client(api_key="k", base_url=tls_emu.url, ssl_ca_cert=junk)


def test_cli_over_tls_with_ca_env(tls_emu: EmulatorServer, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARIZE_")}
    env.update({"AX_CONFIG_DIR": str(tmp_path), "ARIZE_API_KEY": tls_emu.api_key})
    argv = [AX, "--base-url", tls_emu.url, "spaces", "list", "-o", "json"]
    p = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 4 and "certificate" in p.stderr.lower()
    env["ARIZE_SSL_CA_CERT"] = str(tls_emu.ca_cert_path)
    p = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["spaces"]


# --- proxy ------------------------------------------------------------------------------


class ForwardProxy:
    """A minimal HTTP forward proxy (absolute-form requests) that records what it saw."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.seen: list[tuple[str, str | None]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                outer.seen.append((self.path, self.headers.get("Proxy-Authorization")))
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("proxy-authorization", "proxy-connection", "connection")
                }
                req = urllib.request.Request(
                    self.path, data=body, headers=headers, method=self.command
                )
                try:
                    with urllib.request.urlopen(req, timeout=10) as r:
                        status, data, rh = r.status, r.read(), r.headers
                except urllib.error.HTTPError as e:
                    status, data, rh = e.code, e.read(), e.headers
                self.send_response(status)
                for k, v in rh.items():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy() -> Any:
    p = ForwardProxy()
    yield p
    p.close()


def test_proxy_is_used_with_credentials(
    emu: EmulatorServer, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64

    secret = "pr0xy-s3cret"
    url = f"http://alice:{secret}@127.0.0.1:{proxy.port}"
    c = Client(api_key=emu.api_key, base_url=emu.url, proxy_url=url)
    assert len(c.spaces.list()) > 0
    path, auth = proxy.seen[-1]
    assert path.startswith(emu.url + "/v2/spaces")
    assert auth == "Basic " + base64.b64encode(f"alice:{secret}".encode()).decode()
    assert secret not in repr(c)
    # From the environment, and the CLI too.
    monkeypatch.setenv("ARIZE_PROXY_URL", url)
    before = len(proxy.seen)
    assert len(Client(api_key=emu.api_key, base_url=emu.url).spaces.list()) > 0
    assert len(proxy.seen) == before + 1
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARIZE_")}
    env.update(
        {"ARIZE_API_KEY": emu.api_key, "ARIZE_PROXY_URL": url, "AX_CONFIG_DIR": "/nonexistent"}
    )
    p = subprocess.run(
        [AX, "-v", "--base-url", emu.url, "spaces", "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    assert len(proxy.seen) == before + 2
    assert secret not in p.stdout + p.stderr and emu.api_key not in p.stdout + p.stderr
    # A dead proxy gives a clear error that hides the credentials.
    dead = Client(
        api_key=emu.api_key,
        base_url=emu.url,
        proxy_url=f"http://alice:{secret}@127.0.0.1:{free_port()}",
        max_retries=0,
    )
    with pytest.raises(ConnectError) as info:
        dead.spaces.list()
    assert secret not in everything_about(info.value)
    assert "proxy" in str(info.value)


def test_emulator_request_log_never_shows_keys(tmp_path: Path) -> None:
    """`ax emulator -v` prints one line per request; keys (headers) never appear."""
    import re
    import signal

    env = {k: v for k, v in os.environ.items() if not k.startswith("ARIZE_")}
    env["AX_CONFIG_DIR"] = str(tmp_path)
    proc = subprocess.Popen(
        [AX, "-v", "emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        banner = ""
        while "Admin API key" not in banner:
            line = proc.stdout.readline()
            assert line, "the emulator exited early"
            banner += line
        url = re.search(r"listening on (http://\S+)", banner).group(1)  # type: ignore[union-attr]
        admin = re.search(r"Admin API key: (\S+)", banner).group(1)  # type: ignore[union-attr]
        wrong = "sk-live-" + "Zq9" * 8
        Client(api_key=admin, base_url=url).spaces.list()
        with pytest.raises(UnauthorizedError):
            Client(api_key=wrong, base_url=url).spaces.list()
        p = subprocess.run(
            [AX, "--base-url", url, "--api-key", wrong, "tasks", "list"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert p.returncode == 4  # an API error (401), as the official CLI
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    log_lines = [ln for ln in err.splitlines() if " -> " in ln]
    assert len(log_lines) == 3, err  # the three requests were logged
    assert any("-> 401" in ln for ln in log_lines)
    assert wrong not in out + err
    assert admin not in "\n".join(log_lines)
