//! `SpacesClient` and `AsyncSpacesClient`: the official SDK's method and keyword
//! names over `ax_core::api::spaces`. One macro writes both classes so that the
//! blocking and the asyncio flavours cannot drift apart.

use ax_core::api::spaces::{
    self, CreateSpace, ListSpacesParams, SpaceResource, SpaceUpdate, UPDATE_FIELDS,
};
use ax_core::model::Patch;
use ax_core::model::{DefaultAgentRuntime, DefaultLlmIntegration, SpaceRole};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyString};

use crate::call::{none, object, run, run_walk, Mode};
use crate::errors::validation;
use crate::models::{Space, SpaceMembership};
use crate::page::{BindResource, Page};
use crate::warn;

impl BindResource for SpaceResource {
    const COLLECTION_ATTR: &'static str = "spaces";
    fn item_to_py(py: Python<'_>, item: Self::Item) -> PyResult<Py<PyAny>> {
        object(py, Space::from(item))
    }
}

fn space_to_py(py: Python<'_>, s: ax_core::model::Space) -> PyResult<Py<PyAny>> {
    object(py, Space::from(s))
}

fn membership_to_py(py: Python<'_>, m: ax_core::model::SpaceMembership) -> PyResult<Py<PyAny>> {
    object(py, SpaceMembership::from(m))
}

fn page_to_py(py: Python<'_>, p: ax_core::Page<SpaceResource>) -> PyResult<Py<PyAny>> {
    object(py, Page::single(py, p)?)
}

fn pages_to_py(py: Python<'_>, p: ax_core::Listing<SpaceResource>) -> PyResult<Py<PyAny>> {
    object(py, Page::all(p))
}

/// Accepts a role as a string (`"member"`, `"READ_ONLY"`, `"read-only"`, a custom role
/// ID), a dict (`{"type": "PREDEFINED", "name": "MEMBER"}` / `{"type": "CUSTOM", "id": ...}`)
/// or any object with `type` and `name`/`id` attributes (the official SDK's role models).
pub fn extract_role(py: Python<'_>, role: &Bound<'_, PyAny>) -> PyResult<SpaceRole> {
    use crate::errors::ToPyErr;
    if let Ok(s) = role.cast::<PyString>() {
        return SpaceRole::parse(s.to_str()?).map_err(|e| e.to_pyerr(py));
    }
    let get = |key: &str| -> PyResult<Option<String>> {
        let value = if let Ok(d) = role.cast::<PyDict>() {
            d.get_item(key)?
        } else if role.hasattr(key)? {
            Some(role.getattr(key)?)
        } else {
            None
        };
        match value {
            Some(v) if !v.is_none() => Ok(Some(v.str()?.to_string())),
            _ => Ok(None),
        }
    };
    let kind = get("type")?.map(|t| t.to_ascii_uppercase());
    let kind = kind
        .as_deref()
        .map(|k| k.rsplit('.').next().unwrap_or(k).to_string());
    match (kind.as_deref(), get("name")?, get("id")?) {
        (Some("CUSTOM"), _, Some(id)) | (None, None, Some(id)) => Ok(SpaceRole::Custom { id, name: None }),
        (Some("PREDEFINED") | None, Some(name), _) => {
            SpaceRole::parse(&name).map_err(|e| e.to_pyerr(py)).and_then(|r| match r {
                SpaceRole::Predefined { .. } => Ok(r),
                SpaceRole::Custom { .. } => Err(validation(
                    py,
                    "role",
                    format!("'{name}' is not a predefined role; allowed: ADMIN, MEMBER, READ_ONLY, ANNOTATOR"),
                )),
            })
        }
        _ => Err(validation(
            py,
            "role",
            "expected ADMIN, MEMBER, READ_ONLY or ANNOTATOR (any case, '-' or '_'), a custom \
             role ID, {'type': 'PREDEFINED', 'name': ...} or {'type': 'CUSTOM', 'id': ...}",
        )),
    }
}

/// A string or None (`None` → `None`); anything else is a `ValidationError` naming `field`.
fn opt_str(py: Python<'_>, field: &str, value: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if value.is_none() {
        return Ok(None);
    }
    match value.cast::<PyString>() {
        Ok(s) => Ok(Some(s.to_str()?.to_owned())),
        Err(_) => Err(validation(
            py,
            field,
            format!("{field} must be a string, got {}", type_name(value)),
        )),
    }
}

