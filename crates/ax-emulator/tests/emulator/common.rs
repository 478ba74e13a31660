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
