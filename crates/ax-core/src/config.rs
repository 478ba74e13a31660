//! Client configuration: explicit input > environment > defaults (API.md §1.1, §6.5).

use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use url::{Host, Url};

use crate::error::{Error, Result};
use crate::secret::Secret;

/// Default global API host.
pub const DEFAULT_HOST: &str = "api.arize.com";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(120);
const DEFAULT_MAX_RETRIES: u32 = 3;
const DEFAULT_BACKOFF_INITIAL: Duration = Duration::from_millis(500);
const DEFAULT_BACKOFF_MAX: Duration = Duration::from_secs(8);
const MAX_MAX_RETRIES: u32 = 100;

/// Caller-supplied settings; every field is optional and falls back to the environment, then
/// to the defaults.
#[derive(Default, Clone)]
pub struct ConfigInput {
    pub api_key: Option<String>,
    pub region: Option<String>,
    /// Shortcut such as `http://127.0.0.1:8080` (a trailing `/v2` is accepted). Excludes
    /// `region`, `host`, `scheme` and `port`.
    pub base_url: Option<String>,
    pub host: Option<String>,
    pub scheme: Option<String>,
    pub port: Option<u16>,
    /// Per-attempt timeout (default 30 s).
    pub timeout: Option<Duration>,
    /// Whole-call budget including retries and backoff (default 120 s).
    pub total_timeout: Option<Duration>,
    /// Retries after the first attempt (default 3).
    pub max_retries: Option<u32>,
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
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_retries", &self.max_retries)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("backoff_initial", &self.backoff_initial)
            .field("backoff_max", &self.backoff_max)
            .field("request_verify", &self.request_verify)
            .field("ssl_ca_cert", &self.ssl_ca_cert)
            .field("proxy_url", &self.proxy_url.as_deref().map(redact_userinfo))
            .finish()
    }
}

/// Resolved configuration. `Debug` never shows the API key or proxy credentials.
#[derive(Clone)]
pub struct Config {
    /// Root URL ending in `/` (e.g. `https://api.arize.com/`); request paths carry `/v2`.
    pub base_url: Url,
    pub api_key: Secret,
    pub timeout: Duration,
    pub total_timeout: Duration,
    pub max_retries: u32,
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
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url.as_str())
            .field("api_key", &self.api_key)
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_retries", &self.max_retries)
            .field("backoff_initial", &self.backoff_initial)
            .field("backoff_max", &self.backoff_max)
            .field("request_verify", &self.request_verify)
            .field("ca_bundle", &self.ca_bundle)
            .field("proxy", &self.proxy)
            .finish()
    }
}

/// Trust anchors read from a PEM bundle.
#[derive(Clone)]
pub struct CaBundle {
    /// The bundle's path.
    pub path: PathBuf,
    /// Where the path came from: `ssl_ca_cert`, `ARIZE_SSL_CA_CERT`, `REQUESTS_CA_BUNDLE` or
    /// `SSL_CERT_FILE`.
    pub source: &'static str,
    /// The DER encoding of every usable certificate in the file (at least one).
    pub certs: Arc<Vec<Vec<u8>>>,
}

impl std::fmt::Debug for CaBundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaBundle")
            .field("path", &self.path)
            .field("source", &self.source)
            .field("certs", &self.certs.len())
            .finish()
    }
}

/// Largest CA bundle read (the system bundle is ~200 kB).
const MAX_CA_BUNDLE_BYTES: u64 = 16 * 1024 * 1024;

impl CaBundle {
    /// Reads a PEM bundle; `source` names the setting or variable the path came from, for
    /// error messages.
    pub fn load(path: &Path, source: &'static str) -> Result<CaBundle> {
        let shown = path.display();
        let fail = |what: String| {
            Error::Config(format!(
                "cannot use the CA bundle '{shown}' (from {source}): {what}"
            ))
        };
        let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
        if !meta.is_file() {
            return Err(fail(
                "not a regular file; give the path of a PEM file of CA certificates".into(),
            ));
        }
        let mut pem = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_CA_BUNDLE_BYTES + 1).read_to_end(&mut pem))
            .map_err(|e| fail(e.to_string()))?;
        if pem.len() as u64 > MAX_CA_BUNDLE_BYTES {
            return Err(fail(format!(
                "larger than {} MiB",
                MAX_CA_BUNDLE_BYTES / 1024 / 1024
            )));
        }
        let certs = parse_pem_certs(&pem).map_err(fail)?;
        Ok(CaBundle {
            path: path.to_path_buf(),
            source,
            certs: Arc::new(certs),
        })
    }
}

/// The DER certificates of a PEM bundle that can serve as trust anchors; an error when the
/// PEM is malformed or holds no usable certificate.
fn parse_pem_certs(pem: &[u8]) -> std::result::Result<Vec<Vec<u8>>, String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let mut found = 0usize;
    let mut usable = Vec::new();
    for item in CertificateDer::pem_slice_iter(pem) {
        let der = item.map_err(|e| format!("not a valid PEM file ({e})"))?;
        found += 1;
        // Keep what rustls accepts as a trust anchor (as OpenSSL-based clients skip what
        // they cannot use).
        let mut store = rustls::RootCertStore::empty();
        let (added, _) = store.add_parsable_certificates([der.clone()]);
        if added == 1 {
            usable.push(der.as_ref().to_vec());
        }
    }
    match (found, usable.len()) {
        (0, _) => Err("no PEM certificate (-----BEGIN CERTIFICATE-----) in the file".into()),
        (n, 0) => Err(format!(
            "none of its {n} certificate(s) could be parsed as an X.509 CA certificate"
        )),
        _ => Ok(usable),
    }
}

