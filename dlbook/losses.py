r"""Loss functions and their gradients, written from scratch in NumPy.

Each loss ``L`` has a companion ``L_grad`` that returns the gradient of the
(reduced) loss with respect to the loss's first argument, the quantity
backpropagation starts from. The argument order follows PyTorch:
``loss(prediction, target)``.

Reductions (as in PyTorch):

- ``"mean"`` (default): the average loss. For the elementwise losses (MSE, MAE,
  binary cross-entropy) that is the average over all entries; for categorical
  cross-entropy it is the average over the N examples.
- ``"sum"``: the total loss.
- ``"none"``: one loss per entry (per example for categorical cross-entropy).
  The matching ``_grad`` then returns the gradient of the *sum* of those losses,
  which is each entry's gradient of its own loss.

Cross-entropy is computed with the natural logarithm, as every framework does,
so the course's worked numbers are :math:`-\ln 0.3 \approx 1.204` for a 30 %
confident correct prediction and :math:`-\ln 0.9 \approx 0.105` for a 90 % one.

Example:
    >>> print(round(categorical_cross_entropy([[0.1, 0.3, 0.6]], [1]), 3))
    1.204
    >>> print(round(categorical_cross_entropy([[0.05, 0.9, 0.05]], [1]), 3))
    0.105
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from dlbook._docstrings import fill_docstring
from dlbook.activations import log_softmax, sigmoid, softmax
from dlbook.validation import as_array, as_float_array, check_choice, check_positive_number

__all__ = [
    "LOG_EPS",
    "REDUCTIONS",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "categorical_cross_entropy",
    "categorical_cross_entropy_grad",
    "categorical_cross_entropy_with_logits",
    "categorical_cross_entropy_with_logits_grad",
    "mae",
    "mae_grad",
    "mse",
    "mse_grad",
]

#: The allowed values of the ``reduction`` argument.
REDUCTIONS = ("mean", "sum", "none")

#: Default clipping epsilon of the cross-entropies computed from probabilities:
#: :math:`e^{-100} \approx 3.7 \times 10^{-44}`. A probability below it is replaced by it
#: inside the logarithm, so :math:`-\log p` is at most 100. This reproduces PyTorch,
#: which clamps every log term of ``binary_cross_entropy`` at -100.
LOG_EPS = math.exp(-100.0)

#: Default lower bound of the denominator :math:`p(1-p)` in the gradient of binary
#: cross-entropy from probabilities (the value PyTorch uses).
_BCE_GRAD_EPS = 1e-12


# --------------------------------------------------------------------------- input checks


def _same_shape(
    prediction: ArrayLike, target: ArrayLike, pred_name: str
) -> tuple[np.ndarray, np.ndarray]:
    """Return prediction and target as float arrays after checking they have the same, non-empty shape."""
    pred = as_float_array(prediction, pred_name)
    tgt = as_float_array(target, "target")
    if pred.shape != tgt.shape:
        raise ValueError(
            f"{pred_name} and target must have the same shape; got {pred_name} {pred.shape} and target {tgt.shape}"
        )
    if pred.size == 0:
        raise ValueError(f"{pred_name} and target must not be empty; got shape {pred.shape}")
    return pred, tgt


def _check_unit_interval(values: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` unless every entry lies in [0, 1]."""
    if not np.all((values >= 0) & (values <= 1)):  # also catches nan
        raise ValueError(
            f"{name} must hold probabilities in [0, 1]; got values from {np.min(values)} to {np.max(values)}"
        )


