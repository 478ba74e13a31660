"""Builds of arize-ax side by side: the same operations, one emulator, interleaved rounds.

    bench/.venv-ours/bin/python bench/builds.py \\
        --build abi3=/tmp/venv-abi3 --build cp311=/tmp/venv-cp311 [--wheel abi3=FILE ...]

Each ``--build NAME=VENV`` is a venv with one build of arize-ax installed (plus pandas and
pyarrow). For every case below, each round runs every build once, and the official SDK /
CLI (bench/.venv-official) once as a reference, rotating who goes first, so background
load hits all of them alike. The emulator is bench/.venv-ours's ``ax emulator``, the same
for every build. Cases (numbered as in run.py):

    1  ax spaces list -o json / ax tasks list -o json     whole process, spawn to exit
    2  20,000 tasks / 20,000 runs -> pandas               the operation (worker.py)
    3  20,000 tasks -> Arrow, warm process                the operation (worker.py)
    5  import arize_ax / import + Client().spaces.list()  whole process

Also reported per build: the size of the extension module, and of the wheel when
``--wheel NAME=FILE`` gives it (compressed and unpacked). Prints a markdown table and
writes bench/results/builds-latest.json (or --out).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import OFF_AX, OFF_PY, RESULTS, WORKER, fmt_s, log, machine, run_proc, summary
from run import Bench

PEER = "official"


def native_size(venv: Path) -> int:
    found = sorted(venv.glob("lib/python3*/site-packages/arize_ax/_native*.so"))
    if not found:
        raise SystemExit(f"{venv}: no arize_ax/_native*.so installed")
    return found[0].stat().st_size


def wheel_sizes(wheel: Path) -> dict[str, int]:
    with zipfile.ZipFile(wheel) as z:
        unpacked = sum(i.file_size for i in z.infolist())
    return {"wheel_bytes": wheel.stat().st_size, "unpacked_bytes": unpacked}


def pair(text: str, what: str) -> tuple[str, Path]:
    name, sep, path = text.partition("=")
    if not sep or not name or not path:
        raise SystemExit(f"--{what} wants NAME=PATH, got {text!r}")
    return name, Path(path).resolve()


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--build", action="append", required=True, help="NAME=VENV (repeatable)")
    ap.add_argument("--wheel", action="append", default=[], help="NAME=WHEEL FILE (repeatable)")
    ap.add_argument("--reps", type=int, default=7, help="rounds per case (default 7)")
    ap.add_argument("--cases", default="1,2,3,5", help="subset of 1,2,3,5")
    ap.add_argument("--no-peer", action="store_true", help="leave out the official tools")
    ap.add_argument("--out", default=str(RESULTS / "builds-latest.json"))
    args = ap.parse_args()
    builds = dict(pair(b, "build") for b in args.build)
    wheels = dict(pair(w, "wheel") for w in args.wheel)
    for name, venv in builds.items():
        for exe in ("python", "ax"):
            if not (venv / "bin" / exe).exists():
                raise SystemExit(f"--build {name}: {venv / 'bin' / exe} is missing")
    wanted = {int(c) for c in args.cases.split(",") if c.strip()}
    peer = not args.no_peer and OFF_PY.exists()

    started, load_before = time.time(), os.getloadavg()
    bench = Bench(argparse.Namespace(quick=False, reps=args.reps, profile=False))
    rows: list[dict[str, Any]] = []
    try:
        bench.seed()
        env = bench.env

        def whole(cmd: list) -> Callable[[], float]:
            return lambda: run_proc(cmd, env()).wall

        def whole_cli(cmd: list) -> Callable[[], float]:
            return lambda: run_proc(cmd, bench.peer_cli_env()).wall

        def worker(py: Path, side: str, *argv: str, warm: bool = False) -> Callable[[], float]:
            def run() -> float:
                lines = run_proc([py, WORKER, *argv, "--side", side], env()).json_lines()
                if warm:  # the first of --repeat walks pays the first-call costs
                    return min(x["seconds"] for x in lines[1:])
                return lines[-1]["seconds"]

            return run

        space, task = bench.space_tasks, bench.run_task
        cases: list[tuple[int, str, Callable[[Path], Callable[[], float]], Callable | None]] = [
            (
                1,
                "ax spaces list -o json",
                lambda v: whole([v / "bin" / "ax", "spaces", "list", "-o", "json"]),
                whole_cli([OFF_AX, "spaces", "list", "-o", "json"]),
            ),
            (
                1,
                "ax tasks list -o json",
                lambda v: whole([v / "bin" / "ax", "tasks", "list", "-o", "json"]),
                whole_cli([OFF_AX, "tasks", "list", "-o", "json"]),
            ),
            (
                2,
                "20,000 tasks -> pandas",
                lambda v: worker(v / "bin" / "python", "ours", "list-tasks", "--space", space),
                worker(OFF_PY, "peer", "list-tasks", "--space", space),
            ),
            (
                2,
                "20,000 runs -> pandas",
                lambda v: worker(v / "bin" / "python", "ours", "list-runs", "--task", task),
                worker(OFF_PY, "peer", "list-runs", "--task", task),
            ),
            (
                3,
                "20,000 tasks -> Arrow, warm process",
                lambda v: worker(
                    v / "bin" / "python",
                    "ours",
                    "arrow",
                    "--space",
                    space,
                    "--repeat",
                    "3",
                    warm=True,
                ),
                None,
            ),
            (
                5,
                "python -c 'import arize_ax'",
                lambda v: whole([v / "bin" / "python", "-c", "import arize_ax"]),
                whole([OFF_PY, "-c", "import arize"]),
            ),
            (
                5,
                "import + Client() + first spaces.list()",
                lambda v: whole(
                    [
                        v / "bin" / "python",
                        "-W",
                        "ignore",
                        "-c",
                        "from arize_ax import Client; Client().spaces.list()",
                    ]
                ),
                whole([OFF_PY, "-c", "from arize import ArizeClient; ArizeClient().spaces.list()"]),
            ),
        ]
        for scenario, case, ours, official in cases:
            if scenario not in wanted:
                continue
            sides: dict[str, Callable[[], float]] = {n: ours(v) for n, v in builds.items()}
            if peer and official is not None:
                sides[PEER] = official
            for f in sides.values():  # warm-up: page cache, .pyc, one-time notices
                f()
            samples: dict[str, list[float]] = {n: [] for n in sides}
            names = list(sides)
            for i in range(args.reps):
                k = i % len(names)
                for n in names[k:] + names[:k]:
                    samples[n].append(sides[n]())
            row = {
                "scenario": scenario,
                "case": case,
                **{n: summary(s) for n, s in samples.items()},
            }
            rows.append(row)
            log(f"{case}: " + ", ".join(f"{n} {fmt_s(row[n]['median'])}" for n in samples))
    finally:
        bench.close()

    sizes = {n: {"native_bytes": native_size(v)} for n, v in builds.items()}
    for n, w in wheels.items():
        sizes.setdefault(n, {}).update(wheel_sizes(w))
    result = {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "duration_s": time.time() - started,
        "builds": {n: str(v) for n, v in builds.items()},
        "wheels": {n: str(w) for n, w in wheels.items()},
        "sizes": sizes,
        "rows": rows,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(table(rows, list(builds), sizes))
    print(f"\n{result['duration_s']:.0f} s; written to {out}")
    return 0


def table(rows: list[dict[str, Any]], builds: list[str], sizes: dict[str, dict]) -> str:
    first = builds[0]
    head = ["#", "case", *builds, *(f"{b} / {first}" for b in builds[1:]), PEER]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [str(r["scenario"]), r["case"]]
        cells += [fmt_s(r[b]["median"]) for b in builds]
        cells += [f"{r[b]['median'] / r[first]['median']:.2f}" for b in builds[1:]]
        cells.append(fmt_s(r[PEER]["median"]) if PEER in r else "-")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| build | extension | wheel | unpacked |", "|---|---|---|---|"]
    for b in builds:
        s = sizes.get(b, {})

        def mb(key: str, s: dict = s) -> str:
            return f"{s[key] / 1e6:.2f} MB" if key in s else "-"

        lines.append(
            f"| {b} | {mb('native_bytes')} | {mb('wheel_bytes')} | {mb('unpacked_bytes')} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
