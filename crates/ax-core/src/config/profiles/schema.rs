//! The official CLI's profile file (arize-ax-cli 0.39 `ax.config.schema.Config`): parsing,
//! `${VAR}` expansion and validation into a [`ProfileDoc`].
//!
//! Sections: `[profile] name`, `[auth] auth_method / api_key / oauth`, `[routing]` (region,
//! single_host, single_port, base_domain, api_host, api_scheme; app/otlp/flight keys are
//! accepted and ignored), `[transport]`, `[security] request_verify`, `[output] format`,
//! `[update]`. Unknown sections and keys are ignored, as the official schema does. Every
//! error names the file and the key; none shows the API key or OAuth tokens.

use std::path::Path;

use toml::{Table, Value};

use super::super::region::Region;
use super::{AuthMethod, OAuthTokens, ProfileDoc, RoutingDoc, Scalar};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// Output formats a profile may name.
pub const OUTPUT_FORMATS: [&str; 4] = ["table", "json", "csv", "parquet"];

/// Where a document came from and how strictly to check it.
pub(crate) struct Source<'a> {
    /// `profile 'x' (/path/x.toml)` or `file /path/in.toml`.
    pub label: &'a str,
    /// True once `${VAR}` references are expanded: values are then fully checked; before,
    /// a value holding a reference passes (as the official schema lets `${...}` through).
    pub expanded: bool,
}

impl Source<'_> {
    fn err(&self, key: &str, message: impl std::fmt::Display) -> Error {
        Error::Config(format!("invalid {}: {key}: {message}", self.label))
    }
}

/// True for a value that still holds a `${VAR}` reference.
pub fn has_reference(v: &str) -> bool {
    v.contains("${")
}

/// True for a whole-value reference such as `${ARIZE_API_KEY}` (shown as is, not masked).
pub fn is_reference(v: &str) -> bool {
    v.starts_with("${") && v.ends_with('}')
}

fn key_name(section: &str, key: &str) -> String {
    format!("[{section}] {key}")
}

// ---- ${VAR} expansion ---------------------------------------------------------------------

/// Expands `${VAR}` and `${VAR:default}` in `text` as the official manager does: the
/// variable's value when it is set (even empty), else the default, else an error naming
/// the variable. A `${` without a closing `}` stays as it is.
pub fn expand(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        // The name runs to the first '}' or ':' (at least one character).
        let name_end = after.find(['}', ':']).unwrap_or(after.len());
        let name = &after[..name_end];
        let (default, consumed) = match after[name_end..].chars().next() {
            Some('}') if !name.is_empty() => (None, name_end + 1),
            Some(':') if !name.is_empty() => match after[name_end + 1..].find('}') {
                Some(d) => (
                    Some(&after[name_end + 1..name_end + 1 + d]),
                    name_end + 1 + d + 1,
                ),
                None => {
                    out.push_str(&rest[..start + 2]);
                    rest = after;
                    continue;
                }
            },
            _ => {
                out.push_str(&rest[..start + 2]);
                rest = after;
                continue;
            }
        };
        out.push_str(&rest[..start]);
        match (env(name), default) {
            (Some(v), _) => out.push_str(&v),
            (None, Some(d)) => out.push_str(d),
            (None, None) => {
                return Err(format!(
                    "environment variable {name} is not set and no default is given (write ${{{name}:default}} for one)"
                ))
            }
        }
        rest = &after[consumed..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Expands every string of every table (not inside arrays), as the official manager does.
pub(crate) fn expand_table(
    table: &mut Table,
    path: &str,
    label: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<()> {
    for (key, value) in table.iter_mut() {
        match value {
            Value::String(s) => {
                *s = expand(s, env).map_err(|why| {
                    let shown = if path.is_empty() {
                        key.clone()
                    } else {
                        key_name(path, key)
                    };
                    Error::Config(format!("{label}: {shown}: {why}"))
                })?;
            }
            Value::Table(t) => {
                let inner = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                expand_table(t, &inner, label, env)?;
            }
            _ => {}
        }
    }
    Ok(())
}

// ---- typed access ------------------------------------------------------------------------

fn section<'t>(src: &Source, doc: &'t Table, name: &str) -> Result<Option<&'t Table>> {
    match doc.get(name) {
        None => Ok(None),
        Some(Value::Table(t)) => Ok(Some(t)),
        Some(other) => Err(src.err(
            &format!("[{name}]"),
            format!(
                "must be a table (a [{name}] section), got a {}",
                other.type_str()
            ),
        )),
    }
}

/// A string setting; `secret` ones are never shown in errors.
fn string(src: &Source, t: &Table, sec: &str, key: &str, secret: bool) -> Result<Option<String>> {
    match t.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) if secret => Err(src.err(
            &key_name(sec, key),
            format!("must be a string, got a {}", other.type_str()),
        )),
        Some(other) => Err(src.err(
            &key_name(sec, key),
            format!("must be a string, got a {} ({other})", other.type_str()),
        )),
    }
}

