//! Output: format selection (`-o`), JSON/CSV/Parquet/table rendering, atomic file writes.
//!
//! - json: the official CLI's shape (see [`crate::shape`]): nulls dropped, `additional_properties`
//!   on the SDK's open models; key order as sent. Lists keep the API's list shape; `--all`
//!   merges every page into one list with `"pagination": {"has_more": false}`.
//! - csv / parquet: the Arrow batches of ax-core (the same schema as the Python API);
//!   nested columns (lists, maps, structs) become JSON text in CSV.
//! - table: see [`crate::table`].

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use ax_core::paginate::{Page, Pagination, Resource};
use serde::Serialize;
use serde_json::Value;

use crate::error::CliError;
use crate::export::{self, generic_batch, has_nested};
use crate::shape::{self, Shape};
use crate::table::{self, Column};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
    Parquet,
}

/// Where and how to write the result of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub format: Format,
    pub file: Option<PathBuf>,
}

impl Target {
    /// Parses `-o` (falling back to the profile's format, then table). A value that is not
    /// a format name is a file path whose extension picks the format.
    pub fn parse(option: Option<&str>, default: Option<&str>) -> Result<Target, CliError> {
        let (value, from_profile) = match option.map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) => (v, false),
            None => match default.map(str::trim).filter(|v| !v.is_empty()) {
                Some(v) => (v, true),
                None => return Ok(Target::stdout(Format::Table)),
            },
        };
        if let Some(f) = format_name(value) {
            return Ok(Target::stdout(f));
        }
        if from_profile {
            return Err(CliError::Config(format!(
                "the profile's output format '{value}' is not one of table, json, csv, parquet"
            )));
        }
        let path = PathBuf::from(value);
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let format = match ext.as_deref() {
            Some("json") => Format::Json,
            Some("csv") => Format::Csv,
            Some("parquet" | "pq") => Format::Parquet,
            _ => {
                return Err(CliError::File(format!(
                    "invalid value for --output: '{value}' is neither a format (table, json, csv, parquet) nor a file path ending in .json, .csv, .parquet or .pq"
                )))
            }
        };
        Ok(Target {
            format,
            file: Some(path),
        })
    }

    fn stdout(format: Format) -> Target {
        Target { format, file: None }
    }

    /// Fails (file error, as the official CLI) for binary output to a terminal.
    pub fn check(&self) -> Result<(), CliError> {
        if self.format == Format::Parquet && self.file.is_none() && io::stdout().is_terminal() {
            return Err(CliError::File(
                "parquet is binary: give a file path (-o out.parquet) or redirect stdout".into(),
            ));
        }
        Ok(())
    }
}

/// `table`, `json`, `csv` or `parquet` in any case.
pub fn format_name(value: &str) -> Option<Format> {
    match value.to_ascii_lowercase().as_str() {
        "table" => Some(Format::Table),
        "json" => Some(Format::Json),
        "csv" => Some(Format::Csv),
        "parquet" => Some(Format::Parquet),
        _ => None,
    }
}

/// ax-core's decoder of a list body into one Arrow batch.
pub type DecodePage = fn(&[u8]) -> Result<(RecordBatch, Pagination), String>;

/// How a resource is shown.
pub struct View {
    /// Envelope key of its lists, e.g. `spaces`.
    pub collection: &'static str,
    /// Table columns of its lists.
    pub columns: &'static [Column],
    /// Arrow decoder of a list body, for CSV/Parquet of single objects.
    pub decode: Option<DecodePage>,
}

impl View {
    /// How the official CLI prints one item in JSON (by collection).
    fn shape(&self) -> &'static Shape {
        shape::of_collection(self.collection)
    }
}