def _categorical_sections(scores: str, *, grad: bool, eps: str = "") -> str:
    """Args, Returns, Shape and Raises of a categorical cross-entropy or its gradient, said once.

    ``scores`` is ``"probs"`` or ``"logits"``; ``eps`` documents the clipping argument, if any.
    """
    scores_doc = {
        "probs": "predicted class probabilities (rows usually sum to 1), in [0, 1].",
        "logits": "raw class scores :math:`z`.",
    }[scores]
    if grad:
        targets = "integer class labels in [0, K - 1], or target probabilities per row."
        reduction = '``"mean"`` (divide by N), ``"sum"`` or ``"none"``.'
        symbol = "p" if scores == "probs" else "z"
        returns = f":math:`\\partial L / \\partial {symbol}`."
        output = "(N, K)."
    else:
        targets = (
            "integer class labels in [0, K - 1], or target probabilities (one-hot or soft) per row."
        )
        reduction = '``"mean"`` (over the N examples), ``"sum"`` or ``"none"``.'
        returns = 'A float, or the N per-example losses for ``"none"``.'
        output = 'a float, or (N,) for ``"none"``.'
    bad_values = (
        ", a label is out of range or a probability lies outside [0, 1]."
        if scores == "probs"
        else " or a label is out of range."
    )
    eps_line = f"\n    eps: {eps}" if eps else ""
    return f"""
Args:
    {scores}: {scores_doc}
    target: {targets}
    reduction: {reduction}{eps_line}

Returns:
    {returns}

Shape:
    {scores}: (N, K). target: (N,) integers or (N, K). Output: {output}

Raises:
    TypeError: if 1-D labels are not integers.
    ValueError: if the shapes do not fit{bad_values}
"""


def _class_targets(
    target: ArrayLike, n_examples: int, n_classes: int, dtype: np.dtype
) -> np.ndarray:
    """Return class targets as an (N, K) array of the scores' float ``dtype``: labels become one-hot rows."""
    tgt = as_array(target, "target")
    expected = (
        f"integer class labels of shape (N,) = ({n_examples},) or class probabilities "
        f"of shape (N, K) = ({n_examples}, {n_classes})"
    )
    if tgt.shape == (n_examples,):
        if tgt.dtype.kind not in "iu":
            raise TypeError(
                f"target must be {expected}; got dtype {tgt.dtype} (convert labels with .astype(int))"
            )
        if np.any(tgt < 0) or np.any(tgt >= n_classes):
            raise ValueError(
                f"class labels must lie in [0, {n_classes - 1}] for {n_classes} classes; "
                f"got values from {tgt.min()} to {tgt.max()}"
            )
        return np.eye(n_classes, dtype=dtype)[tgt]  # (N, K) one-hot rows
    if tgt.shape == (n_examples, n_classes):
        tgt = tgt.astype(dtype)
        _check_unit_interval(tgt, "target")
        return tgt
    raise ValueError(f"target must be {expected}; got shape {tgt.shape}")


def _as_scores(value: ArrayLike, name: str) -> np.ndarray:
    """Return an (N, K) float array of probabilities or logits with N, K >= 1."""
    arr = as_float_array(value, name)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(
            f"{name} must have shape (N, K) with N, K >= 1 (examples x classes); got shape {arr.shape}"
        )
    return arr


# --------------------------------------------------------------------------- reductions


def _reduce(losses: np.ndarray, reduction: str, count: int) -> float | np.ndarray:
    """Apply ``reduction`` to an array of losses; ``count`` is what ``"mean"`` divides by."""
    check_choice(reduction, "reduction", REDUCTIONS)
    if reduction == "none":
        return losses
    total = float(np.sum(losses))
    return total / count if reduction == "mean" else total


def _grad_scale(reduction: str, count: int) -> float:
    """The factor the per-entry gradients get: 1/count for ``"mean"``, 1 otherwise."""
    check_choice(reduction, "reduction", REDUCTIONS)
    return 1.0 / count if reduction == "mean" else 1.0


# --------------------------------------------------------------------------- regression losses


def _regression_sections(errors: str) -> str:
    """The Args, Returns, Shape and Raises sections of a regression loss, said once."""
    return rf"""
Args:
    prediction: the predictions :math:`\hat y`.
    target: the targets :math:`y`, same shape.
    reduction: ``"mean"``, ``"sum"`` or ``"none"`` (the {errors} errors themselves).

Returns:
    A float, or an array of {errors} errors for ``"none"``.

Shape:
    prediction and target: the same shape, any. Output: a float, or that shape for ``"none"``.

Raises:
    ValueError: if the shapes differ, the inputs are empty or ``reduction`` is unknown.
"""


