"""Closeness checks for arrays, shared by the tests and the chapters.

``assert_close`` compares NumPy arrays, nested lists, scalars and PyTorch tensors
(moved to the CPU) elementwise, like ``torch.testing.assert_close``, and on failure
names the largest deviation and where it is.

Example:
    >>> import numpy as np
    >>> assert_close(np.array([1.0, 2.0]), [1.0, 2.0 + 1e-12], atol=1e-10)
    >>> assert_close([1.0, 2.0], [1.0, 2.5], atol=0.1)
    Traceback (most recent call last):
    ...
    AssertionError: arrays differ: largest absolute deviation 0.5 at index (1,) (actual 2, expected 2.5); allowed atol=0.1 + rtol=1e-07 * |expected|; 1 of 2 elements out of tolerance
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["to_numpy", "to_torch", "assert_close"]


def to_numpy(value: Any) -> np.ndarray:
    """Return ``value`` as a NumPy array; PyTorch tensors are detached and moved to the CPU.

    Args:
        value: an array, a nested list, a scalar or a ``torch.Tensor``.

    Returns:
        An ``np.ndarray`` (a view where possible).

    Example:
        >>> to_numpy([[1, 2]]).shape
        (1, 2)
    """
    if hasattr(value, "detach") and hasattr(
        value, "cpu"
    ):  # a torch.Tensor, without importing torch
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def to_torch(value: Any, dtype: Any = None) -> Any:
    """Return ``value`` as a PyTorch tensor (float64 arrays stay float64).

    Args:
        value: an array, a nested list or a scalar.
        dtype: an optional ``torch.dtype`` to convert to.

    Returns:
        A ``torch.Tensor`` on the CPU.

    Example:
        >>> to_torch([1.0, 2.0]).dtype
        torch.float64
        >>> to_torch(np.arange(3.0)[::-1])  # a reversed view is copied
        tensor([2., 1., 0.], dtype=torch.float64)
    """
    import torch

    tensor = torch.as_tensor(np.ascontiguousarray(value))  # torch refuses negative strides
    return tensor if dtype is None else tensor.to(dtype)


def _describe_deviation(actual: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str:
    """The sentence that names the largest deviation, its index and how many elements fail."""
    a, e = actual.astype(np.float64), expected.astype(np.float64)
    with np.errstate(invalid="ignore"):
        deviation = np.abs(a - e)
        bad = ~np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
    deviation = np.where(np.isnan(deviation) & bad, np.inf, np.nan_to_num(deviation, nan=0.0))
    where = np.unravel_index(int(np.argmax(deviation)), a.shape) if a.size else ()
    index = tuple(int(i) for i in where)
    return (
        f"arrays differ: largest absolute deviation {deviation[where]:.3g} at index {index} "
        f"(actual {a[where]:.6g}, expected {e[where]:.6g}); allowed atol={atol:g} + "
        f"rtol={rtol:g} * |expected|; {int(bad.sum())} of {a.size} elements out of tolerance"
    )


def assert_close(
    actual: Any, expected: Any, *, rtol: float = 1e-7, atol: float = 0.0, msg: str = ""
) -> None:
    """Assert that two arrays have the same shape and agree elementwise within tolerance.

    An element passes when ``|actual - expected| <= atol + rtol * |expected|``; NaNs
    must sit at the same places.

    Args:
        actual: the computed value (array, list, scalar or torch tensor).
        expected: the reference value, same shape.
        rtol: relative tolerance.
        atol: absolute tolerance.
        msg: an optional prefix for the failure message.

    Raises:
        AssertionError: when the shapes differ or some element is out of tolerance; the
            message names the largest deviation and its index.
        ValueError: when a tolerance is negative.

    Example:
        >>> assert_close(0.1 + 0.2, 0.3, rtol=1e-12)
    """
    if rtol < 0 or atol < 0:
        raise ValueError(f"tolerances must be non-negative, got rtol={rtol}, atol={atol}")
    a, e = to_numpy(actual), to_numpy(expected)
    prefix = f"{msg}: " if msg else ""
    if a.shape != e.shape:
        raise AssertionError(f"{prefix}shapes differ: actual {a.shape}, expected {e.shape}")
    if np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=True):
        return
    raise AssertionError(prefix + _describe_deviation(a, e, rtol, atol))
