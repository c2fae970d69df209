"""Weight initialisation: Xavier/Glorot (for tanh and sigmoid) and He/Kaiming (for ReLU).

Both schemes pick the variance of the random weights so that signals keep
roughly the same scale from layer to layer:

- Xavier/Glorot: ``Var(w) = 2 / (fan_in + fan_out)``, a compromise between
  keeping the forward activations (``1 / fan_in``) and the backward gradients
  (``1 / fan_out``) at constant variance.
- He/Kaiming: ``Var(w) = 2 / fan_in``; the factor 2 makes up for ReLU zeroing
  half of its inputs.

Each has a normal version, ``N(0, Var)``, and a uniform version, ``U(-a, a)`` with
``a = sqrt(3 * Var)`` (a uniform distribution on ``[-a, a]`` has variance ``a**2 / 3``).

``fan_in`` is the number of inputs of one unit and ``fan_out`` the number of
units it feeds. The functions take both and return, by default, an array of
shape ``(fan_in, fan_out)``: the layout of a dense layer computing ``x @ W`` for a
batch ``x`` of shape ``(batch, fan_in)``. Pass ``shape`` for another layout, e.g.
``shape=(fan_out, fan_in)`` for ``W @ x`` (PyTorch's ``nn.Linear``), or
``shape=(C_out, C_in, k, k)`` with ``fan_in = C_in * k * k`` and
``fan_out = C_out * k * k`` for a convolution kernel.

Example:
    >>> import numpy as np
    >>> W = he_normal(784, 256, np.random.default_rng(0))
    >>> W.shape, W.dtype
    ((784, 256), dtype('float64'))
    >>> round(float(W.var()) * 784 / 2, 2)  # close to 1: Var(w) = 2 / fan_in
    1.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from dlbook._docstrings import fill_docstring
from dlbook.validation import check_positive_int, check_rng

__all__ = ["xavier_uniform", "xavier_normal", "he_uniform", "he_normal"]


#: The Args, Returns, Shape and Raises sections the four functions share, said once.
_SHARED_SECTIONS = """
Args:
    fan_in: the number of inputs of each unit.
    fan_out: the number of outputs.
    rng: the random generator.
    shape: the shape of the result; ``(fan_in, fan_out)`` when omitted.

Returns:
    A float64 array of weights.

Shape:
    ``(fan_in, fan_out)``, or ``shape``.

Raises:
    TypeError: if a fan or a size is not an integer, or ``rng`` is not a
        ``np.random.Generator``.
    ValueError: if a fan or a size is smaller than 1.
"""
_shared_docstring = fill_docstring(shared_sections=_SHARED_SECTIONS)


def _check_arguments(
    fan_in: int, fan_out: int, rng: np.random.Generator, shape: int | Sequence[int] | None
) -> tuple[int, int, tuple[int, ...]]:
    """Validate the common arguments; return ``fan_in``, ``fan_out`` and the output shape."""
    fan_in = check_positive_int(fan_in, "fan_in")
    fan_out = check_positive_int(fan_out, "fan_out")
    check_rng(rng)
    if shape is None:
        return fan_in, fan_out, (fan_in, fan_out)
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    if not isinstance(shape, Sequence):
        raise TypeError(
            f"shape must be a tuple of positive integers; got {type(shape).__name__} {shape!r}"
        )
    return (
        fan_in,
        fan_out,
        tuple(check_positive_int(size, f"shape[{i}]") for i, size in enumerate(shape)),
    )


@_shared_docstring
def xavier_uniform(
    fan_in: int, fan_out: int, rng: np.random.Generator, *, shape: int | Sequence[int] | None = None
) -> np.ndarray:
    """Xavier/Glorot uniform weights: ``U(-a, a)`` with ``a = sqrt(6 / (fan_in + fan_out))``.

    The variance is ``a**2 / 3 = 2 / (fan_in + fan_out)``, as for ``torch.nn.init.xavier_uniform_``
    with its default gain of 1.

    {shared_sections}

    Example:
        >>> W = xavier_uniform(3, 2, np.random.default_rng(0))
        >>> W.shape, bool(np.abs(W).max() <= np.sqrt(6 / 5))
        ((3, 2), True)
    """
    fan_in, fan_out, shape = _check_arguments(fan_in, fan_out, rng, shape)
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=shape)


@_shared_docstring
def xavier_normal(
    fan_in: int, fan_out: int, rng: np.random.Generator, *, shape: int | Sequence[int] | None = None
) -> np.ndarray:
    """Xavier/Glorot normal weights: ``N(0, 2 / (fan_in + fan_out))``.

    The standard deviation is ``sqrt(2 / (fan_in + fan_out))``, as for
    ``torch.nn.init.xavier_normal_`` with its default gain of 1 (not truncated).

    {shared_sections}

    Example:
        >>> xavier_normal(2, 3, np.random.default_rng(0), shape=(3, 2)).shape
        (3, 2)
    """
    fan_in, fan_out, shape = _check_arguments(fan_in, fan_out, rng, shape)
    std = math.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, size=shape)


@_shared_docstring
def he_uniform(
    fan_in: int, fan_out: int, rng: np.random.Generator, *, shape: int | Sequence[int] | None = None
) -> np.ndarray:
    """He/Kaiming uniform weights for ReLU layers: ``U(-a, a)`` with ``a = sqrt(6 / fan_in)``.

    The variance is ``a**2 / 3 = 2 / fan_in``, as for
    ``torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")`` (fan-in mode).
    ``fan_out`` only sets the default shape.

    {shared_sections}

    Example:
        >>> W = he_uniform(6, 4, np.random.default_rng(0))
        >>> bool(np.abs(W).max() <= 1.0)  # a = sqrt(6 / 6)
        True
    """
    fan_in, fan_out, shape = _check_arguments(fan_in, fan_out, rng, shape)
    bound = math.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound, size=shape)


@_shared_docstring
def he_normal(
    fan_in: int, fan_out: int, rng: np.random.Generator, *, shape: int | Sequence[int] | None = None
) -> np.ndarray:
    """He/Kaiming normal weights for ReLU layers: ``N(0, 2 / fan_in)``.

    The standard deviation is ``sqrt(2 / fan_in)``, as for
    ``torch.nn.init.kaiming_normal_(w, nonlinearity="relu")`` (fan-in mode, not
    truncated). ``fan_out`` only sets the default shape.

    {shared_sections}

    Example:
        >>> kernel = he_normal(3 * 3 * 3, 16 * 3 * 3, np.random.default_rng(0), shape=(16, 3, 3, 3))
        >>> kernel.shape
        (16, 3, 3, 3)
    """
    fan_in, fan_out, shape = _check_arguments(fan_in, fan_out, rng, shape)
    std = math.sqrt(2.0 / fan_in)
    return rng.normal(0.0, std, size=shape)
