r"""Attention and the transformer encoder block from scratch in NumPy.

Scaled dot-product attention compares every query with every key and returns, for each query, an
average of the values weighted by how well the keys match:

.. math::

    \operatorname{Attention}(Q, K, V) = \operatorname{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}} + M\right) V

with queries ``Q`` ``(..., L, E)``, keys ``K`` ``(..., S, E)``, values ``V`` ``(..., S, Ev)`` and
an optional mask ``M`` ``(L, S)`` (or anything that broadcasts to ``(..., L, S)``).

Masks follow :func:`torch.nn.functional.scaled_dot_product_attention`:

- a **boolean** mask says which query-key pairs *take part*: ``True`` keeps the pair, ``False``
  removes it (its score becomes ``-inf``, its weight 0);
- a **floating** mask is *added* to the scores (``0`` keeps, ``-inf`` removes, anything else
  biases);
- ``causal=True`` lets query ``i`` see keys ``j <= i`` only (:func:`causal_mask`).

Careful: ``torch.nn.MultiheadAttention`` and ``torch.nn.TransformerEncoderLayer`` read a boolean
``attn_mask`` the other way round (``True`` *removes* the pair). Every function here uses the
convention above; pass ``~mask`` to those two PyTorch modules.

Multi-head attention (:func:`multi_head_attention`), layer normalisation (:func:`layer_norm`),
sinusoidal positional encodings (:func:`sinusoidal_positions`) and one encoder block
(:func:`encoder_block`) use PyTorch's parameter names and shapes, so that the weights of
``nn.MultiheadAttention``, ``nn.LayerNorm`` and ``nn.TransformerEncoderLayer`` can be copied in
and the outputs compared (the tests do, in float64, to 1e-10).

Example:
    >>> q = k = np.eye(2)
    >>> v = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> np.round(scaled_dot_product_attention(q, k, v), 3)
    array([[0.67, 0.33],
           [0.33, 0.67]])
    >>> scaled_dot_product_attention(q, k, v, causal=True)[0]  # the first query sees only itself
    array([1., 0.])
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from dlbook.activations import gelu
from dlbook.validation import as_array, check_positive_int

__all__ = [
    "causal_mask",
    "attention_weights",
    "scaled_dot_product_attention",
    "attention_flops",
    "multi_head_attention",
    "MultiHeadAttentionOutput",
    "sinusoidal_positions",
    "add_positional_encoding",
    "layer_norm",
    "EncoderBlockWeights",
    "encoder_block",
]


# ---------------------------------------------------------------------------
# Validation at the door
# ---------------------------------------------------------------------------


def _as_float(value: ArrayLike, name: str, ndim_at_least: int = 2) -> np.ndarray:
    array = as_array(value, name)
    if array.ndim < ndim_at_least:
        raise ValueError(
            f"expected {name} with at least {ndim_at_least} dimensions (..., length, features), "
            f"got shape {array.shape}"
        )
    return array.astype(np.float64, copy=False) if array.dtype.kind != "f" else array


def _check_qkv(query: ArrayLike, key: ArrayLike, value: ArrayLike) -> tuple[np.ndarray, ...]:
    q, k, v = _as_float(query, "query"), _as_float(key, "key"), _as_float(value, "value")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            f"expected query and key with the same feature size E, got query {q.shape} "
            f"(E={q.shape[-1]}) and key {k.shape} (E={k.shape[-1]})"
        )
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(
            f"expected key and value with the same length S, got key {k.shape} "
            f"(S={k.shape[-2]}) and value {v.shape} (S={v.shape[-2]})"
        )
    try:
        np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(
            f"expected query, key and value whose batch dimensions broadcast, got shapes "
            f"{q.shape}, {k.shape} and {v.shape}"
        ) from None
    return q, k, v


def _check_mask(mask: ArrayLike | None, length_q: int, length_k: int, batch: tuple) -> Any:
    if mask is None:
        return None
    m = np.asarray(mask)
    if m.dtype != bool and m.dtype.kind != "f":
        raise ValueError(
            f"expected a boolean mask (True = attend) or a floating additive mask, "
            f"got dtype {m.dtype}"
        )
    target = (*batch, length_q, length_k)
    if m.ndim < 1 or not _broadcasts(m.shape, target):
        raise ValueError(
            f"expected a mask that broadcasts to (..., L, S) = {target}, got shape {m.shape}"
        )
    return m


def _broadcasts(shape: tuple, target: tuple) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


# ---------------------------------------------------------------------------
# Scaled dot-product attention
# ---------------------------------------------------------------------------


def causal_mask(length_q: int, length_k: int | None = None) -> np.ndarray:
    """The boolean causal mask: query ``i`` may attend to key ``j`` exactly when ``j <= i``.

    Args:
        length_q: number of queries L.
        length_k: number of keys S (default L).

    Returns:
        A boolean array ``(L, S)``, True on and below the diagonal (PyTorch's ``is_causal``).

    Example:
        >>> causal_mask(3).astype(int)
        array([[1, 0, 0],
               [1, 1, 0],
               [1, 1, 1]])
    """
    length_q = check_positive_int(length_q, "length_q")
    length_k = length_q if length_k is None else check_positive_int(length_k, "length_k")
    return _causal(length_q, length_k)


def _causal(length_q: int, length_k: int) -> np.ndarray:
    return np.tril(np.ones((length_q, length_k), dtype=bool))


def _softmax(scores: np.ndarray) -> np.ndarray:
    """Softmax over the last axis; a row whose scores are all -inf gives NaN, like PyTorch."""
    shifted = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def _weights(q: np.ndarray, k: np.ndarray, mask: Any, causal: bool, scale: float) -> np.ndarray:
    scores = (q @ np.swapaxes(k, -1, -2)) * scale  # (..., L, S)
    if causal:
        scores = np.where(_causal(q.shape[-2], k.shape[-2]), scores, -np.inf)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf) if mask.dtype == bool else scores + mask
    return _softmax(scores)  # (..., L, S), every row sums to 1


def _checked(query, key, value, mask, causal, scale):
    q, k, v = _check_qkv(query, key, value)
    batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2])
    m = _check_mask(mask, q.shape[-2], k.shape[-2], batch)
    if not isinstance(causal, (bool, np.bool_)):
        raise TypeError(f"expected causal to be True or False, got {causal!r}")
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    elif not (isinstance(scale, (int, float)) and math.isfinite(scale)):
        raise ValueError(f"expected a finite number or None for scale, got {scale!r}")
    return q, k, v, m, bool(causal), float(scale)


def attention_weights(
    query: ArrayLike,
    key: ArrayLike,
    mask: ArrayLike | None = None,
    *,
    causal: bool = False,
    scale: float | None = None,
) -> np.ndarray:
    r"""The attention weights :math:`\operatorname{softmax}(Q K^\top / \sqrt{d_k} + M)`.

    Args:
        query: ``(..., L, E)``.
        key: ``(..., S, E)``.
        mask: optional; boolean (True = attend) or floating (added), broadcastable to
            ``(..., L, S)``.
        causal: also hide every key after the query's own position.
        scale: the factor applied to ``Q K^T``; default ``1 / sqrt(E)``.

    Returns:
        ``(..., L, S)``: row ``i`` is how much query ``i`` takes from each key; rows sum to 1.

    Example:
        >>> attention_weights(np.ones((2, 4)), np.ones((3, 4)))
        array([[0.33333333, 0.33333333, 0.33333333],
               [0.33333333, 0.33333333, 0.33333333]])
    """
    q, k, _, m, causal, scale = _checked(query, key, np.asarray(key), mask, causal, scale)
    return _weights(q, k, m, causal, scale)


def scaled_dot_product_attention(
    query: ArrayLike,
    key: ArrayLike,
    value: ArrayLike,
    mask: ArrayLike | None = None,
    *,
    causal: bool = False,
    scale: float | None = None,
) -> np.ndarray:
    r"""Scaled dot-product attention :math:`\operatorname{softmax}(Q K^\top / \sqrt{d_k} + M)\,V`.

    Equals ``torch.nn.functional.scaled_dot_product_attention(query, key, value,
    attn_mask=mask, is_causal=causal, scale=scale)`` (without dropout).

    Args:
        query: ``(..., L, E)``.
        key: ``(..., S, E)``.
        value: ``(..., S, Ev)``.
        mask: optional; boolean (True = attend) or floating (added), broadcastable to
            ``(..., L, S)``.
        causal: also hide every key after the query's own position (:func:`causal_mask`).
        scale: the factor applied to ``Q K^T``; default ``1 / sqrt(E)``.

    Returns:
        ``(..., L, Ev)``: for every query, a weighted average of the values.

    Raises:
        ValueError: query and key of different feature sizes, key and value of different
            lengths, batch dimensions that do not broadcast, a mask that is neither boolean nor
            floating or does not broadcast to ``(..., L, S)``.

    Shape:
        ``(..., L, E), (..., S, E), (..., S, Ev) -> (..., L, Ev)``.

    Example:
        >>> q = np.zeros((1, 2))           # one query that matches every key equally
        >>> k = np.array([[1.0, 0.0], [0.0, 1.0]])
        >>> v = np.array([[2.0], [4.0]])
        >>> scaled_dot_product_attention(q, k, v)
        array([[3.]])
        >>> scaled_dot_product_attention(q, k, v, mask=np.array([[True, False]]))
        array([[2.]])
    """
    q, k, v, m, causal, scale = _checked(query, key, value, mask, causal, scale)
    return _weights(q, k, m, causal, scale) @ v  # (..., L, Ev)


def attention_flops(
    length_q: int, length_k: int, features: int, value_features: int | None = None
) -> int:
    r"""Floating-point operations of one attention: :math:`2 L S E + 2 L S E_v`.

    ``Q K^T`` is ``L * S`` dot products of length ``E`` (a multiply and an add each), and the
    weighted sum of the values is ``L * Ev`` dot products of length ``S``. The softmax adds a few
    operations per score (``O(L S)``), which the count leaves out. With ``L = S = T`` the cost
    grows as ``T**2``.

    Example:
        >>> attention_flops(128, 128, 64)
        4194304
    """
    length_q = check_positive_int(length_q, "length_q")
    length_k = check_positive_int(length_k, "length_k")
    features = check_positive_int(features, "features")
    value_features = (
        features if value_features is None else check_positive_int(value_features, "value_features")
    )
    return 2 * length_q * length_k * features + 2 * length_q * length_k * value_features


# ---------------------------------------------------------------------------
# Multi-head attention
# ---------------------------------------------------------------------------


class MultiHeadAttentionOutput(NamedTuple):
    """What :func:`multi_head_attention` returns (like ``nn.MultiheadAttention``)."""

    output: np.ndarray  #: ``(N, L, E)``
    weights: np.ndarray  #: ``(N, H, L, S)``, each head's attention weights


def _check_width(width: int, n_heads: Any) -> int:
    n_heads = check_positive_int(n_heads, "n_heads")
    if width % n_heads:
        raise ValueError(
            f"expected a number of heads that divides the model width {width}, got n_heads={n_heads}"
        )
    return n_heads


def _check_parameter(value: ArrayLike, name: str, shape: tuple[int, ...]) -> np.ndarray:
    array = as_array(value, name).astype(np.float64, copy=False)
    if array.shape != shape:
        raise ValueError(f"expected {name} of shape {shape}, got {array.shape}")
    return array


def _split_heads(x: np.ndarray, n_heads: int) -> np.ndarray:
    N, T, E = x.shape
    return x.reshape(N, T, n_heads, E // n_heads).transpose(0, 2, 1, 3)  # (N, H, T, D)


def _mha(q, k, v, w_in, b_in, w_out, b_out, n_heads, mask, causal):
    E = q.shape[-1]
    w_q, w_k, w_v = np.split(w_in, 3)  # (E, E) each: the three projections stacked
    b_q, b_k, b_v = np.split(b_in, 3)
    Q = _split_heads(q @ w_q.T + b_q, n_heads)  # (N, H, L, D)
    K = _split_heads(k @ w_k.T + b_k, n_heads)  # (N, H, S, D)
    V = _split_heads(v @ w_v.T + b_v, n_heads)  # (N, H, S, D)
    weights = _weights(Q, K, mask, causal, 1.0 / math.sqrt(E // n_heads))  # (N, H, L, S)
    heads = weights @ V  # (N, H, L, D)
    N, H, L, D = heads.shape
    concat = heads.transpose(0, 2, 1, 3).reshape(N, L, H * D)  # (N, L, E): heads side by side
    return concat @ w_out.T + b_out, weights  # (N, L, E)


def _check_mha(query, key, value, weights, n_heads, mask, causal):
    q, k, v = _check_qkv(query, key, value)
    for name, x in (("query", q), ("key", k), ("value", v)):
        if x.ndim != 3:
            raise ValueError(
                f"expected {name} with 3 dimensions (N, length, E), got shape {x.shape}"
            )
    E = q.shape[-1]
    if v.shape[-1] != E:
        raise ValueError(f"expected value with feature size E={E}, got shape {v.shape}")
    n_heads = _check_width(E, n_heads)
    shapes = {
        "in_proj_weight": (3 * E, E),
        "in_proj_bias": (3 * E,),
        "out_proj_weight": (E, E),
        "out_proj_bias": (E,),
    }
    params = [_check_parameter(weights[n], n, s) for n, s in shapes.items()]
    batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2])
    m = _check_mask(mask, q.shape[-2], k.shape[-2], (batch[0], n_heads))
    return q, k, v, params, n_heads, m, bool(causal)


def multi_head_attention(
    query: ArrayLike,
    key: ArrayLike,
    value: ArrayLike,
    n_heads: int,
    *,
    in_proj_weight: ArrayLike,
    in_proj_bias: ArrayLike,
    out_proj_weight: ArrayLike,
    out_proj_bias: ArrayLike,
    mask: ArrayLike | None = None,
    causal: bool = False,
) -> MultiHeadAttentionOutput:
    r"""Multi-head attention with PyTorch's parameters: project, attend per head, concatenate, project.

    With :math:`W_Q, W_K, W_V` the three ``(E, E)`` blocks of ``in_proj_weight``, each head
    :math:`h` attends with its own slice of ``D = E / H`` columns,
    :math:`\mathrm{head}_h = \operatorname{Attention}(Q W_Q^{(h)\top}, K W_K^{(h)\top}, V W_V^{(h)\top})`,
    and the heads, side by side, go through ``out_proj``. Equals
    ``nn.MultiheadAttention(E, H, batch_first=True)`` with the same weights; its averaged
    weights are ``weights.mean(axis=1)``.

    Args:
        query: ``(N, L, E)``.
        key: ``(N, S, E)``.
        value: ``(N, S, E)``.
        n_heads: the number of heads H; must divide E.
        in_proj_weight: ``(3E, E)``, the query, key and value projections stacked.
        in_proj_bias: ``(3E,)``.
        out_proj_weight: ``(E, E)``.
        out_proj_bias: ``(E,)``.
        mask: optional; boolean (True = attend) or floating (added), broadcastable to
            ``(N, H, L, S)``. (``nn.MultiheadAttention`` reads a boolean mask inverted.)
        causal: hide every key after the query's own position.

    Returns:
        :class:`MultiHeadAttentionOutput` ``(output (N, L, E), weights (N, H, L, S))``.

    Shape:
        ``(N, L, E), (N, S, E), (N, S, E) -> (N, L, E)``.

    Example:
        >>> E = 4
        >>> out = multi_head_attention(np.ones((1, 3, E)), np.ones((1, 3, E)), np.ones((1, 3, E)), 2,
        ...     in_proj_weight=np.zeros((3 * E, E)), in_proj_bias=np.zeros(3 * E),
        ...     out_proj_weight=np.eye(E), out_proj_bias=np.ones(E))
        >>> out.output.shape, out.weights.shape
        ((1, 3, 4), (1, 2, 3, 3))
    """
    weights = {
        "in_proj_weight": in_proj_weight,
        "in_proj_bias": in_proj_bias,
        "out_proj_weight": out_proj_weight,
        "out_proj_bias": out_proj_bias,
    }
    q, k, v, params, n_heads, m, causal = _check_mha(
        query, key, value, weights, n_heads, mask, causal
    )
    output, attn = _mha(q, k, v, *params, n_heads, m, causal)
    return MultiHeadAttentionOutput(output, attn)


# ---------------------------------------------------------------------------
# Positions and normalisation
# ---------------------------------------------------------------------------


def sinusoidal_positions(n_positions: int, width: int, base: float = 10000.0) -> np.ndarray:
    r"""The sinusoidal positional encodings of Vaswani et al. (2017).

    .. math::

        P_{t, 2i} = \sin\!\left(t / b^{2i/C}\right), \qquad
        P_{t, 2i+1} = \cos\!\left(t / b^{2i/C}\right)

    Each pair of columns is a clock running at its own speed, from one turn every
    :math:`2\pi` positions to one every :math:`2\pi b` positions.

    Args:
        n_positions: number of positions T (rows).
        width: the model width C (columns); must be even.
        base: b, 10000 in the original paper.

    Returns:
        ``(T, C)``, entries in [-1, 1].

    Example:
        >>> np.round(sinusoidal_positions(2, 4), 4)
        array([[0.    , 1.    , 0.    , 1.    ],
               [0.8415, 0.5403, 0.01  , 1.    ]])
    """
    n_positions = check_positive_int(n_positions, "n_positions")
    width = check_positive_int(width, "width")
    if width % 2:
        raise ValueError(f"expected an even width (sine and cosine pairs), got width={width}")
    t = np.arange(n_positions)[:, None]  # (T, 1)
    frequency = base ** (-np.arange(0, width, 2) / width)  # (C/2,)
    table = np.empty((n_positions, width))
    table[:, 0::2] = np.sin(t * frequency)
    table[:, 1::2] = np.cos(t * frequency)
    return table


def add_positional_encoding(x: ArrayLike, table: ArrayLike) -> np.ndarray:
    """Add the first T rows of a positional table to a sequence of token vectors.

    Args:
        x: token vectors ``(..., T, C)``.
        table: positions ``(T_max, C)`` with ``T <= T_max`` (sinusoidal or learned).

    Returns:
        ``x + table[:T]``, shape ``(..., T, C)``.

    Raises:
        ValueError: when the sequence is longer than the table or the widths differ.

    Example:
        >>> add_positional_encoding(np.zeros((2, 4)), sinusoidal_positions(8, 4)).shape
        (2, 4)
    """
    x = _as_float(x, "x")
    table = as_array(table, "table", ndim=2)
    T, C = x.shape[-2:]
    if table.shape[1] != C:
        raise ValueError(f"expected a positional table of width {C}, got shape {table.shape}")
    if T > table.shape[0]:
        raise ValueError(
            f"expected a sequence of at most {table.shape[0]} positions (the table's length), "
            f"got length {T}"
        )
    return x + table[:T]


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    variance = x.var(axis=-1, keepdims=True)  # the biased variance, as PyTorch uses
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


def layer_norm(
    x: ArrayLike, weight: ArrayLike | None = None, bias: ArrayLike | None = None, eps: float = 1e-5
) -> np.ndarray:
    r"""Layer normalisation over the last axis, :math:`\gamma (x - \mu) / \sqrt{\sigma^2 + \epsilon} + \beta`.

    Each token vector is normalised on its own (mean and biased variance over its C features),
    then scaled and shifted. Equals ``nn.LayerNorm(C, eps=eps)`` with ``weight`` = gamma and
    ``bias`` = beta.

    Args:
        x: ``(..., C)``.
        weight: gamma ``(C,)`` (default ones).
        bias: beta ``(C,)`` (default zeros).
        eps: added to the variance.

    Returns:
        ``(..., C)``.

    Example:
        >>> np.round(layer_norm([[1.0, 2.0, 3.0]]), 4)
        array([[-1.2247,  0.    ,  1.2247]])
    """
    x = _as_float(x, "x", ndim_at_least=1)
    C = x.shape[-1]
    weight = np.ones(C) if weight is None else _check_parameter(weight, "weight", (C,))
    bias = np.zeros(C) if bias is None else _check_parameter(bias, "bias", (C,))
    if not (isinstance(eps, (int, float)) and eps >= 0):
        raise ValueError(f"expected eps >= 0, got {eps!r}")
    return _layer_norm(x, weight, bias, float(eps))


# ---------------------------------------------------------------------------
# The encoder block
# ---------------------------------------------------------------------------


class EncoderBlockWeights(NamedTuple):
    """The parameters of one encoder block, with ``nn.TransformerEncoderLayer``'s names.

    E is the model width, F the width of the feed-forward layer.
    """

    in_proj_weight: np.ndarray  #: ``(3E, E)``
    in_proj_bias: np.ndarray  #: ``(3E,)``
    out_proj_weight: np.ndarray  #: ``(E, E)``
    out_proj_bias: np.ndarray  #: ``(E,)``
    linear1_weight: np.ndarray  #: ``(F, E)``
    linear1_bias: np.ndarray  #: ``(F,)``
    linear2_weight: np.ndarray  #: ``(E, F)``
    linear2_bias: np.ndarray  #: ``(E,)``
    norm1_weight: np.ndarray  #: ``(E,)``
    norm1_bias: np.ndarray  #: ``(E,)``
    norm2_weight: np.ndarray  #: ``(E,)``
    norm2_bias: np.ndarray  #: ``(E,)``

    @classmethod
    def from_state_dict(cls, state: Mapping[str, Any]) -> EncoderBlockWeights:
        """Read the weights from ``nn.TransformerEncoderLayer(...).state_dict()``.

        Tensors are converted to float64 NumPy arrays; the keys are PyTorch's
        (``self_attn.in_proj_weight``, ``linear1.weight``, ``norm1.bias``, ...).
        """

        def get(name: str) -> np.ndarray:
            if name not in state:
                raise ValueError(
                    f"expected the key {name!r} in the state dict, got keys {sorted(state)}"
                )
            value = state[name]
            if hasattr(value, "detach"):
                value = value.detach().cpu().numpy()
            return np.asarray(value, dtype=np.float64)

        return cls(*(get(_TORCH_KEYS[field]) for field in cls._fields))


_TORCH_KEYS = {
    "in_proj_weight": "self_attn.in_proj_weight",
    "in_proj_bias": "self_attn.in_proj_bias",
    "out_proj_weight": "self_attn.out_proj.weight",
    "out_proj_bias": "self_attn.out_proj.bias",
    **{
        f"{layer}_{kind}": f"{layer}.{kind}"
        for layer in ("linear1", "linear2", "norm1", "norm2")
        for kind in ("weight", "bias")
    },
}


def _check_block_weights(weights: EncoderBlockWeights, E: int) -> EncoderBlockWeights:
    if not isinstance(weights, EncoderBlockWeights):
        raise TypeError(f"expected EncoderBlockWeights, got {type(weights).__name__}")
    F_ = np.shape(weights.linear1_weight)[0] if np.ndim(weights.linear1_weight) == 2 else -1
    shapes = {
        "in_proj_weight": (3 * E, E),
        "in_proj_bias": (3 * E,),
        "out_proj_weight": (E, E),
        "out_proj_bias": (E,),
        "linear1_weight": (F_, E),
        "linear1_bias": (F_,),
        "linear2_weight": (E, F_),
        "linear2_bias": (E,),
        "norm1_weight": (E,),
        "norm1_bias": (E,),
        "norm2_weight": (E,),
        "norm2_bias": (E,),
    }
    return EncoderBlockWeights(
        *(_check_parameter(getattr(weights, n), n, s) for n, s in shapes.items())
    )


def _feed_forward(x: np.ndarray, w: EncoderBlockWeights) -> np.ndarray:
    hidden = gelu(x @ w.linear1_weight.T + w.linear1_bias)  # (N, T, F)
    return hidden @ w.linear2_weight.T + w.linear2_bias  # (N, T, E)


def _self_attention(x: np.ndarray, w: EncoderBlockWeights, n_heads: int, mask: Any) -> np.ndarray:
    params = (w.in_proj_weight, w.in_proj_bias, w.out_proj_weight, w.out_proj_bias)
    return _mha(x, x, x, *params, n_heads, mask, False)[0]  # (N, T, E)


def encoder_block(
    x: ArrayLike,
    weights: EncoderBlockWeights,
    n_heads: int,
    *,
    norm_first: bool = False,
    mask: ArrayLike | None = None,
    eps: float = 1e-5,
) -> np.ndarray:
    r"""One transformer encoder block: self-attention and a GELU feed-forward, each with a residual.

    Post-norm (the original transformer, ``norm_first=False``)::

        x = norm1(x + attention(x))
        x = norm2(x + feed_forward(x))

    Pre-norm (GPT-2, ViT, ``norm_first=True``)::

        x = x + attention(norm1(x))
        x = x + feed_forward(norm2(x))

    with ``feed_forward(x) = linear2(gelu(linear1(x)))``. Equals
    ``nn.TransformerEncoderLayer(E, n_heads, F, dropout=0.0, activation="gelu",
    batch_first=True, norm_first=norm_first)`` in evaluation mode, with the same weights.

    Args:
        x: token vectors ``(N, T, E)``.
        weights: :class:`EncoderBlockWeights` (see ``EncoderBlockWeights.from_state_dict``).
        n_heads: attention heads; must divide E.
        norm_first: pre-norm when True, post-norm when False.
        mask: optional attention mask, boolean (True = attend) or additive, broadcastable to
            ``(N, H, T, T)``.
        eps: the layer norms' epsilon.

    Returns:
        ``(N, T, E)``.

    Example:
        >>> E, F = 4, 8
        >>> w = EncoderBlockWeights(np.zeros((3 * E, E)), np.zeros(3 * E), np.zeros((E, E)), np.zeros(E),
        ...     np.zeros((F, E)), np.zeros(F), np.zeros((E, F)), np.zeros(E),
        ...     np.ones(E), np.zeros(E), np.ones(E), np.zeros(E))
        >>> encoder_block(np.ones((1, 3, E)), w, 2, norm_first=True)  # both branches give 0
        array([[[1., 1., 1., 1.],
                [1., 1., 1., 1.],
                [1., 1., 1., 1.]]])
    """
    x = _as_float(x, "x", ndim_at_least=3)
    if x.ndim != 3:
        raise ValueError(f"expected x with 3 dimensions (N, T, E), got shape {x.shape}")
    N, T, E = x.shape
    n_heads = _check_width(E, n_heads)
    w = _check_block_weights(weights, E)
    m = _check_mask(mask, T, T, (N, n_heads))
    norm1 = lambda h: _layer_norm(h, w.norm1_weight, w.norm1_bias, eps)  # noqa: E731
    norm2 = lambda h: _layer_norm(h, w.norm2_weight, w.norm2_bias, eps)  # noqa: E731
    if norm_first:
        x = x + _self_attention(norm1(x), w, n_heads, m)  # (N, T, E)
        return x + _feed_forward(norm2(x), w)
    x = norm1(x + _self_attention(x, w, n_heads, m))  # (N, T, E)
    return norm2(x + _feed_forward(x, w))
