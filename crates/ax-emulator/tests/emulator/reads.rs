//! Get an experiment, list and get evaluator versions, and the experiments list's scopes.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn get_experiment_as_listed() {
    let api = start().await;
    let c = api.prod();
    let listed = api
        .get(ADMIN, &format!("/v2/experiments?dataset_id={}", c.dataset))
        .await;
    let baseline = listed.body["experiments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == c.baseline.as_str())
        .unwrap()
        .clone();
    let path = format!("/v2/experiments/{}", c.baseline);
    // Any reader of the space, annotators included.
    for key in [ADMIN, MEMBER, READ_ONLY, ANNOTATOR] {
        let r = api.get(key, &path).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body, baseline);
    }
    assert_eq!(baseline["name"], "baseline");
    assert_eq!(baseline["space_id"], c.space.as_str());
    assert_eq!(baseline["dataset_version_id"], c.v1.as_str());
    // Invisible or unknown: 404.
    api.get(ORG2, &path).await.assert_problem(404);
    api.get(OUTSIDER, &path).await.assert_problem(404);
    api.get(ADMIN, "/v2/experiments/RXhwZXJpbWVudDo5OTk6WFhYWA==")
        .await
        .assert_problem(404);
    // An experiment made by a RUN_EXPERIMENT run can be read too.
    let task = api.create_task(&experiment_task(&c, "rx")).await;
    let run = trigger(&api, &tid(&task), json!({"experiment_name": "made"})).await;
    assert_eq!(run.status, 201, "{}", run.text);
    let id = run.body["experiment_id"].as_str().unwrap();
    let r = api.get(MEMBER, &format!("/v2/experiments/{id}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["name"], "made");
    assert_eq!(r.body["dataset_id"], c.dataset.as_str());
    assert_eq!(r.body["dataset_version_id"], c.v2.as_str());
}

#[tokio::test]
async fn experiments_by_space_or_dataset_not_both() {
    let api = start().await;
    let c = api.prod();
    let r = api
        .get(ADMIN, &format!("/v2/experiments?space_id={}", c.space))
        .await;
    assert_eq!(names(&r, "experiments"), ["candidate", "baseline"]);
    let (all, pages) = walk_all(
        &api,
        ADMIN,
        &format!("/v2/experiments?space_id={}&limit=1", c.space),
        "experiments",
    )
    .await;
    assert_eq!((all.len(), pages), (2, 2));
    let r = api
        .get(
            ADMIN,
            &format!(
                "/v2/experiments?space_id={}&dataset_id={}",
                c.space, c.dataset
            ),
        )
        .await;
    r.assert_problem(400);
    // The name filter combines with either scope.
    let r = api
        .get(
            ADMIN,
            &format!("/v2/experiments?dataset_id={}&name=CAND", c.dataset),
        )
        .await;
    assert_eq!(names(&r, "experiments"), ["candidate"]);
    let r = api
        .get(ORG2, &format!("/v2/experiments?space_id={}", c.space))
        .await;
    assert_eq!(r.body["experiments"], json!([]));
}

#[tokio::test]
async fn evaluator_versions_list_and_get() {
    let api = start().await;
    let c = api.prod();
    let path = format!("/v2/evaluators/{}/versions", c.hallucination);
    let r = api.get(READ_ONLY, &path).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let versions = r.body["evaluator_versions"].as_array().unwrap();
    // Newest first.
    let ids: Vec<&str> = versions.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            c.hallucination_versions[1].as_str(),
            c.hallucination_versions[0].as_str()
        ]
    );
    assert_eq!(r.body["pagination"], json!({"has_more": false}));
    // Each as `GET /v2/evaluators/{id}?version_id=` shows it, and as its own get.
    for v in versions {
        let id = v["id"].as_str().unwrap();
        let with = api
            .get(
                ADMIN,
                &format!("/v2/evaluators/{}?version_id={id}", c.hallucination),
            )
            .await;
        assert_eq!(&with.body["version"], v);
        let own = api
            .get(ANNOTATOR, &format!("/v2/evaluator-versions/{id}"))
            .await;
        assert_eq!(own.status, 200, "{}", own.text);
        assert_eq!(&own.body, v);
        assert_eq!(v["evaluator_id"], c.hallucination.as_str());
        assert_eq!(v["type"], "TEMPLATE");
    }
    assert_eq!(versions[1]["commit_message"], "Initial version");
    // Paging with limit 1, the cursor bound to the evaluator.
    let (all, pages) = walk_all(
        &api,
        ADMIN,
        &format!("{path}?limit=1"),
        "evaluator_versions",
    )
    .await;
    assert_eq!((all.len(), pages), (2, 2));
    let first = api.get(ADMIN, &format!("{path}?limit=1")).await;
    let cursor = first.body["pagination"]["next_cursor"].as_str().unwrap();
    api.get(
        ADMIN,
        &format!(
            "/v2/evaluators/{}/versions?cursor={cursor}",
            c.json_validity
        ),
    )
    .await
    .assert_problem(400);
    for bad in ["limit=0", "limit=101", "limit=x", "cursor=garbage"] {
        api.get(ADMIN, &format!("{path}?{bad}"))
            .await
            .assert_problem(400);
    }
    // A CODE evaluator's versions carry `code_config`.
    let r = api
        .get(
            ADMIN,
            &format!("/v2/evaluators/{}/versions", c.json_validity),
        )
        .await;
    for v in r.body["evaluator_versions"].as_array().unwrap() {
        assert_eq!(v["type"], "CODE");
        assert_eq!(v["code_config"]["type"], "CUSTOM");
        assert!(v.get("template_config").is_none());
    }
    // Invisible or unknown evaluator or version: 404.
    api.get(ORG2, &path).await.assert_problem(404);
    api.get(ADMIN, "/v2/evaluators/nope/versions")
        .await
        .assert_problem(404);
    let v = &c.hallucination_versions[0];
    api.get(ORG2, &format!("/v2/evaluator-versions/{v}"))
        .await
        .assert_problem(404);
    api.get(OUTSIDER, &format!("/v2/evaluator-versions/{v}"))
        .await
        .assert_problem(404);
    api.get(ADMIN, "/v2/evaluator-versions/nope")
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn versions_go_with_their_space() {
    let api = start().await;
    let c = api.prod();
    let v = &c.hallucination_versions[0];
    let r = api.delete(ADMIN, &format!("/v2/spaces/{}", c.space)).await;
    assert_eq!(r.status, 204);
    api.get(ADMIN, &format!("/v2/evaluator-versions/{v}"))
        .await
        .assert_problem(404);
    api.get(ADMIN, &format!("/v2/experiments/{}", c.baseline))
        .await
        .assert_problem(404);
    // Other spaces keep theirs.
    let s = api.content("Acme AI", "staging");
    let r = api
        .get(
            ADMIN,
            &format!("/v2/evaluator-versions/{}", s.hallucination_versions[0]),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}
