//! List, get and errors of each lookup resource.

use super::*;

#[tokio::test]
async fn organizations_list_get_and_errors() {
    let env = Env::start().await;
    let c = &env.client;
    let all = check_listing::<Organizations>(c, &ListParams::default(), 1).await;
    assert_eq!(
        all,
        vec![env.org_id("Acme AI"), env.org_id("Globex Research")]
    );
    let acme =
        check_listing::<Organizations>(c, &params(|p| p.name = Some("ACME".into())), 1).await;
    assert_eq!(acme, vec![env.org_id("Acme AI")]);
    assert!(last_query(&env, "/v2/organizations").contains("name=ACME"));
    let none = check_listing::<Organizations>(c, &params(|p| p.name = Some("zzz".into())), 2).await;
    assert!(none.is_empty());

    let by_id =
        lookups::get::<Organizations>(c, &env.org_id("Globex Research"), &GetParams::default())
            .await
            .unwrap();
    assert_eq!(by_id["name"], "Globex Research");
    let by_name = lookups::get::<Organizations>(c, "Globex Research", &GetParams::default())
        .await
        .unwrap();
    assert_eq!(by_name, by_id);
    let text = not_found(
        lookups::get::<Organizations>(c, "Acme", &GetParams::default()).await,
        "organization",
        "Acme",
        &["Acme AI"],
    );
    assert_eq!(
        text,
        "organization 'Acme' not found. Available organizations: Acme AI"
    );
    let text = not_found(
        lookups::get::<Organizations>(c, "Initech", &GetParams::default()).await,
        "organization",
        "Initech",
        &[],
    );
    assert_eq!(text, "organization 'Initech' not found.");
    assert_eq!(
        status(lookups::get::<Organizations>(c, UNKNOWN_ID, &GetParams::default()).await),
        Some(404)
    );
}

#[tokio::test]
async fn users_list_get_by_id_and_email() {
    let env = Env::start().await;
    let c = &env.client;
    let users = seeded_list(&env, "users");
    let all = check_listing::<Users>(c, &ListParams::default(), 2).await;
    let seeded: Vec<String> = users
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(all, seeded, "every user, oldest first");
    let by_email =
        check_listing::<Users>(c, &params(|p| p.email = Some("EXAMPLE.com".into())), 3).await;
    assert_eq!(by_email, seeded);
    let invited = check_listing::<Users>(
        c,
        &params(|p| p.status = Some(vec!["invited".into(), "Expired".into()])),
        1,
    )
    .await;
    assert_eq!(
        invited,
        vec![
            env.user_id("ivy.invited@example.com"),
            env.user_id("eli.expired@example.com")
        ]
    );
    let q = last_query(&env, "/v2/users");
    assert!(
        q.contains("status=INVITED") && q.contains("status=EXPIRED"),
        "{q}"
    );
    let nobody = check_listing::<Users>(c, &params(|p| p.email = Some("nobody@".into())), 1).await;
    assert!(nobody.is_empty());

    let ada = env.user_id("ada.admin@example.com");
    let by_id = lookups::get_user(c, &ada).await.unwrap().unwrap();
    assert_eq!(by_id["email"], "ada.admin@example.com");
    assert_eq!(by_id["role"]["name"], "ADMIN");
    let by_mail = lookups::get_user(c, "ADA.Admin@Example.COM")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_mail, by_id);
    assert!(lookups::get_user(c, "ada@example.com")
        .await
        .unwrap()
        .is_none());
    assert!(lookups::get_user(c, "nobody@nowhere.test")
        .await
        .unwrap()
        .is_none());
    // The generic get takes an ID or an e-mail too.
    let max = lookups::get::<Users>(c, "Max.Member@example.com", &GetParams::default())
        .await
        .unwrap();
    assert_eq!(id_of(&max), env.user_id("max.member@example.com"));
    let found = lookups::find_user_by_email(c, "rita.reader@EXAMPLE.com")
        .await
        .unwrap();
    assert_eq!(found.id(), env.user_id("rita.reader@example.com"));
    not_found(
        lookups::find_user_by_email(c, "max").await.map(|u| u.0),
        "user",
        "max",
        &["max.member@example.com"],
    );
    assert_eq!(
        status(lookups::get_user(c, "VXNlcjo5OTk5OTpYWFhY").await),
        Some(404)
    );
    // Query characters in an address are sent encoded.
    let plus = env
        .emu
        .control()
        .create_user(
            "Pat Plus",
            "pat+tag&x=1@example.com",
            "MEMBER",
            &[env.org_id("Acme AI")],
        )
        .unwrap();
    let got = lookups::get_user(c, "PAT+tag&x=1@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(id_of(&got), plus);
    assert!(lookups::get_user(c, "pat tag&x=1@example.com")
        .await
        .unwrap()
        .is_none());
    // Annotators may not list users: the 403 is not an unknown e-mail.
    let ann = client_with(&env.emu, "emulator-annotator-key", |_| {});
    assert_eq!(
        status(lookups::get_user(&ann, "ann.annotator@example.com").await),
        Some(403)
    );
    let own = lookups::get_user(&ann, &env.user_id("ann.annotator@example.com"))
        .await
        .unwrap();
    assert_eq!(own.unwrap()["email"], "ann.annotator@example.com");
}

