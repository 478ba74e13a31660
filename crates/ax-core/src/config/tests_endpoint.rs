//! single_host / single_port / base_domain, region spellings, default headers, and the
//! profile layer's place in the precedence (arguments > environment > profile > defaults).

use super::tests_resolve::{env_of, key};
use super::*;

fn url(input: ConfigInput, env: &[(&str, &str)]) -> String {
    Config::resolve(input, &env_of(env))
        .unwrap()
        .base_url
        .to_string()
}

fn err(input: ConfigInput, env: &[(&str, &str)]) -> String {
    Config::resolve(input, &env_of(env))
        .unwrap_err()
        .to_string()
}

#[test]
fn single_host_and_port_as_the_sdk() {
    let input = ConfigInput {
        single_host: Some("arize.internal".into()),
        single_port: Some(8443),
        ..key()
    };
    assert_eq!(url(input, &[]), "https://arize.internal:8443/");
    // single_host replaces the API host, explicit or from the environment.
    let input = ConfigInput {
        single_host: Some("arize.internal".into()),
        host: Some("ignored.example.com".into()),
        ..key()
    };
    assert_eq!(url(input, &[]), "https://arize.internal/");
    // The single port is the REST port only while the API port is unset (or 0).
    let input = ConfigInput {
        single_host: Some("h.example.com".into()),
        single_port: Some(8443),
        port: Some(9443),
        ..key()
    };
    assert_eq!(url(input, &[]), "https://h.example.com:9443/");
    let input = ConfigInput {
        single_host: Some("h.example.com".into()),
        single_port: Some(8443),
        port: Some(0),
        ..key()
    };
    assert_eq!(url(input, &[]), "https://h.example.com:8443/");
    // A single port alone keeps the API host.
    let input = ConfigInput {
        single_port: Some(8443),
        ..key()
    };
    assert_eq!(url(input, &[]), "https://api.arize.com:8443/");
    // single_port 0 means unset, as in the SDK.
    let input = ConfigInput {
        single_port: Some(0),
        region: Some("eu-west-1a".into()),
        ..key()
    };
    assert_eq!(url(input, &[]), "https://api.eu-west-1a.arize.com/");
}

#[test]
fn single_host_from_the_environment_reaches_a_local_server() {
    let env = [
        ("ARIZE_SINGLE_HOST", "127.0.0.1"),
        ("ARIZE_SINGLE_PORT", "8731"),
        ("ARIZE_API_SCHEME", "http"),
    ];
    assert_eq!(url(key(), &env), "http://127.0.0.1:8731/");
    // ARIZE_API_PORT beats ARIZE_SINGLE_PORT for REST.
    let mut with_port = env.to_vec();
    with_port.push(("ARIZE_API_PORT", "9000"));
    assert_eq!(url(key(), &with_port), "http://127.0.0.1:9000/");
}

#[test]
fn base_domain_makes_the_api_host() {
    let input = ConfigInput {
        base_domain: Some("privatelink.example.com".into()),
        ..key()
    };
    assert_eq!(url(input, &[]), "https://api.privatelink.example.com/");
    assert_eq!(
        url(key(), &[("ARIZE_BASE_DOMAIN", "corp.example")]),
        "https://api.corp.example/"
    );
    // It replaces an API host from the same layer.
    let input = ConfigInput {
        base_domain: Some("corp.example".into()),
        host: Some("other.example.com".into()),
        ..key()
    };
    assert_eq!(url(input, &[]), "https://api.corp.example/");
}

#[test]
fn endpoint_overrides_are_mutually_exclusive() {
    type Case<'a> = (ConfigInput, Vec<(&'a str, &'a str)>, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        (
            ConfigInput {
                region: Some("EU".into()),
                single_host: Some("h".into()),
                ..key()
            },
            vec![],
            vec![
                "region=eu-west-1a (region)",
                "single_host='h' (single_host)",
            ],
        ),
        (
            ConfigInput {
                base_domain: Some("d.example".into()),
                single_port: Some(1),
                ..key()
            },
            vec![],
            vec!["single_port=1 (single_port)", "base_domain='d.example'"],
        ),
        (
            key(),
            vec![
                ("ARIZE_REGION", "us-east-1b"),
                ("ARIZE_BASE_DOMAIN", "d.example"),
            ],
            vec!["(ARIZE_REGION)", "(ARIZE_BASE_DOMAIN)"],
        ),
        // A single port from the arguments and a region from the environment.
        (
            ConfigInput {
                single_port: Some(8443),
                ..key()
            },
            vec![("ARIZE_REGION", "eu-west-1a")],
            vec![
                "single_port=8443 (single_port)",
                "region=eu-west-1a (ARIZE_REGION)",
            ],
        ),
    ];
    for (input, env, parts) in cases {
        let e = Config::resolve(input, &env_of(&env)).unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{e:?}");
        let msg = e.to_string();
        assert!(
            msg.contains("only one of region, single_host/single_port or base_domain"),
            "{msg}"
        );
        for p in parts {
            assert!(msg.contains(p), "{p}: {msg}");
        }
    }
}

