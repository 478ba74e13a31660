//! Arrow table of task runs.
//!
//! Fixed schema, identical for every page and for an empty result:
//!
//! | column               | Arrow type                               | nullable |
//! |----------------------|------------------------------------------|----------|
//! | `id`                 | `Utf8`                                   | no       |
//! | `task_id`            | `Utf8`                                   | no       |
//! | `experiment_id`      | `Utf8`                                   | yes      |
//! | `status`             | `Utf8` (`PENDING`, `RUNNING`, …)         | no       |
//! | `run_started_at`     | `Timestamp(µs, "UTC")`                   | yes      |
//! | `run_finished_at`    | `Timestamp(µs, "UTC")`                   | yes      |
//! | `data_start_time`    | `Timestamp(µs, "UTC")`                   | yes      |
//! | `data_end_time`      | `Timestamp(µs, "UTC")`                   | yes      |
//! | `num_successes`      | `Int64` (`null`/absent read as 0)        | no       |
//! | `num_errors`         | `Int64` (`null`/absent read as 0)        | no       |
//! | `num_skipped`        | `Int64` (`null`/absent read as 0)        | no       |
//! | `created_at`         | `Timestamp(µs, "UTC")`                   | no       |
//! | `created_by_user_id` | `Utf8`                                   | yes      |
//! | `failure_reason`     | `Utf8`                                   | yes      |
//!
//! camelCase aliases of every field are accepted; unknown fields are ignored; `status` is
//! normalized to upper case when recognized.

use std::fmt;
use std::sync::{Arc, OnceLock};

use arrow_array::builder::{
    ArrayBuilder, Int64Builder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::cells::EnumCell;
use super::scan::{self, Bail, Scan, Scanner};
use super::{
    next_field, parse_timestamp_micros, prefix, RowSink, Seen, Src, TimestampCell, Utf8Cell,
};
use crate::model::TaskRunStatus;
use crate::paginate::{ChunkResource, Pagination, Resource};

/// The fixed schema of a task-runs table.
pub fn task_run_schema() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let ts = || DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
            Arc::new(Schema::new(vec![
                Field::new("id", DataType::Utf8, false),
                Field::new("task_id", DataType::Utf8, false),
                Field::new("experiment_id", DataType::Utf8, true),
                Field::new("status", DataType::Utf8, false),
                Field::new("run_started_at", ts(), true),
                Field::new("run_finished_at", ts(), true),
                Field::new("data_start_time", ts(), true),
                Field::new("data_end_time", ts(), true),
                Field::new("num_successes", DataType::Int64, false),
                Field::new("num_errors", DataType::Int64, false),
                Field::new("num_skipped", DataType::Int64, false),
                Field::new("created_at", ts(), false),
                Field::new("created_by_user_id", DataType::Utf8, true),
                Field::new("failure_reason", DataType::Utf8, true),
            ]))
        })
        .clone()
}

/// Column builders for task runs.
pub struct TaskRunColumns {
    id: StringBuilder,
    task_id: StringBuilder,
    experiment_id: StringBuilder,
    status: StringBuilder,
    /// `run_started_at`, `run_finished_at`, `data_start_time`, `data_end_time`.
    times: [TimestampMicrosecondBuilder; 4],
    /// `num_successes`, `num_errors`, `num_skipped`.
    counts: [Int64Builder; 3],
    created_at: TimestampMicrosecondBuilder,
    created_by_user_id: StringBuilder,
    failure_reason: StringBuilder,
}

impl TaskRunColumns {
    /// Builders sized for about `rows` rows.
    pub fn with_capacity(rows: usize) -> Self {
        let ts = || TimestampMicrosecondBuilder::with_capacity(rows).with_timezone("UTC");
        TaskRunColumns {
            id: StringBuilder::with_capacity(rows, rows * 28),
            task_id: StringBuilder::with_capacity(rows, rows * 28),
            experiment_id: StringBuilder::with_capacity(rows, 0),
            status: StringBuilder::with_capacity(rows, rows * 9),
            times: [ts(), ts(), ts(), ts()],
            counts: [
                Int64Builder::with_capacity(rows),
                Int64Builder::with_capacity(rows),
                Int64Builder::with_capacity(rows),
            ],
            created_at: ts(),
            created_by_user_id: StringBuilder::with_capacity(rows, rows * 28),
            failure_reason: StringBuilder::with_capacity(rows, 0),
        }
    }

