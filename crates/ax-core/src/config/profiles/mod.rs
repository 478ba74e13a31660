//! The official CLI's profiles (arize-ax-cli): `~/.arize/profiles/<name>.toml`, the active
//! one named in `~/.arize/.active_profile`. Read, validated and written in that format, so
//! the official CLI and arize-ax share them.
//!
//! - [`ProfileStore`]: list, load (with `${VAR}` expansion), save, delete, the active one,
//!   and [`ProfileStore::select`] (explicit name, else `AX_PROFILE`, else the active one).
//! - [`ProfileDoc`]: one file's content, as the official schema models it.
//! - [`Profile`]: a loaded, expanded profile and its [`ProfileLayer`] for
//!   [`Config::resolve`](crate::Config::resolve).

mod schema;
mod store;
mod write;

use std::path::PathBuf;

pub use schema::{expand, has_reference, is_reference, OUTPUT_FORMATS};
pub use store::{home_dir, readable_by_others, valid_new_name, ProfileStore, Selected, Selection};

use super::region::Region;
use super::{ProfileKey, ProfileLayer};
use crate::secret::Secret;

/// `[auth] auth_method`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMethod {
    ApiKey,
    OAuth,
}

impl AuthMethod {
    /// `api-key` or `oauth`, as written in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::ApiKey => "api-key",
            AuthMethod::OAuth => "oauth",
        }
    }
}

/// The OAuth tokens of a profile signed in with the official CLI: kept as written, never
/// shown.
#[derive(Clone, PartialEq)]
pub struct OAuthTokens(pub toml::Table);

impl std::fmt::Debug for OAuthTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OAuthTokens(***)")
    }
}

