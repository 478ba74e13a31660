//! Spaces operations (API.md §3).

use futures::{Stream, StreamExt, TryStreamExt};
use reqwest::Method;
use serde_json::{json, Map, Value};

use super::{cursor, decode_json, max_len, path, required};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::{
    DefaultAgentRuntime, DefaultLlmIntegration, Patch, Space, SpaceMembership, SpaceRole,
};
use crate::paginate::{check_limit, chunks, fetch_page, pages, Listing, Page};
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

/// Every space from `p.cursor` on as Arrow data: the pages are scanned straight into the
/// listing's chunks (what the package's `list_all` returns); the bodies are kept for the
/// items.
pub async fn list_listing(c: &Client, p: ListSpacesParams) -> Result<Listing<SpaceResource>> {
    let (query, limit) = list_query(c, &p).await?;
    let walk = chunks::<SpaceResource>(c.clone(), "/v2/spaces".into(), query, limit, p.cursor);
    Listing::collect_chunks(walk).await
}

/// Every page of spaces, collected.
pub async fn list_all(c: &Client, p: ListSpacesParams) -> Result<Vec<Page<SpaceResource>>> {
    list_pages(c, p).try_collect().await
}

/// A space by name or ID. A name that is looked up costs one request: the matching list
/// item is the space (a cached name or an ID costs one GET).
pub async fn get(c: &Client, space: &str) -> Result<Space> {
    let found = resolve::find(c, &SPACE, None, space).await?;
    let id = found.id.clone();
    if let Some(space) = found.decode(c, &SPACE) {
        return space;
    }
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

/// Body of `PATCH /v2/spaces/{id}` (API.md §3.6): every field the API can change. Only
/// supplied fields are sent; `Patch::Null` sends `null`, which clears the field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpaceUpdate {
    /// New name; `None` leaves it (a name cannot be cleared).
    pub name: Option<String>,
    /// `Null` clears the description (newer servers); `Unset` leaves it unchanged.
    pub description: Patch<String>,
    /// `Some(true)` makes the space private (visible to its members and admins only).
    pub is_private: Option<bool>,
    /// `Null` clears the default LLM integration and model.
    pub default_llm_integration: Patch<DefaultLlmIntegration>,
    pub ml_models_enabled: Option<bool>,
    /// Avatar gradient colours.
    pub gradient_start_color: Option<String>,
    pub gradient_end_color: Option<String>,
    /// `Null` clears the default agent-runtime integration.
    pub default_agent_runtime: Patch<DefaultAgentRuntime>,
}

/// The names of the fields of [`SpaceUpdate`], in the API's order.
pub const UPDATE_FIELDS: [&str; 8] = [
    "name",
    "description",
    "is_private",
    "default_llm_integration",
    "ml_models_enabled",
    "gradient_start_color",
    "gradient_end_color",
    "default_agent_runtime",
];

/// A string that must not be blank; returned trimmed.
fn non_blank<'a>(field: &str, value: &'a str) -> Result<&'a str> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::validation(field, "must not be empty"));
    }
    Ok(v)
}

impl SpaceUpdate {
    /// The validated JSON body (no request). Errors name the field; an update that changes
    /// nothing is an error too.
    pub fn body(&self) -> Result<Map<String, Value>> {
        let mut body = Map::new();
        if let Some(name) = &self.name {
            body.insert(
                "name".into(),
                Value::from(required("name", name, MAX_NAME)?),
            );
        }
        match &self.description {
            Patch::Unset => {}
            Patch::Null => {
                body.insert("description".into(), Value::Null);
            }
            Patch::Value(d) => {
                max_len("description", d, MAX_DESCRIPTION)?;
                body.insert("description".into(), Value::from(d.as_str()));
            }
        }
        if let Some(p) = self.is_private {
            body.insert("is_private".into(), Value::from(p));
        }
        match &self.default_llm_integration {
            Patch::Unset => {}
            Patch::Null => {
                body.insert("default_llm_integration".into(), Value::Null);
            }
            Patch::Value(d) => {
                let integration_id = required(
                    "default_llm_integration.integration_id",
                    &d.integration_id,
                    MAX_NAME,
                )?;
                let model_name = required(
                    "default_llm_integration.model_name",
                    &d.model_name,
                    MAX_NAME,
                )?;
                body.insert(
                    "default_llm_integration".into(),
                    json!({ "integration_id": integration_id, "model_name": model_name }),
                );
            }
        }
        if let Some(m) = self.ml_models_enabled {
            body.insert("ml_models_enabled".into(), Value::from(m));
        }
        for (field, value) in [
            ("gradient_start_color", &self.gradient_start_color),
            ("gradient_end_color", &self.gradient_end_color),
        ] {
            if let Some(color) = value {
                body.insert(field.into(), Value::from(non_blank(field, color)?));
            }
        }
        match &self.default_agent_runtime {
            Patch::Unset => {}
            Patch::Null => {
                body.insert("default_agent_runtime".into(), Value::Null);
            }
            Patch::Value(d) => {
                let integration_id = required(
                    "default_agent_runtime.integration_id",
                    &d.integration_id,
                    MAX_NAME,
                )?;
                body.insert(
                    "default_agent_runtime".into(),
                    json!({ "integration_id": integration_id }),
                );
            }
        }
        if body.is_empty() {
            return Err(Error::validation(
                "name, description",
                format!(
                    "nothing to update: provide at least one of {}",
                    UPDATE_FIELDS.join(", ")
                ),
            ));
        }
        Ok(body)
    }
}

