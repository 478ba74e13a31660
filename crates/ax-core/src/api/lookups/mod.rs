//! The supporting read-only resources (API.md §5): organizations, users, projects, datasets,
//! experiments, evaluators (and their versions) and AI integrations.
//!
//! Each resource is a declaration in [`resources`]: its path, collection, columns, the list
//! filters it takes and how `get` resolves a name. One generic `list` / `list_pages` / `get`
//! serves them all, with the official SDK's semantics:
//!
//! - `space` on a list: an ID is sent as `space_id`, a name as the `space_name` substring
//!   filter (experiments resolve the space exactly, and a `dataset` wins over it);
//! - `get` takes a name or an ID; a name resolves exactly within its space (a dataset for
//!   experiments), so a name without the space it needs is a validation error before any
//!   request; users are got by ID or by exact e-mail.

mod resources;

use futures::{Stream, StreamExt};

use super::{cursor, decode_json, max_len, path, required};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::ids::is_resource_id;
use crate::paginate::{
    check_limit, chunks, fetch_page, pages, ChunkResource, Listing, Page, Resource, MAX_LIMIT,
};
use crate::resolve::{self, resolve_in_space, resolve_space, Lookup};
use crate::table::declared::Column;
use crate::transport::ApiRequest;

pub use resources::{
    AiIntegrations, Datasets, EvaluatorVersions, Evaluators, Experiments, Organizations, Projects,
    Users, DATASET_VERSION_COLUMNS,
};

/// One item of a supporting resource, as the server sent it (unknown fields included).
pub type Record = serde_json::Map<String, serde_json::Value>;

/// Default page size of `list` (as in the official SDK).
pub const DEFAULT_LIMIT: u32 = 50;
const MAX_NAME: usize = 255;
const USER_STATUSES: &[&str] = &["ACTIVE", "INVITED", "EXPIRED"];

/// A list filter a resource takes (a field of [`ListParams`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// `name`: case-insensitive substring of the name.
    Name,
    /// `space`: an ID (`space_id`) or a substring of the space name (`space_name`).
    Space,
    /// `dataset` (name or ID, resolved) with `space` resolved exactly: experiments.
    DatasetOrSpace,
    /// `email`: case-insensitive substring of the address.
    Email,
    /// `status`: `ACTIVE`, `INVITED`, `EXPIRED` (repeatable).
    Status,
}

/// How `get` turns a name into an ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameScope {
    /// No parent: the first exact match across everything visible.
    Global(&'static Lookup),
    /// Within a space (`space` is required for a name).
    Space(&'static Lookup),
    /// Within a dataset (`dataset`, whose name needs `space`), or else within `space`.
    Experiment,
    /// An ID, or an exact e-mail address (case-insensitive).
    User,
    /// IDs only.
    IdOnly,
}

/// A read-only resource served by the generic functions of this module.
pub trait LookupResource: Resource<Item = Record> + ChunkResource {
    /// List path, e.g. `/v2/projects`.
    const PATH: &'static str;
    /// Path of one item, before its ID, e.g. `/v2/projects` (`/v2/evaluator-versions`).
    const ITEM_PATH: &'static str = Self::PATH;
    /// Singular noun in messages, e.g. `project`.
    const NOUN: &'static str;
    /// The filters `list` takes.
    const FILTERS: &'static [Filter];
    /// How `get` resolves a name.
    const SCOPE: NameScope;
    /// The declared columns of the Arrow table.
    const COLUMNS: &'static [Column];
}

/// Parameters of a list. Only the fields named by the resource's [`LookupResource::FILTERS`]
/// may be set.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    pub name: Option<String>,
    /// Space name or ID.
    pub space: Option<String>,
    /// Dataset name or ID (experiments).
    pub dataset: Option<String>,
    pub email: Option<String>,
    pub status: Option<Vec<String>>,
    /// Page size 1..=100 (default 50).
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// The parents a name is resolved in, for `get`.
#[derive(Debug, Clone, Default)]
pub struct GetParams {
    /// Space name or ID.
    pub space: Option<String>,
    /// Dataset name or ID (experiments).
    pub dataset: Option<String>,
    /// Evaluator version to return instead of the latest (evaluators).
    pub version_id: Option<String>,
}

fn optional<'a>(field: &str, value: Option<&'a str>) -> Result<Option<&'a str>> {
    match value {
        Some(v) => required(field, v, MAX_NAME).map(Some),
        None => Ok(None),
    }
}

