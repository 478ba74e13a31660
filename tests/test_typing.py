"""The hand-written stubs type a realistic usage file under `mypy --strict`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_mypy_strict_on_usage_file() -> None:
    usage = Path(__file__).with_name("typing_usage.py")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--ignore-missing-imports",
            str(usage),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
