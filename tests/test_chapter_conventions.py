"""House rules every chapter follows, checked on the executed notebooks.

- every figure a chapter draws has a caption and a name (so the book numbers and labels it);
- a cell whose printed output is ignored by nbval is checked by an ``assert`` in it or in the next code cell;
- tags, not ``# NBVAL_`` comments; no stored errors unless the cell is tagged ``raises-exception``;
- no timing metadata in the reference outputs; at least two exercises, each with a checked solution.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def tags(cell) -> set[str]:
    return set(cell.metadata.get("tags", []))


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def notebook(request):
    return nbformat.read(request.param, as_version=4)


def test_there_are_chapters():
    assert NOTEBOOKS, "no executed chapters found"


def test_every_figure_is_captioned_and_named(notebook):
    for i, cell in enumerate(code_cells(notebook)):
        draws = any(
            o.get("output_type") == "display_data" and "image/png" in o.get("data", {})
            for o in cell.outputs
        )
        if draws and "remove-cell" not in tags(cell):
            figure = cell.metadata.get("mystnb", {}).get("figure", {})
            assert figure.get("caption") and figure.get("name"), (
                f"code cell {i} draws a figure without mystnb figure caption/name:\n{cell.source[:200]}"
            )


def test_ignored_outputs_are_checked_by_asserts(notebook):
    cells = code_cells(notebook)
    for i, cell in enumerate(cells):
        if "nbval-ignore-output" not in tags(cell):
            continue
        prints = any(o.get("output_type") in ("stream", "execute_result") for o in cell.outputs)
        if not prints:
            continue  # a figure only: images are never compared anyway
        following = cells[i + 1].source if i + 1 < len(cells) else ""
        assert "assert" in cell.source or "assert" in following, (
            f"code cell {i} prints numbers nbval ignores, but neither it nor the next cell asserts anything"
        )


def test_tags_not_comments_and_no_stored_errors(notebook):
    for i, cell in enumerate(code_cells(notebook)):
        assert not re.search(r"#\s*NBVAL_", cell.source), (
            f"code cell {i} uses a # NBVAL_ comment; use a cell tag"
        )
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        if "raises-exception" not in tags(cell):
            assert not errors, f"code cell {i} stored an error: {errors[0].get('ename')}"
        assert "execution" not in cell.metadata, f"code cell {i} keeps timing metadata"


def test_exercises_have_checked_solutions(notebook):
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    exercises = re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)", markdown)
    assert len(exercises) >= 2, "a chapter has at least two exercises"
    solutions = set(re.findall(r"\{solution-start\} (\S+)", markdown))
    assert set(exercises) <= solutions, (
        f"exercises without a solution: {sorted(set(exercises) - solutions)}"
    )
    passed = [
        o
        for c in code_cells(notebook)
        for o in c.outputs
        if o.get("output_type") == "execute_result"
        and o["data"].get("text/plain", "").startswith("✅")
    ]
    assert len(passed) >= len(exercises), "every worked solution calls check() and passes"
