"""Exercises on attention and transformers: weights by hand, a block's parameters, masks, positions."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dlbook.exercises.core import Exercise, match_array, match_int, match_number, register

#: The query and the three keys of the by-hand exercise (E = 2).
BY_HAND_QUERY = np.array([1.0, 0.0])
BY_HAND_KEYS = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


_BY_HAND_WEIGHTS = _softmax(BY_HAND_KEYS @ BY_HAND_QUERY / math.sqrt(2))
_BY_HAND_UNSCALED = _softmax(BY_HAND_KEYS @ BY_HAND_QUERY)


def _match_weights(answer: Any, expected: Any) -> str | None:
    """Like ``match_array`` (to 3 decimals), but recognise the answer without the 1/sqrt(d) scale."""
    problem = match_array(rtol=0, atol=1e-3)(answer, expected)
    if problem is not None and match_array(rtol=0, atol=1e-3)(answer, _BY_HAND_UNSCALED) is None:
        return "those are the weights without the scale: divide the scores by sqrt(d_k) = sqrt(2) first."
    return problem


register(
    Exercise(
        id="attention-weights-by-hand",
        title="Attention weights by hand",
        answer=_BY_HAND_WEIGHTS,
        matcher=_match_weights,
        hints=(
            "the scores are the dot products of the query with each key: 1, 0 and 1.",
            "divide by sqrt(d_k) = sqrt(2), then take the softmax of the three numbers.",
        ),
        solution=(
            "scores = np.array([1.0, 0.0, 1.0]) / np.sqrt(2)   # q . k_j / sqrt(2)\n"
            "answer = np.exp(scores) / np.exp(scores).sum()   # about [0.401, 0.198, 0.401]\n"
        ),
    )
)


def _block_parameters(width: int, n_heads: int, hidden: int) -> int:
    attention = 3 * width * width + 3 * width + width * width + width  # in_proj and out_proj
    feed_forward = width * hidden + hidden + hidden * width + width  # linear1 and linear2
    norms = 2 * 2 * width  # two layer norms, a scale and a shift each
    return attention + feed_forward + norms


register(
    Exercise(
        id="encoder-block-parameters",
        title="Parameters of an encoder block (width 512, 8 heads, feed-forward 2048)",
        answer=_block_parameters(512, 8, 2048),
        matcher=match_int(),
        hints=(
            "the number of heads does not change the count: the heads split the width, they do not add to it.",
            "attention: four (512 x 512) matrices and four bias vectors; feed-forward: 512 x 2048 and "
            "2048 x 512 with their biases; two layer norms with a scale and a shift each.",
        ),
        solution=(
            "E, F = 512, 2048\n"
            "attention = 4 * E * E + 4 * E          # queries, keys, values and the output projection\n"
            "feed_forward = 2 * E * F + F + E       # linear1 and linear2 with biases\n"
            "norms = 4 * E                          # two layer norms\n"
            "answer = attention + feed_forward + norms   # 3_152_384\n"
        ),
    )
)


def _match_mask(answer: Any, expected: Any) -> str | None:
    """A boolean or 0/1 array; recognise the inverted (nn.MultiheadAttention) convention."""
    if hasattr(answer, "detach"):
        answer = answer.detach().cpu().numpy()
    value = np.asarray(answer)
    if value.dtype.kind not in "biuf":
        return f"expected a boolean array, got an array of dtype {value.dtype}."
    if value.shape == expected.shape and np.array_equal(value.astype(bool), ~expected):
        return (
            "that mask is inverted: True should mark the pairs that take part (the convention of "
            "F.scaled_dot_product_attention); nn.MultiheadAttention uses the opposite one."
        )
    if value.shape == expected.shape and np.array_equal(value.astype(bool), expected.T):
        return "that mask is transposed: row i is query i, and it may see the keys j <= i."
    if value.shape == expected.shape and not np.isin(value, (0, 1)).all():
        return "expected only True/False (or 1/0) entries."
    return match_array(rtol=0, atol=0)(value.astype(bool), expected)


register(
    Exercise(
        id="causal-mask",
        title="The causal mask of a sequence of 5 tokens",
        answer=np.tril(np.ones((5, 5), dtype=bool)),
        matcher=_match_mask,
        hints=(
            "entry (i, j) says whether query i may look at key j: is j in the past of i, or i itself?",
            "np.tril keeps the lower triangle of a matrix, diagonal included.",
        ),
        solution="answer = np.tril(np.ones((5, 5), dtype=bool))   # True where j <= i\n",
    )
)


register(
    Exercise(
        id="positional-encoding-value",
        title="One entry of the sinusoidal positional encoding",
        answer=math.cos(10 / 10000 ** (2 / 8)),
        matcher=match_number(rtol=1e-4, atol=1e-6),
        hints=(
            "column 3 is odd, so it is a cosine, of the pair i = 1 (columns 2 and 3).",
            "the frequency of pair i is 10000 ** (-2i / C) = 10000 ** (-2 / 8) = 0.1.",
        ),
        solution="answer = np.cos(10 * 10000 ** (-2 / 8))   # cos(1) = 0.5403\n",
    )
)
