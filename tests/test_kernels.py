"""Tests for dlbook.kernels: the catalogue's kernels have the properties they are known for."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal

from dlbook.conv import convolve2d, correlate2d
from dlbook.kernels import KERNELS, get_kernel

BLURS = ["box_blur", "gaussian_blur_3x3", "gaussian_blur_5x5"]
EDGES = [
    "edge",
    "edge_cross",
    "edge_diagonal",
    "laplacian",
    "sobel_x",
    "sobel_y",
    "prewitt_x",
    "prewitt_y",
]
SUM_TO_ONE = ["identity", "sharpen", "unsharp_mask_5x5", "emboss", *BLURS]


def identity(size: int) -> np.ndarray:
    kernel = np.zeros((size, size))
    kernel[size // 2, size // 2] = 1.0
    return kernel


def test_catalogue_is_complete_and_well_formed() -> None:
    assert set(KERNELS) == set(SUM_TO_ONE) | set(EDGES)
    for name, kernel in KERNELS.items():
        assert kernel.dtype == np.float64, name
        assert kernel.shape in ((3, 3), (5, 5)), name
        assert kernel.shape[0] % 2 == 1  # odd size: a centre pixel


@pytest.mark.parametrize("name", SUM_TO_ONE)
def test_kernels_that_keep_brightness_sum_to_one(name: str) -> None:
    assert abs(KERNELS[name].sum() - 1.0) < 1e-12


@pytest.mark.parametrize("name", BLURS)
def test_blurs_are_non_negative_and_symmetric(name: str) -> None:
    kernel = KERNELS[name]
    assert (kernel >= 0).all()
    np.testing.assert_array_equal(kernel, kernel.T)
    np.testing.assert_array_equal(kernel, kernel[::-1, ::-1])  # so convolution equals correlation


@pytest.mark.parametrize("name", EDGES)
def test_edge_kernels_sum_to_zero_and_ignore_flat_images(name: str) -> None:
    assert KERNELS[name].sum() == 0.0
    flat = np.full((7, 7), 3.5)
    np.testing.assert_allclose(correlate2d(flat, KERNELS[name]), 0.0, atol=1e-12)


def test_gaussians_are_outer_products_of_binomial_rows() -> None:
    np.testing.assert_array_equal(
        KERNELS["gaussian_blur_5x5"], np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]) / 256
    )
    np.testing.assert_array_equal(KERNELS["gaussian_blur_3x3"], np.outer([1, 2, 1], [1, 2, 1]) / 16)
    # Binomial rows come from repeated [1, 1] smoothing: the 5x5 Gaussian is the 3x3 one blurred by itself.
    np.testing.assert_allclose(
        scipy.signal.convolve2d(KERNELS["gaussian_blur_3x3"], KERNELS["gaussian_blur_3x3"]),
        KERNELS["gaussian_blur_5x5"],
        atol=1e-15,
    )


def test_unsharp_mask_is_twice_the_image_minus_the_blur() -> None:
    np.testing.assert_allclose(
        KERNELS["unsharp_mask_5x5"],
        2 * identity(5) - KERNELS["gaussian_blur_5x5"],
        rtol=0,
        atol=1e-15,
    )
    assert KERNELS["unsharp_mask_5x5"][2, 2] == 476 / 256


def test_sharpen_and_laplacian_relations() -> None:
    np.testing.assert_array_equal(KERNELS["sharpen"], identity(3) + KERNELS["edge_cross"])
    np.testing.assert_array_equal(KERNELS["edge_cross"], -KERNELS["laplacian"])
    np.testing.assert_array_equal(KERNELS["identity"], identity(3))
    np.testing.assert_array_equal(
        KERNELS["edge"], 9 * identity(3) - np.ones((3, 3))
    )  # -1 around, 8 in the centre


@pytest.mark.parametrize(
    ("name", "column", "row"),
    [
        ("sobel_x", [1, 2, 1], [-1, 0, 1]),
        ("sobel_y", [-1, 0, 1], [1, 2, 1]),
        ("prewitt_x", [1, 1, 1], [-1, 0, 1]),
        ("prewitt_y", [-1, 0, 1], [1, 1, 1]),
    ],
)
def test_sobel_and_prewitt_are_separable(name: str, column: list[int], row: list[int]) -> None:
    kernel = KERNELS[name]
    np.testing.assert_array_equal(kernel, np.outer(column, row))
    assert np.linalg.matrix_rank(kernel) == 1
    # Separable means two 1-D passes give the 2-D result.
    image = np.random.default_rng(0).standard_normal((8, 9))
    two_passes = correlate2d(
        correlate2d(image, np.array(column, float)[:, None]), np.array(row, float)[None, :]
    )
    np.testing.assert_allclose(two_passes, correlate2d(image, kernel), rtol=0, atol=1e-12)


def test_sobel_orientation_under_correlation_and_convolution() -> None:
    """Brightness growing to the right (down) gives a positive sobel_x (sobel_y) response when correlating."""
    ramp = np.tile(np.arange(6.0), (6, 1))  # columns get brighter to the right
    assert (correlate2d(ramp, KERNELS["sobel_x"]) > 0).all()
    assert (convolve2d(ramp, KERNELS["sobel_x"]) < 0).all()  # the flip reverses the sign
    assert (correlate2d(ramp.T, KERNELS["sobel_y"]) > 0).all()
    np.testing.assert_allclose(correlate2d(ramp, KERNELS["sobel_y"]), 0.0)


def test_kernels_do_what_their_names_say() -> None:
    image = np.random.default_rng(1).standard_normal((9, 9))
    inside = (slice(1, -1), slice(1, -1))
    np.testing.assert_allclose(correlate2d(image, KERNELS["identity"]), image[inside])
    box = correlate2d(image, KERNELS["box_blur"])
    np.testing.assert_allclose(box[0, 0], image[:3, :3].mean())
    assert correlate2d(image, KERNELS["gaussian_blur_5x5"]).std() < image.std()  # blurring smooths
    assert (
        correlate2d(image, KERNELS["sharpen"]).std() > image.std()
    )  # sharpening amplifies differences


def test_get_kernel_returns_a_writable_copy() -> None:
    kernel = get_kernel("sobel_x")
    kernel[0, 0] = 100.0
    assert KERNELS["sobel_x"][0, 0] == -1.0
    with pytest.raises(ValueError):
        KERNELS["sobel_x"][0, 0] = 100.0  # the catalogue itself is read-only


def test_get_kernel_unknown_name() -> None:
    with pytest.raises(ValueError, match=r"kernel name must be one of .*'sobel_x'.*; got 'sobel'"):
        get_kernel("sobel")
