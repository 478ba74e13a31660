//! Arrow table of spaces.
//!
//! Fixed schema, identical for every page and for an empty result:
//!
//! | column            | Arrow type              | nullable |
//! |-------------------|-------------------------|----------|
//! | `id`              | `Utf8`                  | no       |
//! | `name`            | `Utf8`                  | no       |
//! | `description`     | `Utf8`                  | yes      |
//! | `created_at`      | `Timestamp(µs, "UTC")`  | no       |
//! | `organization_id` | `Utf8`                  | yes      |
//! | `is_private`      | `Boolean`               | yes      |
//!
//! Accepted field aliases: `createdAt`, `organizationId`, `isPrivate`. Unknown fields are
//! ignored. Other newer optional fields (`ml_models_enabled`, …) are only in
//! [`crate::model::Space`]: items are decoded from the JSON bodies, which listings of spaces
//! keep (see [`crate::paginate::Listing`]).
//!
//! Pages go through the direct scanner ([`scan`]) first, and through `serde_json` when it
//! gives up, as tasks do.

use std::fmt;
use std::sync::{Arc, OnceLock};

use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::scan::{self, Bail, Scan, Scanner};
use super::{
    next_field, parse_timestamp_micros, prefix, BoolCell, RowSink, Seen, Src, TimestampCell,
    Utf8Cell,
};
use crate::paginate::{ChunkResource, Pagination, Resource};

/// The fixed schema of a spaces table.
pub fn space_schema() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            Arc::new(Schema::new(vec![
                Field::new("id", DataType::Utf8, false),
                Field::new("name", DataType::Utf8, false),
                Field::new("description", DataType::Utf8, true),
                Field::new(
                    "created_at",
                    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
                    false,
                ),
                Field::new("organization_id", DataType::Utf8, true),
                Field::new("is_private", DataType::Boolean, true),
            ]))
        })
        .clone()
}

/// Column builders for spaces.
pub struct SpaceColumns {
    id: StringBuilder,
    name: StringBuilder,
    description: StringBuilder,
    created_at: TimestampMicrosecondBuilder,
    organization_id: StringBuilder,
    is_private: BooleanBuilder,
}

impl SpaceColumns {
    /// Builders sized for about `rows` rows.
    pub fn with_capacity(rows: usize) -> Self {
        SpaceColumns {
            id: StringBuilder::with_capacity(rows, rows * 28),
            name: StringBuilder::with_capacity(rows, rows * 24),
            description: StringBuilder::with_capacity(rows, rows * 32),
            created_at: TimestampMicrosecondBuilder::with_capacity(rows).with_timezone("UTC"),
            organization_id: StringBuilder::with_capacity(rows, rows * 28),
            is_private: BooleanBuilder::with_capacity(rows),
        }
    }

    /// Appends what a space without the fields not marked in `seen` gets (nulls). Both
    /// decoding paths end a row with this.
    fn complete_row(&mut self, seen: &Seen) {
        for (i, b) in [
            (DESCRIPTION, &mut self.description),
            (ORGANIZATION_ID, &mut self.organization_id),
        ] {
            if !seen.has(i) {
                b.append_null();
            }
        }
        if !seen.has(IS_PRIVATE) {
            self.is_private.append_null();
        }
    }

    /// Rows appended so far (all whole after a successful scan).
    pub(crate) fn rows(&self) -> usize {
        self.id.len()
    }

    /// Finishes the builders into a batch with [`space_schema`].
    pub fn finish(self) -> Result<RecordBatch, String> {
        let rows = self.rows();
        self.finish_rows(rows)
    }

    /// A batch of the first `rows` rows: what the columns held before a scan that gave up
    /// partway (each column is cut back).
    pub(crate) fn finish_rows(mut self, rows: usize) -> Result<RecordBatch, String> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.id.finish()),
            Arc::new(self.name.finish()),
            Arc::new(self.description.finish()),
            Arc::new(self.created_at.finish()),
            Arc::new(self.organization_id.finish()),
            Arc::new(self.is_private.finish()),
        ];
        let columns = columns.into_iter().map(|c| prefix(c, rows)).collect();
        RecordBatch::try_new(space_schema(), columns).map_err(|e| e.to_string())
    }
}

