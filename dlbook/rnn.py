r"""Recurrent networks from scratch in NumPy: RNN, LSTM and GRU cells, sequence layers, BPTT.

Everything here computes exactly what PyTorch's ``torch.nn.RNN``, ``nn.LSTM`` and
``nn.GRU`` compute, with the same parameter names and shapes, so weights can be
copied between the two (:meth:`RecurrentLayer.from_torch`). With hidden size
:math:`H` and input size :math:`I`:

- RNN: :math:`h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})`;
  ``weight_ih`` is ``(H, I)``, ``weight_hh`` is ``(H, H)``.
- LSTM: four gates stacked in PyTorch's order input, forget, cell (candidate),
  output; ``weight_ih`` is ``(4H, I)``, ``weight_hh`` is ``(4H, H)``::

      i = sigmoid(.), f = sigmoid(.), g = tanh(.), o = sigmoid(.)
      c_t = f * c_{t-1} + i * g,   h_t = o * tanh(c_t)

- GRU: three blocks in the order reset, update, new; ``weight_ih`` is ``(3H, I)``.
  PyTorch applies the reset gate to the *projected* previous state, inside the
  bias, and keeps the *old* state with weight z::

      r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
      z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
      n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
      h_t = (1 - z) * n + z * h_{t-1}

Sequences are time-major ``(T, B, I)`` unless ``batch_first=True`` (then ``(B, T, I)``),
as in PyTorch. Backpropagation through time is written out for the one-layer tanh
RNN (:func:`rnn_sequence_backward`); :func:`state_jacobian_norms` measures how the
gradient that reaches :math:`h_0` vanishes or explodes, and :func:`clip_grad_norm`
equals ``torch.nn.utils.clip_grad_norm_``.

Example:
    >>> rng = np.random.default_rng(0)
    >>> gru = GRU(input_size=3, hidden_size=4, num_layers=2, rng=rng)
    >>> output, h_n = gru(rng.normal(size=(5, 2, 3)))  # T=5 steps, B=2 sequences
    >>> output.shape, h_n.shape
    ((5, 2, 4), (2, 2, 4))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from dlbook.validation import (
    as_array,
    check_choice,
    check_non_negative,
    check_positive_int,
    check_positive_number,
)

__all__ = [
    "GATES",
    "rnn_cell",
    "lstm_cell",
    "gru_cell",
    "RecurrentLayer",
    "RNN",
    "LSTM",
    "GRU",
    "count_parameters",
    "rnn_sequence_forward",
    "rnn_sequence_backward",
    "RNNGradients",
    "state_jacobian_norms",
    "clip_grad_norm",
]

#: Number of stacked weight blocks per cell type (PyTorch's gate order in comments).
GATES = {"rnn": 1, "lstm": 4, "gru": 3}  # lstm: i, f, g, o; gru: r, z, n


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, computed without overflow for large |z|."""
    ez = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + ez), ez / (1.0 + ez))


# --------------------------------------------------------------------------- cell steps
def _rnn_step(x, state, w_ih, w_hh, b_ih, b_hh):
    (h,) = state
    return (np.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh),)


def _lstm_step(x, state, w_ih, w_hh, b_ih, b_hh):
    h, c = state
    i, f, g, o = np.split(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh, 4, axis=-1)
    c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c_new), c_new


def _gru_step(x, state, w_ih, w_hh, b_ih, b_hh):
    (h,) = state
    xr, xz, xn = np.split(x @ w_ih.T + b_ih, 3, axis=-1)
    hr, hz, hn = np.split(h @ w_hh.T + b_hh, 3, axis=-1)
    r, z = _sigmoid(xr + hr), _sigmoid(xz + hz)
    n = np.tanh(xn + r * hn)  # the reset gate scales W_hn h + b_hn (PyTorch's placement)
    return ((1.0 - z) * n + z * h,)  # z keeps the old state (PyTorch's convention)


_STEPS: dict[str, Callable[..., tuple[np.ndarray, ...]]] = {
    "rnn": _rnn_step,
    "lstm": _lstm_step,
    "gru": _gru_step,
}