/// Writes one page (or every page with `all`) of a list. Prints the next cursor on stderr
/// when more pages exist.
pub fn list<R: Resource>(
    target: &Target,
    view: &View,
    pages: &[Page<R>],
    all: bool,
) -> Result<(), CliError> {
    match target.format {
        Format::Json => {
            let text = if !all && pages.len() == 1 && !pages[0].raw.is_empty() {
                pretty(shape::list(&pages[0].raw, view.collection, view.shape())?.as_bytes())
            } else {
                merged_json(view, pages)?
            };
            emit(target, text.as_bytes())?;
        }
        Format::Table => {
            let mut items = Vec::new();
            for p in pages {
                items.extend(page_values(&p.raw, view.collection)?);
            }
            let text = if items.is_empty() {
                "No items to display\n".to_owned()
            } else {
                table::render_list(&items, view.columns, table::width())
            };
            emit(target, text.as_bytes())?;
        }
        Format::Csv | Format::Parquet => {
            let batches: Vec<RecordBatch> = pages.iter().map(|p| p.batch.clone()).collect();
            let mut values = Vec::new();
            if target.format == Format::Csv && has_nested(&R::schema()) {
                for p in pages {
                    values.extend(page_values(&p.raw, view.collection)?);
                }
            }
            tabular(target, R::schema(), &batches, &values)?;
        }
    }
    if let Some(last) = pages.last() {
        if !all && last.has_more {
            match &last.next_cursor {
                Some(c) => eprintln!("More items available; next page: --cursor {c}"),
                None => eprintln!("More items available (the server gave no cursor)."),
            }
        }
    }
    Ok(())
}

/// Writes one object (get/create/update results).
pub fn object<T: Serialize>(target: &Target, view: &View, obj: &T) -> Result<(), CliError> {
    let json = serde_json::to_string(obj)
        .map_err(|e| CliError::Failed(format!("cannot serialize the result: {e}")))?;
    match target.format {
        Format::Json => {
            let shaped = shape::object(&json, view.shape())?;
            emit(target, pretty(shaped.as_bytes()).as_bytes())
        }
        Format::Table => {
            let pairs = table::ordered_pairs(&json)?;
            emit(
                target,
                table::render_object(&pairs, table::width()).as_bytes(),
            )
        }
        Format::Csv | Format::Parquet => {
            let value: Value = serde_json::from_str(&json)
                .map_err(|e| CliError::Failed(format!("cannot re-read the result: {e}")))?;
            let (schema, batch) = match view.decode {
                Some(decode) => {
                    let body = format!(
                        "{{\"{}\":[{json}],\"pagination\":{{\"has_more\":false}}}}",
                        view.collection
                    );
                    let (batch, _) = decode(body.as_bytes())
                        .map_err(|e| CliError::Failed(format!("cannot tabulate: {e}")))?;
                    (batch.schema(), batch)
                }
                None => generic_batch(std::slice::from_ref(&value))?,
            };
            tabular(target, schema, &[batch], &[value])
        }
    }
}

/// Writes CSV or Parquet. `values` are the rows as JSON (needed for nested CSV columns).
fn tabular(
    target: &Target,
    schema: SchemaRef,
    batches: &[RecordBatch],
    values: &[Value],
) -> Result<(), CliError> {
    let bytes = export::encode(target.format == Format::Csv, schema, batches, values)?;
    emit(target, &bytes)
}

/// Writes a local list (not from the API), e.g. profiles: json `{"<collection>": [...]}`.
pub fn values(target: &Target, view: &View, items: Vec<Value>) -> Result<(), CliError> {
    match target.format {
        Format::Json => {
            let mut doc = serde_json::Map::new();
            doc.insert(view.collection.to_owned(), Value::Array(items));
            let text = serde_json::to_string(&doc)
                .map_err(|e| CliError::Failed(format!("cannot serialize: {e}")))?;
            emit(target, pretty(text.as_bytes()).as_bytes())
        }
        Format::Table => {
            let text = if items.is_empty() {
                "No items to display\n".to_owned()
            } else {
                table::render_list(&items, view.columns, table::width())
            };
            emit(target, text.as_bytes())
        }
        Format::Csv | Format::Parquet => {
            let (schema, batch) = generic_batch(&items)?;
            tabular(target, schema, &[batch], &items)
        }
    }
}

