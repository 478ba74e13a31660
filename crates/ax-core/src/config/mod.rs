//! Client configuration: explicit input > environment > profile > defaults (API.md §1.1,
//! §6.5).
//!
//! - [`ConfigInput`] holds the explicit settings and, optionally, a [`ProfileLayer`] (the
//!   settings of a profile, from [`profiles`]); [`Config::resolve`] combines them with the
//!   environment.
//! - [`tls`]: CA bundle and proxy; [`region`]: regions; `endpoint`: the REST URL.

mod endpoint;
pub mod profiles;
mod region;
pub mod tls;

#[cfg(test)]
mod tests_endpoint;
#[cfg(test)]
mod tests_profiles;
#[cfg(test)]
mod tests_resolve;
#[cfg(test)]
mod tests_store;
#[cfg(test)]
mod tests_tls;

use std::path::{Path, PathBuf};
use std::time::Duration;

use url::Url;

use crate::error::{Error, Result};
use crate::secret::Secret;
use endpoint::{is_loopback, resolve_endpoint, EndpointLayer};

pub use region::Region;
pub(crate) use tls::redact_userinfo;
pub use tls::{CaBundle, ProxyConfig};

/// Default global API host.
pub const DEFAULT_HOST: &str = "api.arize.com";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(120);
const DEFAULT_MAX_RETRIES: u32 = 3;
const DEFAULT_BACKOFF_INITIAL: Duration = Duration::from_millis(500);
const DEFAULT_BACKOFF_MAX: Duration = Duration::from_secs(8);
const MAX_MAX_RETRIES: u32 = 100;

/// Caller-supplied settings; every field is optional and falls back to the environment,
/// then to the profile (if any), then to the defaults.
#[derive(Default, Clone)]
pub struct ConfigInput {
    pub api_key: Option<String>,
    /// A region value (`eu-west-1a`), SDK enum name (`EU_WEST_1A`) or alias (`EU`).
    pub region: Option<String>,
    /// Shortcut such as `http://127.0.0.1:8080` (a trailing `/v2` is accepted). Excludes
    /// every other endpoint setting.
    pub base_url: Option<String>,
    /// The API host (the SDK's `api_host`).
    pub host: Option<String>,
    /// `http` or `https` (the SDK's `api_scheme`).
    pub scheme: Option<String>,
    /// The API port, 0 = the scheme's default (the SDK's `api_port`).
    pub port: Option<u16>,
    /// One host for every endpoint (replaces the API host; env `ARIZE_SINGLE_HOST`).
    pub single_host: Option<String>,
    /// One port for every endpoint; the REST port only when no API port is set (env
    /// `ARIZE_SINGLE_PORT`; 0 = unset).
    pub single_port: Option<u16>,
    /// Private Connect base domain: the API host becomes `api.<domain>` (env
    /// `ARIZE_BASE_DOMAIN`).
    pub base_domain: Option<String>,
    /// Per-attempt timeout (default 30 s).
    pub timeout: Option<Duration>,
    /// Whole-call budget including retries and backoff (default 120 s).
    pub total_timeout: Option<Duration>,
    /// Retries after the first attempt (default 3).
    pub max_retries: Option<u32>,
    /// A ceiling on this client's request rate, in requests per second, shared by every
    /// thread and task using it (env `ARIZE_MAX_REQUESTS_PER_SECOND`; default none).
    pub max_requests_per_second: Option<f64>,
    /// Allow sending the key over plain `http://` to a non-loopback host (default false).
    pub allow_insecure_http: Option<bool>,
    /// Upper bound of the first retry's backoff (default 0.5 s); it doubles per retry up to
    /// `backoff_max`, and each delay is drawn uniformly below that bound (full jitter).
    pub backoff_initial: Option<Duration>,
    /// Cap of the backoff (default 8 s); never below `backoff_initial`.
    pub backoff_max: Option<Duration>,
    /// Verify TLS certificates (env `ARIZE_REQUEST_VERIFY`, default true). When false, any
    /// certificate is accepted and no CA bundle is used.
    pub request_verify: Option<bool>,
    /// PEM CA bundle to trust instead of the system store (env `ARIZE_SSL_CA_CERT`, then
    /// `REQUESTS_CA_BUNDLE`, then `SSL_CERT_FILE`).
    pub ssl_ca_cert: Option<PathBuf>,
    /// `http://` or `https://` proxy for every request (env `ARIZE_PROXY_URL`); credentials in
    /// the URL are sent as `Proxy-Authorization: Basic`.
    pub proxy_url: Option<String>,
    /// Extra headers sent with every request (the SDK's `default_headers`); they may not
    /// replace the built-in ones. Their values are never shown.
    pub default_headers: Vec<(String, String)>,
    /// The settings of a profile: below explicit input and the environment.
    pub profile: Option<ProfileLayer>,
}

