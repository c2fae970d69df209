"""Convolutional networks in practice: image layouts, pixel permutations, parameter counts, feature maps.

Keras stores a batch of images channels last, ``(N, H, W, C)``; PyTorch channels first,
``(N, C, H, W)``. The helpers here convert between the two (checking what they are given), apply
one fixed permutation to the pixels of every image (the experiment that shows what a
convolutional network's locality buys), count a model's parameters in either framework and
collect the *feature maps* (the outputs of named layers) of a PyTorch module or a Keras model.

Framework-specific helpers import PyTorch or Keras only when called, and only the framework of the
model they are given; :func:`fast_autocast_dtype` tells whether bfloat16 mixed precision is fast
on a device.

Example:
    >>> x = np.zeros((2, 28, 28, 1))           # Keras: (N, H, W, C)
    >>> nhwc_to_nchw(x).shape                  # PyTorch: (N, C, H, W)
    (2, 1, 28, 28)
    >>> permutation = pixel_permutation((28, 28), seed=0)
    >>> permute_pixels(np.arange(784.0).reshape(1, 28, 28), permutation).shape
    (1, 28, 28)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from dlbook.validation import check_positive_int

__all__ = [
    "nhwc_to_nchw",
    "nchw_to_nhwc",
    "add_channel_axis",
    "pixel_permutation",
    "permute_pixels",
    "count_model_parameters",
    "feature_maps",
    "fast_autocast_dtype",
]

_LAYOUTS = ("nhwc", "nchw")


# --------------------------------------------------------------------------- layouts


def _is_torch_tensor(x: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def _shape(x: Any) -> tuple[int, ...]:
    if not (hasattr(x, "shape") and hasattr(x, "ndim")):
        x = np.asarray(x)
    return tuple(int(s) for s in x.shape)


def _check_batch(images: Any, name: str, layout: str) -> tuple[int, ...]:
    """The shape of a 4-D batch, or a ValueError that names the layout expected."""
    shape = _shape(images)
    want = "(N, H, W, C)" if layout == "nhwc" else "(N, C, H, W)"
    if len(shape) == 3:
        raise ValueError(
            f"{name} must have 4 dimensions {want}; got shape {shape}: the channel axis is "
            f"missing (add it with add_channel_axis(images, {layout!r}))"
        )
    if len(shape) != 4:
        raise ValueError(f"{name} must have 4 dimensions {want}; got shape {shape}")
    return shape


def _check_channels(shape: tuple[int, ...], axis: int, channels: int | None, layout: str) -> None:
    if channels is None:
        return
    channels = check_positive_int(channels, "channels")
    if shape[axis] != channels:
        want = "(N, H, W, C)" if layout == "nhwc" else "(N, C, H, W)"
        raise ValueError(
            f"expected {layout.upper()} images {want} with C = {channels}; got shape {shape}"
        )


def _moveaxis(images: Any, source: int, destination: int) -> Any:
    if _is_torch_tensor(images):
        return images.movedim(source, destination).contiguous()
    return np.ascontiguousarray(np.moveaxis(np.asarray(images), source, destination))


def nhwc_to_nchw(images: ArrayLike, *, channels: int | None = None) -> Any:
    """Convert a batch from channels last (Keras) to channels first (PyTorch).

    NumPy arrays stay NumPy arrays and tensors stay tensors; the result is contiguous.

    Args:
        images: a batch of images, channels last.
        channels: the number of channels the images must have (1 grayscale, 3 colour), or
            ``None`` to accept any.

    Returns:
        The same images, channels first.

    Shape:
        images: (N, H, W, C). Output: (N, C, H, W).

    Raises:
        ValueError: if ``images`` is not 4-D (a missing channel axis is named) or has a number of
            channels other than ``channels``.

    Example:
        >>> nhwc_to_nchw(np.zeros((5, 32, 32, 3)), channels=3).shape
        (5, 3, 32, 32)
    """
    shape = _check_batch(images, "images", "nhwc")
    _check_channels(shape, 3, channels, "nhwc")
    return _moveaxis(images, 3, 1)


def nchw_to_nhwc(images: ArrayLike, *, channels: int | None = None) -> Any:
    """Convert a batch from channels first (PyTorch) to channels last (Keras).

    Args:
        images: a batch of images, channels first.
        channels: the number of channels the images must have, or ``None`` to accept any.

    Returns:
        The same images, channels last (a NumPy array or a tensor, like the input).

    Shape:
        images: (N, C, H, W). Output: (N, H, W, C).

    Raises:
        ValueError: if ``images`` is not 4-D or has a number of channels other than ``channels``.

    Example:
        >>> nchw_to_nhwc(np.zeros((5, 3, 32, 32)), channels=3).shape
        (5, 32, 32, 3)
    """
    shape = _check_batch(images, "images", "nchw")
    _check_channels(shape, 1, channels, "nchw")
    return _moveaxis(images, 1, 3)


def add_channel_axis(images: ArrayLike, layout: str = "nchw") -> Any:
    """Give a batch of grayscale images its channel axis of length 1.

    Args:
        images: grayscale images without a channel axis.
        layout: ``"nchw"`` (PyTorch) or ``"nhwc"`` (Keras): where the new axis goes.

    Returns:
        The images with one channel (a view for NumPy arrays and tensors).

    Shape:
        images: (N, H, W). Output: (N, 1, H, W) or (N, H, W, 1).

    Raises:
        ValueError: if ``images`` is not 3-D or ``layout`` is unknown.

    Example:
        >>> add_channel_axis(np.zeros((2, 28, 28)), "nhwc").shape
        (2, 28, 28, 1)
    """
    if layout not in _LAYOUTS:
        raise ValueError(f"layout must be one of {_LAYOUTS}; got {layout!r}")
    shape = _shape(images)
    if len(shape) != 3:
        raise ValueError(f"images must have 3 dimensions (N, H, W); got shape {shape}")
    axis = 1 if layout == "nchw" else 3
    if _is_torch_tensor(images):
        return images.unsqueeze(axis)
    return np.expand_dims(np.asarray(images), axis)


# --------------------------------------------------------------------------- pixel permutation


def pixel_permutation(image_shape: Sequence[int], seed: int = 0) -> np.ndarray:
    """Draw one random permutation of the pixel positions of an ``H x W`` image.

    Args:
        image_shape: ``(H, W)``.
        seed: the seed of the random generator (the same seed gives the same permutation).

    Returns:
        An integer array holding each of 0 .. H*W - 1 once.

    Shape:
        Output: (H * W,).

    Raises:
        ValueError: if ``image_shape`` is not two positive integers.

    Example:
        >>> p = pixel_permutation((2, 3), seed=1)
        >>> sorted(p.tolist())
        [0, 1, 2, 3, 4, 5]
    """
    if len(image_shape) != 2:
        raise ValueError(f"image_shape must be (H, W); got {tuple(image_shape)}")
    h, w = (check_positive_int(s, "image_shape entry") for s in image_shape)
    return np.random.default_rng(check_positive_int(seed, "seed", minimum=0)).permutation(h * w)


def permute_pixels(images: ArrayLike, permutation: ArrayLike, *, layout: str = "nhwc") -> Any:
    """Move the pixels of every image by the same permutation (all channels of a pixel together).

    Pixel ``permutation[k]`` of each flattened image becomes pixel ``k``. No information is lost
    (the inverse permutation undoes it), but neighbouring pixels are no longer neighbours.

    Args:
        images: grayscale images ``(N, H, W)``, or a 4-D batch in ``layout``.
        permutation: a permutation of ``0 .. H*W - 1`` (see :func:`pixel_permutation`).
        layout: the layout of 4-D batches, ``"nhwc"`` or ``"nchw"``.

    Returns:
        The permuted images, same shape and type (NumPy array or tensor).

    Shape:
        images: (N, H, W), (N, H, W, C) or (N, C, H, W). permutation: (H * W,).

    Raises:
        ValueError: if the images are not 3-D or 4-D, or ``permutation`` is not a permutation
            of the right length.

    Example:
        >>> x = np.arange(4).reshape(1, 2, 2)
        >>> permute_pixels(x, [3, 2, 1, 0])
        array([[[3, 2],
                [1, 0]]])
    """
    if layout not in _LAYOUTS:
        raise ValueError(f"layout must be one of {_LAYOUTS}; got {layout!r}")
    shape = _shape(images)
    if len(shape) not in (3, 4):
        raise ValueError(
            f"images must have shape (N, H, W) or a 4-D {layout.upper()} batch; got shape {shape}"
        )
    h, w = shape[1:3] if (len(shape) == 3 or layout == "nhwc") else shape[2:4]
    permutation = np.asarray(permutation)
    if permutation.shape != (h * w,) or not np.array_equal(np.sort(permutation), np.arange(h * w)):
        raise ValueError(
            f"permutation must be a permutation of 0 .. {h * w - 1} with shape ({h * w},) for "
            f"{h} x {w} images; got shape {permutation.shape}"
        )
    if _is_torch_tensor(images):
        import torch

        permutation = torch.as_tensor(permutation, device=images.device)
    spatial_first = len(shape) == 3 or layout == "nhwc"
    if spatial_first:  # (N, H*W[, C]): permute axis 1
        flat = images.reshape(shape[0], h * w, *shape[3:])
        return flat[:, permutation].reshape(shape)
    flat = images.reshape(shape[0], shape[1], h * w)  # (N, C, H*W)
    return flat[:, :, permutation].reshape(shape)


# --------------------------------------------------------------------------- models


def _framework(model: Any) -> str:
    """ "torch" or "keras": which framework ``model`` belongs to (without importing either)."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(model, torch.nn.Module):
        return "torch"
    keras = sys.modules.get("keras")
    if keras is not None and isinstance(model, keras.Model):
        return "keras"
    raise TypeError(f"model must be a torch.nn.Module or a keras.Model; got {type(model).__name__}")


