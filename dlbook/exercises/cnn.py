"""Exercises on convolutional networks in practice: parameters, shapes, layouts, permutations, CIFAR-10.

The worked solutions that are functions live here as real functions (``to_channels_first``,
``unpermute_pixels``), so the chapter shows their source with :func:`dlbook.source.show_source`.
The CIFAR-10 exercise checks the reader's trained model itself: its accuracy on the 10,000 test
images, loaded with :func:`dlbook.data.load_cifar10`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from dlbook.exercises.core import Exercise, match_array, match_function, match_int, register

#: The test accuracy a reader's CIFAR-10 model must reach.
CIFAR10_TARGET_ACCURACY = 0.65
#: Exercises whose worked solution needs a download and a long training run (not run by the tests).
NEEDS_DOWNLOAD = ("cifar10-cnn",)


# --------------------------------------------------------------------------- parameters and shapes

register(
    Exercise(
        id="cnn-parameters",
        title="Parameters of a small colour CNN",
        # Conv(3 -> 16, 5x5) 1,216; pool; Conv(16 -> 32, 3x3) 4,640; flatten 6*6*32 = 1,152; Dense 10: 11,530.
        answer=16 * (3 * 25 + 1) + 32 * (16 * 9 + 1) + (6 * 6 * 32 * 10 + 10),
        matcher=match_int(),
        hints=(
            "a convolution has out * (in * kh * kw + 1) parameters; pooling and flattening have none.",
            "follow the side length: 32 -> 28 (5x5, no padding) -> 14 (pool) -> 12 (3x3) -> 6 (pool); "
            "the dense layer sees 6 * 6 * 32 inputs.",
        ),
        solution=(
            "conv1 = 16 * (3 * 5 * 5 + 1)          # 1,216\n"
            "conv2 = 32 * (16 * 3 * 3 + 1)         # 4,640\n"
            "side = ((32 - 4) // 2 - 2) // 2       # 32 -> 28 -> 14 -> 12 -> 6\n"
            "dense = side * side * 32 * 10 + 10    # 11,530\n"
            "answer = conv1 + conv2 + dense        # 17,386\n"
        ),
    )
)

register(
    Exercise(
        id="cnn-feature-map-shape",
        title="The shape of a feature map in PyTorch",
        # (N, C, H, W) after Conv(1 -> 32, 3, padding=1), pool 2, Conv(32 -> 64, 3), pool 2 on 8 images of 28x28.
        answer=np.array([8, 64, 6, 6]),
        matcher=match_array(rtol=0, atol=0),
        hints=(
            "PyTorch orders the axes (N, C, H, W); C is the number of filters of the last convolution.",
            "28 -> 28 (padding 1 keeps the size) -> 14 -> 12 (3x3 without padding) -> 6.",
        ),
        solution=(
            "side = ((28 + 2 * 1 - 3 + 1) // 2 - 3 + 1) // 2   # 28 -> 14 -> 12 -> 6\n"
            "answer = (8, 64, side, side)\n"
        ),
    )
)


# --------------------------------------------------------------------------- functions


def to_channels_first(images: Any) -> np.ndarray:
    """Worked solution of "cnn-channels-first": (N, H, W, C) -> (N, C, H, W), or (N, H, W) -> (N, 1, H, W)."""
    images = np.asarray(images)
    if images.ndim == 3:  # grayscale without a channel axis
        images = images[..., np.newaxis]  # (N, H, W, 1)
    return np.transpose(images, (0, 3, 1, 2))  # axis 3 (C) moves to position 1


def _channels_first_cases() -> list[tuple[tuple[np.ndarray], np.ndarray]]:
    rng = np.random.default_rng(5)
    colour = rng.random((2, 4, 5, 3)).astype(np.float32)  # (N, H, W, C), H != W
    gray = rng.integers(0, 256, size=(3, 6, 4)).astype(np.uint8)  # (N, H, W)
    return [
        ((colour,), np.moveaxis(colour, 3, 1)),
        ((gray,), gray[:, np.newaxis]),
        ((colour[:1, :, :, :1],), np.moveaxis(colour[:1, :, :, :1], 3, 1)),
    ]


register(
    Exercise(
        id="cnn-channels-first",
        title="From Keras' layout to PyTorch's",
        answer=None,
        matcher=match_function(_channels_first_cases, rtol=0, atol=0),
        hints=(
            "np.transpose(x, axes) puts old axis axes[i] at position i: you want (0, 3, 1, 2).",
            "a reshape does not move data between axes; a transpose does. Grayscale (N, H, W) "
            "needs a new axis first: x[..., np.newaxis].",
        ),
        solution=(
            "def to_channels_first(images):\n"
            "    images = np.asarray(images)\n"
            "    if images.ndim == 3:                        # grayscale: add the channel axis\n"
            "        images = images[..., np.newaxis]        # (N, H, W, 1)\n"
            "    return np.transpose(images, (0, 3, 1, 2))   # (N, C, H, W)\n"
            "\n"
            "answer = to_channels_first\n"
        ),
    )
)


def unpermute_pixels(images: Any, permutation: Any) -> np.ndarray:
    """Worked solution of "cnn-unpermute": undo ``permute_pixels`` for (N, H, W) images."""
    images, permutation = np.asarray(images), np.asarray(permutation)
    n, h, w = images.shape
    inverse = np.argsort(permutation)  # inverse[permutation[k]] == k
    return images.reshape(n, h * w)[:, inverse].reshape(n, h, w)


def _unpermute_cases() -> list[tuple[tuple[np.ndarray, np.ndarray], np.ndarray]]:
    rng = np.random.default_rng(6)
    cases = []
    for n, h, w in [(2, 3, 3), (1, 4, 5), (5, 28, 28)]:
        original = rng.random((n, h, w)).astype(np.float32)
        permutation = rng.permutation(h * w)
        shuffled = original.reshape(n, h * w)[:, permutation].reshape(n, h, w)
        cases.append(((shuffled, permutation), original))
    return cases


register(
    Exercise(
        id="cnn-unpermute",
        title="Undo a fixed pixel permutation",
        answer=None,
        matcher=match_function(_unpermute_cases, rtol=0, atol=0),
        hints=(
            "shuffled pixel k is original pixel permutation[k]: flatten each image to H*W pixels first.",
            "the inverse permutation is np.argsort(permutation); applying the permutation again is wrong.",
        ),
        solution=(
            "def unpermute(images, permutation):\n"
            "    images = np.asarray(images)\n"
            "    n, h, w = images.shape\n"
            "    inverse = np.argsort(permutation)           # inverse[permutation[k]] == k\n"
            "    return images.reshape(n, h * w)[:, inverse].reshape(n, h, w)\n"
            "\n"
            "answer = unpermute\n"
        ),
    )
)


# --------------------------------------------------------------------------- CIFAR-10, the reader's model


def _load_cifar10_test() -> tuple[np.ndarray, np.ndarray]:
    from dlbook.data import load_cifar10

    return load_cifar10("test")


def _torch_predictions(model: Any, images: np.ndarray) -> np.ndarray:
    import torch

    device = next(model.parameters(), torch.zeros(0)).device  # CPU for a model without parameters
    was_training = model.training
    model.eval()
    predictions = []
    try:
        with torch.no_grad():
            for start in range(0, len(images), 1000):
                x = torch.from_numpy(images[start : start + 1000]).permute(
                    0, 3, 1, 2
                )  # (B, 3, 32, 32)
                predictions.append(model(x.to(device)).argmax(dim=1).cpu().numpy())
    finally:
        model.train(was_training)
    return np.concatenate(predictions)


def _keras_predictions(model: Any, images: np.ndarray) -> np.ndarray:
    return np.asarray(model.predict(images, batch_size=1000, verbose=0)).argmax(axis=1)


def _model_framework(model: Any) -> str | None:
    torch, keras = sys.modules.get("torch"), sys.modules.get("keras")
    if torch is not None and isinstance(model, torch.nn.Module):
        return "torch"
    if keras is not None and isinstance(model, keras.Model):
        return "keras"
    return None


_PREDICTORS: dict[str, Callable[[Any, np.ndarray], np.ndarray]] = {
    "torch": _torch_predictions,
    "keras": _keras_predictions,
}


def classifier_accuracy(model: Any, images: Any, labels: Any) -> float:
    """Test accuracy of a PyTorch or Keras image classifier on uint8 channels-last images.

    The images are scaled to [0, 1] float32 and given to a PyTorch model channels first,
    ``(N, 3, H, W)``, and to a Keras model channels last, ``(N, H, W, 3)``. The model's outputs
    may be logits or probabilities: the prediction is the largest.

    Args:
        model: a ``torch.nn.Module`` or a ``keras.Model`` with one output per class.
        images: uint8 images in [0, 255].
        labels: integer class labels.

    Returns:
        The fraction of images whose predicted class is the label.

    Shape:
        images: (N, H, W, C). labels: (N,).

    Raises:
        TypeError: if ``model`` is neither a PyTorch module nor a Keras model.
        ValueError: if the shapes do not fit.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> model = nn.Sequential(nn.Flatten(), nn.Linear(12, 2))
        >>> classifier_accuracy(model, np.zeros((4, 2, 2, 3), np.uint8), np.zeros(4, int)) in (0.0, 1.0)
        True
    """
    framework = _model_framework(model)
    if framework is None:
        raise TypeError(f"expected a torch.nn.Module or a keras.Model, got {type(model).__name__}")
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim != 4 or labels.shape != (len(images),):
        raise ValueError(
            f"expected images (N, H, W, C) and labels (N,); got {images.shape} and {labels.shape}"
        )
    scaled = images.astype(np.float32) / 255.0
    predictions = _PREDICTORS[framework](model, scaled)
    if predictions.shape != labels.shape:
        raise ValueError(
            f"expected one prediction per image, shape {labels.shape}; the model gave {predictions.shape}"
        )
    return float(np.mean(predictions == labels))


def match_trained_classifier(
    load_data: Callable[[], tuple[np.ndarray, np.ndarray]], target: float
) -> Callable[[Any, Any], str | None]:
    """A matcher that evaluates the reader's model on ``load_data()`` and wants accuracy >= ``target``."""

    def matcher(answer: Any, expected: Any) -> str | None:
        if _model_framework(answer) is None:
            return (
                "expected your trained model (a torch.nn.Module or a keras.Model), "
                f"got {type(answer).__name__}."
            )
        images, labels = load_data()
        score = classifier_accuracy(answer, images, labels)
        if score >= target:
            return None
        return f"your model's test accuracy is {score:.4f}; the target is {target:.2f}."

    return matcher


