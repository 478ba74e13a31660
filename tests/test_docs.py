"""The documentation site covers every public name and every `ax` command.

* Python: every name of ``arize_ax.__all__``, ``arize_ax.errors``, ``arize_ax.types`` and
  ``arize_ax.testing`` has a mkdocstrings directive (``::: arize_ax.Name``) on a page under
  ``docs/``, and every directive there names something that exists.
* CLI: every command of the installed ``ax`` (found by walking ``ax --help`` recursively),
  with each of its options and arguments, is in the CLI reference that
  ``crates/ax-cli/examples/cli_reference.rs`` generates from the clap definitions, and the
  reference lists no command that ``ax`` lacks. The reference is read from
  ``docs/reference/cli.md`` when ``.ci/docs`` wrote it, else from the example's binary
  (which ``cargo test`` builds), else made with ``cargo run``.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import shutil
import subprocess
import sys
import types
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import arize_ax
import arize_ax.errors
import arize_ax.testing
import arize_ax.types
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CLI_REFERENCE = DOCS / "reference" / "cli.md"
PACKAGE_SOURCE = ROOT / "python" / "arize_ax"
AX = str(Path(sys.executable).with_name("ax"))

_DIRECTIVE = re.compile(r"^::: *([A-Za-z_][\w.]*)\s*$", re.MULTILINE)


# --- Python names ------------------------------------------------------------------------


@cache
def directives() -> frozenset[str]:
    """Every object path named by a mkdocstrings directive in the hand-written pages."""
    found: set[str] = set()
    for page in DOCS.rglob("*.md"):
        if page != CLI_REFERENCE:
            found.update(_DIRECTIVE.findall(page.read_text(encoding="utf-8")))
    return frozenset(found)


def _stub_only(module: str) -> Path | None:
    """The .pyi of a module that exists only as a stub (``arize_ax._spaces``), else None."""
    parts = module.split(".")
    if parts[0] != "arize_ax" or len(parts) != 2:
        return None
    stub = PACKAGE_SOURCE / f"{parts[1]}.pyi"
    if stub.exists() and not (PACKAGE_SOURCE / f"{parts[1]}.py").exists():
        try:
            importlib.import_module(module)
        except ImportError:
            return stub
    return None


def resolve(path: str) -> object:
    """The object a dotted path names (modules imported as needed)."""
    parts = path.split(".")
    obj: object = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], start=1):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            obj = importlib.import_module(".".join(parts[: i + 1]))
    return obj


def _identity_documented(owner: types.ModuleType, name: str) -> bool:
    """Whether ``owner.name`` is documented under its own path, or (for a class, function or
    module re-exported from a submodule, such as ``arize_ax.Region``) under its home's."""
    if f"{owner.__name__}.{name}" in directives():
        return True
    value = getattr(owner, name)
    if not (inspect.isclass(value) or inspect.isfunction(value) or inspect.ismodule(value)):
        return False
    for path in directives():
        if path.rsplit(".", 1)[-1] == name and path.startswith(f"{owner.__name__}."):
            try:
                if resolve(path) is value:
                    return True
            except (ImportError, AttributeError):
                continue
    return False


def _public_defined_in(module: types.ModuleType) -> set[str]:
    """``__all__`` plus the public classes and functions the module itself defines."""
    names = set(getattr(module, "__all__", ()))
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        if (inspect.isclass(value) or inspect.isfunction(value)) and (
            getattr(value, "__module__", None) == module.__name__
        ):
            names.add(name)
    return names


def test_the_reference_pages_have_directives() -> None:
    # Guards the checks below against a regex or a path that finds nothing.
    assert "arize_ax.Client" in directives()
    assert len(directives()) > 80


@pytest.mark.parametrize("name", sorted(arize_ax.__all__))
def test_every_top_level_name_is_documented(name: str) -> None:
    assert _identity_documented(arize_ax, name), (
        f"arize_ax.{name} is public but has no `::: arize_ax.{name}` directive under docs/ "
        "(see docs/reference/)"
    )


@pytest.mark.parametrize(
    ("module", "name"),
    [
        (module.__name__, name)
        for module in (arize_ax.errors, arize_ax.types, arize_ax.testing)
        for name in sorted(_public_defined_in(module))
    ],
)
def test_every_submodule_name_is_documented(module: str, name: str) -> None:
    assert f"{module}.{name}" in directives(), (
        f"{module}.{name} is public but has no `::: {module}.{name}` directive under docs/"
    )


@pytest.mark.parametrize("path", sorted(directives()))
def test_every_directive_names_something_real(path: str) -> None:
    module, _, rest = path.partition(".")
    head = path.split(".")
    stub = _stub_only(".".join(head[:2])) if len(head) > 2 else None
    if stub is not None:  # e.g. arize_ax._spaces._ModelDump.model_dump: only in the .pyi
        text = stub.read_text(encoding="utf-8")
        for part in head[2:]:
            assert re.search(rf"^\s*(class|def|async def) {re.escape(part)}\b", text, re.M), (
                f"{path}: {part} is not defined in {stub.name}"
            )
        return
    assert module == "arize_ax" and rest, path
    resolve(path)  # raises when the name is gone


# --- the CLI -----------------------------------------------------------------------------


@dataclass
class Help:
    """What `ax ... --help` lists."""

    commands: list[str] = field(default_factory=list)
    options: set[str] = field(default_factory=set)  # long names, without "--"
    arguments: set[str] = field(default_factory=set)  # value names, without <>


