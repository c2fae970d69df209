"""Throughput measurement: the FLOP count and the timing loop."""

import pytest

from dlbook.hardware import matmul_flops, matmul_gflops, matmul_throughput_table


def test_flop_count_by_brute_force():
    # Count the multiply-adds of a naive triple loop.
    n, k, m = 3, 4, 5
    count = 0
    for _ in range(n):
        for _ in range(m):
            for _ in range(k):
                count += 2
    assert matmul_flops(n, k, m) == count == 120


def test_gflops_is_flops_over_time(monkeypatch):
    import dlbook.hardware as hw

    monkeypatch.setattr(hw, "_timed_best", lambda run, sync, repeats, min_time, clock: 0.5)
    assert matmul_gflops(100) == pytest.approx(2 * 100**3 / 0.5 / 1e9)


def test_measurements_are_positive_and_table_has_rows():
    assert matmul_gflops(32, repeats=1, min_time=0.001) > 0
    table = matmul_throughput_table([8, 16], repeats=1, min_time=0.001)
    assert list(table.columns) == ["n", "backend", "device", "gflops"]
    assert (table.gflops > 0).all() and list(table.n) == [8, 16]


def test_thread_clock_counts_this_threads_work_only():
    # Sleeping takes wall time but no processor time: the thread clock does not count it.
    import time

    import dlbook.hardware as hw

    def sleepy_run():
        time.sleep(0.01)

    wall = hw._timed_best(sleepy_run, lambda: None, 2, 0.02, hw.CLOCKS["wall"])
    thread = hw._timed_best(sleepy_run, lambda: None, 2, 0.001, hw.CLOCKS["thread"])
    assert wall >= 0.009 and thread < wall / 3
    assert matmul_gflops(32, repeats=2, min_time=0.001, clock="thread") > 0


def test_torch_backend_on_cpu():
    pytest.importorskip("torch")
    assert matmul_gflops(32, backend="torch", device="cpu", repeats=1, min_time=0.001) > 0


def test_bad_input():
    with pytest.raises(ValueError, match="backend must be one of"):
        matmul_gflops(8, backend="jax")
    with pytest.raises(ValueError, match="n must be >= 1"):
        matmul_gflops(0)
    with pytest.raises(ValueError, match="CPU only"):
        matmul_gflops(8, device="cuda")
    with pytest.raises(ValueError, match="clock must be one of"):
        matmul_gflops(8, clock="cpu")
    with pytest.raises(ValueError, match="CPU time only"):
        matmul_gflops(8, backend="torch", device="cuda", clock="thread")
    with pytest.raises(TypeError, match="k must be an integer"):
        matmul_flops(2, 2.5, 2)