#: The same sections for the gradient of a regression loss.
_REGRESSION_GRAD_SECTIONS = r"""
Args:
    prediction: the predictions :math:`\hat y`.
    target: the targets :math:`y`, same shape.
    reduction: ``"mean"`` (divide by the number of entries n), ``"sum"`` or ``"none"`` (no division).

Returns:
    :math:`\partial L / \partial \hat y`.

Shape:
    Output has the shape of ``prediction``.

Raises:
    ValueError: if the shapes differ, the inputs are empty or ``reduction`` is unknown.
"""


@fill_docstring(sections=_regression_sections("squared"))
def mse(prediction: ArrayLike, target: ArrayLike, reduction: str = "mean") -> float | np.ndarray:
    r"""Mean squared error :math:`\frac{1}{n}\sum_i (\hat y_i - y_i)^2` over all n entries.

    {sections}

    Example:
        >>> print(mse([1.0, 2.0, 4.0], [1.0, 3.0, 2.0]))
        1.6666666666666667
    """
    pred, tgt = _same_shape(prediction, target, "prediction")
    return _reduce((pred - tgt) ** 2, reduction, pred.size)


@fill_docstring(sections=_REGRESSION_GRAD_SECTIONS)
def mse_grad(prediction: ArrayLike, target: ArrayLike, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`mse` with respect to the prediction: :math:`\frac{2}{n}(\hat y - y)`.

    {sections}

    Example:
        >>> print(np.round(mse_grad([1.0, 2.0, 4.0], [1.0, 3.0, 2.0]), 4))
        [ 0.     -0.6667  1.3333]
    """
    pred, tgt = _same_shape(prediction, target, "prediction")
    return 2.0 * (pred - tgt) * _grad_scale(reduction, pred.size)


@fill_docstring(sections=_regression_sections("absolute"))
def mae(prediction: ArrayLike, target: ArrayLike, reduction: str = "mean") -> float | np.ndarray:
    r"""Mean absolute error :math:`\frac{1}{n}\sum_i |\hat y_i - y_i|` (PyTorch's ``l1_loss``).

    {sections}

    Example:
        >>> print(mae([1.0, 2.0, 4.0], [1.0, 3.0, 2.0]))
        1.0
    """
    pred, tgt = _same_shape(prediction, target, "prediction")
    return _reduce(np.abs(pred - tgt), reduction, pred.size)


@fill_docstring(sections=_REGRESSION_GRAD_SECTIONS)
def mae_grad(prediction: ArrayLike, target: ArrayLike, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`mae`: :math:`\frac{1}{n}\,\mathrm{sign}(\hat y - y)`, using 0 where :math:`\hat y = y`.

    The absolute value has no derivative at 0; like PyTorch we use 0 there.

    {sections}

    Example:
        >>> print(np.round(mae_grad([1.0, 2.0, 4.0], [1.0, 3.0, 2.0]), 4))
        [ 0.     -0.3333  0.3333]
    """
    pred, tgt = _same_shape(prediction, target, "prediction")
    return np.sign(pred - tgt) * _grad_scale(reduction, pred.size)


# --------------------------------------------------------------------------- binary cross-entropy


def binary_cross_entropy(
    probs: ArrayLike, target: ArrayLike, reduction: str = "mean", eps: float = LOG_EPS
) -> float | np.ndarray:
    r"""Binary cross-entropy from probabilities: :math:`-[y \ln p + (1 - y) \ln(1 - p)]` per entry.

    A probability of exactly 0 or 1 on the wrong side makes the formula
    :math:`-\ln 0 = \infty`. Each logarithm's argument is therefore clipped from
    below: :math:`\ln \max(p, \epsilon)` and :math:`\ln \max(1 - p, \epsilon)`. With the
    default :math:`\epsilon = e^{-100}` (``LOG_EPS``) a term is at most 100, exactly
    as in PyTorch. (Keras instead clips p into [1e-7, 1 - 1e-7], a cap of about 16.1.)
    Prefer :func:`binary_cross_entropy_with_logits`, which needs no clipping.

    Args:
        probs: predicted probabilities :math:`p` of the positive class, in [0, 1].
        target: targets :math:`y` in [0, 1] (0/1 labels or soft labels), same shape.
        reduction: ``"mean"`` (over all entries), ``"sum"`` or ``"none"``.
        eps: the clipping epsilon, a positive number.

    Returns:
        A float, or an array of per-entry losses for ``"none"``.

    Shape:
        probs and target: the same shape, e.g. (N,) or (N, 1). Output: a float, or that shape.

    Raises:
        ValueError: if the shapes differ, a value lies outside [0, 1] or an argument is invalid.

    Example:
        >>> print(round(binary_cross_entropy([0.9, 0.3], [1, 1]), 4))  # (-ln 0.9 - ln 0.3) / 2
        0.6547
        >>> print(binary_cross_entropy([0.0, 1.0], [1, 1], reduction="none"))  # capped at 100, not inf
        [100.   0.]
    """
    p, y = _same_shape(probs, target, "probs")
    _check_unit_interval(p, "probs")
    _check_unit_interval(y, "target")
    eps = check_positive_number(eps, "eps")
    log_p = np.log(np.maximum(p, eps))  # ln p, at least ln(eps)
    log_1mp = np.log(np.maximum(1.0 - p, eps))  # ln(1 - p), at least ln(eps)
    return _reduce(-y * log_p - (1.0 - y) * log_1mp, reduction, p.size)


def binary_cross_entropy_grad(
    probs: ArrayLike, target: ArrayLike, reduction: str = "mean", eps: float = _BCE_GRAD_EPS
) -> np.ndarray:
    r"""Gradient of :func:`binary_cross_entropy` with respect to the probabilities.

    .. math::

        \frac{\partial}{\partial p}\Big(-y \ln p - (1 - y)\ln(1 - p)\Big) = -\frac{y}{p} + \frac{1 - y}{1 - p} = \frac{p - y}{p\,(1 - p)}

    divided by the number of entries n for ``"mean"``. The denominator is
    bounded below by ``eps`` (as in PyTorch) so that p = 0 or 1 gives a large
    but finite gradient. Multiplying by the sigmoid's derivative :math:`p(1-p)`
    cancels the denominator: the gradient with respect to the logit is simply
    :math:`p - y` (see :func:`binary_cross_entropy_with_logits_grad`).

    Args:
        probs: predicted probabilities :math:`p`, in [0, 1].
        target: targets :math:`y` in [0, 1], same shape.
        reduction: ``"mean"`` (divide by n), ``"sum"`` or ``"none"``.
        eps: lower bound of the denominator :math:`p(1-p)`, a positive number.

    Returns:
        :math:`\partial L / \partial p`.

    Shape:
        Output has the shape of ``probs``.

    Raises:
        ValueError: if the shapes differ, a value lies outside [0, 1] or an argument is invalid.

    Example:
        >>> print(np.round(binary_cross_entropy_grad([0.9, 0.3], [1, 1]), 4))
        [-0.5556 -1.6667]
    """
    p, y = _same_shape(probs, target, "probs")
    _check_unit_interval(p, "probs")
    _check_unit_interval(y, "target")
    eps = check_positive_number(eps, "eps")
    return (p - y) / np.maximum(p * (1.0 - p), eps) * _grad_scale(reduction, p.size)


def binary_cross_entropy_with_logits(
    logits: ArrayLike, target: ArrayLike, reduction: str = "mean"
) -> float | np.ndarray:
    r"""Binary cross-entropy from logits :math:`z` (with :math:`p = \sigma(z)`), computed stably.

    Using :math:`\ln \sigma(z) = -\mathrm{softplus}(-z)`, :math:`\ln(1 - \sigma(z)) = -\mathrm{softplus}(z)`
    and :math:`\mathrm{softplus}(-z) = \mathrm{softplus}(z) - z`, the loss per entry is

    .. math::

        -[y \ln \sigma(z) + (1 - y) \ln(1 - \sigma(z))] = \mathrm{softplus}(z) - y z = \max(z, 0) - y z + \ln(1 + e^{-|z|})

    The last form never exponentiates a positive number and never takes the log
    of 0, so a logit of -1000 with label 1 costs exactly 1000 instead of ``inf``.

    Args:
        logits: the raw scores :math:`z` (any real numbers).
        target: targets :math:`y` in [0, 1], same shape.
        reduction: ``"mean"`` (over all entries), ``"sum"`` or ``"none"``.

    Returns:
        A float, or an array of per-entry losses for ``"none"``.

    Shape:
        logits and target: the same shape, e.g. (N,) or (N, 1). Output: a float, or that shape.

    Raises:
        ValueError: if the shapes differ, a target lies outside [0, 1] or ``reduction`` is unknown.

    Example:
        >>> losses = binary_cross_entropy_with_logits([-1000.0, 1000.0, 0.0], [1, 1, 1], reduction="none")
        >>> print([round(float(v), 4) for v in losses])
        [1000.0, 0.0, 0.6931]
    """
    z, y = _same_shape(logits, target, "logits")
    _check_unit_interval(y, "target")
    softplus = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))  # ln(1 + e^z), stable
    return _reduce(softplus - y * z, reduction, z.size)


