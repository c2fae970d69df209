"""The Reber grammar: a small synthetic language whose strings a program can check.

A Reber string is a walk through a six-state automaton (Reber, 1967), for example ``BTSSXXTVVE``:
it starts with ``B``, ends with ``E``, and in between follows the arrows below, choosing each
branch with probability 1/2::

    state 0: T -> 1, P -> 2        state 3: X -> 2, S -> 5
    state 1: S -> 1, X -> 3        state 4: P -> 3, V -> 5
    state 2: T -> 2, V -> 4        state 5: E (the end)

The *embedded* Reber grammar wraps a Reber string as ``B T <reber> T E`` or ``B P <reber> P E``: the
second symbol must be repeated as the second to last, however long the string in between, a
long-range dependency that a model has to remember. :func:`is_reber` checks a string against either
grammar, :func:`reber_string` draws one.

Example:
    >>> is_reber("BTSSXXTVVE", embedded=False), is_reber("BTSSXXTVPE", embedded=False)
    (True, False)
    >>> is_reber("BPBTXSEPE"), is_reber("BPBTXSETE")
    (True, False)
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["REBER_SYMBOLS", "REBER_TRANSITIONS", "reber_string", "is_reber"]

#: The seven symbols of the grammar.
REBER_SYMBOLS = "BTPSXVE"

#: ``state -> ((symbol, next state), (symbol, next state))``; state 5 emits E and stops.
REBER_TRANSITIONS: dict[int, tuple[tuple[str, int], ...]] = {
    0: (("T", 1), ("P", 2)),
    1: (("S", 1), ("X", 3)),
    2: (("T", 2), ("V", 4)),
    3: (("X", 2), ("S", 5)),
    4: (("P", 3), ("V", 5)),
}


def _plain(rng: np.random.Generator) -> str:
    symbols, state = ["B"], 0
    while state != 5:
        symbol, state = REBER_TRANSITIONS[state][rng.integers(2)]
        symbols.append(symbol)
    return "".join(symbols) + "E"


def reber_string(rng: Any = None, *, embedded: bool = True) -> str:
    """Draw one string of the (embedded) Reber grammar, each branch with probability 1/2.

    Args:
        rng: a ``np.random.Generator``, a seed or None.
        embedded: wrap the string as ``B T ... T E`` or ``B P ... P E``.

    Returns:
        The string, e.g. ``"BTBPVVETE"``.

    Example:
        >>> s = reber_string(0)
        >>> is_reber(s), s[1] == s[-2]
        (True, True)
    """
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    inner = _plain(rng)
    if not embedded:
        return inner
    side = "TP"[rng.integers(2)]
    return "B" + side + inner + side + "E"


def _accepts_plain(s: str) -> bool:
    if len(s) < 2 or s[0] != "B" or s[-1] != "E":
        return False
    state = 0
    for symbol in s[1:-1]:
        moves = dict(REBER_TRANSITIONS.get(state, ()))
        if symbol not in moves:
            return False
        state = moves[symbol]
    return state == 5


def is_reber(string: str, *, embedded: bool = True) -> bool:
    """Whether a string belongs to the (embedded) Reber grammar.

    Args:
        string: the candidate, e.g. ``"BTBTXSETE"``.
        embedded: check the embedded grammar (``B T <reber> T E`` or ``B P <reber> P E``).

    Returns:
        True for a grammatical string.

    Raises:
        TypeError: when ``string`` is not a str.

    Example:
        >>> is_reber("BTBTXSETE"), is_reber("BTBTXSEPE"), is_reber("BTXSE")
        (True, False, False)
    """
    if not isinstance(string, str):
        raise TypeError(f"expected a str such as 'BTXSE', got {type(string).__name__}")
    if not embedded:
        return _accepts_plain(string)
    return (
        len(string) >= 4
        and string[0] == "B"
        and string[-1] == "E"
        and string[1] in "TP"
        and string[-2] == string[1]
        and _accepts_plain(string[2:-2])
    )
