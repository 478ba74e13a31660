//! Arrow table of tasks.
//!
//! Fixed schema, identical for every page and for an empty result:
//!
//! | column               | Arrow type                                   | nullable |
//! |----------------------|----------------------------------------------|----------|
//! | `id`                 | `Utf8`                                       | no       |
//! | `name`               | `Utf8`                                       | no       |
//! | `type`               | `Utf8` (`TEMPLATE_EVALUATION`, …)            | no       |
//! | `project_id`         | `Utf8`                                       | yes      |
//! | `dataset_id`         | `Utf8`                                       | yes      |
//! | `sampling_rate`      | `Float64`                                    | yes      |
//! | `is_continuous`      | `Boolean` (`null`/absent read as `false`)    | no       |
//! | `query_filter`       | `Utf8`                                       | yes      |
//! | `evaluators`         | `List<Struct<…>>` (see below; `null` → `[]`) | no       |
//! | `experiment_ids`     | `List<Utf8>` (`null` → `[]`)                 | no       |
//! | `run_configuration`  | `Utf8`: the object as JSON text              | yes      |
//! | `last_run_at`        | `Timestamp(µs, "UTC")`                       | yes      |
//! | `created_at`         | `Timestamp(µs, "UTC")`                       | no       |
//! | `updated_at`         | `Timestamp(µs, "UTC")`                       | no       |
//! | `created_by_user_id` | `Utf8`                                       | yes      |
//! | `query_filters`      | `Utf8`: the object as JSON text              | yes      |
//!
//! `evaluators` items: `Struct<evaluator_id: Utf8 (not null), evaluator_name: Utf8,
//! query_filter: Utf8, column_mappings: Map<Utf8, Utf8>, evaluator_version_id: Utf8,
//! query_mappings: Utf8>`; the map uses the canonical `entries`/`key`/`value` field names, and
//! `query_mappings` is the array as JSON text.
//!
//! `run_configuration` is a JSON **text** column: its three variants (`LLM_GENERATION`,
//! `TEMPLATE_EVALUATION`, `AGENT_CALL`) share no stable typed shape and carry free-form
//! objects (`provider_parameters`, `input_template`, tool definitions), so any typed struct
//! would either lose data or change with the data. A text column keeps the schema fixed;
//! `json.loads` (or polars' `str.json_decode`) recovers the object. The text is the JSON as
//! the server sent it. `query_filters` and per-evaluator `query_mappings` (trace/session
//! shape, newer servers) are JSON text for the same reason.
//!
//! The table holds every field of [`crate::model::Task`], so typed items can be rebuilt from
//! it ([`tasks_from_batch`]) and a listing need not keep the JSON bodies.
//!
//! camelCase aliases of every field are accepted; unknown fields are ignored.

use std::fmt;
use std::sync::{Arc, OnceLock};

use arrow_array::builder::ArrayBuilder;
use arrow_array::builder::{
    BooleanBuilder, Float64Builder, ListBuilder, MapBuilder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, ListArray, RecordBatch, StructArray};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::cells::{
    string_map_builder, string_map_type, EnumCell, JsonTextCell, StringListCell, StringMapCell,
};
use super::scan::{self, Bail, Scan, Scanner};
use super::{
    next_field, parse_timestamp_micros, prefix, RowSink, Seen, Src, TimestampCell, Utf8Cell,
};
use crate::model::TaskType;
use crate::paginate::{ChunkResource, Pagination, Resource};

fn timestamp() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

fn evaluator_fields() -> Fields {
    Fields::from(vec![
        Field::new("evaluator_id", DataType::Utf8, false),
        Field::new("evaluator_name", DataType::Utf8, true),
        Field::new("query_filter", DataType::Utf8, true),
        Field::new("column_mappings", string_map_type(), true),
        Field::new("evaluator_version_id", DataType::Utf8, true),
        Field::new("query_mappings", DataType::Utf8, true),
    ])
}

fn evaluator_item_field() -> Arc<Field> {
    Arc::new(Field::new(
        "item",
        DataType::Struct(evaluator_fields()),
        true,
    ))
}

