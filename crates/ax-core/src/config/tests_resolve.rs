//! Resolution of explicit input, environment and defaults (endpoint, key, timeouts,
//! retries, plain-http guard), and a property test over random inputs.

use super::*;
use std::collections::HashMap;

pub(super) fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

pub(super) fn key() -> ConfigInput {
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
    let err =
        Config::resolve(ConfigInput::default(), &env_of(&[("ARIZE_API_KEY", "  ")])).unwrap_err();
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
    use super::super::tests_tls::pem_file;
    use super::*;
    use proptest::prelude::*;
    use std::path::PathBuf;

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
        "single_host",
        "ARIZE_SINGLE_HOST",
        "single_port",
        "ARIZE_SINGLE_PORT",
        "base_domain",
        "ARIZE_BASE_DOMAIN",
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
        "ARIZE_SINGLE_HOST",
        "ARIZE_SINGLE_PORT",
        "ARIZE_BASE_DOMAIN",
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
            single_host in proptest::option::of(text()),
            single_port in proptest::option::of(any::<u16>()),
            base_domain in proptest::option::of(text()),
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
                single_host,
                single_port,
                base_domain,
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
