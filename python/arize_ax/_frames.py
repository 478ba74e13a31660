"""pandas conversion behind ``Page.to_pandas`` (private).

Flat columns go through pyarrow's own conversion (NumPy dtypes, or pandas' string
dtype where pandas makes that the default). Nested columns (lists, structs, maps such
as ``evaluators`` and ``experiment_ids``) become ``pandas.ArrowDtype`` columns unless
the caller asks for Python objects: building a list of dicts per cell is what makes a
large listing slow, while an Arrow-backed column still hands out plain Python lists and
dicts when a cell is read. Unless the caller names a ``memory_pool``, the conversion
allocates from pyarrow's system pool (see ``to_pandas``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _is_nested(arrow_type: Any) -> bool:
    import pyarrow.types as pat

    return bool(pat.is_nested(arrow_type))


def to_pandas(
    table: Any,
    *,
    arrow_dtypes: bool,
    nested_objects: bool,
    options: dict[str, Any],
) -> Any:
    """Converts ``table`` (a ``pyarrow.Table``) to a DataFrame; see ``Page.to_pandas``."""
    import pandas as pd
    import pyarrow as pa

    # The conversion's own buffers (widened string offsets, timestamp and null-filled
    # columns, temporaries) from the system allocator: it returns large freed blocks to the
    # OS at once, where pyarrow's default pool (mimalloc) keeps them mapped, which showed as
    # up to 5 MB more peak memory for a 20,000-row listing (bench/README.md).
    options.setdefault("memory_pool", pa.system_memory_pool())
    user_mapper: Callable[[Any], Any] | None = options.pop("types_mapper", None)
    if arrow_dtypes:
        if user_mapper is not None:
            raise TypeError("to_pandas() takes either arrow_dtypes=True or types_mapper, not both")
        if nested_objects:
            raise TypeError(
                "to_pandas() takes either arrow_dtypes=True or nested_objects=True, not both"
            )
        return table.to_pandas(types_mapper=pd.ArrowDtype, **options)
    # maps_as_pydicts shapes the Python objects made for map cells, so asking for it
    # means asking for those objects.
    if nested_objects or options.get("maps_as_pydicts") is not None:
        if user_mapper is not None:
            options["types_mapper"] = user_mapper
        return table.to_pandas(**options)
    if not any(_is_nested(field.type) for field in table.schema):
        if user_mapper is not None:
            options["types_mapper"] = user_mapper
        return table.to_pandas(**options)

    def mapper(arrow_type: Any) -> Any:
        if user_mapper is not None:
            chosen = user_mapper(arrow_type)
            if chosen is not None:
                return chosen
        if _is_nested(arrow_type):
            return pd.ArrowDtype(arrow_type)
        return None

    return table.to_pandas(types_mapper=mapper, **options)