def _check_cell(kind, x, states, weight_ih, weight_hh, bias_ih, bias_hh):
    """Validate one cell step's arguments; return them as float arrays."""
    w_ih = as_array(weight_ih, "weight_ih", ndim=2).astype(float)
    gates_hidden, input_size = w_ih.shape
    if gates_hidden % GATES[kind]:
        raise ValueError(
            f"weight_ih of a {kind} cell must have {GATES[kind]} * hidden_size rows; got shape {w_ih.shape}"
        )
    hidden = gates_hidden // GATES[kind]
    x = as_array(x, "x", ndim=2).astype(float)
    if x.shape[1] != input_size:
        raise ValueError(
            f"x must have input_size={input_size} features (weight_ih is {w_ih.shape}); got shape {x.shape}"
        )
    w_hh = as_array(weight_hh, "weight_hh", shape=(gates_hidden, hidden)).astype(float)
    b_ih = (
        np.zeros(gates_hidden)
        if bias_ih is None
        else as_array(bias_ih, "bias_ih", shape=(gates_hidden,)).astype(float)
    )
    b_hh = (
        np.zeros(gates_hidden)
        if bias_hh is None
        else as_array(bias_hh, "bias_hh", shape=(gates_hidden,)).astype(float)
    )
    states = tuple(
        as_array(s, name, shape=(x.shape[0], hidden)).astype(float) for name, s in states
    )
    return x, states, w_ih, w_hh, b_ih, b_hh


def rnn_cell(
    x: ArrayLike,
    h: ArrayLike,
    weight_ih: ArrayLike,
    weight_hh: ArrayLike,
    bias_ih: ArrayLike | None = None,
    bias_hh: ArrayLike | None = None,
) -> np.ndarray:
    r"""One step of the Elman RNN, :math:`h' = \tanh(W_{ih} x + b_{ih} + W_{hh} h + b_{hh})`.

    Args:
        x: the input at this step.
        h: the previous hidden state.
        weight_ih: :math:`W_{ih}`; weight_hh: :math:`W_{hh}`; biases optional (zeros).

    Returns:
        The new hidden state, like ``torch.nn.RNNCell``.

    Shape:
        x ``(B, I)``, h ``(B, H)``, weight_ih ``(H, I)``, weight_hh ``(H, H)``, biases ``(H,)``;
        output ``(B, H)``.

    Example:
        >>> rnn_cell([[1.0]], [[0.0]], [[0.5]], [[2.0]]).round(4)
        array([[0.4621]])
    """
    args = _check_cell("rnn", x, (("h", h),), weight_ih, weight_hh, bias_ih, bias_hh)
    return _rnn_step(*args)[0]


