//! Tasks: update, list, delete.

use serde_json::{json, Value};

use crate::common::*;

#[tokio::test]
async fn update_rules() {
    let api = start().await;
    let c = api.prod();
    let t = api.create_task(&project_task(&c, "watch")).await;
    let path = format!("/v2/tasks/{}", t["id"].as_str().unwrap());
    let r = api
        .patch(
            MEMBER,
            &path,
            &json!({"name": "watch v2", "sampling_rate": 0.25, "query_filter": null}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["name"], "watch v2");
    assert_eq!(r.body["sampling_rate"], 0.25);
    assert_eq!(r.body["query_filter"], Value::Null);
    assert_eq!(r.body["is_continuous"], true);
    assert!(r.body["updated_at"].as_str() > t["updated_at"].as_str());
    assert_eq!(r.body["created_at"], t["created_at"]);
    // Evaluators replace the whole list.
    let r = api
        .patch(
            ADMIN,
            &path,
            &json!({"evaluators": [{"evaluator_id": c.json_validity, "query_filter": "x = 1"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["evaluators"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["evaluators"][0]["evaluator_name"], "json-validity");
    assert_eq!(r.body["evaluators"][0]["column_mappings"], Value::Null);
    let r = api
        .patch(
            ADMIN,
            &path,
            &json!({"query_filter": "y = 2", "is_continuous": false}),
        )
        .await;
    assert_eq!(
        (
            r.body["query_filter"].as_str(),
            r.body["is_continuous"].as_bool()
        ),
        (Some("y = 2"), Some(false))
    );
    // The new name is taken; the old one is free again.
    api.create_task(&project_task(&c, "watch")).await;
    let other = api.create_task(&dataset_task(&c, "ds")).await;
    let other_path = format!("/v2/tasks/{}", other["id"].as_str().unwrap());
    let x = api.create_task(&experiment_task(&c, "rx")).await;
    let x_path = format!("/v2/tasks/{}", x["id"].as_str().unwrap());
    let bad: Vec<(&str, &str, Value, u16)> = vec![
        ("empty body", &path, json!({}), 400),
        ("type", &path, json!({"type": "CODE_EVALUATION"}), 400),
        ("id", &path, json!({"id": "x"}), 400),
        (
            "updated_at",
            &path,
            json!({"updated_at": "2026-01-01T00:00:00Z"}),
            400,
        ),
        ("unknown field", &path, json!({"owner": "me"}), 400),
        (
            "run_configuration on eval",
            &path,
            json!({"run_configuration": x["run_configuration"]}),
            400,
        ),
        (
            "evaluators on run-experiment",
            &x_path,
            json!({"evaluators": [{"evaluator_id": c.hallucination}]}),
            400,
        ),
        (
            "query_filter on run-experiment",
            &x_path,
            json!({"query_filter": null}),
            400,
        ),
        ("empty evaluators", &path, json!({"evaluators": []}), 400),
        (
            "duplicate evaluators",
            &path,
            json!({"evaluators": [{"evaluator_id": c.hallucination}, {"evaluator_id": c.hallucination}]}),
            400,
        ),
        ("name taken", &path, json!({"name": "watch"}), 400),
        ("null name", &path, json!({"name": null}), 400),
        (
            "sampling_rate on dataset task",
            &other_path,
            json!({"sampling_rate": 0.5}),
            400,
        ),
        (
            "continuous dataset task",
            &other_path,
            json!({"is_continuous": true}),
            400,
        ),
        (
            "sampling_rate out of range",
            &path,
            json!({"sampling_rate": 2}),
            400,
        ),
        (
            "bad run_configuration",
            &x_path,
            json!({"run_configuration": {"experiment_type": "LLM_GENERATION"}}),
            400,
        ),
        (
            "unknown evaluator",
            &path,
            json!({"evaluators": [{"evaluator_id": "nope"}]}),
            404,
        ),
        ("unknown task", "/v2/tasks/nope", json!({"name": "z"}), 404),
        (
            "version of another evaluator",
            &path,
            json!({"evaluators": [{"evaluator_id": c.json_validity, "evaluator_version_id": c.hallucination_versions[1]}]}),
            422,
        ),
    ];
    for (what, p, body, status) in bad {
        let r = api.patch(ADMIN, p, &body).await;
        assert_eq!(r.status, status, "{what}: {}", r.text);
        r.assert_problem(status);
    }
    api.patch(READ_ONLY, &path, &json!({"name": "ro"}))
        .await
        .assert_problem(403);
    api.patch(ORG2, &path, &json!({"name": "ro"}))
        .await
        .assert_problem(404);
    // Run configuration is replaced as a whole (no merge).
    let new_rc = json!({"experiment_type": "TEMPLATE_EVALUATION", "ai_integration_id": c.integration,
        "template": "{{x}}?", "provide_explanation": false});
    let r = api
        .patch(
            ADMIN,
            &x_path,
            &json!({"run_configuration": new_rc, "name": "rx2"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["name"], "rx2");
    assert_eq!(
        r.body["run_configuration"]["experiment_type"],
        "TEMPLATE_EVALUATION"
    );
    assert!(r.body["run_configuration"].get("messages").is_none());
    // Unchanged by the failed updates.
    let r = api.get(ADMIN, &path).await;
    assert_eq!(r.body["name"], "watch v2");
}

#[tokio::test]
async fn list_filters_order_and_paging() {
    let api = start().await;
    // The filters are checked on the tasks made here.
    api.clear_seeded_tasks().await;
    let c = api.prod();
    let s = api.content("Acme AI", "staging");
    api.create_task(&project_task(&c, "alpha")).await;
    api.create_task(&dataset_task(&c, "beta")).await;
    api.create_task(&experiment_task(&c, "gamma")).await;
    api.create_task(&project_task(&s, "alpha staging")).await;
    let r = api.get(ADMIN, "/v2/tasks").await;
    assert_eq!(
        names(&r, "tasks"),
        ["alpha staging", "gamma", "beta", "alpha"]
    );
    let a = &api;
    let q = |query: String| async move {
        names(&a.get(ADMIN, &format!("/v2/tasks?{query}")).await, "tasks")
    };
    assert_eq!(
        q(format!("space_id={}", c.space)).await,
        ["gamma", "beta", "alpha"]
    );
    assert_eq!(q("space_name=STAGING".into()).await, ["alpha staging"]);
    assert_eq!(q("name=ALPHA".into()).await, ["alpha staging", "alpha"]);
    assert_eq!(q(format!("project_id={}", c.project)).await, ["alpha"]);
    assert_eq!(
        q(format!("dataset_id={}", c.dataset)).await,
        ["gamma", "beta"]
    );
    assert_eq!(q("type=CODE_EVALUATION".into()).await, ["beta"]);
    assert_eq!(
        q(format!(
            "type=TEMPLATE_EVALUATION&space_id={}&name=alp",
            s.space
        ))
        .await,
        ["alpha staging"]
    );
    api.get(ADMIN, "/v2/tasks?type=template_evaluation")
        .await
        .assert_problem(400);
    api.get(ADMIN, "/v2/tasks?type=NOPE")
        .await
        .assert_problem(400);
    // Filtering on something invisible or unknown: 404.
    let g = api.content("Globex Research", "production");
    api.get(MEMBER, &format!("/v2/tasks?space_id={}", g.space))
        .await
        .assert_problem(404);
    api.get(MEMBER, &format!("/v2/tasks?project_id={}", g.project))
        .await
        .assert_problem(404);
    api.get(MEMBER, &format!("/v2/tasks?dataset_id={}", g.dataset))
        .await
        .assert_problem(404);
    api.get(ADMIN, "/v2/tasks?project_id=nope")
        .await
        .assert_problem(404);
    // Visibility: Globex's member sees none of these; Acme's read-only member sees production's.
    assert!(names(&api.get(ORG2, "/v2/tasks").await, "tasks").is_empty());
    assert_eq!(
        names(&api.get(READ_ONLY, "/v2/tasks").await, "tasks").len(),
        4
    );
    assert_eq!(
        names(&api.get(ANNOTATOR, "/v2/tasks").await, "tasks"),
        ["gamma", "beta", "alpha"]
    );
    // Paging: nothing lost or repeated, cursor bound to the filters.
    let (all, pages) = walk_all(&api, ADMIN, "/v2/tasks?limit=3", "tasks").await;
    assert_eq!((all.len(), pages), (4, 2));
    let r = api.get(ADMIN, "/v2/tasks?limit=1").await;
    let cursor = r.body["pagination"]["next_cursor"].as_str().unwrap();
    api.get(ADMIN, &format!("/v2/tasks?name=a&cursor={cursor}"))
        .await
        .assert_problem(400);
    api.get(ADMIN, "/v2/tasks?limit=101")
        .await
        .assert_problem(400);
}

/// A listing filtered by space walks only those spaces' tasks (the emulator's index): it
/// returns what the whole listing holds of them, in its order, across pages, after deletes.
#[tokio::test]
async fn space_filters_follow_the_whole_listing() {
    let api = start().await;
    api.clear_seeded_tasks().await;
    let c = api.prod();
    let s = api.content("Acme AI", "staging");
    let mut ids = Vec::new();
    for i in 0..7 {
        let (ctx, name) = if i % 3 == 0 {
            (&s, format!("s{i}"))
        } else {
            (&c, format!("p{i}"))
        };
        ids.push(
            api.create_task(&project_task(ctx, &name)).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    // Both spaces' names contain an "i" (production, staging), so this filter spans two.
    let expect = |all: &[Value], keep: &dyn Fn(&str) -> bool| -> Vec<String> {
        all.iter()
            .filter(|t| keep(t["name"].as_str().unwrap()))
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect()
    };
    for round in 0..2 {
        let (all, _) = walk_all(&api, ADMIN, "/v2/tasks?limit=100", "tasks").await;
        assert_eq!(all.len(), 7 - 2 * round);
        for limit in [1, 2, 100] {
            let got = |query: String| {
                let api = &api;
                async move {
                    let (items, _) = walk_all(
                        api,
                        ADMIN,
                        &format!("/v2/tasks?{query}&limit={limit}"),
                        "tasks",
                    )
                    .await;
                    items
                        .iter()
                        .map(|t| t["name"].as_str().unwrap().to_owned())
                        .collect::<Vec<_>>()
                }
            };
            assert_eq!(
                got("space_name=I".into()).await,
                expect(&all, &|_| true),
                "round {round}"
            );
            assert_eq!(
                got("space_name=stag".into()).await,
                expect(&all, &|n| n.starts_with('s'))
            );
            assert_eq!(
                got(format!("space_id={}", c.space)).await,
                expect(&all, &|n| n.starts_with('p'))
            );
            assert_eq!(
                got(format!("space_id={}&space_name=stag", c.space)).await,
                Vec::<String>::new()
            );
            assert_eq!(
                got("space_name=no-such-space".into()).await,
                Vec::<String>::new()
            );
        }
        if round == 1 {
            break;
        }
        // Deleted tasks leave the filtered listings too (checked in the second round).
        for id in [&ids[0], &ids[4]] {
            assert_eq!(
                api.delete(ADMIN, &format!("/v2/tasks/{id}")).await.status,
                204
            );
        }
    }
}

#[tokio::test]
async fn delete_removes_task_and_runs() {
    let api = start().await;
    let c = api.prod();
    let t = api.create_task(&dataset_task(&c, "gone")).await;
    let id = t["id"].as_str().unwrap();
    let run = api
        .post(ADMIN, &format!("/v2/tasks/{id}/trigger"), &json!({}))
        .await;
    assert_eq!(run.status, 201, "{}", run.text);
    let rid = run.body["id"].as_str().unwrap();
    api.delete(READ_ONLY, &format!("/v2/tasks/{id}"))
        .await
        .assert_problem(403);
    api.delete(ORG2, &format!("/v2/tasks/{id}"))
        .await
        .assert_problem(404);
    let r = api.delete(MEMBER, &format!("/v2/tasks/{id}")).await;
    assert_eq!(r.status, 204);
    assert!(r.text.is_empty());
    api.get(ADMIN, &format!("/v2/tasks/{id}"))
        .await
        .assert_problem(404);
    api.get(ADMIN, &format!("/v2/task-runs/{rid}"))
        .await
        .assert_problem(404);
    api.get(ADMIN, &format!("/v2/tasks/{id}/runs"))
        .await
        .assert_problem(404);
    api.delete(ADMIN, &format!("/v2/tasks/{id}"))
        .await
        .assert_problem(404);
    // The name can be reused.
    api.create_task(&dataset_task(&c, "gone")).await;
}
