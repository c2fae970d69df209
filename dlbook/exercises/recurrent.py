"""Exercises on recurrent networks: an LSTM step, parameter counts, a BPTT gradient, output shapes."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook.exercises.core import Exercise, match_array, match_int, match_number, register
from dlbook.rnn import count_parameters, lstm_cell
from dlbook.testing import to_numpy

#: The tiny RNN of the BPTT exercise: h_t = tanh(w h_{t-1} + u x_t), h_0 = 1, loss L = h_2.
BPTT_W, BPTT_U, BPTT_H0, BPTT_X = 0.5, 1.0, 1.0, (1.0, -0.5)


def bptt_reference() -> float:
    """dL/dw for the BPTT exercise, by the chain rule through both steps."""
    h1 = np.tanh(BPTT_W * BPTT_H0 + BPTT_U * BPTT_X[0])
    h2 = np.tanh(BPTT_W * h1 + BPTT_U * BPTT_X[1])
    a1, a2 = 1.0 - h1**2, 1.0 - h2**2  # tanh' at each step
    # w acts at step 2 directly (w h_1) and at step 1 (w h_0), whose effect reaches h_2 through w h_1.
    return float(a2 * (h1 + BPTT_W * a1 * BPTT_H0))


def _lstm_cases() -> list[tuple[tuple[Any, ...], np.ndarray]]:
    rng = np.random.default_rng(6)
    cases = []
    for batch, inputs, hidden in [(1, 1, 1), (2, 3, 4), (3, 2, 5)]:
        args = (
            rng.normal(size=(batch, inputs)),
            rng.normal(size=(batch, hidden)),
            rng.normal(size=(batch, hidden)),
            rng.normal(size=(4 * hidden, inputs)),
            rng.normal(size=(4 * hidden, hidden)),
            rng.normal(size=4 * hidden),
            rng.normal(size=4 * hidden),
        )
        cases.append((args, np.stack(lstm_cell(*args))))
    return cases


def _match_lstm_step(answer: Any, expected: Any) -> str | None:
    """The answer is a function returning (h, c); compare both (arrays, lists or tensors) with lstm_cell."""
    if not callable(answer):
        return f"expected a function lstm_step(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh), got {type(answer).__name__}."
    compare = match_array(rtol=1e-6, atol=1e-9)
    for args, want in _lstm_cases():
        try:
            got = answer(*args)
            pair = np.stack([to_numpy(got[0]), to_numpy(got[1])]).astype(np.float64)
        except Exception as exc:
            return f"your function raised or returned something other than (h, c): {type(exc).__name__}: {exc}."
        if compare(pair, want) is not None:
            swapped = compare(pair[::-1], want) is None
            if swapped:
                return (
                    "you returned (c, h); return the hidden state first, as PyTorch does: (h, c)."
                )
            if compare(pair[0], want[0]) is not None and compare(pair[1], want[1]) is None:
                return "c is right but h is not: h = o * tanh(c_new), with the *new* cell state."
            return (
                f"for inputs of shapes {[np.shape(a) for a in args[:3]]} your (h, c) differ from lstm_cell's; "
                "check the gate order i, f, g, o and which gates use tanh."
            )
    return None


register(
    Exercise(
        id="lstm-step",
        title="One LSTM step",
        answer=None,
        matcher=_match_lstm_step,
        hints=(
            "compute all four gates at once: z = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh, then split z into 4 equal blocks.",
            "PyTorch's order is input, forget, cell (candidate), output; the candidate uses tanh, the three gates sigmoid.",
            "c_new = f * c + i * g and h_new = o * tanh(c_new).",
        ),
        solution=(
            "def lstm_step(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):\n"
            "    sigmoid = lambda z: 1 / (1 + np.exp(-z))\n"
            "    z = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh\n"
            "    i, f, g, o = np.split(z, 4, axis=-1)\n"
            "    c_new = sigmoid(f) * c + sigmoid(i) * np.tanh(g)\n"
            "    return sigmoid(o) * np.tanh(c_new), c_new\n"
            "\n"
            "answer = lstm_step\n"
        ),
    )
)

register(
    Exercise(
        id="lstm-parameters",
        title="Parameters of a two-layer LSTM",
        # nn.LSTM(input_size=10, hidden_size=32, num_layers=2)
        answer=lambda: count_parameters("lstm", 10, 32, 2),
        matcher=match_int(),
        hints=(
            "each layer has four blocks (i, f, g, o); each block has a weight on the input, one on the state and two biases.",
            "layer 1 reads 10 inputs, layer 2 reads the 32 outputs of layer 1.",
            "layer 1: 4 * (32 * 10 + 32 * 32 + 32 + 32); layer 2 the same with 32 instead of 10.",
        ),
        solution=(
            "layer1 = 4 * (32 * 10 + 32 * 32 + 2 * 32)   # 5,632\n"
            "layer2 = 4 * (32 * 32 + 32 * 32 + 2 * 32)   # 8,448\n"
            "answer = layer1 + layer2                   # 14,080\n"
        ),
    )
)

register(
    Exercise(
        id="bptt-gradient",
        title="A gradient through time by hand",
        answer=bptt_reference,
        matcher=match_number(rtol=1e-6, atol=1e-9),
        hints=(
            "write h_1 = tanh(w h_0 + u x_1) and h_2 = tanh(w h_1 + u x_2), then differentiate h_2 with respect to w.",
            "w appears at both steps: directly in w h_1, and inside h_1 through w h_0 (the shared weight sums both paths).",
            "dL/dw = (1 - h_2^2) * (h_1 + w * (1 - h_1^2) * h_0).",
        ),
        solution=(
            "w, u, h0, x1, x2 = 0.5, 1.0, 1.0, 1.0, -0.5\n"
            "h1 = np.tanh(w * h0 + u * x1)\n"
            "h2 = np.tanh(w * h1 + u * x2)\n"
            "answer = (1 - h2**2) * (h1 + w * (1 - h1**2) * h0)   # step 2's path + step 1's path\n"
        ),
    )
)

register(
    Exercise(
        id="gru-output-shapes",
        title="Output shapes of a stacked GRU",
        # nn.GRU(8, 16, num_layers=3, batch_first=True) on a batch (4, 10, 8): output (4, 10, 16), h_n (3, 4, 16).
        answer=np.array([[4, 10, 16], [3, 4, 16]]),
        matcher=match_array(rtol=0, atol=0),
        hints=(
            "output holds the last layer's hidden state at every step; batch_first keeps the batch axis first.",
            "h_n holds every layer's last hidden state, and is (num_layers, batch, hidden) even with batch_first=True.",
        ),
        solution=(
            "import torch\n\n"
            "gru = torch.nn.GRU(8, 16, num_layers=3, batch_first=True)\n"
            "output, h_n = gru(torch.zeros(4, 10, 8))\n"
            "answer = [list(output.shape), list(h_n.shape)]   # [[4, 10, 16], [3, 4, 16]]\n"
        ),
    )
)
