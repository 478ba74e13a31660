//! Arrow tables of resources declared by a column list: the supporting read-only resources
//! (organizations, users, projects, datasets, experiments, evaluators and their versions,
//! AI integrations). A resource is a `&'static [Column]`; one decoder serves all of them.
//!
//! Column kinds and their Arrow types:
//!
//! | kind                   | Arrow type             | JSON                                   |
//! |------------------------|------------------------|----------------------------------------|
//! | [`ColumnKind::Utf8`]   | `Utf8`                 | string                                 |
//! | [`ColumnKind::Bool`]   | `Boolean`              | boolean                                |
//! | [`ColumnKind::Timestamp`] | `Timestamp(µs, "UTC")` | RFC 3339 string                     |
//! | [`ColumnKind::Utf8List`] | `List<Utf8>`         | array of strings                       |
//! | [`ColumnKind::Json`]   | `Utf8` (JSON text)     | any value (objects, arrays), as sent   |
//!
//! Every column but the required ones (`id`) is nullable; a member that is missing or `null`
//! is a null cell. Unknown members are ignored, a repeated member is an error. The schema is
//! the same for every page and for an empty result.
//!
//! Pages go through the direct scanner ([`scan`]) first, one generic row function driven by
//! the declaration (members expected in the declared order), and through `serde_json` when
//! it gives up, as tasks do.

use std::fmt;
use std::sync::{Arc, OnceLock};

use arrow_array::builder::{
    BooleanBuilder, ListBuilder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::cells::{JsonTextCell, StringListCell};
use super::scan::{self, Bail, Scan, Scanner};
use super::{
    parse_timestamp_micros, prefix, BoolCell, RowSink, Seen, Src, TimestampCell, Utf8Cell,
};
use crate::paginate::Pagination;

/// The type of a declared column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Utf8,
    Bool,
    Timestamp,
    Utf8List,
    /// Any JSON value kept as its JSON text (nested objects such as `role` or `scopings`).
    Json,
}

/// One declared column: the JSON member of the same name becomes this column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: ColumnKind,
    /// A required column is non-null in the schema; a row without it is an error.
    pub required: bool,
}

impl Column {
    /// A nullable column.
    pub const fn new(name: &'static str, kind: ColumnKind) -> Self {
        Column {
            name,
            kind,
            required: false,
        }
    }

    /// A required (non-null) column.
    pub const fn required(name: &'static str, kind: ColumnKind) -> Self {
        Column {
            name,
            kind,
            required: true,
        }
    }

    fn data_type(&self) -> DataType {
        match self.kind {
            ColumnKind::Utf8 | ColumnKind::Json => DataType::Utf8,
            ColumnKind::Bool => DataType::Boolean,
            ColumnKind::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            ColumnKind::Utf8List => {
                DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
            }
        }
    }
}

/// The schema of `columns`, built once per `cell`.
pub fn declared_schema(cell: &'static OnceLock<SchemaRef>, columns: &[Column]) -> SchemaRef {
    cell.get_or_init(|| {
        Arc::new(Schema::new(
            columns
                .iter()
                .map(|c| Field::new(c.name, c.data_type(), !c.required))
                .collect::<Vec<_>>(),
        ))
    })
    .clone()
}

enum Builder {
    Utf8(StringBuilder),
    Bool(BooleanBuilder),
    Timestamp(TimestampMicrosecondBuilder),
    List(ListBuilder<StringBuilder>),
}

impl Builder {
    fn new(kind: ColumnKind, rows: usize) -> Self {
        match kind {
            ColumnKind::Utf8 | ColumnKind::Json => {
                Builder::Utf8(StringBuilder::with_capacity(rows, rows * 24))
            }
            ColumnKind::Bool => Builder::Bool(BooleanBuilder::with_capacity(rows)),
            ColumnKind::Timestamp => Builder::Timestamp(
                TimestampMicrosecondBuilder::with_capacity(rows).with_timezone("UTC"),
            ),
            ColumnKind::Utf8List => Builder::List(
                ListBuilder::with_capacity(StringBuilder::new(), rows)
                    .with_field(Arc::new(Field::new("item", DataType::Utf8, true))),
            ),
        }
    }

