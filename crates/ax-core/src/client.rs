//! The API client: one pooled HTTP client, the resolved configuration, the name-resolution
//! cache and an optional observer, shared by every clone.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::resolve::ResolveCache;
use crate::task_types::{RunTasks, TaskTypes};
use crate::transport::pacer::{Pacer, RateLimitState};
use crate::transport::{self, ApiRequest, ApiResponse, Observer, RequestEvent};

/// Cheap to clone; clones share the connection pool and the resolution cache.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    observer: Option<Observer>,
    /// A pool of this handle's own, replacing the shared one (see
    /// [`Client::with_separate_pool`]).
    own_pool: Option<Arc<Pool>>,
}

/// A connection pool and the process it was built in (see [`Client::http`]).
type Pool = std::sync::RwLock<(u32, reqwest::Client)>;

/// A connection pool made by [`Client::new_pool`] for one client.
pub struct PoolHandle {
    pool: Arc<Pool>,
    owner: std::sync::Weak<Inner>,
}

impl PoolHandle {
    /// True when the pool was made for `client` (or a clone of it).
    pub fn is_for(&self, client: &Client) -> bool {
        std::ptr::eq(self.owner.as_ptr(), Arc::as_ptr(&client.inner))
    }

    /// True once every handle of the client it was made for is gone.
    pub fn is_orphan(&self) -> bool {
        self.owner.strong_count() == 0
    }
}

struct Inner {
    /// The shared connection pool.
    http: Pool,
    config: Config,
    root: String,
    cache: ResolveCache,
    task_types: TaskTypes,
    run_tasks: RunTasks,
    /// The request budget every clone, thread and task shares.
    pacer: Pacer,
    /// The quickest successful call so far, in microseconds (`u64::MAX` before the first).
    fastest_us: AtomicU64,
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

/// TLS trust: none needed (plain http everywhere), verification off, a CA bundle only, or
/// the platform's store.
fn configure_tls(
    builder: reqwest::ClientBuilder,
    config: &Config,
) -> Result<reqwest::ClientBuilder> {
    if !config.uses_tls() {
        // Plain-http endpoint and no https proxy (the emulator, a local gateway): skip
        // loading the system CA store, a few milliseconds of start-up that every CLI call
        // would pay.
        return Ok(builder.tls_certs_only(std::iter::empty()));
    }
    if !config.request_verify {
        return Ok(builder.tls_danger_accept_invalid_certs(true));
    }
    match &config.ca_bundle {
        Some(bundle) => {
            let mut certs = Vec::with_capacity(bundle.certs.len());
            for der in bundle.certs.iter() {
                certs.push(reqwest::Certificate::from_der(der).map_err(|e| {
                    Error::Config(format!(
                        "cannot use the CA bundle '{}' (from {}): {e}",
                        bundle.path.display(),
                        bundle.source
                    ))
                })?);
            }
            // Like requests with `verify=<bundle>`: trust only these certificates.
            Ok(builder.tls_certs_only(certs))
        }
        None => Ok(builder),
    }
}

/// The reqwest client for `config` (headers, timeouts, TLS trust, proxy).
fn build_http(config: &Config) -> Result<reqwest::Client> {
    install_crypto_provider();
    let mut auth =
        HeaderValue::from_str(&format!("Bearer {}", config.api_key.expose())).map_err(|_| {
            Error::Config(
                "the API key contains characters that are not allowed in an HTTP header".into(),
            )
        })?;
    auth.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, auth);
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    // The caller's extra headers (`default_headers`, checked in `Config::resolve`); the
    // built-in ones above cannot be among them. Values are marked sensitive (not logged).
    for (name, value) in &config.default_headers {
        let bad = || {
            Error::validation(
                "default_headers",
                format!("header '{name}' is not a valid HTTP header"),
            )
        };
        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
        // Latin-1, as HTTP/1.1 header values are (checked in `Config::resolve`).
        let latin1: Vec<u8> = value.chars().map(|c| c as u32 as u8).collect();
        let mut value = HeaderValue::from_bytes(&latin1).map_err(|_| bad())?;
        value.set_sensitive(true);
        headers.append(name, value);
    }
    let mut builder = reqwest::Client::builder()
        .user_agent(format!("arize-ax/{} (rust)", crate::VERSION))
        .default_headers(headers)
        .gzip(true)
        .connect_timeout(config.timeout.min(Duration::from_secs(10)))
        .pool_idle_timeout(Duration::from_secs(60));
    builder = configure_tls(builder, config)?;
    builder = match &config.proxy {
        Some(proxy) => {
            let p = reqwest::Proxy::all(proxy.url_with_credentials()).map_err(|e| {
                Error::Config(format!(
                    "invalid proxy URL '{proxy}': {}",
                    config.scrub(&e.to_string())
                ))
            })?;
            builder.proxy(p)
        }
        // Only ARIZE_PROXY_URL / proxy_url choose a proxy: reqwest's own HTTP(S)_PROXY
        // detection stays off, so what a request does never depends on variables the
        // configuration does not show.
        None => builder.no_proxy(),
    };
    builder.build().map_err(|e| {
        Error::Config(format!(
            "cannot build the HTTP client: {}",
            config.scrub(&e.to_string())
        ))
    })
}

