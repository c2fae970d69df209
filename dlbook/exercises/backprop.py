"""Exercises on backpropagation: the backward recursion of a layer and accumulating gradients."""

import numpy as np

from dlbook.exercises.core import Exercise, match_function, match_number, register


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _delta_cases() -> list:
    """Inputs (delta_next, W_next, z) and the expected delta of the layer below."""
    rng = np.random.default_rng(3)
    cases = []
    for n_examples, n_units, n_next in [(4, 3, 5), (1, 2, 2), (6, 5, 1)]:
        delta_next = rng.normal(size=(n_examples, n_next))  # (N, n_{l+1})
        W_next = rng.normal(
            size=(n_units, n_next)
        )  # (n_l, n_{l+1}): inputs x outputs, like dlbook.mlp
        z = rng.normal(scale=2.0, size=(n_examples, n_units))  # (N, n_l)
        s = _sigmoid(z)
        cases.append(((delta_next, W_next, z), (delta_next @ W_next.T) * s * (1 - s)))
    return cases


def delta_previous(delta_next: np.ndarray, W_next: np.ndarray, z: np.ndarray) -> np.ndarray:
    """The worked solution of ``backprop-delta``: the delta of the layer below a sigmoid layer."""
    # W_next is stored (n, n_next), inputs x outputs: (N, n_next) @ (n_next, n) -> (N, n)
    s = 1 / (1 + np.exp(-z))
    return (delta_next @ W_next.T) * s * (1 - s)


register(
    Exercise(
        id="backprop-delta",
        title="One step of the backward recursion through a sigmoid layer",
        answer=None,
        matcher=match_function(_delta_cases, rtol=1e-9, atol=1e-12),
        hints=(
            "the recursion is delta^(l) = (W^(l+1))^T delta^(l+1) * f'(z^(l)), for one example as a column.",
            "with one example per row, (W^T delta)^T = delta^T W; W_next is stored as W^T (inputs x outputs), "
            "so the batched form is (delta_next @ W_next.T) * f'(z).",
            "the derivative of the sigmoid is s * (1 - s) with s = 1 / (1 + exp(-z)).",
        ),
        solution=delta_previous,
    )
)

register(
    Exercise(
        id="grad-accumulation",
        title="Gradients that were never reset",
        # y = x**3 + 2x at x = 2: dy/dx = 3 * 4 + 2 = 14; three backward calls add it three times.
        answer=42.0,
        matcher=match_number(rtol=1e-9),
        hints=(
            "first compute dy/dx = 3 x^2 + 2 at x = 2.",
            "each call of backward() adds dy/dx to x.grad; nothing resets it in between.",
        ),
        solution=(
            "x = 2.0\n"
            "dy_dx = 3 * x**2 + 2          # 14, added to x.grad by each backward() call\n"
            "answer = 3 * dy_dx            # 42.0 after three calls\n"
        ),
    )
)