impl std::fmt::Debug for ConfigInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigInput")
            .field("api_key", &self.api_key.as_ref().map(|_| Secret::new("")))
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("host", &self.host)
            .field("scheme", &self.scheme)
            .field("port", &self.port)
            .field("single_host", &self.single_host)
            .field("single_port", &self.single_port)
            .field("base_domain", &self.base_domain)
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_retries", &self.max_retries)
            .field("max_requests_per_second", &self.max_requests_per_second)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("backoff_initial", &self.backoff_initial)
            .field("backoff_max", &self.backoff_max)
            .field("request_verify", &self.request_verify)
            .field("ssl_ca_cert", &self.ssl_ca_cert)
            .field("proxy_url", &self.proxy_url.as_deref().map(redact_userinfo))
            .field("default_headers", &header_names(&self.default_headers))
            .field("profile", &self.profile)
            .finish()
    }
}

/// Where a profile's API key stands.
#[derive(Clone, Debug, Default)]
pub enum ProfileKey {
    /// The profile has no key.
    #[default]
    None,
    /// The key (never shown).
    Key(Secret),
    /// The profile cannot supply a key (e.g. an OAuth profile): the error used when the key
    /// would have to come from it.
    Unavailable(String),
}

/// What a profile contributes to the configuration, below explicit input and the
/// environment. Its endpoint settings are used only when neither of those gives any
/// endpoint setting (so endpoints never mix).
#[derive(Clone, Debug, Default)]
pub struct ProfileLayer {
    /// How errors name the profile, e.g. `profile 'prod' (/home/me/.arize/profiles/prod.toml)`.
    pub source: String,
    /// True for the official format: errors name keys as `[routing] region`.
    pub routing_section: bool,
    pub api_key: ProfileKey,
    pub base_url: Option<String>,
    pub region: Option<String>,
    pub host: Option<String>,
    pub scheme: Option<String>,
    pub port: Option<u16>,
    pub single_host: Option<String>,
    pub single_port: Option<u16>,
    pub base_domain: Option<String>,
    pub request_verify: Option<bool>,
}

impl ProfileLayer {
    /// The name errors give a setting of this profile.
    fn key_name(&self, field: &str) -> String {
        let key = match (self.routing_section, field) {
            (true, "host") => "[routing] api_host".to_owned(),
            (true, "scheme") => "[routing] api_scheme".to_owned(),
            (true, f) => format!("[routing] {f}"),
            (false, f) => f.to_owned(),
        };
        format!("{key} of {}", self.source)
    }

    fn endpoint(&self) -> EndpointLayer {
        let mut layer = EndpointLayer::default();
        let port = self.port.map(|p| p.to_string());
        let single_port = self.single_port.filter(|p| *p != 0).map(|p| p.to_string());
        for (field, value) in [
            ("base_url", self.base_url.as_deref()),
            ("region", self.region.as_deref()),
            ("host", self.host.as_deref()),
            ("scheme", self.scheme.as_deref()),
            ("port", port.as_deref()),
            ("single_host", self.single_host.as_deref()),
            ("single_port", single_port.as_deref()),
            ("base_domain", self.base_domain.as_deref()),
        ] {
            layer.set(field, value, self.key_name(field), false);
        }
        layer
    }
}