def _torch_parameters(model: Any, trainable_only: bool) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def _keras_parameters(model: Any, trainable_only: bool) -> int:
    weights = model.trainable_weights if trainable_only else model.weights
    return int(sum(np.prod(w.shape) for w in weights))


_PARAMETER_COUNTERS: dict[str, Callable[[Any, bool], int]] = {
    "torch": _torch_parameters,
    "keras": _keras_parameters,
}


def count_model_parameters(model: Any, *, trainable_only: bool = False) -> int:
    """Count the parameters of a PyTorch module or a built Keras model.

    Batch normalisation keeps running means and variances. Keras counts them among a model's
    weights (non-trainable); PyTorch keeps them as *buffers*, not parameters. With
    ``trainable_only=True`` both frameworks count the same numbers: what the optimiser updates.

    Args:
        model: a ``torch.nn.Module`` or a built ``keras.Model``.
        trainable_only: count only what training updates.

    Returns:
        The number of parameters.

    Raises:
        TypeError: if ``model`` is neither.

    Example:
        >>> from torch import nn
        >>> count_model_parameters(nn.Conv2d(1, 32, 3))
        320
    """
    return _PARAMETER_COUNTERS[_framework(model)](model, bool(trainable_only))


def _first_torch_conv(model: Any) -> Any:
    from torch import nn

    return next((m for m in model.modules() if isinstance(m, nn.Conv2d)), None)


