"""Type stubs of the supporting read-only resources (part of ``arize_ax._native``).

Import the public names from ``arize_ax``. Every item class reads its fields as attributes
with the API's names (timestamps as ``datetime``, nested objects as dicts); fields a newer
server sends beyond these are kept and readable too. ``to_dict()`` gives plain data;
``model_dump()`` the official SDK's keys (an evaluator from ``get`` dumps as the official
``EvaluatorWithVersion``, with its ``version``).
"""

from datetime import datetime
from typing import Any

from ._spaces import Page, _ModelDump

__all__ = [
    "AiIntegration",
    "AiIntegrationsClient",
    "AsyncAiIntegrationsClient",
    "AsyncDatasetsClient",
    "AsyncEvaluatorsClient",
    "AsyncExperimentsClient",
    "AsyncOrganizationsClient",
    "AsyncProjectsClient",
    "AsyncUsersClient",
    "Dataset",
    "DatasetVersion",
    "DatasetsClient",
    "Evaluator",
    "EvaluatorVersion",
    "EvaluatorsClient",
    "Experiment",
    "ExperimentsClient",
    "Organization",
    "OrganizationsClient",
    "Project",
    "ProjectsClient",
    "User",
    "UsersClient",
]

class _Record(_ModelDump):
    def to_dict(self) -> dict[str, Any]:
        """Every field as plain data (nested items as dicts, datetimes kept)."""
    def __getattr__(self, name: str) -> Any: ...

class Organization(_Record):
    """An organization."""

    id: str
    name: str | None
    description: str | None
    created_at: datetime | None

class User(_Record):
    """An account user. ``role`` is the account role, e.g.
    ``{"type": "PREDEFINED", "name": "ADMIN"}``; ``status`` is ``ACTIVE``, ``INVITED`` or
    ``EXPIRED``."""

    id: str
    name: str | None
    email: str | None
    created_at: datetime | None
    status: str | None
    role: dict[str, Any] | None
    is_developer: bool | None

class Project(_Record):
    """A project (``project_type``: ``APPLICATION``, ``HARNESS``, ``EXPERIMENT`` or None)."""

    id: str
    name: str | None
    space_id: str | None
    created_at: datetime | None
    project_type: str | None

class DatasetVersion(_Record):
    """One version of a dataset."""

    id: str
    name: str | None
    dataset_id: str | None
    created_at: datetime | None
    updated_at: datetime | None

class Dataset(_Record):
    """A dataset. ``versions`` (newest first) is set by ``datasets.get`` only; lists
    leave it None."""

    id: str
    name: str | None
    space_id: str | None
    created_at: datetime | None
    updated_at: datetime | None
    versions: list[DatasetVersion] | None

class Experiment(_Record):
    """An experiment (``dataset_id`` is None for one without a dataset)."""

    id: str
    name: str | None
    space_id: str | None
    dataset_id: str | None
    dataset_version_id: str | None
    created_at: datetime | None
    updated_at: datetime | None
    experiment_traces_project_id: str | None
    integration_id: str | None

class EvaluatorVersion(_Record):
    """One version of an evaluator; the configuration of its ``type`` (``TEMPLATE``,
    ``CODE``, ``REMOTE``, ``HARNESS``) is in ``template_config``, ``code_config`` or
    ``remote_config``."""

    id: str
    evaluator_id: str | None
    commit_hash: str | None
    commit_message: str | None
    created_at: datetime | None
    created_by_user_id: str | None
    type: str | None
    template_config: dict[str, Any] | None
    code_config: dict[str, Any] | None
    remote_config: dict[str, Any] | None

class Evaluator(_Record):
    """An evaluator. ``version`` (the latest, or the one asked for) is set by
    ``evaluators.get`` only; lists leave it None."""

    id: str
    name: str | None
    description: str | None
    type: str | None
    space_id: str | None
    created_at: datetime | None
    updated_at: datetime | None
    created_by_user_id: str | None
    version: EvaluatorVersion | None

