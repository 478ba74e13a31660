//! Result classes of the supporting resources (organizations, users, projects, datasets,
//! experiments, evaluators, AI integrations). One template, [`record_class!`], makes each
//! class from the resource's declared columns: attributes with the API's field names
//! (timestamps as `datetime`, nested objects as dicts, a dataset's `versions` and an
//! evaluator's `version` as objects of their own class), `to_dict()`, a short `repr` and
//! value equality, and the official SDK's `model_dump()`. Fields the server sends beyond the
//! declared ones are kept and readable.

use ax_core::api::lookups::Record;
use ax_core::table::declared::{Column, ColumnKind};
use chrono::{DateTime, Utc};
use pyo3::exceptions::PyAttributeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::Value;

/// A nested member holding objects of another record class.
pub struct Nested {
    pub field: &'static str,
    pub make: fn(Python<'_>, Record) -> PyResult<Py<PyAny>>,
}

/// The data of one record object and how to show it.
#[derive(Clone, PartialEq)]
pub struct RecordData {
    pub fields: Record,
    pub columns: &'static [Column],
}

fn timestamp(s: &str) -> Option<DateTime<Utc>> {
    let micros = ax_core::table::parse_timestamp_micros(s).ok()?;
    DateTime::from_timestamp_micros(micros)
}

impl RecordData {
    fn kind(&self, name: &str) -> Option<ColumnKind> {
        self.columns.iter().find(|c| c.name == name).map(|c| c.kind)
    }

    /// The Python value of member `name` (`None` when absent or null).
    pub fn value<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        nested: &[Nested],
    ) -> PyResult<Bound<'py, PyAny>> {
        let Some(v) = self.fields.get(name) else {
            return Ok(py.None().into_bound(py));
        };
        if let Some(n) = nested.iter().find(|n| n.field == name) {
            return match v {
                Value::Object(o) => Ok((n.make)(py, o.clone())?.into_bound(py)),
                Value::Array(items) => {
                    let objs = items
                        .iter()
                        .map(|item| match item {
                            Value::Object(o) => (n.make)(py, o.clone()),
                            other => Ok(pythonize::pythonize(py, other)?.unbind()),
                        })
                        .collect::<PyResult<Vec<_>>>()?;
                    Ok(PyList::new(py, objs)?.into_any())
                }
                other => Ok(pythonize::pythonize(py, other)?),
            };
        }
        match (self.kind(name), v) {
            (Some(ColumnKind::Timestamp), Value::String(s)) => match timestamp(s) {
                Some(t) => Ok(t.into_pyobject(py)?.into_any()),
                None => Ok(pythonize::pythonize(py, v)?),
            },
            _ => Ok(pythonize::pythonize(py, v)?),
        }
    }

    /// Every declared column (null when absent) and then every other member sent.
    pub fn names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.columns.iter().map(|c| c.name).collect();
        for k in self.fields.keys() {
            if !out.contains(&k.as_str()) {
                out.push(k);
            }
        }
        out
    }

    pub fn to_dict<'py>(&self, py: Python<'py>, nested: &[Nested]) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for name in self.names() {
            let v = self.value(py, name, nested)?;
            // Nested objects become dicts too, so the result is plain data.
            let v = if v.hasattr("to_dict")? {
                v.call_method0("to_dict")?
            } else if let Ok(list) = v.cast::<PyList>() {
                let items = list
                    .iter()
                    .map(|i| {
                        if i.hasattr("to_dict")? {
                            i.call_method0("to_dict")
                        } else {
                            Ok(i)
                        }
                    })
                    .collect::<PyResult<Vec<_>>>()?;
                PyList::new(py, items)?.into_any()
            } else {
                v
            };
            d.set_item(name, v)?;
        }
        Ok(d)
    }

    pub fn getattr<'py>(
        &self,
        py: Python<'py>,
        class: &str,
        name: &str,
        nested: &[Nested],
    ) -> PyResult<Bound<'py, PyAny>> {
        if self.fields.contains_key(name)
            || self.kind(name).is_some()
            || nested.iter().any(|n| n.field == name)
        {
            return self.value(py, name, nested);
        }
        Err(PyAttributeError::new_err(format!(
            "'{class}' object has no attribute '{name}'"
        )))
    }

    /// `Class(id='…', name='…', …)` with the first few scalar fields, bounded in length.
    pub fn repr(&self, class: &str) -> String {
        let mut parts = Vec::new();
        for c in self.columns.iter().take(4) {
            if let Some(Value::String(s)) = self.fields.get(c.name) {
                parts.push(format!("{}={}", c.name, crate::models::str_literal(s)));
            }
        }
        crate::models::finish_repr(class, &parts)
    }
}

/// Declares one record class: `record_class!(Project, "Project", COLUMNS, [nested...])`.
macro_rules! record_class {
    ($class:ident, $pyname:literal, $columns:expr, [$($field:literal => $nested:ident),*]) => {
        #[doc = concat!("A ", $pyname, " as the API returns it: attributes with the API's field names.")]
        #[pyclass(module = "arize_ax._native", name = $pyname, frozen, eq, skip_from_py_object)]
        #[derive(Clone, PartialEq)]
        pub struct $class {
            data: $crate::records::RecordData,
        }

        impl $class {
            const NESTED: &'static [$crate::records::Nested] = &[$($crate::records::Nested {
                field: $field,
                make: $nested::make,
            }),*];

            pub fn make(py: Python<'_>, fields: ax_core::api::lookups::Record) -> PyResult<Py<PyAny>> {
                let data = $crate::records::RecordData { fields, columns: $columns };
                Ok(Py::new(py, $class { data })?.into_any())
            }
        }

        #[pymethods]
        impl $class {
            fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
                self.data.getattr(py, $pyname, name, Self::NESTED)
            }

            /// The fields as a plain dict (datetimes stay `datetime` objects).
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
                self.data.to_dict(py, Self::NESTED)
            }

            fn __dir__(&self) -> Vec<String> {
                let mut names: Vec<String> = self.data.names().into_iter().map(str::to_owned).collect();
                names.extend(["to_dict", "model_dump", "model_dump_json"].map(str::to_owned));
                names
            }

            fn __repr__(&self) -> String {
                self.data.repr($pyname)
            }
        }

        $crate::dump::model_dump_methods!($class, $pyname);
    };
}

pub(crate) use record_class;
