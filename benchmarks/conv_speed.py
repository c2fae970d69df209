"""Time dlbook's im2col conv2d against torch.nn.functional.conv2d on the CPU, in float32.

Run from the repository root::

    python3 benchmarks/conv_speed.py            # both libraries on 1 thread
    python3 benchmarks/conv_speed.py --threads 2

Both libraries get the same number of threads: the BLAS behind NumPy through the
``*_NUM_THREADS`` environment variables (set before NumPy is imported) and
``threadpoolctl`` when it is installed, PyTorch through ``torch.set_num_threads``
(intra-op) and ``torch.set_num_interop_threads``. The default is 1 thread, which
is fair on a shared machine and makes the ratio independent of how many cores
happen to be free.

Each case is a layer with 3x3 filters, stride 1, padding 1 ("same") and a bias.
After a few warm-up calls, each function is called ``--repeats`` times; the
table reports the median (and minimum) time per call and the ratio
``dlbook / torch`` of the medians. Calls of the two libraries are interleaved
so that a change in machine load affects both alike. The results are printed
and written to ``benchmarks/conv_speed.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads for NumPy's BLAS and for PyTorch (default 1)",
    )
    parser.add_argument(
        "--repeats", type=int, default=30, help="timed calls per function and case (default 30)"
    )
    parser.add_argument("--warmup", type=int, default=3, help="untimed calls first (default 3)")
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name("conv_speed.json"))
    return parser.parse_args()


ARGS = parse_args()
# The BLAS reads these when it is loaded, so they must be set before NumPy is imported.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[variable] = str(ARGS.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(
    0, str(Path(__file__).resolve().parent.parent)
)  # run from a checkout without installing
from dlbook.conv import conv2d  # noqa: E402

CASES = [
    # (name, input shape (N, C_in, H, W), number of 3x3 filters)
    ("MNIST first layer", (64, 1, 28, 28), 32),
    ("second layer", (64, 32, 14, 14), 64),
]


def blas_threads() -> int | str:
    """Threads NumPy's BLAS will use, as reported by threadpoolctl (limited to ARGS.threads)."""
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        return f"{ARGS.threads} (set through environment variables; threadpoolctl not installed)"
    threadpool_limits(ARGS.threads, user_api="blas")
    counts = {info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"}
    return counts.pop() if len(counts) == 1 else str(sorted(counts))


def time_interleaved(
    functions: dict[str, callable], repeats: int, warmup: int
) -> dict[str, list[float]]:
    """Call each function ``warmup`` times, then ``repeats`` times in turn, timing every call."""
    for function in functions.values():
        for _ in range(warmup):
            function()
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return times


def main() -> None:
    torch.set_num_threads(ARGS.threads)
    try:
        torch.set_num_interop_threads(ARGS.threads)
    except RuntimeError:  # only allowed before PyTorch starts parallel work
        pass
    numpy_threads = blas_threads()
    rng = np.random.default_rng(0)
    results = []
    for name, input_shape, filters in CASES:
        x = rng.standard_normal(input_shape, dtype=np.float32)
        weight = rng.standard_normal((filters, input_shape[1], 3, 3), dtype=np.float32) / 3
        bias = rng.standard_normal(filters, dtype=np.float32)
        x_t, weight_t, bias_t = (torch.from_numpy(a) for a in (x, weight, bias))

        ours = conv2d(x, weight, bias, padding=1)  # method="im2col", the default
        theirs = F.conv2d(x_t, weight_t, bias_t, padding=1).numpy()
        assert ours.dtype == np.float32, f"float32 input gave {ours.dtype}"
        max_error = float(np.abs(ours - theirs).max())

        with torch.inference_mode():
            times = time_interleaved(
                {  # the default arguments bind this case's arrays (ruff B023)
                    "dlbook": lambda x=x, w=weight, b=bias: conv2d(x, w, b, padding=1),
                    "torch": lambda x=x_t, w=weight_t, b=bias_t: F.conv2d(x, w, b, padding=1),
                },
                ARGS.repeats,
                ARGS.warmup,
            )
        median = {lib: statistics.median(t) * 1e3 for lib, t in times.items()}
        fastest = {lib: min(t) * 1e3 for lib, t in times.items()}
        results.append(
            {
                "case": name,
                "input_shape": list(input_shape),
                "weight_shape": list(weight.shape),
                "padding": 1,
                "stride": 1,
                "dtype": str(ours.dtype),
                "dlbook_im2col_median_ms": round(median["dlbook"], 4),
                "torch_median_ms": round(median["torch"], 4),
                "dlbook_im2col_min_ms": round(fastest["dlbook"], 4),
                "torch_min_ms": round(fastest["torch"], 4),
                "ratio_median": round(median["dlbook"] / median["torch"], 3),
                "max_abs_error_vs_torch": max_error,
            }
        )

    header = (
        f"{'case':<18} {'input':<18} {'weight':<16} {'dlbook ms':>10} {'torch ms':>10} {'ratio':>7}"
    )
    print(
        f"conv2d forward, float32, CPU, {ARGS.threads} thread(s) each, median of {ARGS.repeats} calls"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['case']:<18} {str(tuple(r['input_shape'])):<18} {str(tuple(r['weight_shape'])):<16} "
            f"{r['dlbook_im2col_median_ms']:>10.2f} {r['torch_median_ms']:>10.2f} {r['ratio_median']:>7.2f}"
        )
    print("ratio = dlbook im2col median / torch median (target: at most 5)")

    report = {
        "benchmark": "dlbook.conv.conv2d (method='im2col') vs torch.nn.functional.conv2d, forward, float32, CPU",
        "threads": {
            "numpy_blas": numpy_threads,
            "torch_intra_op": torch.get_num_threads(),
            "torch_inter_op": torch.get_num_interop_threads(),
        },
        "repeats": ARGS.repeats,
        "warmup": ARGS.warmup,
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "torch": torch.__version__,
        },
        "machine": platform.processor() or platform.machine(),
        "cases": results,
    }
    ARGS.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {ARGS.output}")


if __name__ == "__main__":
    main()
