"""Rosenblatt's perceptron: a threshold unit and its error-driven learning rule.

The unit predicts ``y_hat = step(w . x + b)`` with ``step(z) = 1`` for ``z >= 0`` and 0 otherwise.
After each example the rule moves the weights by ``lr * (y - y_hat) * x`` and the bias by
``lr * (y - y_hat)``: nothing changes when the prediction is right. On linearly separable data
the rule stops making mistakes after finitely many updates (Novikoff's convergence theorem);
on XOR it never does, because no line separates the two classes.

Example:
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> weight, bias, errors = perceptron_fit(X, np.array([0, 0, 0, 1]), lr=0.1, epochs=20)
    >>> perceptron_predict(X, weight, bias)
    array([0, 0, 0, 1])
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from dlbook.validation import as_array, as_float_array, check_positive_int, check_positive_number

__all__ = [
    "step",
    "perceptron_predict",
    "perceptron_update",
    "perceptron_fit",
    "Perceptron",
    "xor_network",
]


def step(z: ArrayLike) -> np.ndarray:
    """Heaviside step with ``step(0) = 1``, as an integer array.

    Example:
        >>> step(np.array([-0.5, 0.0, 2.0]))
        array([0, 1, 1])
    """
    return (np.asarray(z) >= 0).astype(np.int64)


def perceptron_predict(X: ArrayLike, weight: ArrayLike, bias: float) -> np.ndarray:
    """Predict 0/1 labels with a perceptron: ``step(X @ weight + bias)``.

    Args:
        X: inputs.
        weight: the weights ``w``.
        bias: the bias ``b``.

    Returns:
        Integer labels in {0, 1}.

    Shape:
        X (N, D), weight (D,) -> (N,).

    Example:
        >>> perceptron_predict(np.array([[1.0, 1.0]]), np.array([1.0, 1.0]), -1.5)
        array([1])
    """
    X = as_array(X, "X", ndim=2)
    weight = as_array(weight, "weight", shape=(X.shape[1],))
    return step(X @ weight + bias)


def _check_labels(y: ArrayLike, n: int) -> np.ndarray:
    """Return ``y`` as an array of ``n`` labels after checking every label is 0 or 1."""
    y = as_array(y, "y", shape=(n,))
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"y must contain only 0 and 1; got values {np.unique(y)}")
    return y


def _perceptron_step(
    w: np.ndarray, b: float, x: np.ndarray, y: int, lr: float
) -> tuple[np.ndarray, float]:
    """The perceptron rule for one example, on checked inputs: the new ``(w, b)``."""
    error = y - int(step(w @ x + b))  # y - y_hat: -1, 0 or +1
    return w + lr * error * x, float(b + lr * error)


def perceptron_update(
    weight: ArrayLike, bias: float, x: ArrayLike, y: int, lr: float
) -> tuple[np.ndarray, float]:
    """Apply the perceptron rule for one example and return the new ``(weight, bias)``.

    Args:
        weight: the weights ``w``.
        bias: the bias ``b``.
        x: one input.
        y: its label, 0 or 1.
        lr: the learning rate (> 0).

    Returns:
        ``(w + lr * (y - y_hat) * x, b + lr * (y - y_hat))`` as new objects.

    Shape:
        weight (D,), x (D,).

    Example:
        >>> perceptron_update(np.array([0.5, -0.5]), 0.0, np.array([1.0, 1.0]), 0, 0.1)
        (array([ 0.4, -0.6]), -0.1)
    """
    weight = as_array(weight, "weight", ndim=1)
    x = as_array(x, "x", shape=weight.shape)
    lr = check_positive_number(lr, "lr")
    if y not in (0, 1):
        raise ValueError(f"y must be 0 or 1; got {y!r}")
    return _perceptron_step(weight, bias, x, int(y), lr)


def perceptron_fit(
    X: ArrayLike,
    y: ArrayLike,
    *,
    lr: float = 0.1,
    epochs: int = 100,
    initial_weight: ArrayLike | None = None,
) -> tuple[np.ndarray, float, list[int]]:
    """Train a perceptron with the online rule, visiting examples in order each epoch.

    Training stops early after an epoch without mistakes.

    Args:
        X: inputs.
        y: labels in {0, 1}.
        lr: the learning rate (> 0).
        epochs: the maximum number of passes over the data.
        initial_weight: the initial weights (zeros by default); the bias starts at 0.

    Returns:
        ``(weight, bias, errors)`` where ``errors[e]`` counts the mistakes made during epoch ``e``.

    Shape:
        X (N, D), y (N,), weight (D,).

    Example:
        >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
        >>> perceptron_fit(X, np.array([0, 1, 1, 0]), epochs=10)[2]  # XOR: never error-free
        [3, 3, 4, 4, 4, 4, 4, 4, 4, 4]
    """
    X = as_float_array(X, "X", ndim=2)
    labels = [int(label) for label in _check_labels(y, X.shape[0])]
    lr = check_positive_number(lr, "lr")
    epochs = check_positive_int(epochs, "epochs")
    if initial_weight is None:
        w = np.zeros(X.shape[1])
    else:
        w = as_float_array(initial_weight, "initial_weight", shape=(X.shape[1],))
    b = 0.0
    errors: list[int] = []
    for _ in range(epochs):
        mistakes = 0
        for x_i, y_i in zip(X, labels):
            w_new, b_new = _perceptron_step(w, b, x_i, y_i, lr)
            mistakes += int(b_new != b or not np.array_equal(w_new, w))
            w, b = w_new, b_new
        errors.append(mistakes)
        if mistakes == 0:
            break
    return w, b, errors


class Perceptron:
    """A thin object wrapper around :func:`perceptron_fit` and :func:`perceptron_predict`.

    Example:
        >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
        >>> Perceptron(lr=0.1, epochs=20).fit(X, np.array([0, 1, 1, 1])).predict(X)
        array([0, 1, 1, 1])
    """

    def __init__(self, lr: float = 0.1, epochs: int = 100) -> None:
        self.lr = check_positive_number(lr, "lr")
        self.epochs = check_positive_int(epochs, "epochs")
        self.weight: np.ndarray | None = None
        self.bias = 0.0
        self.errors: list[int] = []

    def fit(self, X: ArrayLike, y: ArrayLike) -> Perceptron:
        """Train on ``X`` and ``y`` and return ``self``."""
        self.weight, self.bias, self.errors = perceptron_fit(X, y, lr=self.lr, epochs=self.epochs)
        return self

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predict 0/1 labels; the model must be fitted first."""
        if self.weight is None:
            raise ValueError("this Perceptron is not fitted yet: call fit(X, y) first")
        return perceptron_predict(X, self.weight, self.bias)


def xor_network(X: ArrayLike) -> np.ndarray:
    """Compute XOR with two layers of threshold units and hand-set weights.

    The hidden layer computes OR (``x1 + x2 - 0.5``) and NAND (``-x1 - x2 + 1.5``); the output
    unit is their AND (``h1 + h2 - 1.5``). A hidden layer bends the decision boundary that a
    single unit cannot.

    Shape:
        X (N, 2) -> (N,).

    Example:
        >>> xor_network(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]))
        array([0, 1, 1, 0])
    """
    X = as_array(X, "X", shape=(None, 2))
    W1 = np.array([[1.0, -1.0], [1.0, -1.0]])  # (2 inputs, 2 hidden): columns OR, NAND
    b1 = np.array([-0.5, 1.5])
    hidden = step(X @ W1 + b1)  # (N, 2)
    return step(hidden @ np.array([1.0, 1.0]) - 1.5)
