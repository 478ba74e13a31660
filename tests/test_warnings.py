"""One BETA warning per method per process, silenceable with the standard filters."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import warnings
from arize_ax.testing import EmulatorServer
with EmulatorServer() as emu:
    c = emu.client()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        c.spaces.list(); c.spaces.list(); c.spaces.list_all()
        c.spaces.get(space=c.spaces.list()[0].id)
    for w in caught:
        print(w.category.__name__, "|", w.message)
"""


def test_beta_warning_once_per_method() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("BetaWarning | [BETA] spaces.list is a beta API")
    assert lines[1].startswith("BetaWarning | [BETA] spaces.get is a beta API")


def test_beta_warning_can_be_silenced() -> None:
    script = (
        "import warnings; from arize_ax.errors import BetaWarning\n"
        "warnings.simplefilter('error')\n"
        "warnings.filterwarnings('ignore', category=BetaWarning)\n"
        + SCRIPT.replace('warnings.simplefilter("always")', "pass")
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
