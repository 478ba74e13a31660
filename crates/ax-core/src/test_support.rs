//! Helpers shared by the crate's unit tests.

use crate::{Client, Config, ConfigInput, Error};

/// A client pointing at a closed port: any request would fail with a connect error, so a
/// validation error proves no request was attempted.
pub(crate) fn offline() -> Client {
    let config = Config::resolve(
        ConfigInput {
            api_key: Some("k".into()),
            base_url: Some("http://127.0.0.1:9".into()),
            max_retries: Some(0),
            ..Default::default()
        },
        &|_| None,
    )
    .unwrap();
    Client::new(config).unwrap()
}

/// The field named by a validation error (panics on any other error).
pub(crate) fn field(e: Error) -> String {
    match e {
        Error::Validation { field, .. } => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}
