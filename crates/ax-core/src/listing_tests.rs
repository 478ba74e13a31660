//! [`Listing`]: pages merged into chunks as they arrive, bodies dropped where the table holds
//! whole items, and items rebuilt in order with nothing lost or repeated.

use arrow_array::cast::AsArray;
use arrow_array::Array;

use crate::paginate::{Listing, Page, LISTING_CHUNK_ROWS};
use crate::table::{SpaceResource, TaskResource, TaskRunResource};

/// A page of `n` tasks numbered from `first`, in shapes that exercise every column.
fn task_page(first: usize, n: usize, has_more: bool) -> Page<TaskResource> {
    let items: Vec<String> = (first..first + n)
        .map(|i| {
            let evaluators = if i % 3 == 0 {
                String::from("[]")
            } else {
                format!(
                    r#"[{{"evaluator_id": "RXZhbDo{i}", "evaluator_name": "e{i}", "column_mappings": {{"input": "in{i}"}},
                         "query_mappings": [{{"variable_name": "v", "query_ids": [{i}]}}]}}]"#
                )
            };
            format!(
                r#"{{"id": "VGFzazo{i}", "name": "task {i}", "type": "TEMPLATE_EVALUATION",
                    "project_id": "UHJvajox", "sampling_rate": 0.5, "is_continuous": {cont},
                    "query_filter": null, "evaluators": {evaluators},
                    "experiment_ids": ["RXhwOj{i}"], "query_filters": {{"filters": [{{"id": "{i}"}}]}},
                    "created_at": "2026-02-01T08:00:00.123456Z", "updated_at": "2026-02-01T08:00:00Z"}}"#,
                cont = i % 2 == 0
            )
        })
        .collect();
    let body = format!(
        r#"{{"tasks": [{}], "pagination": {{"has_more": {has_more}, "next_cursor": "c{first}"}}}}"#,
        items.join(",")
    );
    Page::from_body(body.into(), "http://emulator/v2/tasks").unwrap()
}

#[test]
fn pages_merge_into_chunks_and_items_come_back_in_order() {
    let pages = 100;
    let mut listing = Listing::<TaskResource>::new();
    for p in 0..pages {
        listing
            .push(task_page(p * 100, 100, p + 1 < pages))
            .unwrap();
    }
    let listing = listing.finish().unwrap();
    assert_eq!(listing.num_pages(), pages);
    assert_eq!(listing.num_rows(), pages * 100);
    assert!(!listing.keeps_bodies());

    let batches = listing.batches();
    // Chunks of at least LISTING_CHUNK_ROWS rows (whole pages), the last one smaller.
    let sizes: Vec<usize> = batches.iter().map(|b| b.num_rows()).collect();
    assert_eq!(sizes.iter().sum::<usize>(), pages * 100);
    let chunk = LISTING_CHUNK_ROWS.div_ceil(100) * 100;
    assert!(
        sizes[..sizes.len() - 1].iter().all(|&n| n == chunk),
        "{sizes:?}"
    );
    assert_eq!(sizes.len(), (pages * 100).div_ceil(chunk));

    // Every ID once, in order, in the table and in the rebuilt items.
    let ids: Vec<String> = batches
        .iter()
        .flat_map(|b| {
            let col = b.column_by_name("id").unwrap().as_string::<i32>().clone();
            (0..col.len()).map(move |i| col.value(i).to_owned())
        })
        .collect();
    let want: Vec<String> = (0..pages * 100).map(|i| format!("VGFzazo{i}")).collect();
    assert_eq!(ids, want);
    let items = listing.items().unwrap();
    assert_eq!(items.iter().map(|t| t.id.clone()).collect::<Vec<_>>(), want);

    // Rebuilt items equal what serde makes of the same JSON, page by page.
    let mut from_json = Vec::new();
    for p in 0..pages {
        let page = task_page(p * 100, 100, p + 1 < pages);
        from_json.extend(page.items().unwrap());
    }
    assert_eq!(items, from_json);
    assert_eq!(
        items[1].query_filters,
        Some(serde_json::json!({"filters": [{"id": "1"}]}))
    );
    assert_eq!(
        items[1].evaluators[0].query_mappings,
        Some(serde_json::json!([{"variable_name": "v", "query_ids": [1]}]))
    );
}

#[test]
fn a_single_page_is_one_batch_and_an_empty_listing_has_the_schema() {
    let one = Listing::single(task_page(0, 7, false)).unwrap();
    assert_eq!(one.batches().len(), 1);
    assert_eq!(one.num_rows(), 7);
    assert_eq!(one.items().unwrap().len(), 7);

    let empty = Listing::<TaskRunResource>::new().finish().unwrap();
    let batches = empty.batches();
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].num_rows(), 0);
    assert_eq!(batches[0].schema(), crate::table::task_run_schema());
    assert!(empty.items().unwrap().is_empty());
}

#[test]
fn spaces_keep_their_bodies_for_items() {
    // The spaces table lacks some model fields, so their items come from the JSON.
    let body = r##"{"spaces": [{"id": "U3BhY2U6MQ==", "name": "s", "created_at": "2026-01-01T00:00:00Z",
                   "ml_models_enabled": true, "gradient_start_color": "#fff"}],
                   "pagination": {"has_more": false}}"##;
    let page = Page::<SpaceResource>::from_body(body.into(), "http://emulator/v2/spaces").unwrap();
    let listing = Listing::single(page).unwrap();
    assert!(listing.keeps_bodies());
    let items = listing.items().unwrap();
    assert_eq!(items[0].ml_models_enabled, Some(true));
    assert_eq!(items[0].gradient_start_color.as_deref(), Some("#fff"));
}

#[test]
fn an_unknown_run_status_fails_item_building_with_the_column_named() {
    let body = r#"{"task_runs": [{"id": "UnVuOjE=", "task_id": "VGFzazox", "status": "PAUSED",
                   "created_at": "2026-01-01T00:00:00Z"}], "pagination": {"has_more": false}}"#;
    let page = Page::<TaskRunResource>::from_body(body.into(), "http://emulator/v2/x").unwrap();
    // The table keeps an unknown status as sent; the typed item cannot hold it.
    assert!(page.items().is_err());
    let listing = Listing::single(page).unwrap();
    let err = listing.items().unwrap_err().to_string();
    assert!(err.contains("PAUSED") && err.contains("status"), "{err}");
}
