"""Griffe extension for the docs build: the package's docstrings are written in a light
reStructuredText style (``:class:`Page```, ``Quick start::`` before a literal block); this
turns those two idioms into their Markdown equivalents before mkdocstrings renders them.
Everything else (double backticks, ``*`` bullets) is already valid Markdown.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

# :class:`Page`, :meth:`stop`, :mod:`arize_ax.testing`, :class:`~arize_ax.Client` ...
_ROLE = re.compile(r":(?:class|meth|func|mod|attr|exc|data|obj):`(~?)([^`]+)`")
# A paragraph ending in "::" introduces an (indented) literal block.
_LITERAL = re.compile(r"(\S) ?::$", re.MULTILINE)


def _role(match: re.Match[str]) -> str:
    tilde, target = match.groups()
    if tilde:
        target = target.rsplit(".", 1)[-1]
    return f"`{target}`"


def to_markdown(text: str) -> str:
    """The docstring with reST roles as code spans and ``::`` block markers as ``:``."""
    text = _ROLE.sub(_role, text)
    return _LITERAL.sub(r"\1:", text)


class RstToMarkdown(griffe.Extension):
    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = to_markdown(obj.docstring.value)
