"""Type stubs of the tasks clients and their results (part of ``arize_ax._native``; import
the public names from ``arize_ax``)."""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from ._spaces import Page, _ModelDump

class TaskEvaluator(_ModelDump):
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

class Task(_ModelDump):
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

class TaskRun(_ModelDump):
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
    def get(self, *, task: str, space: str | None = None) -> Task:
        """One task by ID, or by name within ``space`` (name or ID)."""
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
    def delete(self, *, task: str, space: str | None = None) -> None:
        """Deletes a task by ID, or by name within ``space``."""
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
        progress: bool = False,
    ) -> TaskRun:
        """Starts a run (PENDING); with ``wait=True`` returns it once finished.

        ``progress=True`` (with ``wait=True``) shows a live progress display while
        waiting, as :meth:`wait_for_run` does."""
    def list_runs(
        self,
        *,
        task: str,
        space: str | None = None,
        status: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[TaskRun]:
        """One page of a task's runs, optionally only those in one ``status``."""
    def list_runs_all(
        self,
        *,
        task: str,
        space: str | None = None,
        status: str | None = None,
        limit: int = 100,
    ) -> Page[TaskRun]:
        """Every run of a task, all pages in one ``Page`` (``limit`` is the page size)."""
    def get_run(self, *, run_id: str) -> TaskRun:
        """One run by ID, as it is now."""
    def cancel_run(self, *, run_id: str) -> TaskRun:
        """Asks the server to cancel a PENDING or RUNNING run; returns the run."""
    def wait_for_run(
        self,
        *,
        run_id: str,
        poll_interval: float = 5.0,
        timeout: float = 600.0,
        on_progress: Progress | None = None,
        progress: bool = False,
    ) -> TaskRun:
        """Polls until COMPLETED, FAILED or CANCELLED. Raises ``RunTimeoutError`` after
        ``timeout``. Interrupting the wait does not cancel the run on the server.

        ``on_progress`` is called with every state seen. ``progress=True`` shows a live
        display of the run's status: a tqdm bar (a widget in Jupyter) when tqdm is
        installed (``pip install "arize-ax[notebook]"``), otherwise one line on stderr;
        it is closed when the wait ends, however it ends."""
    def wait_for_runs(
        self,
        *,
        run_ids: Sequence[str],
        poll_interval: float = 5.0,
        timeout: float = 600.0,
        max_concurrency: int = 32,
        on_progress: Progress | None = None,
        progress: bool = False,
    ) -> list[TaskRun]:
        """Waits for many runs concurrently; results in the order given (a duplicate ID
        is polled once). The first error ends the whole wait.

        ``progress=True`` shows the runs finished out of the total and the count in each
        status (``12/50 runs finished · COMPLETED 10 · FAILED 2 · RUNNING 38``), as
        :meth:`wait_for_run` describes."""

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
        progress: bool = False,
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
        progress: bool = False,
    ) -> TaskRun: ...
    async def wait_for_runs(
        self,
        *,
        run_ids: Sequence[str],
        poll_interval: float = 5.0,
        timeout: float = 600.0,
        max_concurrency: int = 32,
        on_progress: Progress | None = None,
        progress: bool = False,
    ) -> list[TaskRun]: ...
