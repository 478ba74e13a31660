"""The layout of the official SDK's response models (private; used by ``_compat``).

``model_dump()`` and ``Page.to_df()`` give the keys of the official ``arize`` 8.61 pydantic
models: every field of the model in its order (``None`` when the server did not send it),
nested objects laid out by their own model, and ``additional_properties`` (the members the
model does not define) on the models that have that field. :data:`MODELS` describes those
models; :func:`shape` lays a plain value (the API's JSON, or a result class's ``to_dict()``)
out by one of them.

A field is ``name`` or ``(name, spec)``; ``spec`` is

- ``DT``: a timestamp (an ISO 8601 string becomes an aware ``datetime``),
- ``JSON``: any JSON value kept as sent (free-form objects such as ``headers``),
- a model name, a one-item list ``[model]`` (a list of that model), or
- a :class:`Union`: the model chosen by the value of a discriminator member.

Where the official SDK keeps a ``oneOf`` wrapper object (an AI integration's
``provider_metadata``, a static parameter's ``default_value``), the value is kept as sent.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, NamedTuple

DT = "<datetime>"
JSON = "<json>"


class Union(NamedTuple):
    """A value whose model is chosen by its ``discriminator`` member."""

    discriminator: str
    choices: dict[str, str]


Spec = None | str | list[str] | Union


class Field(NamedTuple):
    name: str
    spec: Spec = None
    alias: str | None = None


class Model(NamedTuple):
    fields: tuple[Field, ...]
    extra: bool = False  # has ``additional_properties``


def _model(*fields: str | tuple[Any, ...], extra: bool = False) -> Model:
    return Model(tuple(Field(f) if isinstance(f, str) else Field(*f) for f in fields), extra)


_ROLE = Union("type", {"PREDEFINED": "PredefinedRole", "CUSTOM": "CustomRole"})
_RUN_CONFIG = Union(
    "experiment_type",
    {
        "LLM_GENERATION": "LlmGenerationRunConfig",
        "AGENT_CALL": "AgentCallRunConfig",
        "TEMPLATE_EVALUATION": "TemplateEvaluationRunConfig",
    },
)
_EVALUATOR_VERSION = Union(
    "type",
    {
        "TEMPLATE": "EvaluatorVersionTemplate",
        "CODE": "EvaluatorVersionCode",
        "HARNESS": "EvaluatorVersionHarness",
        "REMOTE": "EvaluatorVersionRemote",
    },
)
_VERSION_BASE = (
    "id",
    "evaluator_id",
    "commit_hash",
    "commit_message",
    ("created_at", DT),
    "created_by_user_id",
    "type",
)

MODELS: dict[str, Model] = {
    # Spaces.
    "Space": _model(
        "id",
        "organization_id",
        "name",
        "description",
        ("created_at", DT),
        "is_private",
        ("default_llm_integration", "DefaultLlmIntegration"),
        "ml_models_enabled",
        "gradient_start_color",
        "gradient_end_color",
        ("default_agent_runtime", "DefaultAgentRuntime"),
    ),
    "DefaultLlmIntegration": _model("integration_id", "model_name"),
    "DefaultAgentRuntime": _model("integration_id"),
    "SpaceMembership": _model("id", "user_id", "space_id", ("role", _ROLE)),
    "PredefinedRole": _model("type", "name"),
    "CustomRole": _model("type", "id", "name"),
    "Pagination": _model("next_cursor", "has_more"),
    # Tasks and runs.
    "Task": _model(
        "id",
        "name",
        "type",
        "project_id",
        "dataset_id",
        "sampling_rate",
        "is_continuous",
        "query_filter",
        ("query_filters", "TaskQueryFilters"),
        ("evaluators", ["TaskEvaluator"]),
        "experiment_ids",
        ("run_configuration", _RUN_CONFIG),
        ("last_run_at", DT),
        ("created_at", DT),
        ("updated_at", DT),
        "created_by_user_id",
    ),
    "TaskQueryFilters": _model(("filters", ["TaskQueryFilter"]), "expression"),
    "TaskQueryFilter": _model("id", "filter"),
    "TaskEvaluator": _model(
        "evaluator_id",
        "evaluator_name",
        "evaluator_version_id",
        "query_filter",
        ("column_mappings", JSON),
        ("query_mappings", ["TaskQueryMapping"]),
    ),
    "TaskQueryMapping": _model("variable_name", "query_ids", "attribute_path"),
    "LlmGenerationRunConfig": _model(
        "experiment_type",
        "ai_integration_id",
        "model_name",
        ("messages", ["LlmMessage"]),
        "input_variable_format",
        ("invocation_parameters", "InvocationParams"),
        ("provider_parameters", JSON),
        ("tool_config", "ToolConfig"),
        "prompt_version_id",
        extra=True,
    ),
    "AgentCallRunConfig": _model(
        "experiment_type", "integration_id", ("input_template", JSON), extra=True
    ),
    "TemplateEvaluationRunConfig": _model(
        "experiment_type",
        "ai_integration_id",
        "model_name",
        "template",
        "provide_explanation",
        ("classification_choices", JSON),
        ("column_mapping", JSON),
        "evaluator_version_id",
        ("invocation_parameters", "InvocationParams"),
        ("provider_parameters", JSON),
        extra=True,
    ),
    "LlmMessage": _model(
        "role", "content", "tool_call_id", ("tool_calls", ["ToolCall"]), extra=True
    ),
    "ToolCall": _model("id", "type", ("function", "ToolCallFunction")),
    "ToolCallFunction": _model("name", "arguments"),
    "InvocationParams": _model(
        "temperature",
        "max_tokens",
        "max_completion_tokens",
        "top_p",
        "frequency_penalty",
        "presence_penalty",
        "stop",
        ("response_format", "ResponseFormat"),
        ("tool_config", "ToolConfig"),
        "top_k",
        "thinking_level",
        "thinking_budget",
        "reasoning_effort",
        "verbosity",
        "service_tier",
        extra=True,
    ),
    "ResponseFormat": _model("type", ("json_schema", "JsonSchemaConfig")),
    "JsonSchemaConfig": _model("name", "description", ("var_schema", JSON, "schema"), "strict"),
    "ToolConfig": _model(("tools", JSON), ("tool_choice", JSON), extra=True),
    "TaskRun": _model(
        "id",
        "task_id",
        "experiment_id",
        "status",
        ("run_started_at", DT),
        ("run_finished_at", DT),
        ("data_start_time", DT),
        ("data_end_time", DT),
        "num_successes",
        "num_errors",
        "num_skipped",
        ("created_at", DT),
        "created_by_user_id",
        "failure_reason",
        extra=True,
    ),
    # The supporting resources.
    "Organization": _model("id", "name", "description", ("created_at", DT)),
    "User": _model(
        "id",
        "name",
        "email",
        ("created_at", DT),
        "status",
        ("role", _ROLE),
        "is_developer",
    ),
    "Project": _model("id", "name", "space_id", ("created_at", DT), "project_type"),
    "Dataset": _model(
        "id",
        "name",
        "space_id",
        ("created_at", DT),
        ("updated_at", DT),
        ("versions", ["DatasetVersion"]),
    ),
    "DatasetVersion": _model("id", "name", "dataset_id", ("created_at", DT), ("updated_at", DT)),
    "Experiment": _model(
        "id",
        "name",
        "space_id",
        "dataset_id",
        "dataset_version_id",
        ("created_at", DT),
        ("updated_at", DT),
        "experiment_traces_project_id",
        "integration_id",
    ),
    "Evaluator": _model(
        "id",
        "name",
        "description",
        "type",
        "space_id",
        ("created_at", DT),
        ("updated_at", DT),
        "created_by_user_id",
    ),
    "EvaluatorWithVersion": _model(
        "id",
        "name",
        "description",
        "type",
        "space_id",
        ("created_at", DT),
        ("updated_at", DT),
        "created_by_user_id",
        ("version", _EVALUATOR_VERSION),
    ),
    "EvaluatorVersionTemplate": _model(*_VERSION_BASE, ("template_config", "TemplateConfig")),
    "EvaluatorVersionCode": _model(
        *_VERSION_BASE,
        (
            "code_config",
            Union("type", {"CUSTOM": "CustomCodeConfig", "MANAGED": "ManagedCodeConfig"}),
        ),
    ),
    "EvaluatorVersionHarness": _model(*_VERSION_BASE),
    "EvaluatorVersionRemote": _model(*_VERSION_BASE, ("remote_config", "RemoteConfig")),
    "TemplateConfig": _model(
        "name",
        "template",
        "include_explanations",
        "use_function_calling",
        "use_structured_output",
        ("classification_choices", JSON),
        "direction",
        "data_granularity",
        ("llm_config", "EvaluatorLlmConfig"),
    ),
    "EvaluatorLlmConfig": _model(
        "ai_integration_id",
        "model_name",
        ("invocation_parameters", "InvocationParams"),
        ("provider_parameters", "ProviderParams"),
    ),
    "ProviderParams": _model(
        ("azure_params", "AzureParams"),
        ("anthropic_headers", "AnthropicHeaders"),
        "anthropic_version",
        ("bedrock_options", "BedrockOptions"),
        "region",
        extra=True,
    ),
    "AzureParams": _model("azure_deployment_name", "azure_openai_endpoint", "azure_openai_version"),
    "AnthropicHeaders": _model("anthropic_beta"),
    "BedrockOptions": _model("use_converse_endpoint"),
    "CustomCodeConfig": _model(
        "data_granularity",
        "query_filter",
        "type",
        "name",
        "code",
        "imports",
        "variables",
        ("static_params", ["StaticParam"]),
    ),
    "ManagedCodeConfig": _model(
        "data_granularity",
        "query_filter",
        "type",
        "name",
        "managed_evaluator",
        "variables",
        ("static_params", ["StaticParam"]),
    ),
    "StaticParam": _model("name", "type", ("default_value", JSON)),
    "RemoteConfig": _model("integration_id"),
    "AiIntegration": _model(
        "id",
        "name",
        "provider",
        "has_api_key",
        "base_url",
        "model_names",
        ("headers", JSON),
        "enable_default_models",
        "function_calling_enabled",
        "auth_type",
        ("provider_metadata", JSON),
        ("scopings", ["AiIntegrationScoping"]),
        ("created_at", DT),
        ("updated_at", DT),
        "created_by_user_id",
    ),
    "AiIntegrationScoping": _model("organization_id", "space_id"),
}

# The model of one item of each listing (``Page`` collections).
COLLECTIONS: dict[str, str] = {
    "spaces": "Space",
    "tasks": "Task",
    "task_runs": "TaskRun",
    "organizations": "Organization",
    "users": "User",
    "projects": "Project",
    "datasets": "Dataset",
    "experiments": "Experiment",
    "evaluators": "Evaluator",
    "evaluator_versions": "EvaluatorVersion",
    "ai_integrations": "AiIntegration",
}

# Result classes whose official model depends on the data: an evaluator from ``get`` has a
# ``version``; an evaluator version and a role are unions.
_ALIASES: dict[str, Spec] = {
    "SpaceRole": _ROLE,
    "EvaluatorVersion": _EVALUATOR_VERSION,
}


class Obj(dict):  # type: ignore[type-arg]
    """A dict laid out by a model (``exclude_none`` and aliases apply to its fields only)."""

    __slots__ = ("model",)

    def __init__(self, model: Model) -> None:
        super().__init__()
        self.model = model


def resolve(name: str, data: Any) -> Spec:
    """The spec of a result class's official model (``Evaluator`` with a ``version`` is
    ``EvaluatorWithVersion``)."""
    if name == "Evaluator" and isinstance(data, dict) and "version" in data:
        return "EvaluatorWithVersion"
    return _ALIASES.get(name, name)


def parse_datetime(value: str) -> datetime | str:
    """An ISO 8601 string as an aware ``datetime`` (UTC when no offset); others unchanged."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return value
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def shape(spec: Spec, value: Any, arrow: bool = False) -> Any:
    """``value`` laid out by ``spec`` (see the module docstring); ``None`` stays ``None``.

    ``arrow`` says that ``value`` comes from an Arrow cell, where nested objects may be held
    as JSON text: such text is parsed where ``spec`` expects an object or any JSON value.
    """
    if value is None or spec is None:
        return value
    if spec == DT:
        return parse_datetime(value) if isinstance(value, str) else value
    if arrow and isinstance(value, str):
        value, arrow = json.loads(value), False
    if spec == JSON:
        return value
    if isinstance(spec, list):
        if not isinstance(value, (list, tuple)):
            return value
        return [shape(spec[0], item, arrow) for item in value]
    if isinstance(spec, Union):
        if not isinstance(value, dict):
            return value
        chosen = spec.choices.get(str(value.get(spec.discriminator)))
        return value if chosen is None else shape(chosen, value, arrow)
    if not isinstance(value, dict):
        return value
    model = MODELS[spec]
    out = Obj(model)
    for f in model.fields:
        # A member may arrive under its wire name (``schema``) or its Python name.
        raw = value.get(f.alias, value.get(f.name)) if f.alias else value.get(f.name)
        out[f.name] = shape(f.spec, raw, arrow)
    if model.extra:
        known = {f.alias or f.name for f in model.fields} | {f.name for f in model.fields}
        extra = value.get("additional_properties")
        merged = dict(extra) if isinstance(extra, dict) else {}
        merged.update(
            {k: v for k, v in value.items() if k not in known and k != "additional_properties"}
        )
        out["additional_properties"] = merged
    return out