/// The spaces collection as a [`Resource`].
pub struct SpaceResource;

impl Resource for SpaceResource {
    const COLLECTION: &'static str = "spaces";
    type Item = crate::model::Space;
    fn schema() -> SchemaRef {
        space_schema()
    }
    fn decode_page(body: &[u8]) -> Result<(RecordBatch, Pagination), String> {
        decode_spaces_page(body)
    }
}

impl ChunkResource for SpaceResource {
    type Columns = SpaceColumns;
    const ROW_BYTES: usize = ROW_BYTES;
    fn columns(rows: usize) -> SpaceColumns {
        SpaceColumns::with_capacity(rows)
    }
    fn rows(c: &SpaceColumns) -> usize {
        c.rows()
    }
    fn scan_into(body: &[u8], c: &mut SpaceColumns) -> Option<Pagination> {
        scan::append(body, "spaces", c, scan_space)
    }
    fn finish_rows(c: SpaceColumns, rows: usize) -> Result<RecordBatch, String> {
        c.finish_rows(rows)
    }
}

/// Rough size of a space object in a page body, in bytes of JSON.
const ROW_BYTES: usize = 200;

/// Decodes a `GET /v2/spaces` body into one batch plus pagination.
pub fn decode_spaces_page(body: &[u8]) -> Result<(RecordBatch, Pagination), String> {
    let rows = (body.len() / ROW_BYTES).clamp(1, 1024);
    match scan_spaces_page(body, rows) {
        Some(done) => Ok(done),
        None => serde_spaces_page(body, rows),
    }
}

/// The direct path ([`scan`]): `None` when it gives up.
pub(crate) fn scan_spaces_page(body: &[u8], rows: usize) -> Option<(RecordBatch, Pagination)> {
    scan::page(
        body,
        "spaces",
        SpaceColumns::with_capacity(rows),
        scan_space,
        SpaceColumns::finish,
    )
}

/// The `serde_json` path (fast visitors, then the checked reference path).
#[doc(hidden)]
pub fn serde_spaces_page(body: &[u8], rows: usize) -> Result<(RecordBatch, Pagination), String> {
    super::decode_page(
        body,
        "spaces",
        || SpaceColumns::with_capacity(rows),
        SpaceColumns::finish,
    )
}

/// Field number of a key of [`scan_space`] (with the camelCase aliases).
fn space_field(key: &[u8]) -> Option<usize> {
    Some(match key {
        b"id" => ID,
        b"name" => NAME,
        b"description" => DESCRIPTION,
        b"created_at" | b"createdAt" => CREATED_AT,
        b"organization_id" | b"organizationId" => ORGANIZATION_ID,
        b"is_private" | b"isPrivate" => IS_PRIVATE,
        _ => return None,
    })
}

/// The keys of [`scan_space`] in the order the API writes them.
const SPACE_ORDER: [(&[u8], usize); 6] = [
    (b"\"id\":", ID),
    (b"\"name\":", NAME),
    (b"\"description\":", DESCRIPTION),
    (b"\"created_at\":", CREATED_AT),
    (b"\"organization_id\":", ORGANIZATION_ID),
    (b"\"is_private\":", IS_PRIVATE),
];

