//! `/v2` routes and the helpers they share (query parsing, strict JSON bodies).

pub(crate) mod lookups;
pub(crate) mod organizations;
pub(crate) mod runs;
pub(crate) mod spaces;
pub(crate) mod task_write;
pub(crate) mod tasks;
pub(crate) mod users;

use std::borrow::Cow;
use std::sync::Arc;

use axum::routing::{delete, get, post};
use axum::Router;
use serde_json::{Map, Value};

use crate::problem::ApiError;
use crate::server::Shared;

/// The `/v2` API routes.
pub(crate) fn api_router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v2/spaces", get(spaces::list).post(spaces::create))
        .route(
            "/v2/spaces/{space_id}",
            get(spaces::get_one)
                .patch(spaces::update)
                .delete(spaces::remove),
        )
        .route("/v2/spaces/{space_id}/users", post(spaces::add_user))
        .route(
            "/v2/spaces/{space_id}/users/{user_id}",
            delete(spaces::remove_user),
        )
        .route("/v2/organizations", get(organizations::list))
        .route("/v2/organizations/{org_id}", get(organizations::get_one))
        .route("/v2/users", get(users::list))
        .route("/v2/users/{user_id}", get(users::get_one))
        .route("/v2/projects", get(lookups::list_projects))
        .route("/v2/projects/{project_id}", get(lookups::get_project))
        .route("/v2/datasets", get(lookups::list_datasets))
        .route("/v2/datasets/{dataset_id}", get(lookups::get_dataset))
        .route("/v2/experiments", get(lookups::list_experiments))
        .route(
            "/v2/experiments/{experiment_id}",
            get(lookups::get_experiment),
        )
        .route("/v2/evaluators", get(lookups::list_evaluators))
        .route("/v2/evaluators/{evaluator_id}", get(lookups::get_evaluator))
        .route(
            "/v2/evaluators/{evaluator_id}/versions",
            get(lookups::list_evaluator_versions),
        )
        .route(
            "/v2/evaluator-versions/{version_id}",
            get(lookups::get_evaluator_version),
        )
        .route("/v2/ai-integrations", get(lookups::list_ai_integrations))
        .route(
            "/v2/ai-integrations/{integration_id}",
            get(lookups::get_ai_integration),
        )
        .route("/v2/tasks", get(tasks::list).post(task_write::create))
        .route(
            "/v2/tasks/{task_id}",
            get(tasks::get_one)
                .patch(task_write::update)
                .delete(tasks::remove),
        )
        .route("/v2/tasks/{task_id}/trigger", post(runs::trigger))
        .route("/v2/tasks/{task_id}/runs", get(runs::list))
        .route("/v2/task-runs/{run_id}", get(runs::get_one))
        .route("/v2/task-runs/{run_id}/cancel", post(runs::cancel))
}

/// Whether a decoded `/v2` path has the shape of a list route (`/v2/spaces`,
/// `/v2/tasks/{id}/runs`): one or three segments after `/v2`.
pub(crate) fn is_list_path(path: &str) -> bool {
    let rest = path.strip_prefix("/v2/").unwrap_or("");
    let n = rest.split('/').filter(|s| !s.is_empty()).count();
    n == 1 || n == 3
}

/// Decoded query parameters, in order (repeated keys kept).
pub(crate) struct QueryParams<'a> {
    pairs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl<'a> QueryParams<'a> {
    pub(crate) fn parse(raw: Option<&'a str>) -> QueryParams<'a> {
        let pairs = raw
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect();
        QueryParams { pairs }
    }

    /// First value of `key`, as sent (may be empty).
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_ref())
    }

    /// First value of `key`, with an empty value treated as absent (for filters).
    pub(crate) fn filter(&self, key: &str) -> Option<&str> {
        self.get(key).filter(|v| !v.is_empty())
    }

    /// Every value of a repeatable `key`; comma-separated values are split too.
    pub(crate) fn all(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }
}

/// `application/x-www-form-urlencoded` decoding (`+` is a space, `%XX` a byte).
fn percent_decode(s: &str) -> Cow<'_, str> {
    decode(s, true)
}

/// Percent-decoding of a URL path (`+` stays a `+`: base64 IDs contain it).
pub(crate) fn percent_decode_path(s: &str) -> Cow<'_, str> {
    decode(s, false)
}

