"""Max and average pooling in NumPy, with their backward passes.

Pooling slides a ``kh x kw`` window over each channel separately (no weights)
and keeps the largest value (max pooling) or the mean (average pooling). The
stride defaults to the kernel size, so windows tile the input without overlap.
Along each axis the output size is the convolution formula with dilation 1
(see :func:`pool_output_size`)::

    o = floor((i + 2p - k) / s) + 1

Padding follows PyTorch: at most half the kernel size on each side, so every
window holds at least one real pixel. Max pooling pads with ``-inf`` (padding
never wins); average pooling pads with zeros and, by default
(``count_include_pad=True``, as in ``torch.nn.functional.avg_pool2d``), divides
by the full window size ``kh * kw`` even where the window overlaps the padding;
with ``count_include_pad=False`` it divides by the number of real pixels in the
window instead.

The backward passes reuse :func:`dlbook.conv.col2im`: each window's gradient is
written into its column and ``col2im`` adds up the windows that overlap. Max
pooling sends the whole upstream gradient of a window to the position of its
maximum (the first one when there are ties, as PyTorch does on the CPU);
average pooling shares it equally among the positions it divided by.

Example:
    >>> x = np.array([[[[1.0, 2.0, 5.0, 6.0],
    ...                 [3.0, 4.0, 7.0, 8.0],
    ...                 [0.0, 0.0, 1.0, 1.0],
    ...                 [0.0, 4.0, 1.0, 1.0]]]])
    >>> max_pool2d(x, 2)[0, 0]
    array([[4., 8.],
           [4., 1.]])
    >>> avg_pool2d(x, 2)[0, 0]
    array([[2.5, 6.5],
           [1. , 1. ]])
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from dlbook._docstrings import fill_docstring
from dlbook.conv import IntOrPair, _pair, col2im
from dlbook.validation import as_float_array, check_positive_int

__all__ = [
    "pool_output_size",
    "max_pool2d",
    "max_pool2d_backward",
    "avg_pool2d",
    "avg_pool2d_backward",
]

Pair = tuple[int, int]


_COUNT_INCLUDE_PAD = (
    "count_include_pad: divide by ``kh * kw`` even where a window covers\n"
    "        padding (PyTorch's default), or, when ``False``, by the number of\n"
    "        real pixels in the window."
)


def _forward_sections(fill: str, *extra_args: str) -> str:
    """Args, Returns, Shape and Raises of a pooling function, said once; ``fill`` pads the input."""
    extra = "".join("\n    " + arg for arg in extra_args)
    return f"""
Args:
    x: a batch of images.
    kernel_size: ``k`` or ``(kh, kw)``.
    stride: ``s`` or ``(sh, sw)``; ``None`` (default) means the kernel size.
    padding: ``p`` or ``(ph, pw)``, {fill} on each side, at most half the kernel.{extra}

Returns:
    The pooled images.

Shape:
    x: ``(N, C, H, W)``; returns ``(N, C, H_out, W_out)`` (see :func:`pool_output_size`).

Raises:
    ValueError: for a wrong number of dimensions, padding larger than half
        the kernel, or a kernel larger than the padded input.
"""


def _backward_sections(forward: str, *extra_args: str, x_note: str = "") -> str:
    """The same sections for the backward pass of the pooling function ``forward``."""
    extra = "".join(f"\n    {arg}: as in the forward pass." for arg in extra_args)
    return f"""
Args:
    grad_output: the upstream gradient ``dL/dy``.
    x: the input of the forward pass{x_note}.
    kernel_size: as in the forward pass.
    stride: as in the forward pass.
    padding: as in the forward pass.{extra}

Returns:
    ``dL/dx``.

Shape:
    grad_output: ``(N, C, H_out, W_out)``; x: ``(N, C, H, W)``; returns ``(N, C, H, W)``.

Raises:
    ValueError: as :func:`{forward}`, or when ``grad_output`` has the wrong shape.