def lstm_cell(
    x: ArrayLike,
    h: ArrayLike,
    c: ArrayLike,
    weight_ih: ArrayLike,
    weight_hh: ArrayLike,
    bias_ih: ArrayLike | None = None,
    bias_hh: ArrayLike | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One step of the LSTM, like ``torch.nn.LSTMCell``: returns the new ``(h, c)``.

    Args:
        x: the input at this step.
        h: the previous hidden state.
        c: the previous cell state.
        weight_ih: the four input weights stacked (input, forget, cell, output gate).
        weight_hh: the four recurrent weights stacked in the same order.
        bias_ih: optional ``(4H,)`` bias; bias_hh: optional ``(4H,)`` bias.

    Returns:
        ``(h_new, c_new)``.

    Shape:
        x ``(B, I)``, h and c ``(B, H)``, weight_ih ``(4H, I)``, weight_hh ``(4H, H)``;
        outputs ``(B, H)`` each.

    Example:
        >>> h, c = lstm_cell([[1.0]], [[0.0]], [[0.0]], np.ones((4, 1)), np.zeros((4, 1)))
        >>> round(float(c[0, 0]), 4), round(float(h[0, 0]), 4)
        (0.5568, 0.3696)
    """
    args = _check_cell("lstm", x, (("h", h), ("c", c)), weight_ih, weight_hh, bias_ih, bias_hh)
    return _lstm_step(*args)


def gru_cell(
    x: ArrayLike,
    h: ArrayLike,
    weight_ih: ArrayLike,
    weight_hh: ArrayLike,
    bias_ih: ArrayLike | None = None,
    bias_hh: ArrayLike | None = None,
) -> np.ndarray:
    """One step of the GRU in PyTorch's convention (``torch.nn.GRUCell``).

    ``h' = (1 - z) * n + z * h`` with the reset gate applied to ``W_hn h + b_hn``.

    Args:
        x: the input at this step.
        h: the previous hidden state.
        weight_ih: the three input weights stacked (reset, update, new).
        weight_hh: the three recurrent weights in the same order.
        bias_ih: optional ``(3H,)``; bias_hh: optional ``(3H,)``.

    Returns:
        The new hidden state.

    Shape:
        x ``(B, I)``, h ``(B, H)``, weight_ih ``(3H, I)``, weight_hh ``(3H, H)``; output ``(B, H)``.

    Example:
        >>> gru_cell([[1.0]], [[1.0]], np.zeros((3, 1)), np.zeros((3, 1)))  # z = 0.5, n = 0
        array([[0.5]])
    """
    args = _check_cell("gru", x, (("h", h),), weight_ih, weight_hh, bias_ih, bias_hh)
    return _gru_step(*args)[0]


# --------------------------------------------------------------------------- sequence layers
def _run_layer(kind, x, state, w_ih, w_hh, b_ih, b_hh):
    """Run one layer over a time-major sequence x (T, B, I); return outputs (T, B, H) and the last state."""
    step = _STEPS[kind]
    outputs = []
    for x_t in x:  # the same weights at every step: weight sharing
        state = step(x_t, state, w_ih, w_hh, b_ih, b_hh)
        outputs.append(state[0])
    return np.stack(outputs), state


class RecurrentLayer:
    """A multi-layer recurrent layer in NumPy with PyTorch's parameters, defaults and results.

    Use the subclasses :class:`RNN`, :class:`LSTM` and :class:`GRU`. Parameters are
    attributes named like PyTorch's (``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``,
    ``bias_hh_l0``, then ``..._l1``), initialised uniformly in
    :math:`[-1/\\sqrt{H}, 1/\\sqrt{H}]` as PyTorch does.

    Args:
        input_size: features per step, ``I``.
        hidden_size: size of the hidden state, ``H``.
        num_layers: stacked layers; layer ``k > 0`` reads layer ``k - 1``'s outputs.
        bias: whether the layer has biases.
        batch_first: sequences given as ``(B, T, I)`` instead of ``(T, B, I)``.
        rng: a ``np.random.Generator`` for the initial weights (default: seed 0).

    Shape:
        input ``(T, B, I)`` (or ``(B, T, I)``); ``h_0`` and ``h_n`` ``(num_layers, B, H)``
        (for the LSTM also ``c_0``, ``c_n``); output ``(T, B, H)`` (or ``(B, T, H)``), the
        last layer's hidden state at every step.
    """

    kind = "rnn"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        *,
        bias: bool = True,
        batch_first: bool = False,
        rng: np.random.Generator | None = None,
    ) -> None:
        self.input_size = check_positive_int(input_size, "input_size")
        self.hidden_size = check_positive_int(hidden_size, "hidden_size")
        self.num_layers = check_positive_int(num_layers, "num_layers")
        self.bias, self.batch_first = bool(bias), bool(batch_first)
        rng = np.random.default_rng(0) if rng is None else rng
        bound = 1.0 / np.sqrt(hidden_size)
        for name, shape in self._shapes().items():
            setattr(self, name, rng.uniform(-bound, bound, size=shape))

    def _shapes(self) -> dict[str, tuple[int, ...]]:
        rows = GATES[self.kind] * self.hidden_size
        shapes: dict[str, tuple[int, ...]] = {}
        for layer in range(self.num_layers):
            inputs = self.input_size if layer == 0 else self.hidden_size
            shapes[f"weight_ih_l{layer}"] = (rows, inputs)
            shapes[f"weight_hh_l{layer}"] = (rows, self.hidden_size)
            if self.bias:
                shapes[f"bias_ih_l{layer}"] = (rows,)
                shapes[f"bias_hh_l{layer}"] = (rows,)
        return shapes

    def state_dict(self) -> dict[str, np.ndarray]:
        """The parameters by PyTorch's names (the arrays themselves, not copies)."""
        return {name: getattr(self, name) for name in self._shapes()}

    def load_state_dict(self, state: Mapping[str, Any]) -> RecurrentLayer:
        """Copy parameters from a mapping with PyTorch's names (arrays or tensors); returns self."""
        shapes = self._shapes()
        missing = sorted(set(shapes) - set(state))
        unexpected = sorted(set(state) - set(shapes))
        if missing or unexpected:
            raise ValueError(
                f"state must have exactly the keys {sorted(shapes)}; missing {missing}, unexpected {unexpected}"
            )
        arrays = {}
        for name, shape in shapes.items():
            value = state[name]
            if hasattr(value, "detach"):
                value = value.detach().cpu().numpy()
            arrays[name] = as_array(value, name, shape=shape).astype(np.float64)
        for name, array in arrays.items():  # only after every check passed
            setattr(self, name, array)
        return self

    @classmethod
    def from_torch(cls, module: Any) -> RecurrentLayer:
        """A NumPy copy (float64) of a ``torch.nn.RNN``/``LSTM``/``GRU`` with the same weights."""
        layer = cls(
            module.input_size,
            module.hidden_size,
            module.num_layers,
            bias=module.bias,
            batch_first=module.batch_first,
        )
        if getattr(module, "bidirectional", False) or getattr(module, "proj_size", 0):
            raise ValueError("only unidirectional layers without projections are supported")
        if getattr(module, "nonlinearity", "tanh") != "tanh":
            raise ValueError(f"only the tanh RNN is supported; got {module.nonlinearity!r}")
        return layer.load_state_dict(module.state_dict())

    def num_parameters(self) -> int:
        """The number of trainable numbers, as ``sum(p.numel() for p in torch_module.parameters())``."""
        return int(sum(np.prod(shape) for shape in self._shapes().values()))

    def _check_input(self, x: ArrayLike) -> np.ndarray:
        layout = "(B, T, I)" if self.batch_first else "(T, B, I)"
        x = as_array(x, "input", numeric=True)
        if x.ndim != 3:
            raise ValueError(
                f"expected input with 3 dimensions {layout}, got shape {x.shape}; "
                "add a batch axis with x[None] or x[:, None]"
            )
        if x.shape[-1] != self.input_size:
            raise ValueError(
                f"expected input_size={self.input_size} features in the last axis of {layout}, "
                f"got shape {x.shape}"
            )
        x = x.astype(np.float64)
        return np.swapaxes(x, 0, 1) if self.batch_first else x  # (T, B, I)

    def _check_state(self, value: Any, name: str, batch: int) -> np.ndarray:
        expected = (self.num_layers, batch, self.hidden_size)
        if value is None:
            return np.zeros(expected)
        value = as_array(value, name)
        if value.shape != expected:
            raise ValueError(
                f"expected {name} of shape (num_layers, B, H) = {expected}, got shape {value.shape}"
            )
        return value.astype(np.float64)

    def _initial_states(self, hx: Any, batch: int) -> list[tuple[np.ndarray, ...]]:
        h_0 = self._check_state(hx, "h_0", batch)
        return [(h_0[k],) for k in range(self.num_layers)]

    def _final(self, states: list[tuple[np.ndarray, ...]]) -> Any:
        return np.stack([s[0] for s in states])

    def __call__(self, x: ArrayLike, hx: Any = None) -> tuple[np.ndarray, Any]:
        """Run the layer over a batch of sequences; returns ``(output, h_n)`` like PyTorch."""
        seq = self._check_input(x)  # (T, B, I)
        states = self._initial_states(hx, seq.shape[1])
        finals = []
        for layer, state in enumerate(states):
            p = [getattr(self, f"{n}_l{layer}", None) for n in ("weight_ih", "weight_hh")]
            b = [
                getattr(self, f"{n}_l{layer}") if self.bias else np.zeros(len(p[0]))
                for n in ("bias_ih", "bias_hh")
            ]
            seq, last = _run_layer(self.kind, seq, state, *p, *b)  # (T, B, H)
            finals.append(last)
        output = np.swapaxes(seq, 0, 1) if self.batch_first else seq
        return output, self._final(finals)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.input_size}, {self.hidden_size}, "
            f"num_layers={self.num_layers}, batch_first={self.batch_first})"
        )


