//! A [`ProfileDoc`] as the official CLI writes it: `model_dump(mode="json",
//! exclude_none=True)` without empty strings, through tomli_w (sections in model order,
//! ports as strings, transport sizes as integers).

use std::fmt::Write as _;

use toml::Value;

use super::{ProfileDoc, Scalar};

fn value(v: &Scalar) -> Value {
    match v {
        Scalar::Text(s) => Value::String(s.clone()),
        Scalar::Int(i) => Value::Integer(*i),
        Scalar::Float(f) => Value::Float(*f),
        Scalar::Bool(b) => Value::Boolean(*b),
    }
}

/// Ports are `str` in the official schema: an integer is written as its text.
fn port(v: &Scalar) -> Value {
    match v {
        Scalar::Int(i) => Value::String(i.to_string()),
        other => value(other),
    }
}

struct Section<'a> {
    out: &'a mut String,
}

impl Section<'_> {
    fn open<'a>(out: &'a mut String, name: &str) -> Section<'a> {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "[{name}]");
        Section { out }
    }

    /// `key = value`, skipped for an empty string (as the official writer does).
    fn put(&mut self, key: &str, v: Value) {
        if matches!(&v, Value::String(s) if s.is_empty()) {
            return;
        }
        let _ = writeln!(self.out, "{} = {v}", bare_key(key));
    }
}

fn bare_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_owned()
    } else {
        Value::String(key.to_owned()).to_string()
    }
}

pub(super) fn to_toml(doc: &ProfileDoc) -> String {
    let mut out = String::new();
    Section::open(&mut out, "profile").put("name", Value::String(doc.name.clone()));

    let mut auth = Section::open(&mut out, "auth");
    auth.put(
        "auth_method",
        Value::String(doc.auth_method.as_str().into()),
    );
    if let Some(k) = &doc.api_key {
        auth.put("api_key", Value::String(k.expose().to_owned()));
    }
    if let Some(tokens) = &doc.oauth {
        let mut oauth = Section::open(&mut out, "auth.oauth");
        for (k, v) in tokens.0.iter() {
            oauth.put(k, v.clone());
        }
    }

    let r = &doc.routing;
    let mut routing = Section::open(&mut out, "routing");
    for (key, v) in [
        ("region", Value::String(r.region.clone())),
        ("single_host", Value::String(r.single_host.clone())),
        ("single_port", port(&r.single_port)),
        ("base_domain", Value::String(r.base_domain.clone())),
        ("api_host", Value::String(r.api_host.clone())),
        ("api_scheme", Value::String(r.api_scheme.clone())),
        ("app_host", Value::String(r.app_host.clone())),
        ("app_scheme", Value::String(r.app_scheme.clone())),
        ("otlp_host", Value::String(r.otlp_host.clone())),
        ("otlp_scheme", Value::String(r.otlp_scheme.clone())),
        ("flight_host", Value::String(r.flight_host.clone())),
        ("flight_port", port(&r.flight_port)),
        ("flight_scheme", Value::String(r.flight_scheme.clone())),
    ] {
        routing.put(key, v);
    }

    let mut transport = Section::open(&mut out, "transport");
    for (key, v) in &doc.transport {
        transport.put(key, value(v));
    }

    Section::open(&mut out, "security").put("request_verify", value(&doc.request_verify));
    Section::open(&mut out, "output").put("format", Value::String(doc.output_format.clone()));

    let mut update = Section::open(&mut out, "update");
    update.put(
        "check_interval_hours",
        Value::Float(doc.update_interval_hours),
    );
    update.put("enabled", Value::Boolean(doc.update_enabled));
    out
}
