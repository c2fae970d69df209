"""Convolution from scratch in NumPy: sizes, padding, im2col, forward and backward passes.

Which function flips the kernel? Deep-learning libraries call their layer a
"convolution" but compute a cross-correlation: the kernel slides over the input
without being flipped. This module keeps the two meanings apart by name, and
only one function flips:

- :func:`correlate2d`: cross-correlation,
  ``y[i, j] = sum over a, b of x[i + a, j + b] * w[a, b]``. No flip. Equals
  ``torch.nn.functional.conv2d`` and ``scipy.signal.correlate2d``.
- :func:`conv2d` and :func:`conv1d`: the convolution *layer* of deep learning,
  computing exactly what ``torch.nn.functional.conv2d`` and ``conv1d`` compute,
  which is a cross-correlation (no flip). :func:`conv2d` is :func:`correlate2d`
  restricted to batched input; :func:`conv2d_backward` is its backward pass.
- :func:`convolve2d`: the mathematical convolution,
  ``y[i, j] = sum over a, b of x[i - a, j - b] * w[a, b]``. It flips the kernel
  (rotates it by 180 degrees) and then correlates. Equals
  ``scipy.signal.convolve2d``.

For a symmetric kernel (a box or Gaussian blur) the two agree; for Sobel or
emboss kernels the flip changes the sign or the direction of the response.

Conventions: batched arrays follow PyTorch: input ``(N, C_in, H, W)``, weight
``(C_out, C_in, kh, kw)``, bias ``(C_out,)``, output ``(N, C_out, H_out, W_out)``;
in 1-D the spatial axes are replaced by one length ``L``. Along each spatial axis
an input of size ``i`` with kernel size ``k``, padding ``p`` on both sides,
stride ``s`` and dilation ``d`` gives (see :func:`output_size`)::

    o = floor((i + 2p - d(k - 1) - 1) / s) + 1

Padding is zero padding, given as an int, one int per spatial axis, or a mode
(see :func:`padding_for`):

- ``"valid"``: no padding; the kernel stays inside the input.
- ``"same"``: total padding ``d(k - 1)`` so that ``o == i`` (stride 1 only, as in
  PyTorch). When the total is odd, cross-correlation puts the extra zero after
  the input (bottom/right), like PyTorch; :func:`convolve2d` mirrors this and
  puts it before, which makes it agree with ``scipy.signal.convolve2d`` and
  ``np.convolve``.
- ``"full"``: padding ``d(k - 1)`` on both sides; every overlap of kernel and
  input counts, ``o = i + d(k - 1)``.

Every forward function has two implementations chosen by ``method``:
``"loop"`` is four nested loops written to be read, ``"im2col"`` (the default)
copies every input patch into a column with :func:`im2col` and does the whole
layer as one matrix product per image.

Example:
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    >>> correlate2d(x, w)[0, 0]
    array([[-5., -5., -5.],
           [-5., -5., -5.],
           [-5., -5., -5.]])
    >>> convolve2d(x, w)[0, 0]  # the flipped kernel is [[-1, 0], [0, 1]]
    array([[5., 5., 5.],
           [5., 5., 5.],
           [5., 5., 5.]])
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from dlbook._docstrings import fill_docstring
from dlbook.validation import as_array, check_choice, check_positive_int

__all__ = [
    "PADDING_MODES",
    "METHODS",
    "output_size",
    "padding_for",
    "ReceptiveField",
    "receptive_field",
    "im2col",
    "col2im",
    "correlate2d",
    "convolve2d",
    "conv2d",
    "conv1d",
    "Conv2dGradients",
    "conv2d_backward",
    "conv_matrix",
    "toeplitz_matrix",
]

#: The named padding modes understood by every function that takes ``padding``.
PADDING_MODES: tuple[str, ...] = ("valid", "same", "full")

#: The two implementations of the forward pass.
METHODS: tuple[str, ...] = ("im2col", "loop")

Pair = tuple[int, int]
Pads = tuple[Pair, Pair]  # ((top, bottom), (left, right))
#: ``s`` or ``(sh, sw)``: a size given once for both axes or once per axis.
IntOrPair = int | Sequence[int]
#: Zero padding: ``p``, ``(ph, pw)`` (or ``(before, after)`` in 1-D), or a mode of ``PADDING_MODES``.
Padding = int | str | Sequence[int]


# ---------------------------------------------------------------------------
# Sizes and padding
# ---------------------------------------------------------------------------


def padding_for(mode: str, k: int, d: int = 1) -> Pair:
    """Return the zero padding ``(before, after)`` that a padding mode adds along one axis.

    The kernel covers ``d(k - 1) + 1`` input positions (its dilated size).
    ``"valid"`` adds nothing, ``"full"`` adds ``d(k - 1)`` on each side, and
    ``"same"`` adds ``d(k - 1)`` in total, half before and the rest after (the
    PyTorch convention for cross-correlation; with an even total both halves are
    equal).

    Args:
        mode: ``"valid"``, ``"same"`` or ``"full"``.
        k: kernel size along the axis.
        d: dilation along the axis.

    Returns:
        ``(before, after)``: zeros added before and after the input.

    Raises:
        ValueError: for an unknown mode or a non-positive ``k`` or ``d``.

    Example:
        >>> padding_for("valid", 3), padding_for("same", 3), padding_for("full", 3)
        ((0, 0), (1, 1), (2, 2))
        >>> padding_for("same", 4)  # odd total: the extra zero goes after
        (1, 2)
        >>> padding_for("same", 3, d=2)
        (2, 2)
    """
    check_choice(mode, "padding mode", PADDING_MODES)
    k = check_positive_int(k, "kernel size k")
    d = check_positive_int(d, "dilation d")
    total = d * (k - 1)
    if mode == "valid":
        return (0, 0)
    if mode == "full":
        return (total, total)
    return (total // 2, total - total // 2)  # "same"


def output_size(i: int, k: int, p: int | str | Sequence[int] = 0, s: int = 1, d: int = 1) -> int:
    """Return the output length of a convolution (or correlation) along one axis.

    The formula is ``o = floor((i + 2p - d(k - 1) - 1) / s) + 1``: the padded
    input has ``i + 2p`` positions, the dilated kernel covers ``d(k - 1) + 1`` of
    them, and the kernel can start at every ``s``-th position where it still fits.

    Args:
        i: input length.
        k: kernel size.
        p: zero padding on each side, or ``(before, after)``, or a mode
            (``"valid"``, ``"same"``, ``"full"``; see :func:`padding_for`).
        s: stride.
        d: dilation.

    Returns:
        The output length ``o`` (at least 1).

    Raises:
        ValueError: when the dilated kernel is larger than the padded input, or a
            size is not positive, or ``"same"`` is asked for with a stride other than 1.

    Example:
        >>> output_size(28, 3), output_size(28, 3, p=1), output_size(28, 3, "full")
        (26, 28, 30)
        >>> output_size(7, 3, p=1, s=2), output_size(7, 3, d=2)
        (4, 3)
    """
    i = check_positive_int(i, "input size i")
    k = check_positive_int(k, "kernel size k")
    s = check_positive_int(s, "stride s")
    d = check_positive_int(d, "dilation d")
    before, after = _padding_1d(p, k, s, d)
    padded = i + before + after
    span = d * (k - 1) + 1  # input positions covered by the dilated kernel
    if span > padded:
        raise ValueError(
            f"kernel larger than the padded input: dilated kernel size {span} (k={k}, d={d}) "
            f"> padded input size {padded} (i={i}, padding {(before, after)})"
        )
    return (padded - span) // s + 1


class ReceptiveField(NamedTuple):
    """Receptive field of one output unit of a stack of layers."""

    size: int
    """Number of consecutive input positions that can influence the unit."""
    jump: int
    """Distance in the input between neighbouring output units (product of the strides)."""


def receptive_field(layers: Sequence[Sequence[int]]) -> ReceptiveField:
    """Return the receptive field of a stack of convolution or pooling layers along one axis.

    Going up the stack, each layer with kernel ``k``, stride ``s`` and dilation
    ``d`` widens the receptive field by ``d(k - 1)`` steps of the current jump,
    then multiplies the jump by ``s``::

        r = 1, j = 1
        for each layer:  r = r + d(k - 1) * j;  j = j * s

    Padding shifts where the field lies but not its size.

    Args:
        layers: ``(k, s)`` or ``(k, s, d)`` for each layer, from input to output.

    Returns:
        ``ReceptiveField(size, jump)``.

    Raises:
        ValueError: when a layer is not 2 or 3 positive ints.

    Example:
        >>> receptive_field([(3, 1), (3, 1)])
        ReceptiveField(size=5, jump=1)
        >>> receptive_field([(3, 1), (2, 2), (3, 1), (2, 2)])  # conv, pool, conv, pool
        ReceptiveField(size=10, jump=4)
        >>> receptive_field([(3, 1, 1), (3, 1, 2), (3, 1, 4)]).size  # dilations 1, 2, 4
        15
    """
    size, jump = 1, 1
    for index, layer in enumerate(layers):
        if (
            isinstance(layer, (str, bytes))
            or not isinstance(layer, Sequence)
            or len(layer) not in (2, 3)
        ):
            raise ValueError(
                f"layer {index} must be (kernel, stride) or (kernel, stride, dilation); got {layer!r}"
            )
        k = check_positive_int(layer[0], f"kernel size of layer {index}")
        s = check_positive_int(layer[1], f"stride of layer {index}")
        d = check_positive_int(layer[2], f"dilation of layer {index}") if len(layer) == 3 else 1
        size += d * (k - 1) * jump
        jump *= s
    return ReceptiveField(size, jump)


# ---------------------------------------------------------------------------
# Argument checks shared by the public functions (private)
# ---------------------------------------------------------------------------


def _pair(value: IntOrPair, name: str, *, minimum: int = 1) -> Pair:
    """Turn an int or a pair of ints into a validated ``(height, width)`` pair."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints; got {value!r}")
        first, second = value
        return (
            check_positive_int(first, name, minimum=minimum),
            check_positive_int(second, name, minimum=minimum),
        )
    size = check_positive_int(value, name, minimum=minimum)  # the same value along both axes
    return (size, size)


