//! A tiny client over loopback and helpers to find seeded objects.

use ax_emulator::{Emulator, EmulatorOptions, Seed};
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::Value;

pub const ADMIN: &str = "emulator-admin-key";
pub const MEMBER: &str = "emulator-member-key";
pub const READ_ONLY: &str = "emulator-readonly-key";
pub const ANNOTATOR: &str = "emulator-annotator-key";
pub const ORG2: &str = "emulator-org2-key";
pub const OUTSIDER: &str = "emulator-outsider-key";

/// A plain HTTP client for the tests.
pub fn http_client() -> reqwest::Client {
    // Already installed by another test: fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

pub struct Api {
    pub emu: Emulator,
    pub http: reqwest::Client,
    pub seed: Value,
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Resp {
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a problem body with this status.
    pub fn assert_problem(&self, status: u16) {
        assert_eq!(self.status, status, "body: {}", self.text);
        assert_eq!(self.content_type(), "application/problem+json");
        assert_eq!(self.body["status"], status);
        assert!(self.body["title"].is_string());
        assert!(self.body["type"]
            .as_str()
            .unwrap()
            .starts_with("https://arize.com/docs/ax/rest-reference/errors#"));
        assert!(self.body["instance"].as_str().unwrap().starts_with('/'));
    }
}

pub async fn start_with(opts: EmulatorOptions) -> Api {
    let emu = Emulator::start(opts).await.expect("start");
    let seed = emu.control().seed_info();
    Api {
        emu,
        http: http_client(),
        seed,
    }
}

pub async fn start() -> Api {
    start_with(EmulatorOptions::default()).await
}

/// The demo seed with the `/_emulator` control routes served.
pub async fn start_control() -> Api {
    start_with(EmulatorOptions {
        control: true,
        ..Default::default()
    })
    .await
}

pub async fn start_empty() -> Api {
    start_with(EmulatorOptions {
        seed: Seed::None,
        ..Default::default()
    })
    .await
}

impl Api {
    pub async fn send(
        &self,
        method: Method,
        key: Option<&str>,
        path: &str,
        body: Option<&str>,
    ) -> Resp {
        let mut req = self
            .http
            .request(method, format!("{}{}", self.emu.url(), path));
        if let Some(k) = key {
            req = req.header("Authorization", format!("Bearer {k}"));
        }
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(b.to_owned());
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::Null)
        };
        Resp {
            status,
            headers,
            text,
            body,
        }
    }

    pub async fn get(&self, key: &str, path: &str) -> Resp {
        self.send(Method::GET, Some(key), path, None).await
    }
    pub async fn post(&self, key: &str, path: &str, body: &Value) -> Resp {
        self.send(Method::POST, Some(key), path, Some(&body.to_string()))
            .await
    }
    pub async fn patch(&self, key: &str, path: &str, body: &Value) -> Resp {
        self.send(Method::PATCH, Some(key), path, Some(&body.to_string()))
            .await
    }
    pub async fn delete(&self, key: &str, path: &str) -> Resp {
        self.send(Method::DELETE, Some(key), path, None).await
    }

    pub fn org_id(&self, name: &str) -> String {
        find(&self.seed["organizations"], |o| o["name"] == name)
    }
    pub fn space_id(&self, org: &str, name: &str) -> String {
        let org_id = self.org_id(org);
        find(&self.seed["spaces"], |s| {
            s["name"] == name && s["organization_id"] == org_id.as_str()
        })
    }
    pub fn user_id(&self, email: &str) -> String {
        find(&self.seed["users"], |u| u["email"] == email)
    }
    pub fn custom_role(&self, org: &str) -> String {
        let org_id = self.org_id(org);
        find(&self.seed["custom_roles"], |r| {
            r["organization_id"] == org_id.as_str()
        })
    }
}

fn find(list: &Value, pred: impl Fn(&Value) -> bool) -> String {
    list.as_array()
        .unwrap()
        .iter()
        .find(|v| pred(v))
        .unwrap_or_else(|| panic!("not in seed: {list}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Names of the `key` collection in a list response.
pub fn names(resp: &Resp, key: &str) -> Vec<String> {
    resp.body[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key}: {}", resp.text))
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_owned())
        .collect()
}

/// IDs of one seeded space's content.
#[derive(Clone, Debug)]
pub struct Content {
    pub space: String,
    pub project: String,
    pub dataset: String,
    pub v1: String,
    pub v2: String,
    pub baseline: String,
    pub candidate: String,
    pub hallucination: String,
    pub hallucination_versions: Vec<String>,
    pub json_validity: String,
    pub integration: String,
}

fn child<'a>(seed: &'a Value, kind: &str, space: &str, name: &str) -> &'a Value {
    seed[kind]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["space_id"] == space && v["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} '{name}' in space {space}"))
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

