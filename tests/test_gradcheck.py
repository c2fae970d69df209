"""Tests for dlbook.gradcheck: known gradients pass, wrong ones fail, inputs are left untouched."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.gradcheck import (
    GradientCheck,
    check_gradient,
    check_gradients,
    numerical_gradient,
    relative_error,
)

rng = np.random.default_rng(0)


pytestmark = pytest.mark.usefixtures("warnings_are_errors")


def test_quadratic_form():
    A = rng.normal(size=(5, 5))
    x = rng.normal(size=5)
    result = check_gradient(lambda v: v @ A @ v, x, analytic_grad=(A + A.T) @ x)
    assert isinstance(result, GradientCheck)
    assert result.passed and result.relative_error < 1e-8


def test_sine_of_a_three_dimensional_array():
    x = rng.normal(size=(3, 4, 2))
    result = check_gradient(lambda v: np.sum(np.sin(v)), x, analytic_grad=np.cos)
    assert result.passed and result.relative_error < 1e-8
    assert result.numerical.shape == x.shape


def test_matrix_products():
    X, W, C = rng.normal(size=(6, 4)), rng.normal(size=(4, 3)), rng.normal(size=(6, 3))
    # f(W) = sum(C * (X W)) has gradient X^T C; with respect to X it is C W^T.
    assert check_gradient(lambda w: np.sum(C * (X @ w)), W, X.T @ C).relative_error < 1e-8
    assert check_gradient(lambda x: np.sum(C * (x @ W)), X, C @ W.T).relative_error < 1e-8
    # A non-linear one: f(W) = sum((X W)^2) has gradient 2 X^T (X W).
    assert (
        check_gradient(lambda w: np.sum((X @ w) ** 2), W, 2 * X.T @ (X @ W)).relative_error < 1e-8
    )


def test_scalar_and_list_inputs():
    result = check_gradient(lambda v: np.sin(v) * 3.0, np.array(0.7), analytic_grad=3 * np.cos(0.7))
    assert result.relative_error < 1e-8
    grad = numerical_gradient(lambda v: float(v[0] * v[1]), [2, 5])
    np.testing.assert_allclose(grad, [5.0, 2.0], rtol=0, atol=1e-8)
    assert grad.dtype == np.float64


def test_wrong_gradients_are_reported_as_failed():
    A = rng.normal(size=(4, 4))
    x = rng.normal(size=4)
    f = lambda v: v @ A @ v  # noqa: E731
    for wrong in (A @ x, 2 * A.T @ x, -(A + A.T) @ x, (A + A.T) @ x + 1e-3):
        result = check_gradient(f, x, wrong)
        assert not result.passed
        assert result.relative_error > 1e-5
    # Missing the factor 1/2 that should cancel: still a failure, and the error says "about 1/3".
    result = check_gradient(lambda v: 0.5 * np.sum(v**2), x, 2 * x)
    assert not result.passed and abs(result.relative_error - 1 / 3) < 1e-6


def test_central_differences_error_shrinks_like_eps_squared():
    x = np.array([0.3, -0.2, 0.5])
    f, grad = (lambda v: np.sum(np.exp(v))), np.exp(x)
    coarse = relative_error(numerical_gradient(f, x, eps=1e-2), grad)
    fine = relative_error(numerical_gradient(f, x, eps=1e-3), grad)
    assert 80 < coarse / fine < 120  # one-sided differences would give a ratio of about 10


def test_input_is_restored_exactly_and_closures_see_the_perturbation():
    W = rng.normal(size=(3, 2))
    original = W.copy()
    x = rng.normal(size=(5, 3))
    loss = lambda: np.sum(np.tanh(x @ W))  # noqa: E731  reads W through the closure
    numerical = numerical_gradient(lambda _: loss(), W)
    np.testing.assert_array_equal(W, original)  # bit for bit
    analytic = x.T @ (1 - np.tanh(x @ W) ** 2)
    assert relative_error(numerical, analytic) < 1e-8


def test_input_is_restored_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])
    calls = []

    def explodes(v):
        calls.append(v.copy())
        if len(calls) == 3:
            raise RuntimeError("boom")
        return float(np.sum(v))

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(explodes, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])
    assert calls[2][1] != 2.0  # it really was perturbed when f raised


def test_relative_error_properties():
    a = rng.normal(size=10)
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, -a) == 1.0
    b = a + 1e-3
    assert relative_error(a, b) == relative_error(b, a)
    assert relative_error(a, b) == pytest.approx(1e-3 / np.max(np.abs(a) + np.abs(b)), rel=1e-12)
    assert relative_error(1e12 * a, 1e12 * b) == pytest.approx(
        relative_error(a, b), rel=1e-9
    )  # scale-free
    assert relative_error(np.zeros(0), np.zeros(0)) == 0.0
    assert np.isnan(relative_error([np.nan, 1.0], [1.0, 1.0]))
    assert not check_gradient(lambda v: np.sum(v), np.ones(2), [np.nan, 1.0]).passed


def test_check_gradients_for_several_parameters():
    x, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    params = {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    loss = lambda: np.mean((x @ params["W"] + params["b"] - y) ** 2)  # noqa: E731
    grad_output = 2 * (x @ params["W"] + params["b"] - y) / y.size
    grads = {"W": x.T @ grad_output, "b": grad_output.sum(axis=0)}
    results = check_gradients(loss, params, grads)
    assert list(results) == ["W", "b"]
    assert all(r.passed and r.relative_error < 1e-8 for r in results.values())

    grads["b"] = grad_output.mean(axis=0)  # a typical bug: mean instead of sum over the batch
    results = check_gradients(loss, params, grads)
    assert results["W"].passed and not results["b"].passed


def test_bad_inputs_raise():
    with pytest.raises(TypeError, match="x must be float64.*got dtype float32"):
        numerical_gradient(np.sum, np.ones(3, dtype=np.float32))
    with pytest.raises(
        ValueError, match=r"f must return a single real number; got ndarray of shape \(3,\)"
    ):
        numerical_gradient(lambda v: v * 2, np.ones(3))
    with pytest.raises(
        ValueError, match=r"a and b must have the same shape; got a \(2,\) and b \(3,\)"
    ):
        relative_error(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match=r"analytic_grad \(3,\) and x \(2, 3\)"):
        check_gradient(np.sum, np.ones((2, 3)), np.ones(3))
    with pytest.raises(ValueError, match="eps must be finite and > 0"):
        numerical_gradient(np.sum, np.ones(2), eps=0.0)
    params = {"W": np.ones((2, 2))}
    with pytest.raises(ValueError, match=r"same keys; got params \['W'\] and grads \['V'\]"):
        check_gradients(lambda: 0.0, params, {"V": np.ones((2, 2))})
    with pytest.raises(
        ValueError,
        match=r"grads\['W'\] must have the shape of params\['W'\]; got \(2,\) and \(2, 2\)",
    ):
        check_gradients(lambda: 0.0, params, {"W": np.ones(2)})
    with pytest.raises(
        TypeError, match=r"params\['W'\] must be a writeable float64 NumPy array.*got list"
    ):
        check_gradients(lambda: 0.0, {"W": [1.0, 2.0]}, {"W": [0.0, 0.0]})
