//! The REST endpoint from its settings, as the official SDK builds it (API.md §1.1, §6.5):
//! `base_url` (our shortcut), or `region`, `single_host`/`single_port`, `base_domain` (one
//! endpoint override at most) over `host`/`scheme`/`port`.
//!
//! Settings come in layers: explicit input, then the environment, then a profile. The
//! profile's endpoint is used only when neither of the others gives any endpoint setting,
//! so a URL is never assembled from a profile and the environment together.

use std::net::IpAddr;

use url::{Host, Url};

use super::region::Region;
use super::DEFAULT_HOST;
use crate::error::{Error, Result};

/// A setting's text and the name errors report it under (`region`, `ARIZE_REGION`,
/// `[routing] region in profile 'x' (...)`).
#[derive(Clone, Debug)]
pub(crate) struct Setting {
    pub value: String,
    pub name: String,
    /// True for explicit input: errors then name the setting without "(from ...)".
    pub explicit: bool,
}

impl Setting {
    pub fn new(value: impl Into<String>, name: impl Into<String>, explicit: bool) -> Setting {
        Setting {
            value: value.into(),
            name: name.into(),
            explicit,
        }
    }

    /// Adds where a bad value came from to a configuration error.
    fn tag(&self, e: Error) -> Error {
        match e {
            Error::Config(m) if !self.explicit => {
                Error::Config(format!("{m} (from {})", self.name))
            }
            other => other,
        }
    }
}

/// The endpoint settings of one layer; absent or blank values are `None`.
#[derive(Clone, Debug, Default)]
pub(crate) struct EndpointLayer {
    pub base_url: Option<Setting>,
    pub region: Option<Setting>,
    pub host: Option<Setting>,
    pub scheme: Option<Setting>,
    pub port: Option<Setting>,
    pub single_host: Option<Setting>,
    pub single_port: Option<Setting>,
    pub base_domain: Option<Setting>,
}

/// Environment variables of the endpoint, as `(setting, variable)`.
pub(crate) const ENDPOINT_ENV: [(&str, &str); 7] = [
    ("region", "ARIZE_REGION"),
    ("host", "ARIZE_API_HOST"),
    ("scheme", "ARIZE_API_SCHEME"),
    ("port", "ARIZE_API_PORT"),
    ("single_host", "ARIZE_SINGLE_HOST"),
    ("single_port", "ARIZE_SINGLE_PORT"),
    ("base_domain", "ARIZE_BASE_DOMAIN"),
];

impl EndpointLayer {
    /// The layer of the environment (values already trimmed, blanks dropped).
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> EndpointLayer {
        let mut layer = EndpointLayer::default();
        for (field, var) in ENDPOINT_ENV {
            if let Some(v) = env(var) {
                *layer.slot(field) = Some(Setting::new(v, var, false));
            }
        }
        layer
    }

    fn slot(&mut self, field: &str) -> &mut Option<Setting> {
        match field {
            "base_url" => &mut self.base_url,
            "region" => &mut self.region,
            "host" => &mut self.host,
            "scheme" => &mut self.scheme,
            "port" => &mut self.port,
            "single_host" => &mut self.single_host,
            "single_port" => &mut self.single_port,
            _ => &mut self.base_domain,
        }
    }

    /// Sets `field` when `value` is a non-blank text.
    pub fn set(&mut self, field: &str, value: Option<&str>, name: String, explicit: bool) {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            *self.slot(field) = Some(Setting::new(v, name, explicit));
        }
    }

    fn all(&self) -> [(&'static str, &Option<Setting>); 8] {
        [
            ("base_url", &self.base_url),
            ("region", &self.region),
            ("host", &self.host),
            ("scheme", &self.scheme),
            ("port", &self.port),
            ("single_host", &self.single_host),
            ("single_port", &self.single_port),
            ("base_domain", &self.base_domain),
        ]
    }

    /// True when the layer gives no endpoint setting at all.
    pub fn is_empty(&self) -> bool {
        self.all().iter().all(|(_, s)| s.is_none())
    }

    /// True when the layer picks the host (a region, a host, a single host, a base domain).
    fn selects_host(&self) -> bool {
        self.region.is_some()
            || self.host.is_some()
            || self.single_host.is_some()
            || self.base_domain.is_some()
    }
}

