//! Name resolution against the seeded data.

use ax_core::api::spaces::{self, CreateSpace};
use ax_core::resolve::{self, resolve_in_space, resolve_organization, resolve_space, TASK};
use ax_core::Error;

use crate::common::Env;

#[tokio::test]
async fn an_id_is_used_as_is_without_a_request() {
    let env = Env::start().await;
    let before = env.requests().len();
    let id = "U3BhY2U6OTk5OlphWmE=";
    assert_eq!(resolve_space(&env.client, id).await.unwrap(), id);
    assert_eq!(
        resolve_in_space(&env.client, &TASK, None, "T25saW5lVGFzazo5MDA6Wng3Yw==")
            .await
            .unwrap(),
        "T25saW5lVGFzazo5MDA6Wng3Yw=="
    );
    assert_eq!(env.requests().len(), before);
}

#[tokio::test]
async fn a_unique_name_resolves_and_is_cached() {
    let env = Env::start().await;
    let want = env.space_ids("staging");
    assert_eq!(want.len(), 1);
    assert_eq!(
        resolve_space(&env.client, "staging").await.unwrap(),
        want[0]
    );
    let lookups = env.count("GET", "/v2/spaces");
    assert_eq!(
        resolve_space(&env.client, "staging").await.unwrap(),
        want[0]
    );
    assert_eq!(
        env.count("GET", "/v2/spaces"),
        lookups,
        "second lookup comes from the cache"
    );
    let q = env
        .requests()
        .into_iter()
        .find(|r| r.path == "/v2/spaces")
        .unwrap()
        .query;
    assert!(q.contains("name=staging") && q.contains("limit=100"), "{q}");

    assert_eq!(
        resolve_organization(&env.client, "Acme AI").await.unwrap(),
        env.org_id("Acme AI")
    );
}

#[tokio::test]
async fn the_same_name_in_two_organizations_is_ambiguous() {
    let env = Env::start().await;
    let mut want = env.space_ids("production");
    assert_eq!(want.len(), 2);
    match resolve_space(&env.client, "production").await {
        Err(e @ Error::AmbiguousName { .. }) => {
            let text = e.to_string();
            if let Error::AmbiguousName {
                resource_type,
                resource_name,
                mut matching_ids,
            } = e
            {
                assert_eq!(
                    (resource_type.as_str(), resource_name.as_str()),
                    ("space", "production")
                );
                matching_ids.sort();
                want.sort();
                assert_eq!(matching_ids, want);
            }
            assert!(
                text.starts_with(
                    "Multiple spaces named 'production' found. Use a space ID to disambiguate."
                ),
                "{text}"
            );
        }
        other => panic!("expected AmbiguousName, got {other:?}"),
    }
    // `get` by that name fails the same way; by ID it works.
    assert!(matches!(
        spaces::get(&env.client, "production").await,
        Err(Error::AmbiguousName { .. })
    ));
    assert_eq!(
        spaces::get(&env.client, &want[0]).await.unwrap().name,
        "production"
    );
}

#[tokio::test]
async fn a_missing_name_lists_the_candidates() {
    let env = Env::start().await;
    match resolve_space(&env.client, "prod").await {
        Err(e @ Error::NameNotFound { .. }) => {
            assert_eq!(
                e.to_string(),
                "space 'prod' not found. Available spaces: production"
            );
        }
        other => panic!("expected NameNotFound, got {other:?}"),
    }
    match resolve_space(&env.client, "Staging").await {
        Err(Error::NameNotFound {
            available_names, ..
        }) => assert_eq!(available_names, vec!["staging".to_owned()]),
        other => panic!("expected NameNotFound (case-sensitive), got {other:?}"),
    }
    match resolve_space(&env.client, "zzz-nothing").await {
        Err(e) => assert_eq!(e.to_string(), "space 'zzz-nothing' not found."),
        Ok(id) => panic!("resolved to {id}"),
    }
}

#[tokio::test]
async fn a_scoped_name_without_a_space_fails_before_any_request() {
    let env = Env::start().await;
    let before = env.requests().len();
    match resolve_in_space(&env.client, &TASK, None, "my-task").await {
        Err(e @ Error::NameNotFound { .. }) => assert_eq!(
            e.to_string(),
            "task 'my-task' not found. Provide 'space' so the task name can be resolved, or provide the task ID instead of the name."
        ),
        other => panic!("expected NameNotFound, got {other:?}"),
    }
    assert_eq!(env.requests().len(), before);
}

#[tokio::test]
async fn the_cache_forgets_deleted_and_new_spaces() {
    let env = Env::start().await;
    let c = &env.client;
    let acme = env.org_id("Acme AI");
    let globex = env.org_id("Globex Research");
    let a = spaces::create(
        c,
        &CreateSpace {
            name: "cached".into(),
            organization_id: acme,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(resolve_space(c, "cached").await.unwrap(), a.id);
    // A second space with the same name (other org) makes the name ambiguous at once.
    let b = spaces::create(
        c,
        &CreateSpace {
            name: "cached".into(),
            organization_id: globex,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(matches!(
        resolve_space(c, "cached").await,
        Err(Error::AmbiguousName { .. })
    ));
    spaces::delete(c, &b.id).await.unwrap();
    assert_eq!(resolve_space(c, "cached").await.unwrap(), a.id);
    spaces::delete(c, "cached").await.unwrap();
    assert!(matches!(
        resolve_space(c, "cached").await,
        Err(Error::NameNotFound { .. })
    ));
    resolve::invalidate_name(c, &resolve::SPACE, "cached");
}
