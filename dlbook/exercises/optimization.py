"""Exercises on gradient descent: updates per epoch, the stable learning rate, and a step of Adam."""

import math

import numpy as np

from dlbook.exercises.core import Exercise, match_function, match_int, match_number, register


def _adam_cases() -> list:
    """Inputs (theta, grad, m, v, t) and the expected (theta, m, v) after one Adam step with lr=0.1."""
    from dlbook.optim import adam_update

    rng = np.random.default_rng(5)
    cases = []
    for size, t in [(3, 1), (2, 2), (4, 10)]:
        theta, grad = rng.normal(size=size), rng.normal(size=size)
        m = np.zeros(size) if t == 1 else 0.1 * rng.normal(size=size)
        v = np.zeros(size) if t == 1 else 0.01 * rng.random(size)
        expected = adam_update(theta, grad, m, v, t, lr=0.1, betas=(0.9, 0.999), eps=1e-8)
        cases.append(((theta, grad, m, v, t), expected))
    return cases


def adam_update_step(theta, grad, m, v, t, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    """The worked solution of ``adam-step``: one Adam step; returns the new (theta, m, v)."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2  # the squared gradient
    m_hat = m / (1 - beta1**t)  # bias corrections
    v_hat = v / (1 - beta2**t)
    theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return theta, m, v


register(
    Exercise(
        id="adam-step",
        title="Fix a step of Adam",
        answer=None,
        matcher=match_function(_adam_cases, rtol=1e-9, atol=1e-12),
        hints=(
            "the second moment v averages the squared gradient, grad ** 2.",
            "m and v start at 0, so early averages are too small: divide by 1 - beta1 ** t and 1 - beta2 ** t.",
            "the step is lr * m_hat / (sqrt(v_hat) + eps), with eps outside the square root; return the new m and v, not the corrected ones.",
        ),
        solution=adam_update_step,
    )
)

register(
    Exercise(
        id="updates-per-epoch",
        title="Updates in 20 epochs of mini-batch descent",
        # ceil(1437 / 64) = 23 mini-batches per epoch (22 full ones and one of 29), times 20 epochs.
        answer=math.ceil(1437 / 64) * 20,
        matcher=match_int(),
        hints=(
            "one epoch is one pass over the N examples, in mini-batches of B; the last batch may be smaller.",
            "there are ceil(N / B) updates per epoch.",
        ),
        solution=(
            "N, B, epochs = 1437, 64, 20\n"
            "per_epoch = -(-N // B)        # ceil(1437 / 64) = 23: 22 full batches and one of 29\n"
            "answer = per_epoch * epochs   # 460\n"
        ),
    )
)

register(
    Exercise(
        id="stable-learning-rate",
        title="The largest stable learning rate on a quadratic",
        # f = (3 t1^2 + 40 t2^2) / 2 has curvatures 3 and 40; |1 - lr * 40| < 1 needs lr < 2 / 40.
        answer=2 / 40,
        matcher=match_number(rtol=1e-6),
        hints=(
            "gradient descent multiplies each coordinate by (1 - lr * h), where h is the curvature along it.",
            "the iteration shrinks a coordinate only while |1 - lr * h| < 1, i.e. lr < 2 / h; the steepest direction decides.",
        ),
        solution=(
            "curvatures = np.array([3.0, 40.0])     # the second derivatives along the two axes\n"
            "answer = float(2 / curvatures.max())   # 0.05: above it the steep coordinate grows every step\n"
        ),
    )
)