def binary_cross_entropy_with_logits_grad(
    logits: ArrayLike, target: ArrayLike, reduction: str = "mean"
) -> np.ndarray:
    r"""Gradient of :func:`binary_cross_entropy_with_logits` with respect to the logits: :math:`(\sigma(z) - y)/n`.

    The derivative of :math:`\mathrm{softplus}(z) - yz` is :math:`\sigma(z) - y`,
    "prediction minus target", divided by the number of entries n for ``"mean"``.

    Args:
        logits: the raw scores :math:`z`.
        target: targets :math:`y` in [0, 1], same shape.
        reduction: ``"mean"`` (divide by n), ``"sum"`` or ``"none"``.

    Returns:
        :math:`\partial L / \partial z`.

    Shape:
        Output has the shape of ``logits``.

    Raises:
        ValueError: if the shapes differ, a target lies outside [0, 1] or ``reduction`` is unknown.

    Example:
        >>> print(binary_cross_entropy_with_logits_grad([-1000.0, 0.0], [1, 1]))
        [-0.5  -0.25]
    """
    z, y = _same_shape(logits, target, "logits")
    _check_unit_interval(y, "target")
    return (sigmoid(z) - y) * _grad_scale(reduction, z.size)


# --------------------------------------------------------------------------- categorical cross-entropy


