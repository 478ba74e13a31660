//! The supporting read-only resources (organizations, users, projects, datasets,
//! experiments, evaluators and their versions, AI integrations) against the demo seed.

use std::collections::HashSet;

use arrow_array::cast::AsArray;
use arrow_array::types::TimestampMicrosecondType;
use arrow_array::Array;
use ax_core::api::lookups::{
    self, AiIntegrations, Datasets, EvaluatorVersions, Evaluators, Experiments, GetParams,
    ListParams, LookupResource, Organizations, Projects, Record, Users,
};
use ax_core::paginate::Resource;
use ax_core::table::declared::ColumnKind;
use ax_core::{Client, Error, Page};
use futures::TryStreamExt;
use serde_json::Value;

use crate::common::{
    client_with, Env, CODE_EVALUATOR, DATASET, INTEGRATION, PROJECT, SPACE, TEMPLATE_EVALUATOR,
};

/// An ID no seeded resource has (`Project:99999:XXXX`).
const UNKNOWN_ID: &str = "UHJvamVjdDo5OTk5OTpYWFhY";

fn ids<R: Resource>(page: &Page<R>) -> Vec<String> {
    let col = page.batch.column_by_name("id").unwrap().as_string::<i32>();
    (0..col.len()).map(|i| col.value(i).to_owned()).collect()
}

fn column<R: Resource>(page: &Page<R>, name: &str) -> Vec<Option<String>> {
    let col = page.batch.column_by_name(name).unwrap().as_string::<i32>();
    (0..col.len())
        .map(|i| (!col.is_null(i)).then(|| col.value(i).to_owned()))
        .collect()
}

fn id_of(r: &Record) -> &str {
    r["id"].as_str().unwrap()
}

fn params(f: impl FnOnce(&mut ListParams)) -> ListParams {
    let mut p = ListParams::default();
    f(&mut p);
    p
}

fn in_space(space: &str) -> GetParams {
    GetParams {
        space: Some(space.into()),
        ..Default::default()
    }
}

async fn walk<R: LookupResource>(c: &Client, p: ListParams) -> ax_core::Result<Vec<Page<R>>> {
    lookups::list_pages::<R>(c, p).try_collect().await
}

/// Lists `p` as one page of 100, as a first page of `small`, and as a walk over pages of
/// `small` (and of the default size): the same items in the same order, each once, with
/// `R::schema()` on every page. Returns the IDs.
async fn check_listing<R: LookupResource>(c: &Client, p: &ListParams, small: u32) -> Vec<String> {
    let with = |limit: Option<u32>| ListParams { limit, ..p.clone() };
    let big = lookups::list::<R>(c, &with(Some(100))).await.unwrap();
    assert!(!big.has_more, "{} fit in one page", R::COLLECTION);
    assert_eq!(big.batch.schema(), R::schema());
    let want = ids(&big);
    let items: Vec<String> = big
        .items()
        .unwrap()
        .iter()
        .map(|r| id_of(r).to_owned())
        .collect();
    assert_eq!(items, want, "items and batch agree");
    check_columns(&big);
    assert_eq!(
        want.iter().collect::<HashSet<_>>().len(),
        want.len(),
        "no repeat"
    );

    let first = lookups::list::<R>(c, &with(Some(small))).await.unwrap();
    assert_eq!(first.batch.schema(), R::schema());
    assert_eq!(ids(&first), want[..want.len().min(small as usize)]);
    assert_eq!(first.has_more, want.len() > small as usize);
    assert_eq!(first.next_cursor.is_some(), first.has_more);

    let pages = walk::<R>(c, with(Some(small))).await.unwrap();
    assert_eq!(pages.len(), want.len().div_ceil(small as usize).max(1));
    let mut walked = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(page.batch.schema(), R::schema(), "page {i}");
        assert!(page.len() <= small as usize);
        assert_eq!(page.has_more, i + 1 < pages.len());
        walked.extend(ids(page));
    }
    assert_eq!(walked, want, "every item once, in order");

    // The second page by cursor is the walk's second page.
    if pages.len() > 1 {
        let second = lookups::list::<R>(
            c,
            &ListParams {
                cursor: first.next_cursor.clone(),
                ..with(Some(small))
            },
        )
        .await
        .unwrap();
        assert_eq!(second.raw, pages[1].raw);
        // A walk from the first page's cursor gives the rest.
        let rest = walk::<R>(
            c,
            ListParams {
                cursor: first.next_cursor.clone(),
                ..with(Some(small))
            },
        )
        .await
        .unwrap();
        let rest: Vec<String> = rest.iter().flat_map(ids).collect();
        assert_eq!(rest, want[small as usize..]);
    }

    let default_walk = walk::<R>(c, with(None)).await.unwrap();
    assert_eq!(default_walk.len(), 1);
    assert_eq!(ids(&default_walk[0]), want);
    want
}

