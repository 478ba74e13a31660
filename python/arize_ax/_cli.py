"""Console-script shim for ``ax``: hands ``sys.argv`` to the Rust CLI.

Only the native module is used here: no pyarrow or pandas import on this path.
"""

from __future__ import annotations

import sys


def main() -> None:
    from ._native import run_cli

    try:
        code = run_cli(sys.argv)
    except KeyboardInterrupt:  # Ctrl-C that landed after the CLI finished its own handling
        code = 130
    sys.exit(code)


if __name__ == "__main__":
    main()