/// Checks the parameters (no request) and builds the query, resolving names where the
/// resource needs IDs (experiments' dataset and space).
async fn list_query<R: LookupResource>(
    c: &Client,
    p: &ListParams,
) -> Result<Vec<(String, String)>> {
    let takes = |f: Filter| R::FILTERS.contains(&f);
    for (field, set, filter) in [
        ("name", p.name.is_some(), Filter::Name),
        ("email", p.email.is_some(), Filter::Email),
        ("status", p.status.is_some(), Filter::Status),
        ("dataset", p.dataset.is_some(), Filter::DatasetOrSpace),
    ] {
        if set && !takes(filter) {
            return Err(Error::validation(
                field,
                format!("is not a filter of {}", R::COLLECTION),
            ));
        }
    }
    if p.space.is_some() && !takes(Filter::Space) && !takes(Filter::DatasetOrSpace) {
        return Err(Error::validation(
            "space",
            format!("is not a filter of {}", R::COLLECTION),
        ));
    }
    check_limit(p.limit.unwrap_or(DEFAULT_LIMIT))?;
    cursor(p.cursor.as_deref())?;
    let mut query = Vec::new();
    if let Some(name) = p.name.as_deref().filter(|n| !n.is_empty()) {
        max_len("name", name, MAX_NAME)?;
        query.push(("name".to_owned(), name.to_owned()));
    }
    if let Some(email) = p.email.as_deref().filter(|n| !n.is_empty()) {
        max_len("email", email, MAX_NAME)?;
        query.push(("email".to_owned(), email.to_owned()));
    }
    for s in p.status.iter().flatten() {
        let up = s.trim().to_ascii_uppercase();
        if !USER_STATUSES.contains(&up.as_str()) {
            return Err(Error::validation(
                "status",
                format!("'{s}' is not one of {}", USER_STATUSES.join(", ")),
            ));
        }
        query.push(("status".to_owned(), up));
    }
    let space = optional("space", p.space.as_deref())?;
    let dataset = optional("dataset", p.dataset.as_deref())?;
    if takes(Filter::Space) {
        match space {
            Some(s) if is_resource_id(s) => query.push(("space_id".to_owned(), s.to_owned())),
            Some(s) => query.push(("space_name".to_owned(), s.to_owned())),
            None => {}
        }
    } else if takes(Filter::DatasetOrSpace) {
        if let Some(d) = dataset {
            if !is_resource_id(d) && space.is_none() {
                return Err(needs_scope("dataset", d, "space", "dataset"));
            }
            let id = resolve_in_space(c, &resolve::DATASET, space, d).await?;
            query.push(("dataset_id".to_owned(), id));
        } else if let Some(s) = space {
            query.push(("space_id".to_owned(), resolve_space(c, s).await?));
        }
    }
    Ok(query)
}

fn paged(mut query: Vec<(String, String)>, limit: u32, cur: Option<&str>) -> Vec<(String, String)> {
    query.push(("limit".to_owned(), limit.to_string()));
    if let Some(c) = cur {
        query.push(("cursor".to_owned(), c.to_owned()));
    }
    query
}

/// One page of `R`.
pub async fn list<R: LookupResource>(c: &Client, p: &ListParams) -> Result<Page<R>> {
    let query = list_query::<R>(c, p).await?;
    let limit = p.limit.unwrap_or(DEFAULT_LIMIT);
    fetch_page(c, R::PATH, paged(query, limit, p.cursor.as_deref())).await
}

/// Every page of `R` from `p.cursor` on, with the next page prefetched.
pub fn list_pages<R: LookupResource>(
    c: &Client,
    p: ListParams,
) -> impl Stream<Item = Result<Page<R>>> + Send + 'static {
    let client = c.clone();
    walk::<R>(c.clone(), async move {
        let query = list_query::<R>(&client, &p).await?;
        Ok(Walk {
            path: R::PATH.to_owned(),
            query,
            limit: p.limit.unwrap_or(MAX_LIMIT),
            cursor: p.cursor,
        })
    })
}

/// Every `R` from `p.cursor` on as Arrow data: the pages are scanned straight into the
/// listing's chunks (what the package's `list_all` returns); the bodies are kept for the
/// items.
pub async fn list_listing<R: LookupResource>(c: &Client, p: ListParams) -> Result<Listing<R>> {
    let query = list_query::<R>(c, &p).await?;
    let limit = p.limit.unwrap_or(MAX_LIMIT);
    let walk = chunks::<R>(c.clone(), R::PATH.to_owned(), query, limit, p.cursor);
    Listing::collect_chunks(walk).await
}

