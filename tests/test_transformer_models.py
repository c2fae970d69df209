"""Tests for dlbook.transformer_models (shapes, causality, one training step) and dlbook.grammars."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlbook.attention import scaled_dot_product_attention
from dlbook.grammars import REBER_TRANSITIONS, is_reber, reber_string
from dlbook.testing import assert_close, to_numpy
from dlbook.transformer_models import (
    GPT,
    GPTConfig,
    SelfAttention,
    VisionTransformer,
    ViTConfig,
    augment_shift,
    classifier_accuracy,
    count_parameters,
    sample,
    train_classifier,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def small_gpt(seed=0, **kwargs):
    torch.manual_seed(seed)
    config = dict(vocab_size=7, block_size=12, width=16, depth=2, n_heads=4) | kwargs
    return GPT(GPTConfig(**config)).eval()


def test_self_attention_equals_the_numpy_reference():
    torch.manual_seed(0)
    layer = SelfAttention(8, 2, causal=True).double()
    x = torch.randn(3, 5, 8, dtype=torch.float64)
    q, k, v = layer.qkv(x).split(8, dim=2)
    heads = lambda t: to_numpy(t.view(3, 5, 2, 4).transpose(1, 2))  # noqa: E731
    y = scaled_dot_product_attention(heads(q), heads(k), heads(v), causal=True)
    y = torch.from_numpy(y).transpose(1, 2).reshape(3, 5, 8)
    assert_close(layer(x), layer.proj(y), atol=1e-12)


@pytest.mark.parametrize(
    "config",
    [
        ViTConfig(),
        ViTConfig(stem="patch", patch_size=4, pooling="mean", positions="sinusoidal"),
        ViTConfig(stem="patch", patch_size=1, positions="zeros", width=16, n_heads=2),
        ViTConfig(positions="none", depth=1),
    ],
)
def test_vision_transformer_shapes_and_attention_weights(config):
    torch.manual_seed(0)
    model = VisionTransformer(config).eval()
    images = torch.rand(5, 1, 8, 8)
    assert model(images).shape == (5, 10)
    weights = model.attention_weights(images)
    tokens = (8 // config.patch_size) ** 2 + (config.pooling == "cls")
    assert len(weights) == config.depth
    assert weights[0].shape == (5, config.n_heads, tokens, tokens)
    assert_close(weights[0].sum(-1), torch.ones(5, config.n_heads, tokens), atol=1e-5)
    assert all(block.attn.weights is None for block in model.blocks)


def test_vision_transformer_training_step_lowers_the_loss():
    torch.manual_seed(0)
    model = VisionTransformer(ViTConfig(width=32, depth=1))
    images, labels = torch.rand(32, 1, 8, 8), torch.randint(0, 10, (32,))
    before = F.cross_entropy(model(images), labels).item()
    train_classifier(model, images, labels, epochs=1, batch_size=32, lr=1e-3, schedule="constant")
    after = F.cross_entropy(model(images), labels).item()
    assert after < before
    assert 0 <= classifier_accuracy(model, images, labels) <= 1


def test_vision_transformer_without_positions_is_permutation_invariant_with_mean_pooling():
    torch.manual_seed(0)
    config = ViTConfig(stem="patch", patch_size=1, positions="none", pooling="mean", width=16)
    model = VisionTransformer(config).eval()
    images = torch.rand(4, 1, 8, 8)
    shuffled = images.flatten(2)[:, :, torch.randperm(64)].view(4, 1, 8, 8)
    assert_close(model(shuffled), model(images), atol=1e-5)
    config.positions = "learned"
    model = VisionTransformer(config).eval()
    assert (model(shuffled) - model(images)).abs().max() > 1e-4


def test_bad_configurations_raise_value_errors():
    with pytest.raises(ValueError, match="divides the width 64, got n_heads=5"):
        ViTConfig(n_heads=5)
    with pytest.raises(ValueError, match="divides the image size 8, got patch_size=3"):
        ViTConfig(patch_size=3)
    with pytest.raises(ValueError, match=r"pooling in \('cls', 'mean'\), got 'max'"):
        ViTConfig(pooling="max")
    with pytest.raises(ValueError, match="divides the width 10, got n_heads=4"):
        GPTConfig(vocab_size=5, block_size=4, width=10, n_heads=4)
    with pytest.raises(ValueError, match="schedule"):
        train_classifier(VisionTransformer(ViTConfig(width=16, n_heads=2)), torch.rand(2, 1, 8, 8),
                         torch.zeros(2, dtype=torch.long), epochs=1, schedule="step")  # fmt: skip


def test_augment_shift_moves_whole_images():
    images = torch.zeros(3, 1, 8, 8)
    images[:, :, 3:5, 3:5] = 1
    shifted = augment_shift(images, 1, torch.Generator().manual_seed(0))
    assert shifted.shape == images.shape
    assert_close(shifted.sum(dim=(1, 2, 3)), images.sum(dim=(1, 2, 3)))  # the blob stays inside
    assert_close(augment_shift(images, 0, torch.Generator()), images)


def test_gpt_shapes_and_length_check():
    model = small_gpt()
    assert model(torch.zeros(2, 12, dtype=torch.long)).shape == (2, 12, 7)
    with pytest.raises(ValueError, match="at most block_size=12 tokens, got 13"):
        model(torch.zeros(1, 13, dtype=torch.long))


def test_gpt_is_causal():
    model = small_gpt()
    tokens = torch.randint(0, 7, (4, 12), generator=torch.Generator().manual_seed(0))
    logits = model(tokens)
    for t in range(11):
        changed = tokens.clone()
        changed[:, t + 1] = (changed[:, t + 1] + 1) % 7  # change the token at position t + 1
        new = model(changed)
        assert_close(new[:, : t + 1], logits[:, : t + 1], atol=1e-6)
        assert (new[:, t + 1] - logits[:, t + 1]).abs().max() > 1e-4


def test_gpt_training_step_lowers_the_loss():
    model = small_gpt().train()
    tokens = torch.randint(0, 7, (8, 13), generator=torch.Generator().manual_seed(1))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

    def loss() -> torch.Tensor:
        logits = model(tokens[:, :-1])
        return F.cross_entropy(logits.flatten(0, 1), tokens[:, 1:].flatten())

    before = loss()
    optimizer.zero_grad()
    before.backward()
    optimizer.step()
    assert loss().item() < before.item()


def test_sample_shapes_stop_token_and_temperature():
    model = small_gpt()
    out = sample(model, [[1], [2], [3]], 20, generator=torch.Generator().manual_seed(0))
    assert out.shape == (3, 21) and out[:, 0].tolist() == [1, 2, 3]
    assert int(out.max()) < 7
    stopped = sample(
        model, [[0]] * 50, 30, stop_token=0, generator=torch.Generator().manual_seed(0)
    )
    for row in stopped[:, 1:].tolist():
        if 0 in row:
            assert set(row[row.index(0) :]) == {0}  # nothing after the stop token
    # a low temperature concentrates on the most likely token
    cold = sample(
        model, [[1]] * 200, 1, temperature=0.01, generator=torch.Generator().manual_seed(0)
    )
    best = model(torch.tensor([[1]]))[0, -1].argmax()
    assert (cold[:, 1] == best).all()
    for bad in (0, -1.0, float("nan")):
        with pytest.raises(ValueError, match=r"temperature > 0, got"):
            sample(model, [[1]], 3, temperature=bad)
    with pytest.raises(ValueError, match=r"prompt of shape \(B, T0\)"):
        sample(model, [1, 2], 3)


def test_sample_contexts_longer_than_the_block_are_cropped():
    model = small_gpt()
    out = sample(model, torch.zeros(2, 12, dtype=torch.long), 5)
    assert out.shape == (2, 17)


def test_count_parameters_on_the_meta_device():
    with torch.device("meta"):
        model = GPT(GPTConfig(vocab_size=10, block_size=8, width=16, depth=1, n_heads=2))
    C = 16
    block = 2 * 2 * C + (3 * C * C + 3 * C) + (C * C + C) + (4 * C * C + 4 * C) + (4 * C * C + C)
    expected = 10 * C + 8 * C + block + 2 * C + (C * 10 + 10)
    assert count_parameters(model) == expected


# ---------------------------------------------------------------------------
# The Reber grammar
# ---------------------------------------------------------------------------


def test_reber_strings_are_grammatical_and_varied():
    rng = np.random.default_rng(0)
    strings = [reber_string(rng) for _ in range(500)]
    assert all(is_reber(s) for s in strings)
    assert len(set(strings)) > 100
    assert {s[1] for s in strings} == {"T", "P"}
    plain = [reber_string(rng, embedded=False) for _ in range(200)]
    assert all(is_reber(s, embedded=False) and not is_reber(s) for s in plain)


def test_is_reber_rejects_near_misses():
    assert is_reber("BTXSE", embedded=False)
    assert is_reber("BPVVE", embedded=False)
    assert is_reber("BTSSXXTVVE", embedded=False)
    for bad in ["", "BTXS", "TXSE", "BTXXE", "BTXSEE", "BPVPE", "BTXSEX"]:
        assert not is_reber(bad, embedded=False), bad
    assert is_reber("BPBTXSEPE") and not is_reber("BPBTXSETE") and not is_reber("BTBTXSE")
    with pytest.raises(TypeError, match="expected a str"):
        is_reber(["B", "E"])


def test_reber_transitions_have_two_branches_each():
    assert all(len(moves) == 2 for moves in REBER_TRANSITIONS.values())
