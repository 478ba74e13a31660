//! Typed items rebuilt from Arrow batches.
//!
//! The tasks and task-runs tables hold every field of their models, so a listing can keep
//! only its Arrow data and still hand out typed items on demand. What the tables cannot keep
//! is a timestamp's precision below a microsecond (the columns are `Timestamp(µs)`), so a
//! rebuilt item's times are truncated to the microsecond; Python's `datetime` has the same
//! resolution. Where a model is stricter than its table (a task type or run status the client
//! does not know, a `null` inside `experiment_ids` or `column_mappings`), rebuilding fails
//! with a message naming the column, as decoding the JSON into the model would have.

use std::collections::BTreeMap;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{
    Array, BooleanArray, ListArray, MapArray, PrimitiveArray, RecordBatch, StringArray, StructArray,
};
use chrono::{DateTime, Utc};

use crate::model::{Task, TaskEvaluator, TaskRun, TaskRunStatus, TaskType};

type Micros = PrimitiveArray<TimestampMicrosecondType>;

fn column<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a dyn Array, String> {
    batch
        .column_by_name(name)
        .map(|a| a.as_ref())
        .ok_or_else(|| format!("column `{name}` is missing"))
}

fn child<'a>(parent: &'a StructArray, name: &str) -> Result<&'a dyn Array, String> {
    parent
        .column_by_name(name)
        .map(|a| a.as_ref())
        .ok_or_else(|| format!("field `{name}` is missing"))
}