/// The fixed schema of a tasks table.
pub fn task_schema() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            Arc::new(Schema::new(vec![
                Field::new("id", DataType::Utf8, false),
                Field::new("name", DataType::Utf8, false),
                Field::new("type", DataType::Utf8, false),
                Field::new("project_id", DataType::Utf8, true),
                Field::new("dataset_id", DataType::Utf8, true),
                Field::new("sampling_rate", DataType::Float64, true),
                Field::new("is_continuous", DataType::Boolean, false),
                Field::new("query_filter", DataType::Utf8, true),
                Field::new("evaluators", DataType::List(evaluator_item_field()), false),
                Field::new(
                    "experiment_ids",
                    DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))),
                    false,
                ),
                Field::new("run_configuration", DataType::Utf8, true),
                Field::new("last_run_at", timestamp(), true),
                Field::new("created_at", timestamp(), false),
                Field::new("updated_at", timestamp(), false),
                Field::new("created_by_user_id", DataType::Utf8, true),
                Field::new("query_filters", DataType::Utf8, true),
            ]))
        })
        .clone()
}

/// Builders of the nested `evaluators` column.
struct EvaluatorColumns {
    offsets: Vec<i32>,
    id: StringBuilder,
    name: StringBuilder,
    query_filter: StringBuilder,
    column_mappings: MapBuilder<StringBuilder, StringBuilder>,
    version_id: StringBuilder,
    query_mappings: StringBuilder,
}

impl EvaluatorColumns {
    fn with_capacity(rows: usize) -> Self {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        EvaluatorColumns {
            offsets,
            id: StringBuilder::with_capacity(rows, rows * 28),
            name: StringBuilder::with_capacity(rows, rows * 16),
            query_filter: StringBuilder::with_capacity(rows, 0),
            column_mappings: string_map_builder(rows),
            version_id: StringBuilder::with_capacity(rows, 0),
            query_mappings: StringBuilder::with_capacity(rows, 0),
        }
    }

    fn items(&self) -> usize {
        self.id.len()
    }

