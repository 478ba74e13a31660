//! Client configuration: explicit input > environment > defaults (API.md §1.1, §6.5).

use std::net::IpAddr;
use std::time::Duration;

use url::{Host, Url};

use crate::error::{Error, Result};
use crate::secret::Secret;

/// Default global API host.
pub const DEFAULT_HOST: &str = "api.arize.com";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(120);
const DEFAULT_MAX_RETRIES: u32 = 3;
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
            .finish()
    }
}

/// Resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Root URL ending in `/` (e.g. `https://api.arize.com/`); request paths carry `/v2`.
    pub base_url: Url,
    pub api_key: Secret,
    pub timeout: Duration,
    pub total_timeout: Duration,
    pub max_retries: u32,
    pub backoff_initial: Duration,
    pub backoff_max: Duration,
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
                        Some(r) => Region::parse(&r)?.host(),
                        None => env("ARIZE_API_HOST").unwrap_or_else(|| DEFAULT_HOST.to_owned()),
                    },
                };
                let scheme = explicit(&input.scheme)
                    .or_else(|| env("ARIZE_API_SCHEME"))
                    .unwrap_or_else(|| "https".to_owned())
                    .to_ascii_lowercase();
                if scheme != "http" && scheme != "https" {
                    return Err(Error::Config(format!(
                        "scheme must be 'http' or 'https', got '{scheme}'"
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
                build_url(&scheme, &host, port)?
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

        Ok(Config {
            base_url,
            api_key: Secret::new(api_key),
            timeout,
            total_timeout,
            max_retries,
            backoff_initial: Duration::from_millis(500),
            backoff_max: Duration::from_secs(8),
        })
    }

    /// Resolves `input` against the process environment.
    pub fn from_env(input: ConfigInput) -> Result<Config> {
        Config::resolve(input, &|name| std::env::var(name).ok())
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
}
