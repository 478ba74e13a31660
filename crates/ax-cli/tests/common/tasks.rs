//! Seeded resources and helpers shared by the `ax tasks` tests.

use serde_json::Value;

use super::{Env, Out};

/// IDs of the seeded production space and its project, dataset, evaluators, experiment and
/// AI integration.
pub struct Seeded {
    pub space: String,
    pub evaluator: String,
    pub code_evaluator: String,
    pub experiment: String,
    pub integration: String,
}

pub fn seeded(env: &Env) -> Seeded {
    let seed = env.seed();
    let space = env.seed_id("spaces", "production");
    let in_space = |kind: &str, name: &str| -> String {
        seed[kind]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name && v["space_id"] == space.as_str())
            .unwrap_or_else(|| panic!("no {kind} {name}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    Seeded {
        evaluator: in_space("evaluators", "hallucination"),
        code_evaluator: in_space("evaluators", "json-validity"),
        experiment: in_space("experiments", "baseline"),
        integration: in_space("ai_integrations", "openai-default"),
        space,
    }
}

/// A data window start one day ago, without an offset (taken as UTC).
pub fn yesterday() -> String {
    (chrono::Utc::now() - chrono::Duration::days(1))
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// `ax tasks trigger-run TASK --data-start-time <yesterday> -o json`, which must succeed.
pub fn trigger(env: &Env, task_id: &str) -> Out {
    let out = env.ax(&[
        "tasks",
        "trigger-run",
        task_id,
        "--data-start-time",
        &yesterday(),
        "-o",
        "json",
    ]);
    out.ok();
    out
}

pub fn create_project_task(env: &Env, s: &Seeded, name: &str) -> Value {
    let evaluators = format!(
        r#"[{{"evaluator_id": "{}", "query_filter": null}}]"#,
        s.evaluator
    );
    let out = env.ax(&[
        "tasks",
        "create",
        "-n",
        name,
        "--task-type",
        "Template-Evaluation",
        "--project",
        "support-bot",
        "-s",
        &s.space,
        "--evaluators",
        &evaluators,
        "--sampling-rate",
        "0.25",
        "--is-continuous",
        "--query-filter",
        "status = 'ok'",
        "-o",
        "json",
    ]);
    out.ok();
    out.json()
}
