"""The perceptron rule: hand-computed updates, convergence on separable data, failure on XOR."""

import numpy as np
import pytest

from dlbook.perceptron import (
    Perceptron,
    perceptron_fit,
    perceptron_predict,
    perceptron_update,
    step,
    xor_network,
)

BITS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])


def test_step_at_zero_fires():
    np.testing.assert_array_equal(step(np.array([-1e-12, 0.0, 1e-12])), [0, 1, 1])


def test_update_matches_hand_computation():
    # Wrong prediction (fires on a 0): w - lr * x, b - lr.
    w, b = perceptron_update(np.array([0.5, -0.5]), 0.0, np.array([1.0, 1.0]), 0, 0.1)
    np.testing.assert_allclose(w, [0.4, -0.6], rtol=0, atol=1e-15)
    assert b == pytest.approx(-0.1, abs=1e-15)
    # Wrong prediction (silent on a 1): w + lr * x, b + lr.
    w, b = perceptron_update(np.array([0.0, -1.0]), -0.5, np.array([2.0, 1.0]), 1, 0.5)
    np.testing.assert_allclose(w, [1.0, -0.5])
    assert b == pytest.approx(0.0)
    # Right prediction: nothing moves.
    w0 = np.array([1.0, 1.0])
    w, b = perceptron_update(w0, -1.5, np.array([1.0, 1.0]), 1, 0.3)
    np.testing.assert_array_equal(w, w0)
    assert b == -1.5


@pytest.mark.parametrize("target", [[0, 0, 0, 1], [0, 1, 1, 1], [1, 1, 1, 0], [1, 0, 0, 0]])
def test_converges_on_separable_gates(target):
    w, b, errors = perceptron_fit(BITS, np.array(target), lr=0.1, epochs=50)
    assert errors[-1] == 0 and len(errors) < 50
    np.testing.assert_array_equal(perceptron_predict(BITS, w, b), target)


def test_never_learns_xor_but_two_layers_do():
    w, b, errors = perceptron_fit(BITS, np.array([0, 1, 1, 0]), lr=0.1, epochs=200)
    assert len(errors) == 200 and min(errors) > 0
    assert (perceptron_predict(BITS, w, b) == [0, 1, 1, 0]).mean() <= 0.75
    np.testing.assert_array_equal(xor_network(BITS), [0, 1, 1, 0])


def test_separable_random_data_is_learned():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 3))
    y = (X @ np.array([1.0, -2.0, 0.5]) + 0.3 > 0).astype(int)
    model = Perceptron(lr=1.0, epochs=1000).fit(X, y)
    assert model.errors[-1] == 0
    np.testing.assert_array_equal(model.predict(X), y)


def test_bad_input():
    with pytest.raises(ValueError, match=r"X must have 2 dimensions; got shape \(4,\)"):
        perceptron_fit(np.zeros(4), np.zeros(4))
    with pytest.raises(ValueError, match=r"y must have shape \(4,\); got shape \(3,\)"):
        perceptron_fit(BITS, np.zeros(3))
    with pytest.raises(ValueError, match="only 0 and 1"):
        perceptron_fit(BITS, np.array([0, 1, 2, 1]))
    with pytest.raises(ValueError, match="lr must be finite and > 0"):
        perceptron_update(np.zeros(2), 0.0, np.ones(2), 1, -0.1)
    with pytest.raises(ValueError, match="not fitted"):
        Perceptron().predict(BITS)
    with pytest.raises(TypeError, match="epochs must be an integer"):
        Perceptron(epochs=2.5)
