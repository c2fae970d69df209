"""dlbook.testing.assert_close: passes what is close, names the worst deviation otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.testing import assert_close, to_numpy, to_torch


def test_close_values_pass_in_every_form():
    torch = pytest.importorskip("torch")
    x = np.linspace(0, 1, 6).reshape(2, 3)
    assert_close(x, x + 1e-12, atol=1e-10)
    assert_close(torch.tensor(x), x, rtol=0, atol=0)
    assert_close(x.tolist(), torch.tensor(x, dtype=torch.float32), atol=1e-7)
    assert_close([np.nan, 1.0], [np.nan, 1.0])


def test_the_message_names_the_largest_deviation_and_its_index():
    actual = np.zeros((2, 3))
    expected = actual.copy()
    expected[1, 2], expected[0, 0] = 0.5, 0.1
    with pytest.raises(AssertionError) as info:
        assert_close(actual, expected, atol=0.01, msg="conv2d")
    text = str(info.value)
    assert text.startswith("conv2d: arrays differ")
    assert "0.5 at index (1, 2)" in text and "2 of 6 elements" in text


def test_shape_mismatch_and_nan_placement_fail():
    with pytest.raises(AssertionError, match=r"shapes differ: actual \(3,\), expected \(1, 3\)"):
        assert_close(np.zeros(3), np.zeros((1, 3)))
    with pytest.raises(AssertionError, match="index"):
        assert_close([np.nan, 1.0], [1.0, 1.0])


def test_negative_tolerance_is_rejected():
    with pytest.raises(ValueError, match="non-negative"):
        assert_close(1.0, 1.0, rtol=-1)


def test_conversions():
    torch = pytest.importorskip("torch")
    t = torch.ones(2, requires_grad=True) * 2
    assert isinstance(to_numpy(t), np.ndarray) and to_numpy(t).tolist() == [2.0, 2.0]
    assert to_torch(np.zeros(2)).dtype == torch.float64
    assert to_torch([1, 2], dtype=torch.float32).dtype == torch.float32
