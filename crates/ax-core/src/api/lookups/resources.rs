//! The declarations of the supporting resources: one `lookup_resource!` each. The columns
//! follow the official SDK's generated models (field names and order); nested objects are
//! JSON text columns. Items keep every field the server sent, nested ones included
//! (`versions` of a dataset got by ID, `version` of an evaluator).

use std::sync::OnceLock;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;

use super::{Filter, LookupResource, NameScope, Record};
use crate::paginate::{ChunkResource, Pagination, Resource};
use crate::resolve;
use crate::table::declared::{
    self, declared_schema, decode_declared_page, Column, ColumnKind, DeclaredColumns,
};

use ColumnKind::{Bool, Json, Timestamp, Utf8, Utf8List};

macro_rules! lookup_resource {
    (
        $(#[$meta:meta])*
        $name:ident {
            collection: $collection:literal,
            path: $path:literal,
            $(item_path: $item_path:literal,)?
            noun: $noun:literal,
            filters: [$($filter:ident),*],
            scope: $scope:expr,
            columns: [$($column:expr),* $(,)?] $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name;

        impl Resource for $name {
            const COLLECTION: &'static str = $collection;
            type Item = Record;
            fn schema() -> SchemaRef {
                static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
                declared_schema(&SCHEMA, <Self as LookupResource>::COLUMNS)
            }
            fn decode_page(body: &[u8]) -> Result<(RecordBatch, Pagination), String> {
                decode_declared_page(body, $collection, Self::COLUMNS, Self::schema())
            }
        }

        impl ChunkResource for $name {
            type Columns = DeclaredColumns;
            const ROW_BYTES: usize = declared::ROW_BYTES;
            fn columns(rows: usize) -> DeclaredColumns {
                DeclaredColumns::with_capacity(Self::COLUMNS, Self::schema(), rows)
            }
            fn rows(c: &DeclaredColumns) -> usize {
                c.rows()
            }
            fn scan_into(body: &[u8], c: &mut DeclaredColumns) -> Option<Pagination> {
                c.scan_into(body, $collection)
            }
            fn finish_rows(c: DeclaredColumns, rows: usize) -> Result<RecordBatch, String> {
                c.finish_rows(rows)
            }
        }

        impl LookupResource for $name {
            const PATH: &'static str = $path;
            $(const ITEM_PATH: &'static str = $item_path;)?
            const NOUN: &'static str = $noun;
            const FILTERS: &'static [Filter] = &[$(Filter::$filter),*];
            const SCOPE: NameScope = $scope;
            const COLUMNS: &'static [Column] = &[$($column),*];
        }
    };
}

const fn col(name: &'static str, kind: ColumnKind) -> Column {
    Column::new(name, kind)
}

const ID: Column = Column::required("id", Utf8);

lookup_resource! {
    /// Organizations (`GET /v2/organizations`).
    Organizations {
        collection: "organizations",
        path: "/v2/organizations",
        noun: "organization",
        filters: [Name],
        scope: NameScope::Global(&resolve::ORGANIZATION),
        columns: [ID, col("name", Utf8), col("description", Utf8), col("created_at", Timestamp)],
    }
}

lookup_resource! {
    /// Account users (`GET /v2/users`), oldest first. `role` is the account role assignment
    /// as JSON text, e.g. `{"type":"PREDEFINED","name":"ADMIN"}`.
    Users {
        collection: "users",
        path: "/v2/users",
        noun: "user",
        filters: [Email, Status],
        scope: NameScope::User,
        columns: [
            ID,
            col("name", Utf8),
            col("email", Utf8),
            col("created_at", Timestamp),
            col("status", Utf8),
            col("role", Json),
            col("is_developer", Bool),
        ],
    }
}

lookup_resource! {
    /// Projects (`GET /v2/projects`), within a space.
    Projects {
        collection: "projects",
        path: "/v2/projects",
        noun: "project",
        filters: [Name, Space],
        scope: NameScope::Space(&resolve::PROJECT),
        columns: [
            ID,
            col("name", Utf8),
            col("space_id", Utf8),
            col("created_at", Timestamp),
            col("project_type", Utf8),
        ],
    }
}

lookup_resource! {
    /// Datasets (`GET /v2/datasets`), newest first. The list has no versions; `get` returns
    /// the dataset with its `versions` (newest first).
    Datasets {
        collection: "datasets",
        path: "/v2/datasets",
        noun: "dataset",
        filters: [Name, Space],
        scope: NameScope::Space(&resolve::DATASET),
        columns: [
            ID,
            col("name", Utf8),
            col("space_id", Utf8),
            col("created_at", Timestamp),
            col("updated_at", Timestamp),
        ],
    }
}

lookup_resource! {
    /// Experiments (`GET /v2/experiments`), by dataset or by space, newest first.
    Experiments {
        collection: "experiments",
        path: "/v2/experiments",
        noun: "experiment",
        filters: [DatasetOrSpace],
        scope: NameScope::Experiment,
        columns: [
            ID,
            col("name", Utf8),
            col("space_id", Utf8),
            col("dataset_id", Utf8),
            col("dataset_version_id", Utf8),
            col("created_at", Timestamp),
            col("updated_at", Timestamp),
            col("experiment_traces_project_id", Utf8),
            col("integration_id", Utf8),
        ],
    }
}

lookup_resource! {
    /// Evaluators (`GET /v2/evaluators`), most recently updated first. `get` returns the
    /// evaluator with one resolved `version`.
    Evaluators {
        collection: "evaluators",
        path: "/v2/evaluators",
        noun: "evaluator",
        filters: [Name, Space],
        scope: NameScope::Space(&resolve::EVALUATOR),
        columns: [
            ID,
            col("name", Utf8),
            col("description", Utf8),
            col("type", Utf8),
            col("space_id", Utf8),
            col("created_at", Timestamp),
            col("updated_at", Timestamp),
            col("created_by_user_id", Utf8),
        ],
    }
}

lookup_resource! {
    /// Versions of one evaluator (`GET /v2/evaluators/{id}/versions`, and one by ID at
    /// `GET /v2/evaluator-versions/{id}`). The variant's configuration is JSON text.
    EvaluatorVersions {
        collection: "evaluator_versions",
        path: "/v2/evaluator-versions",
        noun: "evaluator version",
        filters: [],
        scope: NameScope::IdOnly,
        columns: [
            ID,
            col("evaluator_id", Utf8),
            col("commit_hash", Utf8),
            col("commit_message", Utf8),
            col("created_at", Timestamp),
            col("created_by_user_id", Utf8),
            col("type", Utf8),
            col("template_config", Json),
            col("code_config", Json),
            col("remote_config", Json),
        ],
    }
}

lookup_resource! {
    /// AI integrations (`GET /v2/ai-integrations`). The key itself is never returned.
    AiIntegrations {
        collection: "ai_integrations",
        path: "/v2/ai-integrations",
        noun: "AI integration",
        filters: [Name, Space],
        scope: NameScope::Space(&resolve::AI_INTEGRATION),
        columns: [
            ID,
            col("name", Utf8),
            col("provider", Utf8),
            col("has_api_key", Bool),
            col("base_url", Utf8),
            col("model_names", Utf8List),
            col("headers", Json),
            col("enable_default_models", Bool),
            col("function_calling_enabled", Bool),
            col("auth_type", Utf8),
            col("provider_metadata", Json),
            col("scopings", Json),
            col("created_at", Timestamp),
            col("updated_at", Timestamp),
            col("created_by_user_id", Utf8),
        ],
    }
}

/// The members of one dataset version (in a dataset's `versions`).
pub const DATASET_VERSION_COLUMNS: &[Column] = &[
    ID,
    col("name", Utf8),
    col("dataset_id", Utf8),
    col("created_at", Timestamp),
    col("updated_at", Timestamp),
];
