"""The convolution exercises: reference answers recomputed with dlbook, SciPy and PyTorch; helpful messages."""

from __future__ import annotations

import numpy as np
import scipy.signal
import torch

from dlbook.conv import correlate2d, output_size, receptive_field
from dlbook.exercises import check, get_exercise
from dlbook.exercises.convolution import BY_HAND_INPUT, BY_HAND_KERNEL
from dlbook.pooling import pool_output_size


def test_by_hand_answer_is_the_cross_correlation() -> None:
    expected = get_exercise("conv-by-hand").expected()
    np.testing.assert_array_equal(
        expected, scipy.signal.correlate2d(BY_HAND_INPUT, BY_HAND_KERNEL, mode="valid")
    )
    np.testing.assert_array_equal(expected, correlate2d(BY_HAND_INPUT, BY_HAND_KERNEL))
    x = torch.tensor(BY_HAND_INPUT, dtype=torch.float64)[None, None]
    w = torch.tensor(BY_HAND_KERNEL, dtype=torch.float64)[None, None]
    np.testing.assert_array_equal(expected, torch.nn.functional.conv2d(x, w)[0, 0].numpy())


def test_by_hand_flipped_kernel_gets_a_specific_message() -> None:
    flipped = scipy.signal.convolve2d(BY_HAND_INPUT, BY_HAND_KERNEL, mode="valid")
    result = check("conv-by-hand", flipped)
    assert not result.passed and "kernel flipped" in result.message
    other = check("conv-by-hand", np.zeros((3, 3)))
    assert not other.passed and "9 of 9 entries differ" in other.message


def test_size_parameter_and_receptive_field_answers() -> None:
    assert get_exercise("conv-output-size").expected() == pool_output_size(
        output_size(224, 7, 3, 2), 3, 2, 1
    )
    x = torch.zeros(1, 3, 224, 224)
    y = torch.nn.functional.max_pool2d(
        torch.nn.functional.conv2d(x, torch.zeros(64, 3, 7, 7), stride=2, padding=3), 3, 2, 1
    )
    assert y.shape[-1] == get_exercise("conv-output-size").expected()
    layer = torch.nn.Conv2d(64, 128, 3)
    assert sum(p.numel() for p in layer.parameters()) == get_exercise("conv-parameters").expected()
    stack = [(3, 1), (3, 1), (2, 2), (3, 1), (3, 1)]
    assert receptive_field(stack).size == get_exercise("receptive-field-size").expected()


def test_convolve_1d_rejects_common_mistakes() -> None:
    assert check("convolve-1d", np.convolve).passed
    assert not check("convolve-1d", lambda x, w: np.convolve(x, w, mode="valid")).passed
    assert not check("convolve-1d", lambda x, w: np.correlate(x, w, mode="full")).passed  # no flip
    assert not check("convolve-1d", 3).passed
