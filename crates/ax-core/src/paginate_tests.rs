//! Paginator guards against servers that page oddly: empty pages that say more follow are
//! followed (up to [`MAX_EMPTY_PAGES`] in a row), and `has_more` without a cursor is an error
//! rather than a silently short listing.

use futures::StreamExt;

use crate::paginate::{pages, Page, MAX_EMPTY_PAGES};
use crate::table::SpaceResource;
use crate::transport::test_servers::{json_response, ScriptedServer};
use crate::{Client, Config, ConfigInput, Error, Result};

const SPACE: &str =
    r#"{"id": "U3BhY2U6MTpBQUFB", "name": "s", "created_at": "2026-01-01T00:00:00Z"}"#;

fn page(items: usize, has_more: bool, cursor: Option<String>) -> String {
    let items = vec![SPACE; items].join(",");
    let cursor = cursor
        .map(|c| format!(r#", "next_cursor": "{c}""#))
        .unwrap_or_default();
    format!(r#"{{"spaces": [{items}], "pagination": {{"has_more": {has_more}{cursor}}}}}"#)
}

fn client(url: &str) -> Client {
    let input = ConfigInput {
        api_key: Some("k".into()),
        base_url: Some(url.into()),
        max_retries: Some(0),
        ..Default::default()
    };
    Client::new(Config::resolve(input, &|_| None).unwrap()).unwrap()
}

async fn collect(server: &ScriptedServer) -> Vec<Result<Page<SpaceResource>>> {
    pages::<SpaceResource>(client(&server.url), "/v2/spaces".into(), vec![], 10, None)
        .collect()
        .await
}

#[tokio::test]
async fn empty_pages_with_a_cursor_are_followed() {
    let server = ScriptedServer::start(|i, _| {
        let body = if i < 7 {
            page(0, true, Some(format!("c{i}")))
        } else {
            page(2, false, None)
        };
        json_response(200, &body)
    })
    .await;
    let got = collect(&server).await;
    assert_eq!(got.len(), 8);
    let rows: Vec<usize> = got.iter().map(|p| p.as_ref().unwrap().len()).collect();
    assert_eq!(rows, [0, 0, 0, 0, 0, 0, 0, 2]);
    assert_eq!(server.count(), 8);
}

#[tokio::test]
async fn a_non_empty_page_resets_the_empty_page_count() {
    let n = MAX_EMPTY_PAGES as usize - 1;
    let server = ScriptedServer::start(move |i, _| {
        let body = match i {
            i if i == n => page(1, true, Some(format!("c{i}"))),
            i if i == 2 * n + 1 => page(1, false, None),
            i => page(0, true, Some(format!("c{i}"))),
        };
        json_response(200, &body)
    })
    .await;
    let got = collect(&server).await;
    assert!(got.iter().all(Result::is_ok), "{:?}", got.last());
    assert_eq!(got.len(), 2 * n + 2);
}

#[tokio::test]
async fn endless_empty_pages_stop_with_a_clear_error() {
    let server =
        ScriptedServer::start(|i, _| json_response(200, &page(0, true, Some(format!("c{i}")))))
            .await;
    let got = collect(&server).await;
    let max = MAX_EMPTY_PAGES as usize;
    assert_eq!(got.len(), max + 1);
    assert!(got[..max].iter().all(|p| p.as_ref().unwrap().is_empty()));
    let err = got[max].as_ref().unwrap_err();
    match err {
        Error::EmptyPages { url, count } => {
            assert_eq!(*count, MAX_EMPTY_PAGES);
            assert_eq!(url, &format!("{}/v2/spaces", server.url));
        }
        other => panic!("expected EmptyPages, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("50 empty pages") && msg.contains("/v2/spaces"),
        "{msg}"
    );
    // At most the one prefetched request beyond the last page.
    assert!(server.count() <= max + 1, "{}", server.count());
}

#[tokio::test]
async fn has_more_without_a_cursor_is_an_error_after_the_page() {
    let server = ScriptedServer::start(|_, _| json_response(200, &page(3, true, None))).await;
    let got = collect(&server).await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].as_ref().unwrap().len(), 3);
    let err = got[1].as_ref().unwrap_err();
    assert!(matches!(err, Error::MissingCursor { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("has_more=true") && msg.contains("next_cursor") && msg.contains("/v2/spaces"),
        "{msg}"
    );
    assert_eq!(server.count(), 1);
    // An empty cursor string counts as missing.
    let server =
        ScriptedServer::start(|_, _| json_response(200, &page(1, true, Some(String::new())))).await;
    let got = collect(&server).await;
    assert!(matches!(
        got.last().unwrap(),
        Err(Error::MissingCursor { .. })
    ));
}

/// Name resolution and the user lookup scan every page; a page that says more follow but
/// gives no cursor must fail, not end the scan (a later page could hold the match or make
/// the name ambiguous).
#[tokio::test]
async fn name_scans_fail_on_has_more_without_a_cursor() {
    let server = ScriptedServer::start(|_, _| json_response(200, &page(1, true, None))).await;
    let c = client(&server.url);
    match crate::resolve::resolve_space(&c, "some space").await {
        Err(Error::MissingCursor { url }) => assert!(url.ends_with("/v2/spaces"), "{url}"),
        other => panic!("expected MissingCursor, got {other:?}"),
    }
    assert_eq!(server.count(), 1);

    let users = ScriptedServer::start(|_, _| {
        json_response(200, r#"{"users": [], "pagination": {"has_more": true}}"#)
    })
    .await;
    match crate::api::lookups::find_user_by_email(&client(&users.url), "a@b.c")
        .await
        .map(|u| u.0)
    {
        Err(Error::MissingCursor { url }) => assert!(url.ends_with("/v2/users"), "{url}"),
        other => panic!("expected MissingCursor, got {other:?}"),
    }
}

#[tokio::test]
async fn user_lookup_fails_on_a_repeated_cursor() {
    let server = ScriptedServer::start(|_, _| {
        json_response(
            200,
            r#"{"users": [], "pagination": {"has_more": true, "next_cursor": "same"}}"#,
        )
    })
    .await;
    match crate::api::lookups::find_user_by_email(&client(&server.url), "a@b.c")
        .await
        .map(|u| u.0)
    {
        Err(Error::RepeatedCursor { cursor, .. }) => assert_eq!(cursor, "same"),
        other => panic!("expected RepeatedCursor, got {other:?}"),
    }
    assert_eq!(server.count(), 2);
}
