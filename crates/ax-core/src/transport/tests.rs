//! Transport tests against in-test servers: proxy (forwarding and CONNECT, with
//! credentials), TLS trust settings, bodies cut off after the status, and the attempt count
//! of retry-exhausted errors.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use reqwest::Method;

use super::test_servers::{header, json_response, temp_file, ScriptedServer, TestProxy, TlsServer};
use super::{ApiRequest, RequestEvent};
use crate::{Client, Config, ConfigInput, Error};

const SPACES_BODY: &str = r#"{"spaces": [], "pagination": {"has_more": false}}"#;

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

fn config_with(
    base_url: &str,
    env: &dyn Fn(&str) -> Option<String>,
    tweak: impl FnOnce(&mut ConfigInput),
) -> crate::Result<Config> {
    let mut input = ConfigInput {
        api_key: Some("test-api-key-0123".into()),
        base_url: Some(base_url.into()),
        timeout: Some(Duration::from_secs(5)),
        total_timeout: Some(Duration::from_secs(20)),
        max_retries: Some(3),
        ..Default::default()
    };
    tweak(&mut input);
    let mut c = Config::resolve(input, env)?;
    c.backoff_initial = Duration::from_millis(1);
    c.backoff_max = Duration::from_millis(5);
    Ok(c)
}

fn client(base_url: &str, tweak: impl FnOnce(&mut ConfigInput)) -> Client {
    Client::new(config_with(base_url, &|_| None, tweak).unwrap()).unwrap()
}

fn basic(user: &str, pass: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
    )
}

fn post(path: &str) -> ApiRequest {
    ApiRequest::new(Method::POST, path).with_body(serde_json::json!({"name": "x"}))
}

// ---- proxy -------------------------------------------------------------------------------

#[tokio::test]
async fn requests_go_through_the_proxy_with_basic_credentials() {
    let emu = ax_emulator::Emulator::start(ax_emulator::EmulatorOptions::default())
        .await
        .unwrap();
    let proxy = TestProxy::start().await;
    // Percent-encoded credentials are decoded before they are sent.
    let proxy_url = format!("http://us%40er:p%3Ass-w0rd@127.0.0.1:{}", proxy.port);
    let emu_url = emu.url().trim_end_matches('/').to_owned();
    let c = Client::new(
        config_with(&emu_url, &|_| None, |i| {
            i.api_key = Some(emu.admin_key());
            i.proxy_url = Some(proxy_url.clone());
        })
        .unwrap(),
    )
    .unwrap();
    let pages = crate::api::spaces::list_all(&c, Default::default())
        .await
        .unwrap();
    assert!(!pages.is_empty());
    let heads = proxy.heads();
    assert!(!heads.is_empty());
    for head in &heads {
        let line = head.lines().next().unwrap();
        assert!(
            line.starts_with(&format!("GET {emu_url}/v2/spaces")),
            "not an absolute-form request through the proxy: {line}"
        );
        assert_eq!(
            header(head, "proxy-authorization").as_deref(),
            Some(basic("us@er", "p:ss-w0rd").as_str())
        );
        // The API key still goes to the server, as a bearer token.
        assert!(header(head, "authorization")
            .unwrap()
            .starts_with("Bearer "));
    }
    // Neither the configuration nor the client print the credentials.
    for text in [format!("{:?}", c.config()), format!("{c:?}")] {
        assert!(
            !text.contains("p%3Ass-w0rd") && !text.contains("p:ss-w0rd"),
            "{text}"
        );
        assert!(!text.contains(&emu.admin_key()), "{text}");
        assert!(text.contains("127.0.0.1"), "{text}");
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn proxy_from_the_environment_variable() {
    let origin = ScriptedServer::start(|_, _| json_response(200, SPACES_BODY)).await;
    let proxy = TestProxy::start().await;
    let env = env_of(&[(
        "ARIZE_PROXY_URL",
        &format!("http://envuser:envpass@127.0.0.1:{}", proxy.port),
    )]);
    let c = Client::new(config_with(&origin.url, &env, |_| {}).unwrap()).unwrap();
    let resp = c.send(ApiRequest::get("/v2/spaces")).await.unwrap();
    assert_eq!(resp.status, 200);
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1);
    assert_eq!(
        header(&heads[0], "proxy-authorization").as_deref(),
        Some(basic("envuser", "envpass").as_str())
    );
    // The explicit setting beats the variable.
    let other = TestProxy::start().await;
    let c = Client::new(
        config_with(&origin.url, &env, |i| i.proxy_url = Some(other.url.clone())).unwrap(),
    )
    .unwrap();
    c.send(ApiRequest::get("/v2/spaces")).await.unwrap();
    assert_eq!(other.heads().len(), 1);
    assert_eq!(header(&other.heads()[0], "proxy-authorization"), None);
    assert_eq!(proxy.heads().len(), 1);
}

#[tokio::test]
async fn proxy_failures_never_show_the_credentials() {
    // Nothing listens on the proxy's port.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut c = client("http://127.0.0.1:1", |i| {
        i.proxy_url = Some(format!("http://alice:hunter2-secret@127.0.0.1:{port}"));
        i.max_retries = Some(1);
    });
    let events: Arc<Mutex<Vec<RequestEvent>>> = Arc::default();
    let sink = events.clone();
    c.set_observer(Arc::new(move |e| sink.lock().unwrap().push(e.clone())));
    let err = c.send(ApiRequest::get("/v2/spaces")).await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains("hunter2-secret"), "{text}");
    assert!(
        err.to_string()
            .contains(&format!("through proxy http://***:***@127.0.0.1:{port}/")),
        "{err}"
    );
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 2);
    for e in events.iter() {
        let t = format!("{e:?}");
        assert!(!t.contains("hunter2-secret"), "{t}");
    }
}

