//! Supporting read endpoints used for lookups (API.md §5): organizations and users.

use super::{cursor, decode_json, max_len, path, required};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::{Organization, User};
use crate::paginate::{check_limit, fetch_items, ItemsPage, MAX_LIMIT};
use crate::resolve::resolve_organization;
use crate::transport::ApiRequest;

/// Parameters of `GET /v2/organizations`.
#[derive(Debug, Clone, Default)]
pub struct ListOrganizationsParams {
    pub name: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

fn paging(query: &mut Vec<(String, String)>, limit: Option<u32>, cur: Option<&str>) -> Result<()> {
    let limit = limit.unwrap_or(super::spaces::DEFAULT_LIMIT);
    check_limit(limit)?;
    let cur = cursor(cur)?;
    query.push(("limit".into(), limit.to_string()));
    if let Some(c) = cur {
        query.push(("cursor".into(), c));
    }
    Ok(())
}

/// One page of organizations.
pub async fn list_organizations(
    c: &Client,
    p: &ListOrganizationsParams,
) -> Result<ItemsPage<Organization>> {
    let mut query = Vec::new();
    if let Some(name) = p.name.as_deref().filter(|n| !n.is_empty()) {
        max_len("name", name, 255)?;
        query.push(("name".into(), name.to_owned()));
    }
    paging(&mut query, p.limit, p.cursor.as_deref())?;
    fetch_items(c, "/v2/organizations", "organizations", query).await
}

/// An organization by name or ID.
pub async fn get_organization(c: &Client, organization: &str) -> Result<Organization> {
    let id = resolve_organization(c, organization).await?;
    let p = path(&["v2", "organizations", &id]);
    let resp = c.send(ApiRequest::get(&p)).await?;
    decode_json(c, "GET", &p, &resp)
}

/// Parameters of `GET /v2/users`.
#[derive(Debug, Clone, Default)]
pub struct ListUsersParams {
    /// Case-insensitive substring filter on the e-mail address.
    pub email: Option<String>,
    /// `ACTIVE`, `INVITED`, `EXPIRED` (repeatable).
    pub status: Vec<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// One page of users.
pub async fn list_users(c: &Client, p: &ListUsersParams) -> Result<ItemsPage<User>> {
    let mut query = Vec::new();
    if let Some(email) = p.email.as_deref().filter(|n| !n.is_empty()) {
        max_len("email", email, 255)?;
        query.push(("email".into(), email.to_owned()));
    }
    for s in &p.status {
        let up = s.trim().to_ascii_uppercase();
        if !["ACTIVE", "INVITED", "EXPIRED"].contains(&up.as_str()) {
            return Err(Error::validation(
                "status",
                format!("'{s}' is not one of ACTIVE, INVITED, EXPIRED"),
            ));
        }
        query.push(("status".into(), up));
    }
    paging(&mut query, p.limit, p.cursor.as_deref())?;
    fetch_items(c, "/v2/users", "users", query).await
}

/// A user by ID.
pub async fn get_user(c: &Client, user_id: &str) -> Result<User> {
    let id = required("user_id", user_id, 255)?;
    let p = path(&["v2", "users", id]);
    let resp = c.send(ApiRequest::get(&p)).await?;
    decode_json(c, "GET", &p, &resp)
}

/// The user whose e-mail matches `email` exactly (case-insensitive), across all pages.
pub async fn find_user_by_email(c: &Client, email: &str) -> Result<User> {
    let email = required("email", email, 255)?;
    let mut cur: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    let mut candidates = Vec::new();
    loop {
        let page = list_users(
            c,
            &ListUsersParams {
                email: Some(email.to_owned()),
                limit: Some(MAX_LIMIT),
                cursor: cur.clone(),
                ..Default::default()
            },
        )
        .await?;
        for u in page.items {
            match u.email.as_deref() {
                Some(e) if e.eq_ignore_ascii_case(email) => return Ok(u),
                Some(e) => candidates.push(e.to_owned()),
                None => {}
            }
        }
        match (page.has_more, page.next_cursor) {
            (true, Some(next)) => {
                if !seen.insert(next.clone()) {
                    return Err(Error::RepeatedCursor {
                        cursor: next,
                        url: format!("{}/v2/users", c.base_url()),
                    });
                }
                cur = Some(next);
            }
            (true, None) => {
                return Err(Error::MissingCursor {
                    url: format!("{}/v2/users", c.base_url()),
                })
            }
            (false, _) => break,
        }
    }
    Err(Error::NameNotFound {
        resource_type: "user".into(),
        resource_name: email.to_owned(),
        available_names: candidates,
        hint: None,
    })
}
