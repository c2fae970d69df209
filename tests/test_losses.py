"""Tests for dlbook.losses: values and gradients against PyTorch (float64), extreme inputs included."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlbook.losses import (
    LOG_EPS,
    binary_cross_entropy,
    binary_cross_entropy_grad,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    categorical_cross_entropy,
    categorical_cross_entropy_grad,
    categorical_cross_entropy_with_logits,
    categorical_cross_entropy_with_logits_grad,
    mae,
    mae_grad,
    mse,
    mse_grad,
)
from dlbook.testing import assert_close

ATOL = 1e-10
REDUCTIONS = ["mean", "sum", "none"]
rng = np.random.default_rng(0)


pytestmark = pytest.mark.usefixtures("warnings_are_errors")


close = partial(assert_close, rtol=0.0, atol=ATOL)  # float64 against torch


def torch_loss_and_grad(torch_loss, prediction, target, reduction, target_dtype=torch.float64):
    """Return the torch loss and the gradient of its sum with respect to the first argument."""
    pred = torch.tensor(prediction, dtype=torch.float64, requires_grad=True)
    out = torch_loss(pred, torch.tensor(target, dtype=target_dtype), reduction=reduction)
    out.sum().backward()
    value = out.item() if reduction != "none" else out.detach().numpy()
    return value, pred.grad.numpy()


# ----------------------------------------------------------------------------- regression


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_and_mae_match_torch(reduction):
    prediction = rng.normal(size=(7, 3))
    target = rng.normal(size=(7, 3))
    target[0, 0] = prediction[0, 0]  # an exact tie: the derivative of |.| is taken as 0
    for ours, ours_grad, theirs in [(mse, mse_grad, F.mse_loss), (mae, mae_grad, F.l1_loss)]:
        value, grad = torch_loss_and_grad(theirs, prediction, target, reduction)
        close(ours(prediction, target, reduction=reduction), value)
        close(ours_grad(prediction, target, reduction=reduction), grad)
    assert isinstance(mse(prediction, target), float)
    assert mae_grad(prediction, target)[0, 0] == 0.0


def test_mse_grad_formula_and_reduction_none_shape():
    prediction, target = np.array([1.0, 2.0, 4.0]), np.array([1.0, 3.0, 2.0])
    close(mse_grad(prediction, target), 2 * (prediction - target) / 3)
    assert mse(prediction, target, reduction="none").tolist() == [0.0, 1.0, 4.0]
    assert mse(prediction, target, reduction="sum") == 5.0


# ----------------------------------------------------------------------------- binary cross-entropy

# Probabilities of exactly 0 and 1 (where -ln 0 is infinite) and values near them, with both labels.
EDGE_PROBS = np.array([0.0, 0.0, 1.0, 1.0, 1e-50, 1e-50, 1e-40, 1.0 - 1e-16, 0.5, 0.3, 0.9, 1e-13])
EDGE_LABELS = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_matches_torch_including_zero_and_one(reduction):
    probs = np.concatenate([EDGE_PROBS, rng.uniform(size=20)])
    target = np.concatenate([EDGE_LABELS, rng.uniform(size=20)])  # soft labels too
    value, grad = torch_loss_and_grad(F.binary_cross_entropy, probs, target, reduction)
    ours = binary_cross_entropy(probs, target, reduction=reduction)
    assert np.all(np.isfinite(ours))
    close(ours, value)
    ours_grad = binary_cross_entropy_grad(probs, target, reduction=reduction)
    interior = probs * (1 - probs) >= 1e-12  # the denominator p (1 - p) is not clamped
    close(ours_grad[interior], grad[interior])
    # At p = 0 or 1 both clamp the denominator at 1e-12, but torch's constant is 1e-12 rounded to
    # float32 (9.999999960e-13), so the (huge, about 1e12) gradients there differ in the 9th digit.
    scale = 1 / probs.size if reduction == "mean" else 1.0
    clamped = ~interior
    close(ours_grad[clamped], (probs - target)[clamped] / 1e-12 * scale, atol=0, rtol=1e-15)
    close(
        grad[clamped],
        (probs - target)[clamped] / float(np.float32(1e-12)) * scale,
        atol=0,
        rtol=1e-12,
    )
    close(ours_grad[clamped], grad[clamped], atol=0, rtol=1e-8)


def test_binary_cross_entropy_clipping_is_documented_value():
    # A confidently wrong prediction costs 100 = -ln(e^-100); a confident right one costs 0.
    assert binary_cross_entropy([0.0, 1.0], [1.0, 1.0], reduction="none").tolist() == [
        pytest.approx(100.0, abs=1e-12),
        0.0,
    ]
    close(binary_cross_entropy([0.0], [1.0], eps=1e-7), -math.log(1e-7))
    assert LOG_EPS == math.exp(-100.0)


def test_naive_binary_cross_entropy_really_breaks():
    # The motivation for the clipping and the logits form: this test fails if the naive formula worked.
    p, y = np.array([0.0, 1.0]), np.array([1.0, 0.0])
    with pytest.raises(RuntimeWarning):
        -(y * np.log(p) + (1 - y) * np.log(1 - p))
    z = np.array([-1000.0])
    with pytest.raises(RuntimeWarning):
        -np.log(1.0 / (1.0 + np.exp(-z)))


LOGITS_1D = np.array(
    [-1000.0, -1000.0, 1000.0, 1000.0, -30.0, 30.0, 0.0, -1e-9, 745.0, -745.0, 2.5, -0.7]
)
LABELS_1D = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.3, 0.8])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_with_logits_matches_torch_at_extremes(reduction):
    logits = np.concatenate([LOGITS_1D, rng.normal(scale=5, size=30)])
    target = np.concatenate([LABELS_1D, rng.integers(0, 2, size=30).astype(float)])
    value, grad = torch_loss_and_grad(F.binary_cross_entropy_with_logits, logits, target, reduction)
    ours = binary_cross_entropy_with_logits(logits, target, reduction=reduction)
    assert np.all(np.isfinite(ours))
    close(ours, value)
    close(binary_cross_entropy_with_logits_grad(logits, target, reduction=reduction), grad)


def test_binary_cross_entropy_logits_and_probability_forms_agree():
    logits = rng.normal(size=(5, 1))
    target = rng.integers(0, 2, size=(5, 1))
    probs = 1 / (1 + np.exp(-logits))
    close(
        binary_cross_entropy_with_logits(logits, target),
        binary_cross_entropy(probs, target),
        atol=1e-12,
    )
    # Chain rule: dL/dz = dL/dp * p (1 - p) = (p - y) / n.
    close(binary_cross_entropy_with_logits_grad(logits, target), (probs - target) / 5, atol=1e-15)
    close(
        binary_cross_entropy_grad(probs, target) * probs * (1 - probs),
        (probs - target) / 5,
        atol=1e-15,
    )
    assert binary_cross_entropy_with_logits([-1000.0], [1.0]) == 1000.0


# ----------------------------------------------------------------------------- categorical cross-entropy

N, K = 8, 5
LOGITS = rng.normal(scale=3, size=(N, K))
LOGITS[0] = [1000.0, -1000.0, 0.0, 1e4, -1e4]
LOGITS[1] = [1e4, 1e4, 1e4, 1e4, 1e4]
LABELS = rng.integers(0, K, size=N)
LABELS[0] = (
    1  # the correct class has logit -1000 next to 1e4: loss 11000, probability underflows to 0
)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_logits_sparse_labels_match_torch(reduction):
    value, grad = torch_loss_and_grad(
        F.cross_entropy, LOGITS, LABELS, reduction, target_dtype=torch.long
    )
    ours = categorical_cross_entropy_with_logits(LOGITS, LABELS, reduction=reduction)
    assert np.all(np.isfinite(ours))
    close(ours, value)
    close(categorical_cross_entropy_with_logits_grad(LOGITS, LABELS, reduction=reduction), grad)
    # The same via torch's two-step form: log_softmax then nll_loss.
    nll = F.nll_loss(
        torch.log_softmax(torch.tensor(LOGITS), dim=1), torch.tensor(LABELS), reduction=reduction
    )
    close(ours, nll.numpy())


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_logits_probability_targets_match_torch(reduction):
    soft = rng.dirichlet(np.ones(K), size=N)  # rows sum to 1
    for target in (np.eye(K)[LABELS], soft):
        value, grad = torch_loss_and_grad(F.cross_entropy, LOGITS, target, reduction)
        close(categorical_cross_entropy_with_logits(LOGITS, target, reduction=reduction), value)
        close(categorical_cross_entropy_with_logits_grad(LOGITS, target, reduction=reduction), grad)


def test_cross_entropy_with_logits_grad_is_p_minus_y_over_n():
    p = torch.softmax(torch.tensor(LOGITS), dim=1).numpy()
    y = np.eye(K)[LABELS]
    close(categorical_cross_entropy_with_logits_grad(LOGITS, LABELS), (p - y) / N, atol=1e-15)
    # Targets that do not sum to 1 use the general formula p * sum(y) - y (checked against torch).
    unnormalised = rng.uniform(size=(N, K))
    _, grad = torch_loss_and_grad(F.cross_entropy, LOGITS, unnormalised, "mean")
    close(categorical_cross_entropy_with_logits_grad(LOGITS, unnormalised), grad)


def test_cross_entropy_large_logit_values():
    loss = categorical_cross_entropy_with_logits(LOGITS[:1], LABELS[:1], reduction="none")
    close(loss, [1e4 + 1000.0], atol=1e-9)


def test_cross_entropy_from_probabilities_matches_torch_where_finite():
    probs = rng.dirichlet(np.ones(K), size=N)
    probs[2] = [
        0.0,
        0.0,
        1.0,
        0.0,
        0.0,
    ]  # zeros on the wrong classes: torch is finite (nll picks the label)
    labels = LABELS.copy()
    labels[2] = 2
    for reduction in REDUCTIONS:
        value, grad = torch_loss_and_grad(
            lambda p, t, reduction: F.nll_loss(torch.log(p), t, reduction=reduction),
            probs,
            labels,
            reduction,
            target_dtype=torch.long,
        )
        close(categorical_cross_entropy(probs, labels, reduction=reduction), value)
        close(categorical_cross_entropy(probs, np.eye(K)[labels], reduction=reduction), value)
        # torch's gradient is 0 * (1/0) = nan for the zero probabilities off the label; ours is 0.
        ours_grad = categorical_cross_entropy_grad(probs, labels, reduction=reduction)
        finite = np.isfinite(grad)
        assert finite.sum() == finite.size - (K - 1)
        close(ours_grad[finite], grad[finite])
        assert np.all(ours_grad[~finite] == 0.0)


def test_cross_entropy_from_probability_zero_on_the_label_is_finite():
    # torch gives inf here; the clipped version gives -ln(e^-100) = 100.
    probs = np.array([[1.0, 0.0], [0.5, 0.5]])
    torch_value = F.nll_loss(
        torch.log(torch.tensor(probs)), torch.tensor([1, 0]), reduction="none"
    ).numpy()
    assert np.isinf(torch_value[0])
    ours = categorical_cross_entropy(probs, [1, 0], reduction="none")
    close(ours, [100.0, math.log(2)], atol=1e-12)
    assert np.all(np.isfinite(categorical_cross_entropy_grad(probs, [1, 0])))


def test_cross_entropy_probability_and_logit_forms_agree():
    probs = torch.softmax(torch.tensor(LOGITS[2:]), dim=1).numpy()
    close(
        categorical_cross_entropy(probs, LABELS[2:]),
        categorical_cross_entropy_with_logits(LOGITS[2:], LABELS[2:]),
    )


def test_course_worked_numbers():
    close(categorical_cross_entropy([[0.7, 0.3]], [1]), 1.2039728043259361, atol=1e-15)
    close(categorical_cross_entropy([[0.1, 0.9]], [1]), 0.10536051565782628, atol=1e-15)
    assert round(categorical_cross_entropy([[0.7, 0.3]], [1]), 3) == 1.204
    assert round(binary_cross_entropy([0.9], [1]), 3) == 0.105


# ----------------------------------------------------------------------------- bad input


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match=r"prediction \(3,\) and target \(2,\)"):
        mse(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match=r"logits \(4, 1\) and target \(4,\)"):
        binary_cross_entropy_with_logits(np.zeros((4, 1)), np.zeros(4))
    with pytest.raises(
        ValueError, match=r"reduction must be one of 'mean', 'sum', 'none'; got 'avg'"
    ):
        mae(np.zeros(3), np.zeros(3), reduction="avg")
    with pytest.raises(
        ValueError, match=r"probs must hold probabilities in \[0, 1\]; got values from -0.1 to 0.5"
    ):
        binary_cross_entropy([-0.1, 0.5], [0, 1])
    with pytest.raises(ValueError, match=r"target must hold probabilities in \[0, 1\]"):
        binary_cross_entropy_with_logits([0.0, 0.5], [-1, 1])  # labels -1/+1 instead of 0/1
    with pytest.raises(
        ValueError, match=r"class labels must lie in \[0, 4\] for 5 classes; got values from 0 to 5"
    ):
        categorical_cross_entropy_with_logits(np.zeros((2, 5)), [0, 5])
    with pytest.raises(
        TypeError, match=r"got dtype float64 \(convert labels with .astype\(int\)\)"
    ):
        categorical_cross_entropy_with_logits(np.zeros((2, 5)), [0.0, 1.0])
    with pytest.raises(
        ValueError,
        match=r"\(N,\) = \(2,\) or class probabilities of shape \(N, K\) = \(2, 5\); got shape \(3,\)",
    ):
        categorical_cross_entropy_with_logits(np.zeros((2, 5)), [0, 1, 2])
    with pytest.raises(ValueError, match=r"logits must have shape \(N, K\).*got shape \(5,\)"):
        categorical_cross_entropy_with_logits(np.zeros(5), [0])
    with pytest.raises(ValueError, match="must not be empty"):
        mse(np.zeros(0), np.zeros(0))
    with pytest.raises(ValueError, match="eps must be finite and > 0"):
        binary_cross_entropy([0.5], [1.0], eps=0.0)


def test_class_target_losses_keep_float32():
    """Adversarial finding 7: float32 logits or probabilities give float32 losses and gradients."""
    logits = np.array([[0.1, 0.2, -0.3], [0.5, -1.0, 0.0]], dtype=np.float32)
    probabilities = np.full((2, 3), 1 / 3, dtype=np.float32)
    for target in (np.array([0, 2]), np.eye(3)[[0, 2]]):
        assert categorical_cross_entropy_with_logits_grad(logits, target).dtype == np.float32
        assert categorical_cross_entropy_grad(probabilities, target).dtype == np.float32
        losses = categorical_cross_entropy_with_logits(logits, target, reduction="none")
        assert losses.dtype == np.float32
        losses = categorical_cross_entropy(probabilities, target, reduction="none")
        assert losses.dtype == np.float32
