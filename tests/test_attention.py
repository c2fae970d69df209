"""Tests for dlbook.attention: every NumPy result is compared with PyTorch in float64 to 1e-10."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlbook.attention import (
    EncoderBlockWeights,
    add_positional_encoding,
    attention_flops,
    attention_weights,
    causal_mask,
    encoder_block,
    layer_norm,
    multi_head_attention,
    scaled_dot_product_attention,
    sinusoidal_positions,
)
from dlbook.testing import assert_close, to_numpy, to_torch

ATOL = 1e-10

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def qkv(rng, batch=(2, 3), L=5, S=7, E=4, Ev=6):
    return (
        rng.normal(size=(*batch, L, E)),
        rng.normal(size=(*batch, S, E)),
        rng.normal(size=(*batch, S, Ev)),
    )


def torch_sdpa(q, k, v, **kwargs):
    return F.scaled_dot_product_attention(to_torch(q), to_torch(k), to_torch(v), **kwargs)


@pytest.mark.parametrize("seed", range(8))
def test_sdpa_equals_torch_without_mask(seed):
    rng = np.random.default_rng(seed)
    q, k, v = qkv(rng, batch=[(), (3,), (2, 3)][seed % 3], L=1 + seed, S=2 + 2 * seed)
    assert_close(scaled_dot_product_attention(q, k, v), torch_sdpa(q, k, v), atol=ATOL)
    assert_close(
        scaled_dot_product_attention(q, k, v, scale=0.3),
        torch_sdpa(q, k, v, scale=0.3),
        atol=ATOL,
    )


@pytest.mark.parametrize("seed", range(6))
def test_sdpa_equals_torch_with_boolean_and_additive_masks(seed):
    rng = np.random.default_rng(seed)
    q, k, v = qkv(rng)
    mask = rng.random((5, 7)) < 0.7
    mask[:, 0] = True  # no query loses every key
    assert_close(
        scaled_dot_product_attention(q, k, v, mask),
        torch_sdpa(q, k, v, attn_mask=torch.from_numpy(mask)),
        atol=ATOL,
    )
    additive = rng.normal(size=(3, 5, 7))  # broadcasts over the first batch axis
    assert_close(
        scaled_dot_product_attention(q, k, v, additive),
        torch_sdpa(q, k, v, attn_mask=to_torch(additive)),
        atol=ATOL,
    )


def test_sdpa_causal_equals_torch_and_the_explicit_mask():
    rng = np.random.default_rng(0)
    for L, S in [(6, 6), (4, 7)]:
        q, k, v = qkv(rng, L=L, S=S)
        ours = scaled_dot_product_attention(q, k, v, causal=True)
        assert_close(ours, torch_sdpa(q, k, v, is_causal=True), atol=ATOL)
        assert_close(ours, scaled_dot_product_attention(q, k, v, causal_mask(L, S)), atol=0)
        additive = np.where(causal_mask(L, S), 0.0, -np.inf)
        assert_close(ours, scaled_dot_product_attention(q, k, v, additive), atol=ATOL)


def test_attention_weights_rows_sum_to_one_and_causal_is_lower_triangular():
    rng = np.random.default_rng(1)
    q, k, _ = qkv(rng, L=6, S=6)
    w = attention_weights(q, k, causal=True)
    assert_close(w.sum(axis=-1), np.ones(w.shape[:-1]), atol=1e-12)
    assert np.all(np.triu(w[0, 0], 1) == 0)
    np.testing.assert_array_equal(causal_mask(3, 4), torch.ones(3, 4, dtype=torch.bool).tril())


def test_float32_inputs_are_computed_in_float32():
    rng = np.random.default_rng(2)
    q, k, v = (a.astype(np.float32) for a in qkv(rng))
    ours = scaled_dot_product_attention(q, k, v)
    assert ours.dtype == np.float32
    assert_close(ours, torch_sdpa(q, k, v), atol=1e-5)


def test_bad_attention_inputs_name_expected_and_given():
    rng = np.random.default_rng(3)
    q, k, v = qkv(rng)
    with pytest.raises(ValueError, match=r"same feature size E.*E=4.*E=3"):
        scaled_dot_product_attention(q, k[..., :3], v)
    with pytest.raises(ValueError, match=r"same length S.*S=7.*S=6"):
        scaled_dot_product_attention(q, k, v[..., :6, :])
    with pytest.raises(ValueError, match=r"batch dimensions broadcast"):
        scaled_dot_product_attention(q, k[:, :2], v[:, :2])
    with pytest.raises(
        ValueError, match=r"broadcasts to \(\.\.\., L, S\) = \(2, 3, 5, 7\), got shape \(5, 6\)"
    ):
        scaled_dot_product_attention(q, k, v, np.ones((5, 6), dtype=bool))
    with pytest.raises(ValueError, match=r"boolean mask .* floating .* got dtype int64"):
        scaled_dot_product_attention(q, k, v, np.ones((5, 7), dtype=np.int64))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        scaled_dot_product_attention(np.ones(3), k, v)


def test_attention_flops_formula():
    assert attention_flops(10, 20, 8) == 2 * 10 * 20 * 8 * 2
    assert attention_flops(3, 5, 4, 6) == 2 * 3 * 5 * 4 + 2 * 3 * 5 * 6


# ---------------------------------------------------------------------------
# Multi-head attention
# ---------------------------------------------------------------------------


def mha_weights(module: nn.MultiheadAttention) -> dict[str, np.ndarray]:
    return {
        "in_proj_weight": to_numpy(module.in_proj_weight),
        "in_proj_bias": to_numpy(module.in_proj_bias),
        "out_proj_weight": to_numpy(module.out_proj.weight),
        "out_proj_bias": to_numpy(module.out_proj.bias),
    }


@pytest.mark.parametrize(("E", "H", "seed"), [(8, 1, 0), (8, 2, 1), (12, 3, 2), (16, 4, 3)])
def test_multi_head_attention_equals_torch(E, H, seed):
    torch.manual_seed(seed)
    module = nn.MultiheadAttention(E, H, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        module.in_proj_bias.normal_()
        module.out_proj.bias.normal_()
    rng = np.random.default_rng(seed)
    q, k, v = rng.normal(size=(2, 5, E)), rng.normal(size=(2, 6, E)), rng.normal(size=(2, 6, E))
    ours = multi_head_attention(q, k, v, H, **mha_weights(module))
    out, weights = module(
        to_torch(q), to_torch(k), to_torch(v), need_weights=True, average_attn_weights=False
    )
    assert_close(ours.output, out, atol=ATOL)
    assert_close(ours.weights, weights, atol=ATOL)
    # torch's boolean attn_mask marks the pairs to *remove*: ours uses the opposite convention
    keep = rng.random((5, 6)) < 0.6
    keep[:, 0] = True
    masked = multi_head_attention(q, k, v, H, mask=keep, **mha_weights(module))
    out, _ = module(to_torch(q), to_torch(k), to_torch(v), attn_mask=torch.from_numpy(~keep))
    assert_close(masked.output, out, atol=ATOL)
    causal = multi_head_attention(q, q, q, H, causal=True, **mha_weights(module))
    out, _ = module(
        to_torch(q), to_torch(q), to_torch(q), attn_mask=~torch.from_numpy(causal_mask(5))
    )
    assert_close(causal.output, out, atol=ATOL)


def test_multi_head_attention_rejects_heads_that_do_not_divide_the_width():
    x = np.zeros((1, 3, 6))
    weights = dict(
        in_proj_weight=np.zeros((18, 6)),
        in_proj_bias=np.zeros(18),
        out_proj_weight=np.zeros((6, 6)),
        out_proj_bias=np.zeros(6),
    )
    with pytest.raises(ValueError, match="divides the model width 6, got n_heads=4"):
        multi_head_attention(x, x, x, 4, **weights)
    with pytest.raises(ValueError, match=r"in_proj_weight of shape \(18, 6\), got \(12, 6\)"):
        multi_head_attention(x, x, x, 2, **{**weights, "in_proj_weight": np.zeros((12, 6))})
    with pytest.raises(ValueError, match="3 dimensions"):
        multi_head_attention(x[0], x[0], x[0], 2, **weights)


# ---------------------------------------------------------------------------
# Positions and layer norm
# ---------------------------------------------------------------------------


def test_sinusoidal_positions_match_the_formula():
    table = sinusoidal_positions(50, 16)
    t, i = 17, 3
    assert table[t, 2 * i] == pytest.approx(np.sin(t / 10000 ** (2 * i / 16)), abs=1e-15)
    assert table[t, 2 * i + 1] == pytest.approx(np.cos(t / 10000 ** (2 * i / 16)), abs=1e-15)
    assert np.abs(table).max() <= 1
    # the dot product of two encodings depends only on their distance
    assert table[3] @ table[10] == pytest.approx(table[20] @ table[27], abs=1e-12)


def test_positional_table_length_and_width_are_checked():
    table = sinusoidal_positions(8, 4)
    assert_close(
        add_positional_encoding(np.zeros((2, 5, 4)), table), np.broadcast_to(table[:5], (2, 5, 4))
    )
    with pytest.raises(ValueError, match="at most 8 positions .* got length 9"):
        add_positional_encoding(np.zeros((9, 4)), table)
    with pytest.raises(ValueError, match=r"width 6, got shape \(8, 4\)"):
        add_positional_encoding(np.zeros((3, 6)), table)
    with pytest.raises(ValueError, match="even width"):
        sinusoidal_positions(4, 5)


@pytest.mark.parametrize("shape", [(7,), (3, 7), (2, 3, 7)])
def test_layer_norm_equals_torch(shape):
    rng = np.random.default_rng(len(shape))
    x = rng.normal(3, 2, size=shape)
    module = nn.LayerNorm(7, dtype=torch.float64)
    with torch.no_grad():
        module.weight.normal_()
        module.bias.normal_()
    ours = layer_norm(x, to_numpy(module.weight), to_numpy(module.bias))
    assert_close(ours, module(to_torch(x)), atol=ATOL)
    assert_close(layer_norm(x), F.layer_norm(to_torch(x), (7,)), atol=ATOL)
    with pytest.raises(ValueError, match=r"weight of shape \(7,\), got \(6,\)"):
        layer_norm(x, np.ones(6))


# ---------------------------------------------------------------------------
# The encoder block
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize(("E", "H", "F_"), [(8, 2, 16), (12, 3, 20)])
def test_encoder_block_equals_torch(norm_first, E, H, F_):
    torch.manual_seed(E + H)
    layer = nn.TransformerEncoderLayer(
        E,
        H,
        F_,
        dropout=0.0,
        activation="gelu",
        batch_first=True,
        norm_first=norm_first,
        dtype=torch.float64,
    ).eval()
    with torch.no_grad():
        for name, p in layer.named_parameters():
            if "bias" in name or "norm" in name:
                p.normal_()
    weights = EncoderBlockWeights.from_state_dict(layer.state_dict())
    x = np.random.default_rng(E).normal(size=(2, 6, E))
    with torch.no_grad():
        expected = layer(to_torch(x))
        expected_causal = layer(to_torch(x), src_mask=~torch.from_numpy(causal_mask(6)))
    assert_close(encoder_block(x, weights, H, norm_first=norm_first), expected, atol=ATOL)
    assert_close(
        encoder_block(x, weights, H, norm_first=norm_first, mask=causal_mask(6)),
        expected_causal,
        atol=ATOL,
    )


def test_encoder_block_checks_its_inputs():
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    weights = EncoderBlockWeights.from_state_dict(layer.state_dict())
    with pytest.raises(ValueError, match="divides the model width 8, got n_heads=3"):
        encoder_block(np.zeros((1, 4, 8)), weights, 3)
    with pytest.raises(ValueError, match=r"in_proj_weight of shape \(18, 6\)"):
        encoder_block(np.zeros((1, 4, 6)), weights, 2)
    with pytest.raises(ValueError, match=r"self_attn.in_proj_weight"):
        EncoderBlockWeights.from_state_dict({})
    with pytest.raises(ValueError, match=r"\(1, 2, 4, 4\), got shape \(3, 3\)"):
        encoder_block(np.zeros((1, 4, 8)), weights, 2, mask=np.ones((3, 3), dtype=bool))
