"""Docstring sections that several functions share, written once.

A function's docstring holds a placeholder line such as ``{elementwise_shape}``;
:func:`fill_docstring` replaces it by the shared text, indented like the placeholder, when the
module is imported (the way ``torch.nn.functional`` shares ``convolution_notes``). Sphinx, ``help()``
and doctest all read the filled docstring.

Example:
    >>> @fill_docstring(shape="Shape:\\n    Output has the shape of ``x``.")
    ... def double(x):
    ...     '''Twice ``x``.
    ...
    ...     {shape}
    ...     '''
    ...     return 2 * x
    >>> print(double.__doc__.strip())
    Twice ``x``.
    <BLANKLINE>
        Shape:
            Output has the shape of ``x``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def fill_docstring(**fragments: str) -> Callable[[F], F]:
    """Return a decorator that puts each ``fragments[name]`` at the ``{name}`` line of a docstring.

    Raises:
        ValueError: when a placeholder is missing from the docstring (a fragment would be lost).
    """

    def decorate(function: F) -> F:
        lines = (function.__doc__ or "").split("\n")
        for name, text in fragments.items():
            places = [i for i, line in enumerate(lines) if line.strip() == "{" + name + "}"]
            if not places:
                raise ValueError(f"{function.__qualname__}'s docstring has no {{{name}}} line")
            for i in places:
                indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
                lines[i] = textwrap.indent(textwrap.dedent(text).strip("\n"), indent)
        function.__doc__ = "\n".join(lines)
        return function

    return decorate