#[test]
fn an_explicit_host_choice_beats_the_environment_overrides() {
    let env = [
        ("ARIZE_REGION", "eu-west-1a"),
        ("ARIZE_SINGLE_HOST", "env-single.example.com"),
    ];
    // (Both from the environment would clash; an explicit choice replaces them.)
    let input = ConfigInput {
        host: Some("arg.example.com".into()),
        ..key()
    };
    assert_eq!(url(input, &env[1..]), "https://arg.example.com/");
    let input = ConfigInput {
        single_host: Some("arg-single.example.com".into()),
        ..key()
    };
    assert_eq!(url(input, &env[..1]), "https://arg-single.example.com/");
    let input = ConfigInput {
        region: Some("US".into()),
        ..key()
    };
    assert_eq!(url(input, &env[1..]), "https://api.us-east-1b.arize.com/");
}

#[test]
fn region_spellings() {
    for (given, host) in [
        ("eu-west-1a", "api.eu-west-1a.arize.com"),
        ("EU_WEST_1A", "api.eu-west-1a.arize.com"),
        ("EU", "api.eu-west-1a.arize.com"),
        ("us", "api.us-east-1b.arize.com"),
        ("Ca", "api.ca-central-1a.arize.com"),
        ("US_CENTRAL_1A", "api.us-central-1a.arize.com"),
    ] {
        let input = ConfigInput {
            region: Some(given.into()),
            ..key()
        };
        assert_eq!(url(input, &[]), format!("https://{host}/"), "{given}");
        assert_eq!(
            url(key(), &[("ARIZE_REGION", given)]),
            format!("https://{host}/")
        );
    }
    let msg = err(key(), &[("ARIZE_REGION", "Mars")]);
    assert!(
        msg.contains("ARIZE_REGION") && msg.contains("eu-west-1a") && msg.contains("EU"),
        "{msg}"
    );
}

#[test]
fn bad_override_values_name_their_setting() {
    for (var, value) in [
        ("ARIZE_SINGLE_HOST", "http://h.example.com"),
        ("ARIZE_SINGLE_PORT", "eighty"),
        ("ARIZE_SINGLE_PORT", "70000"),
        ("ARIZE_BASE_DOMAIN", "corp.example/path"),
    ] {
        let msg = err(key(), &[(var, value)]);
        assert!(msg.contains(var), "{var}: {msg}");
    }
    let input = ConfigInput {
        single_host: Some("https://h".into()),
        ..key()
    };
    assert!(err(input, &[]).contains("single_host must be a bare host name"));
    let input = ConfigInput {
        base_url: Some("http://127.0.0.1:1".into()),
        single_host: Some("h".into()),
        base_domain: Some("d".into()),
        ..key()
    };
    assert!(err(input, &[]).contains("single_host, base_domain"));
}

fn profile(api_key: ProfileKey) -> ProfileLayer {
    ProfileLayer {
        source: "profile 'p' (/home/me/.arize/profiles/p.toml)".into(),
        routing_section: true,
        api_key,
        single_host: Some("127.0.0.1".into()),
        single_port: Some(9),
        scheme: Some("http".into()),
        host: Some("api.arize.com".into()),
        request_verify: Some(false),
        ..Default::default()
    }
}

fn with_profile(p: ProfileLayer) -> ConfigInput {
    ConfigInput {
        profile: Some(p),
        ..Default::default()
    }
}

#[test]
fn the_profile_is_below_arguments_and_environment() {
    let p = profile(ProfileKey::Key(Secret::new("profile-key")));
    let c = Config::resolve(with_profile(p.clone()), &env_of(&[])).unwrap();
    assert_eq!(c.api_key.expose(), "profile-key");
    assert_eq!(c.base_url.as_str(), "http://127.0.0.1:9/");
    assert!(!c.request_verify);
    // The environment's key, then an argument, beat the profile's.
    let env = [
        ("ARIZE_API_KEY", "env-key"),
        ("ARIZE_REQUEST_VERIFY", "yes"),
    ];
    let c = Config::resolve(with_profile(p.clone()), &env_of(&env)).unwrap();
    assert_eq!(c.api_key.expose(), "env-key");
    assert!(c.request_verify);
    let input = ConfigInput {
        api_key: Some("arg-key".into()),
        request_verify: Some(true),
        ..with_profile(p.clone())
    };
    let c = Config::resolve(input, &env_of(&env)).unwrap();
    assert_eq!(c.api_key.expose(), "arg-key");
    assert!(c.request_verify);
}

