//! TLS verification, CA bundles and proxy settings: precedence, errors naming the setting,
//! credentials never shown.

use std::path::{Path, PathBuf};

use super::tests_resolve::{env_of, key};
use super::*;

// ---- TLS verification, CA bundle and proxy settings ------------------------------------

pub(super) fn ca_pem() -> String {
    crate::transport::test_servers::test_ca("config test CA").0
}

pub(super) fn pem_file() -> PathBuf {
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
