"""Seeding, device choice and timing."""

import random
import time

import numpy as np
import pytest

from dlbook.repro import Timer, device_name, get_device, seed_everything


def test_seed_everything_repeats_python_and_numpy():
    seed_everything(123)
    a = (random.random(), np.random.rand(3))
    seed_everything(123)
    b = (random.random(), np.random.rand(3))
    assert a[0] == b[0] and np.array_equal(a[1], b[1])


def test_seed_everything_seeds_imported_torch():
    torch = pytest.importorskip("torch")
    seed_everything(7)
    x = torch.rand(4)
    seed_everything(7)
    assert torch.equal(x, torch.rand(4))


def test_seed_must_be_a_non_negative_int():
    with pytest.raises(ValueError, match="seed must be >= 0"):
        seed_everything(-1)
    with pytest.raises(TypeError, match="seed must be an integer"):
        seed_everything("0")


def test_device_choice():
    torch = pytest.importorskip("torch")
    device = get_device()
    assert device.type == ("cuda" if torch.cuda.is_available() else device.type)
    assert get_device("cpu").type == "cpu"
    assert device_name("cpu").startswith("cpu (")
    with pytest.raises(ValueError, match="prefer must be one of"):
        get_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="not available"):
            get_device("cuda")


def test_timer_measures_sleep():
    with Timer() as t:
        time.sleep(0.05)
    assert 0.04 < t.elapsed < 1.0
    assert "elapsed" in repr(t)
