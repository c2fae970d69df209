"""A chapter runs as a Colab reader runs it: away from the repository, dlbook from a built wheel.

The wheel is built from this tree and installed into a private folder; one executed chapter is
copied, alone, into another folder, and nbval re-executes it there against its reference outputs.
So no chapter may read the repository's layout (``../dlbook/...``, ``../data``), and code shown
with ``dlbook.source.show_source`` must come out of the installed package identically.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Chapter 3 shows package code (show_source) and exercise solutions that are package functions.
CHAPTER = ROOT / "chapters" / "03_backprop.ipynb"


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    out = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]
    return out


@pytest.mark.slow
def test_a_chapter_runs_outside_the_clone_with_dlbook_from_a_wheel(tmp_path, dlbook_wheel):
    site, reader = tmp_path / "site", tmp_path / "reader"
    wheel = dlbook_wheel
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ]
    )
    reader.mkdir()
    shutil.copy(CHAPTER, reader)
    # nbval's settings of the course (not the chapter's): skip stderr and rich HTML, mask addresses.
    shutil.copy(ROOT / "conftest.py", reader)
    shutil.copy(ROOT / "tests" / "nbval_sanitize.cfg", reader)
    env = {**os.environ, "PYTHONPATH": str(site), "TQDM_DISABLE": "1", "PYTHONHASHSEED": "0"}
    env.pop("MPLBACKEND", None)
    where = _run(
        [sys.executable, "-c", "import dlbook; print(dlbook.__file__)"], cwd=reader, env=env
    )
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(reader),
            "-c",
            os.devnull,
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            "nbval_sanitize.cfg",
            CHAPTER.name,
        ],
        cwd=reader,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stdout[-6000:]
    assert " passed" in out.stdout and "failed" not in out.stdout