/// Items of a list body as JSON values.
fn page_values(raw: &[u8], collection: &str) -> Result<Vec<Value>, CliError> {
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    let mut v: Value = serde_json::from_slice(raw)
        .map_err(|e| CliError::Failed(format!("cannot re-read the response: {e}")))?;
    match v.get_mut(collection).map(Value::take) {
        Some(Value::Array(items)) => Ok(items),
        _ => Ok(Vec::new()),
    }
}

/// `{"<collection>": [every item], "pagination": {"has_more": false}}`, pretty-printed.
fn merged_json<R: Resource>(view: &View, pages: &[Page<R>]) -> Result<String, CliError> {
    let mut out = String::with_capacity(pages.iter().map(|p| p.raw.len()).sum::<usize>() + 64);
    out.push_str("{\"");
    out.push_str(view.collection);
    out.push_str("\":[");
    let mut first = true;
    for p in pages.iter().filter(|p| !p.raw.is_empty()) {
        for item in shape::items(&p.raw, view.collection, view.shape())? {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&item);
        }
    }
    out.push_str("],\"pagination\":{\"has_more\":false}}");
    Ok(pretty(out.as_bytes()))
}

/// Re-indents valid JSON with two spaces, keeping key order and number spelling.
pub fn pretty(json: &[u8]) -> String {
    let mut out = Vec::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let mut i = 0;
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.resize(out.len() + depth * 2, b' ');
    };
    while i < json.len() {
        let c = json[i];
        match c {
            b'"' => {
                let start = i;
                i += 1;
                while i < json.len() && json[i] != b'"' {
                    if json[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                out.extend_from_slice(&json[start..(i + 1).min(json.len())]);
            }
            b'{' | b'[' => {
                let close = if c == b'{' { b'}' } else { b']' };
                let mut j = i + 1;
                while j < json.len() && json[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < json.len() && json[j] == close {
                    out.push(c);
                    out.push(close);
                    i = j;
                } else {
                    out.push(c);
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            b',' => {
                out.push(b',');
                newline(&mut out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
        i += 1;
    }
    out.push(b'\n');
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Writes `bytes` to stdout (a closed pipe is not an error) or atomically to the target
/// file (then `Saved to PATH` on stderr).
fn emit(target: &Target, bytes: &[u8]) -> Result<(), CliError> {
    match &target.file {
        None => {
            let mut out = io::stdout().lock();
            match out.write_all(bytes).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(CliError::Failed(format!("cannot write to stdout: {e}"))),
            }
        }
        Some(path) => {
            write_atomic(path, false, |w| w.write_all(bytes))
                .map_err(|e| CliError::File(format!("cannot write {}: {e}", path.display())))?;
            eprintln!("Saved to {}", path.display());
            Ok(())
        }
    }
}

pub use ax_core::files::write_atomic;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets() {
        assert_eq!(Target::parse(None, None).unwrap().format, Format::Table);
        assert_eq!(
            Target::parse(None, Some("json")).unwrap().format,
            Format::Json
        );
        assert_eq!(
            Target::parse(Some("CSV"), None).unwrap().format,
            Format::Csv
        );
        let t = Target::parse(Some("out/x.pq"), None).unwrap();
        assert_eq!(t.format, Format::Parquet);
        assert_eq!(t.file.as_deref(), Some(std::path::Path::new("out/x.pq")));
        assert!(Target::parse(Some("x.txt"), None).is_err());
        assert!(Target::parse(None, Some("yaml")).is_err());
    }

    #[test]
    fn pretty_keeps_order_and_strings() {
        let s = pretty(br#"{"b":1,"a":[],"c":{},"d":["x,\"y\"",{"e":null}]}"#);
        assert_eq!(
            s,
            "{\n  \"b\": 1,\n  \"a\": [],\n  \"c\": {},\n  \"d\": [\n    \"x,\\\"y\\\"\",\n    {\n      \"e\": null\n    }\n  ]\n}\n"
        );
    }
}
