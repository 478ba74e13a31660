"""Type stubs for the native module (pyo3). Import the public names from ``arize_ax``.

The result classes, ``Page`` and the spaces clients are in ``_spaces.pyi``, the tasks
clients and their results in ``_tasks.pyi``, the supporting resources in ``_lookups.pyi``
(stub-only modules: at run time every class lives in this module)."""

import os
from collections.abc import Mapping
from typing import Any, Literal, Protocol

from typing_extensions import Self

from . import _lookups as _lk
from ._lookups import *  # noqa: F403  (the supporting resources' classes)
from ._spaces import *  # noqa: F403  (results, Page, the spaces clients)
from ._spaces import AsyncSpacesClient, SpacesClient
from ._tasks import *  # noqa: F403  (the tasks clients and their results)
from ._tasks import AsyncTasksClient, TasksClient

__version__: str

class _RegionMember(Protocol):
    """A member of a region enum (``arize.regions.Region``, ``arize_ax.Region``)."""

    @property
    def value(self) -> str: ...

class Client:
    """Blocking client."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        profile: str | None = None,
        region: str | _RegionMember | None = None,
        base_url: str | None = None,
        host: str | None = None,
        api_host: str | None = None,
        scheme: str | None = None,
        api_scheme: str | None = None,
        port: int | None = None,
        api_port: int | None = None,
        single_host: str | None = None,
        single_port: int | None = None,
        base_domain: str | None = None,
        timeout: float = 30.0,
        total_timeout: float = 120.0,
        max_retries: int = 3,
        max_requests_per_second: float | None = None,
        allow_insecure_http: bool = False,
        request_verify: bool | None = None,
        ssl_ca_cert: str | os.PathLike[str] | None = None,
        proxy_url: str | None = None,
        retry_backoff: float = 0.5,
        retry_backoff_max: float = 8.0,
        default_headers: Mapping[str, str] | None = None,
        otlp_host: str | None = None,
        otlp_scheme: str | None = None,
        otlp_port: int | None = None,
        flight_host: str | None = None,
        flight_port: int | None = None,
        flight_scheme: str | None = None,
        pyarrow_max_chunksize: int | None = None,
        stream_max_workers: int | None = None,
        stream_max_queue_bound: int | None = None,
        max_http_payload_size_mb: float | None = None,
        arize_directory: str | None = None,
        enable_caching: bool | None = None,
        max_past_years: int | None = None,
        connection_pool_maxsize: int | None = None,
    ) -> None:
        """Takes the official ``ArizeClient`` keywords plus our own. Each setting comes
        from the argument, else the environment, else the profile, else the default.

        Endpoint (one of these ways; ``host``/``api_host``, ``scheme``/``api_scheme`` and
        ``port``/``api_port`` are two spellings of one setting each, giving both is a
        ``TypeError``):

        * ``base_url="http://127.0.0.1:PORT"``: our shortcut for local servers; excludes
          every other endpoint setting.
        * ``region`` (env ``ARIZE_REGION``): ``"eu-west-1a"``, the SDK enum's name
          ``"EU_WEST_1A"`` or an alias ``"US"``/``"CA"``/``"EU"`` (any case), or an enum
          member such as ``arize.regions.Region.EU_WEST_1A`` / ``arize_ax.Region.EU_WEST_1A``
          (``UNSET`` is no region): host ``api.<region>.arize.com``.
        * ``single_host`` / ``single_port`` (env ``ARIZE_SINGLE_HOST`` /
          ``ARIZE_SINGLE_PORT``): one host (and port) for everything; ``single_port`` is the
          REST port only while ``api_port`` is unset or 0.
        * ``base_domain`` (env ``ARIZE_BASE_DOMAIN``): Private Connect, host
          ``api.<base_domain>``.
        * ``api_host``, ``api_scheme`` (``http``/``https``), ``api_port`` (0 = the scheme's
          default) (env ``ARIZE_API_HOST``, ``ARIZE_API_SCHEME``, ``ARIZE_API_PORT``);
          default ``https://api.arize.com``.

        ``region``, ``single_host``/``single_port`` and ``base_domain`` are mutually
        exclusive (``ConfigError`` naming the settings given). A host choice in the
        arguments (region, host, single host, base domain) replaces the environment's.

        Profiles: the official ``ax`` CLI's profiles (``~/.arize/profiles/<name>.toml``,
        the active one named in ``~/.arize/.active_profile``) are read: ``profile=``, else
        ``AX_PROFILE``, else the active profile. A named profile that does not exist, a
        malformed one, or a ``${VAR}`` reference to an unset variable is a ``ConfigError``
        naming the file and the key. The profile gives the key (``[auth] api_key``), the
        endpoint (``[routing]``) and ``[security] request_verify``, below the arguments and
        the environment; its endpoint is used only when no argument and no environment
        variable gives any endpoint setting. An OAuth profile can lend its endpoint, but
        not the key (``ConfigError``: pass ``api_key`` or set ``ARIZE_API_KEY``).

        ``timeout`` bounds each attempt and ``total_timeout`` the whole call, retries
        and backoff included. Idempotent requests are retried up to ``max_retries``
        times on 500/502/503/504, connection errors and a 429 without ``Retry-After``; a
        create is never resent once it may have reached the server (a 429 is a refusal,
        so it is resent). Retry ``n`` waits a random time below
        ``retry_backoff * 2**(n-1)`` seconds, capped at ``retry_backoff_max`` (full
        jitter), unless the server sent ``Retry-After``. The key is never sent over plain
        ``http://`` to a non-loopback host unless ``allow_insecure_http``.

        Rate limits: all requests of a client (every thread and asyncio task using it)
        share one budget. A 429 with ``Retry-After`` pauses them all once, and is retried
        until ``total_timeout`` whatever ``max_retries``; when the server states its rate
        (``RateLimit-Policy``, ``RateLimit-Limit`` or ``X-RateLimit-Limit``), requests are
        spaced at 95 % of it from then on. ``max_requests_per_second`` (env
        ``ARIZE_MAX_REQUESTS_PER_SECOND``) spaces them from the first request, e.g. a
        share of a quota that several processes use; above 0, at most 100000, else
        ``ConfigError``. Waits show in the ``arize_ax`` logger (a 429 as a WARNING, a
        request held back a second or more as INFO) and in :meth:`rate_limit_state`.

        TLS and proxy:

        * ``request_verify`` (env ``ARIZE_REQUEST_VERIFY``: ``1/true/yes/on`` or
          ``0/false/no/off``, anything else raises ``ConfigError``): ``False`` accepts
          any server certificate (and ignores any CA bundle). Default ``True``.
        * ``ssl_ca_cert`` (env ``ARIZE_SSL_CA_CERT``, then ``REQUESTS_CA_BUNDLE``, then
          ``SSL_CERT_FILE``): path of a PEM bundle; when set, only its certificates are
          trusted (as ``requests`` does with ``verify=<path>``). An unreadable file or one
          without a certificate raises ``ConfigError`` naming the path and where it came
          from. A bundle from the environment is only read when an ``https`` connection
          will be made.
        * ``proxy_url`` (env ``ARIZE_PROXY_URL``): ``http://`` or ``https://`` proxy for
          every request; ``user:password@`` in the URL (percent-encoded if needed) is sent
          as ``Proxy-Authorization: Basic``. ``HTTP_PROXY``/``HTTPS_PROXY``/``NO_PROXY``
          are not read. Credentials never appear in errors or ``repr``.

        ``default_headers``: extra headers sent with every request. Names must be ASCII
        tokens, values Latin-1 without control characters, and none may be a header the
        client sets itself (``Authorization``, ``Accept``, ``Content-Type``, the SDK's
        ``sdk-*``/``language-version``/``origin``/``auth-token-bin``, ``Grpc-Metadata-*``):
        ``ValidationError`` otherwise. Their values never appear in ``repr`` or errors.

        Accepted for compatibility with ``ArizeClient``, type-checked (``TypeError``), and
        without effect here (they configure OTLP, Arrow Flight, streaming, the SDK's cache
        and its urllib3 pool, none of which the REST calls use): ``otlp_host``,
        ``otlp_scheme``, ``otlp_port``, ``flight_host``, ``flight_port``,
        ``flight_scheme``, ``pyarrow_max_chunksize``, ``stream_max_workers``,
        ``stream_max_queue_bound``, ``max_http_payload_size_mb``, ``arize_directory``,
        ``enable_caching``, ``max_past_years``, ``connection_pool_maxsize``. Any other
        keyword is a ``TypeError``.
        """
    @property
    def base_url(self) -> str: ...
    def rate_limit_state(self) -> dict[str, Any]:
        """The client's request budget as it stands: ``rate`` (requests per second the
        requests are spaced at, or ``None``), ``source`` (``"max_requests_per_second"``,
        ``"the server's rate-limit headers"`` or ``"the requests admitted before a 429"``),
        ``paused_for`` (seconds every request still waits after a 429), ``refused`` (429
        answers seen), ``refused_after_first`` (those sent after the first 429 was seen),
        ``held`` and ``held_for`` (requests that waited for the budget, and the seconds in
        all)."""
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> bool: ...
    @property
    def spaces(self) -> SpacesClient: ...
    @property
    def tasks(self) -> TasksClient: ...
    @property
    def organizations(self) -> _lk.OrganizationsClient:
        """Organizations (read-only lookups)."""
    @property
    def users(self) -> _lk.UsersClient:
        """Users (read-only lookups)."""
    @property
    def projects(self) -> _lk.ProjectsClient:
        """Projects (read-only lookups)."""
    @property
    def datasets(self) -> _lk.DatasetsClient:
        """Datasets (read-only lookups)."""
    @property
    def experiments(self) -> _lk.ExperimentsClient:
        """Experiments (read-only lookups)."""
    @property
    def evaluators(self) -> _lk.EvaluatorsClient:
        """Evaluators (read-only lookups)."""
    @property
    def ai_integrations(self) -> _lk.AiIntegrationsClient:
        """AI integrations (read-only lookups)."""

class AsyncClient:
    """asyncio client; the same operations as :class:`Client`, as awaitables."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        profile: str | None = None,
        region: str | _RegionMember | None = None,
        base_url: str | None = None,
        host: str | None = None,
        api_host: str | None = None,
        scheme: str | None = None,
        api_scheme: str | None = None,
        port: int | None = None,
        api_port: int | None = None,
        single_host: str | None = None,
        single_port: int | None = None,
        base_domain: str | None = None,
        timeout: float = 30.0,
        total_timeout: float = 120.0,
        max_retries: int = 3,
        max_requests_per_second: float | None = None,
        allow_insecure_http: bool = False,
        request_verify: bool | None = None,
        ssl_ca_cert: str | os.PathLike[str] | None = None,
        proxy_url: str | None = None,
        retry_backoff: float = 0.5,
        retry_backoff_max: float = 8.0,
        default_headers: Mapping[str, str] | None = None,
        otlp_host: str | None = None,
        otlp_scheme: str | None = None,
        otlp_port: int | None = None,
        flight_host: str | None = None,
        flight_port: int | None = None,
        flight_scheme: str | None = None,
        pyarrow_max_chunksize: int | None = None,
        stream_max_workers: int | None = None,
        stream_max_queue_bound: int | None = None,
        max_http_payload_size_mb: float | None = None,
        arize_directory: str | None = None,
        enable_caching: bool | None = None,
        max_past_years: int | None = None,
        connection_pool_maxsize: int | None = None,
    ) -> None:
        """Takes the official ``ArizeClient`` keywords plus our own. Each setting comes
        from the argument, else the environment, else the profile, else the default.

        Endpoint (one of these ways; ``host``/``api_host``, ``scheme``/``api_scheme`` and
        ``port``/``api_port`` are two spellings of one setting each, giving both is a
        ``TypeError``):

        * ``base_url="http://127.0.0.1:PORT"``: our shortcut for local servers; excludes
          every other endpoint setting.
        * ``region`` (env ``ARIZE_REGION``): ``"eu-west-1a"``, the SDK enum's name
          ``"EU_WEST_1A"`` or an alias ``"US"``/``"CA"``/``"EU"`` (any case), or an enum
          member such as ``arize.regions.Region.EU_WEST_1A`` / ``arize_ax.Region.EU_WEST_1A``
          (``UNSET`` is no region): host ``api.<region>.arize.com``.
        * ``single_host`` / ``single_port`` (env ``ARIZE_SINGLE_HOST`` /
          ``ARIZE_SINGLE_PORT``): one host (and port) for everything; ``single_port`` is the
          REST port only while ``api_port`` is unset or 0.
        * ``base_domain`` (env ``ARIZE_BASE_DOMAIN``): Private Connect, host
          ``api.<base_domain>``.
        * ``api_host``, ``api_scheme`` (``http``/``https``), ``api_port`` (0 = the scheme's
          default) (env ``ARIZE_API_HOST``, ``ARIZE_API_SCHEME``, ``ARIZE_API_PORT``);
          default ``https://api.arize.com``.

        ``region``, ``single_host``/``single_port`` and ``base_domain`` are mutually
        exclusive (``ConfigError`` naming the settings given). A host choice in the
        arguments (region, host, single host, base domain) replaces the environment's.

        Profiles: the official ``ax`` CLI's profiles (``~/.arize/profiles/<name>.toml``,
        the active one named in ``~/.arize/.active_profile``) are read: ``profile=``, else
        ``AX_PROFILE``, else the active profile. A named profile that does not exist, a
        malformed one, or a ``${VAR}`` reference to an unset variable is a ``ConfigError``
        naming the file and the key. The profile gives the key (``[auth] api_key``), the
        endpoint (``[routing]``) and ``[security] request_verify``, below the arguments and
        the environment; its endpoint is used only when no argument and no environment
        variable gives any endpoint setting. An OAuth profile can lend its endpoint, but
        not the key (``ConfigError``: pass ``api_key`` or set ``ARIZE_API_KEY``).

        ``timeout`` bounds each attempt and ``total_timeout`` the whole call, retries
        and backoff included. Idempotent requests are retried up to ``max_retries``
        times on 500/502/503/504, connection errors and a 429 without ``Retry-After``; a
        create is never resent once it may have reached the server (a 429 is a refusal,
        so it is resent). Retry ``n`` waits a random time below
        ``retry_backoff * 2**(n-1)`` seconds, capped at ``retry_backoff_max`` (full
        jitter), unless the server sent ``Retry-After``. The key is never sent over plain
        ``http://`` to a non-loopback host unless ``allow_insecure_http``.

        Rate limits: all requests of a client (every thread and asyncio task using it)
        share one budget. A 429 with ``Retry-After`` pauses them all once, and is retried
        until ``total_timeout`` whatever ``max_retries``; when the server states its rate
        (``RateLimit-Policy``, ``RateLimit-Limit`` or ``X-RateLimit-Limit``), requests are
        spaced at 95 % of it from then on. ``max_requests_per_second`` (env
        ``ARIZE_MAX_REQUESTS_PER_SECOND``) spaces them from the first request, e.g. a
        share of a quota that several processes use; above 0, at most 100000, else
        ``ConfigError``. Waits show in the ``arize_ax`` logger (a 429 as a WARNING, a
        request held back a second or more as INFO) and in :meth:`rate_limit_state`.

        TLS and proxy:

        * ``request_verify`` (env ``ARIZE_REQUEST_VERIFY``: ``1/true/yes/on`` or
          ``0/false/no/off``, anything else raises ``ConfigError``): ``False`` accepts
          any server certificate (and ignores any CA bundle). Default ``True``.
        * ``ssl_ca_cert`` (env ``ARIZE_SSL_CA_CERT``, then ``REQUESTS_CA_BUNDLE``, then
          ``SSL_CERT_FILE``): path of a PEM bundle; when set, only its certificates are
          trusted (as ``requests`` does with ``verify=<path>``). An unreadable file or one
          without a certificate raises ``ConfigError`` naming the path and where it came
          from. A bundle from the environment is only read when an ``https`` connection
          will be made.
        * ``proxy_url`` (env ``ARIZE_PROXY_URL``): ``http://`` or ``https://`` proxy for
          every request; ``user:password@`` in the URL (percent-encoded if needed) is sent
          as ``Proxy-Authorization: Basic``. ``HTTP_PROXY``/``HTTPS_PROXY``/``NO_PROXY``
          are not read. Credentials never appear in errors or ``repr``.

        ``default_headers``: extra headers sent with every request. Names must be ASCII
        tokens, values Latin-1 without control characters, and none may be a header the
        client sets itself (``Authorization``, ``Accept``, ``Content-Type``, the SDK's
        ``sdk-*``/``language-version``/``origin``/``auth-token-bin``, ``Grpc-Metadata-*``):
        ``ValidationError`` otherwise. Their values never appear in ``repr`` or errors.

        Accepted for compatibility with ``ArizeClient``, type-checked (``TypeError``), and
        without effect here (they configure OTLP, Arrow Flight, streaming, the SDK's cache
        and its urllib3 pool, none of which the REST calls use): ``otlp_host``,
        ``otlp_scheme``, ``otlp_port``, ``flight_host``, ``flight_port``,
        ``flight_scheme``, ``pyarrow_max_chunksize``, ``stream_max_workers``,
        ``stream_max_queue_bound``, ``max_http_payload_size_mb``, ``arize_directory``,
        ``enable_caching``, ``max_past_years``, ``connection_pool_maxsize``. Any other
        keyword is a ``TypeError``.
        """
    @property
    def base_url(self) -> str: ...
    def rate_limit_state(self) -> dict[str, Any]:
        """The client's request budget as it stands: ``rate`` (requests per second the
        requests are spaced at, or ``None``), ``source`` (``"max_requests_per_second"``,
        ``"the server's rate-limit headers"`` or ``"the requests admitted before a 429"``),
        ``paused_for`` (seconds every request still waits after a 429), ``refused`` (429
        answers seen), ``refused_after_first`` (those sent after the first 429 was seen),
        ``held`` and ``held_for`` (requests that waited for the budget, and the seconds in
        all)."""
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> bool: ...
    @property
    def spaces(self) -> AsyncSpacesClient: ...
    @property
    def tasks(self) -> AsyncTasksClient: ...
    @property
    def organizations(self) -> _lk.AsyncOrganizationsClient:
        """Organizations (read-only lookups)."""
    @property
    def users(self) -> _lk.AsyncUsersClient:
        """Users (read-only lookups)."""
    @property
    def projects(self) -> _lk.AsyncProjectsClient:
        """Projects (read-only lookups)."""
    @property
    def datasets(self) -> _lk.AsyncDatasetsClient:
        """Datasets (read-only lookups)."""
    @property
    def experiments(self) -> _lk.AsyncExperimentsClient:
        """Experiments (read-only lookups)."""
    @property
    def evaluators(self) -> _lk.AsyncEvaluatorsClient:
        """Evaluators (read-only lookups)."""
    @property
    def ai_integrations(self) -> _lk.AsyncAiIntegrationsClient:
        """AI integrations (read-only lookups)."""