def _padding_1d(padding: Padding, k: int, s: int, d: int) -> Pair:
    """Resolve the padding of one axis (int, (before, after) or mode) to ``(before, after)``."""
    if isinstance(padding, str):
        if padding == "same" and s != 1:
            raise ValueError(f"padding='same' needs stride 1 (as in PyTorch); got stride {s}")
        return padding_for(padding, k, d)
    if isinstance(padding, Integral) and not isinstance(padding, bool):
        p = check_positive_int(padding, "padding", minimum=0)
        return (p, p)
    if isinstance(padding, Sequence) and len(padding) == 2:
        before, after = padding
        return (
            check_positive_int(before, "padding", minimum=0),
            check_positive_int(after, "padding", minimum=0),
        )
    raise ValueError(
        f"padding must be a non-negative int, a (before, after) pair or one of {PADDING_MODES}; got {padding!r}"
    )


def _padding_2d(padding: Padding, kernel: Pair, stride: Pair, dilation: Pair) -> Pads:
    """Resolve 2-D padding (mode, int or (ph, pw)) to ``((top, bottom), (left, right))``."""
    if isinstance(padding, str):
        rows = _padding_1d(padding, kernel[0], stride[0], dilation[0])
        columns = _padding_1d(padding, kernel[1], stride[1], dilation[1])
        return (rows, columns)
    ph, pw = _pair(padding, "padding", minimum=0)
    return ((ph, ph), (pw, pw))


def _float_dtype(*arrays: np.ndarray) -> np.dtype:
    """Floating dtype of the result: float32 stays float32, integers become float64."""
    return np.result_type(*arrays, 1.0)


