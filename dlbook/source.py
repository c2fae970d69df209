"""Show dlbook's real source code in a notebook.

``show_source`` returns an object that Jupyter displays as a highlighted code block
(Markdown with a fenced ``python`` block: the book, JupyterLab and Colab all render
it) and whose plain-text form is the code itself, which nbval compares. Chapters use
it instead of re-typing code, so what a reader sees can never drift from the package,
and it works the same after ``pip install dlbook``, away from the repository.

Example:
    >>> from dlbook.perceptron import perceptron_predict
    >>> print(show_source(perceptron_predict, start="return"))  # doctest: +ELLIPSIS
    def perceptron_predict(...) -> ...:
        ...
        return ...
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass
from typing import Any

__all__ = ["SourceCode", "show_source"]


@dataclass(frozen=True)
class SourceCode:
    """A piece of source code that displays as a code block.

    Attributes:
        code: the code, dedented, without a trailing newline.
        origin: where it comes from, e.g. ``dlbook.optim.adam_update``.
        language: the language named in the code fence.
    """

    code: str
    origin: str
    language: str = "python"

    def __str__(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return self.code

    def _repr_markdown_(self) -> str:
        fence = "`" * max(3, _longest_backtick_run(self.code) + 1)
        return f"{fence}{self.language}\n{self.code}\n{fence}\n"


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest


def _qualified_name(obj: Any) -> str:
    if inspect.ismodule(obj):
        return obj.__name__
    module, name = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    return f"{module}.{name}" if module and name else repr(obj)[:80]


def _find(lines: list[str], marker: str, begin: int, what: str, origin: str) -> int:
    for i in range(begin, len(lines)):
        if marker in lines[i]:
            return i
    raise ValueError(
        f"show_source: the {what} marker {marker!r} is not in the source of {origin}"
        + (" after the start marker" if what == "end" and begin else "")
    )


def _signature_lines(lines: list[str]) -> list[str]:
    """The ``def ...:`` header of a function's source (decorators and docstring left out)."""
    tree = ast.parse("\n".join(lines))
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return []
    first_body = node.body[0]
    return lines[node.lineno - 1 : first_body.lineno - 1]


def show_source(
    obj: Any, start: str | None = None, end: str | None = None, *, signature: bool = True
) -> SourceCode:
    """Return the source of a function, class or module, or the part between two markers.

    Args:
        obj: a Python function, method, class or module that has source code.
        start: a substring of the first line to show (inclusive); ``None`` starts at the top.
        end: a substring of the last line to show (inclusive), searched after ``start``;
            ``None`` runs to the end.
        signature: when ``start`` cuts into a function or class, show its ``def``/``class``
            header first, followed by ``...``.

    Returns:
        A :class:`SourceCode` that notebooks display as a highlighted code block.

    Raises:
        TypeError: when ``obj`` has no Python source (a built-in, a C extension, a value).
        ValueError: when a marker is empty or does not occur in the source.

    Example:
        >>> from dlbook.activations import relu
        >>> show_source(relu).code.startswith("def relu(")
        True
    """
    origin = _qualified_name(obj)
    try:
        raw = inspect.getsource(obj)
    except (TypeError, OSError) as exc:
        raise TypeError(
            f"show_source: expected a Python function, class or module with source code, "
            f"got {type(obj).__name__} {obj!r:.80} ({exc})"
        ) from None
    for what, marker in (("start", start), ("end", end)):
        if marker is not None and (not isinstance(marker, str) or not marker.strip()):
            raise ValueError(
                f"show_source: the {what} marker must be a non-empty string, got {marker!r}"
            )
    lines = textwrap.dedent(raw).rstrip("\n").split("\n")
    first = 0 if start is None else _find(lines, start, 0, "start", origin)
    last = len(lines) - 1 if end is None else _find(lines, end, first, "end", origin)
    chosen = lines[first : last + 1]
    header = _signature_lines(lines) if signature and first > 0 else []
    if header and first >= len(header):
        indent = chosen[0][: len(chosen[0]) - len(chosen[0].lstrip())] or "    "
        return SourceCode(code="\n".join([*header, f"{indent}...", *chosen]), origin=origin)
    return SourceCode(code=textwrap.dedent("\n".join(chosen)), origin=origin)
