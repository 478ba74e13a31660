//! Plain-text tables that fit the terminal (80 columns when stdout is not a terminal):
//! prose cells are truncated with `…`, IDs and times never; columns at the end are dropped
//! only when even truncated prose does not fit.

use std::fmt::Write as _;
use std::io::IsTerminal;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value;

use crate::error::CliError;

/// How a column's cells are rendered and whether they may be truncated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Never truncated (IDs must stay copyable).
    Id,
    /// Truncated with `…` when space is short.
    Text,
    /// An RFC 3339 timestamp shown as `YYYY-MM-DD HH:MM:SS` (UTC).
    Time,
    /// An array of objects shown as the values of this field, comma-separated.
    Names(&'static str),
}

/// One table column: the item's JSON key, its header and how to show it.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub key: &'static str,
    pub header: &'static str,
    pub kind: Kind,
}

/// A column whose header is its key.
pub const fn col(key: &'static str, kind: Kind) -> Column {
    Column {
        key,
        header: key,
        kind,
    }
}

/// A column with a shorter header.
pub const fn col_as(key: &'static str, header: &'static str, kind: Kind) -> Column {
    Column { key, header, kind }
}

const EMPTY: &str = "—";
const GAP: usize = 2;
const MIN_TEXT: usize = 8;

/// The width to fit: `$COLUMNS`, else the terminal's width, else 80.
pub fn width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n >= 20)
    {
        return n;
    }
    if std::io::stdout().is_terminal() {
        if let Some(n) = terminal_columns() {
            return n;
        }
    }
    80
}

#[cfg(unix)]
fn terminal_columns() -> Option<usize> {
    // SAFETY: TIOCGWINSZ fills a plain-old-data `winsize` for a valid descriptor.
    unsafe {
        let mut ws: libc::winsize = std::mem::zeroed();
        if libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) == 0 && ws.ws_col >= 20 {
            Some(ws.ws_col as usize)
        } else {
            None
        }
    }
}

#[cfg(not(unix))]
fn terminal_columns() -> Option<usize> {
    None
}

fn time_text(s: &str) -> Option<String> {
    chrono::DateTime::parse_from_rfc3339(s).ok().map(|t| {
        t.with_timezone(&chrono::Utc)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    })
}

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The text of one cell.
pub fn cell(v: Option<&Value>, kind: Kind) -> String {
    let v = match v {
        None | Some(Value::Null) => return EMPTY.into(),
        Some(v) => v,
    };
    match (kind, v) {
        (Kind::Time, Value::String(s)) => time_text(s).unwrap_or_else(|| one_line(s)),
        (Kind::Names(field), Value::Array(items)) => {
            if items.is_empty() {
                return EMPTY.into();
            }
            let names: Vec<String> = items
                .iter()
                .map(|it| match it.get(field) {
                    Some(Value::String(s)) => one_line(s),
                    _ => cell(Some(it), Kind::Text),
                })
                .collect();
            names.join(", ")
        }
        (_, Value::String(s)) => one_line(s),
        // Arrays of objects with a name (e.g. evaluators) show the names.
        (_, Value::Array(items)) if !items.is_empty() && items.iter().all(Value::is_object) => {
            let name_key = items[0].as_object().and_then(|m| {
                m.keys()
                    .find(|k| *k == "name" || k.ends_with("_name"))
                    .cloned()
            });
            match name_key {
                Some(k) => items
                    .iter()
                    .map(|it| cell(it.get(&k), Kind::Text))
                    .collect::<Vec<_>>()
                    .join(", "),
                None => one_line(&v.to_string()),
            }
        }
        (_, Value::Array(items)) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            if items.is_empty() {
                return EMPTY.into();
            }
            items
                .iter()
                .map(|i| cell(Some(i), Kind::Text))
                .collect::<Vec<_>>()
                .join(", ")
        }
        // Role-like objects (`{"type": "PREDEFINED", "name": "MEMBER"}`) show their name or ID.
        (_, Value::Object(m)) if m.contains_key("type") => match (m.get("name"), m.get("id")) {
            (Some(Value::String(n)), _) | (None, Some(Value::String(n))) => one_line(n),
            _ => one_line(&v.to_string()),
        },
        (_, other) => one_line(&other.to_string()),
    }
}

