"""Tests for dlbook.pooling: forward and backward passes against PyTorch in float64."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlbook import testing
from dlbook.gradcheck import numerical_gradient
from dlbook.pooling import (
    avg_pool2d,
    avg_pool2d_backward,
    max_pool2d,
    max_pool2d_backward,
    pool_output_size,
)

ATOL = 1e-10
N_CONFIGS = 150


pytestmark = pytest.mark.usefixtures("one_torch_thread")


assert_close = partial(testing.assert_close, rtol=0.0, atol=ATOL)  # shapes must match too


def random_config(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    while True:
        kernel = tuple(int(v) for v in rng.integers(1, 5, 2))
        padding = tuple(
            int(rng.integers(0, k // 2 + 1)) for k in kernel
        )  # PyTorch: at most half the kernel
        stride = None if rng.random() < 0.4 else tuple(int(v) for v in rng.integers(1, 4, 2))
        n, c, height, width = (int(v) for v in rng.integers(1, [4, 4, 12, 12]))
        if all(k <= size + 2 * p for k, size, p in zip(kernel, (height, width), padding)):
            break
    if rng.random() < 0.3 and kernel[0] == kernel[1]:  # also the int spellings
        kernel, padding = kernel[0], padding[0] if padding[0] == padding[1] else padding
    return dict(
        x=rng.standard_normal((n, c, height, width)),
        kernel_size=kernel,
        stride=stride,
        padding=padding,
    )


def test_random_configs_cover_all_options() -> None:
    configs = [random_config(seed) for seed in range(N_CONFIGS)]
    assert any(c["stride"] is None for c in configs) and any(
        c["stride"] is not None for c in configs
    )
    assert sum(c["padding"] not in (0, (0, 0)) for c in configs) > 30
    assert any(
        c["stride"] is not None and min(c["stride"]) < min(np.atleast_1d(c["kernel_size"]))
        for c in configs
    )  # overlap


def torch_pool(function, cfg: dict, **options) -> tuple[torch.Tensor, torch.Tensor]:
    """Forward output and input gradient (for upstream gradient g) from PyTorch autograd."""
    x = torch.from_numpy(cfg["x"]).requires_grad_()
    y = function(x, cfg["kernel_size"], stride=cfg["stride"], padding=cfg["padding"], **options)
    g = torch.from_numpy(np.random.default_rng(1).standard_normal(tuple(y.shape)))
    y.backward(g)
    return y, x.grad, g.numpy()


@pytest.mark.parametrize("seed", range(N_CONFIGS))
def test_max_pool2d_matches_torch(seed: int) -> None:
    cfg = random_config(seed)
    y, grad_x, g = torch_pool(F.max_pool2d, cfg)
    args = (cfg["kernel_size"], cfg["stride"], cfg["padding"])
    assert_close(max_pool2d(cfg["x"], *args), y)
    assert_close(max_pool2d_backward(g, cfg["x"], *args), grad_x)


@pytest.mark.parametrize("count_include_pad", [True, False])
@pytest.mark.parametrize("seed", range(N_CONFIGS))
def test_avg_pool2d_matches_torch(seed: int, count_include_pad: bool) -> None:
    cfg = random_config(seed)
    y, grad_x, g = torch_pool(F.avg_pool2d, cfg, count_include_pad=count_include_pad)
    args = (cfg["kernel_size"], cfg["stride"], cfg["padding"], count_include_pad)
    assert_close(avg_pool2d(cfg["x"], *args), y)
    assert_close(avg_pool2d_backward(g, cfg["x"], *args), grad_x)


def test_count_include_pad_changes_border_windows_only() -> None:
    x = np.ones((1, 1, 4, 4))
    included, excluded = avg_pool2d(x, 3, 1, 1), avg_pool2d(x, 3, 1, 1, count_include_pad=False)
    np.testing.assert_array_equal(excluded, np.ones((1, 1, 4, 4)))  # mean of real pixels only
    np.testing.assert_array_equal(
        included[0, 0], np.array([[4, 6, 6, 4], [6, 9, 9, 6], [6, 9, 9, 6], [4, 6, 6, 4]]) / 9
    )


@pytest.mark.parametrize("seed", range(20))
def test_max_pool2d_ties_go_to_the_first_maximum_like_torch(seed: int) -> None:
    cfg = random_config(100 + seed)
    cfg["x"] = (
        np.random.default_rng(seed).integers(0, 3, cfg["x"].shape).astype(np.float64)
    )  # many ties
    y, grad_x, g = torch_pool(F.max_pool2d, cfg)
    args = (cfg["kernel_size"], cfg["stride"], cfg["padding"])
    assert_close(max_pool2d(cfg["x"], *args), y)
    assert_close(max_pool2d_backward(g, cfg["x"], *args), grad_x)


def test_backward_by_finite_differences() -> None:
    rng = np.random.default_rng(2)
    x = (
        rng.permutation(50).reshape(1, 2, 5, 5) / 7.0
    )  # distinct values: max pooling is differentiable
    args = ((3, 2), (2, 1), (1, 0))  # kernel, stride (overlapping rows), padding
    g = rng.standard_normal(max_pool2d(x, *args).shape)
    expected = numerical_gradient(lambda v: float(np.sum(g * max_pool2d(v, *args))), x)
    np.testing.assert_allclose(max_pool2d_backward(g, x, *args), expected, rtol=0, atol=1e-7)
    for include in (True, False):
        expected = numerical_gradient(
            lambda v, include=include: float(np.sum(g * avg_pool2d(v, *args, include))), x
        )
        np.testing.assert_allclose(
            avg_pool2d_backward(g, x, *args, include), expected, rtol=0, atol=1e-7
        )


def test_pool_output_size_matches_torch_on_a_grid() -> None:
    checked = 0
    for i in range(1, 10):
        for k in range(1, 5):
            for s in (None, 1, 2, 3):
                for p in range(k // 2 + 1):
                    try:
                        expected = F.max_pool1d(torch.zeros(1, 1, i), k, stride=s, padding=p).shape[
                            -1
                        ]
                    except RuntimeError:
                        with pytest.raises(ValueError, match="kernel larger than the padded input"):
                            pool_output_size(i, k, s, p)
                        continue
                    assert (
                        pool_output_size(i, k, s, p) == expected == (i + 2 * p - k) // (s or k) + 1
                    )
                    checked += 1
    assert checked > 200


def test_default_stride_is_the_kernel_size() -> None:
    x = np.random.default_rng(3).standard_normal((2, 3, 8, 6))
    np.testing.assert_array_equal(max_pool2d(x, 2), max_pool2d(x, 2, stride=2))
    assert max_pool2d(x, 2).shape == (2, 3, 4, 3)


def test_float32_stays_float32() -> None:
    x = np.random.default_rng(4).standard_normal((1, 2, 6, 6)).astype(np.float32)
    for forward, backward in ((max_pool2d, max_pool2d_backward), (avg_pool2d, avg_pool2d_backward)):
        y = forward(x, 2, padding=1)
        assert y.dtype == np.float32
        assert backward(np.ones_like(y), x, 2, padding=1).dtype == np.float32


def test_integer_input() -> None:
    x = np.arange(16).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(
        max_pool2d(x, 2, padding=1)[0, 0], [[0, 2, 3], [8, 10, 11], [12, 14, 15]]
    )
    assert avg_pool2d(x, 2).dtype == np.float64


def test_bad_input() -> None:
    x = np.zeros((1, 2, 4, 4))
    for function in (max_pool2d, avg_pool2d):
        with pytest.raises(
            ValueError, match=r"padding must be at most half the kernel size.*\(2, 2\).*\(3, 3\)"
        ):
            function(x, 3, padding=2)
        with pytest.raises(
            ValueError, match=r"kernel larger than the padded input.*\(5, 5\).*\(1, 2, 4, 4\)"
        ):
            function(x, 5)
        with pytest.raises(ValueError, match=r"x must have 4 dimensions; got shape \(4, 4\)"):
            function(np.zeros((4, 4)), 2)
        with pytest.raises(ValueError, match="stride must be >= 1"):
            function(x, 2, stride=0)
        with pytest.raises(ValueError, match="kernel_size must be >= 1"):
            function(x, (2, -1))
    for backward in (max_pool2d_backward, avg_pool2d_backward):
        with pytest.raises(
            ValueError,
            match=r"grad_output must have the forward output's shape \(1, 2, 2, 2\).*\(1, 2, 3, 3\)",
        ):
            backward(np.zeros((1, 2, 3, 3)), x, 2)
    with pytest.raises(ValueError, match="padding must be at most half"):
        pool_output_size(5, 2, p=2)


def test_max_pool_backward_never_sends_the_gradient_to_padding():
    """Adversarial finding 7: a window whose real values are all -inf gives its gradient to the first
    real pixel, as torch does, not to a padding slot (which holds -inf too)."""
    rng = np.random.default_rng(7)
    for _ in range(30):
        x = rng.normal(size=(2, 2, 4, 5))
        x[rng.random(x.shape) < 0.6] = -np.inf
        g = rng.normal(size=(2, 2, 2, 3))
        ours = max_pool2d_backward(g, x, 3, stride=2, padding=1)
        tx = torch.tensor(x, requires_grad=True)
        F.max_pool2d(tx, 3, stride=2, padding=1).backward(torch.tensor(g))
        np.testing.assert_allclose(ours, tx.grad.numpy(), rtol=0, atol=ATOL)
        assert ours.sum() == pytest.approx(g.sum())  # nothing is lost in the padding


def test_pooling_keeps_float32():
    """Adversarial finding 7: float32 in, float32 out, in every mode."""
    x = np.random.default_rng(0).normal(size=(1, 2, 4, 4)).astype(np.float32)
    g = np.ones((1, 2, 3, 3), dtype=np.float32)
    for include in (True, False):
        assert avg_pool2d(x, 2, stride=2, padding=1, count_include_pad=include).dtype == np.float32
        out = avg_pool2d_backward(g, x, 2, stride=2, padding=1, count_include_pad=include)
        assert out.dtype == np.float32
    assert max_pool2d(x, 2, stride=2, padding=1).dtype == np.float32
    assert max_pool2d_backward(g, x, 2, stride=2, padding=1).dtype == np.float32