/// Resolved configuration. `Debug` never shows the API key, proxy credentials or header
/// values.
#[derive(Clone)]
pub struct Config {
    /// Root URL ending in `/` (e.g. `https://api.arize.com/`); request paths carry `/v2`.
    pub base_url: Url,
    pub api_key: Secret,
    pub timeout: Duration,
    pub total_timeout: Duration,
    pub max_retries: u32,
    /// The client-side ceiling on the request rate (requests per second), if any.
    pub max_requests_per_second: Option<f64>,
    pub backoff_initial: Duration,
    pub backoff_max: Duration,
    /// Whether TLS certificates are verified.
    pub request_verify: bool,
    /// The CA bundle to trust instead of the system store. Loaded only when verification is
    /// on and a TLS connection can be made (an `https` endpoint or proxy), except that an
    /// explicit `ssl_ca_cert` is always checked.
    pub ca_bundle: Option<CaBundle>,
    /// The proxy every request goes through.
    pub proxy: Option<ProxyConfig>,
    /// Extra headers of every request (checked: valid, none of the built-in ones).
    pub default_headers: Vec<(String, String)>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url.as_str())
            .field("api_key", &self.api_key)
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_retries", &self.max_retries)
            .field("max_requests_per_second", &self.max_requests_per_second)
            .field("backoff_initial", &self.backoff_initial)
            .field("backoff_max", &self.backoff_max)
            .field("request_verify", &self.request_verify)
            .field("ca_bundle", &self.ca_bundle)
            .field("proxy", &self.proxy)
            .field("default_headers", &header_names(&self.default_headers))
            .finish()
    }
}

fn header_names(headers: &[(String, String)]) -> Vec<&str> {
    headers.iter().map(|(k, _)| k.as_str()).collect()
}

/// The highest `max_requests_per_second`.
pub const MAX_REQUESTS_PER_SECOND: f64 = 100_000.0;

/// A request rate: above 0 and at most [`MAX_REQUESTS_PER_SECOND`].
fn check_rate(name: &str, v: f64) -> Result<f64> {
    if v.is_finite() && v > 0.0 && v <= MAX_REQUESTS_PER_SECOND {
        return Ok(v);
    }
    Err(Error::Config(format!(
        "{name} must be a number of requests per second above 0 and at most {MAX_REQUESTS_PER_SECOND}, got {v}"
    )))
}

/// Headers a caller may not set: ours and the official SDK's built-in ones.
const RESERVED_HEADERS: [&str; 12] = [
    "authorization",
    "accept",
    "content-type",
    "content-length",
    "host",
    "proxy-authorization",
    "sdk-language",
    "language-version",
    "sdk-version",
    "sdk-package-name",
    "origin",
    "auth-token-bin",
];

/// Checks `default_headers` as the SDK does (non-empty ASCII token names, no control
/// characters, no built-in or `Grpc-Metadata-` name). Errors name the header, never its value.
fn check_headers(headers: &[(String, String)]) -> Result<()> {
    let bad = |message: String| Err(Error::validation("default_headers", message));
    for (name, value) in headers {
        let token = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !token {
            return bad(format!(
                "header name {name:?} must be a non-empty ASCII token (letters, digits, -, _ ...; no spaces or ':')"
            ));
        }
        let lower = name.to_ascii_lowercase();
        if RESERVED_HEADERS.contains(&lower.as_str()) || lower.starts_with("grpc-metadata-") {
            return bad(format!(
                "header '{name}' is set by the client itself and cannot be overridden"
            ));
        }
        if value.chars().any(|c| c.is_control() && c != '\t')
            || value.chars().any(|c| c as u32 > 0xff)
        {
            return bad(format!(
                "the value of header '{name}' contains a control character or a character outside Latin-1"
            ));
        }
    }
    Ok(())
}