/// A string or an integer (ports and transport sizes): kept as written.
fn scalar(src: &Source, t: &Table, sec: &str, key: &str, floats: bool) -> Result<Option<Scalar>> {
    match t.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(Scalar::Text(s.clone()))),
        Some(Value::Integer(i)) => Ok(Some(Scalar::Int(*i))),
        Some(Value::Float(f)) if floats => Ok(Some(Scalar::Float(*f))),
        Some(Value::Boolean(b)) => Ok(Some(Scalar::Bool(*b))),
        Some(other) => Err(src.err(
            &key_name(sec, key),
            format!(
                "must be an integer or a string, got a {} ({other})",
                other.type_str()
            ),
        )),
    }
}

fn check_port(src: &Source, sec: &str, key: &str, v: &Scalar) -> Result<()> {
    let ok = match v {
        Scalar::Int(i) => (0..=65535).contains(i),
        Scalar::Text(s) if !src.expanded && has_reference(s) => true,
        Scalar::Text(s) => s.trim().is_empty() || s.trim().parse::<u16>().is_ok(),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(src.err(
            &key_name(sec, key),
            format!("must be an integer port 0..65535, got {}", v.shown()),
        ))
    }
}

fn check_integer(src: &Source, sec: &str, key: &str, v: &Scalar, floats: bool) -> Result<()> {
    let ok = match v {
        Scalar::Int(i) => *i >= 1,
        Scalar::Float(f) => floats && f.is_finite() && *f >= 1.0,
        Scalar::Text(s) if has_reference(s) && !src.expanded => true,
        Scalar::Text(s) => match s.trim().parse::<i64>() {
            Ok(i) => i >= 1,
            Err(_) => {
                floats
                    && s.trim()
                        .parse::<f64>()
                        .is_ok_and(|f| f.is_finite() && f >= 1.0)
            }
        },
        Scalar::Bool(_) => false,
    };
    if ok {
        Ok(())
    } else {
        Err(src.err(
            &key_name(sec, key),
            format!(
                "must be a positive integer or an environment variable reference such as ${{MY_VAR}}, got {}",
                v.shown()
            ),
        ))
    }
}