    fn append_null(&mut self) {
        match self {
            Builder::Utf8(b) => b.append_null(),
            Builder::Bool(b) => b.append_null(),
            Builder::Timestamp(b) => b.append_null(),
            Builder::List(b) => b.append(false),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Utf8(b) => Arc::new(b.finish()),
            Builder::Bool(b) => Arc::new(b.finish()),
            Builder::Timestamp(b) => Arc::new(b.finish()),
            Builder::List(b) => Arc::new(b.finish()),
        }
    }
}

/// Column builders for one declared resource.
pub struct DeclaredColumns {
    columns: &'static [Column],
    /// The columns' names, in the order servers write the members.
    names: Vec<&'static str>,
    schema: SchemaRef,
    builders: Vec<Builder>,
    /// Whole rows appended.
    rows: usize,
}

impl DeclaredColumns {
    /// Builders for `columns` (with `schema` from [`declared_schema`]) sized for `rows`.
    pub fn with_capacity(columns: &'static [Column], schema: SchemaRef, rows: usize) -> Self {
        assert!(columns.len() <= 64, "at most 64 declared columns");
        DeclaredColumns {
            columns,
            names: columns.iter().map(|c| c.name).collect(),
            schema,
            builders: columns.iter().map(|c| Builder::new(c.kind, rows)).collect(),
            rows: 0,
        }
    }

