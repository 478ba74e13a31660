//! Name-or-ID resolution (API.md §2.2–2.3) with a small per-client TTL cache.
//!
//! A [`Lookup`] describes one resolvable resource type; [`resolve`] implements the official
//! client's algorithm for all of them, so adding projects, datasets, tasks or experiments is a
//! matter of declaring their `Lookup` (see [`PROJECT`], [`DATASET`], [`TASK`]).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::future::join_all;
use serde::Deserialize;

use crate::client::Client;
use crate::error::{Error, Result};
pub use crate::ids::is_resource_id;
use crate::paginate::{fetch_items, MAX_LIMIT};

/// How exact matches are turned into one ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchPolicy {
    /// All pages are read; more than one exact match is an [`Error::AmbiguousName`].
    Unique,
    /// The first exact match wins.
    First,
}

/// The parent a name is resolved in (e.g. tasks are looked up within a space).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// Query parameter carrying the parent ID, e.g. `space_id`.
    pub param: &'static str,
    /// Argument name shown in hints, e.g. `space`.
    pub argument: &'static str,
}

/// One resolvable resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookup {
    /// Singular type name used in messages, e.g. `space`.
    pub resource_type: &'static str,
    /// Envelope key of the list response, e.g. `spaces`.
    pub collection: &'static str,
    /// List path, e.g. `/v2/spaces`.
    pub path: &'static str,
    /// Required parent scope, if any.
    pub scope: Option<Scope>,
    pub policy: MatchPolicy,
}

const SPACE_SCOPE: Scope = Scope {
    param: "space_id",
    argument: "space",
};

/// Spaces: all organizations, unique match required.
pub const SPACE: Lookup = Lookup {
    resource_type: "space",
    collection: "spaces",
    path: "/v2/spaces",
    scope: None,
    policy: MatchPolicy::Unique,
};
/// Organizations: first exact match.
pub const ORGANIZATION: Lookup = Lookup {
    resource_type: "organization",
    collection: "organizations",
    path: "/v2/organizations",
    scope: None,
    policy: MatchPolicy::First,
};
/// Projects, within a space.
pub const PROJECT: Lookup = Lookup {
    resource_type: "project",
    collection: "projects",
    path: "/v2/projects",
    scope: Some(SPACE_SCOPE),
    policy: MatchPolicy::First,
};
/// Datasets, within a space.
pub const DATASET: Lookup = Lookup {
    resource_type: "dataset",
    collection: "datasets",
    path: "/v2/datasets",
    scope: Some(SPACE_SCOPE),
    policy: MatchPolicy::First,
};
/// Tasks, within a space.
pub const TASK: Lookup = Lookup {
    resource_type: "task",
    collection: "tasks",
    path: "/v2/tasks",
    scope: Some(SPACE_SCOPE),
    policy: MatchPolicy::First,
};

/// Evaluators, within a space.
pub const EVALUATOR: Lookup = Lookup {
    resource_type: "evaluator",
    collection: "evaluators",
    path: "/v2/evaluators",
    scope: Some(SPACE_SCOPE),
    policy: MatchPolicy::First,
};
/// AI integrations, within a space.
pub const AI_INTEGRATION: Lookup = Lookup {
    resource_type: "AI integration",
    collection: "ai_integrations",
    path: "/v2/ai-integrations",
    scope: Some(SPACE_SCOPE),
    policy: MatchPolicy::First,
};
/// Experiments of one dataset: the first exact match.
pub const EXPERIMENT_IN_DATASET: Lookup = Lookup {
    resource_type: "experiment",
    collection: "experiments",
    path: "/v2/experiments",
    scope: Some(Scope {
        param: "dataset_id",
        argument: "dataset",
    }),
    policy: MatchPolicy::First,
};
/// Experiments of a whole space: names are unique per dataset only, so more than one exact
/// match is ambiguous.
pub const EXPERIMENT_IN_SPACE: Lookup = Lookup {
    resource_type: "experiment",
    collection: "experiments",
    path: "/v2/experiments",
    scope: Some(SPACE_SCOPE),
    policy: MatchPolicy::Unique,
};