/// The root URL (ending in `/`) from the explicit, environment and profile layers.
pub(crate) fn resolve_endpoint(
    explicit: &EndpointLayer,
    env: &EndpointLayer,
    profile: &EndpointLayer,
) -> Result<Url> {
    if let Some(raw) = &explicit.base_url {
        let clashes: Vec<&str> = explicit
            .all()
            .iter()
            .filter(|(name, s)| *name != "base_url" && s.is_some())
            .map(|(name, _)| *name)
            .collect();
        if !clashes.is_empty() {
            return Err(Error::Config(format!(
                "base_url cannot be combined with {}; give either base_url or region/host/scheme/port/single_host/single_port/base_domain",
                clashes.join(", ")
            )));
        }
        return parse_base_url(&raw.value);
    }
    if explicit.is_empty() && env.is_empty() {
        if let Some(raw) = &profile.base_url {
            return parse_base_url(&raw.value).map_err(|e| raw.tag(e));
        }
        return build(profile, &EndpointLayer::default());
    }
    build(explicit, env)
}

fn parse_port(s: &Setting) -> Result<u16> {
    s.value.trim().parse::<u16>().map_err(|_| {
        Error::Config(format!(
            "{} must be an integer 0..65535 (0 = default), got '{}'",
            s.name, s.value
        ))
    })
}

/// One layer over another: the host comes from the upper layer when it picks one (a region,
/// host, single host or base domain there beats all of those below); scheme, port and
/// single port are taken field by field.
fn build(top: &EndpointLayer, below: &EndpointLayer) -> Result<Url> {
    let sel = if top.selects_host() { top } else { below };
    let single_port = top.single_port.as_ref().or(below.single_port.as_ref());
    let scheme = top.scheme.as_ref().or(below.scheme.as_ref());
    let port = top.port.as_ref().or(below.port.as_ref());

    let region = match &sel.region {
        Some(s) => Some((Region::parse(&s.value).map_err(|e| s.tag(e))?, s)),
        None => None,
    };
    let single_port = match single_port {
        Some(s) => match parse_port(s)? {
            0 => None,
            p => Some((p, s)),
        },
        None => None,
    };

    // At most one endpoint override (the SDK's MultipleEndpointOverridesError).
    let mut given = Vec::new();
    if let Some((r, s)) = &region {
        given.push(format!("region={} ({})", r.as_str(), s.name));
    }
    if let Some(s) = &sel.single_host {
        given.push(format!("single_host='{}' ({})", s.value, s.name));
    }
    if let Some((p, s)) = &single_port {
        given.push(format!("single_port={p} ({})", s.name));
    }
    if let Some(s) = &sel.base_domain {
        given.push(format!("base_domain='{}' ({})", s.value, s.name));
    }
    let kinds = [
        region.is_some(),
        sel.single_host.is_some() || single_port.is_some(),
        sel.base_domain.is_some(),
    ];
    if kinds.iter().filter(|k| **k).count() > 1 {
        return Err(Error::Config(format!(
            "multiple endpoint overrides given: {}; only one of region, single_host/single_port or base_domain can be used",
            given.join(", ")
        )));
    }

    let (scheme_text, scheme_name) = match scheme {
        Some(s) => (s.value.to_ascii_lowercase(), s.name.as_str()),
        None => ("https".to_owned(), "scheme"),
    };
    if scheme_text != "http" && scheme_text != "https" {
        return Err(Error::Config(format!(
            "{scheme_name} must be 'http' or 'https', got '{scheme_text}'"
        )));
    }

    // The host: a region, a single host or a base domain replaces the API host.
    let (host, host_setting) = if let Some((r, _)) = region {
        (r.host(), None)
    } else if let Some(s) = &sel.single_host {
        (s.value.clone(), Some(s))
    } else if let Some(s) = &sel.base_domain {
        (format!("api.{}", s.value.trim_start_matches('.')), Some(s))
    } else if let Some(s) = &sel.host {
        (s.value.clone(), Some(s))
    } else {
        (DEFAULT_HOST.to_owned(), None)
    };
    if let Some(s) = host_setting {
        check_bare(&s.value, &s.name)?;
    }

    // The single port is the REST port only when no API port (or 0) is given.
    let mut port_value = match port {
        Some(s) => parse_port(s)?,
        None => 0,
    };
    if port_value == 0 {
        if let Some((p, _)) = single_port {
            port_value = p;
        }
    }
    build_url(&scheme_text, &host, port_value).map_err(|e| match host_setting {
        Some(s) => s.tag(e),
        None => e,
    })
}

fn check_bare(host: &str, name: &str) -> Result<()> {
    if host.contains("://") || host.contains('/') {
        return Err(Error::Config(format!(
            "{name} must be a bare host name (no scheme or path), got '{host}'; use base_url for a full URL"
        )));
    }
    Ok(())
}

/// Parses the `base_url` shortcut: `http(s)://host[:port][/prefix]`, a trailing `/v2`
/// dropped; the result ends in `/`.
pub(crate) fn parse_base_url(raw: &str) -> Result<Url> {
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

pub(crate) fn build_url(scheme: &str, host: &str, port: u16) -> Result<Url> {
    check_bare(host, "host")?;
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

pub(crate) fn is_loopback(url: &Url) -> bool {
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