"""


def pool_output_size(i: int, k: int, s: int | None = None, p: int = 0) -> int:
    """Return the output length of a pooling layer along one axis.

    ``o = floor((i + 2p - k) / s) + 1``, the convolution formula with dilation 1;
    the stride ``s`` defaults to the kernel size ``k``.

    Args:
        i: input length.
        k: window (kernel) size.
        s: stride; ``None`` means ``k``.
        p: padding on each side, at most ``k // 2``.

    Returns:
        The output length.

    Raises:
        ValueError: for a non-positive size, padding larger than half the
            window, or a window larger than the padded input.

    Example:
        >>> pool_output_size(28, 2), pool_output_size(7, 2), pool_output_size(7, 3, s=2, p=1)
        (14, 3, 4)
    """
    i = check_positive_int(i, "input size i")
    k = check_positive_int(k, "kernel size k")
    s = k if s is None else check_positive_int(s, "stride s")
    p = check_positive_int(p, "padding p", minimum=0)
    if 2 * p > k:
        raise ValueError(
            f"padding must be at most half the kernel size (as in PyTorch); got padding {p} for kernel size {k}"
        )
    if k > i + 2 * p:
        raise ValueError(
            f"kernel larger than the padded input: kernel size {k} > padded input size {i + 2 * p} (i={i}, p={p})"
        )
    return (i + 2 * p - k) // s + 1


def _pool_args(
    x: ArrayLike, kernel_size: IntOrPair, stride: IntOrPair | None, padding: IntOrPair
) -> tuple[np.ndarray, Pair, Pair, Pair]:
    """Validate the arguments shared by the pooling functions; ``x`` comes back as floats."""
    x = as_float_array(x, "x", ndim=4)  # floats, so that padding with -inf works
    kernel = _pair(kernel_size, "kernel_size")
    stride = kernel if stride is None else _pair(stride, "stride")
    padding = _pair(padding, "padding", minimum=0)
    for axis in (0, 1):
        if 2 * padding[axis] > kernel[axis]:
            raise ValueError(
                f"padding must be at most half the kernel size (as in PyTorch); got padding {padding} "
                f"for kernel_size {kernel}"
            )
        if kernel[axis] > x.shape[2 + axis] + 2 * padding[axis]:
            raise ValueError(
                f"kernel larger than the padded input: kernel_size {kernel} does not fit x of shape "
                f"{x.shape} (N, C, H, W) padded by {padding}"
            )
    return x, kernel, stride, padding


def _windows(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair, fill: float) -> np.ndarray:
    """View every pooling window of ``x`` padded with ``fill``: ``(N, C, H_out, W_out, kh, kw)``."""
    (ph, pw) = padding
    x_padded = np.pad(
        x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill
    )  # (N, C, H+2ph, W+2pw)
    windows = sliding_window_view(
        x_padded, kernel, axis=(2, 3)
    )  # every window start, (N, C, ., ., kh, kw)
    return windows[:, :, :: stride[0], :: stride[1]]  # every s-th start


def _windows_to_image(
    grad_windows: np.ndarray, x_shape: tuple[int, ...], kernel: Pair, stride: Pair, padding: Pair
) -> np.ndarray:
    """Add per-window gradients ``(N, C, H_out, W_out, kh, kw)`` back onto the input with col2im."""
    n, c, out_h, out_w, kh, kw = grad_windows.shape
    cols = grad_windows.transpose(0, 1, 4, 5, 2, 3).reshape(
        n, c * kh * kw, out_h * out_w
    )  # im2col layout
    return col2im(cols, x_shape[2:], kernel, stride=stride, padding=padding)  # (N, C, H, W)


def _check_grad_output(
    grad_output: ArrayLike, expected: tuple[int, ...], x_shape: tuple[int, ...]
) -> np.ndarray:
    """Return ``grad_output`` as floats after checking it has the forward output's shape."""
    grad_output = as_float_array(grad_output, "grad_output", ndim=4)
    if grad_output.shape != expected:
        raise ValueError(
            f"grad_output must have the forward output's shape {expected} for x shape {x_shape}; "
            f"got shape {grad_output.shape}"
        )
    return grad_output


@fill_docstring(sections=_forward_sections("implicit ``-inf``"))
def max_pool2d(
    x: ArrayLike,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
) -> np.ndarray:
    """Keep the largest value of each window of each channel, like ``torch.nn.functional.max_pool2d``.

    {sections}

    Example:
        >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
        >>> max_pool2d(x, 2)[0, 0]
        array([[ 5.,  7.],
               [13., 15.]])
        >>> max_pool2d(x, 3, stride=1)[0, 0]
        array([[10., 11.],
               [14., 15.]])
    """
    x, kernel, stride, padding = _pool_args(x, kernel_size, stride, padding)
    windows = _windows(x, kernel, stride, padding, fill=-np.inf)  # (N, C, Ho, Wo, kh, kw)
    return windows.max(axis=(4, 5))


