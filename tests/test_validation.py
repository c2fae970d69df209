"""The input checks used by every public function."""

import numpy as np
import pytest

from dlbook.validation import (
    as_array,
    check_choice,
    check_non_negative,
    check_positive_int,
    check_positive_number,
)


def test_as_array_accepts_and_checks():
    assert as_array([[1, 2]], "x", ndim=2, shape=(1, None)).shape == (1, 2)
    with pytest.raises(ValueError, match=r"x must have 1 or 3 dimensions; got shape \(2, 2\)"):
        as_array(np.zeros((2, 2)), "x", ndim=(1, 3))
    with pytest.raises(ValueError, match=r"w must have shape \(any, 3\); got shape \(2, 2\)"):
        as_array(np.zeros((2, 2)), "w", shape=(None, 3))
    with pytest.raises(TypeError, match="x must hold numbers"):
        as_array(["a", "b"], "x")
    with pytest.raises(TypeError, match="must be array-like"):
        as_array([[1, 2], [3]], "x")


def test_scalar_checks():
    assert check_positive_int(3, "n") == 3
    with pytest.raises(TypeError):
        check_positive_int(True, "n")
    with pytest.raises(ValueError, match="n must be >= 1; got 0"):
        check_positive_int(0, "n")
    assert check_non_negative(0, "lam") == 0.0
    with pytest.raises(ValueError, match="lam must be finite and >= 0; got -1.0"):
        check_non_negative(-1, "lam")
    with pytest.raises(ValueError, match="lr must be finite and > 0; got nan"):
        check_positive_number(float("nan"), "lr")
    with pytest.raises(TypeError, match="lr must be a real number"):
        check_positive_number("0.1", "lr")
    with pytest.raises(ValueError, match="split must be one of 'train', 'test'; got 'val'"):
        check_choice("val", "split", ("train", "test"))


def test_unit_interval_and_rng_checks():
    from dlbook.validation import check_rng, check_unit_interval

    assert check_unit_interval(0, "p") == 0.0
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\); got 1"):
        check_unit_interval(1, "p")
    with pytest.raises(TypeError, match="beta must be a real number"):
        check_unit_interval("0.5", "beta")
    with pytest.raises(TypeError, match="rng must be a np.random.Generator .* got RandomState"):
        check_rng(np.random.RandomState(0))
