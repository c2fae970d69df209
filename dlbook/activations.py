r"""Activation functions and their derivatives, written from scratch in NumPy.

Every elementwise activation ``f`` comes with ``f_grad``, its derivative with
respect to the input, evaluated at the same input: ``relu_grad(x)`` is
:math:`f'(x)`. Backpropagation multiplies it elementwise with the gradient that
arrives from above (the chain rule).

Softmax and log-softmax mix the entries of a vector, so their derivative is a
matrix (a Jacobian). :func:`softmax_jacobian` builds it for one vector;
:func:`softmax_backward` and :func:`log_softmax_backward` compute the
vector-Jacobian product for a whole batch without ever forming the matrix.

The implementations are numerically stable: :func:`sigmoid` never evaluates
``exp`` of a large positive number, and :func:`softmax` subtracts the largest
logit first, so inputs such as 1000 or logits of 1e4 give finite results and
no overflow warnings.

Example:
    >>> import numpy as np
    >>> print(sigmoid(np.array([-1000.0, 0.0, 1000.0])))
    [0.  0.5 1. ]
    >>> print(np.round(softmax(np.array([1.0, 2.0, 3.0])), 4))
    [0.09   0.2447 0.6652]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import erfc

from dlbook._docstrings import fill_docstring
from dlbook.validation import as_array, as_float_array, check_choice, check_non_negative

__all__ = [
    "ACTIVATIONS",
    "gelu",
    "gelu_grad",
    "hardmax",
    "hardmax_backward",
    "identity",
    "identity_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "log_softmax",
    "log_softmax_backward",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "silu",
    "silu_grad",
    "softmax",
    "softmax_backward",
    "softmax_jacobian",
    "swish",
    "swish_grad",
    "tanh",
    "tanh_grad",
]

#: The constant :math:`\sqrt{2/\pi}` of the tanh approximation of GELU.
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
#: The cubic coefficient of the tanh approximation of GELU (Hendrycks and Gimpel, 2016).
_GELU_CUBIC = 0.044715


def _as_vectors(x: ArrayLike, name: str, axis: int) -> np.ndarray:
    """Return ``x`` as a float array with at least one dimension and a valid ``axis``."""
    arr = as_float_array(x, name)
    if arr.ndim == 0:
        raise ValueError(
            f"{name} must have at least 1 dimension (a vector of scores); got a scalar, shape ()"
        )
    if not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis {axis} is out of range for {name} of shape {arr.shape}")
    if arr.shape[axis] == 0:
        raise ValueError(
            f"{name} must have at least one class along axis {axis}; got shape {arr.shape}"
        )
    return arr


def _backward_arrays(
    grad_output: ArrayLike, saved: ArrayLike, saved_name: str, axis: int
) -> tuple[np.ndarray, np.ndarray]:
    """Check the upstream gradient and the saved forward output of a softmax-like function."""
    grad_output = _as_vectors(grad_output, "grad_output", axis)
    saved = _as_vectors(saved, saved_name, axis)
    _check_same_shape(grad_output, "grad_output", saved, saved_name)
    return grad_output, saved


def _backward_sections(function: str, saved: str, what: str = "") -> str:
    """The Args, Returns, Shape and Raises sections of ``<function>_backward``, said once."""
    return f"""
Args:
    grad_output: the gradient of the loss with respect to the {function} output.
    {saved}: the {function} output {what + " " if what else ""}of the forward pass.
    axis: the class axis used in the forward pass.

Returns:
    The gradient of the loss with respect to the logits.

Shape:
    grad_output and {saved}: the same shape, e.g. (N, K). Output: that shape.

Raises:
    ValueError: if the shapes differ or ``axis`` is out of range.
