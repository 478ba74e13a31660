//! Python inputs → core types: JSON-like values (dicts, the package's typed input
//! classes, the official SDK's pydantic models), evaluator lists and datetimes.
//! Errors name the argument and say what is allowed.

use ax_core::model::TaskEvaluatorInput;
use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};

use crate::errors::validation;

/// Turns a dict, a typed input object (`to_dict()`), a pydantic model (`model_dump`) or a
/// dataclass into plain Python data, recursively.
fn plain<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = value.py();
    if value.is_none()
        || value.is_instance_of::<PyString>()
        || value.is_instance_of::<PyInt>()
        || value.is_instance_of::<PyFloat>()
    {
        return Ok(value.clone());
    }
    if let Ok(d) = value.cast::<PyDict>() {
        let out = PyDict::new(py);
        for (k, v) in d.iter() {
            out.set_item(k, plain(&v)?)?;
        }
        return Ok(out.into_any());
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let items = value
            .try_iter()?
            .map(|item| plain(&item?))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(PyList::new(py, items)?.into_any());
    }
    if value.hasattr("to_dict")? {
        return plain(&value.call_method0("to_dict")?);
    }
    if value.hasattr("model_dump")? {
        let kwargs = PyDict::new(py);
        kwargs.set_item("exclude_none", true)?;
        kwargs.set_item("mode", "json")?;
        return plain(&value.call_method("model_dump", (), Some(&kwargs))?);
    }
    // A dataclass instance: its class carries `__dataclass_fields__` (what
    // `dataclasses.is_dataclass` looks for). Checked without importing `dataclasses`, which
    // costs about 10 ms in a process that has not imported it yet (and where no dataclass
    // can exist): that was most of a process's first `create_evaluation_task`.
    if !value.is_instance_of::<PyType>() && value.get_type().hasattr("__dataclass_fields__")? {
        let dataclasses = py.import("dataclasses")?;
        return plain(&dataclasses.call_method1("asdict", (value,))?);
    }
    Ok(value.clone())
}

/// A JSON value from any JSON-like Python input.
pub fn json(value: &Bound<'_, PyAny>, field: &str) -> PyResult<serde_json::Value> {
    let py = value.py();
    let data = plain(value)?;
    pythonize::depythonize::<serde_json::Value>(&data).map_err(|e| {
        validation(
            py,
            field,
            format!("{field} must be JSON-like (dicts, lists, strings, numbers, booleans): {e}"),
        )
    })
}

/// An optional JSON object; None stays None.
pub fn json_opt(
    value: Option<&Bound<'_, PyAny>>,
    field: &str,
) -> PyResult<Option<serde_json::Value>> {
    value
        .filter(|v| !v.is_none())
        .map(|v| json(v, field))
        .transpose()
}

/// Evaluator inputs: a list of dicts (`{"evaluator_id": ..., "query_filter": ...,
/// "column_mappings": {...}}`) or typed `EvaluatorInput` objects. `None` values count
/// as absent, as in the official SDK.
pub fn evaluators(value: &Bound<'_, PyAny>) -> PyResult<Vec<TaskEvaluatorInput>> {
    let py = value.py();
    let v = json(value, "evaluators")?;
    let serde_json::Value::Array(items) = v else {
        return Err(validation(
            py,
            "evaluators",
            "evaluators must be a list of evaluator inputs ({'evaluator_id': ...})",
        ));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, mut item)| {
            if let serde_json::Value::Object(map) = &mut item {
                map.retain(|_, v| !v.is_null());
            }
            serde_json::from_value::<TaskEvaluatorInput>(item).map_err(|e| {
                validation(
                    py,
                    &format!("evaluators[{i}]"),
                    format!(
                        "evaluators[{i}] is not a valid evaluator input ({e}); expected \
                         {{'evaluator_id': str, 'query_filter'?: str, 'column_mappings'?: \
                         {{str: str}}, 'evaluator_version_id'?: str}}"
                    ),
                )
            })
        })
        .collect()
}

pub fn evaluators_opt(
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<Vec<TaskEvaluatorInput>>> {
    value.filter(|v| !v.is_none()).map(evaluators).transpose()
}

/// A point in time: an aware `datetime`, a naive one (taken as UTC), or an ISO 8601
/// string (no offset = UTC).
pub fn datetime(value: &Bound<'_, PyAny>, field: &str) -> PyResult<DateTime<Utc>> {
    let py = value.py();
    if let Ok(s) = value.cast::<PyString>() {
        let s = s.to_str()?.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Ok(t.with_timezone(&Utc));
        }
        for fmt in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d",
        ] {
            if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
                return Ok(t.and_utc());
            }
            if let Ok(d) = chrono::NaiveDate::parse_from_str(s, fmt) {
                return Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
            }
        }
        return Err(validation(
            py,
            field,
            format!("{field} must be an ISO 8601 time such as 2026-03-01T00:00:00Z, got {s:?}"),
        ));
    }
    if let Ok(t) = value.extract::<DateTime<FixedOffset>>() {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(t) = value.extract::<NaiveDateTime>() {
        return Ok(t.and_utc());
    }
    Err(validation(
        py,
        field,
        format!("{field} must be a datetime or an ISO 8601 string"),
    ))
}

pub fn datetime_opt(
    value: Option<&Bound<'_, PyAny>>,
    field: &str,
) -> PyResult<Option<DateTime<Utc>>> {
    value
        .filter(|v| !v.is_none())
        .map(|v| datetime(v, field))
        .transpose()
}

/// A list of IDs: a list/tuple of strings (a single string is refused, so that a
/// stray `"abc"` is not read as three IDs).
pub fn id_list(value: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<Vec<String>>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let py = value.py();
    if value.is_instance_of::<PyString>() {
        return Err(validation(
            py,
            field,
            format!("{field} must be a list of IDs, not a string"),
        ));
    }
    value
        .extract::<Vec<String>>()
        .map(Some)
        .map_err(|_| validation(py, field, format!("{field} must be a list of ID strings")))
}
