//! `ax profiles show` and `list`: every setting of one profile, or one line per profile
//! with the file it comes from. Keys are masked unless they are `${VAR}` references.

use ax_core::config::profiles::{is_reference, ProfileDoc, Scalar, TRANSPORT_KEYS};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Value};

use crate::cli::OutputArgs;
use crate::config::{mask, process_env, ActiveFrom, Profile, Profiles};
use crate::error::CliError;
use crate::output::{self, Target, View};
use crate::table::{col, Kind};

const PROFILES_VIEW: View = View {
    collection: "profiles",
    columns: &[
        col("name", Kind::Id),
        col("active", Kind::Id),
        col("endpoint", Kind::Text),
        col("api_key", Kind::Text),
        col("output", Kind::Text),
        col("file", Kind::Text),
    ],
    decode: None,
};

const PROFILE_VIEW: View = View {
    collection: "profile",
    columns: &[],
    decode: None,
};

/// An object whose keys keep their order.
struct Ordered(Vec<(&'static str, Value)>);

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

fn config_err(e: ax_core::Error) -> CliError {
    match e {
        ax_core::Error::Config(m) => CliError::Config(m),
        other => CliError::Core(other),
    }
}

fn scalar(v: &Scalar) -> Value {
    match v {
        Scalar::Text(s) => json!(s),
        Scalar::Int(i) => json!(i),
        Scalar::Float(f) => json!(f),
        Scalar::Bool(b) => json!(b),
    }
}

/// The key as shown: a `${VAR}` reference as written, anything else masked.
fn shown_key(doc: &ProfileDoc) -> Value {
    match &doc.api_key {
        Some(k) if is_reference(k.expose()) => json!(k.expose()),
        Some(k) => json!(mask(k.expose())),
        None => Value::Null,
    }
}

fn official_rows(doc: &ProfileDoc, all: bool) -> Vec<(&'static str, Value)> {
    let r = &doc.routing;
    let mut rows = vec![
        ("auth_method", json!(doc.auth_method.as_str())),
        ("api_key", shown_key(doc)),
    ];
    if let Some(tokens) = &doc.oauth {
        let user = tokens.0.get("user_email").and_then(|v| v.as_str());
        rows.push(("oauth_user", json!(user)));
    }
    rows.push(("output_format", json!(doc.output_format)));
    rows.push(("endpoint", json!(r.endpoint())));
    for (key, value) in [
        ("region", json!(r.region)),
        ("single_host", json!(r.single_host)),
        ("single_port", scalar(&r.single_port)),
        ("base_domain", json!(r.base_domain)),
    ] {
        if all || value.as_str() != Some("") {
            rows.push((key, value));
        }
    }
    rows.push(("api_host", json!(r.api_host)));
    rows.push(("api_scheme", json!(r.api_scheme)));
    rows.push(("request_verify", scalar(&doc.request_verify)));
    if all {
        for (key, value) in [
            ("app_host", json!(r.app_host)),
            ("app_scheme", json!(r.app_scheme)),
            ("otlp_host", json!(r.otlp_host)),
            ("otlp_scheme", json!(r.otlp_scheme)),
            ("flight_host", json!(r.flight_host)),
            ("flight_port", scalar(&r.flight_port)),
            ("flight_scheme", json!(r.flight_scheme)),
        ] {
            rows.push((key, value));
        }
        for ((key, _), (_, value)) in TRANSPORT_KEYS.iter().zip(&doc.transport) {
            rows.push((key, scalar(value)));
        }
        rows.push((
            "update_check_interval_hours",
            json!(doc.update_interval_hours),
        ));
        rows.push(("update_enabled", json!(doc.update_enabled)));
    }
    rows
}

fn legacy_rows(p: &Profile) -> Vec<(&'static str, Value)> {
    vec![
        ("api_key", json!(p.api_key.as_deref().map(mask))),
        ("api_key_env", json!(p.api_key_env)),
        ("output", json!(p.output)),
        ("endpoint", json!(p.endpoint())),
        ("region", json!(p.region)),
        ("base_url", json!(p.base_url)),
        ("host", json!(p.host)),
        ("scheme", json!(p.scheme)),
        ("port", json!(p.port)),
    ]
}

/// `ax profiles show NAME [--all] [--expand]`.
pub fn show(
    p: &Profiles,
    name: &str,
    all: bool,
    expand: bool,
    o: &OutputArgs,
) -> Result<(), CliError> {
    let target = Target::parse(o.output.as_deref(), None)?;
    target.check()?;
    let active = p.active()?;
    let is_active = |from: ActiveFrom| active.as_ref() == Some(&(name.to_owned(), from));
    let mut rows = vec![("name", json!(name))];
    match (p.in_official(name), p.in_legacy(name)) {
        (true, true) => return Err(p.conflict(name)),
        (true, false) => {
            let store = p.official.as_ref().expect("official store");
            let doc = if expand {
                store.load(name, &process_env).map_err(config_err)?.doc
            } else {
                store.read(name).map_err(config_err)?
            };
            rows.push(("active", json!(is_active(ActiveFrom::Official))));
            rows.push(("file", json!(store.path(name).display().to_string())));
            rows.push(("format", json!("official")));
            rows.extend(official_rows(&doc, all));
        }
        (false, true) => {
            rows.push(("active", json!(is_active(ActiveFrom::Legacy))));
            rows.push(("file", json!(p.legacy_shown())));
            rows.push(("format", json!("arize-ax (older)")));
            rows.extend(legacy_rows(&p.legacy.profiles[name]));
        }
        (false, false) => return Err(p.missing(&format!("profile '{name}'"))?),
    }
    output::object(&target, &PROFILE_VIEW, &Ordered(rows))
}

/// `ax profiles list`: both files, the active profile marked with `*`.
pub fn list(p: &Profiles, o: &OutputArgs) -> Result<(), CliError> {
    let target = Target::parse(o.output.as_deref(), None)?;
    target.check()?;
    let active = p.active()?;
    let mark = |name: &str, from: ActiveFrom| {
        if active.as_ref() == Some(&(name.to_owned(), from)) {
            "*"
        } else {
            ""
        }
    };
    let mut items = Vec::new();
    if let Some(store) = &p.official {
        for name in p.official_names()? {
            let (endpoint, key, out) = match store.read(&name) {
                Ok(doc) => (
                    doc.routing.endpoint(),
                    if doc.api_key.is_none() {
                        json!("oauth")
                    } else {
                        shown_key(&doc)
                    },
                    doc.output_format.clone(),
                ),
                Err(_) => (
                    format!("invalid (see `ax profiles validate {name}`)"),
                    json!("?"),
                    String::new(),
                ),
            };
            items.push(json!({
                "name": name,
                "active": mark(&name, ActiveFrom::Official),
                "endpoint": endpoint,
                "api_key": key,
                "output": out,
                "file": store.path(&name).display().to_string(),
            }));
        }
    }
    let legacy_file = p.legacy_shown();
    for (name, profile) in &p.legacy.profiles {
        if p.in_official(name) {
            eprintln!(
                "warning: profile '{name}' is defined in both profile files; using it is an error until one is removed"
            );
        }
        items.push(json!({
            "name": name,
            "active": mark(name, ActiveFrom::Legacy),
            "endpoint": profile.endpoint(),
            "api_key": profile.key_source(),
            "output": profile.output.as_deref().unwrap_or("table"),
            "file": legacy_file,
        }));
    }
    output::values(&target, &PROFILES_VIEW, items)
}
