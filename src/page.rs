//! The list result class: one or more pages of one resource, held as Arrow record
//! batches decoded in Rust, exported to Python through the Arrow PyCapsule interface
//! without copying. Python objects for the items are built only when asked for.

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StructArray};
use arrow_schema::{Field, SchemaRef};
use ax_core::paginate::Resource;
use pyo3::exceptions::{PyAttributeError, PyImportError, PyIndexError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCapsule, PyDict, PyList, PyTuple, PyType};
use pyo3_arrow::ffi::{to_schema_pycapsule, to_stream_pycapsule, ArrayIterator};

use crate::errors::ToPyErr;
use crate::models::{truncate, REPR_VALUE_MAX};

/// A core resource that the bindings know how to turn into Python objects.
pub trait BindResource: Resource {
    /// Attribute name of the items in the official SDK's list responses (`spaces`, ...).
    const COLLECTION_ATTR: &'static str;
    fn item_to_py(py: Python<'_>, item: Self::Item) -> PyResult<Py<PyAny>>;
}

/// Type-erased pages of one resource.
trait PageData: Send + Sync {
    fn schema(&self) -> SchemaRef;
    fn batches(&self) -> Vec<RecordBatch>;
    fn num_rows(&self) -> usize;
    fn num_pages(&self) -> usize;
    fn items(&self, py: Python<'_>) -> PyResult<Vec<Py<PyAny>>>;
    fn collection(&self) -> &'static str;
}

struct Typed<R: Resource> {
    listing: ax_core::Listing<R>,
}

impl<R: BindResource> PageData for Typed<R> {
    fn schema(&self) -> SchemaRef {
        R::schema()
    }
    fn batches(&self) -> Vec<RecordBatch> {
        self.listing.batches()
    }
    fn num_rows(&self) -> usize {
        self.listing.num_rows()
    }
    fn num_pages(&self) -> usize {
        self.listing.num_pages()
    }
    fn items(&self, py: Python<'_>) -> PyResult<Vec<Py<PyAny>>> {
        let items = self.listing.items().map_err(|e| e.to_pyerr(py))?;
        items
            .into_iter()
            .map(|item| R::item_to_py(py, item))
            .collect()
    }
    fn collection(&self) -> &'static str {
        R::COLLECTION_ATTR
    }
}

/// Rows shown by a page's notebook display.
const PREVIEW_ROWS: usize = 10;

/// A cursor as shown in a `repr`: quoted, cut to a bounded length.
fn cursor_repr(cursor: &str) -> String {
    format!("{:?}", truncate(cursor, REPR_VALUE_MAX))
}

/// Cursor state of a list result, shaped like the official SDK's `pagination`.
#[pyclass(module = "arize_ax._native", frozen, get_all)]
pub struct Pagination {
    has_more: bool,
    next_cursor: Option<String>,
}

#[pymethods]
impl Pagination {
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("next_cursor", self.next_cursor.as_deref())?;
        d.set_item("has_more", self.has_more)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "Pagination(has_more={}, next_cursor={})",
            if self.has_more { "True" } else { "False" },
            self.next_cursor
                .as_deref()
                .map_or("None".to_string(), cursor_repr)
        )
    }
}

/// One page (from `list`) or every page (from `list_all`) of a listing.
///
/// Supports `len()`, iteration and indexing over typed items, the Arrow PyCapsule
/// interface (`pyarrow.table(page)`, `polars.DataFrame(page)`), `to_arrow()`,
/// `to_pandas()` and `to_polars()`.
#[pyclass(module = "arize_ax._native", frozen, sequence)]
pub struct Page {
    data: Box<dyn PageData>,
    has_more: bool,
    next_cursor: Option<String>,
    items: PyOnceLock<Py<PyList>>,
}