/// A proxy URL, possibly with credentials. `Debug`/`Display` show it with the credentials
/// masked.
#[derive(Clone)]
pub struct ProxyConfig {
    url: Url,
}

impl ProxyConfig {
    /// Parses an `http://` or `https://` proxy URL; `source` names the setting or variable
    /// for error messages (which never repeat credentials).
    pub fn parse(raw: &str, source: &str) -> Result<ProxyConfig> {
        let shown = redact_userinfo(raw);
        let url = Url::parse(raw).map_err(|e| {
            Error::Config(format!(
                "{source} '{shown}' is not a valid URL ({e}); expected e.g. http://proxy.example.com:3128"
            ))
        })?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(Error::Config(format!(
                "{source} must start with http:// or https:// (other proxy schemes are not supported), got '{shown}'"
            )));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(Error::Config(format!("{source} '{shown}' has no host")));
        }
        Ok(ProxyConfig { url })
    }

    /// The URL as given, credentials included (for the HTTP client only).
    pub fn url_with_credentials(&self) -> &str {
        self.url.as_str()
    }

    /// True for an `https://` proxy (TLS to the proxy itself).
    pub fn is_https(&self) -> bool {
        self.url.scheme() == "https"
    }

    /// True when the URL carries a user name or password.
    pub fn has_credentials(&self) -> bool {
        !self.url.username().is_empty() || self.url.password().is_some()
    }

    /// The URL with any credentials replaced by `***`.
    pub fn redacted(&self) -> String {
        let mut u = self.url.clone();
        if self.has_credentials() {
            let _ = u.set_username("***");
            let _ = u.set_password(Some("***"));
        }
        u.to_string()
    }

    /// The proxy password, raw and percent-decoded (empty when there is none).
    pub(crate) fn secrets(&self) -> Vec<String> {
        let Some(pass) = self.url.password() else {
            return Vec::new();
        };
        let decoded = percent_decode(pass);
        if decoded == pass {
            vec![pass.to_owned()]
        } else {
            vec![pass.to_owned(), decoded]
        }
    }

    /// Masks the proxy credentials (raw and percent-decoded) wherever they appear in `text`.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        let mut secrets: Vec<String> = Vec::new();
        let user = self.url.username();
        if let Some(pass) = self.url.password() {
            secrets.push(format!("{user}:{pass}@"));
            secrets.push(pass.to_owned());
            let decoded = percent_decode(pass);
            if decoded != pass {
                secrets.push(decoded);
            }
        } else if !user.is_empty() {
            secrets.push(format!("{user}@"));
        }
        for s in secrets {
            // Masking a one- or two-character password everywhere would mangle the text;
            // such a password is only masked in its `user:pass@` form.
            if s.len() >= 3 && out.contains(&s) {
                out = out.replace(&s, "***");
            }
        }
        out
    }
}

impl std::fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ProxyConfig")
            .field(&self.redacted())
            .finish()
    }
}

impl std::fmt::Display for ProxyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_owned())
}

/// `scheme://user:pass@host/...` → `scheme://***@host/...`, for echoing a URL that may not
/// even parse.
pub(crate) fn redact_userinfo(raw: &str) -> String {
    let start = raw.find("://").map(|i| i + 3).unwrap_or(0);
    let rest = &raw[start..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{}***{}", &raw[..start], &rest[at..]),
        None => raw.to_owned(),
    }
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

/// Arize regions (API.md §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    UsCentral1a,
    UsEast1b,
    CaCentral1a,
    EuWest1a,
}

impl Region {
    /// All regions, in documentation order.
    pub const ALL: [Region; 4] = [
        Region::UsCentral1a,
        Region::UsEast1b,
        Region::CaCentral1a,
        Region::EuWest1a,
    ];

