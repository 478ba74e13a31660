//! TLS trust (a PEM CA bundle) and the proxy URL, with their credentials kept out of every
//! message.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use url::Url;

use crate::error::{Error, Result};

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