#[tokio::test]
async fn projects_list_get_and_errors() {
    let env = Env::start().await;
    let c = &env.client;
    let staging = env.space_id(SPACE);
    let project = env.seeded("projects", &staging, PROJECT);
    let all = check_listing::<Projects>(c, &ListParams::default(), 1).await;
    assert_eq!(all.len(), env.seed()["spaces"].as_array().unwrap().len());
    let by_name = check_listing::<Projects>(c, &params(|p| p.space = Some(SPACE.into())), 1).await;
    assert_eq!(by_name, vec![project.clone()]);
    assert!(last_query(&env, "/v2/projects").contains("space_name=staging"));
    let by_id = check_listing::<Projects>(c, &params(|p| p.space = Some(staging.clone())), 1).await;
    assert_eq!(by_id, vec![project.clone()]);
    assert!(last_query(&env, "/v2/projects").contains("space_id="));
    // A space name on a list is a substring filter: both `production` spaces match.
    let prod =
        check_listing::<Projects>(c, &params(|p| p.space = Some("production".into())), 1).await;
    assert_eq!(prod.len(), 2);
    let none = check_listing::<Projects>(
        c,
        &params(|p| {
            p.space = Some(SPACE.into());
            p.name = Some("zzz".into());
        }),
        2,
    )
    .await;
    assert!(none.is_empty());

    let got = lookups::get::<Projects>(c, &project, &GetParams::default())
        .await
        .unwrap();
    assert_eq!(
        (got["name"].as_str(), got["space_id"].as_str()),
        (Some(PROJECT), Some(staging.as_str()))
    );
    assert_eq!(got["project_type"], "APPLICATION");
    assert_eq!(
        lookups::get::<Projects>(c, PROJECT, &in_space(SPACE))
            .await
            .unwrap(),
        got
    );
    assert_eq!(
        lookups::get::<Projects>(c, PROJECT, &in_space(&staging))
            .await
            .unwrap(),
        got
    );
    // An ID needs no space; a given space is not consulted.
    assert_eq!(
        lookups::get::<Projects>(c, &project, &in_space("playground"))
            .await
            .unwrap(),
        got
    );
    let text = not_found(
        lookups::get::<Projects>(c, "support", &in_space(SPACE)).await,
        "project",
        "support",
        &[PROJECT],
    );
    assert_eq!(
        text,
        "project 'support' not found. Available projects: support-bot"
    );
    ambiguous_space(
        &env,
        lookups::get::<Projects>(c, PROJECT, &in_space("production")).await,
    );
    not_found(
        lookups::get::<Projects>(c, PROJECT, &in_space("nowhere")).await,
        "space",
        "nowhere",
        &[],
    );
    assert_eq!(
        status(lookups::get::<Projects>(c, UNKNOWN_ID, &GetParams::default()).await),
        Some(404)
    );
}