    /// Appends what a run without the fields not marked in `seen` gets: nulls, and 0 for the
    /// counters. Both decoding paths end a row with this.
    fn complete_row(&mut self, seen: &Seen) {
        for (i, b) in [
            (EXPERIMENT_ID, &mut self.experiment_id),
            (CREATED_BY, &mut self.created_by_user_id),
            (FAILURE_REASON, &mut self.failure_reason),
        ] {
            if !seen.has(i) {
                b.append_null();
            }
        }
        for (i, b) in self.times.iter_mut().enumerate() {
            if !seen.has(TIMES + i) {
                b.append_null();
            }
        }
        for (i, b) in self.counts.iter_mut().enumerate() {
            if !seen.has(COUNTS + i) {
                b.append_value(0);
            }
        }
    }

    /// Rows appended so far (all whole after a successful scan).
    pub(crate) fn rows(&self) -> usize {
        self.id.len()
    }

    /// Finishes the builders into a batch with [`task_run_schema`].
    pub fn finish(self) -> Result<RecordBatch, String> {
        let rows = self.rows();
        self.finish_rows(rows)
    }

    /// A batch of the first `rows` rows: what the columns held before a scan that gave up
    /// partway (each column is cut back).
    pub(crate) fn finish_rows(self, rows: usize) -> Result<RecordBatch, String> {
        let TaskRunColumns {
            mut id,
            mut task_id,
            mut experiment_id,
            mut status,
            times,
            counts,
            mut created_at,
            mut created_by_user_id,
            mut failure_reason,
        } = self;
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(id.finish()),
            Arc::new(task_id.finish()),
            Arc::new(experiment_id.finish()),
            Arc::new(status.finish()),
        ];
        for mut t in times {
            columns.push(Arc::new(t.finish()));
        }
        for mut n in counts {
            columns.push(Arc::new(n.finish()));
        }
        columns.push(Arc::new(created_at.finish()));
        columns.push(Arc::new(created_by_user_id.finish()));
        columns.push(Arc::new(failure_reason.finish()));
        let columns = columns.into_iter().map(|c| prefix(c, rows)).collect();
        RecordBatch::try_new(task_run_schema(), columns).map_err(|e| e.to_string())
    }
}

/// The task-runs collection as a [`Resource`].
pub struct TaskRunResource;

impl Resource for TaskRunResource {
    const COLLECTION: &'static str = "task_runs";
    type Item = crate::model::TaskRun;
    fn schema() -> SchemaRef {
        task_run_schema()
    }
    fn decode_page(body: &[u8]) -> Result<(RecordBatch, Pagination), String> {
        decode_task_runs_page(body)
    }
    const ITEMS_FROM_ARROW: bool = true;
    fn items_from_batch(batch: &RecordBatch) -> Result<Vec<Self::Item>, String> {
        super::items::task_runs_from_batch(batch)
    }
}

impl ChunkResource for TaskRunResource {
    type Columns = TaskRunColumns;
    fn columns(rows: usize) -> TaskRunColumns {
        TaskRunColumns::with_capacity(rows)
    }
    fn rows(c: &TaskRunColumns) -> usize {
        c.rows()
    }
    fn scan_into(body: &[u8], c: &mut TaskRunColumns) -> Option<Pagination> {
        scan::append(body, "task_runs", c, scan_run)
    }
    fn finish_rows(c: TaskRunColumns, rows: usize) -> Result<RecordBatch, String> {
        c.finish_rows(rows)
    }
}

/// Decodes a `GET /v2/tasks/{id}/runs` body into one batch plus pagination.
pub fn decode_task_runs_page(body: &[u8]) -> Result<(RecordBatch, Pagination), String> {
    // Rough size guess: a run object is ~400 bytes of JSON.
    let rows = (body.len() / 400).clamp(1, 1024);
    match scan_task_runs_page(body, rows) {
        Some(done) => Ok(done),
        None => serde_task_runs_page(body, rows),
    }
}

/// The direct path ([`scan`]): `None` when it gives up.
pub(crate) fn scan_task_runs_page(body: &[u8], rows: usize) -> Option<(RecordBatch, Pagination)> {
    scan::page(
        body,
        "task_runs",
        TaskRunColumns::with_capacity(rows),
        scan_run,
        TaskRunColumns::finish,
    )
}

