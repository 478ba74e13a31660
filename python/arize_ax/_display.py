"""Notebook display (``_repr_html_``) of the result classes and of ``Page``.

The Rust bindings call :func:`record_html` with a result object's class name and its
``to_dict()``, and :func:`page_html` with a zero-copy slice of a page's Arrow table holding
only the preview rows. Everything shown is HTML-escaped and every value is cut to a bounded
length, so the output stays small and safe whatever the data holds.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["STATUS_COLOURS", "page_html", "record_html"]

#: Most characters of one value in a card.
CARD_VALUE_MAX = 200
#: Most characters of one cell in a page preview.
CELL_MAX = 60
#: Most characters of a column's Arrow type in a page preview.
TYPE_MAX = 60
#: Most characters of a failure reason in a run's card.
REASON_MAX = 500

#: Colour of each run status (text on a light background).
STATUS_COLOURS = {
    "COMPLETED": "#1a7f37",
    "FAILED": "#cf222e",
    "CANCELLED": "#6e7781",
    "RUNNING": "#0969da",
    "PENDING": "#9a6700",
}

_FONT = "font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;"
_BOX = (
    "display: inline-block; border: 1px solid #d0d7de; border-radius: 6px; "
    "padding: 6px 10px; margin: 2px 0; font-size: 13px; max-width: 100%;"
)
_KEY = "text-align: left; padding: 1px 12px 1px 0; color: #57606a; vertical-align: top;"
_VAL = f"text-align: left; padding: 1px 0; {_FONT} word-break: break-all;"
_NONE = "color: #8c959f;"


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending in "…" when it was longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json_default(value: Any) -> str:
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()  # type: ignore[no-any-return]
    return str(value)


def _plain(value: Any) -> str:
    """A value as short plain text: nested data as compact JSON, datetimes in ISO 8601."""
    if isinstance(value, str):
        return value
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, (Mapping, list, tuple)):
        try:
            return json.dumps(value, default=_json_default, ensure_ascii=False)
        except (TypeError, ValueError):
            return repr(value)
    return str(value)


def _value_html(value: Any, limit: int) -> str:
    if value is None:
        return f'<span style="{_NONE}">None</span>'
    return html.escape(_cut(_plain(value), limit))


def _status_badge(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#57606a")
    return (
        f'<span style="color: {colour}; border: 1px solid {colour}; border-radius: 10px; '
        f'padding: 0 8px; font-weight: 600;">{html.escape(_cut(status, 40))}</span>'
    )


def _rows(data: Mapping[str, Any], skip: tuple[str, ...] = ()) -> str:
    rows = []
    for key, value in data.items():
        if key in skip:
            continue
        rows.append(
            f'<tr><th style="{_KEY}">{html.escape(_cut(str(key), 60))}</th>'
            f'<td style="{_VAL}">{_value_html(value, CARD_VALUE_MAX)}</td></tr>'
        )
    return f'<table style="border-collapse: collapse;">{"".join(rows)}</table>'


def _title(name: str, extra: str = "") -> str:
    return (
        f'<div style="font-weight: 600; margin-bottom: 4px;">{html.escape(_cut(name, 80))}'
        f"{extra}</div>"
    )


def _run_html(name: str, data: Mapping[str, Any]) -> str:
    status = str(data.get("status") or "")
    counts = " · ".join(
        f"<b>{html.escape(str(data.get(key, 0)))}</b> {label}"
        for key, label in (
            ("num_successes", "successes"),
            ("num_errors", "errors"),
            ("num_skipped", "skipped"),
        )
    )
    parts = [
        _title(name, " " + _status_badge(status)),
        f'<div style="font-size: 14px; margin: 2px 0 4px 0;">{counts}</div>',
    ]
    reason = data.get("failure_reason")
    if reason:
        parts.append(
            f'<div style="color: {STATUS_COLOURS["FAILED"]}; margin-bottom: 4px; '
            f'white-space: pre-wrap;"><b>Failure reason:</b> '
            f"{html.escape(_cut(str(reason), REASON_MAX))}</div>"
        )
    parts.append(
        _rows(
            data,
            skip=("status", "num_successes", "num_errors", "num_skipped", "failure_reason"),
        )
    )
    return f'<div class="arize-ax-run" style="{_BOX}">{"".join(parts)}</div>'


def record_html(name: str, data: Mapping[str, Any]) -> str:
    """A key/value card titled ``name`` for one result object's ``to_dict()``.

    A ``TaskRun`` shows its status as a coloured badge, its counts and its failure reason
    above the other fields.
    """
    if name == "TaskRun":
        return _run_html(name, data)
    return f'<div class="arize-ax-record" style="{_BOX}">{_title(name)}{_rows(data)}</div>'


def page_html(
    preview: Any,
    *,
    collection: str,
    num_rows: int,
    num_pages: int,
    has_more: bool,
    next_cursor: str | None,
) -> str:
    """A preview table of a page: ``preview`` is a ``pyarrow.Table`` of its first rows (at
    most a handful); the other arguments describe the whole page."""
    fields = list(preview.schema)
    shown = preview.num_rows
    head = "".join(
        f'<th style="text-align: left; padding: 2px 8px;">{html.escape(_cut(f.name, 40))}'
        f'<br><span style="{_NONE} font-weight: normal; {_FONT} font-size: 11px;">'
        f"{html.escape(_cut(str(f.type), TYPE_MAX))}</span></th>"
        for f in fields
    )
    body = []
    for i, row in enumerate(preview.to_pylist()):
        cells = "".join(
            f'<td style="text-align: left; padding: 2px 8px; {_FONT} white-space: nowrap;">'
            f"{_value_html(row.get(f.name), CELL_MAX)}</td>"
            for f in fields
        )
        body.append(f'<tr><td style="{_NONE} padding: 2px 8px;">{i}</td>{cells}</tr>')
    if num_rows > shown:
        cells = "".join('<td style="padding: 2px 8px;">…</td>' for _ in fields)
        body.append(f'<tr><td style="{_NONE} padding: 2px 8px;">…</td>{cells}</tr>')
    rows_word = "row" if num_rows == 1 else "rows"
    summary = (
        f"<b>Page</b> of {html.escape(collection)}: {num_rows:,} {rows_word}"
        f" · has_more={has_more}"
        + (
            f" · next_cursor={html.escape(_cut(next_cursor, 40))}"
            if next_cursor is not None
            else ""
        )
        + f" · {num_pages:,} page{'' if num_pages == 1 else 's'} fetched"
        + f" · {len(fields)} columns"
    )
    if num_rows > shown:
        summary += f" (first {shown} shown)"
    return (
        f'<div class="arize-ax-page" style="font-size: 13px;">'
        f'<div style="margin-bottom: 4px;">{summary}</div>'
        f'<div style="overflow-x: auto;"><table style="border-collapse: collapse;">'
        f"<thead><tr><th></th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        f"</div>"
    )
