"""Pytest configuration shared by the unit tests and the nbval notebook tests."""

from __future__ import annotations

import os

# Progress bars are for readers: keep them out of executed reference outputs.
# Kernels started by nbval inherit this environment.
os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def pytest_collectstart(collector):
    """Tell nbval not to compare stderr (warnings, progress bars) or rich HTML/JS outputs."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("text/html", "application/javascript", "stderr")