/// The `serde_json` path (fast visitors, then the checked reference path).
pub(crate) fn serde_task_runs_page(
    body: &[u8],
    rows: usize,
) -> Result<(RecordBatch, Pagination), String> {
    super::decode_page(
        body,
        "task_runs",
        || TaskRunColumns::with_capacity(rows),
        TaskRunColumns::finish,
    )
}

/// Field number of a key of [`scan_run`] (snake_case or camelCase).
fn run_field(key: &[u8]) -> Option<usize> {
    Some(match key {
        b"id" => ID,
        b"task_id" | b"taskId" => TASK_ID,
        b"experiment_id" | b"experimentId" => EXPERIMENT_ID,
        b"status" => STATUS,
        b"run_started_at" | b"runStartedAt" => TIMES,
        b"run_finished_at" | b"runFinishedAt" => TIMES + 1,
        b"data_start_time" | b"dataStartTime" => TIMES + 2,
        b"data_end_time" | b"dataEndTime" => TIMES + 3,
        b"num_successes" | b"numSuccesses" => COUNTS,
        b"num_errors" | b"numErrors" => COUNTS + 1,
        b"num_skipped" | b"numSkipped" => COUNTS + 2,
        b"created_at" | b"createdAt" => CREATED_AT,
        b"created_by_user_id" | b"createdByUserId" => CREATED_BY,
        b"failure_reason" | b"failureReason" => FAILURE_REASON,
        _ => return None,
    })
}

/// The keys of [`scan_run`] in the order the API writes them.
const RUN_ORDER: [(&[u8], usize); 14] = [
    (b"\"id\":", ID),
    (b"\"task_id\":", TASK_ID),
    (b"\"experiment_id\":", EXPERIMENT_ID),
    (b"\"status\":", STATUS),
    (b"\"run_started_at\":", TIMES),
    (b"\"run_finished_at\":", TIMES + 1),
    (b"\"data_start_time\":", TIMES + 2),
    (b"\"data_end_time\":", TIMES + 3),
    (b"\"num_successes\":", COUNTS),
    (b"\"num_errors\":", COUNTS + 1),
    (b"\"num_skipped\":", COUNTS + 2),
    (b"\"created_at\":", CREATED_AT),
    (b"\"created_by_user_id\":", CREATED_BY),
    (b"\"failure_reason\":", FAILURE_REASON),
];

/// One run object on the direct path; same columns as [`RunRowVisitor`].
fn scan_run(s: &mut Scanner<'_>, c: &mut TaskRunColumns) -> Scan<()> {
    let seen = s.row(&RUN_ORDER, run_field, &REQUIRED, |s, field| {
        match field {
            ID => c.id.append_value(s.string()?),
            TASK_ID => c.task_id.append_value(s.string()?),
            EXPERIMENT_ID => c.experiment_id.append_option(s.opt_string()?),
            STATUS => {
                let v = s.string()?;
                c.status.append_value(normalize_status(v).unwrap_or(v));
            }
            t if (TIMES..TIMES + 4).contains(&t) => match s.opt_string()? {
                Some(v) => {
                    c.times[t - TIMES].append_value(parse_timestamp_micros(v).map_err(|_| Bail)?)
                }
                None => c.times[t - TIMES].append_null(),
            },
            n if (COUNTS..COUNTS + 3).contains(&n) => {
                c.counts[n - COUNTS].append_value(s.opt_i64()?.unwrap_or(0));
            }
            CREATED_AT => c
                .created_at
                .append_value(parse_timestamp_micros(s.string()?).map_err(|_| Bail)?),
            CREATED_BY => c.created_by_user_id.append_option(s.opt_string()?),
            _ => c.failure_reason.append_option(s.opt_string()?),
        }
        Ok(())
    })?;
    c.complete_row(&seen);
    Ok(())
}

