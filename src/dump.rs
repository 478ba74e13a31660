//! `model_dump()` / `model_dump_json()` of every result class, as in the official SDK's
//! pydantic models. One generic helper, `arize_ax._compat.model_dump`, does the work: each
//! class hands it its `to_dict()` and the name of the official model it mirrors, and the
//! helper lays the data out with that model's keys (missing ones as `None`, nested objects by
//! their own model), then applies `mode`, `include`, `exclude`, `exclude_none` and `by_alias`.
//!
//! The same macro gives every result class its notebook display, `_repr_html_()`: a
//! key/value card of `to_dict()` laid out by `arize_ax._display.record_html` (escaped,
//! long values cut).

use pyo3::prelude::*;
use pyo3::types::PyDict;

fn compat(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("arize_ax._compat")
}

/// `model_dump(**kwargs)` of a class mirroring the official model `model`.
pub fn model_dump<'py>(
    model: &str,
    data: Bound<'py, PyDict>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    compat(data.py())?.call_method("model_dump", (model, data), kwargs)
}

/// `model_dump_json(**kwargs)` of a class mirroring the official model `model`.
pub fn model_dump_json<'py>(
    model: &str,
    data: Bound<'py, PyDict>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    compat(data.py())?.call_method("model_dump_json", (model, data), kwargs)
}

/// The notebook HTML of a result object: a card titled `class` showing `data`.
pub fn repr_html<'py>(
    class: Bound<'py, pyo3::types::PyString>,
    data: Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyAny>> {
    data.py()
        .import("arize_ax._display")?
        .call_method1("record_html", (class, data))
}

/// `model_dump(**kwargs)`, `model_dump_json(**kwargs)` and `_repr_html_()` for a result
/// class `$ty` (which has a `to_dict`) mirroring the official model `$model`, as a second
/// `#[pymethods]` block.
macro_rules! model_dump_methods {
    ($ty:ty, $model:literal) => {
        #[pyo3::pymethods]
        impl $ty {
            #[doc = concat!("As the official SDK's `", $model, ".model_dump()`.")]
            #[pyo3(signature = (**kwargs))]
            fn model_dump<'py>(
                &self,
                py: pyo3::Python<'py>,
                kwargs: Option<&pyo3::Bound<'py, pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                $crate::dump::model_dump($model, self.to_dict(py)?, kwargs)
            }

            #[doc = concat!("As the official SDK's `", $model, ".model_dump_json()`.")]
            #[pyo3(signature = (**kwargs))]
            fn model_dump_json<'py>(
                &self,
                py: pyo3::Python<'py>,
                kwargs: Option<&pyo3::Bound<'py, pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                $crate::dump::model_dump_json($model, self.to_dict(py)?, kwargs)
            }

            /// HTML for notebooks: a card with the class name and every field (escaped,
            /// long and nested values cut short).
            fn _repr_html_<'py>(
                slf: &pyo3::Bound<'py, Self>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                use pyo3::types::PyTypeMethods;
                let data = slf.borrow().to_dict(slf.py())?;
                $crate::dump::repr_html(slf.get_type().name()?, data)
            }
        }
    };
}
pub(crate) use model_dump_methods;
