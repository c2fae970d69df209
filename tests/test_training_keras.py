"""dlbook.training.history_from_keras on a real Keras History (kept apart: importing TensorFlow takes seconds)."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
keras = pytest.importorskip("keras")

from dlbook.training import history_from_keras  # noqa: E402


@pytest.fixture(scope="module")
def keras_history():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 2)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("float32")
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(4, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"]
    )
    return model.fit(x, y, batch_size=64, epochs=3, validation_split=0.25, verbose=0)


def test_keras_history_has_the_shape_of_fit(keras_history):
    history = history_from_keras(keras_history)
    assert sorted(history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert all(
        len(values) == 3 and all(type(v) is float for v in values) for values in history.values()
    )
    assert history["loss"][-1] < history["loss"][0]
    assert history == history_from_keras(keras_history.history)


def test_one_plotting_helper_draws_keras_and_torch_histories(keras_history):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dlbook.plotting import plot_history

    fig, axes = plot_history(keras_history, keys=["loss", "accuracy"], label="Keras")
    np.testing.assert_allclose(
        axes[0].get_lines()[0].get_ydata(), keras_history.history["loss"], rtol=0, atol=0
    )
    assert [line.get_label() for line in axes[1].get_lines()] == [
        "Keras training",
        "Keras validation",
    ]
    plt.close(fig)