/// True, False or None (`None` → `None`); numbers and other truthy values are refused.
fn opt_bool(py: Python<'_>, field: &str, value: &Bound<'_, PyAny>) -> PyResult<Option<bool>> {
    if value.is_none() {
        return Ok(None);
    }
    match value.cast::<PyBool>() {
        Ok(b) => Ok(Some(b.is_true())),
        Err(_) => Err(validation(
            py,
            field,
            format!("{field} must be True or False, got {}", type_name(value)),
        )),
    }
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "an object".to_owned())
}

type Object = serde_json::Map<String, serde_json::Value>;

/// An object-or-None reference such as `default_llm_integration`: `None` clears it (sent as
/// `null`); a dict, one of the official SDK's models (`model_dump`) or a dataclass must hold
/// exactly `keys`, each a string, and is made into `T` by `make`.
fn reference<T>(
    py: Python<'_>,
    field: &str,
    value: &Bound<'_, PyAny>,
    keys: &[&str],
    make: fn(&mut Object) -> T,
) -> PyResult<Patch<T>> {
    if value.is_none() {
        return Ok(Patch::Null);
    }
    let wanted = keys
        .iter()
        .map(|k| format!("'{k}': str"))
        .collect::<Vec<_>>()
        .join(", ");
    let serde_json::Value::Object(mut map) = crate::convert::json(value, field)? else {
        return Err(validation(
            py,
            field,
            format!(
                "{field} must be None or {{{wanted}}}, got {}",
                type_name(value)
            ),
        ));
    };
    map.retain(|_, v| !v.is_null());
    if let Some(extra) = map.keys().find(|k| !keys.contains(&k.as_str())) {
        return Err(validation(
            py,
            &format!("{field}.{extra}"),
            format!("{field} takes only {{{wanted}}}; '{extra}' is not one of its fields"),
        ));
    }
    for key in keys {
        let problem = match map.get(*key) {
            Some(serde_json::Value::String(_)) => continue,
            Some(other) => format!("{field}.{key} must be a string, got {other}"),
            None => format!("{field}.{key} is required ({field} is {{{wanted}}})"),
        };
        return Err(validation(py, &format!("{field}.{key}"), problem));
    }
    Ok(Patch::Value(make(&mut map)))
}

