"""Measuring compute: the floating-point throughput of matrix multiplication.

A product of an (n, k) and a (k, m) matrix costs ``2 * n * k * m`` floating-point operations
(one multiplication and one addition per term of each dot product). Dividing that count by the
measured time gives the throughput in FLOP/s, the number that made GPUs decisive for deep learning.

Example:
    >>> matmul_flops(2, 3, 4)
    48
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from dlbook.validation import check_choice, check_positive_int

__all__ = ["CLOCKS", "matmul_flops", "matmul_gflops", "matmul_throughput_table"]


def matmul_flops(n: int, k: int, m: int) -> int:
    """Return the floating-point operations of an (n, k) @ (k, m) product: ``2 * n * k * m``.

    Example:
        >>> matmul_flops(1024, 1024, 1024)
        2147483648
    """
    for value, name in ((n, "n"), (k, "k"), (m, "m")):
        check_positive_int(value, name)
    return 2 * n * k * m


#: How time is read: ``"wall"`` is the time on the clock on the wall; ``"thread"`` is the processor
#: time the calling thread received, which other programs on a busy machine cannot inflate (it
#: counts single-threaded CPU work only: limit the libraries to one thread and use the CPU).
CLOCKS = {"wall": time.perf_counter, "thread": time.thread_time}


def _timed_best(run: Any, sync: Any, repeats: int, min_time: float, clock: Any) -> float:
    run()  # warm-up: allocations, library start-up, GPU kernels
    sync()
    best = float("inf")
    for _ in range(repeats):
        calls = 0
        start = clock()
        while True:
            run()
            calls += 1
            sync()
            elapsed = clock() - start
            if elapsed >= min_time:
                break
        best = min(best, elapsed / calls)
    return best


def matmul_gflops(
    n: int,
    *,
    backend: str = "numpy",
    device: str | None = None,
    dtype: str = "float32",
    repeats: int = 3,
    min_time: float = 0.02,
    seed: int = 0,
    clock: str = "wall",
) -> float:
    """Measure the throughput of an (n, n) @ (n, n) product in GFLOP/s (best of ``repeats``).

    Each repeat runs the product as many times as needed to last ``min_time`` seconds, so
    small sizes are not dominated by the timer's resolution.

    Args:
        n: the matrix size.
        backend: ``"numpy"`` or ``"torch"``.
        device: for torch, ``"cpu"`` or ``"cuda"`` (``None``: CPU).
        dtype: ``"float32"`` or ``"float64"``.
        repeats: the number of timed repeats.
        min_time: the minimum duration of one repeat, in seconds.
        seed: seeds the random matrices.
        clock: ``"wall"`` (elapsed time) or ``"thread"`` (processor time of the calling thread,
            robust to other programs; for single-threaded CPU work only), see :data:`CLOCKS`.

    Returns:
        Billions of floating-point operations per second.

    Example:
        >>> matmul_gflops(64, repeats=1, min_time=0.001) > 0
        True
    """
    n = check_positive_int(n, "n")
    repeats = check_positive_int(repeats, "repeats")
    check_choice(backend, "backend", ("numpy", "torch"))
    check_choice(dtype, "dtype", ("float32", "float64"))
    check_choice(clock, "clock", tuple(CLOCKS))
    if clock == "thread" and device not in (None, "cpu"):
        raise ValueError(f"clock='thread' counts CPU time only; got device={device!r}")
    timer = CLOCKS[clock]
    if backend == "numpy":
        if device not in (None, "cpu"):
            raise ValueError(f"the numpy backend runs on the CPU only; got device={device!r}")
        rng = np.random.default_rng(seed)
        a = rng.standard_normal((n, n)).astype(dtype)
        b = rng.standard_normal((n, n)).astype(dtype)
        seconds = _timed_best(lambda: a @ b, lambda: None, repeats, min_time, timer)
    else:
        import torch

        dev = torch.device(device or "cpu")
        gen = torch.Generator(device="cpu").manual_seed(seed)
        a = torch.randn(n, n, generator=gen, dtype=getattr(torch, dtype)).to(dev)
        b = torch.randn(n, n, generator=gen, dtype=getattr(torch, dtype)).to(dev)
        sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
        seconds = _timed_best(lambda: a @ b, sync, repeats, min_time, timer)
    return matmul_flops(n, n, n) / seconds / 1e9


def matmul_throughput_table(
    sizes: Sequence[int],
    *,
    backends: Sequence[tuple[str, str | None]] = (("numpy", None),),
    **kwargs: Any,
) -> Any:
    """Measure :func:`matmul_gflops` for several sizes and backends and return a pandas DataFrame.

    Args:
        sizes: matrix sizes n.
        backends: ``(backend, device)`` pairs, e.g. ``[("numpy", None), ("torch", "cuda")]``.
        **kwargs: passed to :func:`matmul_gflops`.

    Returns:
        A DataFrame with columns ``n``, ``backend``, ``device``, ``gflops``.

    Example:
        >>> matmul_throughput_table([16, 32], repeats=1, min_time=0.001).shape
        (2, 4)
    """
    import pandas as pd

    rows = []
    for backend, device in backends:
        for n in sizes:
            rows.append(
                {
                    "n": n,
                    "backend": backend,
                    "device": device or "cpu",
                    "gflops": matmul_gflops(n, backend=backend, device=device, **kwargs),
                }
            )
    return pd.DataFrame(rows)
