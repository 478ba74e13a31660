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

mod chunks {
    //! Pages scanned straight into a chunk's builders ([`ChunkSink`]): the same table as
    //! decoding every page on its own, also when the scanner gives up partway through a
    //! page (the chunk is cut back to the rows before that page).

    use arrow_array::RecordBatch;
    use proptest::prelude::*;

    use crate::api::lookups::Projects;
    use crate::paginate::{Chunk, ChunkResource, ChunkSink, Listing, Page, PageSink, Resource};
    use crate::table::{SpaceResource, TaskResource, TaskRunResource};

    /// Where a task's JSON gets a string with an escape (which the scanner gives up on).
    #[derive(Debug, Clone, Copy)]
    enum Poison {
        None,
        /// In `name`, the second member: the row is left with only its `id`.
        Name,
        /// In an evaluator's name: part of an evaluator is left behind.
        EvaluatorName,
        /// In a `column_mappings` value: part of a map is left behind.
        MappingValue,
        /// In `created_by_user_id`, after the evaluators and lists are closed.
        Late,
    }

    fn task(i: usize, poison: Poison) -> String {
        let esc = |yes: bool, plain: String| {
            if yes {
                format!("{plain}\\\"x")
            } else {
                plain
            }
        };
        let name = esc(matches!(poison, Poison::Name), format!("task {i}"));
        let ev_name = esc(matches!(poison, Poison::EvaluatorName), format!("e{i}"));
        let mapped = esc(matches!(poison, Poison::MappingValue), format!("in{i}"));
        let by = esc(matches!(poison, Poison::Late), format!("VXNlcjo{i}"));
        let evaluators = if i % 3 == 0 {
            String::from("[]")
        } else {
            format!(
                r#"[{{"evaluator_id":"RXZhbDo{i}","evaluator_name":"{ev_name}","evaluator_version_id":null,"query_filter":null,"column_mappings":{{"input":"{mapped}","output":"out"}},"query_mappings":null}},{{"evaluator_id":"RXZhbDpi{i}","evaluator_name":"second","column_mappings":null}}]"#
            )
        };
        format!(
            r#"{{"id":"VGFzazo{i}","name":"{name}","type":"TEMPLATE_EVALUATION","project_id":"UHJvajox","dataset_id":null,"sampling_rate":0.5,"is_continuous":{cont},"query_filter":null,"evaluators":{evaluators},"experiment_ids":["RXhwOj{i}"],"run_configuration":null,"last_run_at":null,"created_at":"2026-02-01T08:00:00.123Z","updated_at":"2026-02-01T08:00:00Z","created_by_user_id":"{by}","query_filters":null}}"#,
            cont = i % 2 == 0
        )
    }

    fn run(i: usize, poisoned: bool) -> String {
        let reason = if poisoned {
            "\"bad \\\" quote\""
        } else {
            "null"
        };
        format!(
            r#"{{"id":"UnVuOj{i}","task_id":"VGFzazox","experiment_id":null,"status":"COMPLETED","run_started_at":"2026-02-01T08:00:00.100Z","run_finished_at":null,"data_start_time":null,"data_end_time":null,"num_successes":{i},"num_errors":0,"num_skipped":1,"created_at":"2026-02-01T08:00:00Z","created_by_user_id":null,"failure_reason":{reason}}}"#
        )
    }

    fn space(i: usize, poisoned: bool) -> String {
        let description = if poisoned {
            "a \\\"quoted\\\" one"
        } else {
            "plain"
        };
        format!(
            r#"{{"id":"U3BhY2U6{i}","name":"space {i}","description":"{description}","created_at":"2026-01-05T10:00:00.{i:03}Z","organization_id":"T3JnOjE=","is_private":{private},"ml_models_enabled":true,"default_llm_integration":{{"integration_id":"SW50OjE=","model_name":"m"}}}}"#,
            private = i % 2 == 0
        )
    }

    fn project(i: usize, poisoned: bool) -> String {
        let name = if poisoned { "p\\u00e9" } else { "p" };
        format!(
            r#"{{"id":"UHJvajo{i}","name":"{name}{i}","space_id":"U3BhY2U6MQ==","created_at":"2026-01-05T10:00:00Z","project_type":null,"extra":[{i}]}}"#
        )
    }