/// A checked listing, ready to walk.
struct Walk {
    path: String,
    query: Vec<(String, String)>,
    limit: u32,
    cursor: Option<String>,
}

/// The page stream of a listing once `prepare` has checked the parameters (and resolved
/// what it needs); a failed preparation is the stream's only item.
fn walk<R: Resource>(
    client: Client,
    prepare: impl std::future::Future<Output = Result<Walk>> + Send + 'static,
) -> impl Stream<Item = Result<Page<R>>> + Send + 'static {
    futures::stream::once(async move {
        match prepare.await {
            Ok(w) => pages::<R>(client, w.path, w.query, w.limit, w.cursor).left_stream(),
            Err(e) => futures::stream::once(async move { Err(e) }).right_stream(),
        }
    })
    .flatten()
}

fn needs_scope(noun: &str, name: &str, field: &str, argument: &str) -> Error {
    Error::validation(
        field,
        format!(
            "is required to resolve the {noun} name '{name}': provide '{argument}' so the \
             {noun} name can be resolved, or provide the {noun} ID instead of the name"
        ),
    )
}

/// The ID of the `R` named or identified by `ident` (no request for an ID).
pub async fn resolve_id<R: LookupResource>(
    c: &Client,
    ident: &str,
    p: &GetParams,
) -> Result<String> {
    let ident = required(R::NOUN, ident, MAX_NAME)?;
    if is_resource_id(ident) {
        return Ok(ident.to_owned());
    }
    let space = optional("space", p.space.as_deref())?;
    match R::SCOPE {
        NameScope::Global(lookup) => resolve::resolve(c, lookup, None, ident).await,
        NameScope::Space(lookup) => {
            let Some(space) = space else {
                return Err(needs_scope(R::NOUN, ident, "space", "space"));
            };
            resolve_in_space(c, lookup, Some(space), ident).await
        }
        NameScope::Experiment => {
            let dataset = optional("dataset", p.dataset.as_deref())?;
            match (dataset, space) {
                (Some(d), s) => {
                    if !is_resource_id(d) && s.is_none() {
                        return Err(needs_scope("dataset", d, "space", "dataset"));
                    }
                    let dataset_id = resolve_in_space(c, &resolve::DATASET, s, d).await?;
                    resolve::resolve(c, &resolve::EXPERIMENT_IN_DATASET, Some(&dataset_id), ident)
                        .await
                }
                (None, Some(s)) => {
                    let space_id = resolve_space(c, s).await?;
                    resolve::resolve(c, &resolve::EXPERIMENT_IN_SPACE, Some(&space_id), ident).await
                }
                (None, None) => Err(needs_scope(
                    "experiment",
                    ident,
                    "dataset",
                    "dataset' or 'space",
                )),
            }
        }
        NameScope::User => Ok(find_user_by_email(c, ident).await?.id().to_owned()),
        NameScope::IdOnly => Err(Error::validation(
            R::NOUN,
            format!("'{ident}' is not an ID"),
        )),
    }
}

/// Rejects the [`GetParams`] fields `R`'s `get` does not take (no request): `space` serves
/// space-scoped names and experiments, `dataset` experiments, `version_id` evaluators.
fn check_get_params<R: LookupResource>(p: &GetParams) -> Result<()> {
    let (space, dataset) = match R::SCOPE {
        NameScope::Space(_) => (true, false),
        NameScope::Experiment => (true, true),
        NameScope::Global(_) | NameScope::User | NameScope::IdOnly => (false, false),
    };
    let version = R::PATH == Evaluators::PATH;
    for (field, set, takes) in [
        ("space", p.space.is_some(), space),
        ("dataset", p.dataset.is_some(), dataset),
        ("version_id", p.version_id.is_some(), version),
    ] {
        if set && !takes {
            return Err(Error::validation(
                field,
                format!("is not a parameter of a get of {}", R::COLLECTION),
            ));
        }
    }
    Ok(())
}

/// One `R` by name or ID.
pub async fn get<R: LookupResource>(c: &Client, ident: &str, p: &GetParams) -> Result<Record> {
    check_get_params::<R>(p)?;
    if let Some(v) = p.version_id.as_deref() {
        required("version_id", v, MAX_NAME)?;
    }
    let id = resolve_id::<R>(c, ident, p).await?;
    let item_path = format!("{}{}", R::ITEM_PATH, path(&[&id]));
    let mut req = ApiRequest::get(&item_path);
    if let Some(v) = p.version_id.as_deref() {
        req = req.with_query(vec![("version_id".to_owned(), v.trim().to_owned())]);
    }
    let resp = c.send(req).await?;
    decode_json(c, "GET", &item_path, &resp)
}

