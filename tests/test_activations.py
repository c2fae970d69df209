"""Tests for dlbook.activations: values and derivatives against PyTorch (float64)."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlbook.activations import (
    ACTIVATIONS,
    gelu,
    gelu_grad,
    hardmax,
    hardmax_backward,
    identity,
    identity_grad,
    leaky_relu,
    leaky_relu_grad,
    log_softmax,
    log_softmax_backward,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    silu,
    silu_grad,
    softmax,
    softmax_backward,
    softmax_jacobian,
    swish,
    swish_grad,
    tanh,
    tanh_grad,
)
from dlbook.testing import assert_close

ATOL = 1e-10

# Extreme and ordinary inputs: +-1000 overflow exp() in the naive formulas, 0 is the kink of ReLU.
EXTREMES = np.array(
    [
        -1000.0,
        -710.0,
        -100.0,
        -30.0,
        -5.0,
        -1.0,
        -1e-8,
        0.0,
        1e-8,
        1.0,
        5.0,
        30.0,
        100.0,
        710.0,
        1000.0,
    ]
)
RANDOM = np.random.default_rng(0).normal(scale=3.0, size=200)
INPUTS = np.concatenate([EXTREMES, RANDOM])


pytestmark = pytest.mark.usefixtures("warnings_are_errors")


def test_harness_turns_overflow_into_an_error():
    # The naive sigmoid overflows at -1000: the fixture must make that fail.
    with pytest.raises(RuntimeWarning):
        1.0 / (1.0 + np.exp(-INPUTS))


close = partial(assert_close, rtol=0.0, atol=ATOL)  # float64 against torch


def torch_value_and_grad(torch_fn, x):
    """Return f(x) and df/dx of an elementwise torch function, in float64."""
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = torch_fn(t)
    y.sum().backward()  # elementwise: the gradient of the sum is f'(x) entry by entry
    return y.detach().numpy(), t.grad.numpy()


ELEMENTWISE = [
    ("sigmoid", sigmoid, sigmoid_grad, torch.sigmoid),
    ("tanh", tanh, tanh_grad, torch.tanh),
    ("relu", relu, relu_grad, F.relu),
    ("leaky_relu", leaky_relu, leaky_relu_grad, F.leaky_relu),
    (
        "leaky_relu_0.2",
        lambda x: leaky_relu(x, 0.2),
        lambda x: leaky_relu_grad(x, 0.2),
        lambda t: F.leaky_relu(t, 0.2),
    ),
    ("silu", silu, silu_grad, F.silu),
    ("gelu", gelu, gelu_grad, lambda t: F.gelu(t, approximate="none")),
    (
        "gelu_tanh",
        lambda x: gelu(x, approximate="tanh"),
        lambda x: gelu_grad(x, approximate="tanh"),
        lambda t: F.gelu(t, approximate="tanh"),
    ),
    ("identity", identity, identity_grad, lambda t: t * 1.0),
    (
        "swish_1.7",
        lambda x: swish(x, 1.7),
        lambda x: swish_grad(x, 1.7),
        lambda t: t * torch.sigmoid(1.7 * t),
    ),
]


@pytest.mark.parametrize(
    "name, fn, grad_fn, torch_fn", ELEMENTWISE, ids=[e[0] for e in ELEMENTWISE]
)
def test_elementwise_matches_torch(name, fn, grad_fn, torch_fn):
    expected_value, expected_grad = torch_value_and_grad(torch_fn, INPUTS)
    value, grad = fn(INPUTS), grad_fn(INPUTS)
    assert value.dtype == np.float64 and value.shape == INPUTS.shape
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))
    close(value, expected_value)
    close(grad, expected_grad)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_registry_derivative_matches_finite_differences(name):
    fn, grad_fn = ACTIVATIONS[name]
    x = np.linspace(-4, 4, 41) + 0.013  # avoid the kink of the ReLU family at exactly 0
    h = 1e-6
    numerical = (fn(x + h) - fn(x - h)) / (2 * h)
    close(grad_fn(x), numerical, atol=1e-8)


def test_registry_entries_match_the_functions():
    assert ACTIVATIONS["relu"] == (relu, relu_grad)
    assert set(ACTIVATIONS) == {
        "identity",
        "sigmoid",
        "tanh",
        "relu",
        "leaky_relu",
        "silu",
        "gelu",
        "gelu_tanh",
    }
    x = np.array([-1.5, 0.3])
    close(ACTIVATIONS["gelu_tanh"][0](x), gelu(x, approximate="tanh"))


def test_sigmoid_extremes_are_exact():
    assert sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist() == [0.0, 0.5, 1.0]
    assert sigmoid_grad(np.array([-1000.0, 1000.0])).tolist() == [0.0, 0.0]
    # Symmetry sigma(-x) = 1 - sigma(x), and the tiny tail is kept to full relative precision.
    close(sigmoid(-RANDOM), 1.0 - sigmoid(RANDOM), atol=1e-15)
    np.testing.assert_allclose(sigmoid(-700.0), np.exp(-700.0), rtol=1e-12)


def test_relu_family_at_zero_follows_the_framework_convention():
    assert relu_grad(np.array([0.0])).tolist() == [0.0]
    assert leaky_relu_grad(np.array([0.0]), 0.1).tolist() == [0.1]
    assert leaky_relu(np.array([-3.0, 2.0]), 0.0).tolist() == [0.0, 2.0]


def test_silu_is_swish_with_beta_one_and_gelu_variants_differ():
    close(silu(RANDOM), swish(RANDOM, beta=1.0))
    difference = np.max(np.abs(gelu(RANDOM) - gelu(RANDOM, approximate="tanh")))
    assert 1e-5 < difference < 1e-2  # a good approximation, but not the same function


def test_integer_and_scalar_inputs():
    assert sigmoid([0, 0]).dtype == np.float64
    assert float(sigmoid(0)) == 0.5
    assert relu(np.array([-1, 2])).tolist() == [0.0, 2.0]
    assert sigmoid(np.float32([1.0])).dtype == np.float32  # float32 stays float32


# ----------------------------------------------------------------------------- softmax family

LOGITS = np.random.default_rng(1).normal(scale=4.0, size=(6, 5))
LARGE_LOGITS = np.array(
    [[1e4, 0.0, -1e4], [1e4, 1e4 - 1.0, 1e4 - 2.0], [-1e4, -1e4, -1e4], [1000.0, -1000.0, 0.0]]
)


@pytest.mark.parametrize("logits", [LOGITS, LARGE_LOGITS], ids=["random", "large"])
def test_softmax_and_log_softmax_match_torch(logits):
    t = torch.tensor(logits, dtype=torch.float64)
    s, log_s = softmax(logits), log_softmax(logits)
    close(s, torch.softmax(t, dim=-1).numpy())
    close(log_s, torch.log_softmax(t, dim=-1).numpy())
    close(s.sum(axis=-1), np.ones(len(logits)), atol=1e-14)
    assert np.all(np.isfinite(log_s))


def test_softmax_other_axis_and_shift_invariance():
    x = np.random.default_rng(2).normal(size=(3, 4, 5))
    t = torch.tensor(x)
    close(softmax(x, axis=1), torch.softmax(t, dim=1).numpy())
    close(log_softmax(x, axis=0), torch.log_softmax(t, dim=0).numpy())
    close(softmax(x + 123.0), softmax(x), atol=1e-14)


@pytest.mark.parametrize("logits", [LOGITS, LARGE_LOGITS], ids=["random", "large"])
def test_softmax_backward_matches_autograd(logits):
    grad_output = np.random.default_rng(3).normal(size=logits.shape)
    t = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    torch.softmax(t, dim=-1).backward(torch.tensor(grad_output))
    close(softmax_backward(grad_output, softmax(logits)), t.grad.numpy())

    t.grad = None
    torch.log_softmax(t, dim=-1).backward(torch.tensor(grad_output))
    close(log_softmax_backward(grad_output, log_softmax(logits)), t.grad.numpy())


def test_softmax_backward_other_axis():
    x = np.random.default_rng(4).normal(size=(4, 3, 2))
    grad_output = np.random.default_rng(5).normal(size=x.shape)
    t = torch.tensor(x, requires_grad=True)
    torch.softmax(t, dim=1).backward(torch.tensor(grad_output))
    close(softmax_backward(grad_output, softmax(x, axis=1), axis=1), t.grad.numpy())


def test_softmax_jacobian_matches_autograd_and_its_properties():
    x = LOGITS[0]
    jac = softmax_jacobian(x)
    expected = torch.autograd.functional.jacobian(
        lambda t: torch.softmax(t, dim=0), torch.tensor(x)
    )
    close(jac, expected.numpy())
    close(jac, jac.T, atol=1e-15)
    close(jac.sum(axis=1), np.zeros(len(x)), atol=1e-15)
    # The vector-Jacobian product is grad_output @ J.
    grad_output = np.arange(len(x), dtype=float)
    close(softmax_backward(grad_output, softmax(x)), grad_output @ jac)


def test_hardmax_is_one_hot_of_argmax():
    x = np.concatenate([LOGITS, LARGE_LOGITS[:, :3].repeat(2, axis=1)[:, :5]])
    expected = F.one_hot(torch.tensor(x).argmax(dim=-1), num_classes=5).double().numpy()
    np.testing.assert_array_equal(hardmax(x), expected)
    np.testing.assert_array_equal(hardmax([[2.0, 2.0, 1.0]]), [[1.0, 0.0, 0.0]])  # ties: the first
    np.testing.assert_array_equal(hardmax(x.T, axis=0), expected.T)
    np.testing.assert_array_equal(hardmax_backward(x), np.zeros_like(x))
    # Softmax at a low temperature approaches hardmax.
    close(softmax(LOGITS / 1e-3), hardmax(LOGITS), atol=1e-6)


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match=r"at least 1 dimension.*shape \(\)"):
        softmax(3.0)
    with pytest.raises(ValueError, match=r"axis 2 is out of range for x of shape \(2, 3\)"):
        softmax(np.zeros((2, 3)), axis=2)
    with pytest.raises(ValueError, match=r"x must have 1 dimensions; got shape \(2, 3\)"):
        softmax_jacobian(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"grad_output \(2, 3\) and s \(2, 4\)"):
        softmax_backward(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"approximate must be one of 'none', 'tanh'; got 'erf'"):
        gelu(np.zeros(2), approximate="erf")
    with pytest.raises(ValueError, match="negative_slope must be finite and >= 0"):
        leaky_relu(np.zeros(2), negative_slope=-0.1)
    with pytest.raises(TypeError, match="x must hold numbers"):
        relu(np.array(["a", "b"]))


def test_empty_class_axis_names_the_argument():
    """Adversarial finding 8: no classes is an error that names the argument, not NumPy's."""
    for function in (softmax, log_softmax, hardmax):
        with pytest.raises(
            ValueError, match=r"x must have at least one class along axis 1; got shape \(3, 0\)"
        ):
            function(np.zeros((3, 0)), axis=1)
    with pytest.raises(ValueError, match=r"grad_output must have at least one class"):
        softmax_backward(np.zeros((3, 0)), np.zeros((3, 0)))