    /// Chunks of a listing whose items come from the bodies: the same table as every page
    /// decoded alone, every body kept in order, and the listing's items those of the pages.
    fn chunks_keep_bodies<R: ChunkResource>(
        bodies: &[(bytes::Bytes, usize)],
        chunk_rows: usize,
    ) -> Result<(), TestCaseError>
    where
        R::Item: PartialEq + std::fmt::Debug,
    {
        let chunks = walk(sink::<R>(chunk_rows), bodies);
        prop_assert_eq!(chunks.iter().map(|c| c.pages).sum::<usize>(), bodies.len());
        let batches: Vec<RecordBatch> = chunks.iter().flat_map(|c| c.batches.clone()).collect();
        prop_assert_eq!(one_batch::<R>(&batches), reference::<R>(bodies));
        let kept: Vec<bytes::Bytes> = chunks.iter().flat_map(|c| c.bodies.clone()).collect();
        let sent: Vec<bytes::Bytes> = bodies.iter().map(|(b, _)| b.clone()).collect();
        prop_assert_eq!(&kept, &sent);
        let listing = futures::executor::block_on(Listing::<R>::collect_chunks(
            futures::stream::iter(chunks.into_iter().map(Ok)),
        ))
        .unwrap();
        let mut want = Vec::new();
        for b in sent {
            want.extend(
                Page::<R>::from_body(b, "http://e")
                    .unwrap()
                    .items()
                    .unwrap(),
            );
        }
        prop_assert_eq!(listing.items().unwrap(), want);
        prop_assert_eq!(listing.num_pages(), bodies.len());
        Ok(())
    }

    fn body(collection: &str, items: &[String], has_more: bool, n: usize) -> bytes::Bytes {
        format!(
            r#"{{"{collection}":[{}],"pagination":{{"has_more":{has_more},"next_cursor":"c{n}"}}}}"#,
            items.join(",")
        )
        .into()
    }

    /// Feeds `bodies` through a sink with `chunk_rows`, returning the chunks; checks the
    /// item counts it reports.
    fn walk<S: PageSink<Out = Chunk>>(mut sink: S, bodies: &[(bytes::Bytes, usize)]) -> Vec<Chunk> {
        let mut out = Vec::new();
        for (i, (b, rows)) in bodies.iter().enumerate() {
            let more = i + 1 < bodies.len();
            let (n, chunk) = sink.page(b.clone(), format!("http://e/{i}"), more).unwrap();
            assert_eq!(n, *rows);
            out.extend(chunk);
        }
        out.extend(sink.end().unwrap());
        out
    }

    fn one_batch<R: Resource>(batches: &[RecordBatch]) -> RecordBatch {
        arrow_select::concat::concat_batches(&R::schema(), batches).unwrap()
    }

    /// Every page decoded on its own, then concatenated: the reference.
    fn reference<R: Resource>(bodies: &[(bytes::Bytes, usize)]) -> RecordBatch {
        let batches: Vec<RecordBatch> = bodies
            .iter()
            .map(|(b, _)| R::decode_page(b).unwrap().0)
            .collect();
        one_batch::<R>(&batches)
    }

    /// One page body per element of `pages`, items numbered from 1 across pages, made by
    /// `item` from each element's marker; with each page's item count.
    fn bodies_of<T: Copy>(
        collection: &str,
        pages: &[Vec<T>],
        item: impl Fn(usize, T) -> String,
    ) -> Vec<(bytes::Bytes, usize)> {
        let mut next = 0;
        pages
            .iter()
            .enumerate()
            .map(|(p, rows)| {
                let items: Vec<String> = rows
                    .iter()
                    .map(|&marker| {
                        next += 1;
                        item(next, marker)
                    })
                    .collect();
                (body(collection, &items, p + 1 < pages.len(), p), rows.len())
            })
            .collect()
    }

    fn sink<R: ChunkResource>(chunk_rows: usize) -> ChunkSink<R> {
        let mut sink = ChunkSink::<R>::default();
        sink.chunk_rows = chunk_rows;
        sink
    }