    /// Ends a row: a null for every column not marked in `seen`, or the name of a required
    /// column that is missing. Both decoding paths end a row with this.
    fn complete_row(&mut self, seen: &Seen) -> Result<(), &'static str> {
        for (i, column) in self.columns.iter().enumerate() {
            if !seen.has(i) && column.required {
                return Err(column.name);
            }
        }
        for (i, b) in self.builders.iter_mut().enumerate() {
            if !seen.has(i) {
                b.append_null();
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Rows appended so far (all whole after a successful scan).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Finishes the builders into one batch.
    pub fn finish(self) -> Result<RecordBatch, String> {
        let rows = self.rows;
        self.finish_rows(rows)
    }

    /// A batch of the first `rows` rows: what the columns held before a scan that gave up
    /// partway (each column is cut back).
    pub fn finish_rows(mut self, rows: usize) -> Result<RecordBatch, String> {
        let arrays = self
            .builders
            .iter_mut()
            .map(|b| prefix(b.finish(), rows))
            .collect();
        RecordBatch::try_new(self.schema, arrays).map_err(|e| e.to_string())
    }

    /// Appends the items of a `collection` page on the direct path ([`scan`]). `None` when
    /// it gives up; the builders may then hold part of the page after their earlier rows.
    pub fn scan_into(&mut self, body: &[u8], collection: &str) -> Option<Pagination> {
        scan::append(body, collection, self, scan_row)
    }
}

/// Rough size of an item in a page body, in bytes of JSON.
pub const ROW_BYTES: usize = 250;

/// Decodes a list body of `collection` into one batch of `columns` plus pagination.
pub fn decode_declared_page(
    body: &[u8],
    collection: &str,
    columns: &'static [Column],
    schema: SchemaRef,
) -> Result<(RecordBatch, Pagination), String> {
    let rows = (body.len() / ROW_BYTES).clamp(1, 1024);
    let mut cols = DeclaredColumns::with_capacity(columns, schema.clone(), rows);
    if let Some(p) = cols.scan_into(body, collection) {
        if let Ok(batch) = cols.finish() {
            return Ok((batch, p));
        }
    }
    serde_declared_page(body, collection, columns, schema, rows)
}

/// The `serde_json` path of [`decode_declared_page`] (fast visitors, then the checked
/// reference path).
#[doc(hidden)]
pub fn serde_declared_page(
    body: &[u8],
    collection: &str,
    columns: &'static [Column],
    schema: SchemaRef,
    rows: usize,
) -> Result<(RecordBatch, Pagination), String> {
    super::decode_page(
        body,
        collection,
        || DeclaredColumns::with_capacity(columns, schema.clone(), rows),
        DeclaredColumns::finish,
    )
}

/// The direct path of [`decode_declared_page`] alone: `None` when it gives up.
#[doc(hidden)]
pub fn scan_declared_page(
    body: &[u8],
    collection: &str,
    columns: &'static [Column],
    schema: SchemaRef,
    rows: usize,
) -> Option<(RecordBatch, Pagination)> {
    let cols = DeclaredColumns::with_capacity(columns, schema, rows);
    scan::page(body, collection, cols, scan_row, DeclaredColumns::finish)
}

/// One object on the direct path, driven by the declaration; same cells as [`RowVisitor`].
/// Gives up where that path could fail: `null` in a required column, a required JSON
/// column, a value of another type, a repeated member, a missing required member.
fn scan_row(s: &mut Scanner<'_>, cols: &mut DeclaredColumns) -> Scan<()> {
    let mut seen = Seen::default();
    let DeclaredColumns {
        columns,
        names,
        builders,
        ..
    } = cols;
    s.named_fields(names, |s, i| {
        if !seen.set(i) {
            return Err(Bail);
        }
        let column = columns[i];
        let required = column.required;
        match &mut builders[i] {
            Builder::Utf8(b) if column.kind == ColumnKind::Json => {
                if required {
                    return Err(Bail);
                }
                match s.raw()? {
                    "null" => b.append_null(),
                    text => b.append_value(text),
                }
            }
            Builder::Utf8(b) => match s.opt_string()? {
                Some(v) => b.append_value(v),
                None if !required => b.append_null(),
                None => return Err(Bail),
            },
            Builder::Bool(b) => match s.opt_bool()? {
                Some(v) => b.append_value(v),
                None if !required => b.append_null(),
                None => return Err(Bail),
            },
            Builder::Timestamp(b) => match s.opt_string()? {
                Some(v) => b.append_value(parse_timestamp_micros(v).map_err(|_| Bail)?),
                None if !required => b.append_null(),
                None => return Err(Bail),
            },
            Builder::List(b) => {
                if s.null()? {
                    if required {
                        return Err(Bail);
                    }
                    b.append(false);
                } else {
                    let values = b.values();
                    s.array(|s| {
                        values.append_value(s.string()?);
                        Ok(())
                    })?;
                    b.append(true);
                }
            }
        }
        Ok(())
    })?;
    cols.complete_row(&seen).map_err(|_| Bail)
}

impl RowSink for DeclaredColumns {
    fn append_row<'de, D: Deserializer<'de>>(
        &mut self,
        de: D,
        src: Src<'de>,
    ) -> Result<(), D::Error> {
        de.deserialize_map(RowVisitor(self, src))
    }
}

struct RowVisitor<'a, 'de>(&'a mut DeclaredColumns, Src<'de>);

impl<'de> Visitor<'de> for RowVisitor<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (cols, src) = (self.0, self.1);
        let mut seen = Seen::default();
        while let Some(index) = map.next_key_seed(ColumnIndex(cols.columns))? {
            let Some(i) = index else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let column = cols.columns[i];
            seen.mark(i, column.name)?;
            let nullable = !column.required;
            match &mut cols.builders[i] {
                Builder::Utf8(b) if column.kind == ColumnKind::Json => {
                    if column.required {
                        return Err(de::Error::custom("a JSON column cannot be required"));
                    }
                    map.next_value_seed(JsonTextCell { builder: b })?
                }
                Builder::Utf8(b) => map.next_value_seed(Utf8Cell::new(b, nullable, src))?,
                Builder::Bool(b) => map.next_value_seed(BoolCell {
                    builder: b,
                    nullable,
                })?,
                Builder::Timestamp(b) => {
                    map.next_value_seed(TimestampCell::new(b, nullable, src))?
                }
                Builder::List(b) => map.next_value_seed(StringListCell {
                    builder: b,
                    src,
                    null_is_null: true,
                })?,
            }
        }
        cols.complete_row(&seen).map_err(de::Error::missing_field)
    }
}

