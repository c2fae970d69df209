"""Tests for dlbook.conv: every NumPy result is compared with PyTorch, SciPy or NumPy in float64."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
import scipy.signal
import torch
import torch.nn.functional as F

from dlbook import testing
from dlbook.conv import (
    PADDING_MODES,
    col2im,
    conv1d,
    conv2d,
    conv2d_backward,
    conv_matrix,
    convolve2d,
    correlate2d,
    im2col,
    output_size,
    padding_for,
    receptive_field,
    toeplitz_matrix,
)
from dlbook.gradcheck import numerical_gradient

ATOL = 1e-10
N_IM2COL_CONFIGS = 250  # random conv2d configurations for the fast method
N_LOOP_CONFIGS = 40  # and for the slow, readable one
N_BACKWARD_CONFIGS = 120


pytestmark = [
    # PyTorch warns that it copies the input for an asymmetric "same" padding; that is what we test.
    pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning"),
    pytest.mark.usefixtures("one_torch_thread"),
]


assert_close = partial(testing.assert_close, rtol=0.0, atol=ATOL)  # shapes must match too


def t(array: np.ndarray | None) -> torch.Tensor | None:
    return None if array is None else torch.from_numpy(np.ascontiguousarray(array))


# ---------------------------------------------------------------------------
# Random configurations
# ---------------------------------------------------------------------------


def random_config_2d(
    seed: int,
    *,
    max_size: int = 12,
    max_kernel: int = 5,
    max_step: int = 3,
    max_batch: int = 3,
    max_channels: int = 4,
) -> dict:
    """Draw a random valid conv2d configuration, with the padding written for this module and for torch."""
    rng = np.random.default_rng(seed)
    while True:
        height, width = (int(v) for v in rng.integers(1, max_size + 1, 2))
        kh, kw = (int(v) for v in rng.integers(1, max_kernel + 1, 2))
        stride = tuple(int(v) for v in rng.integers(1, max_step + 1, 2))
        dilation = tuple(int(v) for v in rng.integers(1, max_step + 1, 2))
        kind = rng.choice(["int", "pair", "valid", "same", "full"])
        if kind == "int":
            padding = torch_padding = int(rng.integers(0, 4))
            pads = (padding, padding)
        elif kind == "pair":
            padding = torch_padding = tuple(int(v) for v in rng.integers(0, 4, 2))
            pads = padding
        elif kind == "valid":
            padding = torch_padding = "valid"
            pads = (0, 0)
        elif kind == "same":
            stride = (1, 1)  # PyTorch allows "same" only with stride 1
            padding = torch_padding = "same"
            pads = None
        else:  # "full" is not a PyTorch mode: pad d(k - 1) on both sides explicitly
            padding = "full"
            torch_padding = pads = (dilation[0] * (kh - 1), dilation[1] * (kw - 1))
        fits = pads is None or (
            height + 2 * pads[0] >= dilation[0] * (kh - 1) + 1
            and width + 2 * pads[1] >= dilation[1] * (kw - 1) + 1
        )
        if not fits:
            continue
        # An int stride/dilation half of the time, to exercise both spellings.
        if stride[0] == stride[1] and rng.random() < 0.5:
            stride = stride[0]
        if dilation[0] == dilation[1] and rng.random() < 0.5:
            dilation = dilation[0]
        n, c_in, c_out = (
            int(v) for v in rng.integers(1, [max_batch + 1, max_channels + 1, max_channels + 1])
        )
        x = rng.standard_normal((n, c_in, height, width))
        weight = rng.standard_normal((c_out, c_in, kh, kw))
        bias = rng.standard_normal(c_out) if rng.random() < 0.7 else None
        return dict(
            x=x,
            weight=weight,
            bias=bias,
            stride=stride,
            padding=padding,
            dilation=dilation,
            torch_padding=torch_padding,
        )


def torch_conv2d(cfg: dict) -> torch.Tensor:
    return F.conv2d(
        t(cfg["x"]),
        t(cfg["weight"]),
        t(cfg["bias"]),
        stride=cfg["stride"],
        padding=cfg["torch_padding"],
        dilation=cfg["dilation"],
    )


def ours_kwargs(cfg: dict) -> dict:
    return dict(stride=cfg["stride"], padding=cfg["padding"], dilation=cfg["dilation"])


def test_random_configs_cover_all_options() -> None:
    configs = [random_config_2d(seed) for seed in range(N_IM2COL_CONFIGS)]
    assert {str(c["padding"]) for c in configs} >= {"valid", "same", "full"}
    assert any(c["stride"] not in (1, (1, 1)) for c in configs)
    assert any(c["dilation"] not in (1, (1, 1)) for c in configs)
    assert any(c["bias"] is None for c in configs) and any(c["bias"] is not None for c in configs)
    assert any(
        c["weight"].shape[2] % 2 == 0 and c["padding"] == "same" for c in configs
    )  # asymmetric "same"


# ---------------------------------------------------------------------------
# Forward passes against PyTorch
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(N_IM2COL_CONFIGS))
def test_conv2d_im2col_matches_torch(seed: int) -> None:
    cfg = random_config_2d(seed)
    expected = torch_conv2d(cfg)
    assert_close(conv2d(cfg["x"], cfg["weight"], cfg["bias"], **ours_kwargs(cfg)), expected)
    assert_close(
        correlate2d(cfg["x"], cfg["weight"], cfg["bias"], **ours_kwargs(cfg), method="im2col"),
        expected,
    )


@pytest.mark.parametrize("seed", range(N_LOOP_CONFIGS))
def test_conv2d_loop_matches_torch(seed: int) -> None:
    cfg = random_config_2d(
        10_000 + seed, max_size=7, max_kernel=3, max_step=2, max_batch=2, max_channels=3
    )
    expected = torch_conv2d(cfg)
    assert_close(
        conv2d(cfg["x"], cfg["weight"], cfg["bias"], **ours_kwargs(cfg), method="loop"), expected
    )
    assert_close(
        correlate2d(cfg["x"], cfg["weight"], cfg["bias"], **ours_kwargs(cfg), method="loop"),
        expected,
    )


def random_config_1d(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    while True:
        length, k, stride, dilation = (int(v) for v in rng.integers(1, [16, 6, 4, 4]))
        kind = rng.choice(["int", "pair", "valid", "same", "full"])
        if kind == "int":
            padding = torch_padding = int(rng.integers(0, 4))
            total = 2 * padding
        elif kind == "pair":  # (before, after): PyTorch needs an explicit F.pad for this
            padding = tuple(int(v) for v in rng.integers(0, 4, 2))
            torch_padding, total = 0, sum(padding)
        elif kind in ("valid", "same"):
            padding = torch_padding = str(kind)
            total = 0 if kind == "valid" else dilation * (k - 1)
            if kind == "same":
                stride = 1
        else:
            padding, torch_padding = "full", dilation * (k - 1)
            total = 2 * torch_padding
        if length + total >= dilation * (k - 1) + 1:
            break
    n, c_in, c_out = (int(v) for v in rng.integers(1, [4, 5, 5]))
    return dict(
        x=rng.standard_normal((n, c_in, length)),
        weight=rng.standard_normal((c_out, c_in, k)),
        bias=rng.standard_normal(c_out) if rng.random() < 0.7 else None,
        stride=stride,
        dilation=dilation,
        padding=padding,
        torch_padding=torch_padding,
    )


@pytest.mark.parametrize("seed", range(200))
def test_conv1d_matches_torch(seed: int) -> None:
    cfg = random_config_1d(seed)
    x = t(cfg["x"])
    if isinstance(cfg["padding"], tuple):
        x = F.pad(x, cfg["padding"])
    expected = F.conv1d(
        x,
        t(cfg["weight"]),
        t(cfg["bias"]),
        stride=cfg["stride"],
        padding=cfg["torch_padding"],
        dilation=cfg["dilation"],
    )
    kwargs = dict(stride=cfg["stride"], padding=cfg["padding"], dilation=cfg["dilation"])
    assert_close(conv1d(cfg["x"], cfg["weight"], cfg["bias"], **kwargs), expected)
    if seed < N_LOOP_CONFIGS:
        assert_close(
            conv1d(cfg["x"], cfg["weight"], cfg["bias"], **kwargs, method="loop"), expected
        )


# ---------------------------------------------------------------------------
# Correlation versus convolution (which one flips), against SciPy and NumPy
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(60))
@pytest.mark.parametrize("mode", PADDING_MODES)
def test_single_image_matches_scipy(seed: int, mode: str) -> None:
    rng = np.random.default_rng(seed)
    kh, kw = rng.integers(1, 6, 2)  # even sizes included: "same" is asymmetric then
    height, width = kh + rng.integers(0, 6), kw + rng.integers(0, 6)
    image, kernel = rng.standard_normal((height, width)), rng.standard_normal((kh, kw))
    method = "loop" if seed % 4 == 0 else "im2col"
    assert_close(
        correlate2d(image, kernel, padding=mode, method=method),
        scipy.signal.correlate2d(image, kernel, mode=mode),
    )
    assert_close(
        convolve2d(image, kernel, padding=mode, method=method),
        scipy.signal.convolve2d(image, kernel, mode=mode),
    )


def test_correlation_is_torch_conv2d_and_convolution_flips_the_kernel() -> None:
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 3, 9, 8)), rng.standard_normal((4, 3, 3, 2))
    kwargs = dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2))
    expected = F.conv2d(t(x), t(w), **kwargs).numpy()
    assert_close(correlate2d(x, w, **kwargs), expected)
    assert_close(conv2d(x, w, **kwargs), expected)
    assert_close(convolve2d(x, w, **kwargs), F.conv2d(t(x), t(w[:, :, ::-1, ::-1]), **kwargs))
    assert np.abs(convolve2d(x, w, **kwargs) - expected).max() > 1.0  # not the same operation


@pytest.mark.parametrize("mode", PADDING_MODES)
def test_1d_convolution_matches_np_convolve(mode: str) -> None:
    rng = np.random.default_rng(1)
    for length in range(1, 9):
        for k in range(1, length + 1):  # np.convolve swaps its arguments when the kernel is longer
            signal, kernel = rng.standard_normal(length), rng.standard_normal(k)
            ours = convolve2d(signal[None, :], kernel[None, :], padding=mode)[0]
            assert_close(ours, np.convolve(signal, kernel, mode=mode))


def test_convolution_mirrors_same_padding() -> None:
    """With an even kernel "same" pads (1, 0) for convolution but (0, 1) for correlation."""
    signal = np.array([[1.0, 2.0, 3.0]])
    assert_close(correlate2d(signal, [[1.0, 10.0]], padding="same"), np.array([[21.0, 32.0, 3.0]]))
    assert_close(convolve2d(signal, [[1.0, 10.0]], padding="same"), np.array([[1.0, 12.0, 23.0]]))


# ---------------------------------------------------------------------------
# im2col and col2im
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(60))
def test_im2col_and_col2im_match_unfold_and_fold(seed: int) -> None:
    cfg = random_config_2d(20_000 + seed)
    if cfg["padding"] in PADDING_MODES:  # F.unfold and F.fold take explicit symmetric padding only
        return
    x, kernel = cfg["x"], cfg["weight"].shape[2:]
    kwargs = dict(stride=cfg["stride"], padding=cfg["padding"], dilation=cfg["dilation"])
    cols = im2col(x, kernel, **kwargs)
    assert_close(cols, F.unfold(t(x), kernel, **kwargs))
    random_cols = np.random.default_rng(seed).standard_normal(cols.shape)
    assert_close(
        col2im(random_cols, x.shape[2:], kernel, **kwargs),
        F.fold(t(random_cols), x.shape[2:], kernel, **kwargs),
    )


@pytest.mark.parametrize("seed", range(30))
def test_col2im_is_the_adjoint_of_im2col(seed: int) -> None:
    """<im2col(x), c> == <x, col2im(c)> for every x and c, also with "same" and "full" padding."""
    cfg = random_config_2d(30_000 + seed)
    x, kernel = cfg["x"], cfg["weight"].shape[2:]
    kwargs = dict(stride=cfg["stride"], padding=cfg["padding"], dilation=cfg["dilation"])
    cols = im2col(x, kernel, **kwargs)
    c = np.random.default_rng(seed).standard_normal(cols.shape)
    assert abs(np.sum(cols * c) - np.sum(x * col2im(c, x.shape[2:], kernel, **kwargs))) < 1e-9


def test_im2col_times_weight_rows_is_the_layer() -> None:
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 2, 3))
    out = w.reshape(4, -1) @ im2col(x, (2, 3), padding=1)  # (N, C_out, H_out * W_out)
    assert_close(out.reshape(2, 4, 7, 5), conv2d(x, w, padding=1))


# ---------------------------------------------------------------------------
# Backward pass
# ---------------------------------------------------------------------------


def torch_gradients(
    cfg: dict, grad_output: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, w = t(cfg["x"]).requires_grad_(), t(cfg["weight"]).requires_grad_()
    b = torch.zeros(w.shape[0], dtype=torch.float64, requires_grad=True)
    y = F.conv2d(
        x, w, b, stride=cfg["stride"], padding=cfg["torch_padding"], dilation=cfg["dilation"]
    )
    y.backward(t(grad_output))
    return x.grad.numpy(), w.grad.numpy(), b.grad.numpy()


@pytest.mark.parametrize("seed", range(N_BACKWARD_CONFIGS))
def test_conv2d_backward_matches_autograd(seed: int) -> None:
    cfg = random_config_2d(40_000 + seed)
    grad_output = np.random.default_rng(seed).standard_normal(torch_conv2d(cfg).shape)
    expected = torch_gradients(cfg, grad_output)
    method = "loop" if seed < 20 and cfg["x"].size <= 300 else "im2col"
    grads = conv2d_backward(grad_output, cfg["x"], cfg["weight"], **ours_kwargs(cfg), method=method)
    for ours, theirs in zip(grads, expected):
        assert_close(ours, theirs)


def test_conv2d_backward_by_finite_differences() -> None:
    rng = np.random.default_rng(3)
    x, w, b = (
        rng.standard_normal((2, 2, 6, 5)),
        rng.standard_normal((3, 2, 3, 2)),
        rng.standard_normal(3),
    )
    kwargs = dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2))
    g = rng.standard_normal(conv2d(x, w, b, **kwargs).shape)

    def loss(x_: np.ndarray, w_: np.ndarray, b_: np.ndarray) -> float:
        return float(np.sum(g * conv2d(x_, w_, b_, **kwargs)))

    grads = conv2d_backward(g, x, w, **kwargs)
    assert_close(grads.grad_input, numerical_gradient(lambda v: loss(v, w, b), x), atol=1e-7)
    assert_close(grads.grad_weight, numerical_gradient(lambda v: loss(x, v, b), w), atol=1e-7)
    assert_close(grads.grad_bias, numerical_gradient(lambda v: loss(x, w, v), b), atol=1e-7)


def test_input_gradient_is_full_convolution_and_weight_gradient_is_correlation() -> None:
    """The two rules stated in the docstring, checked with SciPy on one channel, stride 1, no padding."""
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((7, 6)), rng.standard_normal((3, 2))
    g = rng.standard_normal((5, 5))
    grads = conv2d_backward(g[None, None], x[None, None], w[None, None])
    assert_close(grads.grad_input[0, 0], scipy.signal.convolve2d(g, w, mode="full"))
    assert_close(grads.grad_input[0, 0], scipy.signal.correlate2d(g, w[::-1, ::-1], mode="full"))
    assert_close(grads.grad_weight[0, 0], scipy.signal.correlate2d(x, g, mode="valid"))


def test_conv_matrix_transpose_is_the_input_gradient() -> None:
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((2, 5, 6)), rng.standard_normal((3, 2, 3, 3))
    kwargs = dict(stride=2, padding=1, dilation=1)
    g = rng.standard_normal(conv2d(x[None], w, **kwargs).shape)
    grad_input = conv_matrix(x.shape, w, **kwargs).T @ g.ravel()
    assert_close(
        grad_input.reshape(x.shape), conv2d_backward(g, x[None], w, **kwargs).grad_input[0]
    )


# ---------------------------------------------------------------------------
# Convolution as a matrix
# ---------------------------------------------------------------------------


def test_conv_matrix_3x3_input_2x2_kernel() -> None:
    kernel = np.array([[1.0, 2.0], [3.0, 4.0]])
    matrix = conv_matrix((3, 3), kernel)
    assert matrix.shape == (4, 9)
    x = np.arange(9.0).reshape(3, 3)
    assert_close(matrix @ x.ravel(), scipy.signal.correlate2d(x, kernel, mode="valid").ravel())
    assert_close(
        conv_matrix((3, 3), kernel, operation="convolve") @ x.ravel(),
        scipy.signal.convolve2d(x, kernel, mode="valid").ravel(),
    )


@pytest.mark.parametrize("seed", range(40))
def test_conv_matrix_matches_conv2d(seed: int) -> None:
    cfg = random_config_2d(50_000 + seed, max_size=7, max_kernel=3, max_step=2, max_batch=1)
    x, w = cfg["x"][0], cfg["weight"]  # (C_in, H, W), (C_out, C_in, kh, kw)
    kwargs = ours_kwargs(cfg)
    expected = torch_conv2d(dict(cfg, bias=None))[0]
    assert_close(conv_matrix(x.shape, w, **kwargs) @ x.ravel(), expected.numpy().ravel())
    assert_close(
        conv_matrix(x.shape, w, **kwargs, operation="convolve") @ x.ravel(),
        convolve2d(x[None], w, **kwargs)[0].ravel(),
    )
    single = conv_matrix(x.shape[1:], w[0, 0], **kwargs)  # one channel: (H, W) with (kh, kw)
    assert_close(single @ x[0].ravel(), correlate2d(x[None, :1], w[:1, :1], **kwargs).ravel())


def test_conv_matrix_is_doubly_blocked_toeplitz() -> None:
    rng = np.random.default_rng(6)
    height, width, kh, kw = 5, 6, 3, 2
    kernel = rng.standard_normal((kh, kw))
    out_h, out_w = height - kh + 1, width - kw + 1
    matrix = conv_matrix((height, width), kernel)
    blocks = matrix.reshape(out_h, out_w, height, width).transpose(
        0, 2, 1, 3
    )  # block (i, r): (W_out, W)
    for i in range(out_h):
        for r in range(height):
            block = blocks[i, r]
            if 0 <= r - i < kh:  # block of kernel row r - i, Toeplitz: constant along its diagonals
                assert_close(
                    block, toeplitz_matrix(kernel[r - i], out_w).T
                )  # block[j, q] = kernel[r - i, q - j]
            else:
                assert not block.any()


@pytest.mark.parametrize("seed", range(20))
def test_toeplitz_matrix_multiplies_polynomials(seed: int) -> None:
    rng = np.random.default_rng(seed)
    signal, kernel = (
        rng.standard_normal(rng.integers(1, 10)),
        rng.standard_normal(rng.integers(1, 10)),
    )
    expected = np.convolve(signal, kernel)
    assert_close(toeplitz_matrix(kernel, signal.size) @ signal, expected)  # matrix of the kernel
    assert_close(toeplitz_matrix(signal, kernel.size) @ kernel, expected)  # matrix of the signal
    assert_close(expected, np.polynomial.polynomial.polymul(signal, kernel))


# ---------------------------------------------------------------------------
# Sizes, padding and receptive fields
# ---------------------------------------------------------------------------


def test_output_size_matches_torch_on_a_grid() -> None:
    checked = 0
    for i in range(1, 10):
        for k in range(1, 5):
            for p in range(4):
                for s in range(1, 4):
                    for d in range(1, 4):
                        try:
                            expected = F.conv1d(
                                torch.zeros(1, 1, i),
                                torch.zeros(1, 1, k),
                                padding=p,
                                stride=s,
                                dilation=d,
                            ).shape[-1]
                        except (
                            RuntimeError
                        ):  # PyTorch refuses a kernel larger than the padded input
                            with pytest.raises(
                                ValueError, match="kernel larger than the padded input"
                            ):
                                output_size(i, k, p, s, d)
                            continue
                        assert (
                            output_size(i, k, p, s, d)
                            == expected
                            == (i + 2 * p - d * (k - 1) - 1) // s + 1
                        )
                        checked += 1
    assert checked > 1000


def test_output_size_of_padding_modes() -> None:
    for i in range(1, 12):
        for k in range(1, 6):
            for d in range(1, 4):
                span = d * (k - 1) + 1
                assert output_size(i, k, "same", d=d) == i
                assert output_size(i, k, "full", d=d) == i + d * (k - 1)
                if span <= i:
                    assert output_size(i, k, "valid", d=d) == i - span + 1
                    assert (
                        F.conv1d(
                            torch.zeros(1, 1, i), torch.zeros(1, 1, k), padding="same", dilation=d
                        ).shape[-1]
                        == i
                    )
    assert output_size(28, 3, (0, 2)) == 28  # (before, after) padding


def test_output_size_in_2d_matches_torch() -> None:
    x, w = torch.zeros(1, 1, 11, 9), torch.zeros(1, 1, 3, 2)
    y = F.conv2d(x, w, stride=(2, 3), padding=(1, 2), dilation=(2, 1))
    assert y.shape[2:] == (output_size(11, 3, 1, 2, 2), output_size(9, 2, 2, 3, 1))


def test_padding_for() -> None:
    assert [padding_for(mode, 5) for mode in PADDING_MODES] == [(0, 0), (2, 2), (4, 4)]
    assert padding_for("same", 2) == (0, 1) and padding_for("same", 4, d=3) == (4, 5)
    assert padding_for("full", 3, d=2) == (4, 4)


def measured_receptive_field(layers: list[tuple[int, ...]], size: int = 64) -> tuple[int, int]:
    """Size and jump of the receptive field, read off the input gradient of output units in PyTorch."""
    x = torch.zeros(1, 1, size, size, dtype=torch.float64, requires_grad=True)
    y = x
    for layer in layers:
        k, s, d = (*layer, 1)[:3]
        y = F.conv2d(
            y, torch.ones(1, 1, k, k, dtype=torch.float64), stride=s, dilation=d
        )  # positive weights: no cancellation
    centre = y.shape[-1] // 2
    first_rows = []
    for unit in (centre, centre + 1):  # two neighbouring output units
        (grad,) = torch.autograd.grad(y[0, 0, unit, centre], x, retain_graph=True)
        rows = np.nonzero(grad[0, 0].numpy().any(axis=1))[0]
        first_rows.append(rows.min())
        extent = rows.max() - rows.min() + 1
    return int(extent), int(first_rows[1] - first_rows[0])


@pytest.mark.parametrize(
    "layers",
    [
        [(3, 1), (3, 1)],
        [(3, 1), (2, 2), (3, 1), (2, 2)],
        [(5, 2), (3, 2), (3, 1)],
        [(3, 1, 1), (3, 1, 2), (3, 1, 4)],
        [(7, 2), (3, 2, 2), (3, 1)],
        [(1, 1)],
    ],
)
def test_receptive_field_matches_gradient_in_torch(layers: list[tuple[int, ...]]) -> None:
    assert tuple(receptive_field(layers)) == measured_receptive_field(layers)


def test_receptive_field_values() -> None:
    assert receptive_field([(3, 1)] * 3) == (7, 1)
    assert receptive_field([]) == (1, 1)
    assert receptive_field([(3, 1), (2, 2), (3, 1), (2, 2)]).jump == 4


# ---------------------------------------------------------------------------
# Dtypes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["im2col", "loop"])
def test_float32_stays_float32(method: str) -> None:
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 6, 6), dtype=np.float32)
    w = rng.standard_normal((4, 3, 3, 3), dtype=np.float32)
    b = rng.standard_normal(4, dtype=np.float32)
    y = conv2d(x, w, b, padding=1, method=method)
    assert y.dtype == np.float32
    assert_close(y, F.conv2d(t(x), t(w), t(b), padding=1), atol=1e-4)
    assert all(
        g.dtype == np.float32
        for g in conv2d_backward(np.ones_like(y), x, w, padding=1, method=method)
    )
    assert conv1d(x[:, :, 0], w[:, :, 0], method=method).dtype == np.float32
    assert im2col(x, 3).dtype == np.float32


def test_integer_input_gives_float64() -> None:
    x = np.arange(16).reshape(1, 1, 4, 4)
    assert conv2d(x, np.ones((1, 1, 2, 2), dtype=int)).dtype == np.float64
    assert conv_matrix((3, 3), np.ones((2, 2), dtype=int)).dtype == np.float64


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


def test_kernel_larger_than_padded_input() -> None:
    x, w = np.zeros((1, 2, 4, 4)), np.zeros((3, 2, 5, 3))
    with pytest.raises(
        ValueError, match=r"kernel larger than the padded input.*\(3, 2, 5, 3\).*\(1, 2, 4, 4\)"
    ):
        conv2d(x, w)
    conv2d(x, w, padding=1)  # 4 + 2 >= 5: fits
    with pytest.raises(ValueError, match="kernel larger than the padded input"):
        conv2d(x, np.zeros((3, 2, 3, 3)), dilation=2)  # dilated size 5
    with pytest.raises(
        ValueError, match=r"kernel larger.*\(5,\).*\(4,\)|kernel larger.*\(1, 1, 5\).*\(1, 1, 4\)"
    ):
        conv1d(np.zeros((1, 1, 4)), np.zeros((1, 1, 5)))
    with pytest.raises(ValueError, match="kernel larger than the padded input"):
        correlate2d(np.zeros((3, 3)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match="kernel larger than the padded input"):
        conv_matrix((3, 3), np.zeros((4, 4)))
    with pytest.raises(ValueError, match="kernel larger than the padded input"):
        im2col(x, 5)


def test_channel_mismatch_names_the_shapes() -> None:
    with pytest.raises(
        ValueError, match=r"channel mismatch.*\(2, 3, 8, 8\).*C_in=3.*\(5, 4, 3, 3\).*C_in=4"
    ):
        conv2d(np.zeros((2, 3, 8, 8)), np.zeros((5, 4, 3, 3)))
    with pytest.raises(ValueError, match=r"channel mismatch.*\(2, 3, 8\)"):
        conv1d(np.zeros((2, 3, 8)), np.zeros((5, 4, 3)))
    with pytest.raises(ValueError, match="channel mismatch"):
        conv2d_backward(np.zeros((2, 5, 6, 6)), np.zeros((2, 3, 8, 8)), np.zeros((5, 4, 3, 3)))
    with pytest.raises(ValueError, match="channel mismatch"):
        conv_matrix((3, 4, 4), np.zeros((1, 2, 2, 2)))


@pytest.mark.parametrize("name", ["stride", "dilation"])
@pytest.mark.parametrize("value", [0, -1, (1, 0), (-2, 1)])
def test_non_positive_stride_or_dilation(name: str, value: int | tuple[int, int]) -> None:
    x, w = np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 2, 2))
    for function in (conv2d, correlate2d, convolve2d):
        with pytest.raises(ValueError, match=f"{name} must be >= 1"):
            function(x, w, **{name: value})
    with pytest.raises(ValueError, match=f"{name} must be >= 1"):
        conv2d_backward(np.zeros((1, 1, 4, 4)), x, w, **{name: value})
    if isinstance(value, int):
        with pytest.raises(ValueError, match=f"{name} must be >= 1"):
            conv1d(x[:, :, 0], w[:, :, 0], **{name: value})


def test_wrong_ndim() -> None:
    with pytest.raises(ValueError, match=r"x must have 4 dimensions; got shape \(3, 8, 8\)"):
        conv2d(np.zeros((3, 8, 8)), np.zeros((1, 3, 3, 3)))
    with pytest.raises(ValueError, match=r"weight must have 4 dimensions; got shape \(3, 3\)"):
        conv2d(np.zeros((1, 1, 8, 8)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"x must have 2 or 4 dimensions; got shape \(8,\)"):
        correlate2d(np.zeros(8), np.zeros((3, 3)))
    with pytest.raises(
        ValueError, match=r"kernel must have 2 dimensions; got shape \(1, 1, 3, 3\)"
    ):
        convolve2d(np.zeros((8, 8)), np.zeros((1, 1, 3, 3)))
    with pytest.raises(ValueError, match=r"x must have 3 dimensions; got shape \(1, 1, 8, 8\)"):
        conv1d(np.zeros((1, 1, 8, 8)), np.zeros((1, 1, 3)))
    with pytest.raises(ValueError, match="x must have 4 dimensions"):
        im2col(np.zeros((8, 8)), 3)


def test_other_bad_arguments() -> None:
    x, w = np.zeros((1, 2, 6, 6)), np.zeros((3, 2, 3, 3))
    with pytest.raises(ValueError, match=r"bias must have shape \(3,\); got shape \(2,\)"):
        conv2d(x, w, np.zeros(2))
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        conv2d(x, w, stride=2, padding="same")
    with pytest.raises(ValueError, match="padding mode must be one of"):
        conv2d(x, w, padding="half")
    with pytest.raises(ValueError, match="padding must be >= 0"):
        conv2d(x, w, padding=-1)
    with pytest.raises(ValueError, match="method must be one of"):
        conv2d(x, w, method="fft")
    with pytest.raises(TypeError, match="stride must be an integer"):
        conv2d(x, w, stride=1.5)
    with pytest.raises(
        ValueError, match=r"grad_output must have the forward output's shape \(1, 3, 4, 4\)"
    ):
        conv2d_backward(np.zeros((1, 3, 6, 6)), x, w)
    with pytest.raises(ValueError, match="bias needs batched input"):
        correlate2d(np.zeros((5, 5)), np.zeros((3, 3)), np.zeros(1))
    with pytest.raises(ValueError, match=r"cols must have shape"):
        col2im(np.zeros((1, 9, 5)), (4, 4), 3)
    with pytest.raises(ValueError, match="layer 1 must be"):
        receptive_field([(3, 1), (3,)])
    with pytest.raises(ValueError, match="kernel size of layer 0 must be >= 1"):
        receptive_field([(0, 1)])
    with pytest.raises(ValueError, match="input_shape"):
        conv_matrix((3, 3), np.zeros((1, 1, 2, 2)))
    with pytest.raises(ValueError, match="kernel must have 1 dimensions"):
        toeplitz_matrix(np.zeros((2, 2)), 3)


@pytest.mark.parametrize("method", ["im2col", "loop"])
def test_kernels_with_a_zero_length_axis_raise(method):
    """Adversarial finding 2: an empty kernel, or no output channel, is an error for both methods."""
    empty = "must have every size >= 1"
    cases = [
        (conv2d, np.ones((1, 1, 5, 5)), np.ones((1, 1, 0, 3))),
        (conv2d, np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 0))),
        (conv2d, np.ones((2, 1, 5, 5)), np.ones((0, 1, 3, 3))),  # C_out = 0
        (conv2d, np.ones((2, 0, 5, 5)), np.ones((2, 0, 3, 3))),  # C_in = 0
        (correlate2d, np.ones((1, 1, 5, 5)), np.ones((1, 1, 0, 3))),
        (correlate2d, np.ones((5, 5)), np.ones((0, 3))),
        (convolve2d, np.ones((5, 5)), np.ones((3, 0))),
        (conv1d, np.ones((1, 1, 5)), np.ones((1, 1, 0))),
        (conv1d, np.ones((1, 1, 5)), np.ones((0, 1, 2))),
    ]
    for function, x, weight in cases:
        with pytest.raises(ValueError, match=empty):
            function(x, weight, method=method)
    with pytest.raises(ValueError, match=empty):
        conv2d_backward(np.ones((1, 0, 3, 3)), np.ones((1, 1, 5, 5)), np.ones((0, 1, 3, 3)))
    with pytest.raises(ValueError, match="kernel must not be empty"):
        toeplitz_matrix(np.ones(0), 3)