class AiIntegration(_Record):
    """An AI integration (the key itself is never returned, only ``has_api_key``).
    ``scopings`` lists ``{"organization_id", "space_id"}`` pairs (None = wider scope)."""

    id: str
    name: str | None
    provider: str | None
    has_api_key: bool | None
    base_url: str | None
    model_names: list[str] | None
    headers: dict[str, str] | None
    enable_default_models: bool | None
    function_calling_enabled: bool | None
    auth_type: str | None
    provider_metadata: dict[str, Any] | None
    scopings: list[dict[str, Any]] | None
    created_at: datetime | None
    updated_at: datetime | None
    created_by_user_id: str | None

# Lists: ``limit`` 1..100 (default 50); ``list_all`` walks every page (``limit`` is the page
# size). ``space`` on a list: an ID filters by ``space_id``, a name by the ``space_name``
# substring (as the official SDK). ``get`` takes a name or an ID; a name resolves exactly
# within ``space`` (required for a name), and a name without it raises ``ValidationError``
# before any request.

class OrganizationsClient:
    """Organizations (blocking)."""

    def list(
        self, *, name: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Organization]:
        """One page (``name``: case-insensitive substring)."""
    def list_all(self, *, name: str | None = None, limit: int = 100) -> Page[Organization]:
        """Every page."""
    def get(self, *, organization: str) -> Organization:
        """An organization by name (first exact match) or ID."""

class AsyncOrganizationsClient:
    """Organizations (asyncio); see :class:`OrganizationsClient`."""

    async def list(
        self, *, name: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Organization]: ...
    async def list_all(
        self, *, name: str | None = None, limit: int = 100
    ) -> Page[Organization]: ...
    async def get(self, *, organization: str) -> Organization: ...

