#!/usr/bin/env python3
"""Execute every chapter in a fresh kernel; record wall time and peak memory per chapter.

Writes ``benchmarks/results.json`` (the measurements, each chapter's headline results recorded
with ``dlbook.results.record``, the HTML build time and the machine) and ``benchmarks/results.md``
(the tables the book's benchmark appendix includes).

    python tools/benchmark.py                 # every chapter
    python tools/benchmark.py chapters/01_history.ipynb

Peak memory is the largest resident set size of the kernel process (and anything it started),
read with ``getrusage(RUSAGE_CHILDREN)`` in a separate process per chapter, so chapters do not
see each other's peaks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.json"
TABLE = ROOT / "benchmarks" / "results.md"
# Budgets on the 2-core CI machine: seconds per chapter (by chapter number), memory, the book.
CHAPTER_BUDGET_S = {"05": 240.0, "07": 180.0}
DEFAULT_BUDGET_S = 120.0
BUDGET_MB, BOOK_BUDGET_S, BUILD_BUDGET_S = 3072.0, 720.0, 60.0


def budget_s(chapter: str) -> float:
    """The wall-time budget of a chapter such as ``05_cnn``."""
    return CHAPTER_BUDGET_S.get(chapter[:2], DEFAULT_BUDGET_S)


sys.path.insert(0, str(ROOT / "tools"))
from chapters import KERNEL_ENV  # noqa: E402
from dlbook.results import ENV_VAR as RESULTS_ENV  # noqa: E402
from dlbook.results import Result  # noqa: E402


def run_one(path: Path) -> dict:
    """Execute one notebook in this process's kernel child and report time and peak memory."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    results_file = Path(os.environ[RESULTS_ENV]) if RESULTS_ENV in os.environ else None
    client = NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    recorded = {}
    if results_file is not None and results_file.exists():
        for line in results_file.read_text().splitlines():
            row = json.loads(line)
            recorded[row.pop("name")] = row  # a name recorded twice keeps its last value
    return {
        "chapter": path.stem,
        "wall_s": round(wall, 1),
        "peak_mb": round(peak_kb / 1024, 0),
        "results": recorded,
    }


def time_book_build() -> float:
    """Wall time of a clean ``jupyter book build . -W`` (into a temporary folder)."""
    import tempfile

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "jupyter",
                "book",
                "build",
                str(ROOT),
                "-W",
                "--path-output",
                out,
            ],
            check=True,
            capture_output=True,
        )
        return round(time.perf_counter() - start, 1)


def _format_value(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1e-3 or abs(value) >= 1e4 else f"{value:.4g}"


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory_gb = round(pages / 2**30, 1)
    except (ValueError, OSError):
        memory_gb = None
    info = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }
    for module in ("numpy", "torch", "tensorflow", "keras"):
        try:
            out = subprocess.run(
                [sys.executable, "-c", f"import {module}; print({module}.__version__)"],
                capture_output=True,
                text=True,
                timeout=120,
                env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
            )
            info[module] = out.stdout.strip() or None
        except subprocess.TimeoutExpired:
            info[module] = None
    return info


