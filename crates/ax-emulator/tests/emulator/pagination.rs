//! Cursor pagination.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::common::*;

async fn create_spaces(api: &Api, n: usize, prefix: &str) -> Vec<String> {
    let org = api.org_id("Acme AI");
    let mut ids = Vec::new();
    for i in 0..n {
        let r = api
            .post(
                ADMIN,
                "/v2/spaces",
                &json!({"name": format!("{prefix}-{i:02}"), "organization_id": org}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    ids
}

/// Follows cursors from `first`; returns (ids, page sizes).
async fn walk(api: &Api, first: &str) -> (Vec<String>, Vec<usize>) {
    let mut ids = Vec::new();
    let mut sizes = Vec::new();
    let mut path = first.to_owned();
    loop {
        let r = api.get(ADMIN, &path).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let page = r.body["spaces"].as_array().unwrap();
        sizes.push(page.len());
        ids.extend(page.iter().map(|s| s["id"].as_str().unwrap().to_owned()));
        let p = &r.body["pagination"];
        if p["has_more"] == false {
            assert!(
                p.get("next_cursor").is_none(),
                "next_cursor must be absent: {p}"
            );
            break;
        }
        let cursor = p["next_cursor"].as_str().unwrap();
        let sep = if first.contains('?') { '&' } else { '?' };
        path = format!("{first}{sep}cursor={cursor}");
        assert!(sizes.len() < 20, "runaway pagination");
    }
    (ids, sizes)
}

#[tokio::test]
async fn three_pages_nothing_lost_or_repeated() {
    let api = start_empty().await;
    let ids = create_spaces(&api, 7, "page").await;
    let (seen, sizes) = walk(&api, "/v2/spaces?limit=3").await;
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!(seen, ids);
    // Exact multiple of the page size: no trailing empty page.
    let (seen, sizes) = walk(&api, "/v2/spaces?limit=7").await;
    assert_eq!(sizes, [7]);
    assert_eq!(seen, ids);
    // Filtered walk.
    let (seen, sizes) = walk(&api, "/v2/spaces?name=PAGE-0&limit=2").await;
    assert_eq!(sizes, [2, 2, 2, 1]);
    assert_eq!(seen, ids);
    // Default limit is 50.
    create_spaces(&api, 50, "more").await;
    let (seen, sizes) = walk(&api, "/v2/spaces").await;
    assert_eq!(sizes, [50, 7]);
    assert_eq!(seen.len(), 57);
}

#[tokio::test]
async fn deleting_between_pages_skips_nothing() {
    let api = start_empty().await;
    let ids = create_spaces(&api, 6, "del").await;
    let r = api.get(ADMIN, "/v2/spaces?limit=3").await;
    let cursor = r.body["pagination"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    // Delete two rows already handed out.
    api.delete(ADMIN, &format!("/v2/spaces/{}", ids[0])).await;
    api.delete(ADMIN, &format!("/v2/spaces/{}", ids[2])).await;
    let r = api
        .get(ADMIN, &format!("/v2/spaces?limit=3&cursor={cursor}"))
        .await;
    let got: Vec<&str> = r.body["spaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(got, [ids[3].as_str(), ids[4].as_str(), ids[5].as_str()]);
}

#[tokio::test]
async fn bad_cursors_and_limits_are_400() {
    let api = start_empty().await;
    create_spaces(&api, 4, "c").await;
    let r = api.get(ADMIN, "/v2/spaces?limit=2").await;
    let cursor = r.body["pagination"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        api.get(ADMIN, &format!("/v2/spaces?limit=2&cursor={cursor}"))
            .await
            .status,
        200
    );
    // The limit may change between pages.
    assert_eq!(
        api.get(ADMIN, &format!("/v2/spaces?limit=1&cursor={cursor}"))
            .await
            .status,
        200
    );
    // Tampered: flip one bit of the position.
    let mut raw = URL_SAFE_NO_PAD.decode(&cursor).unwrap();
    raw[1] ^= 0x01;
    let tampered = URL_SAFE_NO_PAD.encode(&raw);
    let r = api
        .get(ADMIN, &format!("/v2/spaces?limit=2&cursor={tampered}"))
        .await;
    r.assert_problem(400);
    assert_eq!(r.body["title"], "Invalid request parameters");
    // Malformed, truncated.
    for c in ["garbage!!", "abc", &cursor[..cursor.len() - 2]] {
        api.get(ADMIN, &format!("/v2/spaces?cursor={c}"))
            .await
            .assert_problem(400);
    }
    // Cross-filter and cross-list.
    api.get(ADMIN, &format!("/v2/spaces?name=c&cursor={cursor}"))
        .await
        .assert_problem(400);
    api.get(ADMIN, &format!("/v2/organizations?cursor={cursor}"))
        .await
        .assert_problem(400);
    // Another emulator's cursor.
    let other = start_empty().await;
    create_spaces(&other, 4, "c").await;
    other
        .get(ADMIN, &format!("/v2/spaces?limit=2&cursor={cursor}"))
        .await
        .assert_problem(400);
    // Limits.
    for l in ["0", "101", "-1", "abc", "1.5", ""] {
        api.get(ADMIN, &format!("/v2/spaces?limit={l}"))
            .await
            .assert_problem(400);
    }
    for l in ["1", "100"] {
        assert_eq!(
            api.get(ADMIN, &format!("/v2/spaces?limit={l}"))
                .await
                .status,
            200
        );
    }
    api.get(ADMIN, "/v2/users?limit=0")
        .await
        .assert_problem(400);
    api.get(ADMIN, "/v2/organizations?limit=1000")
        .await
        .assert_problem(400);
}

#[tokio::test]
async fn empty_page_shape() {
    let api = start_empty().await;
    let r = api.get(ADMIN, "/v2/spaces").await;
    assert_eq!(r.status, 200);
    let expected: Value = json!({"spaces": [], "pagination": {"has_more": false}});
    assert_eq!(r.body, expected);
    assert_eq!(r.text, r#"{"spaces":[],"pagination":{"has_more":false}}"#);
}
