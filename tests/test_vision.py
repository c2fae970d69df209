"""Tests for dlbook.vision: layouts, pixel permutations, parameter counts and PyTorch feature maps."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.testing import assert_close
from dlbook.vision import (
    add_channel_axis,
    count_model_parameters,
    fast_autocast_dtype,
    feature_maps,
    nchw_to_nhwc,
    nhwc_to_nchw,
    permute_pixels,
    pixel_permutation,
)

torch = pytest.importorskip("torch")
nn = torch.nn

pytestmark = pytest.mark.usefixtures("one_torch_thread")


# --------------------------------------------------------------------------- layouts


def test_layout_round_trip_numpy_and_torch():
    x = np.random.default_rng(0).normal(size=(2, 5, 4, 3))  # (N, H, W, C)
    nchw = nhwc_to_nchw(x, channels=3)
    assert nchw.shape == (2, 3, 5, 4)
    assert_close(nchw[1, 2], x[1, :, :, 2])  # channel 2 of image 1
    assert_close(nchw_to_nhwc(nchw, channels=3), x)
    t = torch.as_tensor(x)
    t_nchw = nhwc_to_nchw(t)
    assert isinstance(t_nchw, torch.Tensor) and t_nchw.is_contiguous()
    assert_close(t_nchw, nchw)
    assert_close(nchw_to_nhwc(t_nchw), x)


def test_layout_errors_name_expected_and_given():
    with pytest.raises(ValueError, match=r"channel axis is missing.*add_channel_axis"):
        nhwc_to_nchw(np.zeros((2, 28, 28)))
    with pytest.raises(ValueError, match=r"4 dimensions \(N, C, H, W\); got shape \(28, 28\)"):
        nchw_to_nhwc(np.zeros((28, 28)))
    with pytest.raises(ValueError, match=r"C = 3; got shape \(2, 28, 28, 1\)"):
        nhwc_to_nchw(np.zeros((2, 28, 28, 1)), channels=3)
    with pytest.raises(ValueError, match=r"C = 1; got shape \(2, 28, 28, 1\)"):
        nchw_to_nhwc(np.zeros((2, 28, 28, 1)), channels=1)


def test_add_channel_axis():
    x = np.zeros((3, 4, 5))
    assert add_channel_axis(x).shape == (3, 1, 4, 5)
    assert add_channel_axis(x, "nhwc").shape == (3, 4, 5, 1)
    assert tuple(add_channel_axis(torch.zeros(3, 4, 5)).shape) == (3, 1, 4, 5)
    with pytest.raises(ValueError, match=r"3 dimensions \(N, H, W\); got shape \(3, 1, 4, 5\)"):
        add_channel_axis(np.zeros((3, 1, 4, 5)))
    with pytest.raises(ValueError, match="layout must be one of"):
        add_channel_axis(x, "hwc")


# --------------------------------------------------------------------------- permutation


def test_pixel_permutation_is_a_seeded_permutation():
    p = pixel_permutation((28, 28), seed=3)
    assert p.shape == (784,) and np.array_equal(np.sort(p), np.arange(784))
    assert np.array_equal(p, pixel_permutation((28, 28), seed=3))
    assert not np.array_equal(p, pixel_permutation((28, 28), seed=4))
    with pytest.raises(ValueError, match=r"image_shape must be \(H, W\)"):
        pixel_permutation((28, 28, 1))


@pytest.mark.parametrize("layout", ["nhwc", "nchw"])
def test_permute_pixels_moves_whole_pixels_and_is_undone_by_the_inverse(layout):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 3, 5, 2))  # 3 x 5 images with 2 channels (NHWC)
    p = pixel_permutation((3, 5), seed=0)
    if layout == "nchw":
        x = nhwc_to_nchw(x)
    y = permute_pixels(x, p, layout=layout)
    assert y.shape == x.shape
    flat_x = x.reshape(4, 15, 2) if layout == "nhwc" else x.reshape(4, 2, 15).transpose(0, 2, 1)
    flat_y = y.reshape(4, 15, 2) if layout == "nhwc" else y.reshape(4, 2, 15).transpose(0, 2, 1)
    for k in range(15):  # pixel p[k] (with all its channels) became pixel k
        assert_close(flat_y[:, k], flat_x[:, p[k]])
    assert_close(permute_pixels(y, np.argsort(p), layout=layout), x)
    assert_close(permute_pixels(torch.as_tensor(x), p, layout=layout), y)


def test_permute_pixels_grayscale_and_errors():
    x = np.arange(12.0).reshape(2, 2, 3)
    y = permute_pixels(x, [5, 4, 3, 2, 1, 0])
    assert_close(y, x[:, ::-1, ::-1])
    with pytest.raises(
        ValueError, match=r"permutation of 0 \.\. 5 with shape \(6,\).*got shape \(4,\)"
    ):
        permute_pixels(x, [0, 1, 2, 3])
    with pytest.raises(ValueError, match="permutation of 0"):
        permute_pixels(x, [0, 0, 1, 2, 3, 4])  # not a permutation
    with pytest.raises(ValueError, match=r"got shape \(12,\)"):
        permute_pixels(np.arange(12.0), np.arange(12))


# --------------------------------------------------------------------------- parameter counts


def classic_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10),
    )  # fmt: skip


def test_count_model_parameters_matches_the_hand_formula():
    hand = (32 * (1 * 9 + 1)) + (64 * (32 * 9 + 1)) + (1600 * 128 + 128) + (128 * 10 + 10)
    assert hand == 225_034
    assert count_model_parameters(classic_cnn()) == hand
    bn = nn.Sequential(nn.Conv2d(1, 8, 3, bias=False), nn.BatchNorm2d(8))
    assert count_model_parameters(bn) == 8 * 9 + 2 * 8  # running statistics are buffers
    frozen = nn.Linear(3, 2)
    frozen.bias.requires_grad_(False)
    assert count_model_parameters(frozen, trainable_only=True) == 6
    with pytest.raises(TypeError, match="torch.nn.Module or a keras.Model; got list"):
        count_model_parameters([1, 2])


# --------------------------------------------------------------------------- feature maps


def test_torch_feature_maps_equal_a_manual_forward_pass():
    torch.manual_seed(0)
    model = classic_cnn()
    x = torch.randn(3, 1, 28, 28)
    maps = feature_maps(model, x, ["0", "2", "5", "7"])
    assert list(maps) == ["0", "2", "5", "7"]
    with torch.no_grad():
        conv1 = model[0](x)
        pool1 = model[2](torch.relu(conv1))
        pool2 = model[5](torch.relu(model[3](pool1)))
        dense = model[7](pool2.flatten(1))
    for name, manual in [("0", conv1), ("2", pool1), ("5", pool2), ("7", dense)]:
        assert isinstance(maps[name], np.ndarray)
        assert_close(maps[name], manual.numpy(), rtol=0, atol=0)
    assert maps["2"].shape == (3, 32, 13, 13)
    assert not model[0]._forward_hooks  # the hooks are removed


def test_torch_feature_maps_use_eval_mode_and_restore_training_mode():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Dropout(0.9))
    model.train()
    x = torch.randn(2, 1, 6, 6)
    maps = feature_maps(model, x.numpy(), ["1"])
    with torch.no_grad():
        assert_close(maps["1"], model[0](x).numpy(), rtol=1e-6, atol=1e-7)  # dropout off
    assert model.training


def test_torch_feature_maps_bad_input():
    model = classic_cnn()
    with pytest.raises(ValueError, match=r"looks? channels last.*nhwc_to_nchw"):
        feature_maps(model, torch.zeros(2, 28, 28, 1), ["0"])
    with pytest.raises(ValueError, match=r"channel axis is missing"):
        feature_maps(model, torch.zeros(2, 28, 28), ["0"])
    with pytest.raises(
        ValueError, match=r"C = 1 for this PyTorch model; got shape \(2, 3, 28, 28\)$"
    ):
        feature_maps(model, torch.zeros(2, 3, 28, 28), ["0"])
    with pytest.raises(
        ValueError, match=r"unknown layer name\(s\) \['conv1'\]; the model has \['0', '1'"
    ):
        feature_maps(model, torch.zeros(2, 1, 28, 28), ["conv1"])
    with pytest.raises(ValueError, match="non-empty list"):
        feature_maps(model, torch.zeros(2, 1, 28, 28), "0")


def test_fast_autocast_dtype():
    assert fast_autocast_dtype("meta") is None
    assert fast_autocast_dtype("cpu") in (None, torch.bfloat16)
