"""Exercises on generative adversarial networks: the optimal discriminator, the value of the game,
a generator's size, the gradients of the two generator losses and a Frechet distance by hand.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from dlbook.exercises.core import Exercise, match_function, match_int, match_number, register


def generator_loss_gradients(logits: ArrayLike) -> np.ndarray:
    """Gradients of the two generator losses with respect to the discriminator's logit ``a``.

    With ``D = sigmoid(a)``: the saturating loss ``log(1 - D)`` has derivative ``-D`` and the
    non-saturating loss ``-log D`` has derivative ``-(1 - D)``.

    Args:
        logits: the discriminator's logits on fake samples.

    Returns:
        Row 0: the saturating loss's gradients; row 1: the non-saturating loss's.

    Shape:
        logits: (N,). Returns: (2, N).

    Example:
        >>> generator_loss_gradients([0.0])
        array([[-0.5],
               [-0.5]])
    """
    a = np.asarray(logits, dtype=float)  # (N,)
    d = 1.0 / (1.0 + np.exp(-a))  # D(G(z)), the probability "real"
    return np.stack([-d, -(1.0 - d)])


def _gradient_cases() -> list:
    logits = [np.array([0.0]), np.array([-8.0, -4.0, -1.0, 2.0]), np.array([-20.0, 5.0])]
    return [((a,), generator_loss_gradients(a)) for a in logits]


register(
    Exercise(
        id="gan-optimal-discriminator",
        title="The optimal discriminator at a point",
        # p_data = N(0, 1), p_g = N(1, 1), x = 0: phi(0) / (phi(0) + phi(-1)) = sigmoid(1/2)
        answer=1.0 / (1.0 + np.exp(-0.5)),
        matcher=match_number(rtol=1e-4),
        hints=(
            "D*(x) = p_data(x) / (p_data(x) + p_g(x)); both densities are normal with variance 1.",
            "the normalising constants cancel: D*(0) = exp(0) / (exp(0) + exp(-1/2)).",
        ),
        solution=(
            "from scipy.stats import norm\n"
            "p_data, p_g = norm.pdf(0.0, loc=0.0), norm.pdf(0.0, loc=1.0)\n"
            "answer = p_data / (p_data + p_g)   # 0.6225 = sigmoid(0.5)\n"
        ),
    )
)

register(
    Exercise(
        id="gan-value-disjoint",
        title="The value of the game when the supports do not overlap",
        # JSD = log 2 for disjoint supports, so V(D*, G) = 2 log 2 - log 4 = 0
        answer=0.0,
        matcher=match_number(rtol=0.0, atol=1e-6),
        hints=(
            "V(D*, G) = 2 JSD(p_data || p_g) - log 4.",
            "where p_g = 0, D* = 1; where p_data = 0, D* = 0: the discriminator is never wrong.",
            "with disjoint supports the Jensen-Shannon divergence takes its largest value, log 2.",
        ),
        solution=(
            "jsd = np.log(2)                    # the largest possible value, reached here\n"
            "answer = 2 * jsd - np.log(4)       # 0: log D* = 0 on the data, log(1 - D*) = 0 on fakes\n"
        ),
    )
)

register(
    Exercise(
        id="gan-generator-parameters",
        title="Parameters of the classic MLP generator for 28 x 28 images",
        # 100->256, 256->512 (+BN), 512->1024 (+BN), 1024->784
        answer=(100 * 256 + 256)
        + (256 * 512 + 512 + 2 * 512)
        + (512 * 1024 + 1024 + 2 * 1024)
        + (1024 * 784 + 784),
        matcher=match_int(),
        hints=(
            "four dense layers: 100 -> 256 -> 512 -> 1024 -> 784, each with n*m weights and m biases.",
            "each batch norm layer learns a scale and a shift per feature (its running mean and "
            "variance are buffers, not parameters); the 512- and 1024-wide layers have one.",
        ),
        solution=(
            "dense = lambda n, m: n * m + m\n"
            "answer = dense(100, 256) + dense(256, 512) + 2 * 512 + dense(512, 1024) + 2 * 1024 \\\n"
            "    + dense(1024, 784)                # 1,489,424\n"
        ),
    )
)

register(
    Exercise(
        id="generator-loss-gradients",
        title="The gradients of the saturating and the non-saturating generator losses",
        answer=None,  # match_function compares the reader's function with the cases above
        matcher=match_function(_gradient_cases, rtol=1e-4, atol=1e-7),  # float32 answers pass
        hints=(
            "write D = sigmoid(a) and use dD/da = D (1 - D).",
            "d/da log(1 - D) = -D (1 - D) / (1 - D) = -D; d/da (-log D) = -D (1 - D) / D = -(1 - D).",
            "return np.stack([saturating, non_saturating]), shape (2, N).",
        ),
        solution=(
            "def generator_loss_gradients(logits):\n"
            "    a = np.asarray(logits, dtype=float)   # (N,)\n"
            "    d = 1 / (1 + np.exp(-a))              # D(G(z))\n"
            "    return np.stack([-d, -(1 - d)])       # (2, N): saturating, non-saturating\n"
            "\n"
            "answer = generator_loss_gradients\n"
        ),
    )
)

register(
    Exercise(
        id="frechet-1d",
        title="A Frechet distance by hand",
        # N(0, 1) vs N(1, 4): (0 - 1)^2 + 1 + 4 - 2 sqrt(1 * 4) = 2
        answer=2.0,
        matcher=match_number(rtol=1e-6),
        hints=(
            "in one dimension d^2 = (m1 - m2)^2 + s1^2 + s2^2 - 2 s1 s2 = (m1 - m2)^2 + (s1 - s2)^2.",
            "the standard deviations are 1 and 2 (the variances are 1 and 4).",
        ),
        solution="answer = (0 - 1) ** 2 + (1 - 2) ** 2   # means, then standard deviations\n",
    )
)
