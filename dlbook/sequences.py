"""Time series for forecasting: sliding windows, a chronological split without leakage, baselines.

A one-step forecaster reads the last ``L`` values and predicts the next one, so a
series of ``N`` values gives ``N - L`` (window, target) pairs (:func:`sliding_windows`).
:func:`chronological_split` keeps the last pairs for testing and fits the
:class:`MinMaxScaler` on the values the training pairs touch only, so nothing about
the test period (its range included) leaks into training. Every model should beat the
baselines here before it earns a place: :func:`persistence_forecast` (tomorrow is like
today), :func:`seasonal_naive_forecast` (like the same day a season ago) and the
:class:`LinearAutoregression` (a least-squares or ridge fit on the window).

Example:
    >>> series = np.arange(10.0)
    >>> x, y = sliding_windows(series, 3)
    >>> x[0], float(y[0]), len(y)
    (array([0., 1., 2.]), 3.0, 7)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from dlbook.validation import (
    as_array,
    check_non_negative,
    check_positive_int,
    check_positive_number,
)

__all__ = [
    "sliding_windows",
    "MinMaxScaler",
    "WindowedSplit",
    "chronological_split",
    "persistence_forecast",
    "seasonal_naive_forecast",
    "fit_linear_autoregression",
    "LinearAutoregression",
    "rmse",
    "mae",
]


def _series(series: ArrayLike) -> np.ndarray:
    return as_array(series, "series", ndim=1).astype(np.float64)


def _check_length(length: int, n: int, name: str = "length") -> int:
    length = check_positive_int(length, name)
    if length >= n:
        raise ValueError(
            f"{name} must be shorter than the series, at most {n - 1} for {n} values; got {length}"
        )
    return length


def sliding_windows(series: ArrayLike, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Every window of ``length`` consecutive values, with the value that follows it.

    Args:
        series: the values in time order.
        length: the window length ``L``, ``1 <= L < N``.

    Returns:
        ``(x, y)`` with ``x[i] = series[i : i + L]`` and ``y[i] = series[i + L]``.

    Shape:
        series ``(N,)``; x ``(N - L, L)``, y ``(N - L,)``.

    Raises:
        ValueError: when the series is not 1-D or the length is not in ``[1, N - 1]``.

    Example:
        >>> sliding_windows([1, 2, 3, 4], 2)[0]
        array([[1., 2.],
               [2., 3.]])
    """
    s = _series(series)
    length = _check_length(length, len(s))
    return np.lib.stride_tricks.sliding_window_view(s, length)[:-1].copy(), s[length:].copy()


class MinMaxScaler:
    """Scale values linearly so that the fitted data span ``[0, 1]`` (like scikit-learn's).

    Example:
        >>> scaler = MinMaxScaler().fit([2.0, 4.0, 6.0])
        >>> scaler.transform([4.0, 8.0]), scaler.inverse_transform([0.5])
        (array([0.5, 1.5]), array([4.]))
    """

    def __init__(self) -> None:
        self.min_: float | None = None
        self.scale_: float | None = None

    def fit(self, values: ArrayLike) -> MinMaxScaler:
        """Remember the minimum and the range of ``values`` (any shape); returns self."""
        v = as_array(values, "values").astype(np.float64)
        if v.size == 0:
            raise ValueError("values must not be empty")
        span = float(v.max() - v.min())
        self.min_, self.scale_ = float(v.min()), span if span > 0 else 1.0
        return self

    def _fitted(self) -> tuple[float, float]:
        if self.min_ is None or self.scale_ is None:
            raise ValueError("the scaler is not fitted yet; call fit(values) first")
        return self.min_, self.scale_

    def transform(self, values: ArrayLike) -> np.ndarray:
        """``(values - min) / (max - min)`` with the fitted min and max."""
        low, scale = self._fitted()
        return (as_array(values, "values").astype(np.float64) - low) / scale

    def inverse_transform(self, values: ArrayLike) -> np.ndarray:
        """Undo :meth:`transform`."""
        low, scale = self._fitted()
        return as_array(values, "values").astype(np.float64) * scale + low


class WindowedSplit(NamedTuple):
    """Training and test windows from :func:`chronological_split`; x scaled, test targets not."""

    x_train: np.ndarray
    """``(n_train, L)`` scaled windows."""
    y_train: np.ndarray
    """``(n_train,)`` scaled targets."""
    x_test: np.ndarray
    """``(n_test, L)`` scaled windows."""
    y_test: np.ndarray
    """``(n_test,)`` targets in the original units (what the errors are measured in)."""
    scaler: MinMaxScaler
    """Fitted on ``series[: n_train + L]``, the values the training pairs touch."""
    test_index: np.ndarray
    """``(n_test,)`` positions in the series of the test targets."""


def chronological_split(
    series: ArrayLike, length: int, test_fraction: float = 0.2
) -> WindowedSplit:
    """Windows of ``series``, the last ``test_fraction`` of them for testing, scaled without leakage.

    The split is by time, never shuffled: the test targets are the last
    ``round(test_fraction * (N - L))`` values. The scaler sees only the training part
    ``series[: n_train + L]``; the test windows are scaled with it (their values may leave
    ``[0, 1]``, which is the honest situation of a forecaster meeting new data).

    Args:
        series: the values in time order.
        length: the window length ``L``.
        test_fraction: the share of windows kept for testing, in ``(0, 1)``.

    Returns:
        A :class:`WindowedSplit`.

    Shape:
        series ``(N,)``; see :class:`WindowedSplit`.

    Example:
        >>> split = chronological_split(np.arange(200.0), 20)
        >>> split.x_train.shape, split.x_test.shape, int(split.test_index[0])
        ((144, 20), (36, 20), 164)
    """
    s = _series(series)
    x, y = sliding_windows(s, length)
    fraction = check_positive_number(test_fraction, "test_fraction")
    n_test = int(round(fraction * len(y)))
    if not 1 <= n_test < len(y):
        raise ValueError(
            f"test_fraction must leave at least one training and one test window of {len(y)}; "
            f"got {test_fraction} ({n_test} test windows)"
        )
    n_train = len(y) - n_test
    scaler = MinMaxScaler().fit(s[: n_train + length])
    return WindowedSplit(
        scaler.transform(x[:n_train]),
        scaler.transform(y[:n_train]),
        scaler.transform(x[n_train:]),
        y[n_train:],
        scaler,
        np.arange(n_train + length, len(s)),
    )