"""


def _check_same_shape(a: np.ndarray, a_name: str, b: np.ndarray, b_name: str) -> None:
    """Raise ``ValueError`` naming both shapes when they differ."""
    if a.shape != b.shape:
        raise ValueError(
            f"{a_name} and {b_name} must have the same shape; got {a_name} {a.shape} and {b_name} {b.shape}"
        )


#: The Shape and Raises sections of an activation and of its derivative, by parameter: said once.
_SHAPE_AND_RAISES = {
    parameter: "Shape:\n    Output has the shape of ``x``.\n\nRaises:\n" + raises
    for parameter, raises in {
        "negative_slope": (
            "    TypeError: if ``negative_slope`` is not a real number.\n"
            "    ValueError: if ``negative_slope`` is negative or not finite."
        ),
        "beta": (
            "    TypeError: if ``beta`` is not a real number.\n"
            "    ValueError: if ``beta`` is negative or not finite."
        ),
        "approximate": '    ValueError: if ``approximate`` is not ``"none"`` or ``"tanh"``.',
    }.items()
}


# --------------------------------------------------------------------------- identity


def identity(x: ArrayLike) -> np.ndarray:
    r"""The identity :math:`f(x) = x` (a "linear" output layer).

    Args:
        x: an array of any shape.

    Returns:
        A floating-point copy of ``x``.

    Shape:
        Output has the shape of ``x``.

    Example:
        >>> print(identity([-1.0, 2.0]))
        [-1.  2.]
    """
    return as_float_array(x, "x").copy()


def identity_grad(x: ArrayLike) -> np.ndarray:
    r"""Derivative of the identity: :math:`f'(x) = 1`.

    Args:
        x: an array of any shape.

    Returns:
        An array of ones.

    Shape:
        Output has the shape of ``x``.

    Example:
        >>> print(identity_grad([-1.0, 2.0]))
        [1. 1.]
    """
    return np.ones_like(as_float_array(x, "x"))


# --------------------------------------------------------------------------- sigmoid


def sigmoid(x: ArrayLike) -> np.ndarray:
    r"""The logistic sigmoid :math:`\sigma(x) = 1 / (1 + e^{-x})`, computed without overflow.

    The textbook formula overflows for very negative ``x`` (``exp(1000)`` is
    infinite). With :math:`e = e^{-|x|} \le 1` the two equivalent forms

    - :math:`\sigma(x) = 1 / (1 + e)` for :math:`x \ge 0`,
    - :math:`\sigma(x) = e / (1 + e)` for :math:`x < 0`

    only ever exponentiate a non-positive number.

    Args:
        x: an array of any shape.

    Returns:
        Values in the interval [0, 1].

    Shape:
        Output has the shape of ``x``.

    Example:
        >>> print(np.round(sigmoid([-1000.0, -1.0, 0.0, 1.0, 1000.0]), 4))
        [0.     0.2689 0.5    0.7311 1.    ]
    """
    x = as_float_array(x, "x")
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(x: ArrayLike) -> np.ndarray:
    r"""Derivative of the sigmoid: :math:`\sigma'(x) = \sigma(x)\,(1 - \sigma(x))`.

    Its largest value is 0.25 (at 0), one reason deep sigmoid networks suffer
    from vanishing gradients.

    Args:
        x: an array of any shape (the input of the sigmoid, not its output).

    Returns:
        Values in the interval [0, 0.25].

    Shape:
        Output has the shape of ``x``.

    Example:
        >>> print(sigmoid_grad([0.0, 1000.0]))
        [0.25 0.  ]
    """
    s = sigmoid(x)
    return s * (1.0 - s)


# --------------------------------------------------------------------------- tanh


def tanh(x: ArrayLike) -> np.ndarray:
    r"""The hyperbolic tangent :math:`\tanh(x) = (e^{x} - e^{-x}) / (e^{x} + e^{-x}) = 2\sigma(2x) - 1`.

    Args:
        x: an array of any shape.

    Returns:
        Values in the interval [-1, 1] (``np.tanh`` is stable for any input).

    Shape:
        Output has the shape of ``x``.

    Example:
        >>> print(np.round(tanh([-1000.0, 0.0, 0.5]), 4))
        [-1.      0.      0.4621]
    """
    return np.tanh(as_float_array(x, "x"))


def tanh_grad(x: ArrayLike) -> np.ndarray:
    r"""Derivative of tanh: :math:`\tanh'(x) = 1 - \tanh^2(x)`.

    Args:
        x: an array of any shape (the input of tanh).

    Returns:
        Values in the interval [0, 1].

    Shape:
        Output has the shape of ``x``.

    Example:
        >>> print(tanh_grad([0.0, 1000.0]))
        [1. 0.]
    """
    t = np.tanh(as_float_array(x, "x"))
    return 1.0 - t * t


# --------------------------------------------------------------------------- ReLU family


def relu(x: ArrayLike) -> np.ndarray:
    r"""The rectified linear unit :math:`\mathrm{ReLU}(x) = \max(0, x)`.

    Args:
        x: an array of any shape.

    Returns:
        The input with negative entries set to zero.

    Shape:
        Output has the shape of ``x``.

    Example:
        >>> print(relu([-2.0, 0.0, 3.0]))
        [0. 0. 3.]
    """
    x = as_float_array(x, "x")
    return np.maximum(x, 0.0)


def relu_grad(x: ArrayLike) -> np.ndarray:
    r"""Derivative of ReLU: 1 where :math:`x > 0`, else 0.

    ReLU has no derivative at 0; like PyTorch and TensorFlow we use 0 there.

    Args:
        x: an array of any shape (the input of ReLU).

    Returns:
        An array of zeros and ones.

    Shape:
        Output has the shape of ``x``.

    Example:
        >>> print(relu_grad([-2.0, 0.0, 3.0]))
        [0. 0. 1.]
    """
    x = as_float_array(x, "x")
    return (x > 0).astype(x.dtype)


@fill_docstring(shape_and_raises=_SHAPE_AND_RAISES["negative_slope"])
def leaky_relu(x: ArrayLike, negative_slope: float = 0.01) -> np.ndarray:
    r"""Leaky ReLU: :math:`x` for :math:`x > 0`, else :math:`a x` with a small slope :math:`a`.

    Args:
        x: an array of any shape.
        negative_slope: the slope :math:`a \ge 0` for negative inputs (PyTorch's default 0.01).

    Returns:
        The activated array.

    {shape_and_raises}

    Example:
        >>> print(leaky_relu([-2.0, 0.0, 3.0], negative_slope=0.1))
        [-0.2  0.   3. ]
    """
    x = as_float_array(x, "x")
    slope = check_non_negative(negative_slope, "negative_slope")
    return np.where(x > 0, x, slope * x)


@fill_docstring(shape_and_raises=_SHAPE_AND_RAISES["negative_slope"])
def leaky_relu_grad(x: ArrayLike, negative_slope: float = 0.01) -> np.ndarray:
    r"""Derivative of leaky ReLU: 1 where :math:`x > 0`, else the slope :math:`a` (also at 0, as PyTorch).

    Args:
        x: an array of any shape (the input of leaky ReLU).
        negative_slope: the slope :math:`a \ge 0` for negative inputs.

    Returns:
        An array of ones and ``negative_slope``.

    {shape_and_raises}

    Example:
        >>> print(leaky_relu_grad([-2.0, 0.0, 3.0], negative_slope=0.1))
        [0.1 0.1 1. ]
    """
    x = as_float_array(x, "x")
    slope = check_non_negative(negative_slope, "negative_slope")
    return np.where(x > 0, 1.0, slope).astype(x.dtype)


# --------------------------------------------------------------------------- SiLU / swish


@fill_docstring(shape_and_raises=_SHAPE_AND_RAISES["beta"])
def swish(x: ArrayLike, beta: float = 1.0) -> np.ndarray:
    r"""Swish :math:`x\,\sigma(\beta x)` (Ramachandran et al., 2017); with :math:`\beta = 1` it is SiLU.

    Args:
        x: an array of any shape.
        beta: the non-negative scale :math:`\beta` inside the sigmoid.

    Returns:
        The activated array.

    {shape_and_raises}

    Example:
        >>> print(np.round(swish([-1.0, 0.0, 1.0], beta=2.0), 4))
        [-0.1192  0.      0.8808]
    """
    x = as_float_array(x, "x")
    beta = check_non_negative(beta, "beta")
    return x * sigmoid(beta * x)


@fill_docstring(shape_and_raises=_SHAPE_AND_RAISES["beta"])
def swish_grad(x: ArrayLike, beta: float = 1.0) -> np.ndarray:
    r"""Derivative of swish: :math:`\sigma(\beta x) + \beta x\,\sigma(\beta x)\,(1 - \sigma(\beta x))`.

    Args:
        x: an array of any shape (the input of swish).
        beta: the non-negative scale :math:`\beta` inside the sigmoid.

    Returns:
        The derivative, elementwise.

    {shape_and_raises}

    Example:
        >>> print(np.round(swish_grad([-1.0, 0.0, 1.0], beta=2.0), 4))
        [-0.0908  0.5     1.0908]
    """
    x = as_float_array(x, "x")
    beta = check_non_negative(beta, "beta")
    s = sigmoid(beta * x)
    return s + beta * x * s * (1.0 - s)


def silu(x: ArrayLike) -> np.ndarray:
    r"""SiLU (sigmoid linear unit) :math:`x\,\sigma(x)`, i.e. swish with :math:`\beta = 1`.

    Args:
        x: an array of any shape.

    Returns:
        The activated array (its minimum is about -0.278, at x = -1.278).

    Shape:
        Output has the shape of ``x``.

    Example:
        >>> print(np.round(silu([-2.0, -1.0, 0.0, 1.0]), 4))
        [-0.2384 -0.2689  0.      0.7311]
    """
    return swish(x, beta=1.0)


def silu_grad(x: ArrayLike) -> np.ndarray:
    r"""Derivative of SiLU: :math:`\sigma(x)\,(1 + x\,(1 - \sigma(x)))`.

    Args:
        x: an array of any shape (the input of SiLU).

    Returns:
        The derivative, elementwise (about -0.1 at its minimum, 1.1 at its maximum).

    Shape:
        Output has the shape of ``x``.

    Example:
        >>> print(np.round(silu_grad([-2.0, 0.0, 1.0, 1000.0]), 4))
        [-0.0908  0.5     0.9277  1.    ]
    """
    x = as_float_array(x, "x")
    s = sigmoid(x)
    return s * (1.0 + x * (1.0 - s))


# --------------------------------------------------------------------------- GELU


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    r"""The standard normal CDF :math:`\Phi(x) = (1 + \mathrm{erf}(x/\sqrt{2}))/2 = \mathrm{erfc}(-x/\sqrt{2})/2`.

    The ``erfc`` form is the same function but keeps full relative precision for very negative ``x``.
    """
    return 0.5 * erfc(-x / math.sqrt(2.0))


def _normal_pdf(x: np.ndarray) -> np.ndarray:
    r"""The standard normal density :math:`\varphi(x) = e^{-x^2/2} / \sqrt{2\pi}`."""
    with np.errstate(over="ignore"):  # x * x is inf beyond about 1e154; exp(-inf) is then exactly 0
        return np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


@fill_docstring(shape_and_raises=_SHAPE_AND_RAISES["approximate"])
def gelu(x: ArrayLike, approximate: str = "none") -> np.ndarray:
    r"""GELU, the Gaussian error linear unit :math:`x\,\Phi(x)` (Hendrycks and Gimpel, 2016).

    :math:`\Phi` is the standard normal CDF, :math:`\Phi(x) = (1 + \mathrm{erf}(x/\sqrt{2}))/2`.
    With ``approximate="tanh"`` it uses the approximation of the original paper
    (used by GPT-2 and BERT):

    .. math::

        \mathrm{GELU}(x) \approx \tfrac{1}{2} x \left(1 + \tanh\left(\sqrt{2/\pi}\,(x + 0.044715\,x^3)\right)\right)

    Args:
        x: an array of any shape.
        approximate: ``"none"`` for the exact erf form, ``"tanh"`` for the approximation
            (the same names as ``torch.nn.functional.gelu``).

    Returns:
        The activated array.

    {shape_and_raises}

    Example:
        >>> print(np.round(gelu([-1.0, 0.0, 1.0]), 4))
        [-0.1587  0.      0.8413]
        >>> print(np.round(gelu([-1.0, 0.0, 1.0], approximate="tanh"), 4))
        [-0.1588  0.      0.8412]
    """
    x = as_float_array(x, "x")
    check_choice(approximate, "approximate", ("none", "tanh"))
    if approximate == "tanh":
        inner = _SQRT_2_OVER_PI * (x + _GELU_CUBIC * x**3)
        return 0.5 * x * (1.0 + np.tanh(inner))
    return x * _normal_cdf(x)


@fill_docstring(shape_and_raises=_SHAPE_AND_RAISES["approximate"])
def gelu_grad(x: ArrayLike, approximate: str = "none") -> np.ndarray:
    r"""Derivative of GELU.

    Exact form: :math:`\frac{d}{dx}\, x\Phi(x) = \Phi(x) + x\,\varphi(x)` with the normal
    density :math:`\varphi(x) = e^{-x^2/2}/\sqrt{2\pi}`.

    Tanh form: with :math:`u = \sqrt{2/\pi}\,(x + 0.044715\,x^3)` and :math:`t = \tanh(u)`,

    .. math::

        \tfrac{1}{2}(1 + t) + \tfrac{1}{2} x\,(1 - t^2)\,\sqrt{2/\pi}\,(1 + 3 \cdot 0.044715\,x^2)

    Args:
        x: an array of any shape (the input of GELU).
        approximate: ``"none"`` (exact) or ``"tanh"``, as in :func:`gelu`.

    Returns:
        The derivative, elementwise.

    {shape_and_raises}

    Example:
        >>> print(np.round(gelu_grad([-1.0, 0.0, 1.0]), 4))
        [-0.0833  0.5     1.0833]
    """
    x = as_float_array(x, "x")
    check_choice(approximate, "approximate", ("none", "tanh"))
    if approximate == "tanh":
        inner = _SQRT_2_OVER_PI * (x + _GELU_CUBIC * x**3)
        t = np.tanh(inner)
        d_inner = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_CUBIC * x**2)
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * d_inner
    return _normal_cdf(x) + x * _normal_pdf(x)


# --------------------------------------------------------------------------- softmax family


def softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Softmax :math:`s_i = e^{x_i} / \sum_j e^{x_j}` along ``axis``, computed stably.

    Softmax does not change when the same constant is subtracted from every
    logit, so we subtract the largest one: every exponent is then at most 0
    (no overflow) and the largest term is exactly 1 (the sum is at least 1).

    Args:
        x: logits, at least one dimension.
        axis: the axis that holds the classes (default: the last).

    Returns:
        Probabilities: non-negative, summing to 1 along ``axis``.

    Shape:
        Output has the shape of ``x``, e.g. (N, K) for N examples and K classes.

    Raises:
        ValueError: if ``x`` is a scalar, ``axis`` is out of range or has no classes.

    Example:
        >>> print(np.round(softmax([[1.0, 2.0, 3.0], [1e4, 0.0, -1e4]]), 4))
        [[0.09   0.2447 0.6652]
         [1.     0.     0.    ]]
    """
    x = _as_vectors(x, "x", axis)
    shifted = x - np.max(x, axis=axis, keepdims=True)  # every entry <= 0
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=axis, keepdims=True)