impl Page {
    /// A single page as the server returned it.
    pub fn single<R: BindResource>(py: Python<'_>, page: ax_core::Page<R>) -> PyResult<Page> {
        let has_more = page.has_more;
        let next_cursor = page.next_cursor.clone();
        let listing = ax_core::Listing::single(page).map_err(|e| e.to_pyerr(py))?;
        Ok(Page {
            data: Box::new(Typed { listing }),
            has_more,
            next_cursor,
            items: PyOnceLock::new(),
        })
    }

    /// Every page of a listing (no more pages to fetch). The listing merged the pages'
    /// batches into a few large ones as they arrived (see [`ax_core::Listing`]).
    pub fn all<R: BindResource>(listing: ax_core::Listing<R>) -> Page {
        Page {
            data: Box::new(Typed { listing }),
            has_more: false,
            next_cursor: None,
            items: PyOnceLock::new(),
        }
    }

    fn items_list<'py>(&self, py: Python<'py>) -> PyResult<&Bound<'py, PyList>> {
        self.items
            .get_or_try_init(py, || {
                let items = self.data.items(py)?;
                PyList::new(py, items).map(Bound::unbind)
            })
            .map(|l| l.bind(py))
    }
}

fn import_optional<'py>(
    py: Python<'py>,
    module: &str,
    extra: &str,
) -> PyResult<Bound<'py, PyModule>> {
    py.import(module).map_err(|_| {
        PyImportError::new_err(format!(
            "{module} is not installed; install it with `pip install \"arize-ax[{extra}]\"` \
             (or `pip install {module}`)"
        ))
    })
}

