//! Async Rust core of `arize-ax`: configuration, transport (auth, retries, problem errors),
//! cursor pagination, name resolution, serde models and JSON → Arrow decoding for the
//! Arize AX REST API v2 (spaces, tasks, task runs and their supporting resources).
//!
//! Every operation is one `async fn` in [`api`]; the Python bindings and the CLI both call
//! these functions. This crate has no Python dependency.

// `Error::Api(ApiError)` is part of the public contract (the bindings match on it); an error
// of ~200 bytes is irrelevant next to an HTTP round trip, so it is not boxed.
#![allow(clippy::result_large_err)]

pub mod api;
mod client;
pub mod config;
mod error;
pub mod files;
mod ids;
#[cfg(test)]
mod listing_tests;
pub mod model;
pub mod paginate;
#[cfg(test)]
mod paginate_tests;
pub mod poll;
pub mod resolve;
mod secret;
pub mod table;
#[cfg(test)]
mod table_props;
mod task_types;
#[cfg(test)]
mod test_support;
pub mod transport;

pub use client::{Client, PoolHandle};
pub use config::{CaBundle, Config, ConfigInput, ProfileKey, ProfileLayer, ProxyConfig, Region};
pub use error::{ApiError, Error, Result};
pub use ids::is_resource_id;
pub use paginate::{Listing, Page};
pub use secret::Secret;
pub use transport::{ApiRequest, ApiResponse, RequestEvent, RetryClass};

/// Version of this crate, sent in the `User-Agent` header.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