def _check_layer_args(
    x: ArrayLike, weight: ArrayLike, bias: ArrayLike | None, *, ndim: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Check the input, weight and bias of a batched layer with ``ndim - 2`` spatial axes."""
    x = as_array(x, "x", ndim=ndim)
    weight = as_array(weight, "weight", ndim=ndim)
    layout = "(N, C_in, L)" if ndim == 3 else "(N, C_in, H, W)"
    _check_non_empty(weight, "weight", "(C_out, C_in, k)" if ndim == 3 else "(C_out, C_in, kh, kw)")
    if x.shape[1] != weight.shape[1]:
        raise ValueError(
            f"channel mismatch: x {layout} has shape {x.shape} with C_in={x.shape[1]}, but weight "
            f"(C_out, C_in, ...) has shape {weight.shape} expecting C_in={weight.shape[1]}"
        )
    if bias is not None:
        bias = as_array(bias, "bias", shape=(weight.shape[0],))
    return x, weight, bias


def _check_non_empty(kernel: np.ndarray, name: str, layout: str) -> None:
    """Raise a ValueError when a kernel has a zero-length axis (no output channel or no tap)."""
    if 0 in kernel.shape:
        raise ValueError(
            f"{name} {layout} must have every size >= 1 (at least one output channel, input "
            f"channel and kernel tap); got shape {kernel.shape}"
        )


def _check_kernel_fits(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], pads: Pads, dilation: Pair
) -> None:
    """Raise a ValueError naming the shapes when the dilated kernel is larger than the padded input."""
    for axis in (0, 1):
        size = x_shape[-2 + axis] + sum(pads[axis])
        span = dilation[axis] * (w_shape[-2 + axis] - 1) + 1
        if span > size:
            raise ValueError(
                f"kernel larger than the padded input: weight shape {w_shape} with dilation {dilation} "
                f"covers {span} positions along spatial axis {axis}, but x shape {x_shape} padded by "
                f"{pads[axis]} has only {size}"
            )


def _pad(x: np.ndarray, pads: Pads, value: float = 0.0) -> np.ndarray:
    """Pad the last two axes of ``x`` by ``((top, bottom), (left, right))``."""
    return np.pad(x, ((0, 0),) * (x.ndim - 2) + pads, constant_values=value)


# ---------------------------------------------------------------------------
# im2col and col2im
# ---------------------------------------------------------------------------


def _patches(x_padded: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair) -> np.ndarray:
    """View every kernel-sized patch of an already padded input, without copying.

    Returns an array of shape ``(N, C, H_out, W_out, kh, kw)`` whose entry
    ``[n, c, i, j, a, b]`` is ``x_padded[n, c, i*sh + a*dh, j*sw + b*dw]``.
    """
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1  # dilated kernel size
    # Every placement of the dilated kernel: (N, C, Hp - span_h + 1, Wp - span_w + 1, span_h, span_w)
    windows = sliding_window_view(x_padded, (span_h, span_w), axis=(2, 3))
    return windows[:, :, ::sh, ::sw, ::dh, ::dw]  # keep every s-th start and every d-th tap


def _unfold(x_padded: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair) -> np.ndarray:
    """im2col of an already padded input: ``(N, C, Hp, Wp) -> (N, C*kh*kw, H_out*W_out)``."""
    patches = _patches(x_padded, kernel, stride, dilation)  # (N, C, Ho, Wo, kh, kw), a view
    n, c, out_h, out_w, kh, kw = patches.shape
    # Put the patch entries (c, a, b) on the rows and the output positions (i, j) on the columns.
    return patches.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * kh * kw, out_h * out_w)  # copies


def im2col(
    x: ArrayLike,
    kernel_size: int | Sequence[int],
    *,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
) -> np.ndarray:
    """Copy every kernel-sized patch of a batch of images into one column of a matrix.

    Column ``l = i * W_out + j`` holds the patch under which output ``(i, j)`` is
    computed, read channel by channel and row by row, so a correlation with a
    weight ``(C_out, C_in, kh, kw)`` becomes one matrix product:
    ``weight.reshape(C_out, -1) @ im2col(x, ...)``. The layout is the one of
    ``torch.nn.functional.unfold``.

    Args:
        x: input images.
        kernel_size: ``k`` or ``(kh, kw)``.
        stride: ``s`` or ``(sh, sw)``.
        padding: zero padding: an int, ``(ph, pw)`` or a mode (see :func:`padding_for`).
        dilation: ``d`` or ``(dh, dw)``.

    Returns:
        The columns; entry ``[n, c*kh*kw + a*kw + b, i*W_out + j]`` is the padded
        input at ``[n, c, i*sh + a*dh, j*sw + b*dw]``.

    Shape:
        x: ``(N, C, H, W)``; returns ``(N, C*kh*kw, H_out*W_out)``.

    Raises:
        ValueError: for a wrong number of dimensions, a kernel larger than the
            padded input, or a non-positive kernel size, stride or dilation.

    Example:
        >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
        >>> im2col(x, 2)[0]  # 4 patches of 2x2, one per column
        array([[0., 1., 3., 4.],
               [1., 2., 4., 5.],
               [3., 4., 6., 7.],
               [4., 5., 7., 8.]])
    """
    x = as_array(x, "x", ndim=4)
    kernel = _pair(kernel_size, "kernel_size")
    stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    pads = _padding_2d(padding, kernel, stride, dilation)
    _check_kernel_fits(x.shape, (1, 1, *kernel), pads, dilation)
    return _unfold(_pad(x, pads), kernel, stride, dilation)


def col2im(
    cols: ArrayLike,
    image_size: int | Sequence[int],
    kernel_size: int | Sequence[int],
    *,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
) -> np.ndarray:
    """Put columns back into images, adding up the entries of overlapping patches.

    This is the adjoint (transpose) of :func:`im2col`, not its inverse: a pixel
    that lies in several patches receives the sum of their entries, and entries
    that fall on the zero padding are dropped. It is what the backward pass of
    im2col needs, and matches ``torch.nn.functional.fold``.

    Args:
        cols: columns in the layout returned by :func:`im2col`.
        image_size: ``(H, W)`` of the images that were unfolded (without padding).
        kernel_size: ``k`` or ``(kh, kw)``.
        stride: ``s`` or ``(sh, sw)``.
        padding: zero padding: an int, ``(ph, pw)`` or a mode.
        dilation: ``d`` or ``(dh, dw)``.

    Returns:
        The summed images.

    Shape:
        cols: ``(N, C*kh*kw, H_out*W_out)``; returns ``(N, C, H, W)``.

    Raises:
        ValueError: when the shape of ``cols`` does not fit the sizes.

    Example:
        >>> cols = im2col(np.ones((1, 1, 3, 3)), 2)
        >>> col2im(cols, (3, 3), 2)[0, 0]  # how many 2x2 patches cover each pixel
        array([[1., 2., 1.],
               [2., 4., 2.],
               [1., 2., 1.]])
    """
    cols = as_array(cols, "cols", ndim=3)
    height, width = _pair(image_size, "image_size")
    (kh, kw) = kernel = _pair(kernel_size, "kernel_size")
    (sh, sw), (dh, dw) = stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    pads = _padding_2d(padding, kernel, stride, dilation)
    _check_kernel_fits((height, width), (kh, kw), pads, dilation)
    (top, bottom), (left, right) = pads
    out_h = output_size(height, kh, (top, bottom), sh, dh)
    out_w = output_size(width, kw, (left, right), sw, dw)
    n, rows, length = cols.shape
    if rows % (kh * kw) != 0 or length != out_h * out_w:
        raise ValueError(
            f"cols must have shape (N, C*{kh}*{kw}, {out_h}*{out_w}) for image_size {(height, width)} "
            f"and kernel {kernel}; got shape {cols.shape}"
        )
    channels = rows // (kh * kw)
    patches = cols.reshape(n, channels, kh, kw, out_h, out_w)  # (N, C, kh, kw, Ho, Wo)
    images = np.zeros(
        (n, channels, height + top + bottom, width + left + right), dtype=_float_dtype(cols)
    )
    for a in range(kh):  # one kernel tap at a time: tap (a, b) of every patch
        for b in range(kw):
            rows_hit = slice(a * dh, a * dh + sh * (out_h - 1) + 1, sh)
            cols_hit = slice(b * dw, b * dw + sw * (out_w - 1) + 1, sw)
            images[:, :, rows_hit, cols_hit] += patches[:, :, a, b]
    return images[:, :, top : top + height, left : left + width]  # drop the padding


# ---------------------------------------------------------------------------
# Forward passes
# ---------------------------------------------------------------------------


def _output_hw(padded_hw: tuple[int, ...], kernel: Pair, stride: Pair, dilation: Pair) -> Pair:
    """Output size of a correlation of an already padded input (the formula of :func:`output_size` with p=0)."""
    out_h = (padded_hw[0] - dilation[0] * (kernel[0] - 1) - 1) // stride[0] + 1
    out_w = (padded_hw[1] - dilation[1] * (kernel[1] - 1) - 1) // stride[1] + 1
    return out_h, out_w


def _correlate_loop(
    x_padded: np.ndarray, weight: np.ndarray, stride: Pair, dilation: Pair
) -> np.ndarray:
    """Cross-correlation of a padded batch, one output number at a time (written to be read)."""
    n_images = x_padded.shape[0]
    c_out, _, kh, kw = weight.shape
    (sh, sw), (dh, dw) = stride, dilation
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1  # dilated kernel size
    out_h, out_w = _output_hw(x_padded.shape[2:], (kh, kw), stride, dilation)
    out = np.zeros((n_images, c_out, out_h, out_w), dtype=_float_dtype(x_padded, weight))
    for n in range(n_images):
        for o in range(c_out):
            for i in range(out_h):
                for j in range(out_w):
                    top, left = i * sh, j * sw
                    patch = x_padded[
                        n, :, top : top + span_h : dh, left : left + span_w : dw
                    ]  # (C_in, kh, kw)
                    out[n, o, i, j] = np.sum(patch * weight[o])
    return out


def _correlate_im2col(
    x_padded: np.ndarray, weight: np.ndarray, stride: Pair, dilation: Pair
) -> np.ndarray:
    """Cross-correlation of a padded batch as one matrix product (written to be fast)."""
    c_out, _, kh, kw = weight.shape
    dtype = _float_dtype(x_padded, weight)
    out_h, out_w = _output_hw(x_padded.shape[2:], (kh, kw), stride, dilation)
    cols = _unfold(
        x_padded.astype(dtype, copy=False), (kh, kw), stride, dilation
    )  # (N, C_in*kh*kw, Ho*Wo)
    rows = weight.astype(dtype, copy=False).reshape(c_out, -1)  # (C_out, C_in*kh*kw)
    out = rows @ cols  # (N, C_out, Ho*Wo): one matrix product per image, all in BLAS
    return out.reshape(x_padded.shape[0], c_out, out_h, out_w)


#: The arguments that place the kernel, in the docstrings of the 2-D functions (said once).
_GEOMETRY_ARGS = """
stride: ``s`` or ``(sh, sw)``.
padding: zero padding: an int, ``(ph, pw)`` or ``"valid"``, ``"same"``, ``"full"``.
dilation: ``d`` or ``(dh, dw)``: gaps between kernel taps.
method: ``"im2col"`` (fast) or ``"loop"`` (readable).
"""
#: The arguments of :func:`correlate2d` and :func:`convolve2d`.
_IMAGE_ARGS = (
    "x: a batch of images ``(N, C_in, H, W)``, or one image ``(H, W)``.\n"
    "weight: kernels ``(C_out, C_in, kh, kw)``, or one kernel ``(kh, kw)`` for one image.\n"
    "bias: optional ``(C_out,)`` added to every output position (batched input only)."
    + _GEOMETRY_ARGS
)
#: The errors of a batched correlation.
_LAYER_RAISES = """
Raises:
    ValueError: for a wrong number of dimensions, a channel mismatch, a
        kernel larger than the padded input, a non-positive stride or
        dilation, or ``padding="same"`` with a stride other than 1.
"""

#: The two implementations of a cross-correlation of an already padded batch, by ``method``.
_CORRELATE = {"im2col": _correlate_im2col, "loop": _correlate_loop}


class _ConvArgs(NamedTuple):
    """The checked arguments of a 2-D correlation: batched arrays and resolved sizes."""

    x: np.ndarray  # (N, C_in, H, W)
    weight: np.ndarray  # (C_out, C_in, kh, kw)
    bias: np.ndarray | None  # (C_out,)
    stride: Pair
    pads: Pads
    dilation: Pair
    single_image: bool  # x and weight were one (H, W) image and one (kh, kw) kernel


def _check_conv_args(
    x: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None,
    stride: IntOrPair,
    padding: Padding,
    dilation: IntOrPair,
    method: str,
    *,
    allow_2d: bool,
) -> _ConvArgs:
    """Validate the arguments of :func:`correlate2d`, :func:`convolve2d` and :func:`conv2d`."""
    check_choice(method, "method", METHODS)
    x_array = as_array(x, "x", ndim=(2, 4) if allow_2d else 4)
    single_image = x_array.ndim == 2
    if single_image:  # a plain image and kernel: (H, W) and (kh, kw)
        kernel = as_array(weight, "kernel", ndim=2)
        _check_non_empty(kernel, "kernel", "(kh, kw)")
        if bias is not None:
            raise ValueError("bias needs batched input (N, C_in, H, W); got a 2-D image and kernel")
        shapes_for_errors = (x_array.shape, kernel.shape)  # messages name the shapes given
        x_array, weight = x_array[None, None], kernel[None, None]  # (1, 1, H, W), (1, 1, kh, kw)
    x_array, weight, bias = _check_layer_args(x_array, weight, bias, ndim=4)
    if not single_image:
        shapes_for_errors = (x_array.shape, weight.shape)
    stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    pads = _padding_2d(padding, (weight.shape[2], weight.shape[3]), stride, dilation)
    _check_kernel_fits(*shapes_for_errors, pads, dilation)
    return _ConvArgs(x_array, weight, bias, stride, pads, dilation, single_image)


def _correlate(args: _ConvArgs, method: str) -> np.ndarray:
    """Pad, cross-correlate with the chosen method and add the bias: checked arguments only."""
    x_padded = _pad(args.x, args.pads)
    correlate = _CORRELATE[method]
    out = correlate(x_padded, args.weight, args.stride, args.dilation)  # (N, C_out, Ho, Wo)
    if args.bias is not None:
        out = out + args.bias.reshape(1, -1, 1, 1)  # one value per output channel
    return out[0, 0] if args.single_image else out


@fill_docstring(image_args=_IMAGE_ARGS, raises=_LAYER_RAISES)
def correlate2d(
    x: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None = None,
    *,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
    method: str = "im2col",
) -> np.ndarray:
    """Cross-correlate images with kernels (no kernel flip): what deep-learning "convolution" computes.

    ``out[n, o, i, j] = bias[o] + sum over c, a, b of
    x_padded[n, c, i*sh + a*dh, j*sw + b*dw] * weight[o, c, a, b]``.
    Equals ``torch.nn.functional.conv2d`` on batched input and
    ``scipy.signal.correlate2d`` on a single image (padding ``"valid"``,
    ``"same"`` or ``"full"`` matching scipy's ``mode``).

    Args:
        {image_args}

    Returns:
        The correlation; float32 input and weight give float32.

    Shape:
        x: ``(N, C_in, H, W)``; weight: ``(C_out, C_in, kh, kw)``; returns
        ``(N, C_out, H_out, W_out)`` with sizes from :func:`output_size`.
        A 2-D image ``(H, W)`` with a 2-D kernel returns ``(H_out, W_out)``.

    {raises}

    Example:
        >>> image = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
        >>> correlate2d(image, np.array([[1.0, 0.0], [0.0, 0.0]]))  # picks the top-left pixel
        array([[1., 2.],
               [4., 5.]])
        >>> correlate2d(image, np.ones((3, 3)), padding="same", method="loop")
        array([[12., 21., 16.],
               [27., 45., 33.],
               [24., 39., 28.]])
    """
    args = _check_conv_args(x, weight, bias, stride, padding, dilation, method, allow_2d=True)
    return _correlate(args, method)


@fill_docstring(image_args=_IMAGE_ARGS)
def convolve2d(
    x: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None = None,
    *,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
    method: str = "im2col",
) -> np.ndarray:
    """Convolve images with kernels in the mathematical sense: flip the kernel, then correlate.

    ``convolve2d(x, w, padding=p)`` equals ``correlate2d(x, w[..., ::-1, ::-1])``
    with the padding mirrored (``(before, after)`` becomes ``(after, before)``,
    which only matters for ``"same"`` with an even dilated kernel). On a single
    image it equals ``scipy.signal.convolve2d``, and along one axis
    ``np.convolve``, in all three modes.

    Args:
        {image_args}

    Returns:
        The convolution; float32 input and weight give float32.

    Shape:
        As :func:`correlate2d`.

    Raises:
        ValueError: as :func:`correlate2d`.

    Example:
        >>> signal = np.array([[1.0, 2.0, 3.0]])
        >>> convolve2d(signal, np.array([[1.0, 10.0]]), padding="full")  # 1+2x+3x^2 times 1+10x
        array([[ 1., 12., 23., 30.]])
        >>> correlate2d(signal, np.array([[1.0, 10.0]]), padding="full")
        array([[10., 21., 32.,  3.]])
    """
    args = _check_conv_args(x, weight, bias, stride, padding, dilation, method, allow_2d=True)
    (top, bottom), (left, right) = args.pads
    flipped = args._replace(  # rotate the kernel by 180 degrees and mirror the padding
        weight=np.flip(args.weight, axis=(2, 3)), pads=((bottom, top), (right, left))
    )
    return _correlate(flipped, method)


@fill_docstring(geometry_args=_GEOMETRY_ARGS, raises=_LAYER_RAISES)
def conv2d(
    x: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None = None,
    *,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
    method: str = "im2col",
) -> np.ndarray:
    """Apply a 2-D convolution layer exactly as ``torch.nn.functional.conv2d`` does (a cross-correlation).

    The kernel is not flipped: this is :func:`correlate2d` restricted to
    batched input, under the name deep-learning libraries use. For the
    mathematical convolution use :func:`convolve2d`.

    Args:
        x: a batch of images.
        weight: one kernel per (output channel, input channel).
        bias: optional, one value per output channel.
        {geometry_args}

    Returns:
        The feature maps; float32 input and weight give float32.

    Shape:
        x: ``(N, C_in, H, W)``; weight: ``(C_out, C_in, kh, kw)``; bias:
        ``(C_out,)``; returns ``(N, C_out, H_out, W_out)``.

    {raises}

    Example:
        >>> x = np.ones((2, 3, 5, 5))  # 2 images, 3 channels
        >>> w = np.ones((4, 3, 3, 3))  # 4 filters
        >>> y = conv2d(x, w, np.arange(4.0), stride=2, padding=1)
        >>> y.shape
        (2, 4, 3, 3)
        >>> y[0, 1]  # 3 channels times the number of pixels under the kernel, plus bias 1
        array([[13., 19., 13.],
               [19., 28., 19.],
               [13., 19., 13.]])
    """
    args = _check_conv_args(x, weight, bias, stride, padding, dilation, method, allow_2d=False)
    return _correlate(args, method)


def conv1d(
    x: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None = None,
    *,
    stride: int = 1,
    padding: Padding = 0,
    dilation: int = 1,
    method: str = "im2col",
) -> np.ndarray:
    """Apply a 1-D convolution layer exactly as ``torch.nn.functional.conv1d`` does (a cross-correlation).

    ``out[n, o, i] = bias[o] + sum over c, a of x_padded[n, c, i*s + a*d] * weight[o, c, a]``.
    Computed as a 2-D correlation of images of height 1.

    Args:
        x: a batch of sequences.
        weight: one kernel per (output channel, input channel).
        bias: optional, one value per output channel.
        stride: the stride ``s``.
        padding: zero padding: an int, ``(before, after)`` or ``"valid"``, ``"same"``, ``"full"``.
        dilation: the dilation ``d``.
        method: ``"im2col"`` (fast) or ``"loop"`` (readable).

    Returns:
        The output sequences.

    Shape:
        x: ``(N, C_in, L)``; weight: ``(C_out, C_in, k)``; bias: ``(C_out,)``;
        returns ``(N, C_out, L_out)``.

    Raises:
        ValueError: as :func:`conv2d`.

    Example:
        >>> x = np.array([[[1.0, 2.0, 3.0, 4.0]]])
        >>> conv1d(x, np.array([[[1.0, -1.0]]]))  # differences x[i] - x[i + 1]
        array([[[-1., -1., -1.]]])
        >>> conv1d(x, np.array([[[1.0, 1.0, 1.0]]]), padding="same")
        array([[[3., 6., 9., 7.]]])
    """
    check_choice(method, "method", METHODS)
    x, weight, bias = _check_layer_args(x, weight, bias, ndim=3)
    s = check_positive_int(stride, "stride")
    d = check_positive_int(dilation, "dilation")
    pads = (
        (0, 0),
        _padding_1d(padding, weight.shape[2], s, d),
    )  # no padding along the dummy height
    _check_kernel_fits(x.shape, weight.shape, pads, (1, d))
    # Images of height 1: (N, C_in, 1, L) and kernels (C_out, C_in, 1, k).
    args = _ConvArgs(x[:, :, None, :], weight[:, :, None, :], bias, (1, s), pads, (1, d), False)
    out = _correlate(args, method)  # (N, C_out, 1, L_out)
    return out[:, :, 0, :]  # (N, C_out, L_out)


# ---------------------------------------------------------------------------
# Backward pass
# ---------------------------------------------------------------------------


class Conv2dGradients(NamedTuple):
    """Gradients of a loss with respect to the three arguments of :func:`conv2d`."""

    grad_input: np.ndarray
    """``(N, C_in, H, W)``"""
    grad_weight: np.ndarray
    """``(C_out, C_in, kh, kw)``"""
    grad_bias: np.ndarray
    """``(C_out,)``"""


def conv2d_backward(
    grad_output: ArrayLike,
    x: ArrayLike,
    weight: ArrayLike,
    *,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
    method: str = "im2col",
) -> Conv2dGradients:
    """Backpropagate through :func:`conv2d`: gradients for the input, the weight and the bias.

    With ``y = conv2d(x, w, b)`` (a cross-correlation) and upstream gradient
    ``g = dL/dy``, the chain rule gives three operations of the same kind:

    - bias: ``dL/db[o]`` is the sum of ``g[:, o]`` over the batch and all positions.
    - weight: ``dL/dw`` is the cross-correlation of the (padded) input with ``g``,
      in which ``g`` plays the kernel; stride and dilation swap roles, so ``g``
      is dilated by the stride and moves with the dilation as its stride.
    - input: ``dL/dx`` is the full (mathematical) convolution of ``g`` with the
      kernel, i.e. the full cross-correlation of ``g`` with the kernel rotated by
      180 degrees; this is the rule usually stated as "a full convolution of the
      upstream gradient with the flipped kernel", where convolution means the
      deep-learning (non-flipping) operation. With stride ``s``, ``g`` is first
      spread out by inserting ``s - 1`` zeros between its entries; then the
      padding rows are cut off.

    Args:
        grad_output: the upstream gradient ``dL/dy``.
        x: the input of the forward pass.
        weight: the weight of the forward pass.
        stride: as in the forward pass.
        padding: as in the forward pass.
        dilation: as in the forward pass.
        method: how the inner correlations are computed, ``"im2col"`` or ``"loop"``.

    Returns:
        ``Conv2dGradients(grad_input, grad_weight, grad_bias)``.

    Shape:
        grad_output: ``(N, C_out, H_out, W_out)``; x: ``(N, C_in, H, W)``;
        weight: ``(C_out, C_in, kh, kw)``; returns arrays shaped like x,
        weight and ``(C_out,)``.

    Raises:
        ValueError: as :func:`conv2d`, or when ``grad_output`` does not have the
            shape of the forward output.

    Example:
        >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
        >>> w = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
        >>> grads = conv2d_backward(np.ones((1, 1, 2, 2)), x, w)
        >>> grads.grad_input[0, 0]  # each pixel collects the kernel taps that touched it
        array([[ 1.,  3.,  2.],
               [ 4., 10.,  6.],
               [ 3.,  7.,  4.]])
        >>> grads.grad_weight[0, 0]  # sum of the input under each tap
        array([[ 8., 12.],
               [20., 24.]])
        >>> grads.grad_bias
        array([4.])
    """
    check_choice(method, "method", METHODS)
    x, weight, _ = _check_layer_args(x, weight, None, ndim=4)
    grad_output = as_array(grad_output, "grad_output", ndim=4)
    n, c_in, height, width = x.shape
    c_out, _, kh, kw = weight.shape
    (sh, sw), (dh, dw) = stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    pads = _padding_2d(padding, (kh, kw), stride, dilation)
    _check_kernel_fits(x.shape, weight.shape, pads, dilation)
    (top, bottom), (left, right) = pads
    out_h = output_size(height, kh, (top, bottom), sh, dh)
    out_w = output_size(width, kw, (left, right), sw, dw)
    if grad_output.shape != (n, c_out, out_h, out_w):
        raise ValueError(
            f"grad_output must have the forward output's shape {(n, c_out, out_h, out_w)} for x shape "
            f"{x.shape} and weight shape {weight.shape}; got shape {grad_output.shape}"
        )
    dtype = _float_dtype(grad_output, x, weight)
    grad_output = grad_output.astype(dtype, copy=False)
    correlate = _CORRELATE[method]

    # Rows and columns past the last window never reach the output: keep only the used part.
    used_h, used_w = sh * (out_h - 1) + dh * (kh - 1) + 1, sw * (out_w - 1) + dw * (kw - 1) + 1
    x_used = _pad(x, pads)[:, :, :used_h, :used_w]  # (N, C_in, used_h, used_w)

    # 1. Bias: b[o] is added to every output position of channel o.
    grad_bias = grad_output.sum(axis=(0, 2, 3))  # (C_out,)

    # 2. Weight: dw[o, c, a, b] = sum over n, i, j of g[n, o, i, j] * x_pad[n, c, i*sh + a*dh, j*sw + b*dw],
    #    a correlation of the input with g as the kernel (dilated by the stride, moving by the dilation).
    #    The batch axis is the axis summed over, so it takes the place of the channels.
    grad_weight = correlate(
        x_used.transpose(1, 0, 2, 3),  # (C_in, N, used_h, used_w): C_in "images" with N channels
        grad_output.transpose(1, 0, 2, 3),  # (C_out, N, Ho, Wo): C_out "kernels"
        (dh, dw),  # the stride of this correlation is the forward dilation
        (sh, sw),  # and its dilation the forward stride
    )  # (C_in, C_out, kh, kw)
    grad_weight = grad_weight.transpose(1, 0, 2, 3)  # (C_out, C_in, kh, kw)

    # 3. Input: spread g out by the stride, then take its full correlation with the flipped kernel.
    spread = np.zeros((n, c_out, sh * (out_h - 1) + 1, sw * (out_w - 1) + 1), dtype=dtype)
    spread[:, :, ::sh, ::sw] = grad_output  # (N, C_out, sh*(Ho-1)+1, sw*(Wo-1)+1)
    # The kernel rotated by 180 degrees, input and output channels swapped: (C_in, C_out, kh, kw)
    flipped = np.flip(weight, axis=(2, 3)).transpose(1, 0, 2, 3)
    full = ((dh * (kh - 1),) * 2, (dw * (kw - 1),) * 2)  # "full" padding for the dilated kernel
    grad_used = correlate(
        _pad(spread, full), flipped, (1, 1), (dh, dw)
    )  # (N, C_in, used_h, used_w)
    grad_padded = np.zeros((n, c_in, height + top + bottom, width + left + right), dtype=dtype)
    grad_padded[:, :, :used_h, :used_w] = grad_used
    grad_input = grad_padded[:, :, top : top + height, left : left + width]  # drop the padding
    return Conv2dGradients(grad_input, grad_weight, grad_bias)


# ---------------------------------------------------------------------------
# Convolution as a matrix
# ---------------------------------------------------------------------------


def conv_matrix(
    input_shape: Sequence[int],
    kernel: ArrayLike,
    *,
    stride: IntOrPair = 1,
    padding: Padding = 0,
    dilation: IntOrPair = 1,
    operation: str = "correlate",
) -> np.ndarray:
    """Return the matrix ``M`` such that ``M @ x.ravel()`` is the 2-D correlation (or convolution) raveled.

    Convolution is linear in the input, so it is a matrix. Row ``i*W_out + j``
    holds the kernel taps at the columns of the input pixels they multiply for
    output ``(i, j)``; pixels that fall on the zero padding simply have no
    column. For one channel, stride 1 and no padding, ``M`` is doubly-blocked
    Toeplitz: an ``H_out x H`` grid of ``W_out x W`` blocks, block ``(i, r)``
    being the Toeplitz matrix of kernel row ``r - i`` (zero when there is no
    such row), so every block diagonal repeats the same block. Multiplying by
    ``M.T`` is the backward pass (a "transposed convolution").

    Args:
        input_shape: ``(H, W)`` for one channel, or ``(C_in, H, W)``.
        kernel: ``(kh, kw)`` for one channel, or ``(C_out, C_in, kh, kw)``.
        stride: ``s`` or ``(sh, sw)``.
        padding: zero padding: an int, ``(ph, pw)`` or a mode.
        dilation: ``d`` or ``(dh, dw)``.
        operation: ``"correlate"`` (as :func:`correlate2d`) or ``"convolve"`` (as :func:`convolve2d`).

    Returns:
        The matrix ``M``.

    Shape:
        ``(H_out*W_out, H*W)`` for one channel; ``(C_out*H_out*W_out, C_in*H*W)``
        for ``(C_in, H, W)`` input, raveled like ``(C_out, H_out, W_out)`` and
        ``(C_in, H, W)``.

    Raises:
        ValueError: for mismatched shapes or a kernel larger than the padded input.

    Example:
        >>> M = conv_matrix((3, 3), np.array([[1.0, 2.0], [3.0, 4.0]]))
        >>> M.shape
        (4, 9)
        >>> M
        array([[1., 2., 0., 3., 4., 0., 0., 0., 0.],
               [0., 1., 2., 0., 3., 4., 0., 0., 0.],
               [0., 0., 0., 1., 2., 0., 3., 4., 0.],
               [0., 0., 0., 0., 1., 2., 0., 3., 4.]])
        >>> x = np.arange(9.0).reshape(3, 3)
        >>> np.array_equal(M @ x.ravel(), correlate2d(x, [[1.0, 2.0], [3.0, 4.0]]).ravel())
        True
    """
    check_choice(operation, "operation", ("correlate", "convolve"))
    shape = tuple(input_shape)
    if len(shape) not in (2, 3):
        raise ValueError(f"input_shape must be (H, W) or (C_in, H, W); got {shape}")
    kernel = as_array(kernel, "kernel", ndim=(2, 4))
    single_channel = len(shape) == 2
    if single_channel != (kernel.ndim == 2):
        raise ValueError(
            f"input_shape (H, W) goes with a kernel (kh, kw) and (C_in, H, W) with (C_out, C_in, kh, kw); "
            f"got input_shape {shape} and kernel shape {kernel.shape}"
        )
    if single_channel:
        shape, kernel = (1, *shape), kernel[None, None]  # (1, H, W), (1, 1, kh, kw)
    c_in, height, width = (check_positive_int(size, "input_shape entry") for size in shape)
    c_out, kernel_c_in, kh, kw = kernel.shape
    if kernel_c_in != c_in:
        raise ValueError(
            f"channel mismatch: input_shape {tuple(input_shape)} has C_in={c_in}, but kernel shape "
            f"{kernel.shape} expects C_in={kernel_c_in}"
        )
    (sh, sw), (dh, dw) = stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    pads = _padding_2d(padding, (kh, kw), stride, dilation)
    if operation == "convolve":  # as convolve2d: flip the kernel and mirror the padding
        kernel = np.flip(kernel, axis=(2, 3))
        pads = (pads[0][::-1], pads[1][::-1])
    _check_kernel_fits((c_in, height, width), kernel.shape, pads, dilation)
    (top, _), (left, _) = pads
    out_h = output_size(height, kh, pads[0], sh, dh)
    out_w = output_size(width, kw, pads[1], sw, dw)

    matrix = np.zeros((c_out * out_h * out_w, c_in * height * width), dtype=_float_dtype(kernel))
    for o in range(c_out):
        for i in range(out_h):
            for j in range(out_w):
                row = (o * out_h + i) * out_w + j  # index of output (o, i, j) in the raveled output
                for c in range(c_in):
                    for a in range(kh):
                        for b in range(kw):
                            r = (
                                i * sh + a * dh - top
                            )  # input pixel under tap (a, b), in unpadded coordinates
                            q = j * sw + b * dw - left
                            if (
                                0 <= r < height and 0 <= q < width
                            ):  # taps on the zero padding add nothing
                                matrix[row, (c * height + r) * width + q] = kernel[o, c, a, b]
    return matrix


def toeplitz_matrix(kernel: ArrayLike, n: int) -> np.ndarray:
    """Return the Toeplitz matrix ``T`` with ``T @ signal == np.convolve(signal, kernel)`` for signals of length ``n``.

    ``T[i, j] = kernel[i - j]`` (zero outside the kernel): column ``j`` is the
    kernel shifted down by ``j``. This is the full 1-D convolution, which is
    polynomial multiplication: the coefficients of ``p(z) * q(z)`` are
    ``np.convolve(p, q)``. Convolution is commutative, so the matrix can be
    built from either factor: ``toeplitz_matrix(kernel, len(signal)) @ signal``
    and ``toeplitz_matrix(signal, len(kernel)) @ kernel`` give the same result.

    Args:
        kernel: the 1-D array whose shifted copies form the columns.
        n: the length of the vector the matrix multiplies.

    Returns:
        The matrix ``T``.

    Shape:
        kernel: ``(k,)``; returns ``(n + k - 1, n)``.

    Raises:
        ValueError: when ``kernel`` is not 1-D or ``n`` is not positive.

    Example:
        >>> p, q = np.array([1.0, 2.0, 3.0]), np.array([1.0, 10.0])  # 1 + 2z + 3z^2 and 1 + 10z
        >>> toeplitz_matrix(q, 3)
        array([[ 1.,  0.,  0.],
               [10.,  1.,  0.],
               [ 0., 10.,  1.],
               [ 0.,  0., 10.]])
        >>> toeplitz_matrix(q, 3) @ p, toeplitz_matrix(p, 2) @ q, np.convolve(p, q)
        (array([ 1., 12., 23., 30.]), array([ 1., 12., 23., 30.]), array([ 1., 12., 23., 30.]))
    """
    kernel = as_array(kernel, "kernel", ndim=1)
    n = check_positive_int(n, "n")
    k = kernel.shape[0]
    if k == 0:
        raise ValueError("kernel must not be empty; got shape (0,)")
    matrix = np.zeros((n + k - 1, n), dtype=_float_dtype(kernel))
    for j in range(n):
        matrix[j : j + k, j] = kernel  # column j: the kernel shifted down by j
    return matrix
