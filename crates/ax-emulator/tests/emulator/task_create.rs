//! Task creation: the three variants and every rule of API.md §4.8.

use ax_emulator::EmulatorOptions;
use serde_json::{json, Value};

use crate::common::*;

const TASK_FIELDS: &[&str] = &[
    "id",
    "name",
    "type",
    "project_id",
    "dataset_id",
    "sampling_rate",
    "is_continuous",
    "query_filter",
    "query_filters",
    "evaluators",
    "experiment_ids",
    "run_configuration",
    "last_run_at",
    "created_at",
    "updated_at",
    "created_by_user_id",
];

#[tokio::test]
async fn create_the_three_variants() {
    let api = start().await;
    let c = api.prod();
    let ada = api.user_id("ada.admin@example.com");

    let t = api
        .create_task(&project_task(&c, "Hallucination watch"))
        .await;
    assert_eq!(keys(&t), fields(TASK_FIELDS));
    assert_eq!(t["type"], "TEMPLATE_EVALUATION");
    assert_eq!(t["project_id"], c.project.as_str());
    assert_eq!(t["dataset_id"], Value::Null);
    assert_eq!(t["sampling_rate"], 0.5);
    assert_eq!(t["is_continuous"], true);
    assert_eq!(t["experiment_ids"], json!([]));
    assert_eq!(t["run_configuration"], Value::Null);
    assert_eq!(t["last_run_at"], Value::Null);
    assert_eq!(t["query_filters"], Value::Null);
    assert_eq!(t["created_by_user_id"], ada.as_str());
    assert_eq!(t["created_at"], t["updated_at"]);
    assert_eq!(
        t["evaluators"],
        json!([{
            "evaluator_id": c.hallucination,
            "evaluator_name": "hallucination",
            "evaluator_version_id": null,
            "query_filter": null,
            "column_mappings": {"input": "attributes.input.value", "output": "attributes.output.value"},
            "query_mappings": null
        }])
    );
    let id = t["id"].as_str().unwrap();
    let r = api.get(READ_ONLY, &format!("/v2/tasks/{id}")).await;
    assert_eq!(r.body, t);

    let d = api.create_task(&dataset_task(&c, "JSON validity")).await;
    assert_eq!(d["type"], "CODE_EVALUATION");
    assert_eq!(d["dataset_id"], c.dataset.as_str());
    assert_eq!(d["project_id"], Value::Null);
    assert_eq!(d["experiment_ids"], json!([c.baseline]));
    assert_eq!(d["is_continuous"], false);
    assert_eq!(d["sampling_rate"], Value::Null);
    assert_eq!(d["evaluators"][0]["evaluator_name"], "json-validity");
    assert_eq!(d["evaluators"][0]["column_mappings"], Value::Null);

    let x = api.create_task(&experiment_task(&c, "Summaries")).await;
    assert_eq!(keys(&x), fields(TASK_FIELDS));
    assert_eq!(x["type"], "RUN_EXPERIMENT");
    assert_eq!(x["evaluators"], json!([]));
    assert_eq!(x["experiment_ids"], json!([]));
    assert_eq!(x["is_continuous"], false);
    let rc = &x["run_configuration"];
    assert_eq!(rc["experiment_type"], "LLM_GENERATION");
    assert_eq!(rc["input_variable_format"], "MUSTACHE");
    assert_eq!(rc["provider_parameters"], json!({}));
    assert_eq!(rc["messages"][1]["content"], "{{article}}");

    // TEMPLATE_EVALUATION and AGENT_CALL run configurations, pinned evaluator versions
    // and the trace/session filter shape.
    let mut tmpl = experiment_task(&c, "Judge");
    tmpl["run_configuration"] = json!({
        "experiment_type": "TEMPLATE_EVALUATION", "ai_integration_id": c.integration,
        "template": "Is {{answer}} supported by {{context}}?", "provide_explanation": true,
        "classification_choices": {"supported": 1, "unsupported": 0},
        "column_mapping": {"answer": "output"}, "evaluator_version_id": c.hallucination_versions[0]
    });
    assert_eq!(
        api.create_task(&tmpl).await["run_configuration"]["template"],
        "Is {{answer}} supported by {{context}}?"
    );
    let mut agent = experiment_task(&c, "Agent");
    agent["run_configuration"] = json!({"experiment_type": "AGENT_CALL", "integration_id": "QWdlbnQ6MTpBYkNk", "input_template": {"q": "{{question}}"}});
    assert_eq!(
        api.create_task(&agent).await["run_configuration"]["experiment_type"],
        "AGENT_CALL"
    );
    let mut pinned = project_task(&c, "Pinned");
    pinned["evaluators"][0]["evaluator_version_id"] = json!(c.hallucination_versions[0]);
    let p = api.create_task(&pinned).await;
    assert_eq!(
        p["evaluators"][0]["evaluator_version_id"],
        c.hallucination_versions[0].as_str()
    );
    let trace = json!({
        "type": "TEMPLATE_EVALUATION", "name": "Sessions", "project_id": c.project,
        "query_filters": {"filters": [{"id": "A", "filter": "span_kind = 'LLM'"}]},
        "evaluators": [{"evaluator_id": c.hallucination, "query_mappings": [
            {"variable_name": "input", "query_ids": ["A"], "attribute_path": "attributes.input.value"}
        ]}]
    });
    let s = api.create_task(&trace).await;
    assert_eq!(s["query_filters"]["expression"], "A");
    assert_eq!(s["query_filter"], Value::Null);
    assert_eq!(
        s["evaluators"][0]["query_mappings"][0]["query_ids"],
        json!(["A"])
    );
}

