"""Tests for dlbook.forecasting: shapes, a learnable series, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlbook.forecasting import RecurrentForecaster, forecast, train_forecaster
from dlbook.sequences import chronological_split, rmse

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_forecaster_shapes_and_features(kind: str) -> None:
    torch.manual_seed(0)
    model = RecurrentForecaster(kind, hidden_size=3, input_size=2, num_layers=2)
    assert forecast(model, np.zeros((4, 6, 2))).shape == (4,)
    with pytest.raises(ValueError, match=r"2 features per step; got shape \(4, 6\)"):
        forecast(model, np.zeros((4, 6)))
    with pytest.raises(ValueError, match="kind must be one of"):
        RecurrentForecaster("transformer", 3)


def test_training_learns_a_clean_sine_and_is_reproducible() -> None:
    split = chronological_split(np.sin(np.arange(120) / 4), 12)
    results = []
    for _ in range(2):
        torch.manual_seed(0)
        model = RecurrentForecaster("gru", hidden_size=8)
        losses = train_forecaster(
            model, split.x_train, split.y_train, epochs=40, batch_size=16, lr=1e-2, device="cpu"
        )
        results.append(split.scaler.inverse_transform(forecast(model, split.x_test)))
    assert losses[-1] < 0.05 * losses[0]
    assert rmse(results[0], split.y_test) < 0.1
    np.testing.assert_array_equal(results[0], results[1])
    with pytest.raises(ValueError, match=r"y must have shape \(86,\)"):
        train_forecaster(model, split.x_train, split.y_train[:-1], device="cpu")


def test_constant_learning_rate_without_decay() -> None:
    split = chronological_split(np.sin(np.arange(60) / 4), 6)
    torch.manual_seed(0)
    model = RecurrentForecaster("rnn", hidden_size=2)
    decayed = train_forecaster(model, split.x_train, split.y_train, epochs=3, device="cpu")
    torch.manual_seed(0)
    model = RecurrentForecaster("rnn", hidden_size=2)
    constant = train_forecaster(
        model, split.x_train, split.y_train, epochs=3, decay=False, device="cpu"
    )
    assert decayed[0] == constant[0] and decayed[-1] != constant[-1]
