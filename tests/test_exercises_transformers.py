"""The transformer exercises: reference answers recomputed with dlbook and PyTorch; right and wrong answers."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from dlbook.attention import attention_weights, causal_mask, sinusoidal_positions
from dlbook.exercises import check, get_exercise
from dlbook.exercises.transformers import BY_HAND_KEYS, BY_HAND_QUERY
from dlbook.transformer_models import count_parameters


def test_attention_weights_by_hand():
    expected = attention_weights(BY_HAND_QUERY[None], BY_HAND_KEYS)[0]
    np.testing.assert_allclose(get_exercise("attention-weights-by-hand").expected(), expected)
    assert check("attention-weights-by-hand", [0.401, 0.198, 0.401]).passed
    assert check("attention-weights-by-hand", expected.astype(np.float32)).passed
    assert check("attention-weights-by-hand", torch.tensor(expected)).passed
    unscaled = np.exp([1.0, 0.0, 1.0]) / np.exp([1.0, 0.0, 1.0]).sum()
    result = check("attention-weights-by-hand", unscaled)
    assert not result.passed and "without the scale" in result.message
    assert not check("attention-weights-by-hand", [1 / 3] * 3).passed
    assert not check("attention-weights-by-hand", [0.4, 0.2]).passed


def test_encoder_block_parameters_match_pytorch():
    with torch.device("meta"):
        layer = nn.TransformerEncoderLayer(512, 8, 2048)
    assert get_exercise("encoder-block-parameters").expected() == count_parameters(layer)
    assert check("encoder-block-parameters", count_parameters(layer)).passed
    assert check("encoder-block-parameters", np.float32(3_152_384)).passed
    assert check("encoder-block-parameters", torch.tensor(3_152_384)).passed
    result = check("encoder-block-parameters", 3_152_384 - 4 * 512)  # forgot the layer norms
    assert not result.passed and "too small" in result.message


def test_causal_mask_answers():
    assert check("causal-mask", causal_mask(5)).passed
    assert check("causal-mask", np.tril(np.ones((5, 5)))).passed  # 1/0 floats
    assert check("causal-mask", np.tril(np.ones((5, 5), dtype=np.float32))).passed
    assert check("causal-mask", torch.ones(5, 5, dtype=torch.bool).tril()).passed
    inverted = check("causal-mask", ~causal_mask(5))
    assert not inverted.passed and "inverted" in inverted.message
    transposed = check("causal-mask", causal_mask(5).T)
    assert not transposed.passed and "transposed" in transposed.message
    assert not check("causal-mask", causal_mask(4)).passed
    assert not check("causal-mask", np.tril(np.ones((5, 5)), -1)).passed  # forgot the diagonal


def test_positional_encoding_value():
    table = sinusoidal_positions(11, 8)
    assert get_exercise("positional-encoding-value").expected() == table[10, 3]
    assert check("positional-encoding-value", np.cos(1.0)).passed
    assert check("positional-encoding-value", np.float32(np.cos(1.0))).passed
    assert check("positional-encoding-value", torch.tensor(np.cos(1.0))).passed
    assert not check("positional-encoding-value", table[10, 2]).passed  # the sine of the pair
    assert not check("positional-encoding-value", "0.54").passed
