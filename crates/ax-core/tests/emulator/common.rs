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