/// Every declared column of every row holds the item's member (null when missing or null).
fn check_columns<R: LookupResource>(page: &Page<R>) {
    let items = page.items().unwrap();
    for (ci, col) in R::COLUMNS.iter().enumerate() {
        let array = page.batch.column(ci);
        assert_eq!(page.batch.schema().field(ci).name(), col.name);
        for (row, item) in items.iter().enumerate() {
            let want = item.get(col.name).filter(|v| !v.is_null());
            let at = format!("{}[{row}].{}", R::COLLECTION, col.name);
            let Some(want) = want else {
                assert!(array.is_null(row), "{at} is null");
                continue;
            };
            assert!(!array.is_null(row), "{at} is set");
            match col.kind {
                ColumnKind::Utf8 => {
                    assert_eq!(
                        array.as_string::<i32>().value(row),
                        want.as_str().unwrap(),
                        "{at}"
                    )
                }
                ColumnKind::Json => {
                    let text = array.as_string::<i32>().value(row);
                    let got: Value = serde_json::from_str(text).unwrap();
                    assert_eq!(&got, want, "{at}");
                }
                ColumnKind::Bool => {
                    assert_eq!(Some(array.as_boolean().value(row)), want.as_bool(), "{at}")
                }
                ColumnKind::Timestamp => {
                    let micros = array.as_primitive::<TimestampMicrosecondType>().value(row);
                    let t = chrono::DateTime::parse_from_rfc3339(want.as_str().unwrap()).unwrap();
                    assert_eq!(micros, t.timestamp_micros(), "{at}");
                }
                ColumnKind::Utf8List => {
                    let list = array.as_list::<i32>().value(row);
                    let list = list.as_string::<i32>();
                    let got: Vec<Value> = (0..list.len())
                        .map(|i| Value::from(list.value(i)))
                        .collect();
                    assert_eq!(&Value::Array(got), want, "{at}");
                }
            }
        }
    }
}

/// The field of a validation error.
fn field<T: std::fmt::Debug>(r: ax_core::Result<T>) -> String {
    match r {
        Err(Error::Validation { field, .. }) => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// The message of a `NameNotFound`, checking its type, name and candidates.
fn not_found<T: std::fmt::Debug>(
    r: ax_core::Result<T>,
    resource: &str,
    name: &str,
    candidates: &[&str],
) -> String {
    match r {
        Err(e @ Error::NameNotFound { .. }) => {
            let text = e.to_string();
            let Error::NameNotFound {
                resource_type,
                resource_name,
                available_names,
                ..
            } = e
            else {
                unreachable!()
            };
            assert_eq!(
                (resource_type.as_str(), resource_name.as_str()),
                (resource, name)
            );
            assert_eq!(available_names, candidates);
            text
        }
        other => panic!("expected NameNotFound, got {other:?}"),
    }
}

fn ambiguous_space<T: std::fmt::Debug>(env: &Env, r: ax_core::Result<T>) {
    match r {
        Err(e @ Error::AmbiguousName { .. }) => {
            assert!(
                e.to_string().starts_with(
                    "Multiple spaces named 'production' found. Use a space ID to disambiguate. Matching IDs: "
                ),
                "{e}"
            );
            let Error::AmbiguousName {
                resource_type,
                mut matching_ids,
                ..
            } = e
            else {
                unreachable!()
            };
            assert_eq!(resource_type, "space");
            let mut want = env.space_ids("production");
            matching_ids.sort();
            want.sort();
            assert_eq!(matching_ids, want);
        }
        other => panic!("expected AmbiguousName, got {other:?}"),
    }
}

fn status<T: std::fmt::Debug>(r: ax_core::Result<T>) -> Option<u16> {
    match r {
        Err(e @ Error::Api(_)) => e.status(),
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// The query of the last request to `path`.
fn last_query(env: &Env, path: &str) -> String {
    env.requests()
        .into_iter()
        .rev()
        .find(|r| r.path == path)
        .unwrap_or_else(|| panic!("no request to {path}"))
        .query
}

fn seeded_list(env: &Env, kind: &str) -> Vec<Value> {
    env.seed()[kind].as_array().unwrap().clone()
}

/// Seeded version IDs of an evaluator, oldest first.
fn evaluator_versions(env: &Env, evaluator_id: &str) -> Vec<String> {
    seeded_list(env, "evaluators")
        .iter()
        .find(|e| e["id"] == evaluator_id)
        .unwrap()["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

mod resources;
mod rules;