fn normalize_status(s: &str) -> Option<&'static str> {
    // Fast path (no allocation) for the wire spelling.
    if let Some(t) = TaskRunStatus::ALL.iter().find(|t| t.as_str() == s) {
        return Some(t.as_str());
    }
    TaskRunStatus::parse(s).ok().map(|t| t.as_str())
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum RunField {
    Id,
    #[serde(alias = "taskId")]
    TaskId,
    #[serde(alias = "experimentId")]
    ExperimentId,
    Status,
    #[serde(alias = "runStartedAt")]
    RunStartedAt,
    #[serde(alias = "runFinishedAt")]
    RunFinishedAt,
    #[serde(alias = "dataStartTime")]
    DataStartTime,
    #[serde(alias = "dataEndTime")]
    DataEndTime,
    #[serde(alias = "numSuccesses")]
    NumSuccesses,
    #[serde(alias = "numErrors")]
    NumErrors,
    #[serde(alias = "numSkipped")]
    NumSkipped,
    #[serde(alias = "createdAt")]
    CreatedAt,
    #[serde(alias = "createdByUserId")]
    CreatedByUserId,
    #[serde(alias = "failureReason")]
    FailureReason,
    #[serde(other)]
    Other,
}

const ID: usize = 0;
const TASK_ID: usize = 1;
const EXPERIMENT_ID: usize = 2;
const STATUS: usize = 3;
/// Bits 4..8: the four optional timestamps, in `times` order.
const TIMES: usize = 4;
/// Bits 8..11: the three counters, in `counts` order.
const COUNTS: usize = 8;
const CREATED_AT: usize = 11;
const CREATED_BY: usize = 12;
const FAILURE_REASON: usize = 13;

/// Fields a run row must have.
const REQUIRED: [(usize, &str); 4] = [
    (ID, "id"),
    (TASK_ID, "task_id"),
    (STATUS, "status"),
    (CREATED_AT, "created_at"),
];

const TIME_NAMES: [&str; 4] = [
    "run_started_at",
    "run_finished_at",
    "data_start_time",
    "data_end_time",
];
const COUNT_NAMES: [&str; 3] = ["num_successes", "num_errors", "num_skipped"];

impl RowSink for TaskRunColumns {
    fn append_row<'de, D: Deserializer<'de>>(
        &mut self,
        de: D,
        src: Src<'de>,
    ) -> Result<(), D::Error> {
        de.deserialize_map(RunRowVisitor(self, src))
    }
}

struct RunRowVisitor<'a, 'de>(&'a mut TaskRunColumns, Src<'de>);

