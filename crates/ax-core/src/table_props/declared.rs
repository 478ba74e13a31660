//! The declared (lookup) resources: one generator and one check driven by the column
//! declaration, run for every lookup resource and for a declaration with a required column
//! of every kind.

use std::sync::OnceLock;

use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use arrow_schema::SchemaRef;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::*;
use crate::api::lookups::LookupResource;
use crate::table::declared::{
    declared_schema, decode_declared_page, scan_declared_page, serde_declared_page, Column,
    ColumnKind,
};

/// A declaration under test.
struct Declaration {
    collection: &'static str,
    columns: &'static [Column],
    schema: SchemaRef,
}

/// Required columns of every kind a required column can have, then optional ones.
static EVERY_KIND: &[Column] = &[
    Column::required("id", ColumnKind::Utf8),
    Column::required("ok", ColumnKind::Bool),
    Column::required("at", ColumnKind::Timestamp),
    Column::required("tags", ColumnKind::Utf8List),
    Column::new("note", ColumnKind::Utf8),
    Column::new("flag", ColumnKind::Bool),
    Column::new("seen_at", ColumnKind::Timestamp),
    Column::new("labels", ColumnKind::Utf8List),
    Column::new("meta", ColumnKind::Json),
];

fn declarations() -> Vec<Declaration> {
    fn one<R: LookupResource>() -> Declaration {
        Declaration {
            collection: R::COLLECTION,
            columns: R::COLUMNS,
            schema: R::schema(),
        }
    }
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    vec![
        one::<lookups::Organizations>(),
        one::<lookups::Users>(),
        one::<lookups::Projects>(),
        one::<lookups::Datasets>(),
        one::<lookups::Experiments>(),
        one::<lookups::Evaluators>(),
        one::<lookups::EvaluatorVersions>(),
        one::<lookups::AiIntegrations>(),
        Declaration {
            collection: "things",
            columns: EVERY_KIND,
            schema: declared_schema(&SCHEMA, EVERY_KIND),
        },
    ]
}

/// One generated cell.
#[derive(Debug, Clone)]
enum Cell {
    Text(String),
    Bool(bool),
    Time(i64, String),
    List(Vec<String>),
    Json(Value),
}

impl Cell {
    fn json(&self) -> Value {
        match self {
            Cell::Text(t) => json!(t),
            Cell::Bool(b) => json!(b),
            Cell::Time(_, t) => json!(t),
            Cell::List(l) => json!(l),
            Cell::Json(v) => v.clone(),
        }
    }
}

fn cell(kind: ColumnKind) -> BoxedStrategy<Cell> {
    match kind {
        ColumnKind::Utf8 => text().prop_map(Cell::Text).boxed(),
        ColumnKind::Bool => any::<bool>().prop_map(Cell::Bool).boxed(),
        ColumnKind::Timestamp => timestamp().prop_map(|(us, t)| Cell::Time(us, t)).boxed(),
        ColumnKind::Utf8List => proptest::collection::vec(text(), 0..3)
            .prop_map(Cell::List)
            .boxed(),
        ColumnKind::Json => free_json().prop_map(Cell::Json).boxed(),
    }
}

/// A row: one cell per column (always set for a required one), and unknown members.
type Row = (Vec<Opt<Cell>>, Vec<(String, Value)>);

fn row(columns: &'static [Column]) -> impl Strategy<Value = Row> {
    let cells: Vec<BoxedStrategy<Opt<Cell>>> = columns
        .iter()
        .map(|c| {
            if c.required {
                cell(c.kind).prop_map(Opt::Set).boxed()
            } else {
                opt(cell(c.kind)).boxed()
            }
        })
        .collect();
    (cells, unknown_members())
}

fn row_json(columns: &[Column], (cells, unknown): &Row) -> Value {
    let mut o = Map::new();
    for (c, v) in columns.iter().zip(cells) {
        v.put(&mut o, c.name, Cell::json);
    }
    for (k, v) in unknown {
        o.insert(k.clone(), v.clone());
    }
    Value::Object(o)
}

