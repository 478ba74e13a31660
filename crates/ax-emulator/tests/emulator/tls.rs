//! HTTPS with a generated CA.

use ax_emulator::{EmulatorOptions, Fault, FaultAction};

use crate::common::*;

fn client_trusting(ca_pem: &str) -> reqwest::Client {
    let _ = http_client(); // installs the crypto provider
    let cert = reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap();
    reqwest::Client::builder()
        .tls_certs_only([cert])
        .build()
        .unwrap()
}

async fn start_tls() -> Api {
    start_with(EmulatorOptions {
        tls: true,
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn https_with_the_ca_as_the_only_root() {
    let api = start_tls().await;
    let port = api.emu.port();
    assert_eq!(api.emu.url(), format!("https://127.0.0.1:{port}"));
    let ca = api.emu.ca_cert_pem().expect("a CA with tls");
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"));
    let client = client_trusting(&ca);
    for base in [api.emu.url(), format!("https://localhost:{port}")] {
        let r = client
            .get(format!("{base}/v2/spaces"))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{base}: {e:?}"));
        assert_eq!(r.status(), 200, "{base}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(!body["spaces"].as_array().unwrap().is_empty());
    }
    // 401 and problem bodies over TLS too.
    let r = client
        .get(format!("{}/v2/spaces", api.emu.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // Without the CA: verification fails (built-in/platform roots, or another CA).
    let _ = http_client();
    let default = reqwest::Client::new();
    let err = default
        .get(format!("{}/v2/spaces", api.emu.url()))
        .bearer_auth(ADMIN)
        .send()
        .await
        .expect_err("untrusted certificate");
    assert!(err.is_connect() || err.is_request(), "{err:?}");
    let other = start_tls().await;
    let other_ca = other.emu.ca_cert_pem().unwrap();
    assert_ne!(other_ca, ca);
    let wrong = client_trusting(&other_ca);
    let err = wrong
        .get(format!("{}/v2/spaces", api.emu.url()))
        .bearer_auth(ADMIN)
        .send()
        .await
        .expect_err("certificate of another CA");
    let chain = format!("{err:?}").to_ascii_lowercase();
    assert!(
        chain.contains("certificate") || chain.contains("unknownissuer"),
        "{chain}"
    );
    // Plain HTTP to the HTTPS port gets no HTTP answer.
    let plain = http_client()
        .get(format!("http://127.0.0.1:{port}/v2/spaces"))
        .bearer_auth(ADMIN)
        .send()
        .await;
    assert!(plain.is_err() || plain.unwrap().status() != 200);
}

#[tokio::test]
async fn plain_http_has_no_ca() {
    let api = start().await;
    assert!(api.emu.ca_cert_pem().is_none());
    assert!(api.emu.url().starts_with("http://"));
}

#[tokio::test]
async fn connection_faults_over_tls() {
    let api = start_tls().await;
    let client = client_trusting(&api.emu.ca_cert_pem().unwrap());
    let c = api.emu.control();
    c.add_fault(Fault {
        path: "/v2/organizations".into(),
        action: Some(FaultAction::Reset),
        ..Default::default()
    });
    let url = format!("{}/v2/organizations", api.emu.url());
    let err = client
        .get(&url)
        .bearer_auth(ADMIN)
        .send()
        .await
        .expect_err("reset");
    assert!(err.status().is_none());
    c.add_fault(Fault {
        path: "/v2/organizations".into(),
        action: Some(FaultAction::Truncate),
        ..Default::default()
    });
    let r = client.get(&url).bearer_auth(ADMIN).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.is_err());
    let r = client.get(&url).bearer_auth(ADMIN).send().await.unwrap();
    assert_eq!(r.status(), 200);
    api.emu.shutdown().await;
}

#[tokio::test]
async fn http2_over_tls_carries_concurrent_requests_on_one_connection() {
    let api = start_tls().await;
    let client = client_trusting(&api.emu.ca_cert_pem().unwrap());
    let url = format!("{}/v2/spaces", api.emu.url());
    let first = client.get(&url).bearer_auth(ADMIN).send().await.unwrap();
    assert_eq!(first.version(), reqwest::Version::HTTP_2);
    first.bytes().await.unwrap();
    let c = api.emu.control();
    c.clear_requests();
    let mut many = tokio::task::JoinSet::new();
    for _ in 0..20 {
        many.spawn(client.get(&url).bearer_auth(ADMIN).send());
    }
    while let Some(r) = many.join_next().await {
        let r = r.unwrap().unwrap();
        assert_eq!(
            (r.status().as_u16(), r.version()),
            (200, reqwest::Version::HTTP_2)
        );
    }
    let log = c.requests();
    assert_eq!(log.len(), 20);
    assert!(
        log.iter()
            .all(|r| r.connection == 1 && r.http_version == "HTTP/2"),
        "{log:?}"
    );

    // A client limited to HTTP/1.1 is served too; concurrent requests need connections.
    let h1 = reqwest::Client::builder()
        .tls_certs_only([
            reqwest::Certificate::from_pem(api.emu.ca_cert_pem().unwrap().as_bytes()).unwrap(),
        ])
        .http1_only()
        .build()
        .unwrap();
    c.clear_requests();
    let r = h1.get(&url).bearer_auth(ADMIN).send().await.unwrap();
    assert_eq!(
        (r.status().as_u16(), r.version()),
        (200, reqwest::Version::HTTP_11)
    );
    let log = c.requests();
    assert_eq!(log[0].http_version, "HTTP/1.1");
    assert!(log[0].connection > 1);
}