    /// Wire/config name, e.g. `us-central-1a`.
    pub fn as_str(self) -> &'static str {
        match self {
            Region::UsCentral1a => "us-central-1a",
            Region::UsEast1b => "us-east-1b",
            Region::CaCentral1a => "ca-central-1a",
            Region::EuWest1a => "eu-west-1a",
        }
    }

    /// API host of the region, `api.<region>.arize.com`.
    pub fn host(self) -> String {
        format!("api.{}.arize.com", self.as_str())
    }

    /// Parses a region name (case-insensitive, surrounding whitespace ignored).
    pub fn parse(value: &str) -> Result<Region> {
        let v = value.trim().to_ascii_lowercase();
        Region::ALL
            .into_iter()
            .find(|r| r.as_str() == v)
            .ok_or_else(|| {
                let allowed: Vec<&str> = Region::ALL.iter().map(|r| r.as_str()).collect();
                Error::Config(format!(
                    "unknown region '{}'; allowed values: {}",
                    value.trim(),
                    allowed.join(", ")
                ))
            })
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

        let api_key = explicit(&input.api_key)
            .or_else(|| env("ARIZE_API_KEY"))
            .ok_or(Error::MissingApiKey)?;

        let base_url = match explicit(&input.base_url) {
            Some(raw) => {
                let mut clashes = Vec::new();
                for (name, given) in [
                    ("region", input.region.is_some()),
                    ("host", input.host.is_some()),
                    ("scheme", input.scheme.is_some()),
                    ("port", input.port.is_some()),
                ] {
                    if given {
                        clashes.push(name);
                    }
                }
                if !clashes.is_empty() {
                    return Err(Error::Config(format!(
                        "base_url cannot be combined with {}; give either base_url or region/host/scheme/port",
                        clashes.join(", ")
                    )));
                }
                parse_base_url(&raw)?
            }
            None => {
                let region = match explicit(&input.region) {
                    Some(r) => Some(Region::parse(&r)?),
                    None => None,
                };
                let explicit_host = explicit(&input.host);
                // An explicit region beats everything; an environment region beats the
                // environment host but not an explicit one.
                let host = match (region, explicit_host) {
                    (Some(r), _) => r.host(),
                    (None, Some(h)) => h,
                    (None, None) => match env("ARIZE_REGION") {
                        Some(r) => Region::parse(&r)
                            .map_err(|e| from_env(e, "ARIZE_REGION"))?
                            .host(),
                        None => env("ARIZE_API_HOST").unwrap_or_else(|| DEFAULT_HOST.to_owned()),
                    },
                };
                let (scheme, scheme_source) = match explicit(&input.scheme) {
                    Some(s) => (s, "scheme"),
                    None => match env("ARIZE_API_SCHEME") {
                        Some(s) => (s, "ARIZE_API_SCHEME"),
                        None => ("https".to_owned(), "scheme"),
                    },
                };
                let scheme = scheme.to_ascii_lowercase();
                if scheme != "http" && scheme != "https" {
                    return Err(Error::Config(format!(
                        "{scheme_source} must be 'http' or 'https', got '{scheme}'"
                    )));
                }
                let port = match input.port {
                    Some(p) => p,
                    None => match env("ARIZE_API_PORT") {
                        Some(p) => p.parse::<u16>().map_err(|_| {
                            Error::Config(format!("ARIZE_API_PORT must be an integer 0..65535 (0 = default), got '{p}'"))
                        })?,
                        None => 0,
                    },
                };
                let host_source = if input.region.is_some() || input.host.is_some() {
                    "host"
                } else {
                    "ARIZE_API_HOST"
                };
                build_url(&scheme, &host, port).map_err(|e| match e {
                    Error::Config(m) if host_source != "host" => {
                        Error::Config(format!("{m} (from {host_source})"))
                    }
                    other => other,
                })?
            }
        };

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

        let request_verify = match input.request_verify {
            Some(v) => v,
            None => match env("ARIZE_REQUEST_VERIFY") {
                Some(v) => parse_bool("ARIZE_REQUEST_VERIFY", &v)?,
                None => true,
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

        Ok(Config {
            base_url,
            api_key: Secret::new(api_key),
            timeout,
            total_timeout,
            max_retries,
            backoff_initial,
            backoff_max,
            request_verify,
            ca_bundle,
            proxy,
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

    /// Resolves `input` against the process environment.
    pub fn from_env(input: ConfigInput) -> Result<Config> {
        Config::resolve(input, &|name| std::env::var(name).ok())
    }
}

/// Adds the environment variable a bad value came from to a configuration error.
fn from_env(e: Error, name: &str) -> Error {
    match e {
        Error::Config(m) => Error::Config(format!("{m} (from {name})")),
        other => other,
    }
}

fn parse_base_url(raw: &str) -> Result<Url> {
    let mut url = Url::parse(raw)
        .map_err(|e| Error::Config(format!("base_url '{raw}' is not a valid URL: {e}")))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(Error::Config(format!(
            "base_url must start with http:// or https://, got '{raw}'"
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::Config(format!("base_url '{raw}' has no host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "base_url must not contain credentials; pass the API key separately".into(),
        ));
    }
    url.set_query(None);
    url.set_fragment(None);
    let mut path = url.path().trim_end_matches('/').to_owned();
    if path.ends_with("/v2") {
        path.truncate(path.len() - 3);
    }
    path.push('/');
    url.set_path(&path);
    Ok(url)
}

fn build_url(scheme: &str, host: &str, port: u16) -> Result<Url> {
    if host.contains("://") || host.contains('/') {
        return Err(Error::Config(format!(
            "host must be a bare host name (no scheme or path), got '{host}'; use base_url for a full URL"
        )));
    }
    let host_part = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    let text = if port == 0 {
        format!("{scheme}://{host_part}/")
    } else {
        format!("{scheme}://{host_part}:{port}/")
    };
    Url::parse(&text).map_err(|e| Error::Config(format!("invalid host '{host}': {e}")))
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn key() -> ConfigInput {
        ConfigInput {
            api_key: Some("k".into()),
            ..Default::default()
        }
    }

    #[test]
    fn defaults() {
        let c = Config::resolve(key(), &env_of(&[])).unwrap();
        assert_eq!(c.base_url.as_str(), "https://api.arize.com/");
        assert_eq!(c.timeout, Duration::from_secs(30));
        assert_eq!(c.total_timeout, Duration::from_secs(120));
        assert_eq!(c.max_retries, 3);
        assert_eq!(c.backoff_initial, Duration::from_millis(500));
        assert_eq!(c.backoff_max, Duration::from_secs(8));
    }

    #[test]
    fn backoff_settings() {
        let ms = Duration::from_millis;
        let with = |initial: Option<u64>, max: Option<u64>| {
            Config::resolve(
                ConfigInput {
                    backoff_initial: initial.map(ms),
                    backoff_max: max.map(ms),
                    ..key()
                },
                &env_of(&[]),
            )
        };
        let c = with(Some(1), Some(20)).unwrap();
        assert_eq!((c.backoff_initial, c.backoff_max), (ms(1), ms(20)));
        // A larger initial value raises the default cap with it.
        let c = with(Some(20_000), None).unwrap();
        assert_eq!((c.backoff_initial, c.backoff_max), (ms(20_000), ms(20_000)));
        let err = with(Some(100), Some(10)).unwrap_err().to_string();
        assert!(
            err.contains("backoff_max") && err.contains("backoff_initial"),
            "{err}"
        );
    }

    #[test]
    fn explicit_beats_env_beats_default() {
        let env = env_of(&[
            ("ARIZE_API_KEY", "env-key"),
            ("ARIZE_API_HOST", "env.example.com"),
            ("ARIZE_API_SCHEME", "https"),
            ("ARIZE_API_PORT", "8443"),
        ]);
        let c = Config::resolve(ConfigInput::default(), &env).unwrap();
        assert_eq!(c.api_key.expose(), "env-key");
        assert_eq!(c.base_url.as_str(), "https://env.example.com:8443/");

        let input = ConfigInput {
            api_key: Some("arg-key".into()),
            host: Some("arg.example.com".into()),
            port: Some(0),
            ..Default::default()
        };
        let c = Config::resolve(input, &env).unwrap();
        assert_eq!(c.api_key.expose(), "arg-key");
        assert_eq!(c.base_url.as_str(), "https://arg.example.com/");
    }

    #[test]
    fn region_overrides_host() {
        let env = env_of(&[
            ("ARIZE_API_KEY", "k"),
            ("ARIZE_REGION", "eu-west-1a"),
            ("ARIZE_API_HOST", "x.example.com"),
        ]);
        let c = Config::resolve(ConfigInput::default(), &env).unwrap();
        assert_eq!(c.base_url.as_str(), "https://api.eu-west-1a.arize.com/");
        let input = ConfigInput {
            region: Some("US-EAST-1B".into()),
            host: Some("h.example.com".into()),
            ..key()
        };
        let c = Config::resolve(input, &env_of(&[])).unwrap();
        assert_eq!(c.base_url.as_str(), "https://api.us-east-1b.arize.com/");
        // An explicit host beats a region that only comes from the environment.
        let input = ConfigInput {
            host: Some("h.example.com".into()),
            ..key()
        };
        let c = Config::resolve(input, &env).unwrap();
        assert_eq!(c.base_url.as_str(), "https://h.example.com/");
    }

    #[test]
    fn bad_region_lists_allowed_values() {
        let input = ConfigInput {
            region: Some("mars-1".into()),
            ..key()
        };
        let msg = Config::resolve(input, &env_of(&[]))
            .unwrap_err()
            .to_string();
        for r in [
            "us-central-1a",
            "us-east-1b",
            "ca-central-1a",
            "eu-west-1a",
            "mars-1",
        ] {
            assert!(msg.contains(r), "{msg}");
        }
    }

    #[test]
    fn base_url_shortcut() {
        for raw in [
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/",
            "http://127.0.0.1:8080/v2",
            "http://127.0.0.1:8080/v2/",
        ] {
            let input = ConfigInput {
                base_url: Some(raw.into()),
                ..key()
            };
            let c = Config::resolve(input, &env_of(&[("ARIZE_API_HOST", "ignored")])).unwrap();
            assert_eq!(c.base_url.as_str(), "http://127.0.0.1:8080/", "{raw}");
        }
        let input = ConfigInput {
            base_url: Some("https://proxy.example.com/arize/v2".into()),
            ..key()
        };
        assert_eq!(
            Config::resolve(input, &env_of(&[]))
                .unwrap()
                .base_url
                .as_str(),
            "https://proxy.example.com/arize/"
        );
        let input = ConfigInput {
            base_url: Some("http://127.0.0.1:1".into()),
            port: Some(3),
            region: Some("eu-west-1a".into()),
            ..key()
        };
        let msg = Config::resolve(input, &env_of(&[]))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("region, port"), "{msg}");
        let input = ConfigInput {
            base_url: Some("ftp://x".into()),
            ..key()
        };
        assert!(matches!(
            Config::resolve(input, &env_of(&[])),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn scheme_and_port_errors() {
        let input = ConfigInput {
            scheme: Some("ftp".into()),
            ..key()
        };
        assert!(Config::resolve(input, &env_of(&[]))
            .unwrap_err()
            .to_string()
            .contains("'http' or 'https'"));
        let msg = Config::resolve(key(), &env_of(&[("ARIZE_API_PORT", "99999")]))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("ARIZE_API_PORT"), "{msg}");
        let input = ConfigInput {
            host: Some("https://x.com".into()),
            ..key()
        };
        assert!(matches!(
            Config::resolve(input, &env_of(&[])),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn missing_key_says_how_to_set_it() {
        let err = Config::resolve(ConfigInput::default(), &env_of(&[("ARIZE_API_KEY", "  ")]))
            .unwrap_err();
        assert!(matches!(err, Error::MissingApiKey));
        let msg = err.to_string();
        assert!(
            msg.contains("api_key") && msg.contains("ARIZE_API_KEY"),
            "{msg}"
        );
    }

    #[test]
    fn plain_http_needs_opt_in_off_loopback() {
        for ok in [
            "http://127.0.0.1:1",
            "http://127.9.9.9",
            "http://localhost:8080",
            "http://[::1]:80",
            "https://example.com",
        ] {
            let input = ConfigInput {
                base_url: Some(ok.into()),
                ..key()
            };
            assert!(Config::resolve(input, &env_of(&[])).is_ok(), "{ok}");
        }
        let input = ConfigInput {
            scheme: Some("http".into()),
            host: Some("example.com".into()),
            ..key()
        };
        let err = Config::resolve(input.clone(), &env_of(&[])).unwrap_err();
        assert!(err.to_string().contains("allow_insecure_http"), "{err}");
        let input = ConfigInput {
            allow_insecure_http: Some(true),
            ..input
        };
        assert_eq!(
            Config::resolve(input, &env_of(&[]))
                .unwrap()
                .base_url
                .as_str(),
            "http://example.com/"
        );
        let env = env_of(&[
            ("ARIZE_API_KEY", "k"),
            ("ARIZE_API_SCHEME", "http"),
            ("ARIZE_API_HOST", "localhost"),
            ("ARIZE_API_PORT", "8080"),
        ]);
        assert_eq!(
            Config::resolve(ConfigInput::default(), &env)
                .unwrap()
                .base_url
                .as_str(),
            "http://localhost:8080/"
        );
    }

    #[test]
    fn key_never_printed() {
        let input = ConfigInput {
            api_key: Some("super-secret-key".into()),
            ..Default::default()
        };
        assert!(!format!("{input:?}").contains("super-secret-key"));
        let c = Config::resolve(input, &env_of(&[])).unwrap();
        assert!(!format!("{c:?}").contains("super-secret-key"));
        let bad = ConfigInput {
            api_key: Some("super-secret-key".into()),
            region: Some("nope".into()),
            ..Default::default()
        };
        assert!(!Config::resolve(bad, &env_of(&[]))
            .unwrap_err()
            .to_string()
            .contains("super-secret-key"));
    }

    // ---- TLS verification, CA bundle and proxy settings ------------------------------------

    fn ca_pem() -> String {
        crate::transport::test_servers::test_ca("config test CA").0
    }

    fn pem_file() -> PathBuf {
        crate::transport::test_servers::temp_file("ca.pem", ca_pem().as_bytes())
    }

    fn https_key() -> ConfigInput {
        ConfigInput {
            base_url: Some("https://example.com".into()),
            ..key()
        }
    }

    #[test]
    fn request_verify_precedence_and_values() {
        assert!(Config::resolve(key(), &env_of(&[])).unwrap().request_verify);
        for v in ["1", "true", "YES", " on "] {
            let c = Config::resolve(key(), &env_of(&[("ARIZE_REQUEST_VERIFY", v)])).unwrap();
            assert!(c.request_verify, "{v}");
        }
        for v in ["0", "False", "no", "OFF"] {
            let c = Config::resolve(key(), &env_of(&[("ARIZE_REQUEST_VERIFY", v)])).unwrap();
            assert!(!c.request_verify, "{v}");
        }
        // Empty means unset.
        let c = Config::resolve(key(), &env_of(&[("ARIZE_REQUEST_VERIFY", " ")])).unwrap();
        assert!(c.request_verify);
        let msg = Config::resolve(key(), &env_of(&[("ARIZE_REQUEST_VERIFY", "maybe")]))
            .unwrap_err()
            .to_string();
        for part in [
            "ARIZE_REQUEST_VERIFY",
            "maybe",
            "1, true, yes, on",
            "0, false, no, off",
        ] {
            assert!(msg.contains(part), "{part}: {msg}");
        }
        // The explicit value wins and the variable is then not even parsed.
        let input = ConfigInput {
            request_verify: Some(true),
            ..key()
        };
        let c = Config::resolve(input, &env_of(&[("ARIZE_REQUEST_VERIFY", "maybe")])).unwrap();
        assert!(c.request_verify);
        let input = ConfigInput {
            request_verify: Some(false),
            ..key()
        };
        let c = Config::resolve(input, &env_of(&[("ARIZE_REQUEST_VERIFY", "yes")])).unwrap();
        assert!(!c.request_verify);
    }

    #[test]
    fn ca_bundle_precedence() {
        let (a, b, c3, d) = (pem_file(), pem_file(), pem_file(), pem_file());
        let (a_s, b_s, c_s) = (
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            c3.to_str().unwrap(),
        );
        let all = [
            ("ARIZE_SSL_CA_CERT", a_s),
            ("REQUESTS_CA_BUNDLE", b_s),
            ("SSL_CERT_FILE", c_s),
        ];
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a Path, &'a str);
        let cases: [Case; 4] = [
            (&all, &a, "ARIZE_SSL_CA_CERT"),
            (&all[1..], &b, "REQUESTS_CA_BUNDLE"),
            (&all[2..], &c3, "SSL_CERT_FILE"),
            (
                &[("ARIZE_SSL_CA_CERT", " "), ("SSL_CERT_FILE", c_s)],
                &c3,
                "SSL_CERT_FILE",
            ),
        ];
        for (env, path, source) in cases {
            let cfg = Config::resolve(https_key(), &env_of(env)).unwrap();
            let bundle = cfg.ca_bundle.expect("bundle");
            assert_eq!(bundle.path, path);
            assert_eq!(bundle.source, source);
            assert_eq!(bundle.certs.len(), 1);
        }
        // The explicit path beats every variable.
        let input = ConfigInput {
            ssl_ca_cert: Some(d.clone()),
            ..https_key()
        };
        let bundle = Config::resolve(input, &env_of(&all))
            .unwrap()
            .ca_bundle
            .unwrap();
        assert_eq!(
            (bundle.path.as_path(), bundle.source),
            (d.as_path(), "ssl_ca_cert")
        );
        // None set: the system store.
        assert!(Config::resolve(https_key(), &env_of(&[]))
            .unwrap()
            .ca_bundle
            .is_none());
    }

    #[test]
    fn ca_bundle_with_several_certificates_and_other_blocks() {
        let key_pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGSIM2p4aTzJ2mI9hH3d2G1p0P3R8Jm8eEcZz4HqBjhC\n-----END PRIVATE KEY-----\n";
        let text = format!("# comment\n{}\n{key_pem}{}", ca_pem(), ca_pem());
        let path = crate::transport::test_servers::temp_file("bundle.pem", text.as_bytes());
        let input = ConfigInput {
            ssl_ca_cert: Some(path),
            ..https_key()
        };
        let bundle = Config::resolve(input, &env_of(&[]))
            .unwrap()
            .ca_bundle
            .unwrap();
        assert_eq!(bundle.certs.len(), 2);
        assert!(format!("{bundle:?}").contains("certs: 2"));
    }

    #[test]
    fn ca_bundle_errors_name_the_path_and_the_setting() {
        let tmp = |name: &str, body: &[u8]| crate::transport::test_servers::temp_file(name, body);
        let missing = std::env::temp_dir().join("ax-core-no-such-dir/ca.pem");
        let empty = tmp("empty.pem", b"");
        let key_only = tmp(
            "key.pem",
            b"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGSIM2p4aTzJ2mI9hH3d2G1p0P3R8Jm8eEcZz4HqBjhC\n-----END PRIVATE KEY-----\n",
        );
        let garbage = tmp(
            "garbage.pem",
            b"-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n",
        );
        let not_x509 = tmp(
            "notx509.pem",
            b"-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n",
        );
        let dir = empty.parent().unwrap().to_path_buf();
        let cases = [
            (missing.clone(), "No such file"),
            (empty.clone(), "no PEM certificate"),
            (key_only, "no PEM certificate"),
            (garbage, "not a valid PEM file"),
            (not_x509, "could be parsed"),
            (dir, "not a regular file"),
        ];
        for (path, why) in cases {
            let shown = path.display().to_string();
            let input = ConfigInput {
                ssl_ca_cert: Some(path.clone()),
                ..https_key()
            };
            let msg = Config::resolve(input, &env_of(&[]))
                .unwrap_err()
                .to_string();
            assert!(
                msg.contains(&shown) && msg.contains("ssl_ca_cert") && msg.contains(why),
                "{msg}"
            );
            for var in ["ARIZE_SSL_CA_CERT", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"] {
                let err = Config::resolve(https_key(), &env_of(&[(var, &shown)])).unwrap_err();
                assert!(matches!(err, Error::Config(_)));
                let msg = err.to_string();
                assert!(msg.contains(&shown) && msg.contains(var), "{msg}");
            }
        }
        // An explicit path is checked even when no TLS connection will be made, or when
        // verification is off...
        for input in [
            ConfigInput {
                ssl_ca_cert: Some(missing.clone()),
                ..key()
            },
            ConfigInput {
                base_url: Some("http://127.0.0.1:8080".into()),
                ssl_ca_cert: Some(empty.clone()),
                request_verify: Some(false),
                ..key()
            },
        ] {
            assert!(Config::resolve(input, &env_of(&[])).is_err());
        }
        // ... but a variable is only read when it would be used: not for a plain-http
        // endpoint (the emulator) and not with verification off.
        let bad = [("SSL_CERT_FILE", "/nonexistent/ca.pem")];
        let http = ConfigInput {
            base_url: Some("http://127.0.0.1:8080".into()),
            ..key()
        };
        let c = Config::resolve(http.clone(), &env_of(&bad)).unwrap();
        assert!(c.ca_bundle.is_none() && !c.uses_tls());
        let off = ConfigInput {
            request_verify: Some(false),
            ..https_key()
        };
        assert!(Config::resolve(off, &env_of(&bad))
            .unwrap()
            .ca_bundle
            .is_none());
        // An https proxy needs TLS even for a plain-http endpoint.
        let via_https_proxy = ConfigInput {
            proxy_url: Some("https://proxy.example.com:8443".into()),
            ..http
        };
        let msg = Config::resolve(via_https_proxy, &env_of(&bad))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("SSL_CERT_FILE"), "{msg}");
        // With verification off an explicit bundle is checked but not used.
        let input = ConfigInput {
            ssl_ca_cert: Some(pem_file()),
            request_verify: Some(false),
            ..https_key()
        };
        assert!(Config::resolve(input, &env_of(&[]))
            .unwrap()
            .ca_bundle
            .is_none());
    }

    #[test]
    fn proxy_url_parsing_and_precedence() {
        let c = Config::resolve(key(), &env_of(&[])).unwrap();
        assert!(c.proxy.is_none());
        let env = env_of(&[("ARIZE_PROXY_URL", "http://env-proxy:3128")]);
        let c = Config::resolve(key(), &env).unwrap();
        assert_eq!(
            c.proxy.unwrap().url_with_credentials(),
            "http://env-proxy:3128/"
        );
        let input = ConfigInput {
            proxy_url: Some("https://u:p@arg-proxy:8443".into()),
            ..key()
        };
        let p = Config::resolve(input, &env).unwrap().proxy.unwrap();
        assert_eq!(p.url_with_credentials(), "https://u:p@arg-proxy:8443/");
        assert!(p.is_https() && p.has_credentials());
        assert_eq!(p.redacted(), "https://***:***@arg-proxy:8443/");
    }

    #[test]
    fn bad_proxy_urls_name_the_setting_and_hide_credentials() {
        for (raw, why) in [
            ("socks5://user:s3cr3tpw@proxy:1080", "http:// or https://"),
            ("proxy.example.com:3128", "http:// or https://"),
            ("http://user:s3cr3tpw@", "not a valid URL"),
            ("http://user:s3cr3tpw@[::1", "not a valid URL"),
            ("not a url", "not a valid URL"),
        ] {
            let input = ConfigInput {
                proxy_url: Some(raw.into()),
                ..key()
            };
            let msg = Config::resolve(input, &env_of(&[]))
                .unwrap_err()
                .to_string();
            assert!(
                msg.contains("proxy_url") && msg.contains(why),
                "{raw}: {msg}"
            );
            assert!(!msg.contains("s3cr3tpw"), "{msg}");
            let msg = Config::resolve(key(), &env_of(&[("ARIZE_PROXY_URL", raw)]))
                .unwrap_err()
                .to_string();
            assert!(
                msg.contains("ARIZE_PROXY_URL") && msg.contains(why),
                "{raw}: {msg}"
            );
            assert!(!msg.contains("s3cr3tpw"), "{msg}");
        }
    }

    #[test]
    fn debug_output_hides_proxy_credentials_and_key() {
        let input = ConfigInput {
            api_key: Some("super-secret-key".into()),
            proxy_url: Some("http://proxyuser:pr0xy-pass@proxy.example.com:3128".into()),
            ..Default::default()
        };
        let shown = format!("{input:?}");
        assert!(
            !shown.contains("pr0xy-pass") && !shown.contains("super-secret-key"),
            "{shown}"
        );
        assert!(shown.contains("proxy.example.com:3128"), "{shown}");
        let c = Config::resolve(input, &env_of(&[])).unwrap();
        for shown in [
            format!("{c:?}"),
            format!("{c:#?}"),
            c.proxy.as_ref().unwrap().to_string(),
        ] {
            assert!(!shown.contains("pr0xy-pass"), "{shown}");
            assert!(!shown.contains("proxyuser"), "{shown}");
            assert!(!shown.contains("super-secret-key"), "{shown}");
            assert!(shown.contains("proxy.example.com:3128"), "{shown}");
        }
        assert_eq!(
            c.scrub("proxy http://proxyuser:pr0xy-pass@proxy.example.com:3128 said pr0xy-pass"),
            "proxy http://***proxy.example.com:3128 said ***"
        );
        // Percent-encoded credentials are hidden in both spellings.
        let input = ConfigInput {
            proxy_url: Some("http://me:p%40ss%3Aword@proxy:1".into()),
            ..key()
        };
        let c = Config::resolve(input, &env_of(&[])).unwrap();
        assert_eq!(c.scrub("x p%40ss%3Aword p@ss:word y"), "x *** *** y");
        assert_eq!(redact_userinfo("http://a:b@h:1/p@q"), "http://***@h:1/p@q");
        assert_eq!(redact_userinfo("a:b@h"), "***@h");
        assert_eq!(redact_userinfo("http://h/x"), "http://h/x");
    }

    #[test]
    fn plain_http_refusal_from_the_environment_too() {
        let env = env_of(&[
            ("ARIZE_API_KEY", "k"),
            ("ARIZE_API_SCHEME", "http"),
            ("ARIZE_API_HOST", "api.example.com"),
        ]);
        let msg = Config::resolve(ConfigInput::default(), &env)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("allow_insecure_http") && msg.contains("api.example.com"),
            "{msg}"
        );
        let input = ConfigInput {
            allow_insecure_http: Some(true),
            ..Default::default()
        };
        assert_eq!(
            Config::resolve(input, &env).unwrap().base_url.as_str(),
            "http://api.example.com/"
        );
        // A base_url shortcut is checked the same way.
        let input = ConfigInput {
            base_url: Some("http://10.1.2.3:8080".into()),
            ..key()
        };
        assert!(Config::resolve(input, &env_of(&[])).is_err());
    }

    #[test]
    fn environment_errors_name_the_variable() {
        for (var, value) in [
            ("ARIZE_REGION", "mars-1"),
            ("ARIZE_API_SCHEME", "ftp"),
            ("ARIZE_API_HOST", "https://x.example.com"),
            ("ARIZE_API_PORT", "x"),
        ] {
            let msg = Config::resolve(key(), &env_of(&[(var, value)]))
                .unwrap_err()
                .to_string();
            assert!(msg.contains(var), "{var}: {msg}");
        }
    }

    // ---- property test: resolution over random inputs and environments ------------------

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// Names every configuration error may point at.
        const NAMES: &[&str] = &[
            "api_key",
            "ARIZE_API_KEY",
            "region",
            "ARIZE_REGION",
            "base_url",
            "host",
            "ARIZE_API_HOST",
            "scheme",
            "ARIZE_API_SCHEME",
            "port",
            "ARIZE_API_PORT",
            "timeout",
            "total_timeout",
            "max_retries",
            "allow_insecure_http",
            "ARIZE_REQUEST_VERIFY",
            "ssl_ca_cert",
            "ARIZE_SSL_CA_CERT",
            "REQUESTS_CA_BUNDLE",
            "SSL_CERT_FILE",
            "proxy_url",
            "ARIZE_PROXY_URL",
        ];

        fn text() -> impl Strategy<Value = String> {
            prop_oneof![
                Just(String::new()),
                Just(" ".to_owned()),
                "[a-z0-9.:/@%-]{0,24}",
                "\\PC{0,12}",
                Just("http://127.0.0.1:8080".to_owned()),
                Just("us-east-1b".to_owned()),
                Just("http".to_owned()),
                Just("https".to_owned()),
                Just("8080".to_owned()),
                Just("yes".to_owned()),
                Just("0".to_owned()),
                Just("localhost".to_owned()),
                Just("api.example.com".to_owned()),
            ]
        }

        /// Proxy values, some with a password that must never be shown.
        fn proxy_text() -> impl Strategy<Value = String> {
            prop_oneof![
                text(),
                Just("https://user:pw-SECRET@proxy.example.com:3128".to_owned()),
                Just("http://user:pw-SECRET@".to_owned()),
                Just("socks5://user:pw-SECRET@proxy:1080".to_owned()),
                Just("user:pw-SECRET@proxy:1080".to_owned()),
                "http://u:pw-SECRET@[a-z0-9.:/@%\\[-]{0,12}",
            ]
        }

        const TEXT_VARS: &[&str] = &[
            "ARIZE_API_KEY",
            "ARIZE_REGION",
            "ARIZE_API_HOST",
            "ARIZE_API_SCHEME",
            "ARIZE_API_PORT",
            "ARIZE_REQUEST_VERIFY",
        ];
        const PATH_VARS: &[&str] = &["ARIZE_SSL_CA_CERT", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"];

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn resolve_never_panics_and_errors_name_a_setting(
                env_text in proptest::collection::vec(proptest::option::of(text()), TEXT_VARS.len()),
                env_proxy in proptest::option::of(proxy_text()),
                env_paths in proptest::collection::vec(0usize..4, PATH_VARS.len()),
                api_key in proptest::option::of(prop_oneof![Just("THE-KEY-abc123".to_owned()), text()]),
                region in proptest::option::of(text()),
                base_url in proptest::option::of(text()),
                host in proptest::option::of(text()),
                scheme in proptest::option::of(text()),
                port in proptest::option::of(any::<u16>()),
                timeout_ms in proptest::option::of(0u64..100_000),
                max_retries in proptest::option::of(0u32..200),
                allow_insecure_http in proptest::option::of(any::<bool>()),
                request_verify in proptest::option::of(any::<bool>()),
                ssl_ca_cert in proptest::option::of(0usize..4),
                proxy_url in proptest::option::of(proxy_text()),
            ) {
                // CA paths come from a fixed set: random paths could name device files.
                let valid = pem_file();
                let invalid = crate::transport::test_servers::temp_file("bad.pem", b"nope");
                let paths = [
                    String::new(),
                    valid.to_string_lossy().into_owned(),
                    invalid.to_string_lossy().into_owned(),
                    "/nonexistent/ax/ca.pem".to_owned(),
                ];
                let mut map: HashMap<String, String> = HashMap::new();
                for (name, value) in TEXT_VARS.iter().zip(&env_text) {
                    if let Some(v) = value {
                        map.insert((*name).to_owned(), v.clone());
                    }
                }
                if let Some(v) = env_proxy {
                    map.insert("ARIZE_PROXY_URL".to_owned(), v);
                }
                for (name, i) in PATH_VARS.iter().zip(&env_paths) {
                    map.insert((*name).to_owned(), paths[*i].clone());
                }
                let input = ConfigInput {
                    api_key: api_key.clone(),
                    region,
                    base_url,
                    host,
                    scheme,
                    port,
                    timeout: timeout_ms.map(Duration::from_millis),
                    total_timeout: None,
                    max_retries,
                    allow_insecure_http,
                    request_verify,
                    ssl_ca_cert: ssl_ca_cert.map(|i| PathBuf::from(&paths[i])),
                    proxy_url,
                    ..Default::default()
                };
                let _ = format!("{input:?}");
                match Config::resolve(input, &|k| map.get(k).cloned()) {
                    Ok(c) => {
                        let shown = format!("{c:?}");
                        prop_assert!(!shown.contains("THE-KEY-abc123"));
                        prop_assert!(!shown.contains("pw-SECRET"));
                        prop_assert!(c.base_url.as_str().ends_with('/'));
                        if let Some(b) = &c.ca_bundle {
                            prop_assert!(!b.certs.is_empty());
                        }
                    }
                    Err(e) => {
                        let msg = e.to_string();
                        prop_assert!(
                            NAMES.iter().any(|n| msg.contains(n)),
                            "error names no setting: {}", msg
                        );
                        prop_assert!(!msg.contains("THE-KEY-abc123"), "{}", msg);
                        prop_assert!(!msg.contains("pw-SECRET"), "{}", msg);
                    }
                }
            }
        }
    }
}
