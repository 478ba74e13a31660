"""The live progress display of ``wait_for_run(s)(..., progress=True)``.

The Rust bindings create one :class:`RunProgress` per wait, feed it every run state the
poller sees (the same stream ``on_progress`` gets) and close it when the wait ends, whether
it returned, raised or was interrupted. It keeps the latest status of each run and shows
``12/50 runs finished · COMPLETED 10 · FAILED 2 · RUNNING 30 · PENDING 8``:

- through ``tqdm.auto`` when tqdm is installed (a widget updating in place in Jupyter, a
  bar on stderr in a terminal);
- otherwise on stderr: one line rewritten in place (``\\r``) when stderr is a terminal, a
  line per change when it is not. Either way at most a few renders per second; the final
  state is always shown on close.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

__all__ = ["RunProgress"]

#: The order statuses are listed in; others (should the API add any) come after.
STATUS_ORDER = ("COMPLETED", "FAILED", "CANCELLED", "RUNNING", "PENDING")
TERMINAL = frozenset({"COMPLETED", "FAILED", "CANCELLED"})

#: Least time between two renders on a terminal / on a pipe or file (seconds).
TTY_INTERVAL = 0.1
PIPE_INTERVAL = 0.5
#: Least time between two refreshes of a tqdm bar when only statuses changed.
TQDM_INTERVAL = 0.2


def _tqdm_class() -> Any:
    """``tqdm.auto.tqdm``, or None when tqdm is not importable."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class _Line:
    """One status line on a text stream, rate-limited."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tty = _isatty(stream)
        self._interval = TTY_INTERVAL if self._tty else PIPE_INTERVAL
        self._shown: str | None = None
        self._last = float("-inf")
        self._width = 0

    def show(self, text: str, *, force: bool = False) -> None:
        if text == self._shown:
            return
        now = time.monotonic()
        if not force and now - self._last < self._interval:
            return  # shown by a later call (every poll calls again) or by close
        self._last = now
        self._shown = text
        try:
            if self._tty:
                pad = " " * max(0, self._width - len(text))
                self._stream.write(f"\r{text}{pad}")
                self._width = len(text)
            else:
                self._stream.write(text + "\n")
            self._stream.flush()
        except (OSError, ValueError):
            pass  # a closed or broken stderr must not break the wait

    def close(self, text: str) -> None:
        self.show(text, force=True)
        if self._tty:
            try:
                self._stream.write("\n")
                self._stream.flush()
            except (OSError, ValueError):
                pass


class RunProgress:
    """Progress of a wait for ``total`` runs, fed with every ``TaskRun`` state seen."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._status: dict[str, str] = {}
        self._closed = False
        self._last_refresh = float("-inf")
        self._line: _Line | None = None
        self._bar: Any = None
        tqdm = _tqdm_class()
        if tqdm is not None:
            self._bar = self._make_bar(tqdm)
        else:
            self._line = _Line(sys.stderr)
            self._line.show(self.text())

    def _make_bar(self, tqdm: Any) -> Any:
        options = {
            "total": self.total,
            "unit": "run",
            "bar_format": (
                f"{{n_fmt}}/{{total_fmt}} {self._noun()} finished{{desc}} |{{bar}}| {{elapsed}}"
            ),
            "dynamic_ncols": True,
            "leave": True,
        }
        try:
            return tqdm(**options)
        except ImportError:
            # tqdm.auto picked the notebook widget but ipywidgets is missing.
            from tqdm.std import tqdm as plain

            return plain(**options)

    def _noun(self) -> str:
        return "run" if self.total == 1 else "runs"

    @property
    def closed(self) -> bool:
        """True once the display was closed (the wait ended)."""
        return self._closed

    @property
    def counts(self) -> dict[str, int]:
        """The number of runs in each status, by their latest state."""
        out: dict[str, int] = {}
        for status in self._status.values():
            out[status] = out.get(status, 0) + 1
        order = {s: i for i, s in enumerate(STATUS_ORDER)}
        return dict(sorted(out.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))

    @property
    def finished(self) -> int:
        """How many runs reached COMPLETED, FAILED or CANCELLED."""
        return sum(1 for s in self._status.values() if s in TERMINAL)

    def _counts_text(self) -> str:
        return "".join(f" · {status} {n}" for status, n in self.counts.items())

    def text(self) -> str:
        """``12/50 runs finished · COMPLETED 10 · FAILED 2 · RUNNING 30 · PENDING 8``."""
        return f"{self.finished}/{self.total} {self._noun()} finished{self._counts_text()}"

    def update(self, run: Any) -> None:
        """Records the state of one run and redraws (rate-limited)."""
        if self._closed:
            return
        self._status[str(run.id)] = str(run.status)
        if self._bar is not None:
            self._bar.set_description_str(self._counts_text(), refresh=False)
            delta = self.finished - self._bar.n
            now = time.monotonic()
            if delta > 0:
                self._bar.update(delta)  # redraws, as tqdm's own rate limit allows
            elif now - self._last_refresh >= TQDM_INTERVAL:
                self._bar.refresh()
                self._last_refresh = now
        elif self._line is not None:
            self._line.show(self.text())
        if self.total and self.finished >= self.total:
            self.close()

    def close(self) -> None:
        """Shows the final state and ends the display; safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        if self._bar is not None:
            self._bar.set_description_str(self._counts_text(), refresh=False)
            self._bar.close()
        elif self._line is not None:
            self._line.close(self.text())

    def __repr__(self) -> str:
        return f"RunProgress({self.text()!r}, closed={self._closed})"
