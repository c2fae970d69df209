"""The recurrent-network exercises: reference answers recomputed with PyTorch and autograd; wrong answers rejected."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlbook.exercises import check, get_exercise
from dlbook.exercises.recurrent import BPTT_H0, BPTT_U, BPTT_W, BPTT_X
from dlbook.rnn import lstm_cell

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _run_solution(exercise_id: str):
    namespace = {"np": np, "torch": torch}
    exec(get_exercise(exercise_id).solution, namespace)
    return namespace["answer"]


def test_lstm_step_accepts_numpy_float32_and_torch_answers() -> None:
    assert check("lstm-step", lambda *args: lstm_cell(*args)).passed
    assert check("lstm-step", _run_solution("lstm-step")).passed
    as_f32 = lambda *a: tuple(v.astype(np.float32) for v in lstm_cell(*a))  # noqa: E731
    assert check("lstm-step", as_f32).passed
    as_torch = lambda *a: tuple(torch.from_numpy(v) for v in lstm_cell(*a))  # noqa: E731
    assert check("lstm-step", as_torch).passed


def test_lstm_step_rejects_common_mistakes() -> None:
    swapped = check("lstm-step", lambda *a: lstm_cell(*a)[::-1])
    assert not swapped.passed and "(c, h)" in swapped.message
    old_cell = lambda x, h, c, *w: (
        lstm_cell(x, h, c, *w)[0] * 0 + np.tanh(c),
        lstm_cell(x, h, c, *w)[1],
    )  # noqa: E731
    result = check("lstm-step", old_cell)
    assert not result.passed and "new* cell state" in result.message

    def wrong_order(x, h, c, w_ih, w_hh, b_ih, b_hh):
        i, f, g, o = np.split(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh, 4, axis=-1)
        s = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
        c_new = s(i) * c + s(f) * np.tanh(g)  # forget and input gates swapped
        return s(o) * np.tanh(c_new), c_new

    assert not check("lstm-step", wrong_order).passed
    assert not check("lstm-step", 3).passed


def test_parameter_count_matches_torch() -> None:
    lstm = torch.nn.LSTM(10, 32, num_layers=2)
    n = sum(p.numel() for p in lstm.parameters())
    assert get_exercise("lstm-parameters").expected() == n == 14_080
    assert check("lstm-parameters", n).passed and check("lstm-parameters", np.float32(n)).passed
    assert check("lstm-parameters", torch.tensor(n)).passed
    assert not check("lstm-parameters", n // 2).passed  # one layer only
    assert not check("lstm-parameters", 4 * (32 * 10 + 32 * 32 + 32)).passed  # one bias, one layer


def test_bptt_gradient_matches_autograd() -> None:
    w = torch.tensor(BPTT_W, dtype=torch.float64, requires_grad=True)
    h = torch.tensor(BPTT_H0, dtype=torch.float64)
    for x in BPTT_X:
        h = torch.tanh(w * h + BPTT_U * x)
    h.backward()
    assert get_exercise("bptt-gradient").expected() == pytest.approx(w.grad.item(), rel=1e-12)
    assert check("bptt-gradient", _run_solution("bptt-gradient")).passed
    assert check("bptt-gradient", np.float32(w.grad.item())).passed
    assert check("bptt-gradient", w.grad).passed
    h1 = np.tanh(BPTT_W * BPTT_H0 + BPTT_U * BPTT_X[0])
    h2 = np.tanh(BPTT_W * h1 + BPTT_U * BPTT_X[1])
    assert not check("bptt-gradient", (1 - h2**2) * h1).passed  # the step-1 path forgotten


def test_gru_output_shapes_match_torch() -> None:
    gru = torch.nn.GRU(8, 16, num_layers=3, batch_first=True)
    output, h_n = gru(torch.zeros(4, 10, 8))
    assert check("gru-output-shapes", [list(output.shape), list(h_n.shape)]).passed
    assert check("gru-output-shapes", _run_solution("gru-output-shapes")).passed
    assert check("gru-output-shapes", torch.tensor([[4, 10, 16], [3, 4, 16]])).passed
    assert check("gru-output-shapes", np.array([[4, 10, 16], [3, 4, 16]], dtype=np.float32)).passed
    assert not check(
        "gru-output-shapes", [[4, 10, 16], [4, 3, 16]]
    ).passed  # h_n is not batch-first
    assert not check("gru-output-shapes", [4, 10, 16]).passed