@fill_docstring(
    sections=_categorical_sections(
        "probs", grad=False, eps="the clipping epsilon, a positive number."
    )
)
def categorical_cross_entropy(
    probs: ArrayLike, target: ArrayLike, reduction: str = "mean", eps: float = LOG_EPS
) -> float | np.ndarray:
    r"""Categorical cross-entropy from probabilities: :math:`-\sum_k y_k \ln p_k` per example.

    With an integer label c (or a one-hot row) this is :math:`-\ln p_c`, minus the
    log-probability given to the correct class. As in
    :func:`binary_cross_entropy`, each probability is clipped from below,
    :math:`\ln \max(p_k, \epsilon)`, so a probability of exactly 0 costs at most
    100 with the default :math:`\epsilon = e^{-100}` instead of ``inf``. Prefer
    :func:`categorical_cross_entropy_with_logits` when you have logits.

    {sections}

    Example:
        >>> probs = [[0.1, 0.3, 0.6], [0.05, 0.9, 0.05]]
        >>> print(np.round(categorical_cross_entropy(probs, [1, 1], reduction="none"), 3))
        [1.204 0.105]
        >>> print(np.round(categorical_cross_entropy(probs, [[0, 1, 0], [0, 1, 0]], reduction="none"), 3))
        [1.204 0.105]
    """
    p = _as_scores(probs, "probs")
    _check_unit_interval(p, "probs")
    y = _class_targets(target, *p.shape, p.dtype)  # (N, K)
    eps = check_positive_number(eps, "eps")
    per_example = -np.sum(y * np.log(np.maximum(p, eps)), axis=1)  # (N,)
    return _reduce(per_example, reduction, p.shape[0])


