//! Pagination: several pages, prefetch, stop conditions and the repeated-cursor guard.

use std::collections::HashSet;
use std::time::Duration;

use ax_core::api::spaces::{self, CreateSpace, ListSpacesParams, SpaceResource};
use ax_core::paginate::pages;
use ax_core::Error;
use ax_emulator::Fault;
use futures::StreamExt;

use crate::common::Env;

async fn create_many(env: &Env, prefix: &str, n: usize) -> HashSet<String> {
    let acme = env.org_id("Acme AI");
    let mut ids = HashSet::new();
    for i in 0..n {
        let req = CreateSpace {
            name: format!("{prefix}-{i:02}"),
            organization_id: acme.clone(),
            ..Default::default()
        };
        ids.insert(spaces::create(&env.client, &req).await.unwrap().id);
    }
    ids
}

#[tokio::test]
async fn all_pages_without_loss_or_repeat() {
    let env = Env::start().await;
    let created = create_many(&env, "paged", 25).await;
    env.emu.control().clear_requests();

    let p = ListSpacesParams {
        name: Some("paged-".into()),
        limit: Some(7),
        ..Default::default()
    };
    let pages = spaces::list_all(&env.client, p).await.unwrap();
    let sizes: Vec<usize> = pages.iter().map(|p| p.len()).collect();
    assert_eq!(sizes, vec![7, 7, 7, 4]);
    assert!(!pages.last().unwrap().has_more);
    let mut seen = HashSet::new();
    for page in &pages {
        assert_eq!(page.batch.schema(), pages[0].batch.schema());
        for item in page.items().unwrap() {
            assert!(seen.insert(item.id), "an item was repeated");
        }
    }
    assert_eq!(seen, created);
    let lists = env
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == "/v2/spaces")
        .collect::<Vec<_>>();
    assert_eq!(lists.len(), 4);
    assert!(lists.iter().all(|r| r.query.contains("limit=7")));
    assert_eq!(
        lists.iter().filter(|r| r.query.contains("cursor=")).count(),
        3
    );

    // Starting from a cursor continues where a single-page list stopped.
    let first = spaces::list(
        &env.client,
        &ListSpacesParams {
            name: Some("paged-".into()),
            limit: Some(10),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let rest = spaces::list_all(
        &env.client,
        ListSpacesParams {
            name: Some("paged-".into()),
            limit: Some(10),
            cursor: first.next_cursor.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        first.len() + rest.iter().map(|p| p.len()).sum::<usize>(),
        25
    );
}

#[tokio::test]
async fn next_page_is_requested_while_the_current_one_is_handled() {
    let env = Env::start().await;
    create_many(&env, "prefetch", 9).await;
    env.emu.control().clear_requests();
    let p = ListSpacesParams {
        name: Some("prefetch-".into()),
        limit: Some(3),
        ..Default::default()
    };
    let mut stream = Box::pin(spaces::list_pages(&env.client, p));
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.len(), 3);
    // The consumer "works" on the first page; the second request goes out meanwhile.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(env.count("GET", "/v2/spaces"), 2);
    let rest: Vec<_> = stream.collect().await;
    assert_eq!(rest.len(), 2);
    assert!(rest.iter().all(|p| p.as_ref().unwrap().len() == 3));
    assert_eq!(env.count("GET", "/v2/spaces"), 3);
}

#[tokio::test]
async fn repeated_cursor_is_an_error_not_a_loop() {
    let env = Env::start().await;
    env.emu.control().add_fault(Fault {
        method: Some("GET".into()),
        path: "/v2/spaces".into(),
        count: 50,
        status: Some(200),
        body: Some(
            r#"{"spaces": [], "pagination": {"has_more": true, "next_cursor": "c1"}}"#.into(),
        ),
        content_type: Some("application/json".into()),
        ..Default::default()
    });
    let items: Vec<_> =
        pages::<SpaceResource>(env.client.clone(), "/v2/spaces".into(), vec![], 10, None)
            .collect()
            .await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[0].is_ok() && items[1].is_ok());
    match &items[2] {
        Err(Error::RepeatedCursor { cursor, .. }) => assert_eq!(cursor, "c1"),
        other => panic!("expected RepeatedCursor, got {other:?}"),
    }
    assert_eq!(env.count("GET", "/v2/spaces"), 2);
}

#[tokio::test]
async fn has_more_without_cursor_is_an_error_after_the_page() {
    let env = Env::start().await;
    env.emu.control().add_fault(Fault {
        method: Some("GET".into()),
        path: "/v2/spaces".into(),
        count: 5,
        status: Some(200),
        body: Some(r#"{"spaces": [], "pagination": {"has_more": true}}"#.into()),
        content_type: Some("application/json".into()),
        ..Default::default()
    });
    let items: Vec<_> = spaces::list_pages(&env.client, ListSpacesParams::default())
        .collect()
        .await;
    // Stopping silently would pass a partial listing off as complete.
    assert_eq!(items.len(), 2);
    assert!(items[0].as_ref().unwrap().has_more);
    assert!(
        matches!(items[1], Err(Error::MissingCursor { .. })),
        "{items:?}"
    );
    assert_eq!(env.count("GET", "/v2/spaces"), 1);
}

#[tokio::test]
async fn invalid_limit_fails_before_any_request() {
    let env = Env::start().await;
    let before = env.requests().len();
    let items: Vec<_> =
        pages::<SpaceResource>(env.client.clone(), "/v2/spaces".into(), vec![], 0, None)
            .collect()
            .await;
    assert_eq!(items.len(), 1);
    assert!(matches!(&items[0], Err(Error::Validation { field, .. }) if field == "limit"));
    assert_eq!(env.requests().len(), before);
}
