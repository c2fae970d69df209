"""Exercises on the arithmetic of convolution: by hand, sizes, parameters, receptive fields, code."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook.exercises.core import Exercise, match_array, match_function, match_int, register

#: The 5x5 input and 3x3 kernel of the by-hand exercise.
BY_HAND_INPUT = np.array(
    [
        [3, 3, 2, 1, 0],
        [0, 0, 1, 3, 1],
        [3, 1, 2, 2, 3],
        [2, 0, 0, 2, 2],
        [2, 0, 0, 0, 1],
    ]
)
BY_HAND_KERNEL = np.array(
    [
        [0, 1, 2],
        [2, 2, 0],
        [0, 1, 2],
    ]
)
# Valid cross-correlation (no flip), what deep-learning libraries compute:
# out[i, j] = sum over a, b of x[i + a, j + b] * w[a, b].
_BY_HAND_CORRELATION = np.array(
    [
        [12, 12, 17],
        [10, 17, 19],
        [9, 6, 14],
    ]
)
# The same with the kernel flipped (true convolution), a common slip.
_BY_HAND_CONVOLUTION = np.array(
    [
        [18, 20, 19],
        [10, 9, 17],
        [11, 8, 14],
    ]
)


def _match_by_hand(answer: Any, expected: Any) -> str | None:
    """Like ``match_array``, but recognise the flipped-kernel answer and say so."""
    problem = match_array(rtol=0, atol=1e-9)(answer, expected)
    if problem is not None and match_array(rtol=0, atol=1e-9)(answer, _BY_HAND_CONVOLUTION) is None:
        return (
            "that is the true convolution, with the kernel flipped; the exercise asks for the "
            "cross-correlation that deep-learning libraries compute (no flip)."
        )
    return problem


register(
    Exercise(
        id="conv-by-hand",
        title="A valid convolution by hand",
        answer=_BY_HAND_CORRELATION,
        matcher=_match_by_hand,
        hints=(
            "the output is 3 x 3: a 3 x 3 kernel fits in 5 - 3 + 1 = 3 positions along each axis.",
            "do not flip the kernel: out[i, j] = sum over a, b of x[i + a, j + b] * w[a, b].",
            "the top-left entry is 3*0 + 3*1 + 2*2 + 0*2 + 0*2 + 1*0 + 3*0 + 1*1 + 2*2 = 12.",
        ),
        solution=(
            "x = np.array([[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]])\n"
            "w = np.array([[0, 1, 2], [2, 2, 0], [0, 1, 2]])\n"
            "answer = np.zeros((3, 3), dtype=int)\n"
            "for i in range(3):\n"
            "    for j in range(3):\n"
            "        answer[i, j] = np.sum(x[i:i + 3, j:j + 3] * w)   # slide, multiply, add: no flip\n"
            "# answer == [[12, 12, 17], [10, 17, 19], [9, 6, 14]]\n"
        ),
    )
)

register(
    Exercise(
        id="conv-output-size",
        title="Output size through a convolution and a pooling layer",
        # ResNet's stem: 224 -> conv 7x7, stride 2, padding 3 -> 112 -> max pool 3x3, stride 2, padding 1 -> 56.
        answer=56,
        matcher=match_int(),
        hints=(
            "apply o = floor((i + 2p - k) / s) + 1 twice, once per layer.",
            "after the convolution the map is 112 x 112; pooling uses the same formula with its own k, s and p.",
        ),
        solution=(
            "after_conv = (224 + 2 * 3 - 7) // 2 + 1          # 112\n"
            "answer = (after_conv + 2 * 1 - 3) // 2 + 1       # 56\n"
        ),
    )
)

register(
    Exercise(
        id="conv-parameters",
        title="Parameters of a convolution layer",
        # 128 filters of 3 x 3 over 64 channels, each with a bias: 128 * (64 * 9 + 1).
        answer=73_856,
        matcher=match_int(),
        hints=(
            "each filter spans every input channel: it has in_channels * kh * kw weights and one bias.",
            "multiply the parameters of one filter by the number of filters.",
        ),
        solution="answer = 128 * (64 * 3 * 3 + 1)   # 73,856\n",
    )
)

register(
    Exercise(
        id="receptive-field-size",
        title="Receptive field of a small stack",
        # conv3, conv3, pool2/2, conv3, conv3: r = 1 + 2 + 2 + 1 = 6 (jump 2 after the pool), then + 2*2 + 2*2 = 14.
        answer=14,
        matcher=match_int(),
        hints=(
            "start from r = 1 and jump j = 1; each layer adds (k - 1) * j to r, then multiplies j by its stride.",
            "after the pooling layer every step of the next layers counts twice: the jump is 2.",
        ),
        solution=(
            "r, j = 1, 1\n"
            "for k, s in [(3, 1), (3, 1), (2, 2), (3, 1), (3, 1)]:\n"
            "    r, j = r + (k - 1) * j, j * s\n"
            "answer = r   # 14\n"
        ),
    )
)


def _convolve_cases() -> list[tuple[tuple[np.ndarray, np.ndarray], np.ndarray]]:
    """Test cases for the "implement a 1-D convolution" exercise, with np.convolve as reference."""
    rng = np.random.default_rng(4)
    cases = [
        ((np.array([1.0, 2.0, 3.0]), np.array([1.0, 10.0])), np.array([1.0, 12.0, 23.0, 30.0])),
        (
            (np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5])),
            np.array([0.0, 1.0, 2.5, 4.0, 1.5]),
        ),
        ((np.array([2.0]), np.array([3.0])), np.array([6.0])),
    ]
    for n, k in [(5, 3), (3, 5), (8, 1), (1, 4), (10, 4)]:  # kernel longer than signal included
        x, w = rng.standard_normal(n), rng.standard_normal(k)
        cases.append(((x, w), np.convolve(x, w)))
    return cases


def convolve_full(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The worked solution of ``convolve-1d``: the full 1-D convolution, by its definition."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    y = np.zeros(len(x) + len(w) - 1)
    for m in range(len(x)):
        for j in range(len(w)):
            y[m + j] += x[m] * w[j]  # term x[m] w[n - m] with n = m + j
    return y


register(
    Exercise(
        id="convolve-1d",
        title="Implement the full 1-D convolution",
        answer=None,
        matcher=match_function(_convolve_cases, rtol=0, atol=1e-9),
        hints=(
            "the output has len(x) + len(w) - 1 entries: y[n] = sum over m of x[m] * w[n - m].",
            "loop over every pair (m, j) and add x[m] * w[j] to y[m + j]: each pair lands on index m + j.",
            "it is polynomial multiplication: np.convolve(x, w) is the reference.",
        ),
        solution=convolve_full,
    )
)