#[test]
fn a_profile_endpoint_never_mixes_with_another_layer() {
    let p = profile(ProfileKey::Key(Secret::new("k")));
    // Any endpoint setting in the environment or the arguments drops the whole profile
    // endpoint: here only the scheme is given, so the host is the default one.
    for (var, value, expected) in [
        ("ARIZE_API_SCHEME", "https", "https://api.arize.com/"),
        ("ARIZE_API_PORT", "8443", "https://api.arize.com:8443/"),
        ("ARIZE_REGION", "EU", "https://api.eu-west-1a.arize.com/"),
        ("ARIZE_SINGLE_PORT", "8443", "https://api.arize.com:8443/"),
        (
            "ARIZE_BASE_DOMAIN",
            "corp.example",
            "https://api.corp.example/",
        ),
    ] {
        assert_eq!(
            url(with_profile(p.clone()), &[(var, value)]),
            expected,
            "{var}"
        );
    }
    let input = ConfigInput {
        port: Some(8443),
        ..with_profile(p.clone())
    };
    assert_eq!(url(input, &[]), "https://api.arize.com:8443/");
    let input = ConfigInput {
        base_url: Some("http://localhost:1".into()),
        ..with_profile(p.clone())
    };
    assert_eq!(url(input, &[]), "http://localhost:1/");
    // A blank variable is no setting.
    assert_eq!(
        url(with_profile(p), &[("ARIZE_API_HOST", " ")]),
        "http://127.0.0.1:9/"
    );
}

#[test]
fn an_oauth_profile_cannot_supply_the_key() {
    let why = "profile 'p' uses OAuth (browser login); arize-ax supports API-key profiles only";
    let p = profile(ProfileKey::Unavailable(why.into()));
    let e = Config::resolve(with_profile(p.clone()), &env_of(&[])).unwrap_err();
    assert!(matches!(&e, Error::Config(m) if m.contains(why)), "{e}");
    // Its routing is still used when the key comes from elsewhere.
    let c = Config::resolve(with_profile(p), &env_of(&[("ARIZE_API_KEY", "k")])).unwrap();
    assert_eq!(c.base_url.as_str(), "http://127.0.0.1:9/");
    // A profile without a key: the usual missing-key error.
    let e = Config::resolve(with_profile(profile(ProfileKey::None)), &env_of(&[])).unwrap_err();
    assert!(matches!(e, Error::MissingApiKey));
}

#[test]
fn profile_values_are_named_in_errors_and_the_key_never_shows() {
    let mut p = profile(ProfileKey::Key(Secret::new("sekrit-profile-key-123")));
    p.single_host = None;
    p.single_port = None;
    p.region = Some("mars".into());
    let msg = err(with_profile(p.clone()), &[]);
    assert!(
        msg.contains("[routing] region of profile 'p' (/home/me/.arize/profiles/p.toml)"),
        "{msg}"
    );
    assert!(!msg.contains("sekrit-profile-key-123"));
    p.region = None;
    p.host = Some("https://h".into());
    let msg = err(with_profile(p.clone()), &[]);
    assert!(msg.contains("[routing] api_host of profile 'p'"), "{msg}");
    p.routing_section = false;
    let msg = err(with_profile(p.clone()), &[]);
    assert!(msg.contains("host of profile 'p'"), "{msg}");
    let input = with_profile(p);
    for shown in [format!("{input:?}"), format!("{input:#?}")] {
        assert!(!shown.contains("sekrit-profile-key-123"), "{shown}");
    }
}

#[test]
fn default_headers_are_checked_and_their_values_hidden() {
    let with = |h: &[(&str, &str)]| ConfigInput {
        default_headers: h
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..key()
    };
    let c = Config::resolve(
        with(&[("X-Tenant", "t-secret-value"), ("X-Trace", "1")]),
        &env_of(&[]),
    )
    .unwrap();
    assert_eq!(c.default_headers.len(), 2);
    let shown = format!("{c:?}");
    assert!(
        shown.contains("X-Tenant") && !shown.contains("t-secret-value"),
        "{shown}"
    );
    for (name, value, why) in [
        ("Authorization", "x", "cannot be overridden"),
        ("accept", "x", "cannot be overridden"),
        ("SDK-Version", "x", "cannot be overridden"),
        ("Grpc-Metadata-x", "x", "cannot be overridden"),
        ("", "x", "non-empty ASCII token"),
        ("Bad Name", "x", "non-empty ASCII token"),
        ("a:b", "x", "non-empty ASCII token"),
        ("X-Ok", "line\r\nbreak-secret", "control character"),
        ("X-Ok", "snow\u{2603}", "outside Latin-1"),
    ] {
        let e = Config::resolve(with(&[(name, value)]), &env_of(&[])).unwrap_err();
        assert!(
            matches!(&e, Error::Validation { field, .. } if field == "default_headers"),
            "{e:?}"
        );
        let msg = e.to_string();
        assert!(msg.contains(why), "{name}: {msg}");
        assert!(!msg.contains("break-secret"), "{msg}");
    }
}
