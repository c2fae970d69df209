"""Tests for dlbook.sequences: windows, the leak-free split, baselines against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.preprocessing import MinMaxScaler as SkMinMaxScaler

from dlbook.sequences import (
    LinearAutoregression,
    MinMaxScaler,
    chronological_split,
    fit_linear_autoregression,
    mae,
    persistence_forecast,
    rmse,
    seasonal_naive_forecast,
    sliding_windows,
)
from dlbook.testing import assert_close


def test_sliding_windows_pair_each_window_with_the_next_value() -> None:
    series = np.random.default_rng(0).normal(size=30)
    x, y = sliding_windows(series, 7)
    assert x.shape == (23, 7) and y.shape == (23,)
    for i in range(23):
        assert_close(x[i], series[i : i + 7], rtol=0)
        assert y[i] == series[i + 7]
    x1, y1 = sliding_windows(series, 1)
    assert_close(x1[:, 0], series[:-1], rtol=0)
    assert_close(y1, series[1:], rtol=0)


@pytest.mark.parametrize(
    ("length", "error", "message"),
    [
        (30, ValueError, "at most 29 for 30 values; got 30"),
        (31, ValueError, "at most 29 for 30 values; got 31"),
        (0, ValueError, "length must be >= 1; got 0"),
        (2.5, TypeError, "integer"),
    ],
)
def test_sliding_windows_reject_bad_lengths(length, error, message) -> None:
    with pytest.raises(error, match=message):
        sliding_windows(np.zeros(30), length)


def test_sliding_windows_want_one_dimension() -> None:
    with pytest.raises(ValueError, match=r"series must have 1 dimensions; got shape \(3, 4\)"):
        sliding_windows(np.zeros((3, 4)), 2)


def test_scaler_equals_scikit_learn() -> None:
    values = np.random.default_rng(1).normal(size=50)
    ours, theirs = MinMaxScaler().fit(values[:40]), SkMinMaxScaler().fit(values[:40, None])
    assert_close(ours.transform(values), theirs.transform(values[:, None])[:, 0], rtol=1e-12)
    assert_close(ours.inverse_transform(ours.transform(values)), values, rtol=1e-12)
    with pytest.raises(ValueError, match="not fitted"):
        MinMaxScaler().transform(values)


def test_chronological_split_fits_the_scaler_on_the_training_part_only() -> None:
    series = np.arange(200.0)
    series[-1] = 1e6  # a test value far out of range must not change the scaling
    split = chronological_split(series, 20, test_fraction=0.2)
    assert split.x_train.shape == (144, 20) and split.x_test.shape == (36, 20)
    assert split.scaler.min_ == 0.0 and split.scaler.scale_ == 163.0  # series[:164]
    assert split.x_train.max() <= 1.0 and split.x_test.max() > 1.0
    assert split.y_test[-1] == 1e6  # test targets stay in the original units
    assert_close(split.test_index, np.arange(164, 200), rtol=0)
    assert_close(split.scaler.inverse_transform(split.x_test[0]), series[144:164], rtol=1e-12)
    with pytest.raises(ValueError, match="at least one training and one test window"):
        chronological_split(series, 20, test_fraction=0.999)


def test_baselines() -> None:
    x = np.array([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
    assert_close(persistence_forecast(x), [4.0, 8.0], rtol=0)
    assert_close(seasonal_naive_forecast(x, 4), [1.0, 5.0], rtol=0)
    assert_close(seasonal_naive_forecast(x, 1), persistence_forecast(x), rtol=0)
    with pytest.raises(ValueError, match="at most the window length 4; got season=5"):
        seasonal_naive_forecast(x, 5)
    with pytest.raises(ValueError, match="2 dimensions"):
        persistence_forecast([1.0, 2.0])


@pytest.mark.parametrize("ridge", [0.0, 0.5, 10.0])
def test_linear_autoregression_equals_scikit_learn(ridge: float) -> None:
    rng = np.random.default_rng(2)
    x, y = sliding_windows(np.sin(np.arange(120) / 6) + 0.3 * rng.normal(size=120), 10)
    sk = (LinearRegression() if ridge == 0 else Ridge(alpha=ridge)).fit(x, y)
    weight, bias = fit_linear_autoregression(x, y, ridge)
    assert_close(weight, sk.coef_, rtol=1e-8, atol=1e-10)
    assert bias == pytest.approx(sk.intercept_, rel=1e-8)
    model = LinearAutoregression(ridge).fit(x, y)
    assert_close(model.predict(x), sk.predict(x), rtol=1e-8)
    with pytest.raises(ValueError, match=r"x must have shape \(any, 10\)"):
        model.predict(x[:, :5])


def test_metrics() -> None:
    assert rmse([0.0, 0.0], [3.0, 4.0]) == pytest.approx(np.sqrt(12.5))
    assert mae([0.0, 0.0], [3.0, -4.0]) == 3.5
    with pytest.raises(ValueError, match="same shape"):
        rmse([1.0], [1.0, 2.0])
