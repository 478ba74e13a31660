//! Spaces operations (API.md §3).

use futures::{Stream, StreamExt, TryStreamExt};
use reqwest::Method;
use serde_json::{json, Map, Value};

use super::{cursor, decode_json, max_len, path, required};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::{Patch, Space, SpaceMembership, SpaceRole};
use crate::paginate::{check_limit, fetch_page, pages, Page};
use crate::resolve::{self, resolve_organization, resolve_space, SPACE};
use crate::transport::{ApiRequest, RetryClass};

pub use crate::table::SpaceResource;

/// Default page size of `list` (as in the official SDK).
pub const DEFAULT_LIMIT: u32 = 50;
const MAX_NAME: usize = 255;
const MAX_DESCRIPTION: usize = 1000;

/// Parameters of `GET /v2/spaces`.
#[derive(Debug, Clone, Default)]
pub struct ListSpacesParams {
    /// Organization ID (or name, resolved first); sent as `org_id`.
    pub organization_id: Option<String>,
    /// Case-insensitive substring filter on the space name.
    pub name: Option<String>,
    /// Page size 1..=100 (default 50).
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// List parameters after validation (organization not yet resolved).
struct CheckedList {
    organization: Option<String>,
    query: Vec<(String, String)>,
    limit: u32,
}

/// Validates list parameters (no request).
fn check_list(p: &ListSpacesParams) -> Result<CheckedList> {
    let limit = p.limit.unwrap_or(DEFAULT_LIMIT);
    check_limit(limit)?;
    let mut query = Vec::new();
    if let Some(name) = p.name.as_deref().filter(|n| !n.is_empty()) {
        max_len("name", name, MAX_NAME)?;
        query.push(("name".to_owned(), name.to_owned()));
    }
    let org = match p.organization_id.as_deref() {
        Some(o) => Some(required("organization_id", o, MAX_NAME)?.to_owned()),
        None => None,
    };
    cursor(p.cursor.as_deref())?;
    Ok(CheckedList {
        organization: org,
        query,
        limit,
    })
}

/// Validates, then resolves the organization; returns the query without limit/cursor.
async fn list_query(c: &Client, p: &ListSpacesParams) -> Result<(Vec<(String, String)>, u32)> {
    let CheckedList {
        organization: org,
        mut query,
        limit,
    } = check_list(p)?;
    if let Some(org) = org {
        let org_id = resolve_organization(c, &org).await?;
        query.insert(0, ("org_id".to_owned(), org_id));
    }
    Ok((query, limit))
}

/// One page of spaces.
pub async fn list(c: &Client, p: &ListSpacesParams) -> Result<Page<SpaceResource>> {
    let (mut query, limit) = list_query(c, p).await?;
    query.push(("limit".into(), limit.to_string()));
    if let Some(cur) = &p.cursor {
        query.push(("cursor".into(), cur.clone()));
    }
    fetch_page(c, "/v2/spaces", query).await
}

/// Every page of spaces from `p.cursor` on, with the next page prefetched.
pub fn list_pages(
    c: &Client,
    p: ListSpacesParams,
) -> impl Stream<Item = Result<Page<SpaceResource>>> + Send + 'static {
    let client = c.clone();
    futures::stream::once(async move {
        let prepared = list_query(&client, &p).await;
        match prepared {
            Ok((query, limit)) => {
                pages::<SpaceResource>(client, "/v2/spaces".into(), query, limit, p.cursor)
                    .left_stream()
            }
            Err(e) => futures::stream::once(async move { Err(e) }).right_stream(),
        }
    })
    .flatten()
}

/// Every page of spaces, collected.
pub async fn list_all(c: &Client, p: ListSpacesParams) -> Result<Vec<Page<SpaceResource>>> {
    list_pages(c, p).try_collect().await
}

/// A space by name or ID.
pub async fn get(c: &Client, space: &str) -> Result<Space> {
    let id = resolve_space(c, space).await?;
    let p = path(&["v2", "spaces", &id]);
    let resp = c.send(ApiRequest::get(&p)).await?;
    decode_json(c, "GET", &p, &resp)
}

/// Body of `POST /v2/spaces`.
#[derive(Debug, Clone, Default)]
pub struct CreateSpace {
    pub name: String,
    /// Organization ID, or organization name (resolved via `/v2/organizations`).
    pub organization_id: String,
    pub description: Option<String>,
    pub is_private: Option<bool>,
}

/// Creates a space. Not retried once it may have reached the server.
pub async fn create(c: &Client, req: &CreateSpace) -> Result<Space> {
    let name = required("name", &req.name, MAX_NAME)?;
    let org = required("organization_id", &req.organization_id, MAX_NAME)?;
    if let Some(d) = &req.description {
        max_len("description", d, MAX_DESCRIPTION)?;
    }
    let org_id = resolve_organization(c, org).await?;
    let mut body = Map::new();
    body.insert("name".into(), Value::from(name));
    body.insert("organization_id".into(), Value::from(org_id));
    if let Some(d) = &req.description {
        body.insert("description".into(), Value::from(d.as_str()));
    }
    if let Some(p) = req.is_private {
        body.insert("is_private".into(), Value::from(p));
    }
    let p = path(&["v2", "spaces"]);
    let resp = c
        .send(ApiRequest::new(Method::POST, &p).with_body(Value::Object(body)))
        .await?;
    resolve::invalidate_name(c, &SPACE, name);
    decode_json(c, "POST", &p, &resp)
}

