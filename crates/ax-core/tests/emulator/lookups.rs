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