register(
    Exercise(
        id="cifar10-cnn",
        title="Train the classic CNN on CIFAR-10",
        answer=None,
        matcher=match_trained_classifier(lambda: _load_cifar10_test(), CIFAR10_TARGET_ACCURACY),
        hints=(
            "scale the images to [0, 1] floats as the checker does; PyTorch wants them (N, 3, 32, 32).",
            "ten epochs of Adam (learning rate 1e-3, batches of 64) are enough for about 0.70 on a GPU "
            "or in 15-30 minutes on a laptop; check the validation accuracy after each epoch.",
            "if it stalls below 0.65: add batch normalisation after each convolution, or random "
            "horizontal flips of the training images.",
        ),
        solution=(
            "from dlbook.data import load_cifar10\n"
            "from dlbook.training import ArrayLoader, accuracy, fit\n"
            "x, y = load_cifar10('train')\n"
            "x = x.transpose(0, 3, 1, 2).astype('float32') / 255        # (50000, 3, 32, 32)\n"
            "model = cifar_torch()   # the Conv32-Pool-Conv64-Pool-Conv64-Dense64-Dense10 network\n"
            "opt = torch.optim.Adam(model.parameters(), lr=1e-3)\n"
            "fit(model, ArrayLoader(x, y, batch_size=64, shuffle=True), nn.CrossEntropyLoss(), opt,\n"
            "    epochs=10, metrics={'accuracy': accuracy})\n"
            "answer = model\n"
        ),
    )
)
