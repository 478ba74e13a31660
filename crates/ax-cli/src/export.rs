//! CSV and Parquet from Arrow batches. Nested columns (lists, maps, structs) become JSON
//! text in CSV; timestamps are RFC 3339 in UTC.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use serde_json::Value;

use crate::error::CliError;

pub(crate) fn is_nested(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::List(_)
            | DataType::LargeList(_)
            | DataType::FixedSizeList(_, _)
            | DataType::Struct(_)
            | DataType::Map(_, _)
    )
}

pub(crate) fn has_nested(schema: &Schema) -> bool {
    schema.fields().iter().any(|f| is_nested(f.data_type()))
}

/// A batch of UTF-8 columns (first-seen key order; nested values as JSON text) for objects
/// without a fixed Arrow schema.
pub(crate) fn generic_batch(items: &[Value]) -> Result<(SchemaRef, RecordBatch), CliError> {
    let mut keys: Vec<String> = Vec::new();
    for item in items {
        if let Value::Object(m) = item {
            for k in m.keys() {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
    }
    let fields: Vec<Field> = keys
        .iter()
        .map(|k| Field::new(k, DataType::Utf8, true))
        .collect();
    let columns: Vec<ArrayRef> = keys
        .iter()
        .map(|k| {
            let cells: StringArray = items.iter().map(|it| text_of(it.get(k))).collect();
            Arc::new(cells) as ArrayRef
        })
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), columns)
        .map_err(|e| CliError::Failed(format!("cannot tabulate: {e}")))?;
    Ok((schema, batch))
}

fn text_of(v: Option<&Value>) -> Option<String> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    }
}

/// CSV (`csv`) or Parquet bytes. `values` are the rows as JSON (for nested CSV columns).
pub(crate) fn encode(
    csv: bool,
    schema: SchemaRef,
    batches: &[RecordBatch],
    values: &[Value],
) -> Result<Vec<u8>, CliError> {
    let mut buf = Vec::new();
    if csv {
        write_csv(&mut buf, &schema, batches, values)?;
    } else {
        write_parquet(&mut buf, schema, batches)?;
    }
    Ok(buf)
}

#[cfg(not(feature = "parquet"))]
fn write_parquet(
    _buf: &mut Vec<u8>,
    _schema: SchemaRef,
    _batches: &[RecordBatch],
) -> Result<(), CliError> {
    Err(CliError::Usage(
        "this build of ax has no parquet output (built without the `parquet` feature); use -o csv or -o json".into(),
    ))
}

#[cfg(feature = "parquet")]
fn write_parquet(
    buf: &mut Vec<u8>,
    schema: SchemaRef,
    batches: &[RecordBatch],
) -> Result<(), CliError> {
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;
    let fail = |e: parquet::errors::ParquetError| CliError::Failed(format!("parquet: {e}"));
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut w = ArrowWriter::try_new(buf, schema, Some(props)).map_err(fail)?;
    for b in batches {
        w.write(b).map_err(fail)?;
    }
    w.close().map_err(fail)?;
    Ok(())
}

fn csv_field(out: &mut Vec<u8>, s: &str) {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        out.push(b'"');
        out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

fn write_csv(
    out: &mut Vec<u8>,
    schema: &Schema,
    batches: &[RecordBatch],
    values: &[Value],
) -> Result<(), CliError> {
    for (i, f) in schema.fields().iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        csv_field(out, f.name());
    }
    out.push(b'\n');
    let opts = FormatOptions::default().with_null("");
    let fail = |e: arrow_schema::ArrowError| CliError::Failed(format!("csv: {e}"));
    let mut row_base = 0usize;
    for b in batches {
        // Timestamps and nested columns are formatted here, not by arrow-cast.
        let formatters = b
            .columns()
            .iter()
            .map(|c| match c.data_type() {
                DataType::Timestamp(..) => Ok(None),
                dt if is_nested(dt) => Ok(None),
                _ => ArrayFormatter::try_new(c.as_ref(), &opts).map(Some),
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        for row in 0..b.num_rows() {
            for (ci, f) in schema.fields().iter().enumerate() {
                if ci > 0 {
                    out.push(b',');
                }
                let text = if let DataType::Timestamp(unit, _) = f.data_type() {
                    timestamp_text(b.column(ci).as_ref(), *unit, row)
                } else if is_nested(f.data_type()) {
                    if b.column(ci).is_null(row) {
                        String::new()
                    } else {
                        values
                            .get(row_base + row)
                            .and_then(|v| v.get(f.name()))
                            .map(|v| v.to_string())
                            .unwrap_or_default()
                    }
                } else {
                    match &formatters[ci] {
                        Some(f) => f.value(row).try_to_string().map_err(fail)?,
                        None => String::new(),
                    }
                };
                csv_field(out, &text);
            }
            out.push(b'\n');
        }
        row_base += b.num_rows();
    }
    Ok(())
}

/// RFC 3339 text (UTC, `Z`) of a timestamp cell; empty for null.
fn timestamp_text(array: &dyn Array, unit: arrow_schema::TimeUnit, row: usize) -> String {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{
        TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
        TimestampSecondType,
    };
    use arrow_schema::TimeUnit;
    if array.is_null(row) {
        return String::new();
    }
    let micros = match unit {
        TimeUnit::Second => array.as_primitive::<TimestampSecondType>().value(row) * 1_000_000,
        TimeUnit::Millisecond => array.as_primitive::<TimestampMillisecondType>().value(row) * 1000,
        TimeUnit::Microsecond => array.as_primitive::<TimestampMicrosecondType>().value(row),
        TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().value(row) / 1000,
    };
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        let mut out = Vec::new();
        csv_field(&mut out, "a,\"b\"");
        assert_eq!(out, b"\"a,\"\"b\"\"\"");
    }
}
