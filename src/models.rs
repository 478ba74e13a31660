//! Result classes for single items: attribute access with the API's field names,
//! `to_dict()`, a readable `repr` and value equality.

use std::borrow::Cow;

use ax_core::model::{Space as CoreSpace, SpaceMembership as CoreMembership, SpaceRole};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

/// A JSON value as Python data; absent or `null` is None.
pub(crate) fn json_value(py: Python<'_>, value: Option<&serde_json::Value>) -> PyResult<Py<PyAny>> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(py.None()),
        Some(v) => Ok(pythonize::pythonize(py, v)?.unbind()),
    }
}

/// Most characters of one value in a `repr` (a longer one is cut and ends in "…").
pub(crate) const REPR_VALUE_MAX: usize = 80;
/// Most characters of a whole `repr`.
pub(crate) const REPR_MAX: usize = 800;

/// `text` cut to at most `max` characters, ending in "…" when it was longer. Every `repr`
/// of the result classes goes through this, so none grows with the data.
pub(crate) fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some(_) => {
            let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
            cut.push('…');
            Cow::Owned(cut)
        }
    }
}

/// A Python string literal (`'text'`) of `text` cut to [`REPR_VALUE_MAX`] characters.
pub(crate) fn str_literal(text: &str) -> String {
    let shown = truncate(text, REPR_VALUE_MAX);
    let mut out = String::with_capacity(shown.len() + 2);
    out.push('\'');
    for c in shown.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The repr of one value, bounded: strings are cut before `repr()` (so the quotes stay),
/// anything else after.
pub(crate) fn value_repr(value: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = value.cast::<PyString>() {
        let text = s.to_cow()?;
        let cut = truncate(&text, REPR_VALUE_MAX);
        return Ok(PyString::new(value.py(), &cut)
            .repr()?
            .to_cow()?
            .into_owned());
    }
    Ok(truncate(&value.repr()?.to_cow()?, REPR_VALUE_MAX).into_owned())
}

/// `Name(parts...)`, cut to [`REPR_MAX`] characters (ending in "…)") when longer.
pub(crate) fn finish_repr(name: &str, parts: &[String]) -> String {
    let out = format!("{name}({})", parts.join(", "));
    if out.chars().count() <= REPR_MAX {
        return out;
    }
    let mut cut: String = out.chars().take(REPR_MAX - 2).collect();
    cut.push_str("…)");
    cut
}

/// Formats `Name(field=value, ...)` with bounded Python reprs of the values.
pub(crate) fn repr_of(name: &str, dict: &Bound<'_, PyDict>) -> PyResult<String> {
    let mut parts = Vec::with_capacity(dict.len());
    for (key, value) in dict.iter() {
        parts.push(format!(
            "{}={}",
            truncate(&key.str()?.to_cow()?, REPR_VALUE_MAX),
            value_repr(&value)?
        ));
    }
    Ok(finish_repr(name, &parts))
}

/// A space (API.md §3.1).
#[pyclass(module = "arize_ax._native", frozen, eq, skip_from_py_object)]
#[derive(Clone, PartialEq)]
pub struct Space {
    inner: CoreSpace,
}

impl From<CoreSpace> for Space {
    fn from(inner: CoreSpace) -> Self {
        Space { inner }
    }
}

#[pymethods]
impl Space {
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }
    #[getter]
    fn description(&self) -> Option<&str> {
        self.inner.description.as_deref()
    }
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.inner.created_at
    }
    #[getter]
    fn organization_id(&self) -> Option<&str> {
        self.inner.organization_id.as_deref()
    }
    #[getter]
    fn is_private(&self) -> Option<bool> {
        self.inner.is_private
    }
    /// `{"integration_id": ..., "model_name": ...}` or None.
    #[getter]
    fn default_llm_integration(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_value(py, self.inner.default_llm_integration.as_ref())
    }
    #[getter]
    fn ml_models_enabled(&self) -> Option<bool> {
        self.inner.ml_models_enabled
    }
    #[getter]
    fn gradient_start_color(&self) -> Option<&str> {
        self.inner.gradient_start_color.as_deref()
    }
    #[getter]
    fn gradient_end_color(&self) -> Option<&str> {
        self.inner.gradient_end_color.as_deref()
    }
    /// `{"integration_id": ...}` or None.
    #[getter]
    fn default_agent_runtime(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_value(py, self.inner.default_agent_runtime.as_ref())
    }

    /// The space as a plain dict (datetimes stay `datetime` objects).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("name", self.name())?;
        d.set_item("description", self.description())?;
        d.set_item("created_at", self.created_at())?;
        d.set_item("organization_id", self.organization_id())?;
        d.set_item("is_private", self.is_private())?;
        d.set_item("default_llm_integration", self.default_llm_integration(py)?)?;
        d.set_item("ml_models_enabled", self.ml_models_enabled())?;
        d.set_item("gradient_start_color", self.gradient_start_color())?;
        d.set_item("gradient_end_color", self.gradient_end_color())?;
        d.set_item("default_agent_runtime", self.default_agent_runtime(py)?)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = self.to_dict(py)?;
        // The newer optional fields only when the server sent them, to keep the repr short.
        for key in [
            "default_llm_integration",
            "ml_models_enabled",
            "gradient_start_color",
            "gradient_end_color",
            "default_agent_runtime",
        ] {
            if d.get_item(key)?.is_some_and(|v| v.is_none()) {
                d.del_item(key)?;
            }
        }
        repr_of("Space", &d)
    }
}