class UsersClient:
    """Account users (blocking)."""

    def list(
        self,
        *,
        email: str | None = None,
        status: list[str] | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[User]:
        """One page (``email``: substring; ``status``: ``ACTIVE``/``INVITED``/``EXPIRED``)."""
    def list_all(
        self, *, email: str | None = None, status: list[str] | None = None, limit: int = 100
    ) -> Page[User]:
        """Every page."""
    def get(self, *, user: str) -> User | None:
        """A user by ID, or by exact e-mail (case-insensitive, every page searched): None
        when no user has that e-mail, as in the official SDK."""

class AsyncUsersClient:
    """Account users (asyncio); see :class:`UsersClient`."""

    async def list(
        self,
        *,
        email: str | None = None,
        status: list[str] | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[User]: ...
    async def list_all(
        self, *, email: str | None = None, status: list[str] | None = None, limit: int = 100
    ) -> Page[User]: ...
    async def get(self, *, user: str) -> User | None: ...

class ProjectsClient:
    """Projects (blocking)."""

    def list(
        self,
        *,
        name: str | None = None,
        space: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[Project]:
        """One page."""
    def list_all(
        self, *, name: str | None = None, space: str | None = None, limit: int = 100
    ) -> Page[Project]:
        """Every page."""
    def get(self, *, project: str, space: str | None = None) -> Project:
        """A project by ID, or by name within ``space``."""

class AsyncProjectsClient:
    """Projects (asyncio); see :class:`ProjectsClient`."""

    async def list(
        self,
        *,
        name: str | None = None,
        space: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[Project]: ...
    async def list_all(
        self, *, name: str | None = None, space: str | None = None, limit: int = 100
    ) -> Page[Project]: ...
    async def get(self, *, project: str, space: str | None = None) -> Project: ...

class DatasetsClient:
    """Datasets (blocking). Lists are newest first and carry no versions."""

    def list(
        self,
        *,
        name: str | None = None,
        space: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[Dataset]:
        """One page."""
    def list_all(
        self, *, name: str | None = None, space: str | None = None, limit: int = 100
    ) -> Page[Dataset]:
        """Every page."""
    def get(self, *, dataset: str, space: str | None = None) -> Dataset:
        """A dataset by ID, or by name within ``space``, with its ``versions``."""

class AsyncDatasetsClient:
    """Datasets (asyncio); see :class:`DatasetsClient`."""

    async def list(
        self,
        *,
        name: str | None = None,
        space: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[Dataset]: ...
    async def list_all(
        self, *, name: str | None = None, space: str | None = None, limit: int = 100
    ) -> Page[Dataset]: ...
    async def get(self, *, dataset: str, space: str | None = None) -> Dataset: ...

class ExperimentsClient:
    """Experiments (blocking). ``dataset`` (name within ``space``, or ID) lists one
    dataset's experiments; ``space`` alone (resolved exactly) every experiment in it."""

    def list(
        self,
        *,
        dataset: str | None = None,
        space: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[Experiment]:
        """One page, newest first."""
    def list_all(
        self, *, dataset: str | None = None, space: str | None = None, limit: int = 100
    ) -> Page[Experiment]:
        """Every page."""
    def get(
        self, *, experiment: str, dataset: str | None = None, space: str | None = None
    ) -> Experiment:
        """An experiment by ID, or by name within ``dataset`` (or within ``space``, where
        two experiments of the same name are ambiguous)."""

class AsyncExperimentsClient:
    """Experiments (asyncio); see :class:`ExperimentsClient`."""

    async def list(
        self,
        *,
        dataset: str | None = None,
        space: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[Experiment]: ...
    async def list_all(
        self, *, dataset: str | None = None, space: str | None = None, limit: int = 100
    ) -> Page[Experiment]: ...
    async def get(
        self, *, experiment: str, dataset: str | None = None, space: str | None = None
    ) -> Experiment: ...

class EvaluatorsClient:
    """Evaluators (blocking), most recently updated first."""

    def list(
        self,
        *,
        name: str | None = None,
        space: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[Evaluator]:
        """One page."""
    def list_all(
        self, *, name: str | None = None, space: str | None = None, limit: int = 100
    ) -> Page[Evaluator]:
        """Every page."""
    def get(
        self, *, evaluator: str, space: str | None = None, version_id: str | None = None
    ) -> Evaluator:
        """An evaluator by ID, or by name within ``space``, with its latest ``version`` (or
        the one named by ``version_id``)."""
    def list_versions(
        self,
        *,
        evaluator: str,
        space: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[EvaluatorVersion]:
        """One page of the evaluator's versions, newest first."""
    def list_versions_all(
        self, *, evaluator: str, space: str | None = None, limit: int = 100
    ) -> Page[EvaluatorVersion]:
        """Every version of the evaluator."""
    def get_version(self, *, version_id: str) -> EvaluatorVersion:
        """One evaluator version by ID."""

class AsyncEvaluatorsClient:
    """Evaluators (asyncio); see :class:`EvaluatorsClient`."""

    async def list(
        self,
        *,
        name: str | None = None,
        space: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[Evaluator]: ...
    async def list_all(
        self, *, name: str | None = None, space: str | None = None, limit: int = 100
    ) -> Page[Evaluator]: ...
    async def get(
        self, *, evaluator: str, space: str | None = None, version_id: str | None = None
    ) -> Evaluator: ...
    async def list_versions(
        self,
        *,
        evaluator: str,
        space: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[EvaluatorVersion]: ...
    async def list_versions_all(
        self, *, evaluator: str, space: str | None = None, limit: int = 100
    ) -> Page[EvaluatorVersion]: ...
    async def get_version(self, *, version_id: str) -> EvaluatorVersion: ...

class AiIntegrationsClient:
    """AI integrations (blocking)."""

    def list(
        self,
        *,
        name: str | None = None,
        space: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[AiIntegration]:
        """One page."""
    def list_all(
        self, *, name: str | None = None, space: str | None = None, limit: int = 100
    ) -> Page[AiIntegration]:
        """Every page."""
    def get(self, *, integration: str, space: str | None = None) -> AiIntegration:
        """An AI integration by ID, or by name within ``space``."""

class AsyncAiIntegrationsClient:
    """AI integrations (asyncio); see :class:`AiIntegrationsClient`."""

    async def list(
        self,
        *,
        name: str | None = None,
        space: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[AiIntegration]: ...
    async def list_all(
        self, *, name: str | None = None, space: str | None = None, limit: int = 100
    ) -> Page[AiIntegration]: ...
    async def get(self, *, integration: str, space: str | None = None) -> AiIntegration: ...