def write_table(results: dict) -> None:
    m = results["machine"]
    lines = [
        f"Measured on {results['date']}: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB memory, "
        f"{m['os']}, Python {m['python']}, NumPy {m['numpy']}, PyTorch {m['torch']}, "
        f"TensorFlow {m['tensorflow']}, Keras {m['keras']}.",
        "",
        "| Chapter | Wall time (s) | Budget (s) | Peak memory (MB) | Within budget |",
        "|---|---:|---:|---:|:---:|",
    ]
    for row in results["chapters"]:
        budget = budget_s(row["chapter"])
        ok = row["wall_s"] <= budget and row["peak_mb"] <= BUDGET_MB
        lines.append(
            f"| {row['chapter']} | {row['wall_s']:.1f} | {budget:.0f} | {row['peak_mb']:.0f} "
            f"| {'yes' if ok else '**no**'} |"
        )
    total = results["total_s"]
    lines.append(
        f"| **whole book** | **{total:.1f}** | {BOOK_BUDGET_S:.0f} | "
        f"| {'yes' if total <= BOOK_BUDGET_S else '**no**'} |"
    )
    build = results.get("build_s")
    if build is not None:
        lines.append(
            f"| HTML build (`jupyter book build . -W`) | {build:.1f} | {BUILD_BUDGET_S:.0f} | "
            f"| {'yes' if build <= BUILD_BUDGET_S else '**no**'} |"
        )
    lines.append("")
    lines.append(
        f"Budgets: chapter 5 {CHAPTER_BUDGET_S['05']:.0f} s, chapter 7 {CHAPTER_BUDGET_S['07']:.0f} s, "
        f"every other chapter {DEFAULT_BUDGET_S:.0f} s; {BUDGET_MB:.0f} MB per chapter; "
        f"{BOOK_BUDGET_S:.0f} s for the whole book; {BUILD_BUDGET_S:.0f} s for the HTML build."
    )
    headline = [
        (row["chapter"], name, r)
        for row in results["chapters"]
        for name, r in row.get("results", {}).items()
    ]
    if headline:
        lines += [
            "",
            "**Headline results** (recorded by each chapter with `dlbook.results.record`):",
            "",
            "| Chapter | Result | Value | Target | Met |",
            "|---|---|---:|:---:|:---:|",
        ]
        for chapter, name, r in headline:
            target = Result(name, r["value"], r.get("at_least"), r.get("at_most")).target
            met = {True: "yes", False: "**no**", None: ""}[r.get("met")]
            unit = f" {r['unit']}" if r.get("unit") else ""
            short = name.split("/", 1)[1].replace("_", " ")
            lines.append(
                f"| {chapter} | {short} | {_format_value(r['value'])}{unit} | {target} | {met} |"
            )
    TABLE.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-build", action="store_true", help="do not time the HTML build")
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one.resolve())))
        return 0

    notebooks = args.notebooks or sorted((ROOT / "chapters").glob("*.ipynb"))
    env = {**os.environ, **KERNEL_ENV}
    env.pop("MPLBACKEND", None)
    rows = []
    for nb in notebooks:
        print(f"executing {nb.name} ...", flush=True)
        results_file = RESULTS.parent / f".{nb.stem}.results.jsonl"
        results_file.unlink(missing_ok=True)
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(nb)],
            capture_output=True,
            text=True,
            env={**env, RESULTS_ENV: str(results_file)},
        )
        results_file.unlink(missing_ok=True)
        if out.returncode != 0:
            print(out.stderr[-3000:], file=sys.stderr)
            raise SystemExit(f"{nb.name} failed to execute")
        row = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"  {row['wall_s']:.1f} s, {row['peak_mb']:.0f} MB")
        rows.append(row)
    if args.notebooks and RESULTS.exists():  # a partial run updates the chapters it measured
        old = {r["chapter"]: r for r in json.loads(RESULTS.read_text())["chapters"]}
        old.update({r["chapter"]: r for r in rows})
        rows = [old[k] for k in sorted(old)]
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if args.no_build:
        build_s = previous.get("build_s")
    else:
        print("timing the HTML build ...", flush=True)
        build_s = time_book_build()
        print(f"  {build_s:.1f} s")
    results = {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "budgets": {
            "chapter_wall_s": {**{"default": DEFAULT_BUDGET_S}, **CHAPTER_BUDGET_S},
            "chapter_peak_mb": BUDGET_MB,
            "book_wall_s": BOOK_BUDGET_S,
            "build_wall_s": BUILD_BUDGET_S,
        },
        "chapters": rows,
        "total_s": round(sum(r["wall_s"] for r in rows), 1),
        "build_s": build_s,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    write_table(results)
    print(f"wrote {RESULTS.relative_to(ROOT)} and {TABLE.relative_to(ROOT)}")
    over = [
        r["chapter"]
        for r in rows
        if r["wall_s"] > budget_s(r["chapter"]) or r["peak_mb"] > BUDGET_MB
    ]
    if over:
        print(f"over budget: {', '.join(over)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
