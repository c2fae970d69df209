r"""Finite-difference gradient checking: is a hand-written backward pass right?

The derivative of a scalar function f with respect to one entry :math:`x_i` is
approximated by the central difference

.. math::

    \frac{\partial f}{\partial x_i} \approx \frac{f(x + \epsilon e_i) - f(x - \epsilon e_i)}{2\epsilon}

whose error shrinks like :math:`\epsilon^2` (the one-sided difference only
like :math:`\epsilon`). Doing this for every entry costs two evaluations of f
per entry, far too slow for training but perfect for testing a backward pass
on a small example. Use float64: in float32 the rounding error of f swamps the
difference for :math:`\epsilon = 10^{-6}`.

Example:
    >>> import numpy as np
    >>> x = np.array([1.0, -2.0, 3.0])
    >>> result = check_gradient(lambda v: np.sum(v ** 2), x, analytic_grad=2 * x)
    >>> result.passed
    True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from dlbook.validation import as_array, check_positive_number

__all__ = [
    "GradientCheck",
    "check_gradient",
    "check_gradients",
    "numerical_gradient",
    "relative_error",
]

#: The smallest positive normal float64 (about 2.2e-308): the floor of the denominator
#: in :func:`relative_error`, so that comparing two zero gradients gives 0 instead of 0/0.
TINY = float(np.finfo(np.float64).tiny)


@dataclass(frozen=True)
class GradientCheck:
    """The outcome of a gradient check (returned by :func:`check_gradient`)."""

    #: :func:`relative_error` between the numerical and the analytic gradient.
    relative_error: float
    #: Whether ``relative_error`` is below the tolerance (``False`` for nan).
    passed: bool
    #: The finite-difference gradient.
    numerical: np.ndarray = field(repr=False)
    #: The gradient that was checked.
    analytic: np.ndarray = field(repr=False)


def _scalar_output(value: Any) -> float:
    """Return the value of f as a float, checking that f returned a single number."""
    arr = np.asarray(value)
    if arr.size != 1 or arr.dtype.kind not in "biuf":
        raise ValueError(
            f"f must return a single real number; got {type(value).__name__} of shape {arr.shape}"
        )
    return float(arr.item())


def numerical_gradient(
    f: Callable[[np.ndarray], Any], x: ArrayLike, eps: float = 1e-6
) -> np.ndarray:
    r"""The gradient of a scalar function f at x, by central differences.

    Each entry :math:`x_i` in turn is set to :math:`x_i + \epsilon` and to
    :math:`x_i - \epsilon`, f is evaluated, and the entry is restored to its
    exact original value (also when f raises). The array is perturbed in place,
    so f may read x through a closure (e.g. a model's weights) as well as
    through its argument; when this function returns, x is unchanged.
    Anything that is not a float64 NumPy array (a list, an integer array) is
    first copied to float64, and then only f's argument sees the changes.

    The difference is divided by the step actually taken,
    :math:`(x_i + \epsilon) - (x_i - \epsilon)`, which differs slightly from
    :math:`2\epsilon` because both values are rounded to float64.

    Args:
        f: a function of one array returning a single number.
        x: the point, an array of any shape (float64 when it is an ndarray).
        eps: the step :math:`\epsilon`, a positive number.

    Returns:
        The approximate gradient :math:`\partial f / \partial x`, as float64.

    Shape:
        Output has the shape of ``x``.

    Raises:
        TypeError: if ``x`` is a NumPy array of float16 or float32 (too imprecise).
        ValueError: if ``eps`` is not positive or f does not return a single number.

    Example:
        >>> x = np.array([[0.0, 1.0], [2.0, 3.0]])
        >>> print(np.round(numerical_gradient(lambda v: np.sum(v ** 3), x), 6))
        [[ 0.  3.]
         [12. 27.]]
    """
    eps = check_positive_number(eps, "eps")
    if isinstance(x, np.ndarray) and x.dtype.kind == "f" and x.dtype != np.float64:
        raise TypeError(
            f"x must be float64 for finite differences (the rounding error of {x.dtype} swamps a step of {eps}); "
            f"got dtype {x.dtype}: use x.astype(np.float64)"
        )
    point = (
        x
        if isinstance(x, np.ndarray) and x.dtype == np.float64
        else as_array(x, "x").astype(np.float64)
    )
    if not point.flags.writeable:
        point = point.copy()
    grad = np.zeros_like(point)
    for index in np.ndindex(point.shape):  # every entry, whatever the shape
        original = point[index]
        try:
            point[index] = original + eps
            x_plus, f_plus = point[index], _scalar_output(f(point))
            point[index] = original - eps
            x_minus, f_minus = point[index], _scalar_output(f(point))
        finally:
            point[index] = original  # restore exactly, never by subtracting eps again
        grad[index] = (f_plus - f_minus) / (x_plus - x_minus)
    return grad


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    r"""Norm-wise relative error :math:`\max_i |a_i - b_i| \,/\, \max(\max_i (|a_i| + |b_i|), \mathrm{tiny})`.

    The largest absolute difference is measured against the size of the
    gradients themselves, so the result does not depend on the scale of the
    loss. It lies in [0, 1]: 0 means identical, 1 means unrelated (for example
    opposite signs). Because the denominator is the largest entry, tiny entries
    of a large gradient (where finite differences have only absolute accuracy)
    cannot dominate, unlike an entrywise relative error. ``tiny`` is the smallest
    normal float64 (``TINY``), so two zero gradients give 0. With float64 and
    central differences, a correct gradient typically gives 1e-7 or less; a
    bug typically gives 1e-2 or more. Any nan gives nan.

    Args:
        a: an array (e.g. the numerical gradient).
        b: an array of the same shape (e.g. the analytic gradient).

    Returns:
        The relative error, a float in [0, 1] (0 for empty arrays).

    Shape:
        a and b: the same shape, any.

    Raises:
        ValueError: if the shapes differ.

    Example:
        >>> print(round(relative_error([1.0, 2.0], [1.0, 2.1]), 6))  # 0.1 / (2 + 2.1)
        0.02439
        >>> print(relative_error([0.0, 0.0], [0.0, 0.0]))
        0.0
    """
    a = as_array(a, "a").astype(np.float64)
    b = as_array(b, "b").astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got a {a.shape} and b {b.shape}")
    if a.size == 0:
        return 0.0
    largest_difference = np.max(np.abs(a - b))
    scale = np.max(np.abs(a) + np.abs(b))
    return float(largest_difference / max(scale, TINY))


def check_gradient(
    f: Callable[[np.ndarray], Any],
    x: ArrayLike,
    analytic_grad: ArrayLike | Callable[[np.ndarray], ArrayLike],
    eps: float = 1e-6,
    tol: float = 1e-6,
) -> GradientCheck:
    """Compare an analytic gradient of f at x with central differences.

    Args:
        f: a function of one array returning a single number.
        x: the point (see :func:`numerical_gradient` for how it is perturbed).
        analytic_grad: the gradient to check, an array shaped like ``x``, or a
            function that computes it from ``x`` (called once, before any perturbation).
        eps: the finite-difference step.
        tol: the largest :func:`relative_error` that counts as passed.

    Returns:
        A :class:`GradientCheck` with ``relative_error``, ``passed`` and both gradients.

    Shape:
        x and the analytic gradient: the same shape, any.

    Raises:
        ValueError: if the gradient's shape differs from x's, or ``eps`` or ``tol`` is not positive.

    Example:
        >>> x = np.array([0.5, -1.0])
        >>> good = check_gradient(lambda v: np.sum(np.sin(v)), x, analytic_grad=np.cos)
        >>> bad = check_gradient(lambda v: np.sum(np.sin(v)), x, analytic_grad=-np.cos(x))
        >>> good.passed, bad.passed
        (True, False)
        >>> good.relative_error < 1e-9
        True
    """
    tol = check_positive_number(tol, "tol")
    analytic = analytic_grad(x) if callable(analytic_grad) else analytic_grad
    analytic = as_array(analytic, "analytic_grad").astype(np.float64)
    x_shape = np.shape(x)
    if analytic.shape != x_shape:
        raise ValueError(
            f"analytic_grad must have the shape of x; got analytic_grad {analytic.shape} and x {x_shape}"
        )
    numerical = numerical_gradient(f, x, eps=eps)
    error = relative_error(numerical, analytic)
    return GradientCheck(
        relative_error=error, passed=bool(error < tol), numerical=numerical, analytic=analytic
    )


def check_gradients(
    f: Callable[[], Any],
    params: Mapping[str, np.ndarray],
    grads: Mapping[str, ArrayLike],
    eps: float = 1e-6,
    tol: float = 1e-6,
) -> dict[str, GradientCheck]:
    """Check the gradients of a loss with respect to several parameter arrays at once.

    ``f`` takes no arguments and reads the parameters itself (a closure over the
    model). Each parameter array is perturbed in place, one entry at a time, and
    restored, so the arrays in ``params`` must be the very arrays ``f`` uses:
    float64 NumPy arrays, not copies or lists.

    Args:
        f: a function of no arguments returning the loss, a single number.
        params: parameter name -> float64 array used by ``f``.
        grads: parameter name -> analytic gradient of the loss, same keys and shapes.
        eps: the finite-difference step.
        tol: the largest :func:`relative_error` that counts as passed.

    Returns:
        Parameter name -> :class:`GradientCheck`, in the order of ``params``.

    Raises:
        TypeError: if a parameter is not a writeable float64 NumPy array.
        ValueError: if the keys of ``params`` and ``grads`` differ or a gradient has the wrong shape.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), np.zeros(2)
        >>> loss = lambda: np.sum((x @ W + b) ** 2)
        >>> grad_output = 2 * (x @ W + b)
        >>> grads = {"W": x.T @ grad_output, "b": grad_output.sum(axis=0)}
        >>> results = check_gradients(loss, {"W": W, "b": b}, grads)
        >>> all(r.passed for r in results.values())
        True
    """
    if set(params) != set(grads):
        raise ValueError(
            f"params and grads must have the same keys; got params {sorted(params)} and grads {sorted(grads)}"
        )
    results = {}
    for name, value in params.items():
        if (
            not isinstance(value, np.ndarray)
            or value.dtype != np.float64
            or not value.flags.writeable
        ):
            if isinstance(value, np.ndarray):
                described = f"a {'read-only ' if not value.flags.writeable else ''}array of dtype {value.dtype}"
            else:
                described = type(value).__name__
            raise TypeError(
                f"params[{name!r}] must be a writeable float64 NumPy array (it is perturbed in place so that "
                f"f sees the change); got {described}"
            )
        grad = as_array(grads[name], f"grads[{name!r}]")
        if grad.shape != value.shape:
            raise ValueError(
                f"grads[{name!r}] must have the shape of params[{name!r}]; got {grad.shape} and {value.shape}"
            )
        results[name] = check_gradient(lambda _unused: f(), value, grad, eps=eps, tol=tol)
    return results