@fill_docstring(sections=_backward_sections("max_pool2d"))
def max_pool2d_backward(
    grad_output: ArrayLike,
    x: ArrayLike,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
) -> np.ndarray:
    """Backpropagate through :func:`max_pool2d`: route each window's gradient to its maximum.

    Only the winning position of a window influenced the output, so it receives
    the whole upstream gradient and the others get zero. When windows overlap
    (stride smaller than the kernel) a pixel can win several windows and adds up
    their gradients. Ties go to the first maximum in row-major order.

    {sections}

    Example:
        >>> x = np.array([[[[1.0, 2.0], [4.0, 3.0]]]])
        >>> max_pool2d_backward(np.array([[[[10.0]]]]), x, 2)[0, 0]
        array([[ 0.,  0.],
               [10.,  0.]])
    """
    x, kernel, stride, padding = _pool_args(x, kernel_size, stride, padding)
    windows = _windows(x, kernel, stride, padding, fill=-np.inf)  # (N, C, Ho, Wo, kh, kw)
    n, c, out_h, out_w, kh, kw = windows.shape
    grad_output = _check_grad_output(grad_output, (n, c, out_h, out_w), x.shape)
    # The winner of each window: its first maximum (or nan, which max_pool2d returns) among the
    # real pixels. A padding slot holds -inf too, so it could tie with a window of -inf pixels.
    values = windows.reshape(n, c, out_h, out_w, kh * kw)
    ones = np.ones((1, 1, *x.shape[2:]))
    real = (
        _windows(ones, kernel, stride, padding, fill=0.0).reshape(1, 1, out_h, out_w, kh * kw) > 0
    )
    is_max = (values == values.max(axis=4, keepdims=True)) | np.isnan(values)
    winner = np.argmax(is_max & real, axis=4)  # (N, C, Ho, Wo): the first real maximum
    is_winner = np.arange(kh * kw) == winner[..., None]  # (N, C, Ho, Wo, kh*kw): one True each
    grad_windows = np.where(is_winner, grad_output[..., None], 0.0)  # (N, C, Ho, Wo, kh*kw)
    return _windows_to_image(
        grad_windows.reshape(n, c, out_h, out_w, kh, kw), x.shape, kernel, stride, padding
    )


def _divisors(
    x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair, count_include_pad: bool
) -> np.ndarray | int:
    """Number each window's sum is divided by: ``kh * kw``, or the real pixels it covers."""
    if count_include_pad:
        return kernel[0] * kernel[1]
    x_shape, dtype = x.shape, x.dtype
    ones = np.ones((1, 1, *x_shape[2:]), dtype=dtype)  # pooling ones counts the real pixels
    return _windows(ones, kernel, stride, padding, fill=0.0).sum(axis=(4, 5))  # (1, 1, Ho, Wo)


@fill_docstring(sections=_forward_sections("zeros", _COUNT_INCLUDE_PAD))
def avg_pool2d(
    x: ArrayLike,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
    count_include_pad: bool = True,
) -> np.ndarray:
    """Average each window of each channel, like ``torch.nn.functional.avg_pool2d``.

    {sections}

    Example:
        >>> x = np.ones((1, 1, 2, 2))
        >>> avg_pool2d(x, 2, stride=1, padding=1)[0, 0]  # corners see 1 real pixel of 4
        array([[0.25, 0.5 , 0.25],
               [0.5 , 1.  , 0.5 ],
               [0.25, 0.5 , 0.25]])
        >>> avg_pool2d(x, 2, stride=1, padding=1, count_include_pad=False)[0, 0]
        array([[1., 1., 1.],
               [1., 1., 1.],
               [1., 1., 1.]])
    """
    x, kernel, stride, padding = _pool_args(x, kernel_size, stride, padding)
    sums = _windows(x, kernel, stride, padding, fill=0.0).sum(axis=(4, 5))  # (N, C, Ho, Wo)
    return sums / _divisors(x, kernel, stride, padding, count_include_pad)


@fill_docstring(
    sections=_backward_sections(
        "avg_pool2d", "count_include_pad", x_note=" (only its shape is used)"
    )
)
def avg_pool2d_backward(
    grad_output: ArrayLike,
    x: ArrayLike,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
    count_include_pad: bool = True,
) -> np.ndarray:
    """Backpropagate through :func:`avg_pool2d`: share each window's gradient among its pixels.

    Output ``y = sum(window) / divisor``, so every pixel of the window receives
    ``dL/dy / divisor``; overlapping windows add up, padding positions are
    dropped. Average pooling is linear, so only the shape of ``x`` matters.

    {sections}

    Example:
        >>> avg_pool2d_backward(np.ones((1, 1, 1, 2)), np.zeros((1, 1, 2, 3)), 2, stride=1)[0, 0]
        array([[0.25, 0.5 , 0.25],
               [0.25, 0.5 , 0.25]])
    """
    x, kernel, stride, padding = _pool_args(x, kernel_size, stride, padding)
    n, c = x.shape[:2]
    out_h, out_w = (
        pool_output_size(x.shape[2 + axis], kernel[axis], stride[axis], padding[axis])
        for axis in (0, 1)
    )
    grad_output = _check_grad_output(grad_output, (n, c, out_h, out_w), x.shape)
    divisors = _divisors(x, kernel, stride, padding, count_include_pad)
    share = grad_output / divisors  # (N, C, Ho, Wo)
    grad_windows = np.broadcast_to(
        share[..., None, None], (n, c, out_h, out_w, *kernel)
    )  # same share for every pixel
    return _windows_to_image(grad_windows, x.shape, kernel, stride, padding)