    /// Appends what an evaluator without the fields not marked in `seen` gets (nulls).
    fn complete_item(&mut self, seen: &Seen) -> Result<(), String> {
        for (i, b) in [
            (1, &mut self.name),
            (2, &mut self.query_filter),
            (4, &mut self.version_id),
            (5, &mut self.query_mappings),
        ] {
            if !seen.has(i) {
                b.append_null();
            }
        }
        if !seen.has(3) {
            self.column_mappings
                .append(false)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    fn close_row(&mut self) -> Result<(), String> {
        let n = i32::try_from(self.items()).map_err(|_| "too many evaluators".to_owned())?;
        self.offsets.push(n);
        Ok(())
    }

    /// The list column of the first `rows` tasks (each child cut to those tasks' items; a
    /// scan that gave up may have left part of an item behind).
    fn finish(mut self, rows: usize) -> Result<ArrayRef, String> {
        self.offsets.truncate(rows + 1);
        let items = usize::try_from(*self.offsets.last().unwrap_or(&0)).unwrap_or(0);
        let children: Vec<ArrayRef> = vec![
            prefix(Arc::new(self.id.finish()), items),
            prefix(Arc::new(self.name.finish()), items),
            prefix(Arc::new(self.query_filter.finish()), items),
            prefix(Arc::new(self.column_mappings.finish()), items),
            prefix(Arc::new(self.version_id.finish()), items),
            prefix(Arc::new(self.query_mappings.finish()), items),
        ];
        let structs =
            StructArray::try_new(evaluator_fields(), children, None).map_err(|e| e.to_string())?;
        let list = ListArray::try_new(
            evaluator_item_field(),
            OffsetBuffer::new(self.offsets.into()),
            Arc::new(structs),
            None,
        )
        .map_err(|e| e.to_string())?;
        Ok(Arc::new(list))
    }
}

/// Column builders for tasks.
pub struct TaskColumns {
    id: StringBuilder,
    name: StringBuilder,
    task_type: StringBuilder,
    project_id: StringBuilder,
    dataset_id: StringBuilder,
    sampling_rate: Float64Builder,
    is_continuous: BooleanBuilder,
    query_filter: StringBuilder,
    evaluators: EvaluatorColumns,
    experiment_ids: ListBuilder<StringBuilder>,
    run_configuration: StringBuilder,
    last_run_at: TimestampMicrosecondBuilder,
    created_at: TimestampMicrosecondBuilder,
    updated_at: TimestampMicrosecondBuilder,
    created_by_user_id: StringBuilder,
    query_filters: StringBuilder,
}

impl TaskColumns {
    /// Builders sized for about `rows` rows.
    pub fn with_capacity(rows: usize) -> Self {
        let ts = || TimestampMicrosecondBuilder::with_capacity(rows).with_timezone("UTC");
        TaskColumns {
            id: StringBuilder::with_capacity(rows, rows * 28),
            name: StringBuilder::with_capacity(rows, rows * 24),
            task_type: StringBuilder::with_capacity(rows, rows * 19),
            project_id: StringBuilder::with_capacity(rows, rows * 28),
            dataset_id: StringBuilder::with_capacity(rows, rows * 28),
            sampling_rate: Float64Builder::with_capacity(rows),
            is_continuous: BooleanBuilder::with_capacity(rows),
            query_filter: StringBuilder::with_capacity(rows, rows * 16),
            evaluators: EvaluatorColumns::with_capacity(rows),
            experiment_ids: ListBuilder::with_capacity(StringBuilder::new(), rows),
            run_configuration: StringBuilder::with_capacity(rows, 0),
            last_run_at: ts(),
            created_at: ts(),
            updated_at: ts(),
            created_by_user_id: StringBuilder::with_capacity(rows, rows * 28),
            query_filters: StringBuilder::with_capacity(rows, 0),
        }
    }

    /// Appends what a task without the fields not marked in `seen` gets: nulls, `false` for
    /// `is_continuous`, empty lists. Both decoding paths end a row with this.
    fn complete_row(&mut self, seen: &Seen) -> Result<(), String> {
        for (i, b) in [
            (PROJECT_ID, &mut self.project_id),
            (DATASET_ID, &mut self.dataset_id),
            (QUERY_FILTER, &mut self.query_filter),
            (RUN_CONFIGURATION, &mut self.run_configuration),
            (CREATED_BY, &mut self.created_by_user_id),
            (QUERY_FILTERS, &mut self.query_filters),
        ] {
            if !seen.has(i) {
                b.append_null();
            }
        }
        if !seen.has(SAMPLING_RATE) {
            self.sampling_rate.append_null();
        }
        if !seen.has(IS_CONTINUOUS) {
            self.is_continuous.append_value(false);
        }
        if !seen.has(EVALUATORS) {
            self.evaluators.close_row()?;
        }
        if !seen.has(EXPERIMENT_IDS) {
            self.experiment_ids.append(true);
        }
        if !seen.has(LAST_RUN_AT) {
            self.last_run_at.append_null();
        }
        Ok(())
    }

    /// Rows appended so far (all whole after a successful scan).
    pub(crate) fn rows(&self) -> usize {
        self.id.len()
    }

    /// Finishes the builders into a batch with [`task_schema`].
    pub fn finish(self) -> Result<RecordBatch, String> {
        let rows = self.rows();
        self.finish_rows(rows)
    }

    /// A batch of the first `rows` rows: what the columns held before a scan that gave up
    /// partway (each column is cut back; the rest of the memory is simply not used).
    pub(crate) fn finish_rows(mut self, rows: usize) -> Result<RecordBatch, String> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.id.finish()),
            Arc::new(self.name.finish()),
            Arc::new(self.task_type.finish()),
            Arc::new(self.project_id.finish()),
            Arc::new(self.dataset_id.finish()),
            Arc::new(self.sampling_rate.finish()),
            Arc::new(self.is_continuous.finish()),
            Arc::new(self.query_filter.finish()),
            self.evaluators.finish(rows)?,
            Arc::new(self.experiment_ids.finish()),
            Arc::new(self.run_configuration.finish()),
            Arc::new(self.last_run_at.finish()),
            Arc::new(self.created_at.finish()),
            Arc::new(self.updated_at.finish()),
            Arc::new(self.created_by_user_id.finish()),
            Arc::new(self.query_filters.finish()),
        ];
        let columns = columns.into_iter().map(|c| prefix(c, rows)).collect();
        RecordBatch::try_new(task_schema(), columns).map_err(|e| e.to_string())
    }
}

