"""Exercises on neural-network basics: parameter counts, cross-entropy, classification scores, softmax."""

import numpy as np

from dlbook.exercises.core import (
    Exercise,
    match_array,
    match_function,
    match_int,
    match_number,
    register,
)

register(
    Exercise(
        id="mlp-parameters",
        title="Parameters of a small MLP",
        # 26 inputs -> 64 -> 64 -> 1: (26*64 + 64) + (64*64 + 64) + (64*1 + 1) = 1,728 + 4,160 + 65.
        answer=5_953,
        matcher=match_int(),
        hints=(
            "a dense layer from n inputs to m units has n * m weights and m biases.",
            "there are three dense layers: 26 -> 64, 64 -> 64 and 64 -> 1.",
        ),
        solution=(
            "sizes = [26, 64, 64, 1]\n"
            "answer = sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))   # 5,953\n"
        ),
    )
)

register(
    Exercise(
        id="cross-entropy-batch",
        title="Mean categorical cross-entropy of a batch",
        # -(ln 0.7 + ln 0.3 + ln 0.25) / 3 = (0.3567 + 1.2040 + 1.3863) / 3 = 0.98233
        answer=float(-(np.log(0.7) + np.log(0.3) + np.log(0.25)) / 3),
        matcher=match_number(rtol=1e-3),
        hints=(
            "each example contributes -ln(probability of its true class); the other probabilities do not matter.",
            "the true-class probabilities are 0.7, 0.3 and 0.25; use the natural logarithm, np.log.",
            "average the three losses.",
        ),
        solution=(
            "probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.5, 0.25]])\n"
            "labels = np.array([0, 1, 2])\n"
            "answer = -np.mean(np.log(probs[np.arange(3), labels]))   # 0.9823\n"
        ),
    )
)

register(
    Exercise(
        id="precision-recall-f1",
        title="Precision, recall and F1 from a confusion matrix",
        # TP = 40, FP = 5, FN = 10, TN = 45: precision 40/45, recall 40/50, F1 their harmonic mean.
        answer=np.array([40 / 45, 40 / 50, 2 * 40 / (2 * 40 + 5 + 10)]),
        matcher=match_array(rtol=1e-3, atol=0),
        hints=(
            "precision = TP / (TP + FP): of the examples flagged positive, the fraction that are positive.",
            "recall = TP / (TP + FN): of the positive examples, the fraction that are flagged.",
            "F1 = 2 * precision * recall / (precision + recall), which equals 2 TP / (2 TP + FP + FN).",
        ),
        solution=(
            "tp, fp, fn, tn = 40, 5, 10, 45\n"
            "precision = tp / (tp + fp)   # 0.889\n"
            "recall = tp / (tp + fn)      # 0.8\n"
            "f1 = 2 * precision * recall / (precision + recall)   # 0.842\n"
            "answer = np.array([precision, recall, f1])\n"
        ),
    )
)


def _softmax_cases() -> list:
    """Inputs a stable softmax must get right, including logits that overflow exp."""
    cases = []
    for logits in (
        [1.0, 2.0, 3.0],
        [0.0, 0.0],
        [1000.0, 0.0, -1000.0],
        [-800.0, -801.0],
        [[2.0, 1.0, 0.1], [5.0, 5.0, 5.0]],
    ):
        z = np.array(logits)
        shifted = np.exp(z - z.max(axis=-1, keepdims=True))
        cases.append(((z,), shifted / shifted.sum(axis=-1, keepdims=True)))
    return cases


def stable_softmax(z: np.ndarray) -> np.ndarray:
    """The worked solution of ``stable-softmax``: softmax along the last axis, without overflow."""
    z = np.asarray(z, dtype=float)
    exps = np.exp(z - z.max(axis=-1, keepdims=True))  # every exponent <= 0
    return exps / exps.sum(axis=-1, keepdims=True)


register(
    Exercise(
        id="stable-softmax",
        title="A softmax that does not overflow",
        answer=None,  # match_function compares the reader's function with the cases above
        matcher=match_function(_softmax_cases, rtol=1e-9, atol=1e-12),
        hints=(
            "np.exp(1000.0) is inf, and inf / inf is nan: never exponentiate a large logit.",
            "softmax(z) = softmax(z - c) for any constant c; take c = the largest logit of each row.",
            "work along the last axis with keepdims=True so that a batch of rows also works.",
        ),
        solution=stable_softmax,
    )
)