FaultActionName = Literal[
    "reset", "reset_after", "truncate", "malformed_json", "stall_cursor", "empty_page"
]

class Emulator:
    """A running emulator of the API. Prefer :class:`arize_ax.testing.EmulatorServer`.

    ``control=True`` also serves the unauthenticated ``/_emulator`` HTTP routes (the
    methods below work either way). ``tls=True`` serves HTTPS with a certificate signed by
    a CA generated at start (``ca_cert_pem``); ``url`` then starts with ``https://``.
    ``rate_limit`` (a number of requests per second, ``"RPS[:BURST]"`` or a dict
    ``{"rps": ..., "burst": ..., "per_route": ...}``) puts a token bucket per API key in
    front of the API; ``ValueError`` names a field out of bounds.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: Literal["demo", "none"] = "demo",
        control: bool = False,
        lenient: bool = False,
        tls: bool = False,
        latency_ms: float = 0.0,
        latency_jitter_ms: float = 0.0,
        rate_limit: float | str | Mapping[str, Any] | None = None,
    ) -> None: ...
    @property
    def url(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def api_key(self) -> str: ...
    @property
    def ca_cert_pem(self) -> str | None: ...
    @property
    def running(self) -> bool: ...
    def stop(self) -> None: ...
    def reset(self) -> None: ...
    def seed_info(self) -> dict[str, Any]: ...
    def create_user(
        self,
        *,
        name: str,
        email: str,
        account_role: str = "MEMBER",
        organization_ids: list[str] = ...,
    ) -> str: ...
    def create_key(self, *, user_id: str) -> str: ...
    def set_space_role(self, *, space_id: str, user_id: str, role: str | None) -> None: ...
    def key_for_space_role(self, *, space_id: str, role: str) -> str: ...
    def add_fault(
        self,
        *,
        path: str = "*",
        method: str | None = None,
        count: int = 1,
        status: int | None = None,
        retry_after: str | None = None,
        latency_ms: int = 0,
        body: str | None = None,
        content_type: str | None = None,
        action: FaultActionName | None = None,
        probability: float = 1.0,
        unlimited: bool = False,
    ) -> None:
        """Raises ``ValueError`` for an invalid fault (unknown action, probability outside
        [0, 1], both ``status`` and ``action``, ...)."""
    def clear_faults(self) -> None: ...
    def set_fault_seed(self, seed: int) -> None: ...
    def fault_stats(self) -> dict[str, Any]:
        """``{"requests": int, "fired": int, "skipped": int, "by_action": {label: int},
        "by_status": {code: int}}``; labels are action names, ``"status"`` or
        ``"latency"``."""
    def clear_fault_stats(self) -> None: ...
    def requests(self) -> list[dict[str, Any]]: ...
    def clear_requests(self) -> None: ...
    def set_run_timeline(
        self,
        *,
        pending_ms: int = 500,
        running_ms: int = 1500,
        failure_rate: float = 0.0,
        never_finish: bool = False,
    ) -> None: ...
    def run_timeline(self) -> dict[str, Any]: ...
    def set_latency(self, ms: float, jitter_ms: float = 0.0) -> None:
        """Every API answer from now on is held back by ``ms`` ± a uniform ``jitter_ms``
        (a new connection by one round trip more); ``set_latency(0)`` turns it off.
        Raises ``ValueError`` outside 0 ≤ jitter_ms ≤ ms, ms + jitter_ms ≤ 10000."""
    def latency(self) -> dict[str, float]:
        """``{"ms": float, "jitter_ms": float}``: the simulated latency in force."""
    def set_rate_limit(self, rps: float, burst: int | None = None, per_route: bool = False) -> None:
        """Every API key gets a token bucket of ``burst`` requests (default ``rps`` rounded
        up, at least 1) refilled at ``rps`` per second, one per route with ``per_route``;
        requests beyond it get 429 with ``Retry-After``. Every bucket starts full;
        ``reset()`` keeps the limit. Raises ``ValueError`` outside 0 < rps ≤ 100000,
        1 ≤ burst ≤ 1000000."""
    def clear_rate_limit(self) -> None:
        """Turns the rate limit off (its statistics stay)."""
    def rate_limit(self) -> dict[str, Any] | None:
        """``{"rps": float, "burst": int, "per_route": bool}``: the rate limit in force, or
        None."""
    def rate_limit_stats(self) -> dict[str, Any]:
        """``{"admitted": int, "refused": int, "by_user": {user_id: {"admitted": int,
        "refused": int}}, "by_key": {fingerprint: {...}}}``: requests admitted and refused
        while a limit was set, since start, ``reset()`` or ``clear_rate_limit_stats()``, in
        total, per user ID of the key and per key under ``key_fingerprint(key)``
        (``"unauthenticated"`` for requests without a valid key)."""
    @staticmethod
    def key_fingerprint(key: str) -> str:
        """How ``rate_limit_stats()["by_key"]`` names a key: ``"sha256:"`` and the first 16
        hex digits of the SHA-256 of the key."""
    def clear_rate_limit_stats(self) -> None:
        """Zeroes the rate limit statistics."""
    def force_run_status(
        self, *, run_id: str, status: str, failure_reason: str | None = None
    ) -> None: ...
    def bulk_seed_tasks(
        self, *, space_id: str, tasks: int, runs_per_task: int = 0
    ) -> list[str]: ...

def run_cli(argv: list[str]) -> int:
    """Runs the ``ax`` command line with ``argv`` (program name first); returns the exit code."""

def _drain_async(timeout: float = 2.0) -> None:
    """Registered with ``atexit``: waits at most ``timeout`` seconds for the asyncio
    bridge's tasks to end before the interpreter finalizes."""