impl<'de> Visitor<'de> for RunRowVisitor<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a task run object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (c, src) = (self.0, self.1);
        let mut seen = Seen::default();
        while let Some(field) = next_field::<_, RunField>(&mut map, src)? {
            let (time, count) = match field {
                RunField::RunStartedAt => (Some(0), None),
                RunField::RunFinishedAt => (Some(1), None),
                RunField::DataStartTime => (Some(2), None),
                RunField::DataEndTime => (Some(3), None),
                RunField::NumSuccesses => (None, Some(0)),
                RunField::NumErrors => (None, Some(1)),
                RunField::NumSkipped => (None, Some(2)),
                _ => (None, None),
            };
            if let Some(i) = time {
                seen.mark(TIMES + i, TIME_NAMES[i])?;
                map.next_value_seed(TimestampCell::new(&mut c.times[i], true, src))?;
                continue;
            }
            if let Some(i) = count {
                seen.mark(COUNTS + i, COUNT_NAMES[i])?;
                let v = map.next_value::<Option<i64>>()?;
                c.counts[i].append_value(v.unwrap_or(0));
                continue;
            }
            let (bit, name, builder, nullable) = match field {
                RunField::Id => (ID, "id", &mut c.id, false),
                RunField::TaskId => (TASK_ID, "task_id", &mut c.task_id, false),
                RunField::ExperimentId => {
                    (EXPERIMENT_ID, "experiment_id", &mut c.experiment_id, true)
                }
                RunField::CreatedByUserId => (
                    CREATED_BY,
                    "created_by_user_id",
                    &mut c.created_by_user_id,
                    true,
                ),
                RunField::FailureReason => (
                    FAILURE_REASON,
                    "failure_reason",
                    &mut c.failure_reason,
                    true,
                ),
                RunField::Status => {
                    seen.mark(STATUS, "status")?;
                    map.next_value_seed(EnumCell {
                        builder: &mut c.status,
                        normalize: normalize_status,
                        src,
                    })?;
                    continue;
                }
                RunField::CreatedAt => {
                    seen.mark(CREATED_AT, "created_at")?;
                    map.next_value_seed(TimestampCell::new(&mut c.created_at, false, src))?;
                    continue;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            seen.mark(bit, name)?;
            map.next_value_seed(Utf8Cell {
                builder,
                nullable,
                src,
            })?;
        }
        if let Some(name) = seen.first_missing(&REQUIRED) {
            return Err(de::Error::missing_field(name));
        }
        c.complete_row(&seen);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Int64Type, TimestampMicrosecondType};
    use arrow_array::Array;

    const FULL: &str = r#"{
      "task_runs": [
        {"id": "VGFza1J1bjo0NTAxOlZiOG4=", "task_id": "T25saW5lVGFzazo5MDA6Wng3Yw==", "experiment_id": null,
         "status": "PENDING", "run_started_at": null, "run_finished_at": null,
         "data_start_time": "2026-02-20T00:00:00.000Z", "data_end_time": "2026-03-01T00:00:00.000Z",
         "num_successes": 0, "num_errors": 0, "num_skipped": 0,
         "created_at": "2026-03-01T10:00:00.000Z", "created_by_user_id": "VXNlcjoxNzpIajJr"},
        {"id": "VGFza1J1bjo0NTAyOlZiOG4=", "taskId": "T25saW5lVGFzazo5MDA6Wng3Yw==", "experimentId": "RXhwOjE=",
         "status": "failed", "runStartedAt": "2026-03-01T10:00:01Z", "runFinishedAt": "2026-03-01T10:05:00+00:00",
         "numSuccesses": 10, "numErrors": 2, "numSkipped": null, "createdAt": "2026-03-01T10:00:00Z",
         "failureReason": "everything already labelled", "extra": {"a": [1]}}
      ],
      "pagination": {"has_more": false}
    }"#;

    #[test]
    fn decodes_a_full_run_page() {
        let (batch, p) = decode_task_runs_page(FULL.as_bytes()).unwrap();
        assert_eq!(batch.schema(), task_run_schema());
        assert_eq!(batch.num_rows(), 2);
        assert!(!p.has_more);
        let col = |n: &str| batch.column_by_name(n).unwrap().clone();
        let status = col("status");
        let status = status.as_string::<i32>();
        assert_eq!((status.value(0), status.value(1)), ("PENDING", "FAILED"));
        let exp = col("experiment_id");
        assert!(exp.is_null(0));
        assert_eq!(exp.as_string::<i32>().value(1), "RXhwOjE=");
        let started = col("run_started_at");
        let started = started.as_primitive::<TimestampMicrosecondType>();
        assert!(started.is_null(0) && !started.is_null(1));
        let dst = col("data_start_time");
        assert!(!dst.is_null(0) && dst.is_null(1), "absent → null");
        let succ = col("num_successes");
        assert_eq!(succ.as_primitive::<Int64Type>().value(1), 10);
        let skipped = col("num_skipped");
        let skipped = skipped.as_primitive::<Int64Type>();
        assert_eq!((skipped.value(1), skipped.null_count()), (0, 0));
        let reason = col("failure_reason");
        assert!(reason.is_null(0));
        assert_eq!(
            reason.as_string::<i32>().value(1),
            "everything already labelled"
        );
        assert!(col("created_by_user_id").is_null(1));
    }

    #[test]
    fn empty_and_full_run_pages_share_the_schema() {
        let (empty, _) =
            decode_task_runs_page(br#"{"task_runs": [], "pagination": {"has_more": false}}"#)
                .unwrap();
        let (full, _) = decode_task_runs_page(FULL.as_bytes()).unwrap();
        assert_eq!(empty.num_rows(), 0);
        assert_eq!(empty.schema(), full.schema());
        assert_eq!(TaskRunResource::schema(), task_run_schema());
    }

    #[test]
    fn rejects_bad_run_rows() {
        assert!(decode_task_runs_page(
            br#"{"task_runs":[{"id":"a","task_id":"t","created_at":"2026-01-01T00:00:00Z"}]}"#
        )
        .unwrap_err()
        .contains("status"));
        assert!(decode_task_runs_page(
            br#"{"task_runs":[{"id":"a","task_id":"t","status":"PENDING","num_errors":"x","created_at":"2026-01-01T00:00:00Z"}]}"#
        )
        .is_err());
        assert!(decode_task_runs_page(br#"{"tasks": []}"#)
            .unwrap_err()
            .contains("task_runs"));
    }
}