// ---- TLS ---------------------------------------------------------------------------------

#[tokio::test]
async fn tls_with_the_servers_ca_bundle() {
    let server = TlsServer::start(SPACES_BODY).await;
    let bundle = temp_file("ca.pem", server.ca_pem.as_bytes());
    let c = client(&server.url, |i| i.ssl_ca_cert = Some(bundle.clone()));
    assert!(c.config().ca_bundle.is_some());
    let resp = c.send(ApiRequest::get("/v2/spaces")).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(server.count(), 1);

    // The same bundle from each environment variable, in order of precedence: the first
    // one set wins, even when it names a CA that does not match.
    let other_ca = temp_file(
        "other.pem",
        super::test_servers::test_ca("other CA").0.as_bytes(),
    );
    let path = bundle.to_str().unwrap();
    let other = other_ca.to_str().unwrap();
    for (env, ok) in [
        (vec![("SSL_CERT_FILE", path)], true),
        (
            vec![("REQUESTS_CA_BUNDLE", path), ("SSL_CERT_FILE", other)],
            true,
        ),
        (
            vec![("ARIZE_SSL_CA_CERT", path), ("REQUESTS_CA_BUNDLE", other)],
            true,
        ),
        (
            vec![("ARIZE_SSL_CA_CERT", other), ("REQUESTS_CA_BUNDLE", path)],
            false,
        ),
    ] {
        let env = env_of(&env);
        let c = Client::new(config_with(&server.url, &env, |i| i.max_retries = Some(0)).unwrap())
            .unwrap();
        let r = c.send(ApiRequest::get("/v2/spaces")).await;
        assert_eq!(r.is_ok(), ok, "{r:?}");
    }
}