/// The tasks collection as a [`Resource`].
pub struct TaskResource;

impl Resource for TaskResource {
    const COLLECTION: &'static str = "tasks";
    type Item = crate::model::Task;
    fn schema() -> SchemaRef {
        task_schema()
    }
    fn decode_page(body: &[u8]) -> Result<(RecordBatch, Pagination), String> {
        decode_tasks_page(body)
    }
    const ITEMS_FROM_ARROW: bool = true;
    fn items_from_batch(batch: &RecordBatch) -> Result<Vec<Self::Item>, String> {
        super::items::tasks_from_batch(batch)
    }
}

impl ChunkResource for TaskResource {
    type Columns = TaskColumns;
    fn columns(rows: usize) -> TaskColumns {
        TaskColumns::with_capacity(rows)
    }
    fn rows(c: &TaskColumns) -> usize {
        c.rows()
    }
    fn scan_into(body: &[u8], c: &mut TaskColumns) -> Option<Pagination> {
        scan::append(body, "tasks", c, scan_task)
    }
    fn finish_rows(c: TaskColumns, rows: usize) -> Result<RecordBatch, String> {
        c.finish_rows(rows)
    }
}

/// Decodes a `GET /v2/tasks` body into one batch plus pagination.
pub fn decode_tasks_page(body: &[u8]) -> Result<(RecordBatch, Pagination), String> {
    // Rough size guess: a task object is ~600 bytes of JSON.
    let rows = (body.len() / 600).clamp(1, 1024);
    match scan_tasks_page(body, rows) {
        Some(done) => Ok(done),
        None => serde_tasks_page(body, rows),
    }
}

/// The direct path ([`scan`]): `None` when it gives up.
pub(crate) fn scan_tasks_page(body: &[u8], rows: usize) -> Option<(RecordBatch, Pagination)> {
    scan::page(
        body,
        "tasks",
        TaskColumns::with_capacity(rows),
        scan_task,
        TaskColumns::finish,
    )
}

/// The `serde_json` path (fast visitors, then the checked reference path).
pub(crate) fn serde_tasks_page(
    body: &[u8],
    rows: usize,
) -> Result<(RecordBatch, Pagination), String> {
    super::decode_page(
        body,
        "tasks",
        || TaskColumns::with_capacity(rows),
        TaskColumns::finish,
    )
}

fn normalize_task_type(s: &str) -> Option<&'static str> {
    // Fast path (no allocation) for the wire spelling.
    if let Some(t) = TaskType::ALL.iter().find(|t| t.as_str() == s) {
        return Some(t.as_str());
    }
    TaskType::parse(s).ok().map(|t| t.as_str())
}

const ID: usize = 0;
const NAME: usize = 1;
const TYPE: usize = 2;
const PROJECT_ID: usize = 3;
const DATASET_ID: usize = 4;
const SAMPLING_RATE: usize = 5;
const IS_CONTINUOUS: usize = 6;
const QUERY_FILTER: usize = 7;
const EVALUATORS: usize = 8;
const EXPERIMENT_IDS: usize = 9;
const RUN_CONFIGURATION: usize = 10;
const LAST_RUN_AT: usize = 11;
const CREATED_AT: usize = 12;
const UPDATED_AT: usize = 13;
const CREATED_BY: usize = 14;
const QUERY_FILTERS: usize = 15;

/// Fields a task row must have.
const REQUIRED: [(usize, &str); 5] = [
    (ID, "id"),
    (NAME, "name"),
    (TYPE, "type"),
    (CREATED_AT, "created_at"),
    (UPDATED_AT, "updated_at"),
];

#[path = "task_rows.rs"]
mod rows;
use rows::scan_task;

#[cfg(test)]
#[path = "task_tests.rs"]
mod tests;
