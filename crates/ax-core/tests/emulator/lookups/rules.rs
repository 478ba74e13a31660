//! Input checks before any request, and what a restricted key may read.

use super::*;

#[tokio::test]
async fn bad_input_is_rejected_before_any_request() {
    let env = Env::start().await;
    let c = &env.client;
    let lim = |n: u32| params(|p| p.limit = Some(n));

    // Page sizes, on list and on the page stream.
    for n in [0, 101] {
        assert_eq!(
            field(lookups::list::<Organizations>(c, &lim(n)).await),
            "limit"
        );
        assert_eq!(field(lookups::list::<Users>(c, &lim(n)).await), "limit");
        assert_eq!(field(lookups::list::<Projects>(c, &lim(n)).await), "limit");
        assert_eq!(field(walk::<Datasets>(c, lim(n)).await), "limit");
        assert_eq!(field(walk::<Experiments>(c, lim(n)).await), "limit");
        assert_eq!(field(walk::<Evaluators>(c, lim(n)).await), "limit");
        assert_eq!(
            field(lookups::list::<AiIntegrations>(c, &lim(n)).await),
            "limit"
        );
        assert_eq!(
            field(lookups::list_versions(c, "hallucination", Some(SPACE), Some(n), None).await),
            "limit"
        );
        let s: ax_core::Result<Vec<Page<EvaluatorVersions>>> =
            lookups::list_versions_pages(c, "hallucination".into(), Some(SPACE.into()), Some(n))
                .try_collect()
                .await;
        assert_eq!(field(s), "limit");
    }
    assert_eq!(
        field(lookups::list::<Projects>(c, &params(|p| p.cursor = Some(" ".into()))).await),
        "cursor"
    );

    // Filters a resource does not take.
    let space = || params(|p| p.space = Some(SPACE.into()));
    assert_eq!(
        field(lookups::list::<Organizations>(c, &space()).await),
        "space"
    );
    assert_eq!(field(lookups::list::<Users>(c, &space()).await), "space");
    assert_eq!(
        field(lookups::list::<Users>(c, &params(|p| p.name = Some("ada".into()))).await),
        "name"
    );
    assert_eq!(
        field(lookups::list::<Organizations>(c, &params(|p| p.email = Some("a@b".into()))).await),
        "email"
    );
    assert_eq!(
        field(walk::<Projects>(c, params(|p| p.status = Some(vec!["ACTIVE".into()]))).await),
        "status"
    );
    assert_eq!(
        field(lookups::list::<Datasets>(c, &params(|p| p.dataset = Some(DATASET.into()))).await),
        "dataset"
    );
    assert_eq!(
        field(lookups::list::<Experiments>(c, &params(|p| p.name = Some("base".into()))).await),
        "name"
    );
    assert_eq!(
        field(lookups::list::<Users>(c, &params(|p| p.status = Some(vec!["GONE".into()]))).await),
        "status"
    );
    assert_eq!(
        field(lookups::list::<Users>(c, &params(|p| p.email = Some("x".repeat(256)))).await),
        "email"
    );

    // Empty idents.
    let none = GetParams::default();
    assert_eq!(
        field(lookups::get::<Organizations>(c, "", &none).await),
        "organization"
    );
    assert_eq!(
        field(lookups::get::<Projects>(c, "  ", &in_space(SPACE)).await),
        "project"
    );
    assert_eq!(
        field(lookups::get::<Datasets>(c, "", &in_space(SPACE)).await),
        "dataset"
    );
    assert_eq!(
        field(lookups::get::<Experiments>(c, "", &in_space(SPACE)).await),
        "experiment"
    );
    assert_eq!(
        field(lookups::get::<Evaluators>(c, "", &in_space(SPACE)).await),
        "evaluator"
    );
    assert_eq!(
        field(lookups::get::<AiIntegrations>(c, "", &in_space(SPACE)).await),
        "AI integration"
    );
    assert_eq!(field(lookups::get_user(c, "").await), "user");
    assert_eq!(
        field(lookups::find_user_by_email(c, " ").await.map(|u| u.0)),
        "email"
    );
    assert_eq!(field(lookups::get_version(c, "").await), "version_id");
    assert_eq!(
        field(lookups::list_versions(c, "", Some(SPACE), None, None).await),
        "evaluator"
    );

    // Names without the space (or dataset) they need.
    assert_eq!(
        field(lookups::get::<Projects>(c, PROJECT, &none).await),
        "space"
    );
    assert_eq!(
        field(lookups::get::<Datasets>(c, DATASET, &none).await),
        "space"
    );
    assert_eq!(
        field(lookups::get::<Evaluators>(c, "hallucination", &none).await),
        "space"
    );
    assert_eq!(
        field(lookups::get::<AiIntegrations>(c, INTEGRATION, &none).await),
        "space"
    );
    assert_eq!(
        field(lookups::list_versions(c, "hallucination", None, None, None).await),
        "space"
    );
    let e = lookups::get::<Projects>(c, PROJECT, &none).await;
    match e {
        Err(Error::Validation { message, .. }) => assert!(
            message.contains("'support-bot'") && message.contains("project ID"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        field(lookups::get::<Experiments>(c, "baseline", &none).await),
        "dataset"
    );
    let dataset_name_only = GetParams {
        dataset: Some(DATASET.into()),
        ..Default::default()
    };
    assert_eq!(
        field(lookups::get::<Experiments>(c, "baseline", &dataset_name_only).await),
        "space"
    );
    assert_eq!(
        field(walk::<Experiments>(c, params(|p| p.dataset = Some(DATASET.into()))).await),
        "space"
    );
    assert_eq!(
        field(lookups::get::<Projects>(c, PROJECT, &in_space("")).await),
        "space"
    );
    // Evaluator versions are got by ID only; an empty version_id is refused.
    assert_eq!(
        field(lookups::get_version(c, "v1").await),
        "evaluator version"
    );
    assert_eq!(
        field(
            lookups::get::<Evaluators>(
                c,
                "hallucination",
                &GetParams {
                    space: Some(SPACE.into()),
                    version_id: Some(" ".into()),
                    ..Default::default()
                }
            )
            .await
        ),
        "version_id"
    );
    // Get parameters the resource does not take.
    let version = GetParams {
        version_id: Some("RXZhbHVhdG9yVmVyc2lvbjoxOkFBQUE=".into()),
        ..Default::default()
    };
    assert_eq!(
        field(lookups::get::<Projects>(c, UNKNOWN_ID, &version).await),
        "version_id"
    );
    assert_eq!(
        field(
            lookups::get::<Datasets>(
                c,
                DATASET,
                &GetParams {
                    space: Some(SPACE.into()),
                    dataset: Some(DATASET.into()),
                    ..Default::default()
                }
            )
            .await
        ),
        "dataset"
    );
    assert_eq!(
        field(lookups::get::<Organizations>(c, "Acme AI", &in_space(SPACE)).await),
        "space"
    );

    assert!(env.requests().is_empty(), "{:?}", env.requests());
}

#[tokio::test]
async fn a_restricted_key_neither_gets_nor_lists_what_it_cannot_read() {
    let env = Env::start().await;
    let staging = env.space_id(SPACE);
    let globex_prod: Vec<String> = env.seed()["spaces"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            s["name"] == "production"
                && s["organization_id"] == env.org_id("Globex Research").as_str()
        })
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    let otto = client_with(&env.emu, "emulator-org2-key", |_| {});
    let o = &otto;
    let none = GetParams::default();

    // Otto sees Globex only: its two spaces' content, nothing of Acme.
    let orgs = check_listing::<Organizations>(o, &ListParams::default(), 1).await;
    assert_eq!(orgs, vec![env.org_id("Globex Research")]);
    assert_eq!(
        status(lookups::get::<Organizations>(o, &env.org_id("Acme AI"), &none).await),
        Some(404)
    );
    not_found(
        lookups::get::<Organizations>(o, "Acme AI", &none).await,
        "organization",
        "Acme AI",
        &[],
    );
    let projects = check_listing::<Projects>(o, &ListParams::default(), 1).await;
    assert_eq!(projects.len(), 2);
    assert!(!projects.contains(&env.seeded("projects", &staging, PROJECT)));
    let staged =
        check_listing::<Projects>(o, &params(|p| p.space = Some(staging.clone())), 1).await;
    assert!(staged.is_empty());
    for (kind, get) in [
        (
            "projects",
            lookups::get::<Projects>(o, &env.seeded("projects", &staging, PROJECT), &none).await,
        ),
        (
            "datasets",
            lookups::get::<Datasets>(o, &env.seeded("datasets", &staging, DATASET), &none).await,
        ),
        (
            "experiments",
            lookups::get::<Experiments>(o, &env.seeded("experiments", &staging, "baseline"), &none)
                .await,
        ),
        (
            "evaluators",
            lookups::get::<Evaluators>(
                o,
                &env.seeded("evaluators", &staging, TEMPLATE_EVALUATOR),
                &none,
            )
            .await,
        ),
        (
            "ai_integrations",
            lookups::get::<AiIntegrations>(
                o,
                &env.seeded("ai_integrations", &staging, INTEGRATION),
                &none,
            )
            .await,
        ),
    ] {
        assert_eq!(status(get), Some(404), "{kind}");
    }
    let template = env.seeded("evaluators", &staging, TEMPLATE_EVALUATOR);
    assert_eq!(
        status(lookups::get_version(o, &evaluator_versions(&env, &template)[0]).await),
        Some(404)
    );
    assert_eq!(
        status(lookups::list_versions(o, &template, None, None, None).await),
        Some(404)
    );
    let evaluators = check_listing::<Evaluators>(o, &ListParams::default(), 3).await;
    assert_eq!(evaluators.len(), 4);
    assert!(!evaluators.contains(&template));
    let experiments = check_listing::<Experiments>(
        o,
        &params(|p| p.dataset = Some(env.seeded("datasets", &staging, DATASET))),
        1,
    )
    .await;
    assert!(experiments.is_empty());
    // A space name Otto cannot see is unknown to him; `production` is unique for him.
    not_found(
        lookups::get::<Projects>(o, PROJECT, &in_space(SPACE)).await,
        "space",
        SPACE,
        &[],
    );
    let prod = lookups::get::<Projects>(o, PROJECT, &in_space("production"))
        .await
        .unwrap();
    assert_eq!(prod["space_id"].as_str(), Some(globex_prod[0].as_str()));
    // Users sharing no organization with Otto are invisible.
    let max = env.user_id("max.member@example.com");
    assert_eq!(status(lookups::get_user(o, &max).await), Some(404));
    assert!(lookups::get_user(o, "max.member@example.com")
        .await
        .unwrap()
        .is_none());
    let seen = check_listing::<Users>(o, &ListParams::default(), 1).await;
    assert!(seen.contains(&env.user_id("otto.globex@example.com")));
    assert!(!seen.contains(&max));

    // A key holding only READ_ONLY in `playground` reads exactly that space.
    let playground = env.space_id("playground");
    let key = env
        .emu
        .control()
        .key_for_space_role(&playground, "READ_ONLY")
        .unwrap();
    let reader = client_with(&env.emu, key, |_| {});
    let r = &reader;
    let projects = check_listing::<Projects>(r, &ListParams::default(), 1).await;
    assert_eq!(projects, vec![env.seeded("projects", &playground, PROJECT)]);
    let got = lookups::get::<Evaluators>(r, CODE_EVALUATOR, &in_space("playground"))
        .await
        .unwrap();
    assert_eq!(got["space_id"].as_str(), Some(playground.as_str()));
    assert_eq!(
        status(lookups::get::<Evaluators>(r, &template, &none).await),
        Some(404)
    );

    // Nora belongs to no organization: empty lists, 404s, only herself among users.
    let nora = client_with(&env.emu, "emulator-outsider-key", |_| {});
    let n = &nora;
    assert!(check_listing::<Organizations>(n, &ListParams::default(), 1)
        .await
        .is_empty());
    assert!(check_listing::<Projects>(n, &ListParams::default(), 1)
        .await
        .is_empty());
    assert!(
        check_listing::<AiIntegrations>(n, &ListParams::default(), 2)
            .await
            .is_empty()
    );
    assert!(check_listing::<Experiments>(n, &ListParams::default(), 2)
        .await
        .is_empty());
    assert_eq!(
        status(
            lookups::get::<Datasets>(n, &env.seeded("datasets", &globex_prod[0], DATASET), &none)
                .await
        ),
        Some(404)
    );
    let me = check_listing::<Users>(n, &ListParams::default(), 1).await;
    assert_eq!(me, vec![env.user_id("nora.outsider@example.com")]);
    assert!(lookups::get_user(n, "ada.admin@example.com")
        .await
        .unwrap()
        .is_none());
}