#[tokio::test]
async fn tls_trusts_only_the_bundle_and_verification_can_be_turned_off() {
    let server = TlsServer::start(SPACES_BODY).await;
    // The system store does not know the test CA.
    let c = client(&server.url, |i| i.max_retries = Some(0));
    let err = c.send(ApiRequest::get("/v2/spaces")).await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
    // A bundle with another CA: only its certificates are trusted.
    let other_ca = temp_file(
        "other.pem",
        super::test_servers::test_ca("other CA").0.as_bytes(),
    );
    let c = client(&server.url, |i| {
        i.max_retries = Some(0);
        i.ssl_ca_cert = Some(other_ca.clone());
    });
    assert!(c.send(ApiRequest::get("/v2/spaces")).await.is_err());
    assert_eq!(server.count(), 0);
    // Verification off, explicitly and from the environment.
    let c = client(&server.url, |i| i.request_verify = Some(false));
    assert_eq!(
        c.send(ApiRequest::get("/v2/spaces")).await.unwrap().status,
        200
    );
    let env = env_of(&[
        ("ARIZE_REQUEST_VERIFY", "off"),
        ("SSL_CERT_FILE", "/nonexistent"),
    ]);
    let c = Client::new(config_with(&server.url, &env, |_| {}).unwrap()).unwrap();
    assert_eq!(
        c.send(ApiRequest::get("/v2/spaces")).await.unwrap().status,
        200
    );
    // The explicit argument beats the variable.
    let env = env_of(&[("ARIZE_REQUEST_VERIFY", "false")]);
    let c = Client::new(
        config_with(&server.url, &env, |i| {
            i.request_verify = Some(true);
            i.max_retries = Some(0);
        })
        .unwrap(),
    )
    .unwrap();
    assert!(c.send(ApiRequest::get("/v2/spaces")).await.is_err());
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn tls_through_a_connect_proxy() {
    let server = TlsServer::start(SPACES_BODY).await;
    let proxy = TestProxy::start().await;
    let bundle = temp_file("ca.pem", server.ca_pem.as_bytes());
    let c = client(&server.url, |i| {
        i.ssl_ca_cert = Some(bundle.clone());
        i.proxy_url = Some(format!("http://bob:tunnel-pass@127.0.0.1:{}", proxy.port));
    });
    assert_eq!(
        c.send(ApiRequest::get("/v2/spaces")).await.unwrap().status,
        200
    );
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1);
    assert!(
        heads[0].starts_with(&format!("CONNECT 127.0.0.1:{} ", server.port)),
        "{}",
        heads[0]
    );
    assert_eq!(
        header(&heads[0], "proxy-authorization").as_deref(),
        Some(basic("bob", "tunnel-pass").as_str())
    );
    // The API key travels inside the tunnel only.
    assert_eq!(header(&heads[0], "authorization"), None);
}

// ---- bodies cut off after the status -----------------------------------------------------

/// A response whose headers promise 100 bytes but which closes after 10.
fn cut_off(status: u16) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{{\"id\": \"ab"
    )
    .into_bytes()
}