fn set(mut body: Value, key: &str, v: Value) -> Value {
    body[key] = v;
    body
}

fn without(mut body: Value, key: &str) -> Value {
    body.as_object_mut().unwrap().remove(key);
    body
}

/// Every row of API.md §4.8's validation table.
#[tokio::test]
async fn create_validation_table() {
    let api = start().await;
    let c = api.prod();
    let g = api.content("Globex Research", "production");
    let p = project_task(&c, "p");
    let d = dataset_task(&c, "d");
    let x = experiment_task(&c, "x");
    let rc = x["run_configuration"].clone();
    let ev = json!({"evaluator_id": c.hallucination});
    let cases: Vec<(&str, Value, u16)> = vec![
        ("missing type", without(p.clone(), "type"), 400),
        (
            "unknown type",
            set(p.clone(), "type", json!("LLM_EVALUATION")),
            400,
        ),
        (
            "lower-case type (strict)",
            set(p.clone(), "type", json!("template_evaluation")),
            400,
        ),
        ("missing name", without(p.clone(), "name"), 400),
        ("empty name", set(p.clone(), "name", json!("")), 400),
        ("no evaluators", without(p.clone(), "evaluators"), 400),
        (
            "empty evaluators",
            set(p.clone(), "evaluators", json!([])),
            400,
        ),
        (
            "duplicate evaluator",
            set(p.clone(), "evaluators", json!([ev, ev])),
            400,
        ),
        (
            "evaluator without id",
            set(p.clone(), "evaluators", json!([{"query_filter": "x"}])),
            400,
        ),
        (
            "both project and dataset",
            set(p.clone(), "dataset_id", json!(c.dataset)),
            400,
        ),
        (
            "neither project nor dataset",
            without(p.clone(), "project_id"),
            400,
        ),
        (
            "dataset without experiment_ids",
            without(d.clone(), "experiment_ids"),
            400,
        ),
        (
            "dataset with empty experiment_ids",
            set(d.clone(), "experiment_ids", json!([])),
            400,
        ),
        (
            "experiment_ids on a project task",
            set(p.clone(), "experiment_ids", json!([c.baseline])),
            400,
        ),
        (
            "sampling_rate on a dataset task",
            set(d.clone(), "sampling_rate", json!(0.5)),
            400,
        ),
        (
            "continuous dataset task",
            set(d.clone(), "is_continuous", json!(true)),
            400,
        ),
        (
            "sampling_rate above 1",
            set(p.clone(), "sampling_rate", json!(1.5)),
            400,
        ),
        (
            "sampling_rate below 0",
            set(p.clone(), "sampling_rate", json!(-0.1)),
            400,
        ),
        (
            "sampling_rate not a number",
            set(p.clone(), "sampling_rate", json!("half")),
            400,
        ),
        (
            "RUN_EXPERIMENT with project_id",
            set(x.clone(), "project_id", json!(c.project)),
            400,
        ),
        (
            "RUN_EXPERIMENT without dataset_id",
            without(x.clone(), "dataset_id"),
            400,
        ),
        (
            "RUN_EXPERIMENT without run_configuration",
            without(x.clone(), "run_configuration"),
            400,
        ),
        (
            "RUN_EXPERIMENT with evaluators",
            set(x.clone(), "evaluators", json!([ev])),
            400,
        ),
        (
            "RUN_EXPERIMENT with experiment_ids",
            set(x.clone(), "experiment_ids", json!([c.baseline])),
            400,
        ),
        (
            "RUN_EXPERIMENT with sampling_rate",
            set(x.clone(), "sampling_rate", json!(0.1)),
            400,
        ),
        (
            "RUN_EXPERIMENT with is_continuous",
            set(x.clone(), "is_continuous", json!(false)),
            400,
        ),
        (
            "RUN_EXPERIMENT with query_filter",
            set(x.clone(), "query_filter", json!("a")),
            400,
        ),
        (
            "run_configuration on an eval type",
            set(p.clone(), "run_configuration", rc.clone()),
            400,
        ),
        (
            "bad experiment_type",
            set(
                x.clone(),
                "run_configuration",
                set(rc.clone(), "experiment_type", json!("LLM")),
            ),
            400,
        ),
        (
            "no messages",
            set(
                x.clone(),
                "run_configuration",
                set(rc.clone(), "messages", json!([])),
            ),
            400,
        ),
        (
            "missing input_variable_format",
            set(
                x.clone(),
                "run_configuration",
                without(rc.clone(), "input_variable_format"),
            ),
            400,
        ),
        (
            "bad message role",
            set(
                x.clone(),
                "run_configuration",
                set(rc.clone(), "messages", json!([{"role": "user"}])),
            ),
            400,
        ),
        (
            "unknown run_configuration field",
            set(
                x.clone(),
                "run_configuration",
                set(rc.clone(), "llm", json!(1)),
            ),
            400,
        ),
        ("system field id", set(p.clone(), "id", json!("x")), 400),
        (
            "system field created_at",
            set(p.clone(), "created_at", json!("2026-01-01T00:00:00Z")),
            400,
        ),
        ("unknown field", set(p.clone(), "owner", json!("me")), 400),
        (
            "query_filter with query_filters",
            set(
                p.clone(),
                "query_filters",
                json!({"filters": [{"id": "A", "filter": "x"}]}),
            ),
            400,
        ),
        (
            "unknown project",
            set(p.clone(), "project_id", json!("TW9kZWw6OTk5OTpYWFhY")),
            404,
        ),
        (
            "unknown dataset",
            set(d.clone(), "dataset_id", json!("nope")),
            404,
        ),
        (
            "unknown evaluator",
            set(p.clone(), "evaluators", json!([{"evaluator_id": "nope"}])),
            404,
        ),
        (
            "unknown experiment",
            set(d.clone(), "experiment_ids", json!(["nope"])),
            404,
        ),
        (
            "unknown AI integration",
            set(
                x.clone(),
                "run_configuration",
                set(rc.clone(), "ai_integration_id", json!("nope")),
            ),
            404,
        ),
        (
            "experiment of another dataset",
            set(d.clone(), "experiment_ids", json!([g.baseline])),
            422,
        ),
        (
            "evaluator of another space",
            set(
                p.clone(),
                "evaluators",
                json!([{"evaluator_id": g.hallucination}]),
            ),
            422,
        ),
        (
            "evaluator version of another evaluator",
            set(
                p.clone(),
                "evaluators",
                json!([{"evaluator_id": c.json_validity, "evaluator_version_id": c.hallucination_versions[0]}]),
            ),
            422,
        ),
        (
            "AI integration of another space",
            set(
                x.clone(),
                "run_configuration",
                set(rc.clone(), "ai_integration_id", json!(g.integration)),
            ),
            422,
        ),
    ];
    for (what, body, status) in cases {
        let r = api.post(ADMIN, "/v2/tasks", &body).await;
        assert_eq!(r.status, status, "{what}: {}", r.text);
        r.assert_problem(status);
    }
    // Malformed JSON, non-object bodies.
    for raw in ["{", "[]", ""] {
        api.send(reqwest::Method::POST, Some(ADMIN), "/v2/tasks", Some(raw))
            .await
            .assert_problem(400);
    }
    // Invisible project (Globex) for an Acme member: 404; read-only caller: 403.
    api.post(
        MEMBER,
        "/v2/tasks",
        &set(p.clone(), "project_id", json!(g.project)),
    )
    .await
    .assert_problem(404);
    api.post(READ_ONLY, "/v2/tasks", &p)
        .await
        .assert_problem(403);
    // Duplicate name in the space: 400; the same name in another space is fine.
    api.create_task(&p).await;
    let r = api.post(ADMIN, "/v2/tasks", &dataset_task(&c, "p")).await;
    r.assert_problem(400);
    assert!(r.body["detail"]
        .as_str()
        .unwrap()
        .contains("already exists"));
    api.create_task(&project_task(&g, "p")).await;
    // Nothing but the two valid tasks was created (the rest are the seeded ones).
    let mut made = names(&api.get(ADMIN, "/v2/tasks").await, "tasks");
    made.truncate(made.len() - api.seed["tasks"].as_array().unwrap().len());
    assert_eq!(made, ["p", "p"]);
}

#[tokio::test]
async fn lenient_mode_accepts_lower_case_enums() {
    let api = start_with(EmulatorOptions {
        lenient: true,
        ..Default::default()
    })
    .await;
    let c = api.prod();
    let mut x = experiment_task(&c, "lenient");
    x["type"] = json!("run_experiment");
    x["run_configuration"]["experiment_type"] = json!("llm_generation");
    x["run_configuration"]["input_variable_format"] = json!("mustache");
    x["run_configuration"]["messages"][0]["role"] = json!("system");
    let t = api.create_task(&x).await;
    assert_eq!(t["type"], "RUN_EXPERIMENT");
    assert_eq!(t["run_configuration"]["experiment_type"], "LLM_GENERATION");
    assert_eq!(t["run_configuration"]["messages"][0]["role"], "SYSTEM");
    let r = api
        .get(
            ADMIN,
            &format!("/v2/tasks?type=run_experiment&space_id={}", c.space),
        )
        .await;
    assert_eq!(
        names(&r, "tasks"),
        ["lenient", "support-answers-gpt-4o-mini"]
    );
}