/// A value the official schema types as `int | str` (or `bool | str`): kept as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Scalar {
    /// For error messages: strings quoted.
    pub fn shown(&self) -> String {
        match self {
            Scalar::Text(s) => format!("'{s}'"),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }

    /// The value as plain text (`8080`, `true`).
    pub fn text(&self) -> String {
        match self {
            Scalar::Text(s) => s.clone(),
            other => other.shown(),
        }
    }

    /// True for an empty string (an unset value in the official files).
    pub fn is_blank(&self) -> bool {
        matches!(self, Scalar::Text(s) if s.trim().is_empty())
    }

    fn as_port(&self) -> Option<u16> {
        match self {
            Scalar::Int(i) => u16::try_from(*i).ok(),
            Scalar::Text(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

/// `[routing]`; an empty string is an unset value (as the official files have it).
#[derive(Clone, Debug, PartialEq)]
pub struct RoutingDoc {
    pub region: String,
    pub single_host: String,
    pub single_port: Scalar,
    pub base_domain: String,
    pub api_host: String,
    pub api_scheme: String,
    pub app_host: String,
    pub app_scheme: String,
    pub otlp_host: String,
    pub otlp_scheme: String,
    pub flight_host: String,
    pub flight_port: Scalar,
    pub flight_scheme: String,
}

impl Default for RoutingDoc {
    /// The official defaults.
    fn default() -> Self {
        RoutingDoc {
            region: String::new(),
            single_host: String::new(),
            single_port: Scalar::Text(String::new()),
            base_domain: String::new(),
            api_host: "api.arize.com".into(),
            api_scheme: "https".into(),
            app_host: "app.arize.com".into(),
            app_scheme: "https".into(),
            otlp_host: "otlp.arize.com".into(),
            otlp_scheme: "https".into(),
            flight_host: "flight.arize.com".into(),
            flight_port: Scalar::Text("443".into()),
            flight_scheme: "grpc+tls".into(),
        }
    }
}

impl RoutingDoc {
    fn text_fields_mut(&mut self) -> [(&'static str, &mut String); 11] {
        [
            ("region", &mut self.region),
            ("single_host", &mut self.single_host),
            ("base_domain", &mut self.base_domain),
            ("api_host", &mut self.api_host),
            ("api_scheme", &mut self.api_scheme),
            ("app_host", &mut self.app_host),
            ("app_scheme", &mut self.app_scheme),
            ("otlp_host", &mut self.otlp_host),
            ("otlp_scheme", &mut self.otlp_scheme),
            ("flight_host", &mut self.flight_host),
            ("flight_scheme", &mut self.flight_scheme),
        ]
    }

    /// `region='eu-west-1a'`, ... for the routing options that are set.
    pub fn overrides_given(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.region.is_empty() {
            out.push(format!("region='{}'", self.region));
        }
        if !self.single_host.is_empty() {
            out.push(format!("single_host='{}'", self.single_host));
        }
        if !self.single_port.is_blank() {
            out.push(format!("single_port={}", self.single_port.shown()));
        }
        if !self.base_domain.is_empty() {
            out.push(format!("base_domain='{}'", self.base_domain));
        }
        out
    }

    /// A one-line description of where REST calls go.
    pub fn endpoint(&self) -> String {
        if !self.region.is_empty() {
            return format!("region {}", self.region);
        }
        let port = match &self.single_port {
            p if p.is_blank() => String::new(),
            p => format!(":{}", p.text()),
        };
        if !self.single_host.is_empty() {
            return format!("{}://{}{port}", self.api_scheme, self.single_host);
        }
        if !self.base_domain.is_empty() {
            return format!("{}://api.{}{port}", self.api_scheme, self.base_domain);
        }
        format!("{}://{}{port}", self.api_scheme, self.api_host)
    }
}

/// The `[transport]` keys, in file order, with their official defaults.
pub const TRANSPORT_KEYS: [(&str, i64); 4] = [
    ("stream_max_workers", 8),
    ("stream_max_queue_bound", 5000),
    ("pyarrow_max_chunksize", 10000),
    ("max_http_payload_size_mb", 8),
];

/// One profile file's content, as the official schema models it (defaults filled in).
/// Values may still hold `${VAR}` references unless it came from [`ProfileStore::load`].
/// `Debug` never shows the key or tokens.
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileDoc {
    pub name: String,
    pub auth_method: AuthMethod,
    pub api_key: Option<Secret>,
    pub oauth: Option<OAuthTokens>,
    pub routing: RoutingDoc,
    /// `[transport]`: accepted, checked, written back; no effect on REST.
    pub transport: Vec<(&'static str, Scalar)>,
    /// `[security] request_verify`: a boolean or a string such as `${ARIZE_REQUEST_VERIFY}`.
    pub request_verify: Scalar,
    /// `[output] format`.
    pub output_format: String,
    pub update_interval_hours: f64,
    pub update_enabled: bool,
}

impl ProfileDoc {
    fn new(
        name: String,
        auth_method: AuthMethod,
        api_key: Option<Secret>,
        oauth: Option<OAuthTokens>,
        routing: RoutingDoc,
    ) -> ProfileDoc {
        ProfileDoc {
            name,
            auth_method,
            api_key,
            oauth,
            routing,
            transport: TRANSPORT_KEYS
                .iter()
                .map(|(k, v)| (*k, Scalar::Int(*v)))
                .collect(),
            request_verify: Scalar::Bool(true),
            output_format: "table".into(),
            update_interval_hours: 6.0,
            update_enabled: true,
        }
    }

    /// A new API-key profile with the official defaults.
    pub fn api_key_profile(name: impl Into<String>, api_key: impl Into<String>) -> ProfileDoc {
        ProfileDoc::new(
            name.into(),
            AuthMethod::ApiKey,
            Some(Secret::new(api_key.into())),
            None,
            RoutingDoc::default(),
        )
    }

    /// Validates a TOML text in the official format (as `ax profiles create --from-file`
    /// does: `${VAR}` references are kept, `name` replaces `[profile] name`). `label`
    /// names the file in errors.
    pub fn from_toml(text: &str, label: &str, name: Option<&str>) -> crate::Result<ProfileDoc> {
        let table = schema::parse_toml(text, std::path::Path::new(label))?;
        let src = schema::Source {
            label: &format!("file {label}"),
            expanded: false,
        };
        schema::parse_doc(&src, &table, name)
    }

    /// Re-validates after changes (e.g. flags applied on top): the same checks as loading.
    pub fn validate(&self, label: &str) -> crate::Result<ProfileDoc> {
        let text = self.to_toml();
        let table = schema::parse_toml(&text, std::path::Path::new(label))?;
        let src = schema::Source {
            label,
            expanded: false,
        };
        schema::parse_doc(&src, &table, Some(&self.name))
    }

    /// The file text, exactly as the official CLI writes it (tomli_w of the model without
    /// empty values).
    pub fn to_toml(&self) -> String {
        write::to_toml(self)
    }

    /// True for a profile whose key is a `${VAR}` reference (shown as is).
    pub fn key_is_reference(&self) -> bool {
        self.api_key
            .as_ref()
            .is_some_and(|k| is_reference(k.expose()))
    }
}

/// A loaded profile: expanded and validated.
#[derive(Clone, Debug)]
pub struct Profile {
    pub name: String,
    pub path: PathBuf,
    pub doc: ProfileDoc,
}

impl Profile {
    /// `profile 'x' (/home/me/.arize/profiles/x.toml)`.
    pub fn label(&self) -> String {
        format!("profile '{}' ({})", self.name, self.path.display())
    }

    /// True for an OAuth profile (arize-ax cannot use its tokens).
    pub fn is_oauth(&self) -> bool {
        self.doc.auth_method == AuthMethod::OAuth
    }

    /// The default output format (`[output] format`).
    pub fn output_format(&self) -> &str {
        &self.doc.output_format
    }

    /// What this profile contributes to [`Config::resolve`](crate::Config::resolve).
    pub fn layer(&self) -> ProfileLayer {
        let r = &self.doc.routing;
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let api_key = match (&self.doc.auth_method, &self.doc.api_key) {
            (AuthMethod::ApiKey, Some(k)) => ProfileKey::Key(k.clone()),
            (AuthMethod::OAuth, _) => ProfileKey::Unavailable(format!(
                "{} uses OAuth (browser login); arize-ax supports API-key profiles only: pass --api-key / api_key=..., set ARIZE_API_KEY, or create an API-key profile (ax profiles create NAME --api-key KEY)",
                self.label()
            )),
            _ => ProfileKey::None,
        };
        ProfileLayer {
            source: self.label(),
            routing_section: true,
            api_key,
            base_url: None,
            region: text(&r.region).map(|v| {
                Region::parse(&v)
                    .map(|r| r.as_str().to_owned())
                    .unwrap_or(v)
            }),
            host: text(&r.api_host),
            scheme: text(&r.api_scheme),
            port: None,
            single_host: text(&r.single_host),
            single_port: r.single_port.as_port().filter(|p| *p != 0),
            base_domain: text(&r.base_domain),
            request_verify: schema::boolean(&self.doc.request_verify),
        }
    }
}
