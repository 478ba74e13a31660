"""The official SDK's ``model_dump()`` and ``to_df()`` for arize-ax results (private).

Every result class's ``model_dump()`` / ``model_dump_json()`` and ``Page.to_df()`` call the
functions here. The keys are those of the official ``arize`` 8.61 models (see ``_shapes``);
``to_df`` builds its DataFrame from the page's Arrow data, column by column, and only makes
one dict per row where pandas needs rows (``json_normalize=True``, a listing whose items have
different models such as evaluator versions, or an ``expand_field`` to spread).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any

from ._shapes import COLLECTIONS, DT, MODELS, Model, Obj, Union, resolve, shape

# Fields of a model that its Arrow table lacks but the items hold (read from the items).
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "Space": (
        "default_llm_integration",
        "ml_models_enabled",
        "gradient_start_color",
        "gradient_end_color",
        "default_agent_runtime",
    ),
}

_Filter = dict[Any, Any] | None


def _normalize(spec: Any, name: str) -> _Filter:
    """``include`` / ``exclude`` as a dict of key → ``True`` or a nested filter."""
    if spec is None:
        return None
    if isinstance(spec, Mapping):
        out: dict[Any, Any] = {}
        for key, sub in spec.items():
            out[key] = True if sub is True or sub is Ellipsis else _normalize(sub, name)
        return out
    if isinstance(spec, (set, frozenset, list, tuple)):
        return dict.fromkeys(spec, True)
    raise TypeError(f"{name} must be a set of field names or a dict, got {type(spec).__name__}")


def _sub(spec: _Filter, key: Any) -> Any:
    """The filter for member ``key`` of a container filtered by ``spec``."""
    if spec is None:
        return None
    if key in spec:
        return spec[key]
    return spec.get("__all__")


def _isoformat(value: datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _emit(
    value: Any,
    include: Any,
    exclude: Any,
    exclude_none: bool,
    by_alias: bool,
    as_json: bool,
) -> Any:
    """Plain data from a shaped value: filters, ``exclude_none`` (model fields only, as in
    pydantic), aliases and the JSON mode's conversions."""
    if isinstance(value, dict):
        model = value.model if isinstance(value, Obj) else None
        aliases = {f.name: f.alias for f in model.fields if f.alias} if model and by_alias else {}
        out: dict[Any, Any] = {}
        for key, item in value.items():
            inc, exc = _sub(include, key), _sub(exclude, key)
            if include is not None and inc is None:
                continue
            if exc is True:
                continue
            if model is not None and exclude_none and item is None:
                continue
            sub_inc = None if inc is True else inc
            out[aliases.get(key, key)] = _emit(item, sub_inc, exc, exclude_none, by_alias, as_json)
        return out
    if isinstance(value, (list, tuple)):
        items = []
        n = len(value)
        for i, item in enumerate(value):
            inc = _sub(include, i) if include is None or i in include else _sub(include, i - n)
            exc = _sub(exclude, i) if exclude is None or i in exclude else _sub(exclude, i - n)
            if include is not None and inc is None:
                continue
            if exc is True:
                continue
            sub_inc = None if inc is True else inc
            items.append(_emit(item, sub_inc, exc, exclude_none, by_alias, as_json))
        return items
    if as_json:
        if isinstance(value, datetime):
            return _isoformat(value)
        if isinstance(value, Enum):
            return value.value
    return value


def model_dump(
    model: str,
    data: dict[str, Any],
    *,
    mode: str = "python",
    include: Any = None,
    exclude: Any = None,
    by_alias: bool | None = None,
    exclude_none: bool = False,
) -> dict[str, Any]:
    """``data`` (a result's ``to_dict()``) as the official model ``model`` dumps it."""
    if mode not in ("python", "json"):
        raise ValueError(f"mode must be 'python' or 'json', got {mode!r}")
    shaped = shape(resolve(model, data), data)
    result: dict[str, Any] = _emit(
        shaped,
        _normalize(include, "include"),
        _normalize(exclude, "exclude"),
        bool(exclude_none),
        bool(by_alias),
        mode == "json",
    )
    return result


