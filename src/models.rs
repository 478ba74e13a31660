//! Result classes for single items: attribute access with the API's field names,
//! `to_dict()`, a readable `repr` and value equality.

use ax_core::model::{Space as CoreSpace, SpaceMembership as CoreMembership, SpaceRole};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Formats `Name(field=value, ...)` with Python reprs of the values.
pub(crate) fn repr_of(name: &str, dict: &Bound<'_, PyDict>) -> PyResult<String> {
    let mut parts = Vec::with_capacity(dict.len());
    for (key, value) in dict.iter() {
        parts.push(format!("{}={}", key.str()?, value.repr()?));
    }
    Ok(format!("{name}({})", parts.join(", ")))
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

    /// The space as a plain dict (datetimes stay `datetime` objects).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("name", self.name())?;
        d.set_item("description", self.description())?;
        d.set_item("created_at", self.created_at())?;
        d.set_item("organization_id", self.organization_id())?;
        d.set_item("is_private", self.is_private())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr_of("Space", &self.to_dict(py)?)
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
        d.set_item("role", self.role().__repr__(py)?)?;
        let mut parts = Vec::new();
        for (key, value) in d.iter() {
            let shown = if key.extract::<&str>()? == "role" {
                value.extract::<String>()?
            } else {
                value.repr()?.to_string()
            };
            parts.push(format!("{}={}", key.str()?, shown));
        }
        Ok(format!("SpaceMembership({})", parts.join(", ")))
    }
}
