"""arize-ax: a fast client for Arize AX spaces and tasks (REST API v2).

Quick start::

    from arize_ax import Client
    client = Client()                      # ARIZE_API_KEY from the environment
    page = client.spaces.list(limit=10)
    df = page.to_pandas()

Every list result is a :class:`Page` that exports Arrow without copying
(``pyarrow.table(page)``, ``polars.DataFrame(page)``). Code written for the official
``arize`` SDK runs with only its import changed: ``ArizeClient`` is :class:`Client`,
:class:`Region` has the official members, results have ``model_dump()`` and pages
``to_df()`` with the official keys and columns. :class:`AsyncClient` has the
same methods as awaitables. The bundled emulator lives in :mod:`arize_ax.testing`.
"""

from __future__ import annotations

from ._native import (
    AiIntegration,
    AiIntegrationsClient,
    AsyncAiIntegrationsClient,
    AsyncClient,
    AsyncDatasetsClient,
    AsyncEvaluatorsClient,
    AsyncExperimentsClient,
    AsyncOrganizationsClient,
    AsyncProjectsClient,
    AsyncSpacesClient,
    AsyncTasksClient,
    AsyncUsersClient,
    Client,
    Dataset,
    DatasetsClient,
    DatasetVersion,
    Evaluator,
    EvaluatorsClient,
    EvaluatorVersion,
    Experiment,
    ExperimentsClient,
    Organization,
    OrganizationsClient,
    Page,
    Pagination,
    Project,
    ProjectsClient,
    Space,
    SpaceMembership,
    SpaceRoleAssignment,
    SpacesClient,
    Task,
    TaskEvaluator,
    TaskRun,
    TasksClient,
    User,
    UsersClient,
    __version__,
)

# The official SDK's client name: `from arize_ax import ArizeClient` in code written for it.
ArizeClient = Client

# `errors`, `types` and `regions` (and the names taken from them) load on first use (PEP 562):
# they import `typing`, `dataclasses` and `enum`, which cost more than the native module
# itself, and the `ax` console script, which goes through this package, needs none of them.
# A module-level TYPE_CHECKING constant (not typing's) is honoured by type checkers.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from . import errors, regions, types
    from .errors import BetaWarning, RunTimeoutError
    from .regions import Region
    from .types import (
        AgentCallConfig,
        EvaluatorInput,
        LLMGenerationConfig,
        Message,
        TemplateEvaluationConfig,
    )

_LAZY = {
    "errors": (".errors", None),
    "regions": (".regions", None),
    "types": (".types", None),
    "Region": (".regions", "Region"),
    "BetaWarning": (".errors", "BetaWarning"),
    "RunTimeoutError": (".errors", "RunTimeoutError"),
    "AgentCallConfig": (".types", "AgentCallConfig"),
    "EvaluatorInput": (".types", "EvaluatorInput"),
    "LLMGenerationConfig": (".types", "LLMGenerationConfig"),
    "Message": (".types", "Message"),
    "TemplateEvaluationConfig": (".types", "TemplateEvaluationConfig"),
}


def __getattr__(name: str) -> object:
    try:
        module_name, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'arize_ax' has no attribute {name!r}") from None
    import importlib

    module = importlib.import_module(module_name, __name__)
    value = module if attr is None else getattr(module, attr)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "AgentCallConfig",
    "AiIntegration",
    "AiIntegrationsClient",
    "ArizeClient",
    "AsyncAiIntegrationsClient",
    "AsyncClient",
    "AsyncDatasetsClient",
    "AsyncEvaluatorsClient",
    "AsyncExperimentsClient",
    "AsyncOrganizationsClient",
    "AsyncProjectsClient",
    "AsyncSpacesClient",
    "AsyncTasksClient",
    "AsyncUsersClient",
    "BetaWarning",
    "Client",
    "Dataset",
    "DatasetVersion",
    "DatasetsClient",
    "Evaluator",
    "EvaluatorInput",
    "EvaluatorVersion",
    "EvaluatorsClient",
    "Experiment",
    "ExperimentsClient",
    "LLMGenerationConfig",
    "Message",
    "Organization",
    "OrganizationsClient",
    "Page",
    "Pagination",
    "Project",
    "ProjectsClient",
    "Region",
    "RunTimeoutError",
    "Space",
    "SpaceMembership",
    "SpaceRoleAssignment",
    "SpacesClient",
    "Task",
    "TaskEvaluator",
    "TaskRun",
    "TasksClient",
    "TemplateEvaluationConfig",
    "User",
    "UsersClient",
    "__version__",
    "errors",
    "regions",
    "types",
]