/// A member name → the index of its column (`None` for members that are not columns).
struct ColumnIndex(&'static [Column]);

impl<'de> DeserializeSeed<'de> for ColumnIndex {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Option<usize>, D::Error> {
        de.deserialize_str(self)
    }
}

impl Visitor<'_> for ColumnIndex {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|c| c.name == v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::TimestampMicrosecondType;
    use arrow_array::Array;

    use ColumnKind as K;

    static COLUMNS: &[Column] = &[
        Column::required("id", K::Utf8),
        Column::new("name", K::Utf8),
        Column::new("ok", K::Bool),
        Column::new("created_at", K::Timestamp),
        Column::new("tags", K::Utf8List),
        Column::new("meta", K::Json),
    ];

    fn decode(body: &str) -> Result<(RecordBatch, Pagination), String> {
        static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
        decode_declared_page(
            body.as_bytes(),
            "things",
            COLUMNS,
            declared_schema(&SCHEMA, COLUMNS),
        )
    }

    #[test]
    fn decodes_every_kind_and_fills_nulls() {
        let body = r#"{"things": [
            {"id": "a", "name": "x\"y", "ok": true, "created_at": "2026-01-12T09:15:02.118Z",
             "tags": ["p", "q"], "meta": {"k": [1, null]}, "extra": {"deep": [1]}},
            {"meta": null, "tags": null, "id": "b", "ok": null, "name": null},
            {"id": "c", "tags": []}
        ], "pagination": {"has_more": true, "next_cursor": "n"}}"#;
        let (batch, p) = decode(body).unwrap();
        assert!(p.has_more && p.next_cursor.as_deref() == Some("n"));
        assert_eq!(batch.num_rows(), 3);
        let schema = batch.schema();
        assert!(!schema.field(0).is_nullable() && schema.field(1).is_nullable());
        let names = batch.column(1).as_string::<i32>();
        assert_eq!(names.value(0), "x\"y");
        assert!(names.is_null(1) && names.is_null(2));
        let ok = batch.column(2).as_boolean();
        assert!(ok.value(0) && ok.is_null(1) && ok.is_null(2));
        let ts = batch.column(3).as_primitive::<TimestampMicrosecondType>();
        assert_eq!(ts.value(0), 1_768_209_302_118_000);
        assert!(ts.is_null(1));
        let tags = batch.column(4).as_list::<i32>();
        assert_eq!(tags.value(0).as_string::<i32>().value(1), "q");
        assert!(tags.is_null(1));
        assert!(!tags.is_null(2) && tags.value(2).is_empty());
        let meta = batch.column(5).as_string::<i32>();
        assert_eq!(meta.value(0), r#"{"k": [1, null]}"#);
        assert!(meta.is_null(1) && meta.is_null(2));
    }

    #[test]
    fn empty_page_keeps_the_schema() {
        let (empty, _) = decode(r#"{"things": [], "pagination": {"has_more": false}}"#).unwrap();
        let (full, _) = decode(r#"{"things": [{"id": "a"}]}"#).unwrap();
        assert_eq!(empty.num_rows(), 0);
        assert_eq!(empty.schema(), full.schema());
    }

    #[test]
    fn rejects_bad_rows() {
        assert!(decode(r#"{"things": [{"name": "no id"}]}"#)
            .unwrap_err()
            .contains("id"));
        assert!(decode(r#"{"things": [{"id": "a", "id": "b"}]}"#).is_err());
        assert!(decode(r#"{"things": [{"id": null}]}"#).is_err());
        assert!(decode(r#"{"things": [{"id": "a", "ok": "yes"}]}"#).is_err());
        assert!(decode(r#"{"things": [{"id": "a", "created_at": "soon"}]}"#)
            .unwrap_err()
            .contains("soon"));
        assert!(decode(r#"{"things": [{"id": "a", "tags": [1]}]}"#).is_err());
        assert!(decode(r#"{"others": []}"#).unwrap_err().contains("things"));
    }
}