#[pymethods]
impl Page {
    /// Typed items of this result (built on first access).
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.items_list(py).cloned()
    }

    /// True when the server has another page after this one.
    #[getter]
    fn has_more(&self) -> bool {
        self.has_more
    }

    /// Cursor for the next page, or None.
    #[getter]
    fn next_cursor(&self) -> Option<&str> {
        self.next_cursor.as_deref()
    }

    /// The pagination block, as in the official SDK's list responses.
    #[getter]
    fn pagination(&self) -> Pagination {
        Pagination {
            has_more: self.has_more,
            next_cursor: self.next_cursor.clone(),
        }
    }

    /// Number of Arrow record batches exported: 1 for a page; `list_all` merges its pages
    /// into batches of about 4,096 rows.
    #[getter]
    fn num_batches(&self) -> usize {
        self.data.batches().len()
    }

    /// Number of pages fetched from the server to build this result.
    #[getter]
    fn num_pages(&self) -> usize {
        self.data.num_pages()
    }

    fn __len__(&self) -> usize {
        self.data.num_rows()
    }

    fn __getitem__<'py>(&self, py: Python<'py>, index: isize) -> PyResult<Bound<'py, PyAny>> {
        let list = self.items_list(py)?;
        let len = list.len() as isize;
        let i = if index < 0 { index + len } else { index };
        if i < 0 || i >= len {
            return Err(PyIndexError::new_err("page index out of range"));
        }
        list.get_item(i as usize)
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.items_list(py)?.as_any().try_iter()?.into_any())
    }

    /// Drop-in access to the items under the official SDK's attribute name
    /// (`page.spaces`, `page.tasks`, `page.task_runs`).
    fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyList>> {
        if name == self.data.collection() {
            return self.items(py);
        }
        Err(PyAttributeError::new_err(format!(
            "'Page' object has no attribute '{name}'"
        )))
    }

    fn __repr__(&self) -> String {
        format!(
            "Page({}: {} items, has_more={}, next_cursor={})",
            self.data.collection(),
            self.data.num_rows(),
            if self.has_more { "True" } else { "False" },
            self.next_cursor
                .as_deref()
                .map_or("None".to_string(), cursor_repr)
        )
    }

    /// HTML for notebooks: the first rows (from the Arrow data, not from items), the row
    /// count, `has_more` and the columns with their Arrow types.
    fn _repr_html_<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let page = slf.get();
        // A zero-copy slice of the exported table: only these rows are ever read.
        let preview = Self::to_arrow(slf)?.call_method1("slice", (0, PREVIEW_ROWS))?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("collection", page.data.collection())?;
        kwargs.set_item("num_rows", page.data.num_rows())?;
        kwargs.set_item("num_pages", page.data.num_pages())?;
        kwargs.set_item("has_more", page.has_more)?;
        kwargs.set_item("next_cursor", page.next_cursor.as_deref())?;
        py.import("arize_ax._display")?
            .call_method("page_html", (preview,), Some(&kwargs))
    }

    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        Ok(to_schema_pycapsule(py, self.data.schema().as_ref())?)
    }

    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = self.data.schema();
        let field: Arc<Field> = Field::new_struct("", schema.fields().clone(), false)
            .with_metadata(schema.metadata().clone())
            .into();
        let arrays = self
            .data
            .batches()
            .into_iter()
            .map(|batch| Ok(Arc::new(StructArray::from(batch)) as ArrayRef));
        let reader = Box::new(ArrayIterator::new(arrays, field));
        Ok(to_stream_pycapsule(py, reader, requested_schema)?)
    }

    /// The result as a `pyarrow.Table` (zero-copy).
    fn to_arrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        // Through the stream reader rather than `pyarrow.table(...)`, which imports pandas
        // (a few hundred milliseconds on a first call) even when nobody asked for it.
        let reader = slf
            .py()
            .import("pyarrow")?
            .getattr("RecordBatchReader")?
            .call_method1("from_stream", (slf,))?;
        reader.call_method0("read_all")
    }

    /// The result as a `pandas.DataFrame` (needs the `pandas` extra).
    ///
    /// Flat columns get pyarrow's usual pandas dtypes; nested columns (`evaluators`,
    /// `experiment_ids`) are `pandas.ArrowDtype` columns whose cells read as Python lists and
    /// dicts, so no per-cell Python objects are built up front. `nested_objects=True` (or
    /// `maps_as_pydicts=...`) gives NumPy object columns instead; `arrow_dtypes=True` makes
    /// every column `pandas.ArrowDtype`. Other keyword arguments go to
    /// `pyarrow.Table.to_pandas`; a `types_mapper` is consulted first.
    #[pyo3(signature = (*, arrow_dtypes = false, nested_objects = false, **kwargs))]
    fn to_pandas<'py>(
        slf: &Bound<'py, Self>,
        arrow_dtypes: bool,
        nested_objects: bool,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        import_optional(py, "pandas", "pandas")?;
        let options = match kwargs {
            Some(k) => k.copy()?,
            None => PyDict::new(py),
        };
        let call = PyDict::new(py);
        call.set_item("arrow_dtypes", arrow_dtypes)?;
        call.set_item("nested_objects", nested_objects)?;
        call.set_item("options", options)?;
        py.import("arize_ax._frames")?.call_method(
            "to_pandas",
            (Self::to_arrow(slf)?,),
            Some(&call),
        )
    }

    /// The result as the official SDK's list responses' `to_df()` builds it (same keywords,
    /// columns and values; see `arize_ax._compat.to_df`), from the Arrow data.
    #[pyo3(signature = (*args, **kwargs))]
    fn to_df<'py>(
        slf: &Bound<'py, Self>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        import_optional(py, "pandas", "pandas")?;
        let mut call = vec![
            slf.clone().into_any(),
            slf.get().data.collection().into_pyobject(py)?.into_any(),
        ];
        call.extend(args.iter());
        py.import("arize_ax._compat")?
            .call_method("to_df", PyTuple::new(py, call)?, kwargs)
    }

    /// The result as a `polars.DataFrame` (needs the `polars` extra).
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let pl = import_optional(slf.py(), "polars", "polars")?;
        pl.call_method1("from_arrow", (Self::to_arrow(slf)?,))
    }

    #[classmethod]
    fn __class_getitem__(cls: &Bound<'_, PyType>, _item: &Bound<'_, PyAny>) -> Py<PyType> {
        cls.clone().unbind()
    }
}

crate::dump::model_dump_methods!(Pagination, "Pagination");