/// A found user (the record with its `id`).
pub struct FoundUser(pub Record);

impl FoundUser {
    /// The user's ID.
    pub fn id(&self) -> &str {
        self.0
            .get("id")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
    }
}

/// The user whose e-mail matches `email` exactly (case-insensitive), across all pages; a
/// [`Error::NameNotFound`] listing the near matches otherwise.
pub async fn find_user_by_email(c: &Client, email: &str) -> Result<FoundUser> {
    let email = required("email", email, MAX_NAME)?;
    let params = ListParams {
        email: Some(email.to_owned()),
        limit: Some(MAX_LIMIT),
        ..Default::default()
    };
    let mut candidates = Vec::new();
    let mut stream = std::pin::pin!(list_pages::<Users>(c, params));
    while let Some(page) = stream.next().await {
        for user in page?.items()? {
            match user.get("email").and_then(|e| e.as_str()) {
                Some(e) if e.eq_ignore_ascii_case(email) => return Ok(FoundUser(user)),
                Some(e) => candidates.push(e.to_owned()),
                None => {}
            }
        }
    }
    Err(Error::NameNotFound {
        resource_type: "user".into(),
        resource_name: email.to_owned(),
        available_names: candidates,
        hint: None,
    })
}

/// A user by ID, or by exact e-mail (an `ident` with `@`, as in the official SDK). `None`
/// when no user has that e-mail; an unknown ID is the server's 404.
pub async fn get_user(c: &Client, ident: &str) -> Result<Option<Record>> {
    let ident = required("user", ident, MAX_NAME)?;
    if ident.contains('@') {
        return match find_user_by_email(c, ident).await {
            Ok(u) => Ok(Some(u.0)),
            Err(Error::NameNotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        };
    }
    get::<Users>(c, ident, &GetParams::default())
        .await
        .map(Some)
}

/// One page of an evaluator's versions (newest first).
pub async fn list_versions(
    c: &Client,
    evaluator: &str,
    space: Option<&str>,
    limit: Option<u32>,
    cur: Option<&str>,
) -> Result<Page<EvaluatorVersions>> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    check_limit(limit)?;
    cursor(cur)?;
    let id = evaluator_id(c, evaluator, space).await?;
    let p = format!("{}/versions", path(&["v2", "evaluators", &id]));
    fetch_page(c, &p, paged(Vec::new(), limit, cur)).await
}

/// Every page of an evaluator's versions.
pub fn list_versions_pages(
    c: &Client,
    evaluator: String,
    space: Option<String>,
    limit: Option<u32>,
) -> impl Stream<Item = Result<Page<EvaluatorVersions>>> + Send + 'static {
    let client = c.clone();
    walk::<EvaluatorVersions>(c.clone(), async move {
        let limit = limit.unwrap_or(MAX_LIMIT);
        check_limit(limit)?;
        let id = evaluator_id(&client, &evaluator, space.as_deref()).await?;
        Ok(Walk {
            path: format!("{}/versions", path(&["v2", "evaluators", &id])),
            query: Vec::new(),
            limit,
            cursor: None,
        })
    })
}

/// Every version of an evaluator as Arrow data, scanned straight into the listing's chunks.
pub async fn list_versions_listing(
    c: &Client,
    evaluator: String,
    space: Option<String>,
    limit: Option<u32>,
) -> Result<Listing<EvaluatorVersions>> {
    let limit = limit.unwrap_or(MAX_LIMIT);
    check_limit(limit)?;
    let id = evaluator_id(c, &evaluator, space.as_deref()).await?;
    let path = format!("{}/versions", path(&["v2", "evaluators", &id]));
    let walk = chunks::<EvaluatorVersions>(c.clone(), path, Vec::new(), limit, None);
    Listing::collect_chunks(walk).await
}

async fn evaluator_id(c: &Client, evaluator: &str, space: Option<&str>) -> Result<String> {
    let p = GetParams {
        space: space.map(str::to_owned),
        ..Default::default()
    };
    resolve_id::<Evaluators>(c, evaluator, &p).await
}

/// One evaluator version by ID.
pub async fn get_version(c: &Client, version_id: &str) -> Result<Record> {
    let id = required("version_id", version_id, MAX_NAME)?;
    get::<EvaluatorVersions>(c, id, &GetParams::default()).await
}
