"""A guided tour on the bundled emulator: ``python -m arize_ax.quickstart``.

Starts the emulator in this process, then walks the spaces API with the same client
you would point at Arize AX: create, get, update, list (as a pandas DataFrame), add
and remove a member, delete. Nothing leaves this machine.
"""

from __future__ import annotations

import sys
import warnings

from . import Client
from .errors import BetaWarning
from .testing import EmulatorServer


def step(text: str) -> None:
    print(f"\n== {text}")


def main() -> int:
    warnings.simplefilter("ignore", BetaWarning)
    with EmulatorServer(seed="demo") as emu:
        print(f"emulator listening on {emu.url}")
        client = Client(api_key=emu.api_key, base_url=emu.url)
        seed = emu.seed_info()
        org = seed["organizations"][0]

        step(f"create a space in organization {org['name']!r}")
        space = client.spaces.create(
            name="quickstart", organization_id=org["id"], description="made by the quickstart"
        )
        print(space)

        step("get it back by name (names resolve exactly to IDs)")
        print(client.spaces.get(space="quickstart"))

        step("update only its description")
        print(client.spaces.update(space=space.id, description="updated by the quickstart"))

        step("add a member, then remove them")
        user_id = emu.create_user(
            name="Quinn Start", email="quinn@example.com", organization_ids=[org["id"]]
        )
        print(client.spaces.add_user(space=space.id, user_id=user_id, role="read-only"))
        client.spaces.remove_user(space=space.id, user_id=user_id)
        print(f"removed {user_id}")

        step("list every space (all pages) as a pandas DataFrame")
        page = client.spaces.list_all(limit=2)
        try:
            df = page.to_pandas()
        except ImportError as exc:
            print(exc, file=sys.stderr)
            return 1
        with_pandas_options(lambda: print(df[["name", "description", "created_at"]]))

        step("delete the space")
        client.spaces.delete(space=space.id)
        remaining = [s.name for s in client.spaces.list_all()]
        print(f"'quickstart' still listed: {'quickstart' in remaining}")
    return 0


def with_pandas_options(show: object) -> None:
    import pandas as pd

    with pd.option_context("display.width", 120, "display.max_colwidth", 40):
        show()  # type: ignore[operator]


if __name__ == "__main__":
    sys.exit(main())
