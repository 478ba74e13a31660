//! Serde models of the API objects. Responses are decoded tolerantly: unknown fields are
//! ignored and camelCase aliases are accepted; requests are always sent in snake_case.

mod run;
mod run_config;
mod space;
mod task;

pub use run::{TaskRun, TaskRunStatus};
pub use run_config::normalize_run_configuration;
/// The wire fields of the run configuration variants and their parts, as the API defines them.
pub use run_config::{
    AGENT_CALL_FIELDS, LLM_GENERATION_FIELDS, MESSAGE_FIELDS, TEMPLATE_EVALUATION_FIELDS,
    TOOL_CONFIG_FIELDS,
};
pub use space::{
    DefaultAgentRuntime, DefaultLlmIntegration, Space, SpaceMembership, SpaceRole,
    PREDEFINED_SPACE_ROLES,
};
pub use task::{Task, TaskEvaluator, TaskEvaluatorInput, TaskType};

/// A field of a partial update: leave unchanged, clear (`null`), or set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Patch<T> {
    /// Not sent.
    #[default]
    Unset,
    /// Sent as JSON `null` (clears the field).
    Null,
    /// Sent as this value.
    Value(T),
}

impl<T> Patch<T> {
    /// True for [`Patch::Unset`].
    pub fn is_unset(&self) -> bool {
        matches!(self, Patch::Unset)
    }

    /// `None` → [`Patch::Null`], `Some(v)` → [`Patch::Value`].
    pub fn from_nullable(value: Option<T>) -> Self {
        match value {
            Some(v) => Patch::Value(v),
            None => Patch::Null,
        }
    }

    /// The value, if any.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Patch::Value(v) => Some(v),
            _ => None,
        }
    }
}