def _check_torch_images(model: Any, x: Any) -> None:
    shape = _check_batch(x, "x", "nchw")
    conv = _first_torch_conv(model)
    if conv is None or shape[1] == conv.in_channels:
        return
    tip = (
        ": these look channels last (N, H, W, C), Keras' layout; convert them with nhwc_to_nchw"
        if shape[3] == conv.in_channels
        else ""
    )
    raise ValueError(
        f"x must have shape (N, C, H, W) with C = {conv.in_channels} for this PyTorch model; "
        f"got shape {shape}{tip}"
    )


def _torch_feature_maps(model: Any, x: Any, layers: Sequence[str]) -> dict[str, np.ndarray]:
    import torch

    named = dict(model.named_modules())
    _check_layer_names(layers, [name for name in named if name])
    _check_torch_images(model, x)
    captured: dict[str, Any] = {}
    handles = [
        named[name].register_forward_hook(
            lambda module, args, output, name=name: captured.__setitem__(name, output)
        )
        for name in layers
    ]
    device = next(model.parameters(), torch.zeros(0)).device  # CPU for a model without parameters
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(
                torch.as_tensor(np.asarray(x) if not _is_torch_tensor(x) else x).float().to(device)
            )
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return {name: captured[name].detach().float().cpu().numpy() for name in layers}


