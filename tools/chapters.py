#!/usr/bin/env python3
"""Chapter tooling: create a chapter pair, execute it into reference outputs, check every pair.

Each chapter is a MyST Markdown notebook ``chapters/NN_name.md`` (what we edit and review) paired
with ``chapters/NN_name.ipynb`` (the executed reference outputs that nbval compares, the book
renders and Colab opens). The ``.md`` is always the source: ``execute`` rebuilds the ``.ipynb``
from it, whatever the files' modification times say.

    python tools/chapters.py new 02_ann "Artificial neural networks"
    python tools/chapters.py execute chapters/01_history.md [more.md ...]   (or: --all)
    python tools/chapters.py check
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
TOC = ROOT / "_toc.yml"
CONFIG = ROOT / "_config.yml"

#: Environment of the kernel that produces reference outputs (nbval's kernel gets the same
#: values from conftest.py): no progress bars, a fixed hash seed, quiet TensorFlow.
KERNEL_ENV = {"TQDM_DISABLE": "1", "PYTHONHASHSEED": "0", "TF_CPP_MIN_LOG_LEVEL": "3"}

COLAB_MARKER = '"google.colab" in sys.modules'


def repository_url() -> str:
    """The repository URL, read from _config.yml (its single home)."""
    import yaml

    return yaml.safe_load(CONFIG.read_text())["repository"]["url"]


def colab_cell_source() -> str:
    url = repository_url()
    return (
        "# On Google Colab, install the course package from its repository first.\n"
        "import sys\n\n"
        f"if {COLAB_MARKER}:\n"
        f'    %pip install -q "dlbook[torch,tf,data] @ git+{url}"'
    )


TEMPLATE = """\
---
jupytext:
  formats: ipynb,md:myst
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# {title}

```{{code-cell}} ipython3
:tags: [remove-cell]

{colab}
```

Write the chapter here: short paragraphs, a labelled figure wherever a picture helps, and code
whose outputs are deterministic or tagged `nbval-ignore-output` and followed by asserts.

