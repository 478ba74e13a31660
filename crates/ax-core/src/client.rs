//! The API client: one pooled HTTP client, the resolved configuration, the name-resolution
//! cache and an optional observer, shared by every clone.

use std::sync::{Arc, Once};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::resolve::ResolveCache;
use crate::transport::{self, ApiRequest, ApiResponse, Observer, RequestEvent};

/// Cheap to clone; clones share the connection pool and the resolution cache.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    observer: Option<Observer>,
}

struct Inner {
    http: reqwest::Client,
    config: Config,
    root: String,
    cache: ResolveCache,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.root)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Err means another provider is already installed, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl Client {
    /// Builds a client. Does not perform any request.
    pub fn new(config: Config) -> Result<Client> {
        install_crypto_provider();
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", config.api_key.expose()))
            .map_err(|_| {
                Error::Config(
                    "the API key contains characters that are not allowed in an HTTP header".into(),
                )
            })?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let mut builder = reqwest::Client::builder()
            .user_agent(format!("arize-ax/{} (rust)", crate::VERSION))
            .default_headers(headers)
            .gzip(true)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .pool_idle_timeout(Duration::from_secs(60));
        if config.base_url.scheme() == "http" {
            // Plain-http endpoint (the emulator, a local proxy): skip loading the system
            // CA store, a few milliseconds of start-up that every CLI call would pay.
            builder = builder.tls_certs_only(std::iter::empty());
        }
        let http = builder
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let root = config.base_url.as_str().trim_end_matches('/').to_owned();
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                config,
                root,
                cache: ResolveCache::new(Duration::from_secs(30)),
            }),
            observer: None,
        })
    }

    /// Root URL without a trailing slash, e.g. `https://api.arize.com`.
    pub fn base_url(&self) -> &str {
        &self.inner.root
    }

    /// The resolved configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Sets a callback invoked after every attempt (for verbose logging). Applies to this
    /// handle and to clones made from it afterwards.
    pub fn set_observer(&mut self, f: Arc<dyn Fn(&RequestEvent) + Send + Sync>) {
        self.observer = Some(f);
    }

    /// Sends one API call (with retries); non-2xx becomes [`Error::Api`].
    pub async fn send(&self, req: ApiRequest) -> Result<ApiResponse> {
        transport::execute(
            &self.inner.http,
            &self.inner.config,
            &self.inner.root,
            self.observer.as_ref(),
            req,
        )
        .await
    }

    pub(crate) fn cache(&self) -> &ResolveCache {
        &self.inner.cache
    }
}