/// Parses a boolean setting: `1/true/yes/on` or `0/false/no/off` (any case).
pub(crate) fn parse_bool(name: &str, value: &str) -> Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(Error::Config(format!(
            "{name} must be one of 1, true, yes, on (verify) or 0, false, no, off (do not verify), got '{}'",
            value.trim()
        ))),
    }
}

impl Config {
    /// Resolves `input` against an injected environment lookup.
    pub fn resolve(input: ConfigInput, env: &dyn Fn(&str) -> Option<String>) -> Result<Config> {
        let env = |name: &str| {
            env(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let explicit = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let profile = input.profile.as_ref();

        let api_key = match explicit(&input.api_key).or_else(|| env("ARIZE_API_KEY")) {
            Some(k) => k,
            None => match profile.map(|p| &p.api_key) {
                Some(ProfileKey::Key(k)) if !k.expose().trim().is_empty() => {
                    k.expose().trim().to_owned()
                }
                Some(ProfileKey::Unavailable(why)) => return Err(Error::Config(why.clone())),
                _ => return Err(Error::MissingApiKey),
            },
        };

        let mut given = EndpointLayer::default();
        let port = input.port.map(|p| p.to_string());
        let single_port = input.single_port.filter(|p| *p != 0).map(|p| p.to_string());
        for (field, value) in [
            ("base_url", input.base_url.as_deref()),
            ("region", input.region.as_deref()),
            ("host", input.host.as_deref()),
            ("scheme", input.scheme.as_deref()),
            ("port", port.as_deref()),
            ("single_host", input.single_host.as_deref()),
            ("single_port", single_port.as_deref()),
            ("base_domain", input.base_domain.as_deref()),
        ] {
            given.set(field, value, field.to_owned(), true);
        }
        let from_env = if given.base_url.is_some() {
            EndpointLayer::default()
        } else {
            EndpointLayer::from_env(&env)
        };
        let from_profile = profile.map(ProfileLayer::endpoint).unwrap_or_default();
        let base_url = resolve_endpoint(&given, &from_env, &from_profile)?;

        if base_url.scheme() == "http"
            && !is_loopback(&base_url)
            && !input.allow_insecure_http.unwrap_or(false)
        {
            return Err(Error::Config(format!(
                "refusing to send the API key over plain http to '{}', which is not a loopback address; use https or set allow_insecure_http",
                base_url.host_str().unwrap_or_default()
            )));
        }

        let timeout = input.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let total_timeout = input.total_timeout.unwrap_or(DEFAULT_TOTAL_TIMEOUT);
        if timeout.is_zero() {
            return Err(Error::Config("timeout must be greater than zero".into()));
        }
        if total_timeout.is_zero() {
            return Err(Error::Config(
                "total_timeout must be greater than zero".into(),
            ));
        }
        let max_retries = input.max_retries.unwrap_or(DEFAULT_MAX_RETRIES);
        if max_retries > MAX_MAX_RETRIES {
            return Err(Error::Config(format!(
                "max_retries must be at most {MAX_MAX_RETRIES}, got {max_retries}"
            )));
        }

        let max_requests_per_second = match input.max_requests_per_second {
            Some(v) => Some(check_rate("max_requests_per_second", v)?),
            None => match env("ARIZE_MAX_REQUESTS_PER_SECOND") {
                Some(raw) => Some(check_rate(
                    "ARIZE_MAX_REQUESTS_PER_SECOND",
                    raw.trim().parse::<f64>().map_err(|_| {
                        Error::Config(format!(
                            "ARIZE_MAX_REQUESTS_PER_SECOND must be a number of requests per second, got {raw:?}"
                        ))
                    })?,
                )?),
                None => None,
            },
        };

        let request_verify = match input.request_verify {
            Some(v) => v,
            None => match env("ARIZE_REQUEST_VERIFY") {
                Some(v) => parse_bool("ARIZE_REQUEST_VERIFY", &v)?,
                None => profile.and_then(|p| p.request_verify).unwrap_or(true),
            },
        };

        let proxy = match explicit(&input.proxy_url) {
            Some(raw) => Some(ProxyConfig::parse(&raw, "proxy_url")?),
            None => match env("ARIZE_PROXY_URL") {
                Some(raw) => Some(ProxyConfig::parse(&raw, "ARIZE_PROXY_URL")?),
                None => None,
            },
        };

        // A TLS connection is made to an https endpoint, or to an https proxy.
        let uses_tls =
            base_url.scheme() == "https" || proxy.as_ref().is_some_and(ProxyConfig::is_https);
        let explicit_ca = input
            .ssl_ca_cert
            .as_ref()
            .filter(|p| !p.as_os_str().is_empty());
        let ca_bundle = match explicit_ca {
            // An explicit path is always checked, so a typo never goes unnoticed.
            Some(path) => {
                let bundle = CaBundle::load(path, "ssl_ca_cert")?;
                request_verify.then_some(bundle)
            }
            // One from the environment only matters (and is only read) when it is used.
            None if request_verify && uses_tls => {
                match ["ARIZE_SSL_CA_CERT", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"]
                    .into_iter()
                    .find_map(|name| env(name).map(|v| (name, v)))
                {
                    Some((name, path)) => Some(CaBundle::load(Path::new(&path), name)?),
                    None => None,
                }
            }
            None => None,
        };

        let backoff_initial = input.backoff_initial.unwrap_or(DEFAULT_BACKOFF_INITIAL);
        let backoff_max = input
            .backoff_max
            .unwrap_or(DEFAULT_BACKOFF_MAX.max(backoff_initial));
        if backoff_max < backoff_initial {
            return Err(Error::Config(format!(
                "backoff_max ({:.3}s) must not be below backoff_initial ({:.3}s)",
                backoff_max.as_secs_f64(),
                backoff_initial.as_secs_f64()
            )));
        }
        check_headers(&input.default_headers)?;

        Ok(Config {
            base_url,
            api_key: Secret::new(api_key),
            timeout,
            total_timeout,
            max_retries,
            max_requests_per_second,
            backoff_initial,
            backoff_max,
            request_verify,
            ca_bundle,
            proxy,
            default_headers: input.default_headers,
        })
    }

    /// True when a TLS connection can be made (an `https` endpoint or an `https` proxy).
    pub fn uses_tls(&self) -> bool {
        self.base_url.scheme() == "https" || self.proxy.as_ref().is_some_and(ProxyConfig::is_https)
    }

    /// Masks proxy credentials in `text` (error messages from the HTTP stack).
    pub fn scrub(&self, text: &str) -> String {
        match &self.proxy {
            Some(p) if p.has_credentials() => p.scrub(text),
            _ => text.to_owned(),
        }
    }

    /// Resolves `input` against the process environment (no profile is read; see
    /// [`Config::from_env_and_profiles`]).
    pub fn from_env(input: ConfigInput) -> Result<Config> {
        Config::resolve(input, &|name| std::env::var(name).ok())
    }

    /// Resolves `input` against the process environment and the official CLI's profiles
    /// (`~/.arize`): the profile named `profile`, else `AX_PROFILE`, else the active one
    /// (none when there is no active profile). A profile already in `input.profile` is
    /// kept and nothing is read.
    pub fn from_env_and_profiles(mut input: ConfigInput, profile: Option<&str>) -> Result<Config> {
        let env = |name: &str| std::env::var(name).ok();
        if input.profile.is_none() {
            if let Some(store) = profiles::ProfileStore::from_env(&env) {
                if let Some(p) = store.select(profile, &env)? {
                    input.profile = Some(p.layer());
                }
            } else if let Some(name) = profile.filter(|n| !n.trim().is_empty()) {
                return Err(Error::Config(format!(
                    "profile '{name}' was asked for, but the home directory is unknown (set HOME{})",
                    if cfg!(windows) { " or USERPROFILE" } else { "" }
                )));
            }
        }
        Config::resolve(input, &env)
    }
}