fn decode(s: &str, plus_is_space: bool) -> Cow<'_, str> {
    if !s.bytes().any(|b| b == b'%' || (plus_is_space && b == b'+')) {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Rejects a filter value longer than `max` characters.
pub(crate) fn check_filter_len(
    name: &str,
    value: Option<&str>,
    max: usize,
) -> Result<(), ApiError> {
    match value {
        Some(v) if v.chars().count() > max => Err(ApiError::bad_request(format!(
            "Query parameter '{name}' must be at most {max} characters."
        ))),
        _ => Ok(()),
    }
}

/// A JSON request body object.
pub(crate) type Obj = Map<String, Value>;

/// Fields the server manages; present in a request body they are a 400.
const SYSTEM_FIELDS: &[&str] = &["id", "created_at", "updated_at"];

/// Parses a request body that must be a JSON object.
pub(crate) fn parse_object(body: &[u8]) -> Result<Obj, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("A JSON request body is required."));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(obj)) => Ok(obj),
        Ok(_) => Err(ApiError::bad_request(
            "The request body must be a JSON object.",
        )),
        Err(e) => Err(ApiError::bad_request(format!("Malformed JSON body: {e}."))),
    }
}

/// Strict mode: every key must be in `allowed`; system-managed fields are named as such.
pub(crate) fn check_fields(obj: &Obj, allowed: &[&str]) -> Result<(), ApiError> {
    for key in obj.keys() {
        if allowed.contains(&key.as_str()) {
            continue;
        }
        if SYSTEM_FIELDS.contains(&key.as_str()) {
            return Err(ApiError::bad_request(format!(
                "Field '{key}' is managed by the server and cannot be set."
            )));
        }
        return Err(ApiError::bad_request(format!("Unknown field '{key}'.")));
    }
    Ok(())
}

/// A field's state in a request body.
pub(crate) enum Field<T> {
    Absent,
    Null,
    Value(T),
}

impl<T> Field<T> {
    /// `null` counts as absent.
    pub(crate) fn or_absent(self) -> Option<T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }
}

pub(crate) fn str_field<'a>(obj: &'a Obj, key: &str) -> Result<Field<&'a str>, ApiError> {
    match obj.get(key) {
        None => Ok(Field::Absent),
        Some(Value::Null) => Ok(Field::Null),
        Some(Value::String(s)) => Ok(Field::Value(s)),
        Some(_) => Err(ApiError::bad_request(format!(
            "Field '{key}' must be a string."
        ))),
    }
}

pub(crate) fn required_str<'a>(obj: &'a Obj, key: &str) -> Result<&'a str, ApiError> {
    match str_field(obj, key)? {
        Field::Value(s) => Ok(s),
        _ => Err(ApiError::bad_request(format!("Field '{key}' is required."))),
    }
}

pub(crate) fn bool_field(obj: &Obj, key: &str) -> Result<Field<bool>, ApiError> {
    match obj.get(key) {
        None => Ok(Field::Absent),
        Some(Value::Null) => Ok(Field::Null),
        Some(Value::Bool(b)) => Ok(Field::Value(*b)),
        Some(_) => Err(ApiError::bad_request(format!(
            "Field '{key}' must be a boolean."
        ))),
    }
}

/// A resource name: non-empty (not only blanks) and at most `max` characters.
pub(crate) fn check_name(key: &str, value: &str, max: usize) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::bad_request(format!(
            "Field '{key}' must not be empty."
        )));
    }
    check_len(key, value, max)
}

pub(crate) fn check_len(key: &str, value: &str, max: usize) -> Result<(), ApiError> {
    if value.chars().count() > max {
        return Err(ApiError::bad_request(format!(
            "Field '{key}' must be at most {max} characters."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parsing() {
        let q = QueryParams::parse(Some(
            "name=a%20b+c&status=ACTIVE&status=INVITED,EXPIRED&limit=&x",
        ));
        assert_eq!(q.get("name"), Some("a b c"));
        assert_eq!(q.all("status"), vec!["ACTIVE", "INVITED", "EXPIRED"]);
        assert_eq!(q.get("limit"), Some(""));
        assert_eq!(q.filter("limit"), None);
        assert_eq!(q.get("x"), Some(""));
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
        assert_eq!(percent_decode("a%2Fb%3D"), "a/b=");
    }
}
