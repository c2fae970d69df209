"""Regularisation: inverted dropout and the L2 weight penalty, with their gradients.

Inverted dropout zeroes each activation with probability ``p`` during training and
divides the survivors by ``1 - p``, so the expected output equals the input and
nothing needs rescaling at test time (``training=False`` returns the input).

The L2 penalty adds ``(lam / (2 n)) * sum(w**2)`` to the cost, where ``n`` is the
number of training examples; its gradient ``(lam / n) * w`` is what SGD's
``weight_decay = lam / n`` adds to the gradient.

Example:
    >>> import numpy as np
    >>> out, mask = dropout(np.ones(6), 0.5, np.random.default_rng(0))
    >>> out  # kept entries are scaled by 1 / (1 - p) = 2
    array([2., 0., 0., 0., 2., 2.])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from dlbook.validation import (
    as_array,
    as_float_array,
    check_non_negative,
    check_positive_int,
    check_rng,
    check_unit_interval,
)

__all__ = ["dropout", "dropout_backward", "l2_penalty"]


def dropout(
    x: ArrayLike, p: float, rng: np.random.Generator, training: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Inverted dropout: zero each entry with probability ``p``, scale the rest by ``1 / (1 - p)``.

    ``mask = (u >= p)`` with ``u`` uniform on [0, 1), so each entry is kept with
    probability ``1 - p``, and ``out = x * mask / (1 - p)``; hence
    ``E[out] = x``. With ``training=False`` the input is returned unchanged
    (as a copy) and the mask keeps everything.

    Args:
        x: the activations.
        p: the probability of dropping an entry, in [0, 1).
        rng: the random generator that draws the mask.
        training: apply dropout (``True``) or act as the identity (``False``).

    Returns:
        ``(out, mask)``: the output and the boolean mask of kept entries, to pass
        to :func:`dropout_backward`.

    Shape:
        ``out`` and ``mask`` have the shape of ``x``.

    Raises:
        TypeError: if ``x`` is not numeric, ``p`` is not a number or ``rng`` is not
            a ``np.random.Generator``.
        ValueError: if ``p`` is outside [0, 1).

    Example:
        >>> x = np.array([[1.0, 2.0], [3.0, 4.0]])
        >>> out, mask = dropout(x, 0.25, np.random.default_rng(1))
        >>> mask
        array([[ True,  True],
               [False,  True]])
        >>> np.round(out, 4)  # kept entries divided by 0.75
        array([[1.3333, 2.6667],
               [0.    , 5.3333]])
    """
    x = as_float_array(x, "x")
    p = check_unit_interval(p, "the drop probability p")
    check_rng(rng)
    if not training:
        return x.copy(), np.ones(x.shape, dtype=bool)
    mask = rng.random(x.shape) >= p  # True with probability 1 - p
    return x * mask / (1 - p), mask


def dropout_backward(grad_output: ArrayLike, mask: ArrayLike, p: float) -> np.ndarray:
    """The gradient of :func:`dropout` with respect to its input: ``grad_output * mask / (1 - p)``.

    Dropout with a fixed mask is a linear, element-wise map, so the upstream
    gradient passes through the kept entries with the same scale factor and is
    zero at the dropped ones.

    Args:
        grad_output: the gradient of the loss with respect to dropout's output.
        mask: the mask returned by :func:`dropout` (boolean, or 0/1).
        p: the drop probability used in the forward pass, in [0, 1).

    Returns:
        The gradient with respect to dropout's input.

    Shape:
        ``grad_output``, ``mask`` and the result share one shape.

    Raises:
        TypeError: if an argument is not numeric.
        ValueError: if the shapes differ or ``p`` is outside [0, 1).

    Example:
        >>> dropout_backward(np.array([1.0, 1.0, 1.0]), np.array([True, False, True]), 0.5)
        array([2., 0., 2.])
    """
    grad_output = as_float_array(grad_output, "grad_output")
    mask = as_array(mask, "mask", shape=grad_output.shape)
    p = check_unit_interval(p, "the drop probability p")
    return grad_output * mask / (1 - p)


def l2_penalty(
    weights: np.ndarray | Sequence[np.ndarray], lam: float, n: int
) -> tuple[float, np.ndarray | list[np.ndarray]]:
    """The L2 penalty ``(lam / (2 n)) * sum(w**2)`` and its gradient ``(lam / n) * w``.

    The penalty is added to the average loss to form the cost
    ``J = average loss + (lam / (2 n)) * sum of squared weights``. Biases are
    usually left out of ``weights``.

    Args:
        weights: one weight array, or a list of them (e.g. one per layer); the sum
            runs over every entry of every array.
        lam: the regularisation strength ``lambda`` (>= 0).
        n: the number of training examples (>= 1).

    Returns:
        ``(penalty, gradient)``; the gradient is an array for one array, or a list
        with one array per weight array.

    Shape:
        Each gradient has the shape of its weight array.

    Raises:
        TypeError: if a weight array is not numeric, ``lam`` is not a number or
            ``n`` is not an integer.
        ValueError: if ``lam < 0`` or ``n < 1``.

    Example:
        >>> penalty, grad = l2_penalty(np.array([1.0, -2.0]), lam=0.5, n=10)
        >>> penalty  # 0.5 / 20 * (1 + 4)
        0.125
        >>> grad  # 0.5 / 10 * w
        array([ 0.05, -0.1 ])
    """
    lam = check_non_negative(lam, "lam")
    n = check_positive_int(n, "n")
    if isinstance(weights, np.ndarray):
        w = as_float_array(weights, "weights")
        return lam / (2 * n) * float(np.sum(w**2)), (lam / n) * w
    arrays = [as_float_array(w, f"weights[{i}]") for i, w in enumerate(weights)]
    penalty = lam / (2 * n) * sum(float(np.sum(w**2)) for w in arrays)
    return penalty, [(lam / n) * w for w in arrays]