/// A declaration (by index into [`declarations`]) and rows for it.
fn declared_rows() -> impl Strategy<Value = (usize, Vec<Row>)> {
    (0..declarations().len()).prop_flat_map(|d| {
        let columns = declarations()[d].columns;
        (Just(d), proptest::collection::vec(row(columns), 0..5))
    })
}

fn check(batch: &RecordBatch, columns: &[Column], rows: &[Row]) -> Result<(), TestCaseError> {
    prop_assert_eq!(batch.num_rows(), rows.len());
    for (i, c) in columns.iter().enumerate() {
        let want: Vec<Option<Cell>> = rows.iter().map(|r| r.0[i].get()).collect();
        match c.kind {
            ColumnKind::Utf8 | ColumnKind::Json => {
                let texts: Vec<Option<String>> = want
                    .iter()
                    .map(|v| {
                        v.as_ref().map(|v| match v {
                            Cell::Text(t) => t.clone(),
                            other => other.json().to_string(),
                        })
                    })
                    .collect();
                prop_assert_eq!(strings(batch, c.name), texts, "{}", c.name);
            }
            ColumnKind::Timestamp => {
                let us: Vec<Option<i64>> = want
                    .iter()
                    .map(|v| match v {
                        Some(Cell::Time(us, _)) => Some(*us),
                        _ => None,
                    })
                    .collect();
                prop_assert_eq!(times(batch, c.name), us, "{}", c.name);
            }
            ColumnKind::Bool => {
                let got = batch.column_by_name(c.name).unwrap().as_boolean();
                for (j, w) in want.iter().enumerate() {
                    let w = match w {
                        Some(Cell::Bool(b)) => Some(*b),
                        _ => None,
                    };
                    prop_assert_eq!((!got.is_null(j)).then(|| got.value(j)), w);
                }
            }
            ColumnKind::Utf8List => {
                let got = batch.column_by_name(c.name).unwrap().as_list::<i32>();
                for (j, w) in want.iter().enumerate() {
                    let got = (!got.is_null(j)).then(|| {
                        let v = got.value(j);
                        let v = v.as_string::<i32>();
                        (0..v.len()).map(|k| v.value(k).to_owned()).collect()
                    });
                    let w = match w {
                        Some(Cell::List(l)) => Some(l.clone()),
                        _ => None,
                    };
                    prop_assert_eq!(got, w);
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn declared_round_trip((d, rows) in declared_rows(), p in pagination(), flips in mutations(), order in 0u8..4) {
        let Declaration { collection, columns, schema } = &declarations()[d];
        let (collection, columns) = (*collection, *columns);
        let items = rows.iter().map(|r| row_json(columns, r)).collect();
        let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
        let body = ordered_envelope(collection, items, &p, order, &names);
        let decode = |b: &[u8]| decode_declared_page(b, collection, columns, schema.clone());
        let scan = |b: &[u8]| scan_declared_page(b, collection, columns, schema.clone(), 4);
        let reference =
            |b: &[u8]| serde_declared_page(b, collection, columns, schema.clone(), 4);
        let (batch, got) = decode(body.as_bytes()).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&got, &p.expected());
        check(&batch, columns, &rows)?;
        paths_agree(scan, reference, decode, body.as_bytes(), true)?;
        truncations_fail(decode, &body)?;
        paths_agree(scan, reference, decode, &mutated(&body, &flips), false)?;
    }
}

/// A required JSON column is an error on both paths (the scanner gives up on it).
#[test]
fn a_required_json_column_is_the_serde_paths_error() {
    static COLUMNS: &[Column] = &[
        Column::required("id", ColumnKind::Utf8),
        Column::required("conf", ColumnKind::Json),
    ];
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    let schema = declared_schema(&SCHEMA, COLUMNS);
    let body = br#"{"things":[{"id":"a","conf":{"k":1}}]}"#;
    assert!(scan_declared_page(body, "things", COLUMNS, schema.clone(), 1).is_none());
    let err = decode_declared_page(body, "things", COLUMNS, schema.clone()).unwrap_err();
    assert!(err.contains("cannot be required"), "{err}");
    assert_eq!(
        Err(err),
        serde_declared_page(body, "things", COLUMNS, schema, 1)
    );
}
