"""A catalogue of classic image-processing kernels, as float arrays.

Slide one of these over a grey-scale image with :func:`dlbook.conv.correlate2d`
(what deep-learning libraries do) to blur, sharpen or find edges. The
catalogue is the dictionary :data:`KERNELS`; :func:`get_kernel` returns a
writable copy of one entry.

Families and the properties the tests check:

- Blurs (``box_blur``, ``gaussian_blur_3x3``, ``gaussian_blur_5x5``) are
  non-negative and sum to 1, so a flat image keeps its brightness. The
  Gaussians are binomial approximations, outer products of a row of Pascal's
  triangle with itself, e.g. ``outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]) / 256``.
- Edge detectors (``edge``, ``edge_cross``, ``edge_diagonal``, ``laplacian``,
  ``sobel_x``, ``sobel_y``, ``prewitt_x``, ``prewitt_y``) sum to 0, so a flat
  image gives 0 and only changes show up. ``edge_cross`` is minus the discrete
  ``laplacian``.
- Sharpeners (``sharpen``, ``unsharp_mask_5x5``) and ``emboss`` sum to 1:
  ``sharpen`` is ``identity + edge_cross``, and unsharp masking is
  ``2 * identity - gaussian_blur_5x5`` (the image plus the detail the blur
  removes).
- Sobel and Prewitt kernels are separable: a smoothing column times a
  difference row, e.g. ``sobel_x == outer([1, 2, 1], [-1, 0, 1])``.

Orientation: ``sobel_x`` and ``prewitt_x`` are written for cross-correlation,
where they respond positively to brightness increasing to the right (growing
column index), and the ``_y`` kernels to brightness increasing downwards
(growing row index). Under a true convolution
(:func:`dlbook.conv.convolve2d`) the kernel is rotated by 180 degrees and
these responses change sign; the symmetric kernels are unaffected.

Example:
    >>> from dlbook.conv import correlate2d
    >>> image = np.array([[0.0, 0.0, 1.0, 1.0]] * 4)  # dark left half, bright right half
    >>> correlate2d(image, get_kernel("sobel_x"))
    array([[4., 4.],
           [4., 4.]])
"""

from __future__ import annotations

import numpy as np

from dlbook.validation import check_choice

__all__ = ["KERNELS", "get_kernel"]


def _kernel(rows: list[list[float]], scale: float = 1.0) -> np.ndarray:
    """A read-only float64 kernel, so the catalogue cannot be changed by accident."""
    kernel = scale * np.array(rows, dtype=np.float64)
    kernel.flags.writeable = False
    return kernel


#: Named classic kernels (float64, read-only); use :func:`get_kernel` for a copy.
KERNELS: dict[str, np.ndarray] = {
    # Leaves the image unchanged.
    "identity": _kernel([[0, 0, 0],
                         [0, 1, 0],
                         [0, 0, 0]]),
    # Ridge or edge detection: centre against all 8 neighbours.
    "edge": _kernel([[-1, -1, -1],
                     [-1,  8, -1],
                     [-1, -1, -1]]),
    # Edge detection with the 4 nearest neighbours (minus the Laplacian).
    "edge_cross": _kernel([[ 0, -1,  0],
                           [-1,  4, -1],
                           [ 0, -1,  0]]),
    # Edge detection along the diagonals.
    "edge_diagonal": _kernel([[ 1, 0, -1],
                              [ 0, 0,  0],
                              [-1, 0,  1]]),
    # The 5-point discrete Laplacian: sum of second differences along rows and columns.
    "laplacian": _kernel([[0,  1, 0],
                          [1, -4, 1],
                          [0,  1, 0]]),
    # Identity plus edge_cross: boosts the difference with the neighbours.
    "sharpen": _kernel([[ 0, -1,  0],
                        [-1,  5, -1],
                        [ 0, -1,  0]]),
    # Mean of the 3x3 neighbourhood.
    "box_blur": _kernel([[1, 1, 1],
                         [1, 1, 1],
                         [1, 1, 1]], 1 / 9),
    # Binomial approximation of a Gaussian: outer([1, 2, 1], [1, 2, 1]) / 16.
    "gaussian_blur_3x3": _kernel([[1, 2, 1],
                                  [2, 4, 2],
                                  [1, 2, 1]], 1 / 16),
    # Binomial approximation of a Gaussian: outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]) / 256.
    "gaussian_blur_5x5": _kernel([[1,  4,  6,  4, 1],
                                  [4, 16, 24, 16, 4],
                                  [6, 24, 36, 24, 6],
                                  [4, 16, 24, 16, 4],
                                  [1,  4,  6,  4, 1]], 1 / 256),
    # Unsharp masking: 2 * identity - gaussian_blur_5x5 (centre 2 - 36/256 = 476/256).
    "unsharp_mask_5x5": _kernel([[1,  4,    6,  4, 1],
                                 [4, 16,   24, 16, 4],
                                 [6, 24, -476, 24, 6],
                                 [4, 16,   24, 16, 4],
                                 [1,  4,    6,  4, 1]], -1 / 256),
    # Sobel: horizontal derivative, smoothed vertically; outer([1, 2, 1], [-1, 0, 1]).
    "sobel_x": _kernel([[-1, 0, 1],
                        [-2, 0, 2],
                        [-1, 0, 1]]),
    # Sobel: vertical derivative, smoothed horizontally; outer([-1, 0, 1], [1, 2, 1]).
    "sobel_y": _kernel([[-1, -2, -1],
                        [ 0,  0,  0],
                        [ 1,  2,  1]]),
    # Prewitt: like Sobel with plain averaging; outer([1, 1, 1], [-1, 0, 1]).
    "prewitt_x": _kernel([[-1, 0, 1],
                          [-1, 0, 1],
                          [-1, 0, 1]]),
    "prewitt_y": _kernel([[-1, -1, -1],
                          [ 0,  0,  0],
                          [ 1,  1,  1]]),
    # Emboss: a diagonal derivative on top of the image, giving a relief look.
    "emboss": _kernel([[-2, -1, 0],
                       [-1,  1, 1],
                       [ 0,  1, 2]]),
}  # fmt: skip


def get_kernel(name: str) -> np.ndarray:
    """Return a writable copy of a named kernel from :data:`KERNELS`.

    Args:
        name: one of the keys of :data:`KERNELS`, e.g. ``"sobel_x"``.

    Returns:
        The kernel as a new float64 array.

    Shape:
        ``(3, 3)``, or ``(5, 5)`` for the 5x5 kernels.

    Raises:
        ValueError: for an unknown name (the message lists the known ones).

    Example:
        >>> get_kernel("sharpen")
        array([[ 0., -1.,  0.],
               [-1.,  5., -1.],
               [ 0., -1.,  0.]])
        >>> float(get_kernel("box_blur").sum())
        1.0
    """
    check_choice(name, "kernel name", tuple(KERNELS))
    return KERNELS[name].copy()
