"""Reproducibility helpers: seeding every random number generator, picking a device, timing.

PyTorch and TensorFlow are seeded only when they are already imported, so calling
:func:`seed_everything` never imports a framework you are not using.

Example:
    >>> import numpy as np
    >>> seed_everything(0)
    0
    >>> a = np.random.rand()
    >>> _ = seed_everything(0)
    >>> a == np.random.rand()
    True
"""

from __future__ import annotations

import os
import random
import sys
import time
from typing import Any

import numpy as np

from dlbook.validation import check_choice, check_positive_int

__all__ = ["seed_everything", "get_device", "device_name", "Timer"]


def seed_everything(seed: int = 0, *, deterministic: bool = False) -> int:
    """Seed Python, NumPy and, when imported, PyTorch, TensorFlow and Keras.

    Args:
        seed: a non-negative integer.
        deterministic: also ask PyTorch and TensorFlow for deterministic kernels
            (slower on some GPU operations; bitwise repeatable runs).

    Returns:
        The seed, so a notebook can print what it used.

    Example:
        >>> seed_everything(42)
        42
    """
    seed = check_positive_int(seed, "seed", minimum=0)
    os.environ["PYTHONHASHSEED"] = str(seed)  # inherited by subprocesses
    random.seed(seed)
    np.random.seed(seed)
    if "torch" in sys.modules:
        import torch

        torch.manual_seed(seed)  # also seeds every CUDA device
        if deterministic:
            torch.use_deterministic_algorithms(True, warn_only=True)
            torch.backends.cudnn.benchmark = False
    if "keras" in sys.modules:
        import keras

        keras.utils.set_random_seed(seed)  # seeds Python, NumPy and the backend
    elif "tensorflow" in sys.modules:
        import tensorflow as tf

        tf.random.set_seed(seed)
    if deterministic and "tensorflow" in sys.modules:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    return seed


def get_device(prefer: str | None = None) -> Any:
    """Return the best available ``torch.device``: CUDA, then Apple's MPS, then CPU.

    Args:
        prefer: force ``"cuda"``, ``"mps"`` or ``"cpu"``; ``None`` picks the best.

    Returns:
        A ``torch.device``.

    Raises:
        ValueError: if ``prefer`` names a device that is not available.

    Example:
        >>> get_device("cpu")
        device(type='cpu')
    """
    import torch

    if prefer is not None:
        check_choice(prefer, "prefer", ("cuda", "mps", "cpu"))
        available = {
            "cuda": torch.cuda.is_available(),
            "mps": getattr(torch.backends, "mps", None) is not None
            and torch.backends.mps.is_available(),
            "cpu": True,
        }
        if not available[prefer]:
            raise ValueError(
                f"device {prefer!r} was requested but is not available on this machine"
            )
        return torch.device(prefer)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def device_name(device: Any = None) -> str:
    """Describe a torch device in words, e.g. ``'cpu (2 cores)'`` or the GPU's name.

    Example:
        >>> device_name("cpu").startswith("cpu")
        True
    """
    import torch

    device = torch.device(device) if device is not None else get_device()
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    if device.type == "cpu":
        return f"cpu ({os.cpu_count()} cores)"
    return device.type


class Timer:
    """A context manager that measures wall-clock time with ``time.perf_counter``.

    Example:
        >>> with Timer() as t:
        ...     _ = sum(range(1000))
        >>> t.elapsed >= 0
        True
    """

    def __init__(self) -> None:
        self.start: float | None = None
        self.elapsed: float = 0.0

    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.start is not None
        self.elapsed = time.perf_counter() - self.start

    def __repr__(self) -> str:
        return f"Timer(elapsed={self.elapsed:.4f} s)"