_SECTION = re.compile(r"^(Commands|Arguments|Options):\s*$")
_COMMAND = re.compile(r"^  ([a-z][\w-]*)(?:\s{2,}|$)")
_OPTION = re.compile(r"^(?:  -\w, |      )--([\w-]+)")
_ARGUMENT = re.compile(r"^  \[?<([^>]+)>")


def parse_help(text: str) -> Help:
    out = Help()
    section = None
    for line in text.splitlines():
        m = _SECTION.match(line)
        if m:
            section = m.group(1)
            continue
        if not line.strip():
            continue
        if not line.startswith(" "):
            section = None
            continue
        if section == "Commands" and (m := _COMMAND.match(line)):
            out.commands.append(m.group(1))
        elif section == "Options" and (m := _OPTION.match(line)):
            if m.group(1) not in ("help", "version"):
                out.options.add(m.group(1))
        elif section == "Arguments" and (m := _ARGUMENT.match(line)):
            out.arguments.add(m.group(1))
    return out


def _help(path: tuple[str, ...]) -> Help:
    proc = subprocess.run(
        [AX, *path[1:], "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, f"{' '.join(path)} --help: {proc.stderr}"
    return parse_help(proc.stdout)


@cache
def walk_cli() -> dict[tuple[str, ...], Help]:
    """Every command path of the installed `ax` (hidden ones are not in --help)."""
    found: dict[tuple[str, ...], Help] = {}
    level = [("ax",)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        while level:
            helps = list(pool.map(_help, level))
            found.update(zip(level, helps, strict=True))
            level = [(*p, c) for p, h in zip(level, helps, strict=True) for c in h.commands]
    return found


def _example_binary() -> Path | None:
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    suffix = ".exe" if sys.platform == "win32" else ""
    candidates = [
        p
        for p in (target / "debug" / "examples").glob(f"cli_reference*{suffix}")
        if p.is_file() and os.access(p, os.X_OK) and p.suffix in ("", ".exe")
    ]
    return max(candidates, key=lambda p: p.stat().st_mtime) if candidates else None


@cache
def cli_reference() -> tuple[str, str]:
    """The generated CLI reference and where it came from."""
    if CLI_REFERENCE.exists():
        return CLI_REFERENCE.read_text(encoding="utf-8"), f"{CLI_REFERENCE} (from .ci/docs)"
    binary = _example_binary()
    if binary is not None:
        cmd = [str(binary)]
    elif shutil.which("cargo"):
        cmd = ["cargo", "run", "-q", "-p", "ax-cli", "--example", "cli_reference"]
    else:
        message = (
            "no CLI reference to check: run .ci/docs, or build the example "
            "(cargo build -p ax-cli --example cli_reference)"
        )
        pytest.fail(message)
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, check=True)
    return proc.stdout, " ".join(cmd)


_HEADING = re.compile(r"^#{2,6} `(ax(?: [\w-]+)*)` \{ #[\w-]+ \}\s*$", re.MULTILINE)


def reference_sections() -> dict[tuple[str, ...], str]:
    text, _ = cli_reference()
    heads = list(_HEADING.finditer(text))
    ends = [h.start() for h in heads[1:]] + [len(text)]
    return {
        tuple(m.group(1).split()): text[m.end() : end] for m, end in zip(heads, ends, strict=True)
    }


def test_the_help_walk_finds_the_command_tree() -> None:
    tree = walk_cli()
    assert ("ax", "tasks", "wait-for-run") in tree
    assert ("ax", "profiles", "create") in tree
    assert len(tree) > 40
    assert {"api-key", "base-url", "profile", "verbose"} <= tree[("ax",)].options
    assert "output" in tree[("ax", "spaces", "list")].options
    assert "NAME_OR_ID" in tree[("ax", "spaces", "get")].arguments


def test_every_command_is_in_the_cli_reference() -> None:
    sections = reference_sections()
    _, source = cli_reference()
    missing = [" ".join(p) for p in walk_cli() if p not in sections]
    assert not missing, f"commands missing from the CLI reference ({source}): {missing}"


def test_the_cli_reference_has_no_stale_command() -> None:
    _, source = cli_reference()
    stale = [" ".join(p) for p in reference_sections() if p not in walk_cli()]
    assert not stale, f"the CLI reference ({source}) lists commands `ax` lacks: {stale}"


def test_every_option_and_argument_is_in_the_cli_reference() -> None:
    tree = walk_cli()
    sections = reference_sections()
    global_options = tree[("ax",)].options
    problems = []
    for path, help_ in tree.items():
        section = sections.get(path)
        if section is None:
            continue  # reported by test_every_command_is_in_the_cli_reference
        own = help_.options if path == ("ax",) else help_.options - global_options
        problems += [f"{' '.join(path)} --{o}" for o in sorted(own) if f"--{o}" not in section]
        problems += [
            f"{' '.join(path)} <{a}>" for a in sorted(help_.arguments) if f"<{a}>" not in section
        ]
    assert not problems, f"missing from the CLI reference ({cli_reference()[1]}): {problems}"


def test_parse_help_reads_clap_sections() -> None:
    text = """Get a space

Usage: ax spaces get [OPTIONS] <NAME_OR_ID>

Commands:
  list    List spaces
  remove-user
          Remove a user

Arguments:
  <NAME_OR_ID>  Space name or ID

Options:
  -o, --output <FORMAT|FILE>  Output format (table, json, csv, parquet) or a file path
                              (--all is not an option here)
      --api-key <KEY>         API key
  -h, --help                  Print help
"""
    h = parse_help(text)
    assert h.commands == ["list", "remove-user"]
    assert h.arguments == {"NAME_OR_ID"}
    assert h.options == {"output", "api-key"}
