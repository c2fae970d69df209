"""Tests for dlbook.rnn: every NumPy result against PyTorch in float64, BPTT by finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlbook.gradcheck import numerical_gradient
from dlbook.rnn import (
    GRU,
    LSTM,
    RNN,
    clip_grad_norm,
    count_parameters,
    gru_cell,
    lstm_cell,
    rnn_cell,
    rnn_sequence_backward,
    rnn_sequence_forward,
    state_jacobian_norms,
)
from dlbook.testing import assert_close

pytestmark = pytest.mark.usefixtures("one_torch_thread")

ATOL = 1e-10
TORCH_LAYERS = {
    "rnn": (torch.nn.RNN, RNN),
    "lstm": (torch.nn.LSTM, LSTM),
    "gru": (torch.nn.GRU, GRU),
}
TORCH_CELLS = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}


def _t(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(a))


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bias", [True, False])
def test_cells_equal_torch(kind: str, bias: bool) -> None:
    torch.manual_seed(0)
    cell = TORCH_CELLS[kind](3, 5, bias=bias).double()
    rng = np.random.default_rng(1)
    x, h, c = rng.normal(size=(4, 3)), rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    p = {k: v.detach().numpy() for k, v in cell.state_dict().items()}
    b = (p["bias_ih"], p["bias_hh"]) if bias else (None, None)
    if kind == "lstm":
        h_new, c_new = lstm_cell(x, h, c, p["weight_ih"], p["weight_hh"], *b)
        th, tc = cell(_t(x), (_t(h), _t(c)))
        assert_close(h_new, th, atol=ATOL)
        assert_close(c_new, tc, atol=ATOL)
    else:
        step = rnn_cell if kind == "rnn" else gru_cell
        assert_close(step(x, h, p["weight_ih"], p["weight_hh"], *b), cell(_t(x), _t(h)), atol=ATOL)


def test_gru_convention_keeps_the_old_state_with_z() -> None:
    # Large update-gate bias: z ~ 1, so PyTorch's GRU keeps h (Cho et al.'s original would take n).
    w_ih, w_hh = np.zeros((3, 1)), np.zeros((3, 1))
    b_ih = np.array([0.0, 50.0, 0.0])
    assert_close(gru_cell([[2.0]], [[0.7]], w_ih, w_hh, b_ih), [[0.7]], atol=1e-12)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("with_state", [False, True])
def test_layers_equal_torch(
    kind: str, num_layers: int, batch_first: bool, with_state: bool
) -> None:
    torch.manual_seed(num_layers)
    torch_cls, numpy_cls = TORCH_LAYERS[kind]
    module = torch_cls(3, 4, num_layers=num_layers, batch_first=batch_first).double()
    ours = numpy_cls.from_torch(module)
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 6, 3) if batch_first else (6, 2, 3))
    hx = None
    if with_state:
        h0 = rng.normal(size=(num_layers, 2, 4))
        hx = (h0, rng.normal(size=h0.shape)) if kind == "lstm" else h0
    thx = None if hx is None else (tuple(map(_t, hx)) if kind == "lstm" else _t(hx))
    out, state = ours(x, hx)
    t_out, t_state = module(_t(x), thx)
    assert_close(out, t_out, atol=ATOL)
    if kind == "lstm":
        assert_close(state[0], t_state[0], atol=ATOL)
        assert_close(state[1], t_state[1], atol=ATOL)
    else:
        assert_close(state, t_state, atol=ATOL)
    assert ours.num_parameters() == sum(p.numel() for p in module.parameters())
    assert count_parameters(kind, 3, 4, num_layers) == ours.num_parameters()


def test_layer_without_bias_and_parameter_count() -> None:
    module = torch.nn.GRU(2, 3, num_layers=2, bias=False).double()
    ours = GRU.from_torch(module)
    x = np.random.default_rng(0).normal(size=(4, 1, 2))
    assert_close(ours(x)[0], module(_t(x))[0], atol=ATOL)
    assert count_parameters("gru", 2, 3, 2, bias=False) == sum(
        p.numel() for p in module.parameters()
    )
    assert count_parameters("lstm", 10, 20) == 2560


@pytest.mark.parametrize(
    ("x", "hx", "message"),
    [
        (np.zeros((5, 3)), None, "3 dimensions (T, B, I), got shape (5, 3)"),
        (np.zeros((5, 2, 4)), None, "input_size=3 features"),
        (
            np.zeros((5, 2, 3)),
            np.zeros((1, 2, 4)),
            "h_0 of shape (num_layers, B, H) = (2, 2, 4), got shape (1, 2, 4)",
        ),
        (np.zeros((5, 2, 3)), np.zeros((2, 3, 4)), "got shape (2, 3, 4)"),
    ],
)
def test_layers_reject_bad_shapes(x, hx, message) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        GRU(3, 4, num_layers=2)(x, hx)


def test_lstm_rejects_a_bare_state_and_bad_cells() -> None:
    with pytest.raises(ValueError, match=r"hx=\(h_0, c_0\)"):
        LSTM(1, 2)(np.zeros((3, 1, 1)), np.zeros((1, 1, 2)))
    with pytest.raises(ValueError, match="c_0"):
        LSTM(1, 2)(np.zeros((3, 1, 1)), (np.zeros((1, 1, 2)), np.zeros((1, 2, 2))))
    with pytest.raises(ValueError, match="input_size=2"):
        rnn_cell(np.zeros((1, 3)), np.zeros((1, 4)), np.zeros((4, 2)), np.zeros((4, 4)))
    with pytest.raises(ValueError, match="h must have shape"):
        gru_cell(np.zeros((1, 2)), np.zeros((1, 5)), np.zeros((12, 2)), np.zeros((12, 4)))
    with pytest.raises(ValueError, match="4 \\* hidden_size rows"):
        lstm_cell(
            np.zeros((1, 2)), np.zeros((1, 1)), np.zeros((1, 1)), np.zeros((6, 2)), np.zeros((6, 1))
        )


def test_load_state_dict_checks_everything_before_writing() -> None:
    layer = RNN(2, 3)
    before = layer.weight_ih_l0.copy()
    state = {k: np.zeros_like(v) for k, v in layer.state_dict().items()}
    state["bias_hh_l0"] = np.zeros(4)
    with pytest.raises(ValueError, match=r"bias_hh_l0 must have shape \(3,\)"):
        layer.load_state_dict(state)
    assert_close(layer.weight_ih_l0, before)
    with pytest.raises(ValueError, match="missing"):
        layer.load_state_dict({"weight_ih_l0": before})


def _rnn_problem(seed: int = 0):
    rng = np.random.default_rng(seed)
    T, B, I, H = 5, 3, 2, 4
    return (
        rng.normal(size=(T, B, I)),
        rng.normal(size=(B, H)),
        rng.normal(size=(H, I)) * 0.7,
        rng.normal(size=(H, H)) * 0.5,
        rng.normal(size=H),
        rng.normal(size=H),
        rng.normal(size=(T, B, H)),  # weights of a loss summed over time: L = sum(v * h)
    )


def test_bptt_equals_autograd() -> None:
    x, h0, w_ih, w_hh, b_ih, b_hh, v = _rnn_problem()
    hs = rnn_sequence_forward(x, h0, w_ih, w_hh, b_ih, b_hh)
    grads = rnn_sequence_backward(v, x, h0, hs, w_ih, w_hh)
    tensors = [torch.tensor(a, requires_grad=True) for a in (x, h0, w_ih, w_hh, b_ih, b_hh)]
    module = torch.nn.RNN(2, 4).double()
    with torch.no_grad():
        for name, value in zip(
            ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"), tensors[2:]
        ):
            getattr(module, name).copy_(value)
    out, _ = module(tensors[0], tensors[1][None])
    assert_close(hs, out, atol=ATOL)
    # Autograd on the functional form, so the gradient of every argument is available.
    h, outs = tensors[1], []
    for x_t in tensors[0]:
        h = torch.tanh(x_t @ tensors[2].T + tensors[4] + h @ tensors[3].T + tensors[5])
        outs.append(h)
    (torch.stack(outs) * torch.from_numpy(v)).sum().backward()
    expected = [t.grad for t in tensors]
    for ours, theirs in zip(grads, expected):
        assert_close(ours, theirs, atol=ATOL)


def test_bptt_by_finite_differences() -> None:
    x, h0, w_ih, w_hh, b_ih, b_hh, v = _rnn_problem(3)

    def loss() -> float:
        return float(np.sum(v * rnn_sequence_forward(x, h0, w_ih, w_hh, b_ih, b_hh)))

    hs = rnn_sequence_forward(x, h0, w_ih, w_hh, b_ih, b_hh)
    grads = rnn_sequence_backward(v, x, h0, hs, w_ih, w_hh)
    for analytic, array in zip(grads, (x, h0, w_ih, w_hh, b_ih, b_hh)):
        assert_close(analytic, numerical_gradient(lambda _: loss(), array), atol=1e-7)


def test_bptt_rejects_bad_shapes() -> None:
    x, h0, w_ih, w_hh, *_ = _rnn_problem()
    hs = rnn_sequence_forward(x, h0, w_ih, w_hh)
    with pytest.raises(ValueError, match=r"grad_output must have shape \(5, 3, 4\)"):
        rnn_sequence_backward(hs[:-1], x, h0, hs, w_ih, w_hh)
    with pytest.raises(ValueError, match="3 dimensions"):
        rnn_sequence_forward(x[0], h0, w_ih, w_hh)


def test_state_jacobian_norms_match_autograd_and_vanish_or_explode() -> None:
    rng = np.random.default_rng(0)
    x, h0 = rng.normal(size=(30, 2)) * 0.1, rng.normal(size=4) * 0.1
    w_ih = rng.normal(size=(4, 2))
    q, _ = np.linalg.qr(rng.normal(size=(4, 4)))  # orthogonal: all singular values 1
    for scale in (0.5, 3.0):
        norms = state_jacobian_norms(x[:6], h0, w_ih, scale * q)
        jac = torch.autograd.functional.jacobian(
            lambda h, scale=scale: _torch_rnn(x[:6], h, w_ih, scale * q),
            torch.from_numpy(h0),
        )
        assert norms[-1] == pytest.approx(torch.linalg.matrix_norm(jac, ord=2).item(), rel=1e-9)
    small = state_jacobian_norms(x, h0, w_ih, 0.5 * q)
    assert small[-1] < 1e-8 and np.all(np.diff(small) < 0)
    large = state_jacobian_norms(np.zeros((8, 2)), np.zeros(4), w_ih, 1.5 * q)
    assert_close(large, 1.5 ** np.arange(1, 9), rtol=1e-12)  # zero state: tanh' = 1, grows as 1.5^T


def _torch_rnn(x: np.ndarray, h: torch.Tensor, w_ih: np.ndarray, w_hh: np.ndarray) -> torch.Tensor:
    for x_t in torch.from_numpy(x):
        h = torch.tanh(torch.from_numpy(w_ih) @ x_t + torch.from_numpy(w_hh) @ h)
    return h


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("max_norm", [0.1, 1.0, 100.0])
def test_clip_grad_norm_equals_torch(norm_type: float, max_norm: float) -> None:
    rng = np.random.default_rng(5)
    grads = [rng.normal(size=(3, 4)), rng.normal(size=5), rng.normal(size=(2, 2, 2))]
    params = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = torch.from_numpy(g.copy())
    total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    clipped, ours = clip_grad_norm(grads, max_norm, norm_type)
    assert ours == pytest.approx(total.item(), rel=1e-12)
    for c, p in zip(clipped, params):
        assert_close(c, p.grad, rtol=1e-12)
    assert_close(grads[0], np.random.default_rng(5).normal(size=(3, 4)))  # input untouched
