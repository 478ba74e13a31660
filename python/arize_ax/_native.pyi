"""Type stubs for the native module (pyo3). Import the public names from ``arize_ax``."""

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from typing_extensions import Self

from . import _lookups as _lk
from ._lookups import *  # noqa: F403  (the supporting resources' classes)

__version__: str

_T = TypeVar("_T")

RoleInput = str | Mapping[str, Any] | Any
"""``"admin"``/``"member"``/``"read-only"``/``"annotator"`` (any case, ``-`` or ``_``), a
custom role ID, ``{"type": "PREDEFINED", "name": "MEMBER"}``, ``{"type": "CUSTOM", "id": ...}``,
or an object with ``type`` and ``name``/``id`` attributes (the official SDK's role models)."""

class Space:
    """A space. Attributes carry the API's field names."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str | None: ...
    @property
    def created_at(self) -> datetime:
        """Timezone-aware (UTC)."""
    @property
    def organization_id(self) -> str | None: ...
    @property
    def is_private(self) -> bool | None: ...
    def to_dict(self) -> dict[str, Any]:
        """The space as a plain dict; datetimes stay ``datetime`` objects."""

class SpaceRoleAssignment:
    """A role in a space.

    ``type`` is ``"PREDEFINED"`` (with ``name``) or ``"CUSTOM"`` (with ``id``).
    """

    @property
    def type(self) -> Literal["PREDEFINED", "CUSTOM"]: ...
    @property
    def name(self) -> str | None: ...
    @property
    def id(self) -> str | None: ...
    def to_dict(self) -> dict[str, Any]: ...

class SpaceMembership:
    """A user's membership in a space."""

    @property
    def id(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def space_id(self) -> str: ...
    @property
    def role(self) -> SpaceRoleAssignment: ...
    def to_dict(self) -> dict[str, Any]: ...

class Pagination:
    """Cursor state of a list result (as ``response.pagination`` in the official SDK)."""

    @property
    def has_more(self) -> bool: ...
    @property
    def next_cursor(self) -> str | None: ...

class Page(Generic[_T]):
    """One page (``list``) or every page (``list_all``) of a listing.

    The rows are Arrow record batches decoded in Rust; ``pyarrow.table(page)`` and
    ``polars.DataFrame(page)`` read them through the Arrow PyCapsule interface without
    copying. Typed items are built on first access to ``items``, iteration or indexing.
    The schema is fixed per resource: the same for every page and for an empty result.

    Task and task-run results keep only the Arrow data (their tables hold every field of
    the items) and build items from it, so item timestamps have microsecond resolution,
    like ``datetime``. Space results also keep the JSON bodies, which hold fields the
    spaces table does not.
    """

    @property
    def items(self) -> list[_T]: ...
    @property
    def has_more(self) -> bool: ...
    @property
    def next_cursor(self) -> str | None: ...
    @property
    def pagination(self) -> Pagination: ...
    @property
    def num_batches(self) -> int:
        """Number of Arrow record batches exported.

        1 for a page from ``list``. ``list_all`` gathers its pages, while it fetches them,
        into batches of about 4,096 rows (whole pages), so 20,000 rows usually come as 5
        batches (a page with escaped strings in its tasks or runs may start a new one).
        """
    @property
    def num_pages(self) -> int:
        """Number of pages fetched from the server for this result."""
    @property
    def spaces(self) -> list[_T]:
        """The items, under the official SDK's attribute name (space listings only)."""
    @property
    def tasks(self) -> list[_T]:
        """The items (task listings only)."""
    @property
    def organizations(self) -> list[_T]:
        """The items under the official SDK's attribute name (organization listings only;
        likewise ``users``, ``projects``, ``datasets``, ``experiments``, ``evaluators``,
        ``evaluator_versions`` and ``ai_integrations``)."""
    @property
    def users(self) -> list[_T]: ...
    @property
    def projects(self) -> list[_T]: ...
    @property
    def datasets(self) -> list[_T]: ...
    @property
    def experiments(self) -> list[_T]: ...
    @property
    def evaluators(self) -> list[_T]: ...
    @property
    def evaluator_versions(self) -> list[_T]: ...
    @property
    def ai_integrations(self) -> list[_T]: ...
    @property
    def task_runs(self) -> list[_T]:
        """The items (run listings only)."""
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[_T]: ...
    def __getitem__(self, index: int) -> _T: ...
    def __arrow_c_schema__(self) -> object: ...
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...
    def to_arrow(self) -> Any:
        """A ``pyarrow.Table`` (zero-copy)."""
    def to_pandas(
        self, *, arrow_dtypes: bool = False, nested_objects: bool = False, **kwargs: Any
    ) -> Any:
        """A ``pandas.DataFrame``; needs ``pip install "arize-ax[pandas]"``.

        Flat columns get pyarrow's usual pandas dtypes (timestamps ``datetime64[us, UTC]``,
        strings as pandas' default string dtype). Nested columns (``evaluators``,
        ``experiment_ids``) are ``pandas.ArrowDtype`` columns: a cell reads as a Python list
        of dicts (``column_mappings`` as ``(key, value)`` tuples), but no Python objects are
        built for the whole column up front, which is what makes large listings slow.

        ``nested_objects=True`` gives NumPy object columns of Python values instead (as
        ``pyarrow.Table.to_pandas()`` does; also implied by ``maps_as_pydicts=...``).
        ``arrow_dtypes=True`` makes every column ``pandas.ArrowDtype``. Any other keyword
        argument is passed to ``pyarrow.Table.to_pandas``; a ``types_mapper`` is asked
        first and the rules above apply where it returns ``None``. ``arrow_dtypes=True``
        excludes ``types_mapper`` and ``nested_objects``.

        Buffers the conversion allocates come from ``pyarrow.system_memory_pool()`` unless
        ``memory_pool=`` is given: the system allocator hands large freed blocks back to the
        operating system at once, where pyarrow's default pool keeps them, so the peak
        memory of converting a large listing is lower (about 5 MB less for 20,000 runs).
        """
    def to_polars(self) -> Any:
        """A ``polars.DataFrame``; needs ``pip install "arize-ax[polars]"``."""

class SpacesClient:
    """Spaces operations (blocking). Every method is keyword-only, as in the official SDK.

    ``space`` arguments take a name or an ID; a name is resolved exactly (case-sensitive)
    over every page of ``GET /v2/spaces?name=...``. Blocking calls release the GIL and
    Ctrl-C interrupts them.
    """

    def list(
        self,
        *,
        organization_id: str | None = None,
        name: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[Space]:
        """One page of the spaces visible to the key (``limit`` 1..100)."""
    def list_all(
        self,
        *,
        organization_id: str | None = None,
        name: str | None = None,
        limit: int = 100,
    ) -> Page[Space]:
        """Every page, fetched with the next request in flight; ``limit`` is the page size."""
    def get(self, *, space: str) -> Space:
        """A space by name or ID."""
    def create(
        self,
        *,
        name: str,
        organization_id: str,
        description: str | None = None,
        is_private: bool | None = None,
    ) -> Space:
        """Creates a space (``organization_id`` may also be an organization name)."""
    def update(
        self,
        *,
        space: str,
        name: str | None = ...,
        description: str | None = ...,
        is_private: bool | None = ...,
    ) -> Space:
        """Sends only the fields passed; ``description=None`` clears it, ``name=None`` is
        ignored. Passing nothing raises ``ValidationError`` before any request."""
    def delete(self, *, space: str) -> None:
        """Deletes the space and everything in it. Irreversible."""
    def add_user(self, *, space: str, user_id: str, role: RoleInput) -> SpaceMembership:
        """Adds a user to the space, or changes a member's role (upsert)."""
    def remove_user(self, *, space: str, user_id: str) -> None:
        """Removes the user from the space."""

class AsyncSpacesClient:
    """Spaces operations as asyncio awaitables.

    Same names and arguments as :class:`SpacesClient`.
    """

    async def list(
        self,
        *,
        organization_id: str | None = None,
        name: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[Space]: ...
    async def list_all(
        self,
        *,
        organization_id: str | None = None,
        name: str | None = None,
        limit: int = 100,
    ) -> Page[Space]: ...
    async def get(self, *, space: str) -> Space: ...
    async def create(
        self,
        *,
        name: str,
        organization_id: str,
        description: str | None = None,
        is_private: bool | None = None,
    ) -> Space: ...
    async def update(
        self,
        *,
        space: str,
        name: str | None = ...,
        description: str | None = ...,
        is_private: bool | None = ...,
    ) -> Space: ...
    async def delete(self, *, space: str) -> None: ...
    async def add_user(self, *, space: str, user_id: str, role: RoleInput) -> SpaceMembership: ...
    async def remove_user(self, *, space: str, user_id: str) -> None: ...

class TaskEvaluator:
    """An evaluator attached to an evaluation task."""

    @property
    def evaluator_id(self) -> str: ...
    @property
    def evaluator_name(self) -> str | None: ...
    @property
    def query_filter(self) -> str | None: ...
    @property
    def column_mappings(self) -> dict[str, str] | None: ...
    @property
    def evaluator_version_id(self) -> str | None: ...
    @property
    def query_mappings(self) -> list[dict[str, Any]] | None: ...
    def to_dict(self) -> dict[str, Any]: ...

class Task:
    """A task: evaluators (or a run configuration) bound to a project or a dataset."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> Literal["TEMPLATE_EVALUATION", "CODE_EVALUATION", "RUN_EXPERIMENT"]: ...
    @property
    def project_id(self) -> str | None: ...
    @property
    def dataset_id(self) -> str | None: ...
    @property
    def sampling_rate(self) -> float | None: ...
    @property
    def is_continuous(self) -> bool: ...
    @property
    def query_filter(self) -> str | None: ...
    @property
    def evaluators(self) -> list[TaskEvaluator]: ...
    @property
    def experiment_ids(self) -> list[str]: ...
    @property
    def run_configuration(self) -> dict[str, Any] | None:
        """The run configuration (RUN_EXPERIMENT tasks), with ``experiment_type``."""
    @property
    def last_run_at(self) -> datetime | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def created_by_user_id(self) -> str | None: ...
    @property
    def query_filters(self) -> dict[str, Any] | None: ...
    def to_dict(self) -> dict[str, Any]: ...

RunStatus = Literal["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"]

class TaskRun:
    """One asynchronous execution of a task."""

    @property
    def id(self) -> str: ...
    @property
    def task_id(self) -> str: ...
    @property
    def experiment_id(self) -> str | None: ...
    @property
    def status(self) -> RunStatus: ...
    @property
    def is_terminal(self) -> bool:
        """True once COMPLETED, FAILED or CANCELLED."""
    @property
    def run_started_at(self) -> datetime | None: ...
    @property
    def run_finished_at(self) -> datetime | None: ...
    @property
    def data_start_time(self) -> datetime | None: ...
    @property
    def data_end_time(self) -> datetime | None: ...
    @property
    def num_successes(self) -> int: ...
    @property
    def num_errors(self) -> int: ...
    @property
    def num_skipped(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def created_by_user_id(self) -> str | None: ...
    @property
    def failure_reason(self) -> str | None: ...
    def to_dict(self) -> dict[str, Any]: ...

JsonLike = Mapping[str, Any] | Any
"""A dict, one of :mod:`arize_ax.types`' classes, or the official SDK's pydantic models."""
TimeInput = datetime | str
"""A ``datetime`` (naive = UTC) or an ISO 8601 string (no offset = UTC)."""
Progress = Callable[[TaskRun], object]

class TasksClient:
    """Tasks and task-run operations (blocking), keyword-only as in the official SDK.

    ``task`` arguments take an ID, or a name together with ``space`` (name or ID).
    Every rule the client can check (API.md §4) raises ``ValidationError`` (a
    ``ValueError``) naming the field, before any request.
    """

    def list(
        self,
        *,
        name: str | None = None,
        project: str | None = None,
        dataset: str | None = None,
        space: str | None = None,
        task_type: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[Task]:
        """One page of tasks (newest first). Project/dataset names need ``space``."""
    def list_all(
        self,
        *,
        name: str | None = None,
        project: str | None = None,
        dataset: str | None = None,
        space: str | None = None,
        task_type: str | None = None,
        limit: int = 100,
    ) -> Page[Task]:
        """Every page of tasks."""
    def get(self, *, task: str, space: str | None = None) -> Task: ...
    def create(
        self,
        *,
        name: str,
        task_type: str,
        evaluators: Sequence[JsonLike] | None = None,
        run_configuration: JsonLike | None = None,
        project: str | None = None,
        dataset: str | None = None,
        space: str | None = None,
        experiment_ids: Sequence[str] | None = None,
        sampling_rate: float | None = None,
        is_continuous: bool | None = None,
        query_filter: str | None = None,
        query_filters: JsonLike | None = None,
    ) -> Task:
        """Creates a task of any type; dispatches on ``task_type`` (any case)."""
    def create_evaluation_task(
        self,
        *,
        name: str,
        task_type: str,
        evaluators: Sequence[JsonLike],
        project: str | None = None,
        dataset: str | None = None,
        space: str | None = None,
        experiment_ids: Sequence[str] | None = None,
        sampling_rate: float | None = None,
        is_continuous: bool | None = None,
        query_filter: str | None = None,
        query_filters: JsonLike | None = None,
    ) -> Task:
        """A TEMPLATE_EVALUATION/CODE_EVALUATION task on exactly one of project/dataset."""
    def create_run_experiment_task(
        self,
        *,
        name: str,
        dataset: str,
        run_configuration: JsonLike,
        space: str | None = None,
    ) -> Task:
        """A RUN_EXPERIMENT task on a dataset."""
    def update(
        self,
        *,
        task: str,
        space: str | None = None,
        name: str | None = ...,
        sampling_rate: float | None = ...,
        is_continuous: bool | None = ...,
        query_filter: str | None = ...,
        query_filters: JsonLike | None = ...,
        evaluators: Sequence[JsonLike] | None = ...,
        run_configuration: JsonLike | None = ...,
    ) -> Task:
        """Sends only the fields passed (``query_filter=None`` clears the filter). The
        task is read first so that fields foreign to its type are refused locally."""
    def delete(self, *, task: str, space: str | None = None) -> None: ...
    def trigger_run(
        self,
        *,
        task: str,
        space: str | None = None,
        data_start_time: TimeInput | None = None,
        data_end_time: TimeInput | None = None,
        max_spans: int | None = None,
        override_evaluations: bool | None = None,
        experiment_ids: Sequence[str] | None = None,
        experiment_name: str | None = None,
        dataset_version_id: str | None = None,
        max_examples: int | None = None,
        example_ids: Sequence[str] | None = None,
        evaluation_task_ids: Sequence[str] | None = None,
        tracing_metadata: Mapping[str, str] | None = None,
        wait: bool = False,
        poll_interval: float = 5.0,
        timeout: float = 600.0,
        on_progress: Progress | None = None,
    ) -> TaskRun:
        """Starts a run (PENDING); with ``wait=True`` returns it once finished."""
    def list_runs(
        self,
        *,
        task: str,
        space: str | None = None,
        status: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[TaskRun]: ...
    def list_runs_all(
        self,
        *,
        task: str,
        space: str | None = None,
        status: str | None = None,
        limit: int = 100,
    ) -> Page[TaskRun]: ...
    def get_run(self, *, run_id: str) -> TaskRun: ...
    def cancel_run(self, *, run_id: str) -> TaskRun: ...
    def wait_for_run(
        self,
        *,
        run_id: str,
        poll_interval: float = 5.0,
        timeout: float = 600.0,
        on_progress: Progress | None = None,
    ) -> TaskRun:
        """Polls until COMPLETED, FAILED or CANCELLED. Raises ``RunTimeoutError`` after
        ``timeout``. Interrupting the wait does not cancel the run on the server."""
    def wait_for_runs(
        self,
        *,
        run_ids: Sequence[str],
        poll_interval: float = 5.0,
        timeout: float = 600.0,
        max_concurrency: int = 32,
        on_progress: Progress | None = None,
    ) -> list[TaskRun]:
        """Waits for many runs concurrently; results in the order given."""

class AsyncTasksClient:
    """Tasks operations as asyncio awaitables; same names and arguments as :class:`TasksClient`."""

    async def list(
        self,
        *,
        name: str | None = None,
        project: str | None = None,
        dataset: str | None = None,
        space: str | None = None,
        task_type: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[Task]: ...
    async def list_all(
        self,
        *,
        name: str | None = None,
        project: str | None = None,
        dataset: str | None = None,
        space: str | None = None,
        task_type: str | None = None,
        limit: int = 100,
    ) -> Page[Task]: ...
    async def get(self, *, task: str, space: str | None = None) -> Task: ...
    async def create(
        self,
        *,
        name: str,
        task_type: str,
        evaluators: Sequence[JsonLike] | None = None,
        run_configuration: JsonLike | None = None,
        project: str | None = None,
        dataset: str | None = None,
        space: str | None = None,
        experiment_ids: Sequence[str] | None = None,
        sampling_rate: float | None = None,
        is_continuous: bool | None = None,
        query_filter: str | None = None,
        query_filters: JsonLike | None = None,
    ) -> Task: ...
    async def create_evaluation_task(
        self,
        *,
        name: str,
        task_type: str,
        evaluators: Sequence[JsonLike],
        project: str | None = None,
        dataset: str | None = None,
        space: str | None = None,
        experiment_ids: Sequence[str] | None = None,
        sampling_rate: float | None = None,
        is_continuous: bool | None = None,
        query_filter: str | None = None,
        query_filters: JsonLike | None = None,
    ) -> Task: ...
    async def create_run_experiment_task(
        self,
        *,
        name: str,
        dataset: str,
        run_configuration: JsonLike,
        space: str | None = None,
    ) -> Task: ...
    async def update(
        self,
        *,
        task: str,
        space: str | None = None,
        name: str | None = ...,
        sampling_rate: float | None = ...,
        is_continuous: bool | None = ...,
        query_filter: str | None = ...,
        query_filters: JsonLike | None = ...,
        evaluators: Sequence[JsonLike] | None = ...,
        run_configuration: JsonLike | None = ...,
    ) -> Task: ...
    async def delete(self, *, task: str, space: str | None = None) -> None: ...
    async def trigger_run(
        self,
        *,
        task: str,
        space: str | None = None,
        data_start_time: TimeInput | None = None,
        data_end_time: TimeInput | None = None,
        max_spans: int | None = None,
        override_evaluations: bool | None = None,
        experiment_ids: Sequence[str] | None = None,
        experiment_name: str | None = None,
        dataset_version_id: str | None = None,
        max_examples: int | None = None,
        example_ids: Sequence[str] | None = None,
        evaluation_task_ids: Sequence[str] | None = None,
        tracing_metadata: Mapping[str, str] | None = None,
        wait: bool = False,
        poll_interval: float = 5.0,
        timeout: float = 600.0,
        on_progress: Progress | None = None,
    ) -> TaskRun: ...
    async def list_runs(
        self,
        *,
        task: str,
        space: str | None = None,
        status: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[TaskRun]: ...
    async def list_runs_all(
        self,
        *,
        task: str,
        space: str | None = None,
        status: str | None = None,
        limit: int = 100,
    ) -> Page[TaskRun]: ...
    async def get_run(self, *, run_id: str) -> TaskRun: ...
    async def cancel_run(self, *, run_id: str) -> TaskRun: ...
    async def wait_for_run(
        self,
        *,
        run_id: str,
        poll_interval: float = 5.0,
        timeout: float = 600.0,
        on_progress: Progress | None = None,
    ) -> TaskRun: ...
    async def wait_for_runs(
        self,
        *,
        run_ids: Sequence[str],
        poll_interval: float = 5.0,
        timeout: float = 600.0,
        max_concurrency: int = 32,
        on_progress: Progress | None = None,
    ) -> list[TaskRun]: ...

class Client:
    """Blocking client."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        region: str | None = None,
        base_url: str | None = None,
        host: str | None = None,
        scheme: str | None = None,
        port: int | None = None,
        timeout: float = 30.0,
        total_timeout: float = 120.0,
        max_retries: int = 3,
        allow_insecure_http: bool = False,
        request_verify: bool | None = None,
        ssl_ca_cert: str | os.PathLike[str] | None = None,
        proxy_url: str | None = None,
        retry_backoff: float = 0.5,
        retry_backoff_max: float = 8.0,
    ) -> None:
        """Configuration precedence: arguments > environment (``ARIZE_API_KEY``,
        ``ARIZE_REGION``, ``ARIZE_API_HOST``, ``ARIZE_API_SCHEME``, ``ARIZE_API_PORT``,
        ``ARIZE_REQUEST_VERIFY``, ``ARIZE_SSL_CA_CERT``, ``ARIZE_PROXY_URL``) > defaults
        (``https://api.arize.com``, verified against the system CAs, no proxy).

        ``timeout`` bounds each attempt and ``total_timeout`` the whole call, retries
        and backoff included. Idempotent requests are retried up to ``max_retries``
        times on 429 (honouring ``Retry-After``), 500/502/503/504 and connection errors; a
        create is never resent once it may have reached the server. Retry ``n`` waits a
        random time below ``retry_backoff * 2**(n-1)`` seconds, capped at
        ``retry_backoff_max`` (full jitter), unless the server sent ``Retry-After``. The
        key is never sent over plain ``http://`` to a non-loopback host unless
        ``allow_insecure_http``.

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
        """
    @property
    def base_url(self) -> str: ...
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
        region: str | None = None,
        base_url: str | None = None,
        host: str | None = None,
        scheme: str | None = None,
        port: int | None = None,
        timeout: float = 30.0,
        total_timeout: float = 120.0,
        max_retries: int = 3,
        allow_insecure_http: bool = False,
        request_verify: bool | None = None,
        ssl_ca_cert: str | os.PathLike[str] | None = None,
        proxy_url: str | None = None,
        retry_backoff: float = 0.5,
        retry_backoff_max: float = 8.0,
    ) -> None:
        """Configuration precedence: arguments > environment (``ARIZE_API_KEY``,
        ``ARIZE_REGION``, ``ARIZE_API_HOST``, ``ARIZE_API_SCHEME``, ``ARIZE_API_PORT``,
        ``ARIZE_REQUEST_VERIFY``, ``ARIZE_SSL_CA_CERT``, ``ARIZE_PROXY_URL``) > defaults
        (``https://api.arize.com``, verified against the system CAs, no proxy).

        ``timeout`` bounds each attempt and ``total_timeout`` the whole call, retries
        and backoff included. Idempotent requests are retried up to ``max_retries``
        times on 429 (honouring ``Retry-After``), 500/502/503/504 and connection errors; a
        create is never resent once it may have reached the server. Retry ``n`` waits a
        random time below ``retry_backoff * 2**(n-1)`` seconds, capped at
        ``retry_backoff_max`` (full jitter), unless the server sent ``Retry-After``. The
        key is never sent over plain ``http://`` to a non-loopback host unless
        ``allow_insecure_http``.

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
        """
    @property
    def base_url(self) -> str: ...
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
    def force_run_status(
        self, *, run_id: str, status: str, failure_reason: str | None = None
    ) -> None: ...
    def bulk_seed_tasks(
        self, *, space_id: str, tasks: int, runs_per_task: int = 0
    ) -> list[str]: ...

def run_cli(argv: list[str]) -> int:
    """Runs the ``ax`` command line with ``argv`` (program name first); returns the exit code."""
