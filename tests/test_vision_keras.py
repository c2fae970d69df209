"""dlbook.vision with Keras models (kept apart: importing TensorFlow takes seconds)."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
keras = pytest.importorskip("keras")

from dlbook.testing import assert_close  # noqa: E402
from dlbook.vision import count_model_parameters, feature_maps, nchw_to_nhwc  # noqa: E402

L = keras.layers


@pytest.fixture(scope="module")
def model():
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((10, 10, 1)),
            L.Conv2D(4, 3, activation="relu", name="conv1"),
            L.MaxPooling2D(name="pool1"),
            L.BatchNormalization(name="bn"),
            L.Flatten(name="flatten"),
            L.Dense(3, name="logits"),
        ]
    )


def test_keras_parameter_count_matches_the_hand_formula(model):
    conv, bn, dense = 4 * (9 + 1), 4 * 4, 64 * 3 + 3
    assert count_model_parameters(model) == conv + bn + dense == model.count_params()
    # the moving mean and variance of batch norm are not trained
    assert count_model_parameters(model, trainable_only=True) == conv + 2 * 4 + dense


def test_keras_feature_maps_equal_a_manual_forward_pass(model):
    x = np.random.default_rng(0).normal(size=(2, 10, 10, 1)).astype("float32")
    maps = feature_maps(model, x, ["conv1", "pool1", "logits"])
    assert [m.shape for m in maps.values()] == [(2, 8, 8, 4), (2, 4, 4, 4), (2, 3)]
    conv1 = model.get_layer("conv1")(x)
    pool1 = model.get_layer("pool1")(conv1)
    assert_close(maps["conv1"], keras.ops.convert_to_numpy(conv1), rtol=0, atol=0)
    assert_close(maps["pool1"], keras.ops.convert_to_numpy(pool1), rtol=0, atol=0)
    assert_close(
        maps["logits"], keras.ops.convert_to_numpy(model(x, training=False)), rtol=1e-6, atol=1e-6
    )


def test_keras_feature_maps_bad_input(model):
    x = np.zeros((2, 10, 10, 1), dtype="float32")
    with pytest.raises(
        ValueError, match=r"unknown layer name\(s\) \['conv2'\]; the model has \['conv1'"
    ):
        feature_maps(model, x, ["conv2"])
    with pytest.raises(ValueError, match=r"channels first.*nchw_to_nhwc"):
        feature_maps(model, np.zeros((2, 1, 10, 10)), ["conv1"])
    with pytest.raises(ValueError, match=r"channel axis is missing"):
        feature_maps(model, np.zeros((2, 10, 10)), ["conv1"])
    with pytest.raises(ValueError, match=r"\(N, 10, 10, 1\).*got shape \(2, 12, 12, 1\)$"):
        feature_maps(model, np.zeros((2, 12, 12, 1)), ["conv1"])
    assert feature_maps(model, nchw_to_nhwc(np.zeros((2, 1, 10, 10))), ["conv1"])[
        "conv1"
    ].shape == (2, 8, 8, 4)
