"""Fixtures shared by the unit tests."""

from __future__ import annotations

import warnings

import pytest


@pytest.fixture(scope="module")
def one_torch_thread():
    """Run PyTorch on one thread: for tiny tensors its thread pool only adds overhead (10x on a busy 2-core machine)."""
    torch = pytest.importorskip("torch")
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture
def warnings_are_errors():
    """Turn every warning (NumPy overflow, divide by zero, invalid value) into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