impl Api {
    /// The seeded content of a space.
    pub fn content(&self, org: &str, space: &str) -> Content {
        let space = self.space_id(org, space);
        let s = &self.seed;
        let dataset = child(s, "datasets", &space, "golden-questions");
        let versions: Vec<String> = dataset["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(id_of)
            .collect();
        let hallucination = child(s, "evaluators", &space, "hallucination");
        Content {
            project: id_of(child(s, "projects", &space, "support-bot")),
            dataset: id_of(dataset),
            v1: versions[0].clone(),
            v2: versions[1].clone(),
            baseline: id_of(child(s, "experiments", &space, "baseline")),
            candidate: id_of(child(s, "experiments", &space, "candidate")),
            hallucination: id_of(hallucination),
            hallucination_versions: hallucination["versions"]
                .as_array()
                .unwrap()
                .iter()
                .map(id_of)
                .collect(),
            json_validity: id_of(child(s, "evaluators", &space, "json-validity")),
            integration: id_of(child(s, "ai_integrations", &space, "openai-default")),
            space,
        }
    }

    /// Acme's `production` space content.
    pub fn prod(&self) -> Content {
        self.content("Acme AI", "production")
    }

    /// Creates a task as the admin; panics unless 201.
    pub async fn create_task(&self, body: &Value) -> Value {
        let r = self.post(ADMIN, "/v2/tasks", body).await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.body
    }

    /// Deletes the seeded demo tasks (and their runs), for tests that count the tasks they
    /// create.
    pub async fn clear_seeded_tasks(&self) {
        for t in self.seed["tasks"].as_array().unwrap() {
            let path = format!("/v2/tasks/{}", t["id"].as_str().unwrap());
            let r = self.delete(ADMIN, &path).await;
            assert_eq!(r.status, 204, "{}", r.text);
        }
    }

    /// The seed info entry of the task named `name` in space `space`.
    pub fn seeded_task(&self, space: &str, name: &str) -> &Value {
        child(&self.seed, "tasks", space, name)
    }

    /// The seed info entries of a task's runs, oldest first.
    pub fn seeded_runs(&self, task: &str) -> Vec<&Value> {
        self.seed["task_runs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["task_id"] == task)
            .collect()
    }

    /// Sets a short run timeline.
    pub fn fast_runs(&self, pending_ms: u64, running_ms: u64) {
        self.emu
            .control()
            .set_run_timeline(ax_emulator::RunTimeline {
                pending_ms,
                running_ms,
                ..Default::default()
            });
    }
}

/// A project-based TEMPLATE_EVALUATION task body.
pub fn project_task(c: &Content, name: &str) -> Value {
    serde_json::json!({
        "type": "TEMPLATE_EVALUATION",
        "name": name,
        "project_id": c.project,
        "sampling_rate": 0.5,
        "is_continuous": true,
        "query_filter": "attributes.llm.model_name = 'gpt-4o'",
        "evaluators": [{
            "evaluator_id": c.hallucination,
            "column_mappings": {"input": "attributes.input.value", "output": "attributes.output.value"}
        }]
    })
}

/// A dataset-based CODE_EVALUATION task body.
pub fn dataset_task(c: &Content, name: &str) -> Value {
    serde_json::json!({
        "type": "CODE_EVALUATION",
        "name": name,
        "dataset_id": c.dataset,
        "experiment_ids": [c.baseline],
        "evaluators": [{"evaluator_id": c.json_validity, "query_filter": null, "column_mappings": null}]
    })
}

/// A RUN_EXPERIMENT (LLM_GENERATION) task body.
pub fn experiment_task(c: &Content, name: &str) -> Value {
    serde_json::json!({
        "type": "RUN_EXPERIMENT",
        "name": name,
        "dataset_id": c.dataset,
        "run_configuration": {
            "experiment_type": "LLM_GENERATION",
            "ai_integration_id": c.integration,
            "model_name": "gpt-4o-mini",
            "input_variable_format": "MUSTACHE",
            "messages": [
                {"role": "SYSTEM", "content": "Summarize in one sentence."},
                {"role": "USER", "content": "{{article}}"}
            ],
            "invocation_parameters": {"temperature": 0.2, "max_tokens": 256}
        }
    })
}

/// Sorted keys of a JSON object.
pub fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

/// Sorted field list for comparisons with `keys`.
pub fn fields(list: &[&str]) -> Vec<String> {
    let mut k: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
    k.sort();
    k
}

/// Follows `next_cursor` from `first` (a path with a query); returns every item of `key`.
pub async fn walk_all(api: &Api, key_: &str, first: &str, key: &str) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut path = first.to_owned();
    loop {
        let r = api.get(key_, &path).await;
        assert_eq!(r.status, 200, "{}", r.text);
        pages += 1;
        items.extend(r.body[key].as_array().unwrap().iter().cloned());
        let p = &r.body["pagination"];
        if p["has_more"] == false {
            assert!(p.get("next_cursor").is_none());
            break;
        }
        let sep = if first.contains('?') { '&' } else { '?' };
        path = format!("{first}{sep}cursor={}", p["next_cursor"].as_str().unwrap());
        assert!(pages < 10_000, "runaway pagination");
    }
    (items, pages)
}

/// Keys of a TaskRun.
pub const RUN_FIELDS: &[&str] = &[
    "id",
    "task_id",
    "experiment_id",
    "status",
    "run_started_at",
    "run_finished_at",
    "data_start_time",
    "data_end_time",
    "num_successes",
    "num_errors",
    "num_skipped",
    "created_at",
    "created_by_user_id",
    "failure_reason",
];

/// A task's ID.
pub fn tid(task: &Value) -> String {
    task["id"].as_str().unwrap().to_owned()
}

pub async fn trigger(api: &Api, task: &str, body: Value) -> Resp {
    api.post(ADMIN, &format!("/v2/tasks/{task}/trigger"), &body)
        .await
}

pub async fn get_run(api: &Api, run: &str) -> Value {
    let r = api.get(ADMIN, &format!("/v2/task-runs/{run}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}
