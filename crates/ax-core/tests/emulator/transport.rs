//! Retries, timeouts, error decoding and the observer, observed in the emulator's log.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ax_core::api::spaces::{self, CreateSpace, ListSpacesParams};
use ax_core::{Error, RequestEvent};
use ax_emulator::Fault;

use crate::common::{client_with, Env};

fn fault(method: &str, path: &str, status: u16, count: u32) -> Fault {
    Fault {
        method: Some(method.into()),
        path: path.into(),
        status: Some(status),
        count,
        ..Default::default()
    }
}

#[tokio::test]
async fn get_is_retried_on_503() {
    let env = Env::start().await;
    env.emu
        .control()
        .add_fault(fault("GET", "/v2/spaces", 503, 2));
    let page = spaces::list(&env.client, &ListSpacesParams::default())
        .await
        .unwrap();
    assert!(!page.is_empty());
    let statuses: Vec<u16> = env
        .requests()
        .iter()
        .filter(|r| r.path == "/v2/spaces")
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, vec![503, 503, 200]);
}

#[tokio::test]
async fn retry_after_on_429_is_honoured() {
    let env = Env::start().await;
    env.emu.control().add_fault(Fault {
        retry_after: Some("1".into()),
        ..fault("GET", "/v2/spaces", 429, 1)
    });
    let start = Instant::now();
    spaces::list(&env.client, &ListSpacesParams::default())
        .await
        .unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        start.elapsed()
    );
    let log: Vec<_> = env
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v2/spaces")
        .collect();
    assert_eq!(log.len(), 2);
    assert_eq!((log[0].status, log[0].fault), (429, true));
    assert_eq!(log[1].status, 200);
}

#[tokio::test]
async fn retry_after_beyond_the_budget_fails_at_once() {
    let env = Env::start().await;
    let c = client_with(&env.emu, env.emu.admin_key(), |i| {
        i.total_timeout = Some(Duration::from_secs(3))
    });
    env.emu.control().add_fault(Fault {
        retry_after: Some("30".into()),
        ..fault("GET", "/v2/spaces", 429, 5)
    });
    let start = Instant::now();
    match spaces::list(&c, &ListSpacesParams::default()).await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, 429);
            assert_eq!(e.retry_after, Some(30.0));
            assert_eq!(e.attempts, 1);
        }
        other => panic!("expected 429, got {other:?}"),
    }
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn post_create_is_not_retried_on_503() {
    let env = Env::start().await;
    env.emu
        .control()
        .add_fault(fault("POST", "/v2/spaces", 503, 5));
    let req = CreateSpace {
        name: "never".into(),
        organization_id: env.org_id("Acme AI"),
        ..Default::default()
    };
    match spaces::create(&env.client, &req).await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, 503);
            assert_eq!(e.attempts, 1);
            assert_eq!(e.method, "POST");
        }
        other => panic!("expected 503, got {other:?}"),
    }
    assert_eq!(env.count("POST", "/v2/spaces"), 1);
}

#[tokio::test]
async fn post_create_is_retried_on_429() {
    let env = Env::start().await;
    env.emu.control().add_fault(Fault {
        retry_after: Some("0".into()),
        ..fault("POST", "/v2/spaces", 429, 1)
    });
    let req = CreateSpace {
        name: "after-429".into(),
        organization_id: env.org_id("Acme AI"),
        ..Default::default()
    };
    spaces::create(&env.client, &req).await.unwrap();
    let statuses: Vec<u16> = env
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/v2/spaces")
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, vec![429, 201]);
}

#[tokio::test]
async fn retries_stop_after_max_retries() {
    let env = Env::start().await;
    let c = client_with(&env.emu, env.emu.admin_key(), |i| i.max_retries = Some(2));
    env.emu
        .control()
        .add_fault(fault("GET", "/v2/spaces", 503, 100));
    match spaces::list(&c, &ListSpacesParams::default()).await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, 503);
            assert_eq!(e.attempts, 3);
            assert!(e.to_string().contains("3 attempts"), "{e}");
        }
        other => panic!("expected 503, got {other:?}"),
    }
    assert_eq!(env.count("GET", "/v2/spaces"), 3);
}

#[tokio::test]
async fn slow_get_is_retried_slow_post_has_unknown_outcome() {
    let env = Env::start().await;
    let c = client_with(&env.emu, env.emu.admin_key(), |i| {
        i.timeout = Some(Duration::from_millis(300))
    });
    let slow = |method: &str| Fault {
        method: Some(method.into()),
        path: "/v2/spaces".into(),
        latency_ms: 1500,
        count: 1,
        ..Default::default()
    };
    env.emu.control().add_fault(slow("GET"));
    spaces::list(&c, &ListSpacesParams::default())
        .await
        .unwrap();

    env.emu.control().add_fault(slow("POST"));
    let mut c = c;
    let events: Arc<Mutex<Vec<RequestEvent>>> = Arc::default();
    let sink = events.clone();
    c.set_observer(Arc::new(move |e| sink.lock().unwrap().push(e.clone())));
    let req = CreateSpace {
        name: "maybe".into(),
        organization_id: env.org_id("Acme AI"),
        ..Default::default()
    };
    match spaces::create(&c, &req).await {
        Err(e @ Error::UnknownOutcome { .. }) => {
            assert!(e.to_string().contains("not retried"), "{e}")
        }
        other => panic!("expected UnknownOutcome, got {other:?}"),
    }
    // One attempt only (the emulator drops the request when the client gives up, so its log
    // may not show it).
    let posts: Vec<_> = events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.method == "POST")
        .cloned()
        .collect();
    assert_eq!(posts.len(), 1);
    assert!(
        posts[0].error.as_deref().unwrap().starts_with("timeout"),
        "{:?}",
        posts[0]
    );

    let c = client_with(&env.emu, env.emu.admin_key(), |i| {
        i.timeout = Some(Duration::from_millis(200));
        i.max_retries = Some(1);
    });
    env.emu.control().add_fault(Fault {
        count: 5,
        ..slow("GET")
    });
    match spaces::list(&c, &ListSpacesParams::default()).await {
        Err(Error::Timeout { attempts, .. }) => assert_eq!(attempts, 2),
        other => panic!("expected Timeout, got {other:?}"),
    }
    env.emu.control().clear_faults();
}

