"""The chapter tooling and the book configuration: pair checks, execution, benchmark table, URLs."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
import tomllib
import yaml

import dlbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import benchmark  # noqa: E402

import chapters  # noqa: E402

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A copy of the book's config and chapter pairs that the tests may break."""
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "chapters").mkdir()
    for source in sorted((ROOT / "chapters").glob("*.md")):  # every pair the copied _toc.yml lists
        for suffix in (".md", ".ipynb"):
            shutil.copy(
                source.with_suffix(suffix), tmp_path / "chapters" / source.with_suffix(suffix).name
            )
    monkeypatch.setattr(chapters, "ROOT", tmp_path)
    monkeypatch.setattr(chapters, "CHAPTERS", tmp_path / "chapters")
    monkeypatch.setattr(chapters, "TOC", tmp_path / "_toc.yml")
    monkeypatch.setattr(chapters, "CONFIG", tmp_path / "_config.yml")
    return tmp_path


def test_repository_pairs_are_clean():
    assert chapters.check() == []


def test_sandbox_starts_clean(sandbox):
    assert chapters.check() == []


def test_edited_source_is_detected(sandbox):
    md = sandbox / "chapters" / "01_history.md"
    md.write_text(md.read_text().replace('print(f"learned rule', 'print(f"the learned rule', 1))
    problems = chapters.check()
    assert len(problems) == 1 and "differ" in problems[0]


def test_changed_tag_is_detected(sandbox):
    md = sandbox / "chapters" / "01_history.md"
    md.write_text(md.read_text().replace(":tags: [nbval-ignore-output]", ":tags: [nbval-skip]", 1))
    assert any("differ" in p for p in chapters.check())


def test_unexecuted_cell_is_detected(sandbox):
    path = sandbox / "chapters" / "01_history.ipynb"
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[3].execution_count = None
    code[3].outputs = []
    nbformat.write(nb, path)
    assert any("no stored output" in p for p in chapters.check())


def test_missing_pair_colab_cell_and_toc_entry(sandbox):
    (sandbox / "chapters" / "01_history.ipynb").unlink()
    assert any("no paired 01_history.ipynb" in p for p in chapters.check())
    new_md = sandbox / "chapters" / "02_bare.md"
    new_md.write_text(
        "---\njupytext:\n  formats: ipynb,md:myst\n---\n\n# Bare\n\n```{code-cell} ipython3\n1 + 1\n```\n"
    )
    import jupytext

    jupytext.write(
        jupytext.read(new_md), new_md.with_suffix(".ipynb"), fmt="ipynb"
    )  # never executed
    problems = "\n".join(chapters.check())
    assert "02_bare.md: the Colab install cell is missing" in problems
    assert "02_bare.md: not listed in _toc.yml" in problems
    assert "02_bare.ipynb: code cell 1 has no stored output" in problems


def test_execute_writes_clean_deterministic_outputs(sandbox):
    md = sandbox / "chapters" / "02_tiny.md"
    md.write_text(
        "---\njupytext:\n  formats: ipynb,md:myst\nkernelspec:\n  display_name: Python 3\n"
        "  language: python\n  name: python3\n---\n\n# Tiny\n\n"
        "```{code-cell} ipython3\nimport os, sys\nprint(os.environ.get('TQDM_DISABLE'), 6 * 7)\n"
        "print('progress 50%|#####', file=sys.stderr)\n```\n"
    )
    chapters.execute(md)
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code"]
    assert cell.execution_count == 1
    assert [o.get("name") for o in cell.outputs] == ["stdout"]  # stderr dropped
    assert cell.outputs[0].text == "1 42\n"  # progress bars disabled in the kernel
    assert "execution" not in cell.metadata
    assert nb.metadata["jupytext"]["formats"] == "ipynb,md:myst"
    first_ids = [c.id for c in nb.cells]
    chapters.execute(md)
    assert [c.id for c in nbformat.read(md.with_suffix(".ipynb"), as_version=4).cells] == first_ids


def test_new_chapter_is_created_listed_and_executed(sandbox):
    chapters.new("02_sample", "A sample chapter")
    assert "chapters/02_sample" in chapters.toc_files()
    assert chapters.check() == []
    with pytest.raises(SystemExit, match="two digits"):
        chapters.new("sample", "No number")


def test_repository_url_has_one_source_of_truth():
    url = CONFIG["repository"]["url"]
    assert dlbook.REPOSITORY_URL == url
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["urls"]["Homepage"] == url
    assert url in chapters.colab_cell_source()


def test_book_configuration():
    assert CONFIG["execute"]["execute_notebooks"] == "off"
    assert "chapters/*.md" in CONFIG["exclude_patterns"]
    assert CONFIG["launch_buttons"]["colab_url"].startswith("https://colab.research.google.com")
    assert CONFIG["launch_buttons"]["binderhub_url"].startswith("https://mybinder.org")
    extensions = CONFIG["sphinx"]["extra_extensions"]
    assert "sphinx_exercise" in extensions and "sphinx.ext.autodoc" in extensions
    assert CONFIG["bibtex_bibfiles"] == ["references.bib"]


def test_benchmark_table_is_generated_from_results(tmp_path, monkeypatch):
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    monkeypatch.setattr(benchmark, "TABLE", tmp_path / "results.md")
    benchmark.write_table(results)
    assert (tmp_path / "results.md").read_text() == (ROOT / "benchmarks" / "results.md").read_text()
    measured = {row["chapter"] for row in results["chapters"]}
    assert measured == {p.stem for p in (ROOT / "chapters").glob("*.ipynb")}, "re-run make bench"


def test_benchmark_flags_chapters_over_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(benchmark, "TABLE", tmp_path / "results.md")
    results = {
        "date": "2026-01-01",
        "machine": {
            k: "x"
            for k in (
                "cpu",
                "cores",
                "memory_gb",
                "os",
                "python",
                "numpy",
                "torch",
                "tensorflow",
                "keras",
            )
        },
        "chapters": [
            {"chapter": "01_fast", "wall_s": 10.0, "peak_mb": 500.0},
            {"chapter": "02_slow", "wall_s": 125.0, "peak_mb": 500.0},
            {
                "chapter": "05_cnn",
                "wall_s": 200.0,
                "peak_mb": 500.0,
                "results": {
                    "05_cnn/cnn_test_accuracy": {
                        "value": 0.905,
                        "at_least": 0.91,
                        "at_most": None,
                        "unit": "",
                        "met": False,
                    },
                    "05_cnn/train_seconds": {
                        "value": 80.0,
                        "at_least": None,
                        "at_most": None,
                        "unit": "s",
                        "met": None,
                    },
                },
            },
        ],
        "total_s": 335.0,
        "build_s": 70.0,
    }
    benchmark.write_table(results)
    table = (tmp_path / "results.md").read_text()
    assert "| 01_fast | 10.0 | 120 | 500 | yes |" in table
    assert "| 02_slow | 125.0 | 120 | 500 | **no** |" in table
    assert "| 05_cnn | 200.0 | 240 | 500 | yes |" in table  # chapter 5 has 240 s
    assert "| HTML build (`jupyter book build . -W`) | 70.0 | 60 | | **no** |" in table
    assert "| 05_cnn | cnn test accuracy | 0.905 | >= 0.91 | **no** |" in table
    assert "| 05_cnn | train seconds | 80 s |  |  |" in table