def log_softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Log-softmax :math:`\log s_i = x_i - \log \sum_j e^{x_j}` along ``axis``, computed stably.

    With :math:`m = \max_j x_j`, :math:`\log \sum_j e^{x_j} = m + \log \sum_j e^{x_j - m}`
    (the log-sum-exp trick). Computing ``np.log(softmax(x))`` instead would give
    ``-inf`` where a probability underflows to 0.

    Args:
        x: logits, at least one dimension.
        axis: the axis that holds the classes (default: the last).

    Returns:
        Log-probabilities (all at most 0).

    Shape:
        Output has the shape of ``x``.

    Raises:
        ValueError: if ``x`` is a scalar, ``axis`` is out of range or has no classes.

    Example:
        >>> print(np.round(log_softmax([1e4, 0.0]), 4))
        [     0. -10000.]
    """
    x = _as_vectors(x, "x", axis)
    shifted = x - np.max(x, axis=axis, keepdims=True)  # (..., K), every entry <= 0
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax_jacobian(x: ArrayLike) -> np.ndarray:
    r"""The Jacobian of softmax at one logit vector: :math:`J_{ij} = \partial s_i / \partial x_j = s_i(\delta_{ij} - s_j)`.

    In matrix form :math:`J = \mathrm{diag}(s) - s s^\top`; it is symmetric and
    every row sums to 0 (the probabilities always sum to 1).

    Args:
        x: one vector of K logits (the input of softmax, not its output).

    Returns:
        The K x K Jacobian matrix.

    Shape:
        x: (K,). Output: (K, K).

    Raises:
        ValueError: if ``x`` is not one-dimensional.

    Example:
        >>> print(np.round(softmax_jacobian([0.0, 0.0]), 4))
        [[ 0.25 -0.25]
         [-0.25  0.25]]
    """
    x = as_array(x, "x", ndim=1)
    s = softmax(x)  # (K,)
    return np.diag(s) - np.outer(s, s)


@fill_docstring(sections=_backward_sections("softmax", "s", "(probabilities)"))
def softmax_backward(grad_output: ArrayLike, s: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Vector-Jacobian product of softmax for a batch: the gradient with respect to the logits.

    Given the upstream gradient :math:`g = \partial L / \partial s` and the softmax
    output :math:`s` (saved in the forward pass), the chain rule with the Jacobian
    of :func:`softmax_jacobian` gives, for every row,

    .. math::

        \frac{\partial L}{\partial x_j} = \sum_i g_i\, s_i (\delta_{ij} - s_j) = s_j \Big(g_j - \sum_i g_i s_i\Big)

    which costs O(K) per row instead of building the K x K matrix.

    {sections}

    Example:
        >>> s = softmax(np.array([[0.0, 0.0]]))
        >>> print(softmax_backward(np.array([[1.0, 0.0]]), s))
        [[ 0.25 -0.25]]
    """
    grad_output, s = _backward_arrays(grad_output, s, "s", axis)
    # sum_i g_i s_i for every row: (..., 1)
    weighted_sum = np.sum(grad_output * s, axis=axis, keepdims=True)
    return s * (grad_output - weighted_sum)


