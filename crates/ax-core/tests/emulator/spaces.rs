//! Every spaces operation against the emulator.

use ax_core::api::spaces::{self, CreateSpace, ListSpacesParams, SpaceUpdate};
use ax_core::model::{Patch, SpaceRole};
use ax_core::paginate::Resource;
use ax_core::Error;

use crate::common::Env;

#[tokio::test]
async fn create_get_update_delete_round_trip() {
    let env = Env::start().await;
    let c = &env.client;
    let acme = env.org_id("Acme AI");

    // Organization given by name is resolved.
    let created = spaces::create(
        c,
        &CreateSpace {
            name: "round-trip".into(),
            organization_id: "Acme AI".into(),
            description: Some("first".into()),
            is_private: Some(true),
        },
    )
    .await
    .unwrap();
    assert_eq!(created.name, "round-trip");
    assert_eq!(created.description.as_deref(), Some("first"));
    assert_eq!(created.organization_id.as_deref(), Some(acme.as_str()));
    assert!(ax_core::is_resource_id(&created.id));

    let by_name = spaces::get(c, "round-trip").await.unwrap();
    let by_id = spaces::get(c, &created.id).await.unwrap();
    assert_eq!(by_name, created);
    assert_eq!(by_id, created);

    let updated = spaces::update(
        c,
        "round-trip",
        &SpaceUpdate {
            name: Some("round-trip-2".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(updated.name, "round-trip-2");
    assert_eq!(
        updated.description.as_deref(),
        Some("first"),
        "description untouched when only the name changes"
    );

    let updated = spaces::update(
        c,
        &created.id,
        &SpaceUpdate {
            description: Patch::Value("second".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(updated.description.as_deref(), Some("second"));
    let cleared = spaces::update(
        c,
        &created.id,
        &SpaceUpdate {
            description: Patch::Null,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(cleared.description.as_deref().unwrap_or("").is_empty());

    // The old name is gone (the cache was invalidated by the rename).
    assert!(matches!(
        spaces::get(c, "round-trip").await,
        Err(Error::NameNotFound { .. })
    ));

    spaces::delete(c, "round-trip-2").await.unwrap();
    match spaces::get(c, &created.id).await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, 404);
            assert_eq!(e.method, "GET");
            assert!(e.url.contains("/v2/spaces/"), "{}", e.url);
        }
        other => panic!("expected 404, got {other:?}"),
    }
    assert!(matches!(
        spaces::get(c, "round-trip-2").await,
        Err(Error::NameNotFound { .. })
    ));
}

#[tokio::test]
async fn list_returns_arrow_and_items() {
    let env = Env::start().await;
    let page = spaces::list(&env.client, &ListSpacesParams::default())
        .await
        .unwrap();
    assert_eq!(page.batch.schema(), spaces::SpaceResource::schema());
    assert!(page.len() >= 6, "seeded spaces: {}", page.len());
    assert!(!page.has_more);
    let items = page.items().unwrap();
    assert_eq!(items.len(), page.len());
    let names: Vec<_> = items.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"staging"));

    // Filter by organization (by ID and by name) and by name substring.
    let globex = env.org_id("Globex Research");
    for org in [globex.as_str(), "Globex Research"] {
        let p = ListSpacesParams {
            organization_id: Some(org.into()),
            ..Default::default()
        };
        let items = spaces::list(&env.client, &p)
            .await
            .unwrap()
            .items()
            .unwrap();
        assert!(!items.is_empty());
        assert!(items
            .iter()
            .all(|s| s.organization_id.as_deref() == Some(globex.as_str())));
    }
    assert!(env.requests().iter().any(|r| r.query.contains("org_id=")));
    let p = ListSpacesParams {
        name: Some("PROD".into()),
        ..Default::default()
    };
    let items = spaces::list(&env.client, &p)
        .await
        .unwrap()
        .items()
        .unwrap();
    assert_eq!(items.len(), 2);

    // An empty result keeps the schema.
    let p = ListSpacesParams {
        name: Some("no-such-space-anywhere".into()),
        ..Default::default()
    };
    let page = spaces::list(&env.client, &p).await.unwrap();
    assert!(page.is_empty());
    assert_eq!(page.batch.schema(), spaces::SpaceResource::schema());
}

#[tokio::test]
async fn create_conflict_and_unknown_org() {
    let env = Env::start().await;
    let acme = env.org_id("Acme AI");
    let req = CreateSpace {
        name: "staging".into(),
        organization_id: acme,
        ..Default::default()
    };
    match spaces::create(&env.client, &req).await {
        Err(Error::Api(e)) => assert_eq!(e.status, 409),
        other => panic!("expected 409, got {other:?}"),
    }
    let req = CreateSpace {
        name: "x".into(),
        organization_id: "No Such Org".into(),
        ..Default::default()
    };
    match spaces::create(&env.client, &req).await {
        Err(Error::NameNotFound { resource_type, .. }) => assert_eq!(resource_type, "organization"),
        other => panic!("expected NameNotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn add_and_remove_user() {
    let env = Env::start().await;
    let c = &env.client;
    let sam = env.user_id("sam.spare@example.com");
    let m = spaces::add_user(c, "staging", &sam, &SpaceRole::parse("member").unwrap())
        .await
        .unwrap();
    assert_eq!(m.user_id, sam);
    assert_eq!(m.space_id, env.space_ids("staging")[0]);
    assert_eq!(
        m.role,
        SpaceRole::Predefined {
            name: "MEMBER".into()
        }
    );
    // Upsert: same user, new role.
    let m = spaces::add_user(c, "staging", &sam, &SpaceRole::parse("read-only").unwrap())
        .await
        .unwrap();
    assert_eq!(
        m.role,
        SpaceRole::Predefined {
            name: "READ_ONLY".into()
        }
    );
    // Lower-case predefined names given directly are normalized.
    let m = spaces::add_user(
        c,
        "staging",
        &sam,
        &SpaceRole::Predefined {
            name: "admin".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        m.role,
        SpaceRole::Predefined {
            name: "ADMIN".into()
        }
    );

    spaces::remove_user(c, "staging", &sam).await.unwrap();
    match spaces::remove_user(c, "staging", &sam).await {
        Err(Error::Api(e)) => assert_eq!(e.status, 404),
        other => panic!("expected 404, got {other:?}"),
    }
    // A user outside the space's organization → 400 from the server.
    let nora = env.user_id("nora.outsider@example.com");
    match spaces::add_user(c, "staging", &nora, &SpaceRole::parse("member").unwrap()).await {
        Err(Error::Api(e)) => assert_eq!(e.status, 400),
        other => panic!("expected 400, got {other:?}"),
    }
}

#[tokio::test]
async fn read_only_key_gets_403_on_delete() {
    let env = Env::start().await;
    let key = env.seed()["keys"]["read_only"].as_str().unwrap().to_owned();
    let c = crate::common::client_with(&env.emu, key, |_| {});
    let space = env.space_ids("staging")[0].clone();
    assert!(spaces::get(&c, &space).await.is_ok());
    match spaces::delete(&c, &space).await {
        Err(Error::Api(e)) => assert_eq!(e.status, 403),
        other => panic!("expected 403, got {other:?}"),
    }
}

#[tokio::test]
async fn validation_errors_send_no_request() {
    let env = Env::start().await;
    let c = &env.client;
    let before = env.requests().len();
    let field_of = |r: Result<(), Error>| match r {
        Err(Error::Validation { field, .. }) => field,
        other => panic!("expected a validation error, got {other:?}"),
    };
    let create = |name: &str, org: &str, desc: Option<String>| CreateSpace {
        name: name.into(),
        organization_id: org.into(),
        description: desc,
        is_private: None,
    };
    assert_eq!(
        field_of(
            spaces::create(c, &create("", "Acme AI", None))
                .await
                .map(|_| ())
        ),
        "name"
    );
    assert_eq!(
        field_of(
            spaces::create(c, &create(&"n".repeat(256), "Acme AI", None))
                .await
                .map(|_| ())
        ),
        "name"
    );
    assert_eq!(
        field_of(
            spaces::create(c, &create("ok", " ", None))
                .await
                .map(|_| ())
        ),
        "organization_id"
    );
    assert_eq!(
        field_of(
            spaces::create(c, &create("ok", "Acme AI", Some("d".repeat(1001))))
                .await
                .map(|_| ())
        ),
        "description"
    );
    assert_eq!(
        field_of(
            spaces::update(c, "staging", &SpaceUpdate::default())
                .await
                .map(|_| ())
        ),
        "name, description"
    );
    let empty_name = SpaceUpdate {
        name: Some(" ".into()),
        ..Default::default()
    };
    assert_eq!(
        field_of(spaces::update(c, "staging", &empty_name).await.map(|_| ())),
        "name"
    );
    let bad_role = SpaceRole::Predefined {
        name: "OWNER".into(),
    };
    assert_eq!(
        field_of(
            spaces::add_user(c, "staging", "VXNlcjoxOmFh", &bad_role)
                .await
                .map(|_| ())
        ),
        "role"
    );
    let member = SpaceRole::parse("member").unwrap();
    assert_eq!(
        field_of(
            spaces::add_user(c, "staging", "", &member)
                .await
                .map(|_| ())
        ),
        "user_id"
    );
    assert_eq!(
        field_of(spaces::remove_user(c, "staging", "").await),
        "user_id"
    );
    assert_eq!(field_of(spaces::get(c, "").await.map(|_| ())), "space");
    for limit in [0, 101] {
        let p = ListSpacesParams {
            limit: Some(limit),
            ..Default::default()
        };
        assert_eq!(field_of(spaces::list(c, &p).await.map(|_| ())), "limit");
        assert_eq!(field_of(spaces::list_all(c, p).await.map(|_| ())), "limit");
    }
    let p = ListSpacesParams {
        cursor: Some(String::new()),
        ..Default::default()
    };
    assert_eq!(field_of(spaces::list(c, &p).await.map(|_| ())), "cursor");
    assert_eq!(
        env.requests().len(),
        before,
        "no request may be sent for invalid input"
    );
}