/// One space object on the direct path; same columns as [`SpaceRowVisitor`].
fn scan_space(s: &mut Scanner<'_>, c: &mut SpaceColumns) -> Scan<()> {
    let seen = s.row(&SPACE_ORDER, space_field, &REQUIRED, |s, field| {
        match field {
            ID => c.id.append_value(s.string()?),
            NAME => c.name.append_value(s.string()?),
            DESCRIPTION => c.description.append_option(s.opt_string()?),
            CREATED_AT => c
                .created_at
                .append_value(parse_timestamp_micros(s.string()?).map_err(|_| Bail)?),
            ORGANIZATION_ID => c.organization_id.append_option(s.opt_string()?),
            _ => c.is_private.append_option(s.opt_bool()?),
        }
        Ok(())
    })?;
    c.complete_row(&seen);
    Ok(())
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum SpaceField {
    Id,
    Name,
    Description,
    #[serde(alias = "createdAt")]
    CreatedAt,
    #[serde(alias = "organizationId")]
    OrganizationId,
    #[serde(alias = "isPrivate")]
    IsPrivate,
    #[serde(other)]
    Other,
}

const ID: usize = 0;
const NAME: usize = 1;
const DESCRIPTION: usize = 2;
const CREATED_AT: usize = 3;
const ORGANIZATION_ID: usize = 4;
const IS_PRIVATE: usize = 5;

/// Fields a space row must have.
const REQUIRED: [(usize, &str); 3] = [(ID, "id"), (NAME, "name"), (CREATED_AT, "created_at")];

impl RowSink for SpaceColumns {
    fn append_row<'de, D: Deserializer<'de>>(
        &mut self,
        de: D,
        src: Src<'de>,
    ) -> Result<(), D::Error> {
        de.deserialize_map(SpaceRowVisitor(self, src))
    }
}

struct SpaceRowVisitor<'a, 'de>(&'a mut SpaceColumns, Src<'de>);

impl<'de> Visitor<'de> for SpaceRowVisitor<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a space object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (c, src) = (self.0, self.1);
        let mut seen = Seen::default();
        while let Some(field) = next_field::<_, SpaceField>(&mut map, src)? {
            match field {
                SpaceField::Id => {
                    seen.mark(ID, "id")?;
                    map.next_value_seed(Utf8Cell::new(&mut c.id, false, src))?;
                }
                SpaceField::Name => {
                    seen.mark(NAME, "name")?;
                    map.next_value_seed(Utf8Cell::new(&mut c.name, false, src))?;
                }
                SpaceField::Description => {
                    seen.mark(DESCRIPTION, "description")?;
                    map.next_value_seed(Utf8Cell::new(&mut c.description, true, src))?;
                }
                SpaceField::CreatedAt => {
                    seen.mark(CREATED_AT, "created_at")?;
                    map.next_value_seed(TimestampCell::new(&mut c.created_at, false, src))?;
                }
                SpaceField::OrganizationId => {
                    seen.mark(ORGANIZATION_ID, "organization_id")?;
                    map.next_value_seed(Utf8Cell::new(&mut c.organization_id, true, src))?;
                }
                SpaceField::IsPrivate => {
                    seen.mark(IS_PRIVATE, "is_private")?;
                    map.next_value_seed(BoolCell {
                        builder: &mut c.is_private,
                        nullable: true,
                    })?;
                }
                SpaceField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
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
    use arrow_array::types::TimestampMicrosecondType;
    use arrow_array::Array;

    const FULL: &str = r#"{
      "spaces": [
        {"id": "U3BhY2U6MTAxOmtRMno=", "name": "prod", "description": "Prod \"traffic\"",
         "created_at": "2026-01-12T09:15:02.118Z", "organization_id": "T3JnOjE=", "is_private": false,
         "ml_models_enabled": true, "default_llm_integration": {"integration_id": "x", "model_name": "m"}},
        {"id": "U3BhY2U6MTAyOmFhYWE=", "name": "staging", "description": null,
         "createdAt": "2026-01-12T10:15:02+00:00", "organizationId": null, "isPrivate": true},
        {"name": "old", "id": "U3BhY2U6MTAzOmJiYmI=", "created_at": "2026-01-12T11:15:02.5+02:00", "description": ""}
      ],
      "pagination": {"hasMore": true, "nextCursor": "abc"},
      "extra": [1, 2, {"x": null}]
    }"#;

    #[test]
    fn decodes_a_full_page() {
        let (batch, p) = decode_spaces_page(FULL.as_bytes()).unwrap();
        assert_eq!(batch.schema(), space_schema());
        assert_eq!(batch.num_rows(), 3);
        assert!(p.has_more);
        assert_eq!(p.next_cursor.as_deref(), Some("abc"));
        let names = batch.column(1).as_string::<i32>();
        assert_eq!(names.value(0), "prod");
        assert_eq!(names.value(2), "old");
        let desc = batch.column(2).as_string::<i32>();
        assert_eq!(desc.value(0), "Prod \"traffic\"");
        assert!(desc.is_null(1));
        assert_eq!(desc.value(2), "");
        let ts = batch.column(3).as_primitive::<TimestampMicrosecondType>();
        assert_eq!(ts.value(0), 1_768_209_302_118_000);
        assert_eq!(ts.value(1), 1_768_209_302_000_000 + 3_600_000_000);
        assert_eq!(ts.value(2), 1_768_209_302_000_000 + 500_000);
        let org = batch.column(4).as_string::<i32>();
        assert_eq!(org.value(0), "T3JnOjE=");
        assert!(org.is_null(1) && org.is_null(2));
        let private = batch.column(5).as_boolean();
        assert!(!private.value(0) && private.value(1) && private.is_null(2));
    }

    #[test]
    fn empty_page_has_the_same_schema() {
        let (batch, p) =
            decode_spaces_page(br#"{"spaces": [], "pagination": {"has_more": false}}"#).unwrap();
        assert_eq!(batch.num_rows(), 0);
        assert_eq!(batch.schema(), space_schema());
        assert!(!p.has_more && p.next_cursor.is_none());
        let (full, _) = decode_spaces_page(FULL.as_bytes()).unwrap();
        assert_eq!(full.schema(), batch.schema());
    }

    #[test]
    fn rejects_bad_rows() {
        let missing = r#"{"spaces":[{"id":"a","created_at":"2026-01-01T00:00:00Z"}],"pagination":{"has_more":false}}"#;
        assert!(decode_spaces_page(missing.as_bytes())
            .unwrap_err()
            .contains("name"));
        let bad_ts = r#"{"spaces":[{"id":"a","name":"n","created_at":"yesterday"}],"pagination":{"has_more":false}}"#;
        assert!(decode_spaces_page(bad_ts.as_bytes())
            .unwrap_err()
            .contains("yesterday"));
        let dup =
            r#"{"spaces":[{"id":"a","id":"b","name":"n","created_at":"2026-01-01T00:00:00Z"}]}"#;
        assert!(decode_spaces_page(dup.as_bytes()).is_err());
        let null_name =
            r#"{"spaces":[{"id":"a","name":null,"created_at":"2026-01-01T00:00:00Z"}]}"#;
        assert!(decode_spaces_page(null_name.as_bytes()).is_err());
        assert!(decode_spaces_page(b"<html>").is_err());
        assert!(decode_spaces_page(br#"{"tasks": []}"#)
            .unwrap_err()
            .contains("spaces"));
        assert!(
            decode_spaces_page(br#"{"spaces": [], "pagination": {"has_more": false}} x"#).is_err()
        );
    }

    #[test]
    fn timestamps_accept_offsets_and_fractions() {
        use super::super::parse_timestamp_micros as p;
        let base = p("2026-03-07T10:30:00Z").unwrap();
        assert_eq!(p("2026-03-07T10:30:00+00:00").unwrap(), base);
        assert_eq!(p("2026-03-07T12:30:00+02:00").unwrap(), base);
        assert_eq!(p("2026-03-07T10:30:00.000Z").unwrap(), base);
        assert_eq!(p("2026-03-07T10:30:00.123456Z").unwrap(), base + 123_456);
        assert_eq!(p("2026-03-07T10:30:00.123456789Z").unwrap(), base + 123_456);
        assert_eq!(p("2026-03-07T10:30:00").unwrap(), base);
        assert!(p("2026-03-07").is_err());
    }
}