fn len(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut to `w` characters, ending in `…` when cut.
pub fn truncate(s: &str, w: usize) -> String {
    if len(s) <= w {
        return s.to_owned();
    }
    if w == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(w - 1).collect();
    out.push('…');
    out
}

/// Column widths that fit `width`, or `None` when even fully truncated prose does not fit.
fn fit(natural: &[usize], mins: &[usize], width: usize) -> Option<Vec<usize>> {
    let mut w = natural.to_vec();
    let total = |w: &[usize]| w.iter().sum::<usize>() + GAP * w.len().saturating_sub(1);
    while total(&w) > width {
        let widest = (0..w.len())
            .filter(|&i| w[i] > mins[i])
            .max_by_key(|&i| w[i])?;
        w[widest] -= 1;
    }
    Some(w)
}

/// Renders items as a table with the given columns.
pub fn render_list(items: &[Value], columns: &[Column], width: usize) -> String {
    let cells: Vec<Vec<String>> = items
        .iter()
        .map(|it| {
            columns
                .iter()
                .map(|c| cell(it.get(c.key), c.kind))
                .collect()
        })
        .collect();
    let mut shown = columns.len();
    let widths = loop {
        let natural: Vec<usize> = (0..shown)
            .map(|i| {
                cells
                    .iter()
                    .map(|r| len(&r[i]))
                    .chain([len(columns[i].header)])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mins: Vec<usize> = (0..shown)
            .map(|i| match columns[i].kind {
                Kind::Text | Kind::Names(_) => natural[i].min(MIN_TEXT.max(len(columns[i].header))),
                _ => natural[i],
            })
            .collect();
        match fit(&natural, &mins, width) {
            Some(w) => break w,
            None if shown > 1 => shown -= 1,
            None => break natural,
        }
    };
    let mut out = String::new();
    let mut line = |row: &mut dyn Iterator<Item = &str>| {
        let mut text = String::new();
        for (i, s) in row.enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            let s = truncate(s, widths[i]);
            let pad = if i + 1 < widths.len() {
                widths[i] - len(&s)
            } else {
                0
            };
            text.push_str(&s);
            text.extend(std::iter::repeat_n(' ', pad));
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&mut columns[..shown].iter().map(|c| c.header));
    for r in &cells {
        line(&mut r[..shown].iter().map(String::as_str));
    }
    out
}

/// Renders one object as `key  value` lines, values truncated to the width.
pub fn render_object(pairs: &[(String, Value)], width: usize) -> String {
    let kw = pairs
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, _)| len(k))
        .max()
        .unwrap_or(0)
        .min(28);
    let vw = width.saturating_sub(kw + GAP).max(16);
    let mut out = String::new();
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_null()) {
        let kind = if k.ends_with("_at") || k.ends_with("_time") {
            Kind::Time
        } else {
            Kind::Text
        };
        let text = truncate(&cell(Some(v), kind), vw);
        let _ = writeln!(out, "{:<kw$}  {text}", truncate(k, kw));
    }
    out
}

/// The top-level keys and values of a JSON object, in document order.
pub fn ordered_pairs(json: &str) -> Result<Vec<(String, Value)>, CliError> {
    struct Pairs;
    impl<'de> Visitor<'de> for Pairs {
        type Value = Vec<(String, Value)>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, Value>()? {
                out.push((k, v));
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_str(json);
    de.deserialize_map(Pairs)
        .map_err(|e| CliError::Failed(format!("cannot re-read the result: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const COLS: &[Column] = &[
        col("name", Kind::Text),
        col("id", Kind::Id),
        col("description", Kind::Text),
        col("created_at", Kind::Time),
    ];

    #[test]
    fn fits_80_columns_and_keeps_ids() {
        let items = vec![json!({
            "name": "a very long space name that goes on and on",
            "id": "U3BhY2U6MTAxOmtRMno=",
            "description": "x".repeat(200),
            "created_at": "2026-01-12T09:15:02.118Z"
        })];
        let t = render_list(&items, COLS, 80);
        for line in t.lines() {
            assert!(line.chars().count() <= 80, "{line}");
        }
        assert!(t.contains("U3BhY2U6MTAxOmtRMno="), "{t}");
        assert!(t.contains("2026-01-12 09:15:02"), "{t}");
        assert!(t.contains('…'), "{t}");
    }

    #[test]
    fn drops_trailing_columns_when_needed() {
        let items = vec![
            json!({"name": "n", "id": "x".repeat(50), "description": "d", "created_at": "2026-01-12T09:15:02Z"}),
        ];
        let t = render_list(&items, COLS, 60);
        assert!(!t.contains("created_at"), "{t}");
        assert!(t.contains(&"x".repeat(50)));
    }

    #[test]
    fn cells() {
        assert_eq!(cell(None, Kind::Text), "—");
        assert_eq!(cell(Some(&json!(["a", "b"])), Kind::Text), "a, b");
        assert_eq!(
            cell(
                Some(&json!([{"evaluator_name": "h"}, {"evaluator_name": "j"}])),
                Kind::Names("evaluator_name")
            ),
            "h, j"
        );
        assert_eq!(truncate("abcdef", 4), "abc…");
        let pairs = ordered_pairs(r#"{"z":1,"a":"2026-01-01T00:00:00Z"}"#).unwrap();
        assert_eq!(pairs[0].0, "z");
    }
}