class RNN(RecurrentLayer):
    """The tanh (Elman) RNN, equal to ``torch.nn.RNN``. See :class:`RecurrentLayer`.

    Example:
        >>> rnn = RNN(2, 3)
        >>> out, h_n = rnn(np.ones((4, 1, 2)))
        >>> bool(np.allclose(out[-1], h_n[0]))
        True
    """

    kind = "rnn"


class GRU(RecurrentLayer):
    """The GRU in PyTorch's convention, equal to ``torch.nn.GRU``. See :class:`RecurrentLayer`.

    Example:
        >>> GRU(2, 3).num_parameters()  # 3 blocks of (3*2 + 3*3 + 3 + 3) numbers
        63
    """

    kind = "gru"


class LSTM(RecurrentLayer):
    """The LSTM, equal to ``torch.nn.LSTM``: ``hx`` and the final state are pairs ``(h, c)``.

    Example:
        >>> lstm = LSTM(1, 2, num_layers=2, batch_first=True)
        >>> out, (h_n, c_n) = lstm(np.zeros((3, 5, 1)))
        >>> out.shape, h_n.shape, c_n.shape
        ((3, 5, 2), (2, 3, 2), (2, 3, 2))
    """

    kind = "lstm"

    def _initial_states(self, hx: Any, batch: int) -> list[tuple[np.ndarray, ...]]:
        if hx is None:
            hx = (None, None)
        if not (isinstance(hx, tuple | list) and len(hx) == 2):
            raise ValueError(
                f"expected hx=(h_0, c_0) for an LSTM, got {type(hx).__name__}"
                + (f" of shape {np.shape(hx)}" if hasattr(hx, "shape") else "")
            )
        h_0 = self._check_state(hx[0], "h_0", batch)
        c_0 = self._check_state(hx[1], "c_0", batch)
        return [(h_0[k], c_0[k]) for k in range(self.num_layers)]

    def _final(self, states: list[tuple[np.ndarray, ...]]) -> Any:
        return np.stack([s[0] for s in states]), np.stack([s[1] for s in states])