def model_dump_json(
    model: str,
    data: dict[str, Any],
    *,
    indent: int | None = None,
    include: Any = None,
    exclude: Any = None,
    by_alias: bool | None = None,
    exclude_none: bool = False,
) -> str:
    """The JSON text of ``model_dump(mode="json", ...)`` (compact unless ``indent``)."""
    dumped = model_dump(
        model,
        data,
        mode="json",
        include=include,
        exclude=exclude,
        by_alias=by_alias,
        exclude_none=exclude_none,
    )
    if indent is None:
        return json.dumps(dumped, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(dumped, ensure_ascii=False, indent=indent)


# --- to_df -------------------------------------------------------------------------------


def _item_values(page: Any, model_name: str) -> dict[str, list[Any]]:
    """Per field of ``ITEM_FIELDS``, the items' values in row order."""
    names = ITEM_FIELDS.get(model_name, ())
    if not names:
        return {}
    items = page.items
    return {name: [getattr(item, name) for item in items] for name in names}


def _rows(page: Any, table: Any, model_name: str, by_alias: bool) -> list[dict[str, Any]]:
    """One official-model dict per row, built from the Arrow data."""
    spec = resolve(model_name, None)
    extras = _item_values(page, model_name)
    rows = table.to_pylist(maps_as_pydicts="strict")
    out = []
    for i, row in enumerate(rows):
        for name, values in extras.items():
            row[name] = values[i]
        out.append(_emit(shape(spec, row, arrow=True), None, None, False, by_alias, False))
    return out


def _is_flat(arrow_type: Any) -> bool:
    import pyarrow.types as pat

    return not pat.is_nested(arrow_type)


def _column(table: Any, model: Model, name: str, by_alias: bool, extras: Any) -> Any:
    """One column as ``pandas.DataFrame(rows)`` would infer it from the official rows."""
    import pandas as pd

    n = table.num_rows
    field = next(f for f in model.fields if f.name == name)
    if name in table.column_names:
        col = table.column(name)
        if col.null_count == n:
            return pd.Series([None] * n, dtype=object)
        if field.spec in (None, DT) and _is_flat(col.type):
            return col.to_pandas(coerce_temporal_nanoseconds=True)
        values = col.to_pylist(maps_as_pydicts="strict")
    elif name in extras:
        values = extras[name]
    else:
        return pd.Series([None] * n, dtype=object)
    cells = [
        _emit(shape(field.spec, v, arrow=True), None, None, False, by_alias, False) for v in values
    ]
    # Scalars get pandas' inference (as the official rows do); objects stay objects.
    return pd.Series(cells) if field.spec in (None, DT) else pd.Series(cells, dtype=object)


def _fast_frame(page: Any, table: Any, model_name: str, by_alias: bool) -> Any:
    import pandas as pd

    model = MODELS[model_name]
    extras = _item_values(page, model_name)
    columns = {f.name: _column(table, model, f.name, by_alias, extras) for f in model.fields}
    if model.extra:
        columns["additional_properties"] = pd.Series([{} for _ in range(table.num_rows)])
    return pd.DataFrame(columns)


def _expand(rows: list[dict[str, Any]], field: str, prefix: str) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        nested = row.get(field)
        if isinstance(nested, Mapping):
            row = dict(row)
            spread = dict(row.pop(field))
            if prefix:
                spread = {f"{prefix}{k}": v for k, v in spread.items()}
            row = {**row, **spread}
        out.append(row)
    return out


def to_df(
    page: Any,
    collection: str,
    by_alias: bool = False,
    exclude_none: str | bool = True,
    json_normalize: bool = False,
    convert_dtypes: bool = True,
    expand_field: str = "additional_properties",
    expand_prefix: str = "",
) -> Any:
    """``Page.to_df``: the DataFrame the official SDK's list response gives for this data."""
    import pandas as pd

    model_name = COLLECTIONS[collection]
    table = page.to_arrow()
    fast = (
        not json_normalize
        and table.num_rows > 0
        and not isinstance(resolve(model_name, None), Union)
    )
    df = None
    if fast:
        df = _fast_frame(page, table, model_name, bool(by_alias))
        if expand_field and expand_field in df.columns:
            cells = df[expand_field]
            if all(isinstance(c, Mapping) and not c for c in cells):
                # Spreading empty mappings adds nothing and removes the column.
                df = df.drop(columns=[expand_field])
            elif any(isinstance(c, Mapping) for c in cells):
                df = None
    if df is None:
        rows = _rows(page, table, model_name, bool(by_alias)) if table.num_rows else []
        if expand_field:
            rows = _expand(rows, expand_field, expand_prefix)
        df = pd.json_normalize(rows, sep=".") if json_normalize else pd.DataFrame(rows)
    if exclude_none in ("any", "all", True):
        how = exclude_none if exclude_none in ("any", "all") else "all"
        df = df.dropna(axis=1, how=how)
    if convert_dtypes:
        df = df.convert_dtypes()
    return df
