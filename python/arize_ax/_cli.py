"""Console-script shim for ``ax``: hands ``sys.argv`` to the Rust CLI.

Only the native module is used here: no pyarrow or pandas import on this path.
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from ._native import run_cli
    except ImportError:  # a build made without the `cli` feature
        sys.stderr.write(
            "error: this build of arize-ax has no `ax` command (built without the `cli` feature)\n"
        )
        sys.exit(1)

    try:
        code = run_cli(sys.argv)
    except KeyboardInterrupt:  # Ctrl-C that landed after the CLI finished its own handling
        code = 130
    sys.exit(code)


if __name__ == "__main__":
    main()