_LAYERS = {"rnn": RNN, "lstm": LSTM, "gru": GRU}


def count_parameters(
    kind: str, input_size: int, hidden_size: int, num_layers: int = 1, *, bias: bool = True
) -> int:
    """The number of parameters of ``torch.nn.RNN``/``LSTM``/``GRU(input_size, hidden_size, num_layers)``.

    Per layer: ``gates * H * (inputs + H) + 2 * gates * H`` (two bias vectors, as PyTorch has),
    where ``inputs`` is ``I`` for the first layer and ``H`` above it.

    Example:
        >>> count_parameters("lstm", 10, 20)
        2560
    """
    check_choice(kind, "kind", tuple(_LAYERS))
    I, H, L = (
        check_positive_int(input_size, "input_size"),
        check_positive_int(hidden_size, "hidden_size"),
        check_positive_int(num_layers, "num_layers"),
    )
    g = GATES[kind]
    weights = g * H * (I + H) + (L - 1) * g * H * (H + H)
    return weights + (2 * g * H * L if bias else 0)


# --------------------------------------------------------------------------- BPTT for the tanh RNN
class RNNGradients(NamedTuple):
    """Gradients of a loss with respect to the arguments of :func:`rnn_sequence_forward`."""

    grad_input: np.ndarray
    """``(T, B, I)``"""
    grad_hidden: np.ndarray
    """``(B, H)``: the gradient that reaches the initial state h_0."""
    grad_weight_ih: np.ndarray
    """``(H, I)``"""
    grad_weight_hh: np.ndarray
    """``(H, H)``"""
    grad_bias_ih: np.ndarray
    """``(H,)``"""
    grad_bias_hh: np.ndarray
    """``(H,)``"""


def _check_rnn_sequence(x, h_0, weight_ih, weight_hh, bias_ih, bias_hh):
    x = as_array(x, "x")
    if x.ndim != 3:
        raise ValueError(f"expected x with 3 dimensions (T, B, I), got shape {x.shape}")
    _, states, w_ih, w_hh, b_ih, b_hh = _check_cell(
        "rnn", x[0], (("h_0", h_0),), weight_ih, weight_hh, bias_ih, bias_hh
    )
    return x.astype(float), states[0], w_ih, w_hh, b_ih, b_hh


