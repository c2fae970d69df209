"""The backpropagation and optimisation exercises accept right answers and reject the usual mistakes."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.exercises import check, get_exercise


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_backprop_delta_accepts_the_recursion():
    def delta_previous(delta_next, W_next, z):
        s = sigmoid(z)
        return (delta_next @ W_next.T) * s * (1 - s)  # W_next: (n_l, n_{l+1})

    assert check("backprop-delta", delta_previous).passed


@pytest.mark.parametrize(
    "wrong",
    [
        lambda d, W, z: d @ W.T,  # forgot f'(z)
        lambda d, W, z: (d @ W.T) * (1 - np.tanh(z) ** 2),  # tanh' instead of sigmoid'
        lambda d, W, z: (d @ W.T) * sigmoid(z),  # sigma instead of sigma'
        lambda d, W, z: (d @ W.T) * sigmoid(z) * (1 - sigmoid(z)) / len(d),  # an extra 1/N
    ],
)
def test_backprop_delta_rejects_common_mistakes(wrong):
    result = check("backprop-delta", wrong)
    assert not result.passed and "your function returned" in result.message


def test_backprop_delta_reports_a_shape_error():
    result = check("backprop-delta", lambda d, W, z: (d @ W) * z)  # W not transposed
    assert not result.passed and "raised ValueError" in result.message


def adam_reference(theta, grad, m, v, t, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    theta = theta - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return theta, m, v


def test_adam_step_accepts_a_correct_step():
    assert check("adam-step", adam_reference).passed


def test_adam_step_cases_agree_with_torch():
    torch = pytest.importorskip("torch")
    theta = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
    grads = [np.array([0.3, -0.2, 1.5]), np.array([-0.1, 0.4, 0.2]), np.array([0.0, 0.5, -0.3])]
    optimizer = torch.optim.Adam([theta], lr=0.1)
    ours, m, v = theta.detach().numpy().copy(), np.zeros(3), np.zeros(3)
    for t, g in enumerate(grads, start=1):
        theta.grad = torch.tensor(g)
        optimizer.step()
        ours, m, v = adam_reference(ours, g, m, v, t)
    np.testing.assert_allclose(ours, theta.detach().numpy(), rtol=0, atol=1e-12)


def test_adam_step_rejects_the_chapters_buggy_version_and_each_bug_alone():
    def buggy(
        theta, grad, m, v, t, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8
    ):  # as printed in the chapter
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad
        return theta - lr * m / (np.sqrt(v) + eps), m, v

    def no_bias_correction(theta, grad, m, v, t, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        return theta - lr * m / (np.sqrt(v) + eps), m, v

    def returns_corrected_moments(theta, grad, m, v, t, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
        m_hat = (beta1 * m + (1 - beta1) * grad) / (1 - beta1**t)
        v_hat = (beta2 * v + (1 - beta2) * grad**2) / (1 - beta2**t)
        return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat

    def gradient_instead_of_square(theta, grad, m, v, t, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * np.abs(grad)
        return theta - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v

    for wrong in (buggy, no_bias_correction, returns_corrected_moments, gradient_instead_of_square):
        result = check("adam-step", wrong)
        assert not result.passed, wrong.__name__


def test_counting_and_threshold_exercises():
    assert check("updates-per-epoch", 460).passed
    assert (
        "too small" in check("updates-per-epoch", 1437 // 64 * 20).message
    )  # forgot the last batch
    assert check("grad-accumulation", 42.0).passed
    assert not check("grad-accumulation", 14.0).passed  # one backward call's worth
    assert check("stable-learning-rate", 0.05).passed
    assert not check("stable-learning-rate", 2 / 3).passed  # the flat direction does not decide
    assert not check(
        "stable-learning-rate", 1 / 40
    ).passed  # 1/h is the fastest step, not the limit


def test_titles_and_hints():
    for exercise_id in (
        "backprop-delta",
        "grad-accumulation",
        "adam-step",
        "updates-per-epoch",
        "stable-learning-rate",
    ):
        exercise = get_exercise(exercise_id)
        assert exercise.title and len(exercise.hints) >= 2