def _windows(x: ArrayLike) -> np.ndarray:
    return as_array(x, "x", ndim=2).astype(np.float64)


def persistence_forecast(x: ArrayLike) -> np.ndarray:
    """The naive forecast: the next value equals the last one seen.

    Shape:
        x ``(n, L)``; output ``(n,)``.

    Example:
        >>> persistence_forecast([[1.0, 2.0], [5.0, 3.0]])
        array([2., 3.])
    """
    return _windows(x)[:, -1].copy()


def seasonal_naive_forecast(x: ArrayLike, season: int) -> np.ndarray:
    """The seasonal naive forecast: the next value equals the one a season earlier.

    Args:
        x: windows of length ``L >= season``.
        season: the period in steps (12 for monthly data with a yearly cycle).

    Shape:
        x ``(n, L)``; output ``(n,)``.

    Example:
        >>> seasonal_naive_forecast([[1.0, 2.0, 3.0, 4.0]], season=3)  # predicts x[t + 1 - 3]
        array([2.])
    """
    w = _windows(x)
    season = check_positive_int(season, "season")
    if season > w.shape[1]:
        raise ValueError(
            f"season must be at most the window length {w.shape[1]}; got season={season}"
        )
    return w[:, -season].copy()


def fit_linear_autoregression(
    x: ArrayLike, y: ArrayLike, ridge: float = 0.0
) -> tuple[np.ndarray, float]:
    r"""Fit :math:`\hat y = w^\top x + b` by (ridge) least squares on the windows.

    Minimises :math:`\sum_i (w^\top x_i + b - y_i)^2 + \lambda \lVert w \rVert^2`; the bias
    is not penalised.

    Args:
        x: the windows.
        y: the next values.
        ridge: :math:`\lambda \ge 0`.

    Returns:
        ``(weight, bias)``, weight of shape ``(L,)``.

    Example:
        >>> x, y = sliding_windows(np.arange(10.0), 2)
        >>> w, b = fit_linear_autoregression(x, y, ridge=0.0)
        >>> round(float(w.sum()), 6), round(float(x[0] @ w + b), 6)
        (1.0, 2.0)
    """
    w = _windows(x)
    t = as_array(y, "y", shape=(len(w),)).astype(np.float64)
    ridge = check_non_negative(ridge, "ridge")
    design = np.column_stack([w, np.ones(len(w))])
    penalty = ridge * np.eye(design.shape[1])
    penalty[-1, -1] = 0.0
    coef = np.linalg.lstsq(design.T @ design + penalty, design.T @ t, rcond=None)[0]
    return coef[:-1], float(coef[-1])


class LinearAutoregression:
    """A linear (ridge) autoregression on windows, with ``fit`` and ``predict``.

    Example:
        >>> x, y = sliding_windows(np.sin(np.arange(50) / 3), 4)
        >>> model = LinearAutoregression().fit(x, y)
        >>> bool(np.abs(model.predict(x) - y).max() < 1e-8)  # a sine is exactly autoregressive
        True
    """

    def __init__(self, ridge: float = 0.0) -> None:
        self.ridge = check_non_negative(ridge, "ridge")
        self.weight: np.ndarray | None = None
        self.bias = 0.0

    def fit(self, x: ArrayLike, y: ArrayLike) -> LinearAutoregression:
        """Fit the weights on windows x ``(n, L)`` and targets y ``(n,)``; returns self."""
        self.weight, self.bias = fit_linear_autoregression(x, y, self.ridge)
        return self

    def predict(self, x: ArrayLike) -> np.ndarray:
        """Forecasts for windows x ``(n, L)``, shape ``(n,)``."""
        if self.weight is None:
            raise ValueError("the model is not fitted yet; call fit(x, y) first")
        w = as_array(x, "x", shape=(None, len(self.weight))).astype(np.float64)
        return w @ self.weight + self.bias


def _pair(prediction: ArrayLike, target: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    p = as_array(prediction, "prediction").astype(np.float64)
    t = as_array(target, "target").astype(np.float64)
    if p.shape != t.shape:
        raise ValueError(
            f"prediction and target must have the same shape; got {p.shape} and {t.shape}"
        )
    return p, t


def rmse(prediction: ArrayLike, target: ArrayLike) -> float:
    """Root mean squared error, in the units of the data.

    Example:
        >>> rmse([1.0, 2.0], [1.0, 4.0])
        1.4142135623730951
    """
    p, t = _pair(prediction, target)
    return float(np.sqrt(np.mean((p - t) ** 2)))


def mae(prediction: ArrayLike, target: ArrayLike) -> float:
    """Mean absolute error, in the units of the data.

    Example:
        >>> mae([1.0, 2.0], [1.0, 4.0])
        1.0
    """
    p, t = _pair(prediction, target)
    return float(np.mean(np.abs(p - t)))