@fill_docstring(sections=_backward_sections("log-softmax", "log_s"))
def log_softmax_backward(grad_output: ArrayLike, log_s: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Vector-Jacobian product of log-softmax for a batch: the gradient with respect to the logits.

    Since :math:`\partial \log s_i / \partial x_j = \delta_{ij} - s_j`, for every row

    .. math::

        \frac{\partial L}{\partial x_j} = g_j - s_j \sum_i g_i

    where :math:`g = \partial L / \partial \log s` and :math:`s = \exp(\log s)`.

    {sections}

    Example:
        >>> log_s = log_softmax(np.array([[0.0, 0.0]]))
        >>> print(log_softmax_backward(np.array([[-1.0, 0.0]]), log_s))
        [[-0.5  0.5]]
    """
    grad_output, log_s = _backward_arrays(grad_output, log_s, "log_s", axis)
    return grad_output - np.exp(log_s) * np.sum(grad_output, axis=axis, keepdims=True)


def hardmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Hardmax: the one-hot vector of the arg max along ``axis`` (ties go to the first maximum).

    Softmax is a smooth version of it: ``softmax(x / T)`` tends to ``hardmax(x)``
    as the temperature ``T`` goes to 0.

    Args:
        x: scores, at least one dimension.
        axis: the axis that holds the classes (default: the last).

    Returns:
        An array of zeros with a single 1.0 per vector along ``axis``.

    Shape:
        Output has the shape of ``x``.

    Raises:
        ValueError: if ``x`` is a scalar, ``axis`` is out of range or has no classes.

    Example:
        >>> print(hardmax([[1.0, 3.0, 2.0], [5.0, 5.0, 0.0]]))
        [[0. 1. 0.]
         [1. 0. 0.]]
    """
    x = _as_vectors(x, "x", axis)
    winner = np.argmax(x, axis=axis, keepdims=True)  # index of the largest score, per vector
    one_hot = np.zeros_like(x)
    np.put_along_axis(one_hot, winner, 1.0, axis=axis)
    return one_hot


def hardmax_backward(grad_output: ArrayLike) -> np.ndarray:
    r"""Vector-Jacobian product of hardmax: always zero.

    Hardmax is piecewise constant: a small change of the scores does not change
    the arg max, so its Jacobian is 0 wherever the maximum is unique (and it is
    not differentiable at ties). No gradient flows through it, which is why
    networks are trained with softmax instead.

    Args:
        grad_output: the gradient of the loss with respect to the hardmax output.

    Returns:
        Zeros, the gradient with respect to the scores.

    Shape:
        Output has the shape of ``grad_output``.

    Example:
        >>> print(hardmax_backward([[1.0, -2.0]]))
        [[0. 0.]]
    """
    return np.zeros_like(as_float_array(grad_output, "grad_output"))


#: Elementwise activations by name: ``name -> (function, derivative)``, handy for plotting
#: ``f`` and ``f'`` side by side and for choosing the hidden activation of an MLP by name.
#: Softmax, log-softmax and hardmax act on whole vectors and are not included.
ACTIVATIONS: dict[
    str, tuple[Callable[[ArrayLike], np.ndarray], Callable[[ArrayLike], np.ndarray]]
] = {
    "identity": (identity, identity_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "silu": (silu, silu_grad),
    "gelu": (gelu, gelu_grad),
    "gelu_tanh": (partial(gelu, approximate="tanh"), partial(gelu_grad, approximate="tanh")),
}