#[tokio::test]
async fn connection_refused_is_retried_even_for_post() {
    // A port with nothing listening.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let input = ax_core::ConfigInput {
        api_key: Some("secret-key-123".into()),
        base_url: Some(format!("http://127.0.0.1:{port}")),
        max_retries: Some(2),
        ..Default::default()
    };
    let mut config = ax_core::Config::resolve(input, &|_| None).unwrap();
    config.backoff_initial = Duration::from_millis(1);
    config.backoff_max = Duration::from_millis(2);
    let mut c = ax_core::Client::new(config).unwrap();
    let events: Arc<Mutex<Vec<RequestEvent>>> = Arc::default();
    let sink = events.clone();
    c.set_observer(Arc::new(move |e| sink.lock().unwrap().push(e.clone())));
    let req = CreateSpace {
        name: "x".into(),
        organization_id: "T3JnYW5pemF0aW9uOjE6YWFhYQ==".into(),
        ..Default::default()
    };
    match spaces::create(&c, &req).await {
        Err(e @ Error::Connect { attempts: 3, .. }) => {
            assert!(!e.to_string().contains("secret-key-123"))
        }
        other => panic!("expected Connect after 3 attempts, got {other:?}"),
    }
    let events = events.lock().unwrap();
    assert_eq!(
        events.iter().map(|e| e.attempt).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert!(events
        .iter()
        .all(|e| e.status.is_none() && e.error.as_deref().unwrap().starts_with("connect")));
}

#[tokio::test]
async fn non_json_error_bodies_are_tolerated() {
    let env = Env::start().await;
    let c = client_with(&env.emu, env.emu.admin_key(), |i| i.max_retries = Some(0));
    env.emu.control().add_fault(Fault {
        body: Some("<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>".into()),
        ..fault("GET", "/v2/spaces", 502, 1)
    });
    match spaces::list(&c, &ListSpacesParams::default()).await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, 502);
            assert_eq!(e.title, "Bad Gateway");
            assert_eq!(e.detail.as_deref(), Some("502 Bad Gateway Bad Gateway"));
        }
        other => panic!("expected 502, got {other:?}"),
    }
    env.emu.control().add_fault(Fault {
        body: Some(String::new()),
        ..fault("GET", "/v2/spaces", 500, 1)
    });
    match spaces::list(&c, &ListSpacesParams::default()).await {
        Err(Error::Api(e)) => assert_eq!(
            (e.status, e.title.as_str(), e.detail),
            (500, "Internal Server Error", None)
        ),
        other => panic!("expected 500, got {other:?}"),
    }
}

#[tokio::test]
async fn problem_bodies_and_auth_errors() {
    let env = Env::start().await;
    let c = client_with(&env.emu, "wrong-key-456", |_| {});
    let mut c = c;
    let events: Arc<Mutex<Vec<RequestEvent>>> = Arc::default();
    let sink = events.clone();
    c.set_observer(Arc::new(move |e| sink.lock().unwrap().push(e.clone())));
    match spaces::list(&c, &ListSpacesParams::default()).await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, 401);
            assert_eq!(e.attempts, 1);
            assert!(!e.title.is_empty());
            let text = format!("{e} {e:?}");
            assert!(!text.contains("wrong-key-456"), "{text}");
        }
        other => panic!("expected 401, got {other:?}"),
    }
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].status, Some(401));
    assert!(
        events[0].url.ends_with("/v2/spaces?limit=50"),
        "{}",
        events[0].url
    );
    assert!(!format!("{:?} {:?}", events[0], c).contains("wrong-key-456"));
}

#[tokio::test]
async fn total_timeout_bounds_the_whole_call() {
    let env = Env::start().await;
    let c = client_with(&env.emu, env.emu.admin_key(), |i| {
        i.max_retries = Some(50);
        i.total_timeout = Some(Duration::from_millis(600));
    });
    env.emu.control().add_fault(Fault {
        latency_ms: 100,
        ..fault("GET", "/v2/spaces", 503, 100)
    });
    let start = Instant::now();
    let err = spaces::list(&c, &ListSpacesParams::default())
        .await
        .unwrap_err();
    assert!(
        start.elapsed() < Duration::from_millis(1200),
        "took {:?}",
        start.elapsed()
    );
    match err {
        Error::Api(e) => assert!(e.status == 503 && e.attempts > 1 && e.attempts < 8, "{e}"),
        Error::Timeout { attempts, .. } => assert!(attempts > 1),
        other => panic!("unexpected {other:?}"),
    }
    env.emu.control().clear_faults();
}