#[tokio::test]
async fn post_whose_2xx_body_is_cut_off_is_known_applied_and_not_resent() {
    let server = ScriptedServer::start(|_, _| cut_off(201)).await;
    let c = client(&server.url, |_| {});
    let err = c.send(post("/v2/spaces")).await.unwrap_err();
    match &err {
        Error::ResponseBodyLost { status, method, .. } => {
            assert_eq!(*status, 201);
            assert_eq!(method, "POST");
        }
        other => panic!("expected ResponseBodyLost, got {other:?}"),
    }
    let msg = err.to_string();
    for part in [
        "POST",
        "/v2/spaces",
        "succeeded on the server (status 201)",
        "response body could not be read",
        "not resent",
        "get or list the resource",
    ] {
        assert!(msg.contains(part), "{part:?} missing from: {msg}");
    }
    assert!(!msg.contains("test-api-key-0123"));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn post_without_any_response_stays_unknown_outcome() {
    // Reads the request, then closes without a status line.
    let server = ScriptedServer::start(|_, _| Vec::new()).await;
    let c = client(&server.url, |_| {});
    let err = c.send(post("/v2/spaces")).await.unwrap_err();
    assert!(matches!(err, Error::UnknownOutcome { .. }), "{err:?}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn cut_off_error_status_is_handled_as_that_status() {
    let server = ScriptedServer::start(|_, _| cut_off(500)).await;
    let c = client(&server.url, |_| {});
    let err = c.send(post("/v2/spaces")).await.unwrap_err();
    assert_eq!(err.status(), Some(500), "{err:?}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn get_whose_body_is_cut_off_is_retried() {
    let server = ScriptedServer::start(|i, _| {
        if i < 2 {
            cut_off(200)
        } else {
            json_response(200, SPACES_BODY)
        }
    })
    .await;
    let c = client(&server.url, |_| {});
    let resp = c.send(ApiRequest::get("/v2/spaces")).await.unwrap();
    assert_eq!(&resp.body[..], SPACES_BODY.as_bytes());
    assert_eq!(server.count(), 3);
}

// ---- retry-exhausted errors name the attempts ---------------------------------------------

#[tokio::test]
async fn exhausted_retries_name_the_attempt_count() {
    let server =
        ScriptedServer::start(|_, _| json_response(503, r#"{"title":"Unavailable"}"#)).await;
    let c = client(&server.url, |_| {});
    let err = c.send(ApiRequest::get("/v2/spaces")).await.unwrap_err();
    assert!(err.to_string().contains("4 attempts"), "{err}");
    assert_eq!(server.count(), 4);

    let server = ScriptedServer::start(|_, _| {
        b"HTTP/1.1 429 X\r\nRetry-After: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            .to_vec()
    })
    .await;
    let c = client(&server.url, |_| {});
    let err = c.send(post("/v2/spaces")).await.unwrap_err();
    assert!(err.to_string().contains("4 attempts"), "{err}");
    assert_eq!(server.count(), 4);

    // Nothing listening: connect errors are retried (even for a POST) and counted.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = client(&format!("http://127.0.0.1:{port}"), |_| {});
    let err = c.send(post("/v2/spaces")).await.unwrap_err();
    assert!(err.to_string().contains("4 attempts"), "{err}");

    // A cut-off GET body, every time.
    let server = ScriptedServer::start(|_, _| cut_off(200)).await;
    let c = client(&server.url, |_| {});
    let err = c.send(ApiRequest::get("/v2/spaces")).await.unwrap_err();
    assert!(err.to_string().contains("4 attempts"), "{err}");
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn tls_emulator_with_its_ca_and_through_a_proxy() {
    let emu = ax_emulator::Emulator::start(ax_emulator::EmulatorOptions {
        tls: true,
        ..Default::default()
    })
    .await
    .unwrap();
    let ca = emu
        .ca_cert_pem()
        .expect("a TLS emulator has a CA")
        .to_string();
    let bundle = temp_file("emulator-ca.pem", ca.as_bytes());
    let env = env_of(&[("ARIZE_SSL_CA_CERT", bundle.to_str().unwrap())]);
    let c =
        Client::new(config_with(&emu.url(), &env, |i| i.api_key = Some(emu.admin_key())).unwrap())
            .unwrap();
    let pages = crate::api::spaces::list_all(&c, Default::default())
        .await
        .unwrap();
    assert!(pages.iter().map(|p| p.len()).sum::<usize>() > 0);
    // Through a CONNECT proxy as well.
    let proxy = TestProxy::start().await;
    let c = Client::new(
        config_with(&emu.url(), &env, |i| {
            i.api_key = Some(emu.admin_key());
            i.proxy_url = Some(proxy.url.clone());
        })
        .unwrap(),
    )
    .unwrap();
    crate::api::spaces::list_all(&c, Default::default())
        .await
        .unwrap();
    assert!(proxy.heads()[0].starts_with("CONNECT 127.0.0.1:"));
    // Without the CA the system store rejects it.
    let c = Client::new(
        config_with(&emu.url(), &|_| None, |i| {
            i.api_key = Some(emu.admin_key());
            i.max_retries = Some(0);
        })
        .unwrap(),
    )
    .unwrap();
    assert!(crate::api::spaces::list_all(&c, Default::default())
        .await
        .is_err());
    emu.shutdown().await;
}

#[test]
fn the_rate_limit_note_says_why_a_request_waited() {
    let event = |held_ms: u64, held_by_pause: bool, pause: Option<Duration>| RequestEvent {
        method: "GET".into(),
        url: "https://api.example/v2/spaces".into(),
        status: Some(200),
        error: None,
        elapsed: Duration::from_millis(3),
        attempt: 1,
        held: Duration::from_millis(held_ms),
        held_by_pause,
        rate: Some(47.5),
        pause,
    };
    let min = Duration::from_millis(100);
    assert_eq!(event(0, false, None).rate_limit_note(min), None);
    assert_eq!(event(50, false, None).rate_limit_note(min), None);
    assert_eq!(
        event(250, false, None).rate_limit_note(min).unwrap(),
        "held back 0.25 s by the rate limit; requests are spaced at 47.500/s"
    );
    assert_eq!(
        event(1500, true, None).rate_limit_note(min).unwrap(),
        "held back 1.50 s by the rate limit (a 429's Retry-After); requests are spaced at \
         47.500/s"
    );
    assert_eq!(
        event(0, false, Some(Duration::from_secs(2)))
            .rate_limit_note(min)
            .unwrap(),
        "rate limited (429): every request of this client waits 2.00 s; requests are spaced \
         at 47.500/s"
    );
}