def _keras_feature_maps(model: Any, x: Any, layers: Sequence[str]) -> dict[str, np.ndarray]:
    import keras

    _check_layer_names(layers, [layer.name for layer in model.layers])
    shape = _check_batch(x, "x", "nhwc")
    expected = tuple(model.inputs[0].shape[1:])
    if shape[1:] != expected:
        tip = (
            ": these look channels first (N, C, H, W), PyTorch's layout; convert them with nchw_to_nhwc"
            if (shape[2], shape[3], shape[1]) == expected
            else ""
        )
        raise ValueError(
            f"x must have shape (N, {', '.join(map(str, expected))}) (N, H, W, C) for this Keras "
            f"model; got shape {shape}{tip}"
        )
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    probe = keras.Model(inputs, [model.get_layer(name).output for name in layers])
    outputs = probe(np.asarray(x, dtype="float32"), training=False)
    if len(layers) == 1:  # a model with one output returns it bare, not in a list
        outputs = [outputs]
    return {name: keras.ops.convert_to_numpy(out) for name, out in zip(layers, outputs)}


def _check_layer_names(layers: Sequence[str], available: list[str]) -> None:
    if isinstance(layers, str) or not layers:
        raise ValueError(f"layers must be a non-empty list of layer names; got {layers!r}")
    unknown = [name for name in layers if name not in available]
    if unknown:
        raise ValueError(f"unknown layer name(s) {unknown}; the model has {available}")


_FEATURE_MAPS: dict[str, Callable[[Any, Any, Sequence[str]], dict[str, np.ndarray]]] = {
    "torch": _torch_feature_maps,
    "keras": _keras_feature_maps,
}


def feature_maps(model: Any, x: ArrayLike, layers: Sequence[str]) -> dict[str, np.ndarray]:
    """Run ``model`` on ``x`` in evaluation mode and return the outputs of the named layers.

    For a PyTorch module the names are those of ``model.named_modules()`` (``"0"``, ``"3"`` in an
    ``nn.Sequential``, ``"features.conv1"`` in a nested module) and the maps are channels first;
    forward hooks record them during one forward pass and are removed afterwards. For a Keras model
    the names are the layers' ``name`` and the maps are channels last; a second model that shares
    the layers and outputs the requested ones computes them.

    Args:
        model: a ``torch.nn.Module`` or a Keras functional or Sequential model built with an input.
        x: a batch of images in the model's layout.
        layers: the names of the layers whose outputs to return.

    Returns:
        ``{name: output}`` as float NumPy arrays, in the order of ``layers``.

    Shape:
        x: (N, C, H, W) for PyTorch, (N, H, W, C) for Keras. Each map: (N, C', H', W') or
        (N, H', W', C') for convolutional layers, (N, units) for dense ones.

    Raises:
        TypeError: if ``model`` is neither a PyTorch module nor a Keras model.
        ValueError: if a layer name is unknown (the message lists the model's names), ``x`` is not
            4-D, or ``x`` is in the other framework's layout.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2))
        >>> maps = feature_maps(net, torch.zeros(2, 1, 10, 10), ["0", "2"])
        >>> {name: m.shape for name, m in maps.items()}
        {'0': (2, 4, 8, 8), '2': (2, 4, 4, 4)}
    """
    return _FEATURE_MAPS[_framework(model)](
        model, x, list(layers) if not isinstance(layers, str) else layers
    )


# --------------------------------------------------------------------------- speed


def _cpu_flags() -> set[str]:
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.exists():
        return set()
    for line in cpuinfo.read_text().splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def fast_autocast_dtype(device: Any = "cpu") -> Any:
    """The dtype for ``torch.autocast`` on ``device``, or ``None`` where mixed precision does not pay.

    Mixed precision runs convolutions and matrix products in 16-bit floats and keeps the weights
    and the loss in float32. On a CUDA GPU that supports it, and on CPUs with bfloat16 matrix
    instructions (Intel AMX or AVX-512 BF16, found in ``/proc/cpuinfo``), ``torch.bfloat16`` makes
    training a small CNN about twice as fast. Elsewhere bfloat16 is emulated and slower: ``None``.

    Args:
        device: a ``torch.device`` or its name.

    Returns:
        ``torch.bfloat16`` or ``None``.

    Example:
        >>> fast_autocast_dtype("meta") is None
        True
    """
    import torch

    device = torch.device(device)
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else None
    if device.type == "cpu" and _cpu_flags() & {"amx_bf16", "avx512_bf16"}:
        return torch.bfloat16
    return None
