"""Typed inputs for tasks. Plain dicts work everywhere these do; these classes add
names, defaults and type checking. Each has ``to_dict()`` giving the wire shape
(``None`` fields left out, ``experiment_type`` filled in for run configurations).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

__all__ = [
    "AgentCallConfig",
    "EvaluatorInput",
    "LLMGenerationConfig",
    "Message",
    "RunConfiguration",
    "TemplateEvaluationConfig",
]


def _wire(obj: Any) -> Any:
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if isinstance(obj, list):
        return [_wire(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _wire(v) for k, v in obj.items()}
    return obj


class _Input:
    def to_dict(self) -> dict[str, Any]:
        """The wire form: a JSON-ready dict without ``None`` fields."""
        out = {
            f.name: _wire(getattr(self, f.name))
            for f in fields(self)  # type: ignore[arg-type]
            if getattr(self, f.name) is not None
        }
        kind = getattr(self, "_experiment_type", None)
        if kind is not None:
            out = {"experiment_type": kind, **out}
        return out


@dataclass
class EvaluatorInput(_Input):
    """An evaluator to attach to an evaluation task."""

    evaluator_id: str
    query_filter: str | None = None
    column_mappings: dict[str, str] | None = None
    evaluator_version_id: str | None = None


@dataclass
class Message(_Input):
    """A chat message of an LLM_GENERATION run configuration.

    ``role``: USER, ASSISTANT, SYSTEM or TOOL (any case).
    """

    role: str
    content: str | None = None
    tool_call_id: str | None = None
    tool_calls: list[dict[str, Any]] | None = None


@dataclass
class LLMGenerationConfig(_Input):
    """Run a prompt against each dataset example (``experiment_type`` LLM_GENERATION).

    ``input_variable_format`` is required: ``MUSTACHE`` for ``{{var}}``, ``F_STRING`` for
    ``{var}``.
    """

    ai_integration_id: str
    messages: list[Message | dict[str, Any]]
    input_variable_format: str
    model_name: str | None = None
    invocation_parameters: dict[str, Any] | None = None
    provider_parameters: dict[str, Any] | None = None
    tool_config: dict[str, Any] | None = None
    prompt_version_id: str | None = None
    _experiment_type = "LLM_GENERATION"


@dataclass
class TemplateEvaluationConfig(_Input):
    """Judge each dataset example with an LLM template (``experiment_type``
    TEMPLATE_EVALUATION). Note the singular ``column_mapping``."""

    ai_integration_id: str
    template: str
    provide_explanation: bool
    model_name: str | None = None
    classification_choices: dict[str, float] | None = None
    column_mapping: dict[str, str] | None = None
    evaluator_version_id: str | None = None
    invocation_parameters: dict[str, Any] | None = None
    provider_parameters: dict[str, Any] | None = None
    _experiment_type = "TEMPLATE_EVALUATION"


@dataclass
class AgentCallConfig(_Input):
    """Call an agent integration with a JSON body template (``experiment_type`` AGENT_CALL)."""

    integration_id: str
    input_template: dict[str, Any]
    _experiment_type = "AGENT_CALL"


RunConfiguration = LLMGenerationConfig | TemplateEvaluationConfig | AgentCallConfig
