//! Supporting resources of a space (API.md §5): projects, datasets and their versions,
//! experiments, evaluators and their versions, and AI integrations. The API only reads
//! them; they come from the seed (and experiments also from `RUN_EXPERIMENT` runs). Each
//! row carries the ID of the space it lives in, which decides who may see it.

use serde::Serialize;
use serde_json::Value;

use crate::ids::Timestamp;
use crate::state::Row;

/// A row that lives in a space: visible exactly when the space is.
pub(crate) trait InSpace: Row + Serialize {
    fn space_id(&self) -> &str;
}

/// A row of a space that has a name (list filters `space_id`, `space_name`, `name`).
pub(crate) trait SpaceChild: InSpace {
    fn name(&self) -> &str;
}

macro_rules! in_space {
    ($($t:ty),*) => {$(
        impl Row for $t {
            fn seq(&self) -> u64 { self.seq }
            fn id(&self) -> &str { &self.id }
        }
        impl InSpace for $t {
            fn space_id(&self) -> &str { &self.space_id }
        }
    )*};
}

macro_rules! space_child {
    ($($t:ty),*) => {$(
        in_space!($t);
        impl SpaceChild for $t {
            fn name(&self) -> &str { &self.name }
        }
    )*};
}

space_child!(Project, Dataset, Experiment, Evaluator, AiIntegration);
in_space!(DatasetVersion, EvaluatorVersion);

/// `project_type` values.
pub(crate) const PROJECT_TYPES: &[&str] = &["APPLICATION", "HARNESS", "EXPERIMENT"];

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Project {
    #[serde(skip)]
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) space_id: String,
    pub(crate) created_at: Timestamp,
    pub(crate) project_type: Option<&'static str>,
}

/// A dataset as listed (no `versions`).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Dataset {
    #[serde(skip)]
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) space_id: String,
    pub(crate) created_at: Timestamp,
    pub(crate) updated_at: Timestamp,
}

/// `GET /v2/datasets/{id}`: the dataset plus its versions, newest first.
#[derive(Serialize)]
pub(crate) struct DatasetWithVersions<'a> {
    #[serde(flatten)]
    pub(crate) dataset: &'a Dataset,
    pub(crate) versions: Vec<&'a DatasetVersion>,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct DatasetVersion {
    #[serde(skip)]
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) dataset_id: String,
    pub(crate) created_at: Timestamp,
    pub(crate) updated_at: Timestamp,
    /// How many examples the version holds (sizes experiment runs).
    #[serde(skip)]
    pub(crate) example_count: u64,
    #[serde(skip)]
    pub(crate) space_id: String,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Experiment {
    #[serde(skip)]
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) dataset_id: String,
    pub(crate) dataset_version_id: String,
    pub(crate) created_at: Timestamp,
    pub(crate) updated_at: Timestamp,
    /// Not nullable in the API: absent when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) experiment_traces_project_id: Option<String>,
    pub(crate) integration_id: Option<String>,
    pub(crate) space_id: String,
}

/// Evaluator kinds (`EvaluatorType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum EvaluatorKind {
    Template,
    Code,
}

impl EvaluatorKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            EvaluatorKind::Template => "TEMPLATE",
            EvaluatorKind::Code => "CODE",
        }
    }
}

/// An evaluator as listed. The list is most-recently-updated first; evaluators never
/// change after seeding and are seeded with increasing `updated_at`, so that is newest
/// sequence number first.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Evaluator {
    #[serde(skip)]
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    #[serde(rename = "type")]
    pub(crate) kind: EvaluatorKind,
    pub(crate) space_id: String,
    pub(crate) created_at: Timestamp,
    pub(crate) updated_at: Timestamp,
    pub(crate) created_by_user_id: Option<String>,
}

/// `GET /v2/evaluators/{id}`: the evaluator plus one resolved version.
#[derive(Serialize)]
pub(crate) struct EvaluatorWithVersion<'a> {
    #[serde(flatten)]
    pub(crate) evaluator: &'a Evaluator,
    pub(crate) version: &'a EvaluatorVersion,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct EvaluatorVersion {
    #[serde(skip)]
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) evaluator_id: String,
    pub(crate) commit_hash: String,
    pub(crate) commit_message: Option<String>,
    pub(crate) created_at: Timestamp,
    pub(crate) created_by_user_id: Option<String>,
    #[serde(rename = "type")]
    pub(crate) kind: EvaluatorKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) template_config: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) code_config: Option<Value>,
    /// The evaluator's space (visibility).
    #[serde(skip)]
    pub(crate) space_id: String,
}

/// Who may use an AI integration: both null = account-wide, only `organization_id` =
/// organization-wide, `space_id` = that space.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Scoping {
    pub(crate) organization_id: Option<String>,
    pub(crate) space_id: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct AiIntegration {
    #[serde(skip)]
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) provider: &'static str,
    pub(crate) has_api_key: bool,
    pub(crate) base_url: Option<String>,
    pub(crate) model_names: Vec<String>,
    pub(crate) headers: Option<Value>,
    pub(crate) enable_default_models: bool,
    pub(crate) function_calling_enabled: bool,
    pub(crate) auth_type: &'static str,
    pub(crate) provider_metadata: Option<Value>,
    pub(crate) scopings: Vec<Scoping>,
    pub(crate) created_at: Timestamp,
    pub(crate) updated_at: Timestamp,
    pub(crate) created_by_user_id: Option<String>,
    /// The space that owns it (visibility and the `space_id` list filter).
    #[serde(skip)]
    pub(crate) space_id: String,
}

impl AiIntegration {
    /// Whether a task in `space_id` (of `org_id`) may use this integration.
    pub(crate) fn usable_in(&self, space_id: &str, org_id: &str) -> bool {
        self.scopings
            .iter()
            .any(|s| match (&s.organization_id, &s.space_id) {
                (_, Some(sp)) => sp == space_id,
                (Some(org), None) => org == org_id,
                (None, None) => true,
            })
    }
}
