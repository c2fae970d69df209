"""Input checks shared by dlbook's public functions.

Every check raises ``TypeError`` or ``ValueError`` with a message that says what
was expected and what was given, so a reader's mistake is easy to locate.

Example:
    >>> import numpy as np
    >>> as_array([[1, 2], [3, 4]], "x", ndim=2).shape
    (2, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "as_array",
    "as_float_array",
    "check_positive_int",
    "check_positive_number",
    "check_non_negative",
    "check_unit_interval",
    "check_rng",
    "check_choice",
]


def as_array(
    value: Any,
    name: str,
    *,
    ndim: int | Sequence[int] | None = None,
    shape: Sequence[int | None] | None = None,
    numeric: bool = True,
) -> np.ndarray:
    """Convert ``value`` to a NumPy array and check its dimensions.

    Args:
        value: anything ``np.asarray`` accepts.
        name: the argument's name, used in error messages.
        ndim: the allowed number of dimensions (an int or several).
        shape: the expected shape; ``None`` entries match any length.
        numeric: require a boolean, integer or floating dtype.

    Returns:
        The value as an ``np.ndarray`` (not copied when already one).

    Raises:
        TypeError: when the value is not array-like or not numeric.
        ValueError: when the number of dimensions or the shape is wrong.

    Example:
        >>> as_array([1.0, 2.0], "w", shape=(2,))
        array([1., 2.])
    """
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and similar
        raise TypeError(f"{name} must be array-like; got {type(value).__name__} ({exc})") from exc
    if numeric and arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold numbers (bool, int or float); got dtype {arr.dtype} "
            f"from a {type(value).__name__}"
        )
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, Integral) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(
                f"{name} must have {want} dimensions; got shape {arr.shape} ({arr.ndim} dimensions)"
            )
    if shape is not None:
        want_shape = tuple(shape)
        ok = arr.ndim == len(want_shape) and all(
            w is None or w == g for w, g in zip(want_shape, arr.shape)
        )
        if not ok:
            pretty = (
                "("
                + ", ".join("any" if w is None else str(w) for w in want_shape)
                + ("," if len(want_shape) == 1 else "")
                + ")"
            )
            raise ValueError(f"{name} must have shape {pretty}; got shape {arr.shape}")
    return arr


def as_float_array(
    value: ArrayLike,
    name: str,
    *,
    ndim: int | Sequence[int] | None = None,
    shape: Sequence[int | None] | None = None,
) -> np.ndarray:
    """Like :func:`as_array`, then floats: float16/32/64 stay as they are, bools and ints become float64.

    Example:
        >>> as_float_array([1, 2], "x").dtype, as_float_array(np.ones(2, np.float32), "x").dtype
        (dtype('float64'), dtype('float32'))
    """
    arr = as_array(value, name, ndim=ndim, shape=shape)
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)


def check_positive_int(value: Any, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int after checking it is an integer >= ``minimum``.

    Example:
        >>> check_positive_int(3, "epochs")
        3
    """
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    return int(value)


def _check_real(value: Any, name: str, *, allow_zero: bool) -> float:
    """Return ``value`` as a float after checking it is a finite real number above 0 (or at 0)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__} {value!r}")
    number = float(value)
    if not np.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        raise ValueError(
            f"{name} must be finite and {'>= 0' if allow_zero else '> 0'}; got {number}"
        )
    return number


def check_positive_number(value: Any, name: str) -> float:
    """Return ``value`` as a float after checking it is a finite real number > 0.

    Example:
        >>> check_positive_number(0.1, "lr")
        0.1
    """
    return _check_real(value, name, allow_zero=False)


def check_non_negative(value: Any, name: str) -> float:
    """Return ``value`` as a float after checking it is a finite real number >= 0.

    Example:
        >>> check_non_negative(0, "weight_decay")
        0.0
    """
    return _check_real(value, name, allow_zero=True)


def check_unit_interval(value: Any, name: str) -> float:
    """Return ``value`` as a float after checking ``0 <= value < 1`` (a probability or a decay rate).

    Example:
        >>> check_unit_interval(0.9, "beta1")
        0.9
    """
    if isinstance(value, Real) and not isinstance(value, bool) and not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1); got {value}")
    return check_non_negative(value, name)  # the type check


def check_rng(rng: Any, name: str = "rng", *, allow_seed: bool = False) -> np.random.Generator:
    """Return ``rng`` after checking it is a ``np.random.Generator``.

    With ``allow_seed=True`` an integer seed or ``None`` (fresh entropy) is accepted too and turned
    into ``np.random.default_rng(rng)``.

    Example:
        >>> isinstance(check_rng(np.random.default_rng(0)), np.random.Generator)
        True
        >>> check_rng(0, allow_seed=True).integers(10) == np.random.default_rng(0).integers(10)
        np.True_
    """
    if isinstance(rng, np.random.Generator):
        return rng
    is_seed = isinstance(rng, Integral) and not isinstance(rng, bool)
    if allow_seed and (rng is None or is_seed):
        return np.random.default_rng(rng)
    if allow_seed:
        raise TypeError(
            f"{name} must be a numpy.random.Generator, an integer seed or None; got {type(rng).__name__}"
        )
    raise TypeError(
        f"{name} must be a np.random.Generator (np.random.default_rng(seed)); got {type(rng).__name__}"
    )


def check_choice(value: Any, name: str, choices: Sequence[Any]) -> Any:
    """Return ``value`` after checking it is one of ``choices``.

    Example:
        >>> check_choice("train", "split", ("train", "test"))
        'train'
    """
    if value not in choices:
        raise ValueError(
            f"{name} must be one of {', '.join(repr(c) for c in choices)}; got {value!r}"
        )
    return value