impl Client {
    /// Builds a client. Does not perform any request.
    pub fn new(config: Config) -> Result<Client> {
        let http = build_http(&config)?;
        let pacer = Pacer::new(config.max_requests_per_second);
        let root = config.base_url.as_str().trim_end_matches('/').to_owned();
        Ok(Client {
            inner: Arc::new(Inner {
                http: std::sync::RwLock::new((std::process::id(), http)),
                config,
                root,
                cache: ResolveCache::new(Duration::from_secs(30)),
                task_types: TaskTypes::default(),
                run_tasks: RunTasks::default(),
                pacer,
                fastest_us: AtomicU64::new(u64::MAX),
            }),
            observer: None,
            own_pool: None,
        })
    }

    /// A new connection pool for this client (same settings), to be used through
    /// [`Client::with_pool`]. The pool does not keep the client alive.
    ///
    /// A pool's connections are driven by the runtime they were opened on. A walk that runs
    /// on a current-thread runtime of the calling thread (the Python bindings' fast path for
    /// long listings) needs connections of that runtime: connections of the shared pool
    /// could be driven by a runtime that is not running at that moment, and the walk's
    /// connections must not be handed to callers on other runtimes.
    pub fn new_pool(&self) -> Result<PoolHandle> {
        let http = build_http(&self.inner.config)?;
        Ok(PoolHandle {
            pool: Arc::new(std::sync::RwLock::new((std::process::id(), http))),
            owner: Arc::downgrade(&self.inner),
        })
    }

    /// This client (same configuration, name cache and observer) sending its requests
    /// through `pool`, or `None` when `pool` was made for another client.
    pub fn with_pool(&self, pool: &PoolHandle) -> Option<Client> {
        pool.is_for(self).then(|| Client {
            inner: self.inner.clone(),
            observer: self.observer.clone(),
            own_pool: Some(pool.pool.clone()),
        })
    }

    /// The connection pool of this process.
    ///
    /// A forked child inherits the parent's pool, but its connections belong to the
    /// parent's runtime (whose threads do not exist in the child) and its sockets are
    /// shared with the parent: using them would hang or mix responses. So a client first
    /// used in a new process builds a fresh pool for it (same configuration).
    fn http(&self) -> Result<reqwest::Client> {
        let pid = std::process::id();
        let pool = self.own_pool.as_deref().unwrap_or(&self.inner.http);
        {
            let cur = pool.read().unwrap_or_else(|e| e.into_inner());
            if cur.0 == pid {
                return Ok(cur.1.clone());
            }
        }
        let mut cur = pool.write().unwrap_or_else(|e| e.into_inner());
        if cur.0 != pid {
            *cur = (pid, build_http(&self.inner.config)?);
        }
        Ok(cur.1.clone())
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
        let sent = transport::execute(
            &self.http()?,
            &self.inner.config,
            &self.inner.root,
            self.observer.as_ref(),
            &self.inner.pacer,
            req,
        )
        .await;
        if let Ok(resp) = &sent {
            let us = u64::try_from(resp.elapsed.as_micros()).unwrap_or(u64::MAX - 1);
            self.inner.fastest_us.fetch_min(us, Ordering::Relaxed);
        }
        sent
    }

    /// How long this client's quickest successful request took (the attempt that got the
    /// answer, from sending to the whole body; a new connection's handshakes included), or
    /// `None` before the first. It bounds the round trip to the server from above: near
    /// (loopback, the same host) when it is a millisecond or less, across a network when it
    /// is tens of milliseconds.
    pub fn fastest_answer(&self) -> Option<Duration> {
        match self.inner.fastest_us.load(Ordering::Relaxed) {
            u64::MAX => None,
            us => Some(Duration::from_micros(us)),
        }
    }

    /// The request budget as it stands: the rate requests are spaced at and why, a
    /// `Retry-After` pause in force, and how many requests were refused or held back.
    pub fn rate_limit(&self) -> RateLimitState {
        self.inner.pacer.state(std::time::Instant::now())
    }

    pub(crate) fn cache(&self) -> &ResolveCache {
        &self.inner.cache
    }

    /// The task types this client knows (see [`TaskTypes`]).
    pub(crate) fn task_types(&self) -> &TaskTypes {
        &self.inner.task_types
    }

    /// The tasks of the runs this client knows (see [`RunTasks`]).
    pub(crate) fn run_tasks(&self) -> &RunTasks {
        &self.inner.run_tasks
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::offline;

    #[test]
    fn pools_belong_to_one_client_and_do_not_keep_it_alive() {
        let a = offline();
        let b = offline();
        let pool = a.new_pool().unwrap();
        assert!(pool.is_for(&a) && pool.is_for(&a.clone()));
        assert!(!pool.is_for(&b));
        assert!(b.with_pool(&pool).is_none());
        assert_eq!(a.fastest_answer(), None);
        let via = a.with_pool(&pool).unwrap();
        assert_eq!(via.base_url(), a.base_url());
        assert!(pool.is_for(&via));
        drop(a);
        assert!(
            !pool.is_orphan(),
            "the handle made through the pool still holds the client"
        );
        drop(via);
        assert!(pool.is_orphan());
    }
}