def rnn_sequence_forward(
    x: ArrayLike,
    h_0: ArrayLike,
    weight_ih: ArrayLike,
    weight_hh: ArrayLike,
    bias_ih: ArrayLike | None = None,
    bias_hh: ArrayLike | None = None,
) -> np.ndarray:
    r"""All hidden states of a one-layer tanh RNN, :math:`h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})`.

    Args:
        x: the input sequence, time-major.
        h_0: the initial state.
        weight_ih, weight_hh, bias_ih, bias_hh: as in :func:`rnn_cell`.

    Returns:
        The hidden states ``h_1 ... h_T``.

    Shape:
        x ``(T, B, I)``, h_0 ``(B, H)``; output ``(T, B, H)``.

    Example:
        >>> rnn_sequence_forward(np.ones((3, 1, 1)), [[0.0]], [[1.0]], [[0.0]])[:, 0, 0].round(3)
        array([0.762, 0.762, 0.762])
    """
    x, h, w_ih, w_hh, b_ih, b_hh = _check_rnn_sequence(
        x, h_0, weight_ih, weight_hh, bias_ih, bias_hh
    )
    return _run_layer("rnn", x, (h,), w_ih, w_hh, b_ih, b_hh)[0]


def rnn_sequence_backward(
    grad_output: ArrayLike,
    x: ArrayLike,
    h_0: ArrayLike,
    hidden: ArrayLike,
    weight_ih: ArrayLike,
    weight_hh: ArrayLike,
) -> RNNGradients:
    r"""Backpropagation through time for :func:`rnn_sequence_forward`.

    With a loss that depends on every hidden state (a loss summed over time),
    ``grad_output[t]`` is :math:`\partial L / \partial h_t` taken directly. Walking
    backwards, the gradient arriving at :math:`h_t` is that direct part plus what
    flows back from step :math:`t + 1`, :math:`\delta_t = g_t + W_{hh}^\top a_{t+1}`, and
    :math:`a_t = \delta_t \odot (1 - h_t^2)` is the gradient at the pre-activation.
    Each weight's gradient sums its contributions over all steps (the weights are shared):
    :math:`\partial L/\partial W_{hh} = \sum_t a_t^\top h_{t-1}`,
    :math:`\partial L/\partial W_{ih} = \sum_t a_t^\top x_t`, the biases :math:`\sum_t a_t`.

    Args:
        grad_output: :math:`\partial L/\partial h_t` for every step.
        x: the forward's input.
        h_0: the forward's initial state.
        hidden: the forward's output (the states :math:`h_1 \dots h_T`).
        weight_ih, weight_hh: the forward's weights.

    Returns:
        :class:`RNNGradients`.

    Shape:
        grad_output and hidden ``(T, B, H)``, x ``(T, B, I)``, h_0 ``(B, H)``.

    Example:
        >>> x, h0, w_ih, w_hh = np.ones((2, 1, 1)), np.zeros((1, 1)), [[1.0]], [[0.5]]
        >>> hs = rnn_sequence_forward(x, h0, w_ih, w_hh)
        >>> g = rnn_sequence_backward(np.ones_like(hs), x, h0, hs, w_ih, w_hh)
        >>> g.grad_input.shape, g.grad_weight_hh.shape
        ((2, 1, 1), (1, 1))
    """
    x, h_0, w_ih, w_hh, _, _ = _check_rnn_sequence(x, h_0, weight_ih, weight_hh, None, None)
    hs = as_array(hidden, "hidden", shape=(x.shape[0], x.shape[1], w_hh.shape[0])).astype(float)
    grad_output = as_array(grad_output, "grad_output", shape=hs.shape).astype(float)
    return _rnn_bptt(grad_output, x, h_0, hs, w_ih, w_hh)


def _rnn_bptt(grad_output, x, h_0, hs, w_ih, w_hh) -> RNNGradients:
    previous = np.concatenate([h_0[None], hs[:-1]])  # h_{t-1} for every t, (T, B, H)
    grad_x = np.zeros_like(x)
    grad_w_ih, grad_w_hh = np.zeros_like(w_ih), np.zeros_like(w_hh)
    grad_b = np.zeros(w_hh.shape[0])
    carry = np.zeros_like(h_0)  # dL/dh_t arriving from step t + 1
    for t in reversed(range(x.shape[0])):
        delta = grad_output[t] + carry  # (B, H)
        a = delta * (1.0 - hs[t] ** 2)  # through tanh
        grad_w_ih += a.T @ x[t]
        grad_w_hh += a.T @ previous[t]
        grad_b += a.sum(axis=0)
        grad_x[t] = a @ w_ih
        carry = a @ w_hh
    return RNNGradients(grad_x, carry, grad_w_ih, grad_w_hh, grad_b, grad_b.copy())


