"""The CNN exercises: reference answers recomputed with PyTorch; checkers on right and wrong answers."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import dlbook.exercises.cnn as cnn_exercises
from dlbook.exercises import check, get_exercise
from dlbook.exercises.cnn import classifier_accuracy, to_channels_first, unpermute_pixels
from dlbook.vision import permute_pixels, pixel_permutation

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_parameter_and_shape_answers_agree_with_pytorch():
    model = nn.Sequential(
        nn.Conv2d(3, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(6 * 6 * 32, 10),
    )  # fmt: skip
    assert model(torch.zeros(1, 3, 32, 32)).shape == (1, 10)
    n = sum(p.numel() for p in model.parameters())
    assert n == get_exercise("cnn-parameters").expected() == 17_386
    assert check("cnn-parameters", n).passed
    assert (
        check("cnn-parameters", np.int64(n)).passed
        and check("cnn-parameters", torch.tensor(n)).passed
    )
    assert not check("cnn-parameters", n - 10).passed  # forgot the dense biases
    stack = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.MaxPool2d(2)
    )
    shape = tuple(stack(torch.zeros(8, 1, 28, 28)).shape)
    assert check("cnn-feature-map-shape", shape).passed
    assert check("cnn-feature-map-shape", torch.tensor(shape)).passed
    assert check("cnn-feature-map-shape", np.array(shape, dtype=np.float32)).passed
    assert not check("cnn-feature-map-shape", (8, 6, 6, 64)).passed  # Keras' order


def test_channels_first_checker():
    assert check("cnn-channels-first", to_channels_first).passed
    assert check("cnn-channels-first", lambda x: torch.as_tensor(to_channels_first(x))).passed
    reshaped = check(
        "cnn-channels-first", lambda x: np.asarray(x).reshape(len(x), -1, *np.shape(x)[1:3])
    )
    assert not reshaped.passed  # a reshape is not a transpose
    assert not check(
        "cnn-channels-first", lambda x: np.transpose(x, (0, 3, 2, 1))
    ).passed  # H, W swapped
    assert not check("cnn-channels-first", "transpose").passed


def test_unpermute_checker():
    assert check("cnn-unpermute", unpermute_pixels).passed
    p = pixel_permutation((28, 28), seed=2)
    x = np.random.default_rng(0).random((3, 28, 28)).astype(np.float32)
    np.testing.assert_array_equal(unpermute_pixels(permute_pixels(x, p), p), x)
    permute_again = check("cnn-unpermute", lambda images, q: permute_pixels(images, q))
    assert not permute_again.passed
    as_tensor = check(
        "cnn-unpermute", lambda images, q: torch.as_tensor(unpermute_pixels(images, q))
    )
    assert as_tensor.passed


class MeanColour(nn.Module):
    """Predicts class 1 when an image is redder than it is blue: perfect on the fake data below."""

    def forward(self, x):  # (N, 3, H, W)
        means = x.mean(dim=(2, 3))  # (N, 3)
        return torch.stack([means[:, 2], means[:, 0]], dim=1)


def fake_cifar():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, size=40)
    images = rng.integers(0, 100, size=(40, 32, 32, 3)).astype(np.uint8)
    images[labels == 1, :, :, 0] += 120  # red
    images[labels == 0, :, :, 2] += 120  # blue
    return images, labels


def test_cifar_checker_on_a_small_model(monkeypatch):
    monkeypatch.setattr(cnn_exercises, "_load_cifar10_test", fake_cifar)
    images, labels = fake_cifar()
    assert classifier_accuracy(MeanColour(), images, labels) == 1.0
    result = check("cifar10-cnn", MeanColour())
    assert result.passed, result.message
    torch.manual_seed(0)
    untrained = nn.Sequential(nn.Flatten(), nn.Linear(32 * 32 * 3, 2))
    with torch.no_grad():
        untrained[1].weight.zero_()
        untrained[1].bias.copy_(torch.tensor([1.0, 0.0]))  # always class 0
    low = check("cifar10-cnn", untrained)
    expected_accuracy = np.mean(labels == 0)
    assert (
        not low.passed
        and f"{expected_accuracy:.4f}" in low.message
        and "target is 0.65" in low.message
    )
    assert not check("cifar10-cnn", "my model").passed
    with pytest.raises(ValueError, match=r"expected images \(N, H, W, C\)"):
        classifier_accuracy(MeanColour(), images[0], labels)
    with pytest.raises(TypeError, match="torch.nn.Module or a keras.Model"):
        classifier_accuracy(object(), images, labels)
