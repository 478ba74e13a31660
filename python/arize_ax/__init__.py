"""arize-ax: a fast client for Arize AX spaces and tasks (REST API v2).

Quick start::

    from arize_ax import Client
    client = Client()                      # ARIZE_API_KEY from the environment
    page = client.spaces.list(limit=10)
    df = page.to_pandas()

Every list result is a :class:`Page` that exports Arrow without copying
(``pyarrow.table(page)``, ``polars.DataFrame(page)``). :class:`AsyncClient` has the
same methods as awaitables. The bundled emulator lives in :mod:`arize_ax.testing`.
"""

from __future__ import annotations

from . import errors, types
from ._native import (
    AsyncClient,
    AsyncSpacesClient,
    AsyncTasksClient,
    Client,
    Page,
    Pagination,
    Space,
    SpaceMembership,
    SpaceRoleAssignment,
    SpacesClient,
    Task,
    TaskEvaluator,
    TaskRun,
    TasksClient,
    __version__,
)
from .errors import BetaWarning, RunTimeoutError
from .types import (
    AgentCallConfig,
    EvaluatorInput,
    LLMGenerationConfig,
    Message,
    TemplateEvaluationConfig,
)

__all__ = [
    "AgentCallConfig",
    "AsyncClient",
    "AsyncSpacesClient",
    "AsyncTasksClient",
    "BetaWarning",
    "Client",
    "EvaluatorInput",
    "LLMGenerationConfig",
    "Message",
    "Page",
    "Pagination",
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
    "__version__",
    "errors",
    "types",
]