type CacheKey = (&'static str, String, String);

/// Resolved `(type, scope, name) → id`, kept for a short time.
pub(crate) struct ResolveCache {
    ttl: Duration,
    entries: Mutex<HashMap<CacheKey, (String, Instant)>>,
}

impl ResolveCache {
    pub(crate) fn new(ttl: Duration) -> Self {
        ResolveCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<CacheKey, (String, Instant)>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn get(&self, key: &CacheKey) -> Option<String> {
        let mut map = self.lock();
        match map.get(key) {
            Some((id, at)) if at.elapsed() < self.ttl => Some(id.clone()),
            Some(_) => {
                map.remove(key);
                None
            }
            None => None,
        }
    }

    fn put(&self, key: CacheKey, id: String) {
        let mut map = self.lock();
        if map.len() > 1024 {
            let ttl = self.ttl;
            map.retain(|_, (_, at)| at.elapsed() < ttl);
        }
        map.insert(key, (id, Instant::now()));
    }

    /// Drops every entry of `resource_type` pointing at `id`, or named `name`.
    pub(crate) fn invalidate(&self, resource_type: &str, id: Option<&str>, name: Option<&str>) {
        self.lock().retain(|(t, _, n), (cached, _)| {
            *t != resource_type || (id != Some(cached.as_str()) && name != Some(n.as_str()))
        });
    }
}

/// Forgets cached resolutions of `lookup` that point at `id` (call after delete or rename).
pub fn invalidate_id(client: &Client, lookup: &Lookup, id: &str) {
    client
        .cache()
        .invalidate(lookup.resource_type, Some(id), None);
}

/// Forgets cached resolutions of `lookup` for `name` (call after a create with that name).
pub fn invalidate_name(client: &Client, lookup: &Lookup, name: &str) {
    client
        .cache()
        .invalidate(lookup.resource_type, None, Some(name));
}

#[derive(Deserialize)]
struct Named {
    id: String,
    name: String,
}

/// What resolving a name or ID found.
#[derive(Debug, Clone)]
pub struct Found {
    pub id: String,
    /// The matching item as the list returned it (a whole object: list items are the same
    /// objects a get returns), so that a get by name needs no second request. `None` when
    /// an ID was given or the ID came from the cache.
    pub item: Option<serde_json::Value>,
    /// How many items the lookup listed in all (exact matches or not); 0 without a lookup.
    pub listed: usize,
}

impl Found {
    fn id(id: String) -> Found {
        Found {
            id,
            item: None,
            listed: 0,
        }
    }

    /// The found item decoded as `T`; `None` when there is no item (fetch it by ID).
    pub fn decode<T: serde::de::DeserializeOwned>(
        self,
        client: &Client,
        lookup: &Lookup,
    ) -> Option<Result<T>> {
        let item = self.item?;
        Some(serde_json::from_value(item).map_err(|e| Error::Decode {
            method: "GET".into(),
            url: format!("{}{}", client.base_url(), lookup.path),
            message: e.to_string(),
        }))
    }
}

/// Resolves `name_or_id` to an ID. An ID (per [`is_resource_id`]) is returned unchanged
/// without any request. `scope_id` is the parent's ID for scoped lookups.
pub async fn resolve(
    client: &Client,
    lookup: &Lookup,
    scope_id: Option<&str>,
    name_or_id: &str,
) -> Result<String> {
    Ok(find(client, lookup, scope_id, name_or_id).await?.id)
}

/// [`resolve`], also returning the matching list item when the name was looked up.
pub async fn find(
    client: &Client,
    lookup: &Lookup,
    scope_id: Option<&str>,
    name_or_id: &str,
) -> Result<Found> {
    let name = name_or_id.trim();
    if name.is_empty() {
        return Err(Error::validation(
            lookup.resource_type,
            "must be a non-empty name or ID",
        ));
    }
    if is_resource_id(name) {
        return Ok(Found::id(name.to_owned()));
    }
    let mut query: Vec<(String, String)> = Vec::new();
    if let Some(scope) = lookup.scope {
        match scope_id {
            Some(sid) => query.push((scope.param.to_owned(), sid.to_owned())),
            None => {
                let t = lookup.resource_type;
                return Err(Error::NameNotFound {
                    resource_type: t.to_owned(),
                    resource_name: name.to_owned(),
                    available_names: Vec::new(),
                    hint: Some(format!(
                        "Provide '{}' so the {t} name can be resolved, or provide the {t} ID instead of the name.",
                        scope.argument
                    )),
                });
            }
        }
    }
    let key: CacheKey = (
        lookup.resource_type,
        scope_id.unwrap_or_default().to_owned(),
        name.to_owned(),
    );
    if let Some(id) = client.cache().get(&key) {
        return Ok(Found::id(id));
    }
    query.push(("name".into(), name.to_owned()));
    query.push(("limit".into(), MAX_LIMIT.to_string()));

    let mut matches: Vec<String> = Vec::new();
    let mut first_item: Option<serde_json::Value> = None;
    let mut listed = 0usize;
    let mut candidates: Vec<String> = Vec::new();
    let mut seen_cursors: HashSet<String> = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut q = query.clone();
        if let Some(c) = &cursor {
            q.push(("cursor".into(), c.clone()));
        }
        let page =
            fetch_items::<serde_json::Value>(client, lookup.path, lookup.collection, q).await?;
        listed += page.items.len();
        for value in page.items {
            let item = Named::deserialize(&value).map_err(|e| Error::Decode {
                method: "GET".into(),
                url: format!("{}{}", client.base_url(), lookup.path),
                message: e.to_string(),
            })?;
            if item.name == name {
                if !matches.contains(&item.id) {
                    matches.push(item.id);
                    if first_item.is_none() {
                        first_item = Some(value);
                    }
                }
            } else if !candidates.contains(&item.name) {
                candidates.push(item.name);
            }
        }
        if lookup.policy == MatchPolicy::First && !matches.is_empty() {
            break;
        }
        match (page.has_more, page.next_cursor) {
            (true, Some(next)) => {
                if !seen_cursors.insert(next.clone()) {
                    return Err(Error::RepeatedCursor {
                        cursor: next,
                        url: format!("{}{}", client.base_url(), lookup.path),
                    });
                }
                cursor = Some(next);
            }
            // A partial scan could miss a match or an ambiguity: never stop silently.
            (true, None) => {
                return Err(Error::MissingCursor {
                    url: format!("{}{}", client.base_url(), lookup.path),
                })
            }
            (false, _) => break,
        }
    }
    match matches.len() {
        0 => Err(Error::NameNotFound {
            resource_type: lookup.resource_type.to_owned(),
            resource_name: name.to_owned(),
            available_names: candidates,
            hint: None,
        }),
        n if n == 1 || lookup.policy == MatchPolicy::First => {
            let id = matches.remove(0);
            client.cache().put(key, id.clone());
            Ok(Found {
                id,
                item: first_item,
                listed,
            })
        }
        _ => Err(Error::AmbiguousName {
            resource_type: lookup.resource_type.to_owned(),
            resource_name: name.to_owned(),
            matching_ids: matches,
        }),
    }
}

/// Resolves a space name or ID (all organizations; ambiguous names are an error).
pub async fn resolve_space(client: &Client, name_or_id: &str) -> Result<String> {
    resolve(client, &SPACE, None, name_or_id).await
}

/// Resolves an organization name or ID (first exact match).
pub async fn resolve_organization(client: &Client, name_or_id: &str) -> Result<String> {
    resolve(client, &ORGANIZATION, None, name_or_id).await
}

/// Resolves a space-scoped resource (project, dataset, task…). `space` may be a name or an ID;
/// a name is first resolved exactly with [`resolve_space`]. An ID is returned without a request
/// even when `space` is missing.
pub async fn resolve_in_space(
    client: &Client,
    lookup: &Lookup,
    space: Option<&str>,
    name_or_id: &str,
) -> Result<String> {
    Ok(find_in_space(client, lookup, space, name_or_id).await?.id)
}

/// [`resolve_in_space`], also returning the matching list item when a name was looked up.
pub async fn find_in_space(
    client: &Client,
    lookup: &Lookup,
    space: Option<&str>,
    name_or_id: &str,
) -> Result<Found> {
    let mut found = find_all_in_space(client, space, &[(lookup, name_or_id)]).await?;
    found.pop().expect("one result per lookup")
}

/// Resolves several names or IDs within one space (a name or an ID) at once: the
/// results come in the order of `wanted`, and an error of the space itself is the outer one.
/// The space is resolved only when a name needs it.
///
/// A space given by name costs no round trip of its own when its ID is not remembered:
/// the space lookup and each item lookup filtered by `space_name` (the same substring
/// filter) go out together. An item found that way is used only when it is certainly in
/// the space: it carries that `space_id`, or (items without one, such as tasks) the space
/// filter matched that one space alone, so every item the `space_name` filter listed is in
/// it. It is the first exact match in the server's order, as the lookup by `space_id`
/// would give, so only lookups that take the first match go this way. Otherwise (or if a
/// filtered lookup failed) the name is then looked up by `space_id` as usual, so results
/// and errors are that lookup's.
pub async fn find_all_in_space(
    client: &Client,
    space: Option<&str>,
    wanted: &[(&Lookup, &str)],
) -> Result<Vec<Result<Found>>> {
    let space = space.map(str::trim).filter(|s| !s.is_empty());
    let is_name = |name: &str| {
        let name = name.trim();
        !name.is_empty() && !is_resource_id(name)
    };
    // A name looked up within a space, taking the first match: it may go by `space_name`.
    let by_space_name = |lookup: &Lookup, name: &str| {
        is_name(name) && lookup.scope == Some(SPACE_SCOPE) && lookup.policy == MatchPolicy::First
    };
    let space = match space {
        Some(s) if wanted.iter().any(|(l, n)| is_name(n) && l.scope.is_some()) => Some(s),
        _ => None,
    };
    let fast = space.filter(|s| {
        !is_resource_id(s)
            && client
                .cache()
                .get(&(SPACE.resource_type, String::new(), (*s).to_owned()))
                .is_none()
            && wanted.iter().any(|(l, n)| by_space_name(l, n))
    });
    let Some(space_name) = fast else {
        let space_id = match space {
            Some(s) => Some(resolve_space(client, s).await?),
            None => None,
        };
        let space_id = space_id.as_deref();
        return Ok(join_all(wanted.iter().map(|(l, n)| find(client, l, space_id, n))).await);
    };
    let filtered = join_all(wanted.iter().map(|(lookup, name)| async move {
        if !by_space_name(lookup, name) {
            return None;
        }
        let query = vec![
            ("space_name".to_owned(), space_name.to_owned()),
            ("name".to_owned(), name.trim().to_owned()),
            ("limit".to_owned(), MAX_LIMIT.to_string()),
        ];
        fetch_items::<serde_json::Value>(client, lookup.path, lookup.collection, query)
            .await
            .ok()
    }));
    let (space_found, pages) = futures::join!(find(client, &SPACE, None, space_name), filtered);
    let space_found = space_found?;
    let space_id = space_found.id.as_str();
    let space_alone = space_found.listed == 1;
    Ok(join_all(
        wanted
            .iter()
            .zip(pages)
            .map(|((lookup, name), page)| async move {
                let name = name.trim();
                let hit =
                    page.and_then(|page| first_in_space(page.items, name, space_id, space_alone));
                match hit {
                    Some((id, item)) => {
                        let key = (lookup.resource_type, space_id.to_owned(), name.to_owned());
                        client.cache().put(key, id.clone());
                        Ok(Found {
                            id,
                            item: Some(item),
                            listed: 0,
                        })
                    }
                    None => find(client, lookup, Some(space_id), name).await,
                }
            }),
    )
    .await)
}

/// The first item named exactly `name` that is certainly in the space `space_id` (see
/// [`find_all_in_space`]), from a listing filtered by the space's name.
fn first_in_space(
    items: Vec<serde_json::Value>,
    name: &str,
    space_id: &str,
    space_alone: bool,
) -> Option<(String, serde_json::Value)> {
    for value in items {
        let item = Named::deserialize(&value).ok()?;
        if item.name != name {
            continue;
        }
        let in_space = match value.get("space_id") {
            Some(serde_json::Value::String(sid)) => sid == space_id,
            Some(_) => false,
            None => space_alone,
        };
        if in_space {
            return Some((item.id, value));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_expires_and_invalidates() {
        let cache = ResolveCache::new(Duration::from_millis(50));
        let key: CacheKey = ("space", String::new(), "prod".into());
        cache.put(key.clone(), "ID1".into());
        assert_eq!(cache.get(&key).as_deref(), Some("ID1"));
        cache.invalidate("task", Some("ID1"), None);
        assert_eq!(cache.get(&key).as_deref(), Some("ID1"));
        cache.invalidate("space", Some("ID1"), None);
        assert_eq!(cache.get(&key), None);
        cache.put(key.clone(), "ID1".into());
        cache.invalidate("space", None, Some("prod"));
        assert_eq!(cache.get(&key), None);
        cache.put(key.clone(), "ID1".into());
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get(&key), None);
    }
}
