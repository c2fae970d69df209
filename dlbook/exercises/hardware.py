"""Exercises on the cost of computation: counting the FLOPs of a matrix product."""

from dlbook.exercises.core import Exercise, match_number, register

register(
    Exercise(
        id="matmul-flops",
        title="FLOPs of a matrix product",
        answer=2 * 64**3,
        matcher=match_number(rtol=1e-9),
        hints=(
            "each entry of the n x m result is a dot product of length k.",
            "a dot product of length k costs k multiplications and k additions (count k - 1 + 1 = k).",
        ),
        solution=(
            "# Each of the n*m outputs needs k multiplications and k additions:\n"
            "n = m = k = 64\n"
            "flops = 2 * n * m * k   # 524,288\n"
        ),
    )
)

register(
    Exercise(
        id="gflops-from-time",
        title="Throughput from a measured time",
        answer=2 * 1024**3 / 0.05 / 1e9,
        matcher=match_number(rtol=1e-3),
        hints=(
            "first count the floating-point operations of a 1024 x 1024 by 1024 x 1024 product: 2 n^3.",
            "divide the count by the seconds, then by 1e9 to get GFLOP/s.",
        ),
        solution="gflops = 2 * 1024**3 / 0.05 / 1e9   # about 42.9 GFLOP/s\n",
    )
)