/// A boolean as pydantic reads one: a TOML boolean, or 1/true/yes/on, 0/false/no/off.
pub(crate) fn boolean(v: &Scalar) -> Option<bool> {
    match v {
        Scalar::Bool(b) => Some(*b),
        Scalar::Int(0) => Some(false),
        Scalar::Int(1) => Some(true),
        Scalar::Text(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" | "t" | "y" => Some(true),
            "0" | "false" | "no" | "off" | "f" | "n" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn check_bare_host(src: &Source, sec: &str, key: &str, v: &str) -> Result<()> {
    if (src.expanded || !has_reference(v))
        && (v.contains("://") || v.contains('/') || v.contains(char::is_whitespace))
    {
        return Err(src.err(
            &key_name(sec, key),
            format!("must be a bare host name (no scheme, path or spaces), got '{v}'"),
        ));
    }
    Ok(())
}

// ---- the document -------------------------------------------------------------------------

/// Validates a parsed profile file. `name` replaces `[profile] name` when given (as the
/// official CLI does for `--from-file`).
pub(crate) fn parse_doc(src: &Source, doc: &Table, name: Option<&str>) -> Result<ProfileDoc> {
    // [profile]
    let profile_name = match name {
        Some(n) => n.to_owned(),
        None => {
            let sec = section(src, doc, "profile")?.ok_or_else(|| {
                src.err("[profile]", "section missing (it holds the profile's name)")
            })?;
            let n = string(src, sec, "profile", "name", false)?
                .ok_or_else(|| src.err("[profile] name", "field required"))?;
            if n.trim().is_empty() {
                return Err(src.err("[profile] name", "must not be empty"));
            }
            n.trim().to_owned()
        }
    };

    // [auth]
    let auth = section(src, doc, "auth")?.ok_or_else(|| {
        src.err(
            "[auth]",
            "section missing: give auth_method = \"api-key\" and api_key",
        )
    })?;
    let api_key = string(src, auth, "auth", "api_key", true)?;
    let oauth = match auth.get("oauth") {
        None => None,
        Some(Value::Table(t)) => Some(t.clone()),
        Some(other) => {
            return Err(src.err(
                "[auth] oauth",
                format!("must be a table, got a {}", other.type_str()),
            ))
        }
    };
    let method_text = string(src, auth, "auth", "auth_method", false)?.filter(|m| !m.is_empty());
    let method = match method_text.as_deref() {
        Some("api-key") => AuthMethod::ApiKey,
        Some("oauth") => AuthMethod::OAuth,
        // The value is not repeated: [auth] holds credentials, perhaps pasted here.
        Some(_) => {
            return Err(src.err(
                "[auth] auth_method",
                "must be 'api-key' or 'oauth' (the value given is neither; it is not shown)",
            ))
        }
        // Files written before auth_method existed: inferred from the credential present.
        None if api_key.as_deref().is_some_and(|k| !k.is_empty()) => AuthMethod::ApiKey,
        None if oauth.as_ref().is_some_and(|t| !t.is_empty()) => AuthMethod::OAuth,
        None => {
            return Err(src.err(
                "[auth] auth_method",
                "field required (no api_key or oauth credentials to infer it from)",
            ))
        }
    };
    let api_key = match api_key {
        Some(k) if k.trim().is_empty() => {
            return Err(src.err("[auth] api_key", "must not be empty"));
        }
        Some(k) => Some(Secret::new(k.trim())),
        None => None,
    };
    match method {
        AuthMethod::ApiKey if api_key.is_none() => {
            return Err(src.err(
                "[auth] api_key",
                "auth_method 'api-key' needs a non-empty api_key",
            ))
        }
        AuthMethod::ApiKey if oauth.is_some() => {
            return Err(src.err(
                "[auth] oauth",
                "auth_method 'api-key' must not have an oauth section",
            ))
        }
        AuthMethod::OAuth if api_key.is_some() => {
            return Err(src.err(
                "[auth] api_key",
                "auth_method 'oauth' must not have an api_key",
            ))
        }
        _ => {}
    }
    if let Some(t) = &oauth {
        for field in ["access_token", "refresh_token", "expires_at", "user_email"] {
            let ok = match t.get(field) {
                Some(Value::String(s)) => !s.trim().is_empty(),
                Some(Value::Datetime(_)) => field == "expires_at",
                _ => false,
            };
            if !ok {
                return Err(src.err(
                    &format!("[auth.oauth] {field}"),
                    "field required (a non-empty string)",
                ));
            }
        }
    }

    // [routing]
    let mut routing = RoutingDoc::default();
    if let Some(r) = section(src, doc, "routing")? {
        for (key, slot) in routing.text_fields_mut() {
            if let Some(v) = string(src, r, "routing", key, false)? {
                *slot = v;
            }
        }
        for (key, slot) in [
            ("single_port", &mut routing.single_port),
            ("flight_port", &mut routing.flight_port),
        ] {
            if let Some(v) = scalar(src, r, "routing", key, false)? {
                check_port(src, "routing", key, &v)?;
                *slot = v;
            }
        }
    }
    if !routing.region.is_empty() && (src.expanded || !is_reference(&routing.region)) {
        let region = Region::parse(&routing.region).map_err(|e| match e {
            Error::Config(m) => src.err("[routing] region", m),
            other => other,
        })?;
        routing.region = region.as_str().to_owned();
    }
    for key in ["single_host", "api_host", "base_domain"] {
        let v = match key {
            "single_host" => &routing.single_host,
            "api_host" => &routing.api_host,
            _ => &routing.base_domain,
        };
        check_bare_host(src, "routing", key, v)?;
    }
    let scheme = routing.api_scheme.to_ascii_lowercase();
    if src.expanded || !has_reference(&scheme) {
        if scheme != "http" && scheme != "https" {
            return Err(src.err(
                "[routing] api_scheme",
                format!("must be 'http' or 'https', got '{}'", routing.api_scheme),
            ));
        }
        routing.api_scheme = scheme;
    }
    let overrides = [
        !routing.region.is_empty(),
        !routing.single_host.is_empty() || !routing.single_port.is_blank(),
        !routing.base_domain.is_empty(),
    ];
    if overrides.iter().filter(|o| **o).count() > 1 {
        return Err(src.err(
            "[routing]",
            format!(
                "only one routing option is allowed: region, single_host/single_port or base_domain (got {})",
                routing.overrides_given().join(", ")
            ),
        ));
    }

    // [transport]
    let mut out = ProfileDoc::new(
        profile_name,
        method,
        api_key,
        oauth.map(OAuthTokens),
        routing,
    );
    if let Some(t) = section(src, doc, "transport")? {
        for (key, slot) in out.transport.iter_mut() {
            let floats = *key == "max_http_payload_size_mb";
            if let Some(v) = scalar(src, t, "transport", key, floats)? {
                check_integer(src, "transport", key, &v, floats)?;
                *slot = v;
            }
        }
    }

    // [security]
    if let Some(s) = section(src, doc, "security")? {
        if let Some(v) = scalar(src, s, "security", "request_verify", false)? {
            let holds_ref = matches!(&v, Scalar::Text(t) if has_reference(t));
            if (src.expanded || !holds_ref) && boolean(&v).is_none() {
                return Err(src.err(
                    "[security] request_verify",
                    format!(
                        "must be true or false (or 1/yes/on, 0/no/off), got {}",
                        v.shown()
                    ),
                ));
            }
            out.request_verify = v;
        }
    }

    // [output]
    if let Some(o) = section(src, doc, "output")? {
        if let Some(f) = string(src, o, "output", "format", false)? {
            let lower = f.trim().to_ascii_lowercase();
            if !OUTPUT_FORMATS.contains(&lower.as_str()) {
                return Err(src.err(
                    "[output] format",
                    format!("must be one of table, json, csv, parquet, got '{f}'"),
                ));
            }
            out.output_format = lower;
        }
    }

    // [update]
    if let Some(u) = section(src, doc, "update")? {
        match u.get("check_interval_hours") {
            None => {}
            Some(v) => {
                let hours = match v {
                    Value::Integer(i) => Some(*i as f64),
                    Value::Float(f) => Some(*f),
                    Value::String(s) => s.trim().parse::<f64>().ok(),
                    _ => None,
                };
                match hours {
                    Some(h) if h.is_finite() && h > 0.0 => out.update_interval_hours = h,
                    _ => {
                        return Err(src.err(
                            "[update] check_interval_hours",
                            format!("must be a number of hours greater than 0, got {v}"),
                        ))
                    }
                }
            }
        }
        if let Some(v) = scalar(src, u, "update", "enabled", false)? {
            match boolean(&v) {
                Some(b) => out.update_enabled = b,
                None => {
                    return Err(src.err(
                        "[update] enabled",
                        format!("must be true or false, got {}", v.shown()),
                    ))
                }
            }
        }
    }
    Ok(out)
}

/// Parses TOML text; the error names the file and line, never a value of the file (which
/// could be the key).
pub(crate) fn parse_toml(text: &str, path: &Path) -> Result<Table> {
    text.parse::<Table>().map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let mut message = e.message().trim().replace('\n', "; ");
        for secret in secret_candidates(text) {
            message = message.replace(&secret, "***");
        }
        Error::Config(format!(
            "cannot parse the profile file {}{}: not valid TOML ({message})",
            path.display(),
            line.map(|l| format!(" at line {l}")).unwrap_or_default()
        ))
    })
}

/// The values on lines that hold credentials, for masking them in parse errors.
fn secret_candidates(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let lower = line.to_ascii_lowercase();
        if !(lower.contains("key") || lower.contains("token") || lower.contains("secret")) {
            continue;
        }
        if let Some((_, value)) = line.split_once('=') {
            let v = value.trim().trim_matches(['"', '\'']).trim();
            if v.len() >= 4 {
                out.push(v.to_owned());
            }
        }
    }
    out
}