#[tokio::test]
async fn datasets_list_get_with_versions() {
    let env = Env::start().await;
    let c = &env.client;
    let staging = env.space_id(SPACE);
    let dataset = env.seeded("datasets", &staging, DATASET);
    let all = check_listing::<Datasets>(c, &ListParams::default(), 2).await;
    assert_eq!(all.len(), env.seed()["spaces"].as_array().unwrap().len());
    assert!(all.contains(&dataset));
    let mine = check_listing::<Datasets>(
        c,
        &params(|p| {
            p.space = Some(staging.clone());
            p.name = Some("GOLDEN".into());
        }),
        1,
    )
    .await;
    assert_eq!(mine, vec![dataset.clone()]);
    let none = check_listing::<Datasets>(c, &params(|p| p.name = Some("silver".into())), 1).await;
    assert!(none.is_empty());
    // The list has no versions.
    let page = lookups::list::<Datasets>(c, &params(|p| p.space = Some(staging.clone())))
        .await
        .unwrap();
    assert!(page.items().unwrap()[0].get("versions").is_none());

    let got = lookups::get::<Datasets>(c, DATASET, &in_space(SPACE))
        .await
        .unwrap();
    assert_eq!(id_of(&got), dataset);
    let versions: Vec<&str> = got["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(versions, vec!["v2", "v1"], "newest first");
    assert_eq!(
        lookups::get::<Datasets>(c, &dataset, &GetParams::default())
            .await
            .unwrap(),
        got
    );
    let text = not_found(
        lookups::get::<Datasets>(c, "golden", &in_space(SPACE)).await,
        "dataset",
        "golden",
        &[DATASET],
    );
    assert_eq!(
        text,
        "dataset 'golden' not found. Available datasets: golden-questions"
    );
    ambiguous_space(
        &env,
        lookups::get::<Datasets>(c, DATASET, &in_space("production")).await,
    );
}

#[tokio::test]
async fn experiments_by_dataset_and_by_space() {
    let env = Env::start().await;
    let c = &env.client;
    let staging = env.space_id(SPACE);
    let dataset = env.seeded("datasets", &staging, DATASET);
    let baseline = env.seeded("experiments", &staging, "baseline");
    let candidate = env.seeded("experiments", &staging, "candidate");
    let all = check_listing::<Experiments>(c, &ListParams::default(), 5).await;
    assert_eq!(
        all.len(),
        2 * env.seed()["spaces"].as_array().unwrap().len()
    );

    let by_dataset_name = check_listing::<Experiments>(
        c,
        &params(|p| {
            p.dataset = Some(DATASET.into());
            p.space = Some(SPACE.into());
        }),
        1,
    )
    .await;
    let q = last_query(&env, "/v2/experiments");
    assert!(q.contains("dataset_id=") && !q.contains("space"), "{q}");
    let mut two = by_dataset_name.clone();
    two.sort();
    let mut want = vec![baseline.clone(), candidate.clone()];
    want.sort();
    assert_eq!(two, want);
    let by_dataset_id =
        check_listing::<Experiments>(c, &params(|p| p.dataset = Some(dataset.clone())), 1).await;
    assert_eq!(by_dataset_id, by_dataset_name);
    let by_space =
        check_listing::<Experiments>(c, &params(|p| p.space = Some(SPACE.into())), 1).await;
    assert_eq!(by_space, by_dataset_name);
    let q = last_query(&env, "/v2/experiments");
    assert!(q.contains("space_id=") && !q.contains("space_name"), "{q}");
    // Experiments resolve the space exactly: an ambiguous or unknown name fails.
    ambiguous_space(
        &env,
        lookups::list::<Experiments>(c, &params(|p| p.space = Some("production".into()))).await,
    );
    ambiguous_space(
        &env,
        walk::<Experiments>(c, params(|p| p.space = Some("production".into()))).await,
    );
    not_found(
        lookups::list::<Experiments>(c, &params(|p| p.space = Some("stag".into()))).await,
        "space",
        "stag",
        &["staging"],
    );
    // An unknown dataset ID is an empty list.
    let none = check_listing::<Experiments>(
        c,
        &params(|p| p.dataset = Some("RGF0YXNldDo5OTk5OTpYWFhY".into())),
        1,
    )
    .await;
    assert!(none.is_empty());

    let got = lookups::get::<Experiments>(c, &baseline, &GetParams::default())
        .await
        .unwrap();
    assert_eq!(got["name"], "baseline");
    assert_eq!(got["dataset_id"].as_str(), Some(dataset.as_str()));
    let with_dataset = |d: &str, s: Option<&str>| GetParams {
        dataset: Some(d.into()),
        space: s.map(Into::into),
        ..Default::default()
    };
    for p in [
        with_dataset(DATASET, Some(SPACE)),
        with_dataset(DATASET, Some(&staging)),
        with_dataset(&dataset, None),
        in_space(SPACE),
        in_space(&staging),
    ] {
        assert_eq!(
            lookups::get::<Experiments>(c, "baseline", &p)
                .await
                .unwrap(),
            got,
            "{p:?}"
        );
    }
    let text = not_found(
        lookups::get::<Experiments>(c, "base", &with_dataset(DATASET, Some(SPACE))).await,
        "experiment",
        "base",
        &["baseline"],
    );
    assert_eq!(
        text,
        "experiment 'base' not found. Available experiments: baseline"
    );
    not_found(
        lookups::get::<Experiments>(c, "nope", &in_space(SPACE)).await,
        "experiment",
        "nope",
        &[],
    );
    ambiguous_space(
        &env,
        lookups::get::<Experiments>(c, "baseline", &in_space("production")).await,
    );
    ambiguous_space(
        &env,
        lookups::get::<Experiments>(c, "baseline", &with_dataset(DATASET, Some("production")))
            .await,
    );
    assert_eq!(
        status(
            lookups::get::<Experiments>(c, "RXhwZXJpbWVudDo5OTk5OTpYWFhY", &GetParams::default())
                .await
        ),
        Some(404)
    );
}

#[tokio::test]
async fn evaluators_versions_and_get_with_version() {
    let env = Env::start().await;
    let c = &env.client;
    let staging = env.space_id(SPACE);
    let template = env.seeded("evaluators", &staging, TEMPLATE_EVALUATOR);
    let code = env.seeded("evaluators", &staging, CODE_EVALUATOR);
    let all = check_listing::<Evaluators>(c, &ListParams::default(), 5).await;
    assert_eq!(
        all.len(),
        2 * env.seed()["spaces"].as_array().unwrap().len()
    );
    let mine = check_listing::<Evaluators>(c, &params(|p| p.space = Some(SPACE.into())), 1).await;
    assert_eq!(
        mine.iter().collect::<HashSet<_>>(),
        [&template, &code].into_iter().collect()
    );
    let json = check_listing::<Evaluators>(
        c,
        &params(|p| {
            p.space = Some(staging.clone());
            p.name = Some("JSON".into());
        }),
        1,
    )
    .await;
    assert_eq!(json, vec![code.clone()]);
    let page = lookups::list::<Evaluators>(c, &params(|p| p.space = Some(staging.clone())))
        .await
        .unwrap();
    let types = column(&page, "type");
    assert!(types.contains(&Some("TEMPLATE".into())) && types.contains(&Some("CODE".into())));

    let versions = evaluator_versions(&env, &template);
    assert_eq!(versions.len(), 2);
    let latest = lookups::get::<Evaluators>(c, TEMPLATE_EVALUATOR, &in_space(SPACE))
        .await
        .unwrap();
    assert_eq!(id_of(&latest), template);
    assert_eq!(latest["type"], "TEMPLATE");
    assert_eq!(latest["version"]["id"].as_str(), Some(versions[1].as_str()));
    assert!(latest["version"]["template_config"].is_object());
    assert_eq!(
        lookups::get::<Evaluators>(c, &template, &GetParams::default())
            .await
            .unwrap(),
        latest
    );
    let older = lookups::get::<Evaluators>(
        c,
        TEMPLATE_EVALUATOR,
        &GetParams {
            space: Some(SPACE.into()),
            version_id: Some(versions[0].clone()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(older["version"]["id"].as_str(), Some(versions[0].as_str()));
    assert!(
        last_query(&env, &ax_core::api::path(&["v2", "evaluators", &template]))
            .contains("version_id=")
    );
    // A version of another evaluator is the server's 404.
    let foreign = evaluator_versions(&env, &code)[0].clone();
    let e = lookups::get::<Evaluators>(
        c,
        &template,
        &GetParams {
            version_id: Some(foreign.clone()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(status(e), Some(404));

    // Versions: one page, every page, one by ID.
    let first = lookups::list_versions(c, TEMPLATE_EVALUATOR, Some(SPACE), Some(1), None)
        .await
        .unwrap();
    assert_eq!(first.batch.schema(), EvaluatorVersions::schema());
    assert_eq!(ids(&first), vec![versions[1].clone()], "newest first");
    assert!(first.has_more);
    let second = lookups::list_versions(c, &template, None, Some(1), first.next_cursor.as_deref())
        .await
        .unwrap();
    assert_eq!(ids(&second), vec![versions[0].clone()]);
    assert!(!second.has_more);
    let pages: Vec<Page<EvaluatorVersions>> =
        lookups::list_versions_pages(c, TEMPLATE_EVALUATOR.into(), Some(staging.clone()), Some(1))
            .try_collect()
            .await
            .unwrap();
    assert_eq!(pages.len(), 2);
    assert!(pages
        .iter()
        .all(|p| p.batch.schema() == EvaluatorVersions::schema()));
    let walked: Vec<String> = pages.iter().flat_map(ids).collect();
    assert_eq!(walked, vec![versions[1].clone(), versions[0].clone()]);
    let all_versions: Vec<Page<EvaluatorVersions>> =
        lookups::list_versions_pages(c, code.clone(), None, None)
            .try_collect()
            .await
            .unwrap();
    assert_eq!(all_versions.len(), 1);
    assert_eq!(all_versions[0].len(), 2);
    assert_eq!(
        column(&all_versions[0], "evaluator_id"),
        vec![Some(code.clone()); 2]
    );
    assert!(column(&all_versions[0], "code_config")
        .iter()
        .all(Option::is_some));

    let v = lookups::get_version(c, &versions[0]).await.unwrap();
    assert_eq!(id_of(&v), versions[0]);
    assert_eq!(v["evaluator_id"].as_str(), Some(template.as_str()));
    assert_eq!(
        status(lookups::get_version(c, "RXZhbHVhdG9yVmVyc2lvbjo5OTk5OTpYWFhY").await),
        Some(404)
    );

    let text = not_found(
        lookups::get::<Evaluators>(c, "halluc", &in_space(SPACE)).await,
        "evaluator",
        "halluc",
        &[TEMPLATE_EVALUATOR],
    );
    assert_eq!(
        text,
        "evaluator 'halluc' not found. Available evaluators: hallucination"
    );
    not_found(
        lookups::list_versions(c, "nope", Some(SPACE), None, None).await,
        "evaluator",
        "nope",
        &[],
    );
    ambiguous_space(
        &env,
        lookups::get::<Evaluators>(c, TEMPLATE_EVALUATOR, &in_space("production")).await,
    );
    ambiguous_space(
        &env,
        lookups::list_versions(c, TEMPLATE_EVALUATOR, Some("production"), None, None).await,
    );
}

#[tokio::test]
async fn ai_integrations_list_get_and_errors() {
    let env = Env::start().await;
    let c = &env.client;
    let staging = env.space_id(SPACE);
    let integration = env.seeded("ai_integrations", &staging, INTEGRATION);
    let all = check_listing::<AiIntegrations>(c, &ListParams::default(), 4).await;
    assert_eq!(all.len(), env.seed()["spaces"].as_array().unwrap().len());
    let mine =
        check_listing::<AiIntegrations>(c, &params(|p| p.space = Some(staging.clone())), 1).await;
    assert_eq!(mine, vec![integration.clone()]);
    let none = check_listing::<AiIntegrations>(
        c,
        &params(|p| {
            p.space = Some(SPACE.into());
            p.name = Some("anthropic".into());
        }),
        1,
    )
    .await;
    assert!(none.is_empty());
    let page = lookups::list::<AiIntegrations>(c, &params(|p| p.space = Some(staging.clone())))
        .await
        .unwrap();
    assert_eq!(column(&page, "provider"), vec![Some("OPEN_AI".into())]);
    let item = &page.items().unwrap()[0];
    assert!(item.get("api_key").is_none(), "the key is never returned");

    let got = lookups::get::<AiIntegrations>(c, INTEGRATION, &in_space(SPACE))
        .await
        .unwrap();
    assert_eq!(id_of(&got), integration);
    assert_eq!(&got, item);
    assert_eq!(
        lookups::get::<AiIntegrations>(c, &integration, &GetParams::default())
            .await
            .unwrap(),
        got
    );
    let text = not_found(
        lookups::get::<AiIntegrations>(c, "openai", &in_space(SPACE)).await,
        "AI integration",
        "openai",
        &[INTEGRATION],
    );
    assert_eq!(
        text,
        "AI integration 'openai' not found. Available AI integrations: openai-default"
    );
    ambiguous_space(
        &env,
        lookups::get::<AiIntegrations>(c, INTEGRATION, &in_space("production")).await,
    );
}