```{{code-cell}} ipython3
import numpy as np

from dlbook.repro import seed_everything

seed_everything(0)
```
"""


def read(path: Path):
    import jupytext

    return jupytext.read(path)


def cell_key(cell) -> tuple:
    """What must agree between a .md and its .ipynb: type, source and tags of each cell."""
    return (cell.cell_type, cell.source.strip(), tuple(cell.metadata.get("tags", ())))


def stable_id(index: int, cell) -> str:
    digest = hashlib.sha1(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:8]
    return f"c{index:03d}-{digest}"


def execute(md_path: Path, timeout: int = 600) -> float:
    """Execute ``md_path`` in a fresh kernel and write its paired .ipynb; return seconds taken."""
    import jupytext
    from nbclient import NotebookClient

    nb = read(md_path)
    for i, cell in enumerate(nb.cells):
        cell["id"] = stable_id(i, cell)
    env = {**os.environ, **KERNEL_ENV}
    env.pop("MPLBACKEND", None)  # let the kernel use the inline backend
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(md_path.parent)}},
    )
    start = time.perf_counter()
    old_env = os.environ.copy()
    os.environ.clear()
    os.environ.update(env)
    try:
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(old_env)
    elapsed = time.perf_counter() - start
    dropped = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            kept = [
                o
                for o in cell.outputs
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
            dropped += len(cell.outputs) - len(kept)
            cell.outputs = kept
    nb.metadata.pop("widgets", None)
    nb.metadata["jupytext"] = {"formats": "ipynb,md:myst"}
    nb.metadata.setdefault("language_info", {}).pop("version", None)
    jupytext.write(nb, md_path.with_suffix(".ipynb"), fmt="ipynb")
    if dropped:
        print(
            f"  note: dropped {dropped} stderr output(s) (warnings, progress bars) from the reference outputs"
        )
    return elapsed


def toc_files() -> list[str]:
    return re.findall(r"file:\s*(\S+)", TOC.read_text())


def check() -> list[str]:
    """Return every problem that would make the pairs unreliable as regression tests."""
    problems = []
    colab = colab_cell_source()
    listed = set(toc_files())
    for md in sorted(CHAPTERS.glob("*.md")):
        nb_path = md.with_suffix(".ipynb")
        rel = md.relative_to(ROOT).with_suffix("").as_posix()
        if not nb_path.exists():
            problems.append(
                f"{md.name}: no paired {nb_path.name}; run: python tools/chapters.py execute {md.relative_to(ROOT)}"
            )
            continue
        source, executed = read(md), read(nb_path)
        formats = str(source.metadata.get("jupytext", {}).get("formats", ""))
        if "ipynb" not in formats or "md:myst" not in formats:
            problems.append(f"{md.name}: jupytext formats must be 'ipynb,md:myst'; got {formats!r}")
        a = [cell_key(c) for c in source.cells]
        b = [cell_key(c) for c in executed.cells]
        if a != b:
            first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            problems.append(
                f"{md.name} and {nb_path.name} differ (first at cell {first}); re-execute the chapter"
            )
        for i, cell in enumerate(executed.cells):
            if cell.cell_type == "code" and cell.get("execution_count") is None:
                problems.append(
                    f"{nb_path.name}: code cell {i} has no stored output (never executed)"
                )
        if not any(c.cell_type == "code" and c.source.strip() == colab for c in source.cells):
            problems.append(
                f"{md.name}: the Colab install cell is missing or outdated; it must read:\n{colab}"
            )
        if rel not in listed:
            problems.append(f"{md.name}: not listed in _toc.yml")
    for entry in listed:
        if entry.startswith("chapters/") and not (ROOT / f"{entry}.ipynb").exists():
            problems.append(f"_toc.yml lists {entry}, which has no .ipynb")
    return problems


def new(name: str, title: str) -> Path:
    if not re.fullmatch(r"\d\d_[a-z0-9_]+", name):
        raise SystemExit(
            f"a chapter name looks like 02_ann (two digits, underscore, lower-case words); got {name!r}"
        )
    md = CHAPTERS / f"{name}.md"
    if md.exists():
        raise SystemExit(f"{md} exists already")
    md.write_text(TEMPLATE.format(title=title, colab=colab_cell_source()))
    toc = TOC.read_text()
    entries = [e for e in toc_files() if e.startswith("chapters/")]
    anchor = f"      - file: {entries[-1]}\n" if entries else "    chapters:\n"
    TOC.write_text(toc.replace(anchor, anchor + f"      - file: chapters/{name}\n", 1))
    print(f"created {md.relative_to(ROOT)} and listed it in _toc.yml")
    execute(md)
    print(f"executed it into {md.with_suffix('.ipynb').relative_to(ROOT)}")
    return md


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_new = sub.add_parser(
        "new", help="create chapters/NAME.md from the template, execute it, list it in _toc.yml"
    )
    p_new.add_argument("name")
    p_new.add_argument("title")
    p_exec = sub.add_parser(
        "execute", help="execute chapters (.md) into their paired .ipynb reference outputs"
    )
    p_exec.add_argument("chapters", nargs="*", type=Path)
    p_exec.add_argument("--all", action="store_true")
    p_exec.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    sub.add_parser("check", help="check every pair is in sync and executed (CI runs this)")
    args = parser.parse_args(argv)

    if args.command == "new":
        new(args.name, args.title)
    elif args.command == "execute":
        paths = (
            sorted(CHAPTERS.glob("*.md"))
            if args.all
            else [p.with_suffix(".md") for p in args.chapters]
        )
        if not paths:
            parser.error("name chapters to execute, or pass --all")
        for md in paths:
            print(f"executing {md} ...", flush=True)
            seconds = execute(md.resolve(), args.timeout)
            print(f"  wrote {md.with_suffix('.ipynb')} in {seconds:.1f} s")
    else:
        problems = check()
        for problem in problems:
            print(f"- {problem}")
        n = len(list(CHAPTERS.glob("*.md")))
        print(f"chapter pairs: {n} checked, {len(problems)} problem(s)")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
