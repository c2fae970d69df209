"""Headline results: what each chapter achieves, collected for the benchmark table.

A chapter calls :func:`record` in the cell that asserts a measured result. The value is
kept in this process (:func:`recorded`) and, when the environment variable
``DLBOOK_RESULTS`` names a file, appended to it as one JSON line; ``tools/benchmark.py``
sets it while it executes each chapter and shows the results beside the chapter's time
and memory. ``record`` prints nothing, so the reference outputs do not depend on it.

Example:
    >>> record("02_ann/fashion_mnist_mlp_test_accuracy", 0.883, at_least=0.86)
    >>> result = recorded()["02_ann/fashion_mnist_mlp_test_accuracy"]
    >>> result.met, result.target
    (True, '>= 0.86')
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import asdict, dataclass
from numbers import Real
from typing import Any

__all__ = ["Result", "record", "recorded", "ENV_VAR"]

#: The environment variable naming the JSON-lines file that results are appended to.
ENV_VAR = "DLBOOK_RESULTS"

_NAME = re.compile(r"^\d\d_[a-z0-9_]+/[a-z0-9_.\-]+$")
_RECORDED: dict[str, Result] = {}


@dataclass(frozen=True)
class Result:
    """One recorded headline result.

    Attributes:
        name: ``"<chapter>/<what>"``, e.g. ``"05_cnn/cnn_torch_test_accuracy"``.
        value: the measured value.
        at_least: the target's lower bound, if any.
        at_most: the target's upper bound, if any.
        unit: the unit, e.g. ``"s"`` or ``"USD"`` (empty when dimensionless).
    """

    name: str
    value: float
    at_least: float | None = None
    at_most: float | None = None
    unit: str = ""

    @property
    def met(self) -> bool | None:
        """Whether the value meets its target (``None`` without a target)."""
        if self.at_least is None and self.at_most is None:
            return None
        return (self.at_least is None or self.value >= self.at_least) and (
            self.at_most is None or self.value <= self.at_most
        )

    @property
    def target(self) -> str:
        """The target as text, e.g. ``">= 0.91"`` or ``"0.1 .. 0.2"`` (empty without one)."""
        if self.at_least is not None and self.at_most is not None:
            return f"{self.at_least:g} .. {self.at_most:g}"
        if self.at_least is not None:
            return f">= {self.at_least:g}"
        return "" if self.at_most is None else f"<= {self.at_most:g}"


def _as_finite(value: Any, what: str) -> float:
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:  # NumPy or torch scalars
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"record: {what} must be a real number, got {type(value).__name__} {value!r:.60}"
        )
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"record: {what} must be finite, got {number}")
    return number


def record(
    name: str,
    value: Any,
    *,
    at_least: Any = None,
    at_most: Any = None,
    unit: str = "",
) -> None:
    """Record a chapter's headline result (it returns nothing, so a cell that ends with it shows nothing).

    Args:
        name: ``"<chapter stem>/<snake_case>"``, e.g. ``"03_backprop/adam_max_deviation"``.
        value: a finite real number (Python, NumPy or a 0-d tensor).
        at_least: the target's lower bound, if the result has one.
        at_most: the target's upper bound, if the result has one.
        unit: the unit shown beside the value.

    Recording the same name again replaces the earlier value.

    Raises:
        TypeError: when ``name`` is not a string or a number is not real.
        ValueError: when ``name`` is malformed or a number is not finite.

    Example:
        >>> record("04_convolution_math/im2col_torch_time_ratio", 1.6, at_most=5)
        >>> recorded()["04_convolution_math/im2col_torch_time_ratio"].met
        True
    """
    if not isinstance(name, str):
        raise TypeError(f"record: name must be a string, got {type(name).__name__}")
    if not _NAME.match(name):
        raise ValueError(
            f"record: name must look like '05_cnn/cnn_torch_test_accuracy' "
            f"(chapter stem, '/', lower-case snake_case), got {name!r}"
        )
    if not isinstance(unit, str):
        raise TypeError(f"record: unit must be a string, got {type(unit).__name__}")
    result = Result(
        name=name,
        value=_as_finite(value, "value"),
        at_least=None if at_least is None else _as_finite(at_least, "at_least"),
        at_most=None if at_most is None else _as_finite(at_most, "at_most"),
        unit=unit,
    )
    _RECORDED[name] = result
    path = os.environ.get(ENV_VAR)
    if path:
        with open(path, "a", encoding="utf-8") as stream:
            stream.write(json.dumps({**asdict(result), "met": result.met}) + "\n")


def recorded() -> dict[str, Result]:
    """The results recorded in this process so far, by name.

    Example:
        >>> "02_ann/fashion_mnist_mlp_test_accuracy" in recorded()
        True
    """
    return dict(_RECORDED)