fn typed<'a, T: 'static>(array: &'a dyn Array, name: &str) -> Result<&'a T, String> {
    array
        .as_any()
        .downcast_ref::<T>()
        .ok_or_else(|| format!("column `{name}` has type {}", array.data_type()))
}

fn strings<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a StringArray, String> {
    typed(column(batch, name)?, name)
}

fn micros<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a Micros, String> {
    typed(column(batch, name)?, name)
}

fn text(a: &StringArray, i: usize, name: &str) -> Result<String, String> {
    if a.is_null(i) {
        return Err(format!("`{name}` is null in row {i}"));
    }
    Ok(a.value(i).to_owned())
}

fn opt_text(a: &StringArray, i: usize) -> Option<String> {
    a.is_valid(i).then(|| a.value(i).to_owned())
}

fn opt_json(a: &StringArray, i: usize, name: &str) -> Result<Option<serde_json::Value>, String> {
    if a.is_null(i) {
        return Ok(None);
    }
    serde_json::from_str(a.value(i))
        .map(Some)
        .map_err(|e| format!("`{name}` in row {i} is not JSON: {e}"))
}

fn opt_time(a: &Micros, i: usize, name: &str) -> Result<Option<DateTime<Utc>>, String> {
    if a.is_null(i) {
        return Ok(None);
    }
    DateTime::from_timestamp_micros(a.value(i))
        .map(Some)
        .ok_or_else(|| format!("`{name}` in row {i} is out of range"))
}

fn time(a: &Micros, i: usize, name: &str) -> Result<DateTime<Utc>, String> {
    opt_time(a, i, name)?.ok_or_else(|| format!("`{name}` is null in row {i}"))
}

fn string_map(m: &MapArray, j: usize) -> Result<Option<BTreeMap<String, String>>, String> {
    if m.is_null(j) {
        return Ok(None);
    }
    let entries = m.value(j);
    let keys: &StringArray = typed(entries.column(0).as_ref(), "column_mappings.key")?;
    let values: &StringArray = typed(entries.column(1).as_ref(), "column_mappings.value")?;
    let mut out = BTreeMap::new();
    for k in 0..entries.len() {
        let key = text(keys, k, "column_mappings key")?;
        let value = text(values, k, "column_mappings value")?;
        out.insert(key, value);
    }
    Ok(Some(out))
}

/// Rebuilds the tasks of a batch with [`super::task_schema`].
pub fn tasks_from_batch(batch: &RecordBatch) -> Result<Vec<Task>, String> {
    let id = strings(batch, "id")?;
    let name = strings(batch, "name")?;
    let task_type = strings(batch, "type")?;
    let project_id = strings(batch, "project_id")?;
    let dataset_id = strings(batch, "dataset_id")?;
    let sampling_rate =
        typed::<PrimitiveArray<Float64Type>>(column(batch, "sampling_rate")?, "sampling_rate")?;
    let is_continuous = typed::<BooleanArray>(column(batch, "is_continuous")?, "is_continuous")?;
    let query_filter = strings(batch, "query_filter")?;
    let evaluators = typed::<ListArray>(column(batch, "evaluators")?, "evaluators")?;
    let experiment_ids = typed::<ListArray>(column(batch, "experiment_ids")?, "experiment_ids")?;
    let run_configuration = strings(batch, "run_configuration")?;
    let last_run_at = micros(batch, "last_run_at")?;
    let created_at = micros(batch, "created_at")?;
    let updated_at = micros(batch, "updated_at")?;
    let created_by = strings(batch, "created_by_user_id")?;
    let query_filters = strings(batch, "query_filters")?;

    let ev = evaluators
        .values()
        .as_struct_opt()
        .ok_or("column `evaluators` does not hold structs")?;
    let ev_id: &StringArray = typed(child(ev, "evaluator_id")?, "evaluator_id")?;
    let ev_name: &StringArray = typed(child(ev, "evaluator_name")?, "evaluator_name")?;
    let ev_filter: &StringArray = typed(child(ev, "query_filter")?, "query_filter")?;
    let ev_maps: &MapArray = typed(child(ev, "column_mappings")?, "column_mappings")?;
    let ev_version: &StringArray =
        typed(child(ev, "evaluator_version_id")?, "evaluator_version_id")?;
    let ev_mappings: &StringArray = typed(child(ev, "query_mappings")?, "query_mappings")?;
    let exp_values = experiment_ids
        .values()
        .as_string_opt::<i32>()
        .ok_or("column `experiment_ids` does not hold strings")?;
    let ev_offsets = evaluators.value_offsets();
    let exp_offsets = experiment_ids.value_offsets();

    let mut out = Vec::with_capacity(batch.num_rows());
    for i in 0..batch.num_rows() {
        let mut task_evaluators = Vec::new();
        for j in ev_offsets[i] as usize..ev_offsets[i + 1] as usize {
            task_evaluators.push(TaskEvaluator {
                evaluator_id: text(ev_id, j, "evaluator_id")?,
                evaluator_name: opt_text(ev_name, j),
                query_filter: opt_text(ev_filter, j),
                column_mappings: string_map(ev_maps, j)?,
                evaluator_version_id: opt_text(ev_version, j),
                query_mappings: opt_json(ev_mappings, j, "query_mappings")?,
            });
        }
        let mut ids = Vec::new();
        for j in exp_offsets[i] as usize..exp_offsets[i + 1] as usize {
            ids.push(text(exp_values, j, "experiment_ids item")?);
        }
        let kind = text(task_type, i, "type")?;
        out.push(Task {
            id: text(id, i, "id")?,
            name: text(name, i, "name")?,
            task_type: TaskType::parse(&kind)
                .map_err(|_| format!("unknown task type `{kind}` in row {i}"))?,
            project_id: opt_text(project_id, i),
            dataset_id: opt_text(dataset_id, i),
            sampling_rate: sampling_rate.is_valid(i).then(|| sampling_rate.value(i)),
            is_continuous: is_continuous.is_valid(i) && is_continuous.value(i),
            query_filter: opt_text(query_filter, i),
            evaluators: task_evaluators,
            experiment_ids: ids,
            run_configuration: opt_json(run_configuration, i, "run_configuration")?,
            last_run_at: opt_time(last_run_at, i, "last_run_at")?,
            created_at: time(created_at, i, "created_at")?,
            updated_at: time(updated_at, i, "updated_at")?,
            created_by_user_id: opt_text(created_by, i),
            query_filters: opt_json(query_filters, i, "query_filters")?,
        });
    }
    Ok(out)
}

/// Rebuilds the runs of a batch with [`super::task_run_schema`].
pub fn task_runs_from_batch(batch: &RecordBatch) -> Result<Vec<TaskRun>, String> {
    let id = strings(batch, "id")?;
    let task_id = strings(batch, "task_id")?;
    let experiment_id = strings(batch, "experiment_id")?;
    let status = strings(batch, "status")?;
    let run_started_at = micros(batch, "run_started_at")?;
    let run_finished_at = micros(batch, "run_finished_at")?;
    let data_start_time = micros(batch, "data_start_time")?;
    let data_end_time = micros(batch, "data_end_time")?;
    let count = |name: &str| -> Result<&PrimitiveArray<Int64Type>, String> {
        typed(column(batch, name)?, name)
    };
    let num_successes = count("num_successes")?;
    let num_errors = count("num_errors")?;
    let num_skipped = count("num_skipped")?;
    let created_at = micros(batch, "created_at")?;
    let created_by = strings(batch, "created_by_user_id")?;
    let failure_reason = strings(batch, "failure_reason")?;
    let int = |a: &PrimitiveArray<Int64Type>, i: usize| if a.is_valid(i) { a.value(i) } else { 0 };

    let mut out = Vec::with_capacity(batch.num_rows());
    for i in 0..batch.num_rows() {
        let state = text(status, i, "status")?;
        out.push(TaskRun {
            id: text(id, i, "id")?,
            task_id: text(task_id, i, "task_id")?,
            experiment_id: opt_text(experiment_id, i),
            status: TaskRunStatus::parse(&state)
                .map_err(|_| format!("unknown run status `{state}` in row {i}"))?,
            run_started_at: opt_time(run_started_at, i, "run_started_at")?,
            run_finished_at: opt_time(run_finished_at, i, "run_finished_at")?,
            data_start_time: opt_time(data_start_time, i, "data_start_time")?,
            data_end_time: opt_time(data_end_time, i, "data_end_time")?,
            num_successes: int(num_successes, i),
            num_errors: int(num_errors, i),
            num_skipped: int(num_skipped, i),
            created_at: time(created_at, i, "created_at")?,
            created_by_user_id: opt_text(created_by, i),
            failure_reason: opt_text(failure_reason, i),
        });
    }
    Ok(out)
}
