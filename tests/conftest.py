"""Fixtures shared by the unit tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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


@pytest.fixture(scope="session")
def dlbook_wheel(tmp_path_factory) -> Path:
    """A wheel of this tree's dlbook, built from a copy so that no build/ lands in the checkout."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "dlbook", source / "dlbook", ignore=shutil.ignore_patterns("__pycache__")
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp),
            str(source),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = tmp.glob("dlbook-*.whl")
    return wheel
