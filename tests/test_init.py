"""Tests of Xavier/Glorot and He/Kaiming initialisation: variances, bounds, shapes, torch.nn.init."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats

from dlbook.init import he_normal, he_uniform, xavier_normal, xavier_uniform

# A large matrix with fan_in != fan_out, so that using the wrong fan (or their sum)
# changes the variance by far more than the sampling error.
FAN_IN, FAN_OUT = 400, 600
N = FAN_IN * FAN_OUT  # 240,000 samples

# Every statistical check below fails for a correct implementation with
# probability ALPHA = 1e-6 (two-sided), so a failure means a wrong formula:
# - normal weights, known mean 0: N * mean(w**2) / var ~ chi-square with N degrees
#   of freedom, so mean(w**2) / var must lie in [chi2.ppf(ALPHA/2, N) / N,
#   chi2.isf(ALPHA/2, N) / N], about 1 -/+ 1.4% here;
# - uniform weights on [-a, a]: mean(w**2) has mean a**2 / 3 and variance
#   (a**4 / 5 - a**4 / 9) / N = (4 / 45) a**4 / N, so by the central limit theorem
#   mean(w**2) / var must lie within Z * sqrt(0.8 / N) of 1 (about 0.9% here),
#   with Z = norm.isf(ALPHA / 2) = 4.89;
# - the mean: |mean(w)| <= Z * std / sqrt(N).
ALPHA = 1e-6
Z = stats.norm.isf(ALPHA / 2)

XAVIER_VAR = 2 / (FAN_IN + FAN_OUT)
HE_VAR = 2 / FAN_IN

CASES = [
    (xavier_uniform, "uniform", XAVIER_VAR),
    (xavier_normal, "normal", XAVIER_VAR),
    (he_uniform, "uniform", HE_VAR),
    (he_normal, "normal", HE_VAR),
]


def check_variance(weights: np.ndarray, kind: str, var: float) -> None:
    """Assert that the weights have mean 0 and variance ``var``, within the bounds above."""
    n = weights.size
    ratio = np.mean(weights**2) / var
    if kind == "normal":
        low, high = stats.chi2.ppf(ALPHA / 2, n) / n, stats.chi2.isf(ALPHA / 2, n) / n
    else:
        half_width = Z * math.sqrt(0.8 / n)
        low, high = 1 - half_width, 1 + half_width
    assert low <= ratio <= high, (
        f"mean(w**2) / var = {ratio:.5f}, expected in [{low:.5f}, {high:.5f}]"
    )
    assert abs(weights.mean()) <= Z * math.sqrt(var / n)


@pytest.mark.parametrize("init, kind, var", CASES, ids=[c[0].__name__ for c in CASES])
def test_sample_variance_matches_the_formula(init, kind, var):
    weights = init(FAN_IN, FAN_OUT, np.random.default_rng(0))
    assert weights.shape == (FAN_IN, FAN_OUT) and weights.dtype == np.float64
    check_variance(weights, kind, var)


@pytest.mark.parametrize("init, kind, var", CASES, ids=[c[0].__name__ for c in CASES])
def test_distribution_shape(init, kind, var):
    """Uniform within [-a, a] with a = sqrt(3 var) and reaching its ends; normal passes a KS test."""
    weights = init(FAN_IN, FAN_OUT, np.random.default_rng(1)).ravel()
    if kind == "uniform":
        bound = math.sqrt(3 * var)  # sqrt(6 / (fan_in + fan_out)) or sqrt(6 / fan_in)
        assert np.abs(weights).max() <= bound
        assert np.abs(weights).max() > 0.999 * bound  # P(all below) = 0.999**240000, about 1e-104
        p_value = stats.kstest(weights, stats.uniform(loc=-bound, scale=2 * bound).cdf).pvalue
    else:
        p_value = stats.kstest(weights, stats.norm(scale=math.sqrt(var)).cdf).pvalue
    assert p_value > ALPHA


def test_uniform_bounds_are_the_documented_formulas():
    rng = np.random.default_rng(2)
    assert np.abs(xavier_uniform(10, 30, rng)).max() <= math.sqrt(6 / 40)
    assert np.abs(he_uniform(10, 30, rng)).max() <= math.sqrt(6 / 10)
    # The He bound is wider than the Xavier bound here; the samples really use it.
    assert np.abs(he_uniform(10, 3000, rng)).max() > math.sqrt(6 / 40)


def test_he_uses_fan_in_only():
    rng = np.random.default_rng(3)
    check_variance(he_normal(FAN_IN, 50, rng, shape=N), "normal", 2 / FAN_IN)
    check_variance(he_normal(FAN_IN, 5000, rng, shape=N), "normal", 2 / FAN_IN)


def test_shapes_seeds_and_dtypes():
    a = xavier_normal(5, 7, np.random.default_rng(4))
    b = xavier_normal(5, 7, np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)  # reproducible from the seed
    assert a.shape == (5, 7)
    assert he_uniform(5, 7, np.random.default_rng(0), shape=(7, 5)).shape == (7, 5)
    assert he_normal(27, 144, np.random.default_rng(0), shape=(16, 3, 3, 3)).shape == (16, 3, 3, 3)
    assert xavier_uniform(4, 4, np.random.default_rng(0), shape=16).shape == (16,)
    assert all(f(3, 2, np.random.default_rng(0)).dtype == np.float64 for f, _, _ in CASES)


# ----------------------------------------------------------------------------
# Agreement with torch.nn.init. torch stores a Linear weight as (out, in), so
# fan_in is the size of dimension 1; for a kernel (C_out, C_in, k, k) it is
# C_in * k * k. Documented formulas (gain 1 for Xavier, gain sqrt(2) for ReLU):
#   xavier_uniform_: a = gain * sqrt(6 / (fan_in + fan_out))
#   xavier_normal_:  std = gain * sqrt(2 / (fan_in + fan_out))
#   kaiming_uniform_(mode="fan_in", nonlinearity="relu"): a = gain * sqrt(3 / fan_in)
#   kaiming_normal_(mode="fan_in", nonlinearity="relu"):  std = gain / sqrt(fan_in)
# ----------------------------------------------------------------------------

RELU_GAIN = torch.nn.init.calculate_gain("relu")
TORCH_CASES = [
    (
        xavier_uniform,
        "uniform",
        torch.nn.init.xavier_uniform_,
        {},
        lambda fi, fo: (math.sqrt(6 / (fi + fo))) ** 2 / 3,
    ),
    (
        xavier_normal,
        "normal",
        torch.nn.init.xavier_normal_,
        {},
        lambda fi, fo: (math.sqrt(2 / (fi + fo))) ** 2,
    ),
    (
        he_uniform,
        "uniform",
        torch.nn.init.kaiming_uniform_,
        {"nonlinearity": "relu"},
        lambda fi, fo: (RELU_GAIN * math.sqrt(3 / fi)) ** 2 / 3,
    ),
    (
        he_normal,
        "normal",
        torch.nn.init.kaiming_normal_,
        {"nonlinearity": "relu"},
        lambda fi, fo: (RELU_GAIN / math.sqrt(fi)) ** 2,
    ),
]


@pytest.mark.parametrize(
    "ours, kind, theirs, options, torch_var", TORCH_CASES, ids=[c[0].__name__ for c in TORCH_CASES]
)
@pytest.mark.parametrize("shape", [(FAN_OUT, FAN_IN), (64, 32, 5, 5)], ids=["linear", "conv"])
def test_variance_agrees_with_torch_nn_init(ours, kind, theirs, options, torch_var, shape):
    receptive_field = math.prod(shape[2:])
    fan_in, fan_out = shape[1] * receptive_field, shape[0] * receptive_field
    var = torch_var(fan_in, fan_out)
    # Our formula and torch's documented one give the same variance.
    expected = 2 / (fan_in + fan_out) if ours.__name__.startswith("xavier") else 2 / fan_in
    assert var == pytest.approx(expected, rel=1e-12)
    # torch's samples and ours both have that variance (within the bounds above).
    torch.manual_seed(0)
    torch_weights = theirs(torch.empty(shape, dtype=torch.float64), **options).numpy()
    check_variance(torch_weights, kind, var)
    our_weights = ours(fan_in, fan_out, np.random.default_rng(5), shape=shape)
    check_variance(our_weights, kind, var)
    if kind == "uniform":  # the same support
        bound = math.sqrt(3 * var)
        for w in (torch_weights, our_weights):
            assert bound * 0.999 < np.abs(w).max() <= bound


# ----------------------------------------------------------------------------
# Bad input.
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("init", [c[0] for c in CASES])
def test_bad_input(init):
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="fan_in must be >= 1; got 0"):
        init(0, 3, rng)
    with pytest.raises(TypeError, match="fan_out must be an integer; got float 3.0"):
        init(3, 3.0, rng)
    with pytest.raises(TypeError, match="rng must be a np.random.Generator .* got int"):
        init(3, 3, 0)
    with pytest.raises(ValueError, match=r"shape\[1\] must be >= 1; got 0"):
        init(3, 3, rng, shape=(3, 0))
    with pytest.raises(TypeError, match="shape must be a tuple of positive integers; got float"):
        init(3, 3, rng, shape=3.0)