def state_jacobian_norms(
    x: ArrayLike,
    h_0: ArrayLike,
    weight_ih: ArrayLike,
    weight_hh: ArrayLike,
    bias_ih: ArrayLike | None = None,
    bias_hh: ArrayLike | None = None,
) -> np.ndarray:
    r"""The spectral norm of :math:`\partial h_t / \partial h_0` for t = 1..T (one sequence).

    By the chain rule :math:`\partial h_t/\partial h_0 = \prod_{k=t}^{1} \operatorname{diag}(1 - h_k^2)\, W_{hh}`:
    a product of T matrices, which shrinks geometrically when their norms are below 1
    (vanishing gradients) and can grow geometrically when :math:`W_{hh}` is large and
    the units are not saturated (exploding gradients).

    Args:
        x: one input sequence.
        h_0: the initial state.
        weight_ih, weight_hh, bias_ih, bias_hh: as in :func:`rnn_cell`.

    Returns:
        The T norms.

    Shape:
        x ``(T, I)``, h_0 ``(H,)``; output ``(T,)``.

    Example:
        >>> state_jacobian_norms(np.zeros((3, 1)), [0.0], [[1.0]], [[0.5]])
        array([0.5  , 0.25 , 0.125])
    """
    x = as_array(x, "x", ndim=2)
    h_0 = as_array(h_0, "h_0", ndim=1)
    x, h, w_ih, w_hh, b_ih, b_hh = _check_rnn_sequence(
        x[:, None], h_0[None], weight_ih, weight_hh, bias_ih, bias_hh
    )
    hs = _run_layer("rnn", x, (h,), w_ih, w_hh, b_ih, b_hh)[0][:, 0]  # (T, H)
    jacobian = np.eye(len(h_0))
    norms = np.empty(len(hs))
    for t, h_t in enumerate(hs):
        jacobian = ((1.0 - h_t**2)[:, None] * w_hh) @ jacobian
        norms[t] = np.linalg.norm(jacobian, ord=2)
    return norms


def clip_grad_norm(
    grads: Sequence[ArrayLike], max_norm: float, norm_type: float = 2.0
) -> tuple[list[np.ndarray], float]:
    r"""Scale gradients so their joint norm is at most ``max_norm``, like ``torch.nn.utils.clip_grad_norm_``.

    The total norm is taken over all arrays together,
    :math:`\lVert g \rVert = (\sum_i \lVert g_i \rVert_p^p)^{1/p}` (the largest magnitude for
    ``norm_type=inf``); every gradient is multiplied by
    :math:`\min(1, \text{max\_norm} / (\lVert g \rVert + 10^{-6}))`, so the direction is kept.
    Unlike PyTorch's function this one returns new arrays and leaves its input alone.

    Args:
        grads: the gradients, any shapes.
        max_norm: the largest norm allowed.
        norm_type: p of the p-norm (``float("inf")`` for the max norm).

    Returns:
        ``(clipped, total_norm)``: the scaled gradients and the norm before clipping.

    Example:
        >>> clipped, norm = clip_grad_norm([np.array([3.0]), np.array([4.0])], max_norm=1.0)
        >>> norm, [round(float(g[0]), 4) for g in clipped]
        (5.0, [0.6, 0.8])
    """
    arrays = [as_array(g, f"grads[{i}]").astype(np.float64) for i, g in enumerate(grads)]
    max_norm = check_non_negative(max_norm, "max_norm")
    if not arrays:
        return [], 0.0
    if norm_type == float("inf"):
        total = max(float(np.abs(g).max(initial=0.0)) for g in arrays)
    else:
        p = check_positive_number(norm_type, "norm_type")
        total = float(sum(np.sum(np.abs(g) ** p) for g in arrays) ** (1.0 / p))
    scale = min(1.0, max_norm / (total + 1e-6))
    return [g * scale for g in arrays], total