    fn poison() -> impl Strategy<Value = Poison> {
        prop_oneof![
            6 => Just(Poison::None),
            1 => Just(Poison::Name),
            1 => Just(Poison::EvaluatorName),
            1 => Just(Poison::MappingValue),
            1 => Just(Poison::Late),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn task_chunks_equal_pages_decoded_alone(
            pages in proptest::collection::vec(proptest::collection::vec(poison(), 0..12), 1..9),
            chunk_rows in 1usize..30,
        ) {
            let bodies = bodies_of("tasks", &pages, task);
            let chunks = walk(sink::<TaskResource>(chunk_rows), &bodies);
            prop_assert_eq!(chunks.iter().map(|c| c.pages).sum::<usize>(), bodies.len());
            let batches: Vec<RecordBatch> = chunks.into_iter().flat_map(|c| c.batches).collect();
            prop_assert!(batches.iter().all(|b| b.num_rows() > 0));
            prop_assert_eq!(one_batch::<TaskResource>(&batches), reference::<TaskResource>(&bodies));
            // Items rebuilt from the (possibly cut back) batches.
            for b in &batches {
                prop_assert!(TaskResource::items_from_batch(b).is_ok());
            }
        }

        #[test]
        fn run_chunks_equal_pages_decoded_alone(
            pages in proptest::collection::vec(proptest::collection::vec(proptest::bool::weighted(0.1), 0..12), 1..9),
            chunk_rows in 1usize..30,
        ) {
            let bodies = bodies_of("task_runs", &pages, run);
            let chunks = walk(sink::<TaskRunResource>(chunk_rows), &bodies);
            prop_assert_eq!(chunks.iter().map(|c| c.pages).sum::<usize>(), bodies.len());
            let batches: Vec<RecordBatch> = chunks.into_iter().flat_map(|c| c.batches).collect();
            prop_assert_eq!(one_batch::<TaskRunResource>(&batches), reference::<TaskRunResource>(&bodies));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

        #[test]
        fn space_chunks_keep_the_bodies_for_the_items(
            pages in proptest::collection::vec(proptest::collection::vec(proptest::bool::weighted(0.1), 0..12), 1..7),
            chunk_rows in 1usize..30,
        ) {
            chunks_keep_bodies::<SpaceResource>(&bodies_of("spaces", &pages, space), chunk_rows)?;
        }

        #[test]
        fn declared_chunks_keep_the_bodies_for_the_items(
            pages in proptest::collection::vec(proptest::collection::vec(proptest::bool::weighted(0.1), 0..12), 1..7),
            chunk_rows in 1usize..30,
        ) {
            chunks_keep_bodies::<Projects>(&bodies_of("projects", &pages, project), chunk_rows)?;
        }
    }

    /// Pages of 100 rows make chunks of whole pages: 4,100 rows each, then the rest.
    #[test]
    fn whole_pages_per_chunk() {
        let bodies: Vec<(bytes::Bytes, usize)> = (0..100)
            .map(|p| {
                let items: Vec<String> =
                    (0..100).map(|i| task(p * 100 + i, Poison::None)).collect();
                (body("tasks", &items, p + 1 < 100, p), 100)
            })
            .collect();
        let chunks = walk(ChunkSink::<TaskResource>::default(), &bodies);
        let sizes: Vec<usize> = chunks
            .iter()
            .flat_map(|c| c.batches.iter().map(|b| b.num_rows()))
            .collect();
        assert_eq!(sizes, vec![4100, 4100, 1800]);
        assert_eq!(
            chunks.iter().map(|c| c.pages).collect::<Vec<_>>(),
            vec![41, 41, 18]
        );
        assert_eq!(chunks[0].url, "http://e/0");
        assert_eq!(chunks[1].url, "http://e/41");
    }

    /// A listing of one empty page still counts its page.
    #[test]
    fn an_empty_listing_is_one_page_and_no_batch() {
        let chunks = walk(
            ChunkSink::<TaskResource>::default(),
            &[(body("tasks", &[], false, 0), 0)],
        );
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].pages, 1);
        assert!(chunks[0].batches.is_empty());
    }
}