@fill_docstring(
    sections=_categorical_sections(
        "probs",
        grad=True,
        eps="lower bound of the probabilities in the denominator, a positive number.",
    )
)
def categorical_cross_entropy_grad(
    probs: ArrayLike, target: ArrayLike, reduction: str = "mean", eps: float = LOG_EPS
) -> np.ndarray:
    r"""Gradient of :func:`categorical_cross_entropy` with respect to the probabilities: :math:`-y_k / p_k`.

    The probabilities in the denominator are bounded below by ``eps``, as in the
    loss, and the result is divided by N for ``"mean"``. Only the correct class
    gets a (negative) gradient; the coupling between classes comes from the
    softmax before it (see :func:`categorical_cross_entropy_with_logits_grad`).

    {sections}

    Example:
        >>> grad = categorical_cross_entropy_grad([[0.1, 0.3, 0.6]], [1])
        >>> print(round(float(grad[0, 1]), 4))  # -1 / 0.3
        -3.3333
        >>> print(grad[0, 0] == 0 and grad[0, 2] == 0)
        True
    """
    p = _as_scores(probs, "probs")
    _check_unit_interval(p, "probs")
    y = _class_targets(target, *p.shape, p.dtype)  # (N, K)
    eps = check_positive_number(eps, "eps")
    grad = -y / np.maximum(p, eps) * _grad_scale(reduction, p.shape[0])  # (N, K)
    return grad + 0.0  # adding 0.0 turns the -0.0 of the zero targets into 0.0 (tidier printing)


@fill_docstring(sections=_categorical_sections("logits", grad=False))
def categorical_cross_entropy_with_logits(
    logits: ArrayLike, target: ArrayLike, reduction: str = "mean"
) -> float | np.ndarray:
    r"""Categorical cross-entropy from logits (softmax and cross-entropy in one stable step).

    Per example :math:`-\sum_k y_k \log \mathrm{softmax}(z)_k`, with the
    log-softmax computed by the log-sum-exp trick (:func:`dlbook.activations.log_softmax`),
    so no probability is ever rounded to 0 before its logarithm is taken. This is
    PyTorch's ``F.cross_entropy`` (``log_softmax`` followed by ``nll_loss``).

    {sections}

    Example:
        >>> logits = [[1000.0, -1000.0], [0.0, 0.0]]
        >>> losses = categorical_cross_entropy_with_logits(logits, [1, 0], reduction="none")
        >>> print([round(float(v), 4) for v in losses])
        [2000.0, 0.6931]
    """
    z = _as_scores(logits, "logits")
    y = _class_targets(target, *z.shape, z.dtype)  # (N, K)
    per_example = -np.sum(y * log_softmax(z, axis=1), axis=1)  # (N,)
    return _reduce(per_example, reduction, z.shape[0])


@fill_docstring(sections=_categorical_sections("logits", grad=True))
def categorical_cross_entropy_with_logits_grad(
    logits: ArrayLike, target: ArrayLike, reduction: str = "mean"
) -> np.ndarray:
    r"""Gradient of :func:`categorical_cross_entropy_with_logits` with respect to the logits: :math:`(p - y)/N`.

    Writing the loss as :math:`-\sum_k y_k z_k + (\sum_k y_k) \log \sum_j e^{z_j}`
    gives :math:`\partial L / \partial z_k = p_k \sum_j y_j - y_k` with
    :math:`p = \mathrm{softmax}(z)`; for labels or target rows summing to 1 this is
    the famous :math:`p - y`. For ``"mean"`` it is divided by N.

    {sections}

    Example:
        >>> print(np.round(categorical_cross_entropy_with_logits_grad([[0.0, 0.0], [0.0, 0.0]], [1, 0]), 4))
        [[ 0.25 -0.25]
         [-0.25  0.25]]
    """
    z = _as_scores(logits, "logits")
    y = _class_targets(target, *z.shape, z.dtype)  # (N, K)
    p = softmax(z, axis=1)  # (N, K)
    target_mass = np.sum(y, axis=1, keepdims=True)  # (N, 1), 1 for labels and one-hot rows
    return (p * target_mass - y) * _grad_scale(reduction, z.shape[0])