/// Body of `PATCH /v2/spaces/{id}`: only supplied fields are sent.
#[derive(Debug, Clone, Default)]
pub struct UpdateSpace {
    pub name: Option<String>,
    /// `Null` clears the description (newer servers); `Unset` leaves it unchanged.
    pub description: Patch<String>,
    pub is_private: Option<bool>,
}

/// Updates a space (name or ID).
pub async fn update(c: &Client, space: &str, req: &UpdateSpace) -> Result<Space> {
    let mut body = Map::new();
    if let Some(name) = &req.name {
        body.insert(
            "name".into(),
            Value::from(required("name", name, MAX_NAME)?),
        );
    }
    match &req.description {
        Patch::Unset => {}
        Patch::Null => {
            body.insert("description".into(), Value::Null);
        }
        Patch::Value(d) => {
            max_len("description", d, MAX_DESCRIPTION)?;
            body.insert("description".into(), Value::from(d.as_str()));
        }
    }
    if let Some(p) = req.is_private {
        body.insert("is_private".into(), Value::from(p));
    }
    if body.is_empty() {
        return Err(Error::validation(
            "name, description",
            "nothing to update: provide at least one of name, description or is_private",
        ));
    }
    let id = resolve_space(c, space).await?;
    let p = path(&["v2", "spaces", &id]);
    let resp = c
        .send(ApiRequest::new(Method::PATCH, &p).with_body(Value::Object(body)))
        .await?;
    if let Some(name) = &req.name {
        resolve::invalidate_id(c, &SPACE, &id);
        resolve::invalidate_name(c, &SPACE, name.trim());
    }
    decode_json(c, "PATCH", &p, &resp)
}

/// Deletes a space (name or ID). Irreversible.
pub async fn delete(c: &Client, space: &str) -> Result<()> {
    let id = resolve_space(c, space).await?;
    let p = path(&["v2", "spaces", &id]);
    let result = c.send(ApiRequest::new(Method::DELETE, &p)).await;
    resolve::invalidate_id(c, &SPACE, &id);
    result.map(|_| ())
}

/// Adds a user to a space, or replaces their role (upsert, so retried like an idempotent call).
pub async fn add_user(
    c: &Client,
    space: &str,
    user_id: &str,
    role: &SpaceRole,
) -> Result<SpaceMembership> {
    let user_id = required("user_id", user_id, MAX_NAME)?;
    let role = match role {
        SpaceRole::Predefined { name } => match SpaceRole::parse(name)? {
            predefined @ SpaceRole::Predefined { .. } => predefined,
            SpaceRole::Custom { .. } => {
                return Err(Error::validation(
                    "role",
                    format!("'{name}' is not a predefined space role"),
                ));
            }
        },
        SpaceRole::Custom { id, .. } => SpaceRole::Custom {
            id: required("role", id, MAX_NAME)?.to_owned(),
            name: None,
        },
    };
    let id = resolve_space(c, space).await?;
    let p = path(&["v2", "spaces", &id, "users"]);
    let body = json!({ "user_id": user_id, "role": role });
    let req = ApiRequest::new(Method::POST, &p)
        .with_body(body)
        .with_retry(RetryClass::Idempotent);
    let resp = c.send(req).await?;
    decode_json(c, "POST", &p, &resp)
}

/// Removes a user from a space.
pub async fn remove_user(c: &Client, space: &str, user_id: &str) -> Result<()> {
    let user_id = required("user_id", user_id, MAX_NAME)?;
    let id = resolve_space(c, space).await?;
    let p = path(&["v2", "spaces", &id, "users", user_id]);
    c.send(ApiRequest::new(Method::DELETE, &p))
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_validation() {
        let bad = ListSpacesParams {
            limit: Some(0),
            ..Default::default()
        };
        assert!(
            matches!(check_list(&bad), Err(Error::Validation { field, .. }) if field == "limit")
        );
        let bad = ListSpacesParams {
            limit: Some(101),
            ..Default::default()
        };
        assert!(check_list(&bad).is_err());
        let bad = ListSpacesParams {
            name: Some("x".repeat(256)),
            ..Default::default()
        };
        assert!(
            matches!(check_list(&bad), Err(Error::Validation { field, .. }) if field == "name")
        );
        let bad = ListSpacesParams {
            organization_id: Some(" ".into()),
            ..Default::default()
        };
        assert!(
            matches!(check_list(&bad), Err(Error::Validation { field, .. }) if field == "organization_id")
        );
        let ok = ListSpacesParams {
            name: Some("prod".into()),
            ..Default::default()
        };
        let CheckedList {
            query: q, limit, ..
        } = check_list(&ok).unwrap();
        assert_eq!(limit, 50);
        assert_eq!(q, vec![("name".to_owned(), "prod".to_owned())]);
    }
}