/// Updates a space (name or ID): sends only the supplied fields of a [`SpaceUpdate`], after
/// checking them.
pub async fn update(c: &Client, space: &str, req: &SpaceUpdate) -> Result<Space> {
    let body = req.body()?;
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

    fn field_of(r: Result<Map<String, Value>>) -> String {
        match r {
            Err(Error::Validation { field, .. }) => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn update_body_sends_only_the_supplied_fields() {
        let every = SpaceUpdate {
            name: Some(" renamed ".into()),
            description: Patch::Value("d".into()),
            is_private: Some(true),
            default_llm_integration: Patch::Value(DefaultLlmIntegration {
                integration_id: "TGxtOjE=".into(),
                model_name: "gpt-4o".into(),
            }),
            ml_models_enabled: Some(false),
            gradient_start_color: Some("#112233".into()),
            gradient_end_color: Some("#445566".into()),
            default_agent_runtime: Patch::Value(DefaultAgentRuntime {
                integration_id: "QWdlbnQ6MQ==".into(),
            }),
        };
        assert_eq!(
            Value::Object(every.body().unwrap()),
            json!({
                "name": "renamed", "description": "d", "is_private": true,
                "default_llm_integration": {"integration_id": "TGxtOjE=", "model_name": "gpt-4o"},
                "ml_models_enabled": false, "gradient_start_color": "#112233",
                "gradient_end_color": "#445566",
                "default_agent_runtime": {"integration_id": "QWdlbnQ6MQ=="},
            })
        );
        let clears = SpaceUpdate {
            description: Patch::Null,
            default_llm_integration: Patch::Null,
            default_agent_runtime: Patch::Null,
            ..Default::default()
        };
        assert_eq!(
            Value::Object(clears.body().unwrap()),
            json!({"description": null, "default_llm_integration": null, "default_agent_runtime": null})
        );
        let only_color = SpaceUpdate {
            gradient_end_color: Some("#000".into()),
            ..Default::default()
        };
        assert_eq!(
            Value::Object(only_color.body().unwrap()),
            json!({"gradient_end_color": "#000"})
        );
    }

    #[test]
    fn update_body_rejects_bad_values_naming_the_field() {
        match SpaceUpdate::default().body() {
            Err(Error::Validation { message, .. }) => {
                for f in UPDATE_FIELDS {
                    assert!(message.contains(f), "{message}");
                }
            }
            other => panic!("{other:?}"),
        }
        let blank_color = SpaceUpdate {
            gradient_start_color: Some("  ".into()),
            ..Default::default()
        };
        assert_eq!(field_of(blank_color.body()), "gradient_start_color");
        let no_model = SpaceUpdate {
            default_llm_integration: Patch::Value(DefaultLlmIntegration {
                integration_id: "TGxtOjE=".into(),
                model_name: String::new(),
            }),
            ..Default::default()
        };
        assert_eq!(
            field_of(no_model.body()),
            "default_llm_integration.model_name"
        );
        let no_integration = SpaceUpdate {
            default_llm_integration: Patch::Value(DefaultLlmIntegration {
                integration_id: " ".into(),
                model_name: "m".into(),
            }),
            ..Default::default()
        };
        assert_eq!(
            field_of(no_integration.body()),
            "default_llm_integration.integration_id"
        );
        let no_runtime = SpaceUpdate {
            default_agent_runtime: Patch::Value(DefaultAgentRuntime {
                integration_id: String::new(),
            }),
            ..Default::default()
        };
        assert_eq!(
            field_of(no_runtime.body()),
            "default_agent_runtime.integration_id"
        );
        let long = SpaceUpdate {
            description: Patch::Value("x".repeat(1001)),
            ..Default::default()
        };
        assert_eq!(field_of(long.body()), "description");
    }

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