/// A role held in a space: a predefined one (`type="PREDEFINED"`, `name`) or a
/// custom RBAC role (`type="CUSTOM"`, `id`, and `name` when the server sends it).
#[pyclass(module = "arize_ax._native", frozen, eq, skip_from_py_object)]
#[derive(Clone, PartialEq)]
pub struct SpaceRoleAssignment {
    inner: SpaceRole,
}

#[pymethods]
impl SpaceRoleAssignment {
    #[getter]
    fn r#type(&self) -> &'static str {
        match self.inner {
            SpaceRole::Predefined { .. } => "PREDEFINED",
            SpaceRole::Custom { .. } => "CUSTOM",
        }
    }
    #[getter]
    fn name(&self) -> Option<&str> {
        match &self.inner {
            SpaceRole::Predefined { name } => Some(name),
            SpaceRole::Custom { name, .. } => name.as_deref(),
        }
    }
    #[getter]
    fn id(&self) -> Option<&str> {
        match &self.inner {
            SpaceRole::Predefined { .. } => None,
            SpaceRole::Custom { id, .. } => Some(id),
        }
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("type", self.r#type())?;
        match &self.inner {
            SpaceRole::Predefined { name } => d.set_item("name", name)?,
            SpaceRole::Custom { id, name } => {
                d.set_item("id", id)?;
                if let Some(name) = name {
                    d.set_item("name", name)?;
                }
            }
        }
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr_of("SpaceRoleAssignment", &self.to_dict(py)?)
    }
}

/// A user's membership in a space (API.md §3.11).
#[pyclass(module = "arize_ax._native", frozen, eq, skip_from_py_object)]
#[derive(Clone, PartialEq)]
pub struct SpaceMembership {
    inner: CoreMembership,
}

impl From<CoreMembership> for SpaceMembership {
    fn from(inner: CoreMembership) -> Self {
        SpaceMembership { inner }
    }
}

#[pymethods]
impl SpaceMembership {
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    #[getter]
    fn user_id(&self) -> &str {
        &self.inner.user_id
    }
    #[getter]
    fn space_id(&self) -> &str {
        &self.inner.space_id
    }
    #[getter]
    fn role(&self) -> SpaceRoleAssignment {
        SpaceRoleAssignment {
            inner: self.inner.role.clone(),
        }
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("user_id", self.user_id())?;
        d.set_item("space_id", self.space_id())?;
        d.set_item("role", self.role().to_dict(py)?)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = self.to_dict(py)?;
        let mut parts = Vec::new();
        for (key, value) in d.iter() {
            let shown = if key.extract::<&str>()? == "role" {
                self.role().__repr__(py)?
            } else {
                value_repr(&value)?
            };
            parts.push(format!("{}={}", key.str()?, shown));
        }
        Ok(finish_repr("SpaceMembership", &parts))
    }
}

crate::dump::model_dump_methods!(Space, "Space");
crate::dump::model_dump_methods!(SpaceRoleAssignment, "SpaceRole");
crate::dump::model_dump_methods!(SpaceMembership, "SpaceMembership");
