//! Supporting read endpoints: projects, datasets, experiments, evaluators, AI integrations.

use serde_json::{json, Value};

use crate::common::*;

#[tokio::test]
async fn seed_info_lists_space_content() {
    let api = start().await;
    for (kind, n) in [
        ("projects", 6),
        ("datasets", 6),
        ("experiments", 12),
        ("evaluators", 12),
        ("ai_integrations", 6),
    ] {
        let list = api.seed[kind].as_array().unwrap();
        assert_eq!(list.len(), n, "{kind}");
        for item in list {
            assert!(
                item["id"].is_string() && item["name"].is_string() && item["space_id"].is_string()
            );
        }
    }
    let c = api.prod();
    let ds = api.seed["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == c.dataset.as_str())
        .unwrap();
    assert_eq!(ds["versions"][0]["name"], "v1");
    assert_eq!(ds["versions"][1]["name"], "v2");
    let exp = api.seed["experiments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == c.candidate.as_str())
        .unwrap();
    assert_eq!(exp["dataset_id"], c.dataset.as_str());
    assert_eq!(exp["dataset_version_id"], c.v2.as_str());
    assert_eq!(c.hallucination_versions.len(), 2);

    let empty = start_empty().await;
    for kind in [
        "projects",
        "datasets",
        "experiments",
        "evaluators",
        "ai_integrations",
    ] {
        assert_eq!(empty.seed[kind], json!([]), "{kind}");
        let path = format!("/v2/{}", kind.replace('_', "-"));
        let r = empty.get(ADMIN, &path).await;
        assert_eq!(r.body[kind], json!([]), "{}", r.text);
    }
}

#[tokio::test]
async fn projects_list_get_filters_and_visibility() {
    let api = start().await;
    let c = api.prod();
    let r = api.get(ADMIN, "/v2/projects").await;
    assert_eq!(names(&r, "projects").len(), 6);
    let p = &r.body["projects"][0];
    assert_eq!(
        keys(p),
        fields(&["id", "name", "space_id", "created_at", "project_type"])
    );
    assert_eq!(p["project_type"], "APPLICATION");
    // Visibility follows the space: Max sees production, staging and support-bot-evals.
    assert_eq!(
        names(&api.get(MEMBER, "/v2/projects").await, "projects").len(),
        3
    );
    assert_eq!(
        names(&api.get(ORG2, "/v2/projects").await, "projects").len(),
        2
    );
    assert!(names(&api.get(OUTSIDER, "/v2/projects").await, "projects").is_empty());
    // Filters.
    let by_space = api
        .get(ADMIN, &format!("/v2/projects?space_id={}", c.space))
        .await;
    assert_eq!(by_space.body["projects"][0]["id"], c.project.as_str());
    assert_eq!(by_space.body["projects"].as_array().unwrap().len(), 1);
    let r = api.get(ADMIN, "/v2/projects?space_name=STAG").await;
    assert_eq!(r.body["projects"].as_array().unwrap().len(), 1);
    let r = api
        .get(ADMIN, "/v2/projects?space_name=production&name=bot")
        .await;
    assert_eq!(r.body["projects"].as_array().unwrap().len(), 2);
    let r = api.get(ADMIN, "/v2/projects?name=nope").await;
    assert_eq!(r.body["projects"], json!([]));
    let r = api
        .get(ADMIN, "/v2/projects?project_type=APPLICATION")
        .await;
    assert_eq!(r.body["projects"].as_array().unwrap().len(), 6);
    api.get(ADMIN, "/v2/projects?project_type=bogus")
        .await
        .assert_problem(400);
    // Unknown or invisible space: empty list.
    let globex_prod = api.space_id("Globex Research", "production");
    let r = api
        .get(MEMBER, &format!("/v2/projects?space_id={globex_prod}"))
        .await;
    assert_eq!(r.body["projects"], json!([]));
    // Pagination.
    let (all, pages) = walk_all(&api, ADMIN, "/v2/projects?limit=4", "projects").await;
    assert_eq!((all.len(), pages), (6, 2));
    api.get(ADMIN, "/v2/projects?limit=0")
        .await
        .assert_problem(400);
    let cursor = api.get(ADMIN, "/v2/projects?limit=1").await.body["pagination"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    api.get(ADMIN, &format!("/v2/projects?name=x&cursor={cursor}"))
        .await
        .assert_problem(400);
    api.get(ADMIN, &format!("/v2/datasets?cursor={cursor}"))
        .await
        .assert_problem(400);
    // Get.
    let path = format!("/v2/projects/{}", c.project);
    let r = api.get(READ_ONLY, &path).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["name"], "support-bot");
    api.get(ORG2, &path).await.assert_problem(404);
    api.get(OUTSIDER, &path).await.assert_problem(404);
    api.get(ADMIN, "/v2/projects/nope")
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn datasets_list_without_versions_get_with_versions() {
    let api = start().await;
    let c = api.prod();
    let r = api.get(ADMIN, "/v2/datasets").await;
    let list = r.body["datasets"].as_array().unwrap();
    assert_eq!(list.len(), 6);
    assert_eq!(
        keys(&list[0]),
        fields(&["id", "name", "space_id", "created_at", "updated_at"])
    );
    // Newest first.
    let created: Vec<&str> = list
        .iter()
        .map(|d| d["created_at"].as_str().unwrap())
        .collect();
    let mut sorted = created.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(created, sorted);
    let r = api
        .get(
            MEMBER,
            &format!("/v2/datasets?space_id={}&name=GOLDEN", c.space),
        )
        .await;
    assert_eq!(r.body["datasets"][0]["id"], c.dataset.as_str());

    let r = api
        .get(ANNOTATOR, &format!("/v2/datasets/{}", c.dataset))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        keys(&r.body),
        fields(&[
            "id",
            "name",
            "space_id",
            "created_at",
            "updated_at",
            "versions"
        ])
    );
    let versions = r.body["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["id"], c.v2.as_str());
    assert_eq!(versions[1]["id"], c.v1.as_str());
    assert_eq!(
        keys(&versions[0]),
        fields(&["id", "name", "dataset_id", "created_at", "updated_at"])
    );
    assert_eq!(versions[0]["dataset_id"], c.dataset.as_str());
    api.get(ORG2, &format!("/v2/datasets/{}", c.dataset))
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn experiments_filter_by_dataset_space_and_name() {
    let api = start().await;
    let c = api.prod();
    let r = api
        .get(ADMIN, &format!("/v2/experiments?dataset_id={}", c.dataset))
        .await;
    assert_eq!(names(&r, "experiments"), ["candidate", "baseline"]);
    let e = &r.body["experiments"][1];
    assert_eq!(
        keys(e),
        fields(&[
            "id",
            "name",
            "dataset_id",
            "dataset_version_id",
            "created_at",
            "updated_at",
            "integration_id",
            "space_id"
        ])
    );
    // Not nullable in the API, so absent rather than null when there is none.
    assert!(e.get("experiment_traces_project_id").is_none());
    assert_eq!(e["dataset_version_id"], c.v1.as_str());
    assert_eq!(e["integration_id"], Value::Null);
    let r = api
        .get(
            ADMIN,
            &format!("/v2/experiments?space_id={}&name=base", c.space),
        )
        .await;
    assert_eq!(names(&r, "experiments"), ["baseline"]);
    assert_eq!(
        names(&api.get(ADMIN, "/v2/experiments").await, "experiments").len(),
        12
    );
    let r = api
        .get(ORG2, &format!("/v2/experiments?dataset_id={}", c.dataset))
        .await;
    assert_eq!(r.body["experiments"], json!([]));
}

#[tokio::test]
async fn evaluators_with_versions() {
    let api = start().await;
    let c = api.prod();
    let r = api
        .get(ADMIN, &format!("/v2/evaluators?space_id={}", c.space))
        .await;
    // Most recently updated first.
    assert_eq!(names(&r, "evaluators"), ["json-validity", "hallucination"]);
    let e = &r.body["evaluators"][1];
    assert_eq!(
        keys(e),
        fields(&[
            "id",
            "name",
            "description",
            "type",
            "space_id",
            "created_at",
            "updated_at",
            "created_by_user_id"
        ])
    );
    assert_eq!(e["type"], "TEMPLATE");
    assert_eq!(r.body["evaluators"][0]["type"], "CODE");

    let r = api
        .get(READ_ONLY, &format!("/v2/evaluators/{}", c.hallucination))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = &r.body["version"];
    assert_eq!(v["id"], c.hallucination_versions[1].as_str());
    assert_eq!(
        keys(v),
        fields(&[
            "id",
            "evaluator_id",
            "commit_hash",
            "commit_message",
            "created_at",
            "created_by_user_id",
            "type",
            "template_config"
        ])
    );
    assert_eq!(v["type"], "TEMPLATE");
    assert_eq!(v["commit_hash"].as_str().unwrap().len(), 40);
    assert_eq!(
        v["template_config"]["llm_config"]["ai_integration_id"],
        c.integration.as_str()
    );
    let first = &c.hallucination_versions[0];
    let r = api
        .get(
            ADMIN,
            &format!("/v2/evaluators/{}?version_id={first}", c.hallucination),
        )
        .await;
    assert_eq!(r.body["version"]["id"], first.as_str());
    // A version of another evaluator, or unknown: 404.
    let code = api
        .get(ADMIN, &format!("/v2/evaluators/{}", c.json_validity))
        .await;
    assert_eq!(code.body["version"]["type"], "CODE");
    assert_eq!(code.body["version"]["code_config"]["type"], "CUSTOM");
    assert!(code.body["version"].get("template_config").is_none());
    let code_version = code.body["version"]["id"].as_str().unwrap();
    api.get(
        ADMIN,
        &format!(
            "/v2/evaluators/{}?version_id={code_version}",
            c.hallucination
        ),
    )
    .await
    .assert_problem(404);
    api.get(ORG2, &format!("/v2/evaluators/{}", c.hallucination))
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn ai_integrations_list_and_get() {
    let api = start().await;
    let c = api.prod();
    let r = api
        .get(MEMBER, "/v2/ai-integrations?space_name=production")
        .await;
    let list = r.body["ai_integrations"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{}", r.text);
    let i = &list[0];
    assert_eq!(
        keys(i),
        fields(&[
            "id",
            "name",
            "provider",
            "has_api_key",
            "base_url",
            "model_names",
            "headers",
            "enable_default_models",
            "function_calling_enabled",
            "auth_type",
            "provider_metadata",
            "scopings",
            "created_at",
            "updated_at",
            "created_by_user_id"
        ])
    );
    assert_eq!(i["provider"], "OPEN_AI");
    assert_eq!(i["auth_type"], "DEFAULT");
    assert_eq!(
        i["scopings"],
        json!([{"organization_id": api.org_id("Acme AI"), "space_id": c.space}])
    );
    let r = api
        .get(ADMIN, &format!("/v2/ai-integrations/{}", c.integration))
        .await;
    assert_eq!(r.body["name"], "openai-default");
    api.get(ORG2, &format!("/v2/ai-integrations/{}", c.integration))
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn space_delete_cascades_to_content_tasks_and_runs() {
    let api = start().await;
    let c = api.prod();
    let task = api.create_task(&project_task(&c, "doomed")).await;
    let tid = task["id"].as_str().unwrap();
    let run = api
        .post(
            ADMIN,
            &format!("/v2/tasks/{tid}/trigger"),
            &json!({"data_start_time": "2026-01-01T00:00:00Z", "data_end_time": "2026-01-02T00:00:00Z"}),
        )
        .await;
    assert_eq!(run.status, 201, "{}", run.text);
    let rid = run.body["id"].as_str().unwrap();
    let r = api.delete(ADMIN, &format!("/v2/spaces/{}", c.space)).await;
    assert_eq!(r.status, 204);
    let seeded = api.seeded_task(&c.space, "hallucination-monitor");
    let seeded_run = api.seeded_runs(seeded["id"].as_str().unwrap())[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for path in [
        format!("/v2/tasks/{}", seeded["id"].as_str().unwrap()),
        format!("/v2/task-runs/{seeded_run}"),
        format!("/v2/projects/{}", c.project),
        format!("/v2/datasets/{}", c.dataset),
        format!("/v2/evaluators/{}", c.hallucination),
        format!("/v2/ai-integrations/{}", c.integration),
        format!("/v2/tasks/{tid}"),
        format!("/v2/task-runs/{rid}"),
    ] {
        api.get(ADMIN, &path).await.assert_problem(404);
    }
    for (kind, left) in [
        ("projects", 5),
        ("datasets", 5),
        ("experiments", 10),
        ("evaluators", 10),
        ("ai-integrations", 5),
        // The seeded tasks of the five other spaces.
        ("tasks", 20),
    ] {
        let r = api.get(ADMIN, &format!("/v2/{kind}")).await;
        let key = kind.replace('-', "_");
        assert_eq!(r.body[&key].as_array().unwrap().len(), left, "{kind}");
    }
    // The name is free again in a re-created space; reset brings everything back.
    api.emu.control().reset();
    assert_eq!(
        api.get(ADMIN, &format!("/v2/projects/{}", c.project))
            .await
            .status,
        200
    );
    api.get(ADMIN, &format!("/v2/tasks/{tid}"))
        .await
        .assert_problem(404);
}
