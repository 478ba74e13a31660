//! Shared helpers: start an emulator and build clients with fast retry settings.

use std::time::Duration;

use ax_core::{Client, Config, ConfigInput};
use ax_emulator::{Emulator, EmulatorOptions, RequestRecord};
use serde_json::Value;

pub struct Env {
    pub emu: Emulator,
    pub client: Client,
}

impl Env {
    pub async fn start() -> Env {
        let emu = Emulator::start(EmulatorOptions::default())
            .await
            .expect("emulator starts");
        let client = client_with(&emu, emu.admin_key(), |_| {});
        Env { emu, client }
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        self.emu.control().requests()
    }

    /// Requests matching a method and a path prefix.
    pub fn count(&self, method: &str, path_prefix: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == method && r.path.starts_with(path_prefix))
            .count()
    }

    pub fn seed(&self) -> Value {
        self.emu.control().seed_info()
    }

    /// Seeded ID of the organization named `name`.
    pub fn org_id(&self, name: &str) -> String {
        find_id(&self.seed()["organizations"], name)
    }

    /// Seeded IDs of the spaces named `name`.
    pub fn space_ids(&self, name: &str) -> Vec<String> {
        self.seed()["spaces"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["name"] == name)
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Seeded ID of the user with this e-mail.
    pub fn user_id(&self, email: &str) -> String {
        self.seed()["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == email)
            .map(|u| u["id"].as_str().unwrap().to_owned())
            .expect("seeded user")
    }
}

impl Env {
    /// Seeded ID of the only space named `name`.
    pub fn space_id(&self, name: &str) -> String {
        let ids = self.space_ids(name);
        assert_eq!(ids.len(), 1, "space name '{name}' is not unique");
        ids[0].clone()
    }

    /// Seeded ID of the `kind` (`projects`, `datasets`, `evaluators`, `experiments`,
    /// `ai_integrations`) named `name` in a space.
    pub fn seeded(&self, kind: &str, space_id: &str, name: &str) -> String {
        self.seed()[kind]
            .as_array()
            .unwrap_or_else(|| panic!("seed_info has no '{kind}'"))
            .iter()
            .find(|o| o["name"] == name && o["space_id"] == space_id)
            .map(|o| o["id"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("no seeded {kind} '{name}' in {space_id}"))
    }

    /// The number of requests logged so far.
    pub fn request_count(&self) -> usize {
        self.requests().len()
    }

    /// Makes runs triggered from now on finish after `pending_ms + running_ms`.
    pub fn timeline(
        &self,
        pending_ms: u64,
        running_ms: u64,
        failure_rate: f64,
        never_finish: bool,
    ) {
        self.emu
            .control()
            .set_run_timeline(ax_emulator::RunTimeline {
                pending_ms,
                running_ms,
                failure_rate,
                never_finish,
            });
    }
}

/// Names of the content seeded in every demo space.
pub const SPACE: &str = "staging";
pub const PROJECT: &str = "support-bot";
pub const DATASET: &str = "golden-questions";
pub const TEMPLATE_EVALUATOR: &str = "hallucination";
pub const CODE_EVALUATOR: &str = "json-validity";
pub const INTEGRATION: &str = "openai-default";

fn find_id(list: &Value, name: &str) -> String {
    list.as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == name)
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no seeded '{name}'"))
}

/// A client for `emu` with `key`, millisecond backoff, and `tweak` applied to the input.
pub fn client_with(
    emu: &Emulator,
    key: impl Into<String>,
    tweak: impl FnOnce(&mut ConfigInput),
) -> Client {
    let mut input = ConfigInput {
        api_key: Some(key.into()),
        base_url: Some(emu.url().to_string()),
        timeout: Some(Duration::from_secs(5)),
        total_timeout: Some(Duration::from_secs(20)),
        ..Default::default()
    };
    tweak(&mut input);
    let mut config = Config::resolve(input, &|_| None).expect("config");
    config.backoff_initial = Duration::from_millis(5);
    config.backoff_max = Duration::from_millis(20);
    Client::new(config).expect("client")
}
