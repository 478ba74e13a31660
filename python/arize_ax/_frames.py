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

import os
import threading
import time
from collections.abc import Callable
from typing import Any

#: Most seconds a fork (and the interpreter's exit) waits for a running warm-up.
WARM_UP_JOIN_TIMEOUT = 2.0

_warm_ups: list[threading.Thread] = []
_warm_ups_lock = threading.Lock()
_fork_hook = False


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


def warm_up(empty_page: Any) -> None:
    """Converts ``empty_page`` (an empty ``Page`` of the resource a listing is fetching) to
    pandas on a background thread; called by the bindings as a listing starts, once per
    resource and process, and only when pandas and pyarrow are already imported.

    A process's first ``to_pandas()`` otherwise pays a few milliseconds that have nothing to
    do with the data: pyarrow imports its pandas layer and checks pandas' version, and the
    conversion's code paths for these column types run for the first time. Done here, that
    work overlaps the listing's requests (the calling thread waits on the network with the
    GIL released); the conversion of an empty page builds nothing the caller will see.

    The thread is not a daemon, so the interpreter's exit waits for it (milliseconds); a
    fork waits for it too (at most ``WARM_UP_JOIN_TIMEOUT``), since a child would otherwise
    inherit the import and pyarrow locks it might hold, owned by a thread it does not have.
    """
    if not threading.main_thread().is_alive():
        return  # the interpreter is shutting down: a new thread would not be waited for
    thread = threading.Thread(
        target=_warm_up, args=(empty_page,), name="arize-ax-pandas-warm-up", daemon=False
    )
    global _fork_hook
    with _warm_ups_lock:
        if not _fork_hook and hasattr(os, "register_at_fork"):
            os.register_at_fork(before=_join_warm_ups)
            _fork_hook = True
        _warm_ups.append(thread)
    try:
        thread.start()
    except RuntimeError:  # no new threads at interpreter shutdown
        with _warm_ups_lock:
            _warm_ups.remove(thread)


def _warm_up(empty_page: Any) -> None:
    # Thread.start() returns once this thread has run; letting go of the GIL for a moment
    # lets the caller reach its network wait before the conversion holds the GIL (which it
    # would otherwise keep for up to the interpreter's switch interval, 5 ms).
    time.sleep(0.001)
    try:
        empty_page.to_pandas()
    except BaseException:  # only an optimization: a failure shows on the caller's own call
        pass
    finally:
        with _warm_ups_lock:
            try:
                _warm_ups.remove(threading.current_thread())
            except ValueError:
                pass


def _join_warm_ups() -> None:
    with _warm_ups_lock:
        running = list(_warm_ups)
    deadline = time.monotonic() + WARM_UP_JOIN_TIMEOUT
    for thread in running:
        if thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))
