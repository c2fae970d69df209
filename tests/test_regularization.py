"""Tests of inverted dropout and the L2 penalty: statistics, gradients, PyTorch and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlbook.gradcheck import numerical_gradient
from dlbook.optim import SGD
from dlbook.regularization import dropout, dropout_backward, l2_penalty

# Statistical checks use a bound of Z = 5 standard errors. For one check, a
# correct implementation exceeds it with probability P(|N(0, 1)| > 5) = 5.7e-7
# (normal approximation; the counts below are binomial with n >= 1e5); with the
# 150 per-entry checks of the expectation test together, at most 150 * 5.7e-7 < 1e-4.
# The seeds are fixed, so the outcome is deterministic anyway; the bound says how
# unlikely a failure of a correct implementation would be under a fresh seed, and
# each bound is tight enough to catch a wrong scale (for example 1/p or no
# rescaling) or a wrong keep probability (p instead of 1 - p).
Z = 5.0
P_VALUES = [0.1, 0.5, 0.8]


@pytest.mark.parametrize("p", P_VALUES)
def test_dropout_preserves_the_expectation(p):
    rng = np.random.default_rng(0)
    x = rng.normal(size=50)  # (D,)
    n_samples = 100_000
    out, _ = dropout(np.broadcast_to(x, (n_samples, x.size)), p, rng)  # (N, D)
    mean = out.mean(axis=0)
    # out = x * B / (1 - p) with B ~ Bernoulli(1 - p): Var(out) = x**2 * p / (1 - p).
    standard_error = np.abs(x) * math.sqrt(p / (1 - p) / n_samples)
    assert np.all(np.abs(mean - x) <= Z * standard_error)
    # The bound is informative: without the 1 / (1 - p) rescaling the mean would be off.
    assert np.all(np.abs(mean * (1 - p) - x) > Z * standard_error)


@pytest.mark.parametrize("p", [*P_VALUES, 0.0])
def test_fraction_of_zeros_is_p(p):
    rng = np.random.default_rng(1)
    x = rng.uniform(1, 2, size=(1000, 1000))  # no zeros of its own
    out, mask = dropout(x, p, rng)
    n = x.size
    fraction = np.mean(out == 0)
    assert abs(fraction - p) <= Z * math.sqrt(p * (1 - p) / n)  # exactly 0 when p = 0
    np.testing.assert_array_equal(out == 0, ~mask)
    np.testing.assert_array_equal(out[mask], x[mask] / (1 - p))  # kept entries, exactly rescaled


def test_training_false_is_the_identity_and_draws_nothing():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 5))
    state = rng.bit_generator.state
    out, mask = dropout(x, 0.5, rng, training=False)
    np.testing.assert_array_equal(out, x)
    assert out is not x and mask.all() and mask.shape == x.shape
    assert rng.bit_generator.state == state


def test_p_zero_is_the_identity():
    x = np.random.default_rng(3).normal(size=(3, 7))
    out, mask = dropout(x, 0.0, np.random.default_rng(4))
    np.testing.assert_array_equal(out, x)
    assert mask.all()


def test_dtypes():
    out, _ = dropout(np.arange(6).reshape(2, 3), 0.5, np.random.default_rng(0))
    assert out.dtype == np.float64
    out, _ = dropout(np.ones(4, dtype=np.float32), 0.5, np.random.default_rng(0))
    assert out.dtype == np.float32


def test_same_scale_convention_as_torch():
    """torch.nn.functional.dropout is inverted dropout too: kept entries become x / (1 - p)."""
    torch.manual_seed(0)
    p = 0.3
    out_torch = torch.nn.functional.dropout(
        torch.ones(10_000, dtype=torch.float64), p, training=True
    )
    kept = out_torch[out_torch != 0]
    ours, mask = dropout(np.ones(10_000), p, np.random.default_rng(0))
    np.testing.assert_allclose(kept.numpy(), 1 / (1 - p), rtol=0, atol=1e-15)
    np.testing.assert_allclose(ours[mask], 1 / (1 - p), rtol=0, atol=1e-15)
    np.testing.assert_array_equal(
        torch.nn.functional.dropout(torch.ones(5), p, training=False).numpy(), np.ones(5)
    )


def test_dropout_backward_matches_finite_differences_and_torch():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(6, 4))  # (B, D)
    upstream = rng.normal(size=(6, 4))
    p = 0.4
    _, mask = dropout(x, p, np.random.default_rng(9))
    grad = dropout_backward(upstream, mask, p)

    def f(x_: np.ndarray) -> float:  # the same mask each time: the same seed
        return float(np.sum(dropout(x_, p, np.random.default_rng(9))[0] * upstream))

    np.testing.assert_allclose(grad, numerical_gradient(f, x), rtol=0, atol=1e-8)

    x_torch = torch.tensor(x, requires_grad=True)
    (x_torch * torch.from_numpy(mask) / (1 - p)).backward(torch.from_numpy(upstream))
    np.testing.assert_allclose(grad, x_torch.grad.numpy(), rtol=0, atol=1e-15)


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, float("nan")])
def test_bad_p_raises_value_error(p):
    with pytest.raises(ValueError, match=r"the drop probability p must be in \[0, 1\); got"):
        dropout(np.ones(3), p, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"the drop probability p must be in \[0, 1\); got"):
        dropout_backward(np.ones(3), np.ones(3, dtype=bool), p)


def test_other_bad_input():
    with pytest.raises(TypeError, match="p must be a real number; got str"):
        dropout(np.ones(3), "0.5", np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng must be a np.random.Generator .* got RandomState"):
        dropout(np.ones(3), 0.5, np.random.RandomState(0))
    with pytest.raises(TypeError, match="x must hold numbers"):
        dropout(np.array(["a", "b"]), 0.5, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"mask must have shape \(2, 3\); got shape \(3, 2\)"):
        dropout_backward(np.ones((2, 3)), np.ones((3, 2), dtype=bool), 0.5)


# ----------------------------------------------------------------------------
# The L2 penalty.
# ----------------------------------------------------------------------------


def test_l2_penalty_by_hand():
    penalty, grad = l2_penalty(np.array([[1.0, 2.0], [0.0, -3.0]]), lam=0.1, n=5)
    assert penalty == pytest.approx(0.1 / 10 * 14, abs=1e-16)
    np.testing.assert_allclose(grad, [[0.02, 0.04], [0.0, -0.06]], rtol=0, atol=1e-16)


def test_l2_penalty_of_several_arrays_matches_torch_autograd():
    rng = np.random.default_rng(6)
    weights = [rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=7)]
    lam, n = 0.7, 50
    penalty, grads = l2_penalty(weights, lam, n)
    tensors = [torch.tensor(w, requires_grad=True) for w in weights]
    penalty_torch = lam / (2 * n) * sum((t**2).sum() for t in tensors)
    penalty_torch.backward()
    assert penalty == pytest.approx(penalty_torch.item(), rel=1e-14)
    assert isinstance(grads, list) and len(grads) == 3
    for g, t in zip(grads, tensors):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=0, atol=1e-15)
    # One array or a list holding it: the same numbers.
    single, single_grad = l2_penalty(weights[0], lam, n)
    listed, listed_grad = l2_penalty([weights[0]], lam, n)
    assert single == listed
    np.testing.assert_array_equal(single_grad, listed_grad[0])


def test_l2_penalty_gradient_matches_finite_differences():
    w = np.random.default_rng(7).normal(size=(3, 3))
    _, grad = l2_penalty(w, lam=2.0, n=8)
    numeric = numerical_gradient(lambda v: l2_penalty(v, 2.0, 8)[0], w)
    np.testing.assert_allclose(grad, numeric, rtol=0, atol=1e-8)


def test_l2_penalty_gradient_is_sgd_weight_decay_lam_over_n():
    rng = np.random.default_rng(8)
    w0, loss_grad = rng.normal(size=5), rng.normal(size=5)
    lam, n = 3.0, 60
    w_penalty, w_decay = w0.copy(), w0.copy()
    SGD([w_penalty], lr=0.1).step([loss_grad + l2_penalty(w_penalty, lam, n)[1]])
    SGD([w_decay], lr=0.1, weight_decay=lam / n).step([loss_grad])
    np.testing.assert_allclose(w_penalty, w_decay, rtol=0, atol=1e-15)


def test_l2_penalty_bad_input():
    with pytest.raises(ValueError, match="lam must be finite and >= 0; got -0.1"):
        l2_penalty(np.ones(2), -0.1, 10)
    with pytest.raises(ValueError, match="n must be >= 1; got 0"):
        l2_penalty(np.ones(2), 0.1, 0)
    with pytest.raises(TypeError, match="n must be an integer; got float 2.5"):
        l2_penalty(np.ones(2), 0.1, 2.5)
    with pytest.raises(TypeError, match=r"weights\[1\] must hold numbers"):
        l2_penalty([np.ones(2), np.array(["a"])], 0.1, 10)