/// The string member `key` of a checked reference object.
fn text(map: &mut Object, key: &str) -> String {
    match map.remove(key) {
        Some(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn llm_integration(map: &mut Object) -> DefaultLlmIntegration {
    DefaultLlmIntegration {
        integration_id: text(map, "integration_id"),
        model_name: text(map, "model_name"),
    }
}

fn agent_runtime(map: &mut Object) -> DefaultAgentRuntime {
    DefaultAgentRuntime {
        integration_id: text(map, "integration_id"),
    }
}

/// Reads the keyword arguments of `update(**fields)` into a [`SpaceUpdate`]: only keys that
/// were passed are sent. As in the official SDK, `None` clears `description`,
/// `default_llm_integration` and `default_agent_runtime` (sent as `null`) and leaves the other
/// fields unchanged (they cannot be cleared). Values of the wrong type raise
/// `ValidationError` naming the field, before any request.
fn update_fields(py: Python<'_>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<SpaceUpdate> {
    let mut req = SpaceUpdate::default();
    let Some(fields) = fields else {
        return Ok(req);
    };
    for (key, value) in fields.iter() {
        let key: String = key.extract()?;
        let v = &value;
        match key.as_str() {
            "name" => req.name = opt_str(py, "name", v)?,
            "description" => req.description = Patch::from_nullable(opt_str(py, "description", v)?),
            "is_private" => req.is_private = opt_bool(py, "is_private", v)?,
            "default_llm_integration" => {
                let keys = ["integration_id", "model_name"];
                req.default_llm_integration = reference(py, &key, v, &keys, llm_integration)?
            }
            "ml_models_enabled" => req.ml_models_enabled = opt_bool(py, &key, v)?,
            "gradient_start_color" => req.gradient_start_color = opt_str(py, &key, v)?,
            "gradient_end_color" => req.gradient_end_color = opt_str(py, &key, v)?,
            "default_agent_runtime" => {
                let keys = ["integration_id"];
                req.default_agent_runtime = reference(py, &key, v, &keys, agent_runtime)?
            }
            other => {
                return Err(PyTypeError::new_err(format!(
                    "update() got an unexpected keyword argument '{other}' (allowed: {})",
                    UPDATE_FIELDS.join(", ")
                )));
            }
        }
    }
    Ok(req)
}

macro_rules! spaces_client {
    ($class:ident, $pyname:literal, $mode:expr) => {
        #[pyclass(module = "arize_ax._native", name = $pyname, frozen)]
        pub struct $class {
            core: ax_core::Client,
        }

        impl $class {
            pub fn new(core: ax_core::Client) -> Self {
                $class { core }
            }
        }

        #[pymethods]
        impl $class {
            /// One page of the spaces visible to the key.
            #[pyo3(signature = (*, organization_id=None, name=None, limit=50, cursor=None))]
            fn list(
                &self,
                py: Python<'_>,
                organization_id: Option<String>,
                name: Option<String>,
                limit: u32,
                cursor: Option<String>,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "spaces.list")?;
                let params = ListSpacesParams {
                    organization_id,
                    name,
                    limit: Some(limit),
                    cursor,
                };
                let core = self.core.clone();
                run(
                    py,
                    $mode,
                    async move { spaces::list(&core, &params).await },
                    page_to_py,
                )
            }

            /// Every page of the listing, fetched with the next request in flight.
            #[pyo3(signature = (*, organization_id=None, name=None, limit=100))]
            fn list_all(
                &self,
                py: Python<'_>,
                organization_id: Option<String>,
                name: Option<String>,
                limit: u32,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "spaces.list")?;
                let params = ListSpacesParams {
                    organization_id,
                    name,
                    limit: Some(limit),
                    cursor: None,
                };
                run_walk(
                    py,
                    $mode,
                    &self.core,
                    |core| async move { spaces::list_listing(&core, params).await },
                    pages_to_py,
                )
            }

            /// A space by name or ID.
            #[pyo3(signature = (*, space))]
            fn get(&self, py: Python<'_>, space: String) -> PyResult<Py<PyAny>> {
                warn::beta(py, "spaces.get")?;
                let core = self.core.clone();
                run(
                    py,
                    $mode,
                    async move { spaces::get(&core, &space).await },
                    space_to_py,
                )
            }

            /// Creates a space in an organization (ID or name).
            #[pyo3(signature = (*, name, organization_id, description=None, is_private=None))]
            fn create(
                &self,
                py: Python<'_>,
                name: String,
                organization_id: String,
                description: Option<String>,
                is_private: Option<bool>,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "spaces.create")?;
                let req = CreateSpace {
                    name,
                    organization_id,
                    description,
                    is_private,
                };
                let core = self.core.clone();
                run(
                    py,
                    $mode,
                    async move { spaces::create(&core, &req).await },
                    space_to_py,
                )
            }

            /// Updates only the fields passed (see [`update_fields`] for `None`).
            #[pyo3(signature = (*, space, **fields))]
            fn update(
                &self,
                py: Python<'_>,
                space: String,
                fields: Option<&Bound<'_, PyDict>>,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "spaces.update")?;
                let req = update_fields(py, fields)?;
                let core = self.core.clone();
                run(
                    py,
                    $mode,
                    async move { spaces::update(&core, &space, &req).await },
                    space_to_py,
                )
            }

            /// Deletes a space and everything in it. Irreversible.
            #[pyo3(signature = (*, space))]
            fn delete(&self, py: Python<'_>, space: String) -> PyResult<Py<PyAny>> {
                warn::beta(py, "spaces.delete")?;
                let core = self.core.clone();
                run(
                    py,
                    $mode,
                    async move { spaces::delete(&core, &space).await },
                    none,
                )
            }

            /// Adds a user to a space, or changes the role of a member (upsert).
            #[pyo3(signature = (*, space, user_id, role))]
            fn add_user(
                &self,
                py: Python<'_>,
                space: String,
                user_id: String,
                role: &Bound<'_, PyAny>,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "spaces.add_user")?;
                let role = extract_role(py, role)?;
                let core = self.core.clone();
                run(
                    py,
                    $mode,
                    async move { spaces::add_user(&core, &space, &user_id, &role).await },
                    membership_to_py,
                )
            }

            /// Removes a user from a space (and their role bindings on it).
            #[pyo3(signature = (*, space, user_id))]
            fn remove_user(
                &self,
                py: Python<'_>,
                space: String,
                user_id: String,
            ) -> PyResult<Py<PyAny>> {
                warn::beta(py, "spaces.remove_user")?;
                let core = self.core.clone();
                run(
                    py,
                    $mode,
                    async move { spaces::remove_user(&core, &space, &user_id).await },
                    none,
                )
            }

            fn __repr__(&self) -> String {
                format!("{}(base_url={:?})", $pyname, self.core.base_url())
            }
        }
    };
}

spaces_client!(SpacesClient, "SpacesClient", Mode::Blocking);
spaces_client!(AsyncSpacesClient, "AsyncSpacesClient", Mode::Async);
