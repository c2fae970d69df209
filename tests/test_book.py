"""The HTML book as a reader meets it.

- Sphinx reads exactly what ``_toc.yml`` names: a virtualenv, a ``build/`` folder or a reader's
  own notes inside the clone cannot enter (or break) the ``-W`` build.
- The browser check (``tools/check_book.py``, headless Chromium) catches a broken formula.
- The built book (``make test`` builds it first) passes the browser check page by page.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import check_book  # noqa: E402
from sphinx_toc_only import toc_documents  # noqa: E402

CHROMIUM_MISSING = "Chromium is not installed: apt-get install chromium (Debian's package)"


def test_toc_documents_are_the_chapters_and_appendices():
    docs = toc_documents(ROOT / "_toc.yml")
    assert docs[0] == "intro"
    chapters = sorted(
        p.with_suffix("").relative_to(ROOT).as_posix() for p in ROOT.glob("chapters/*.ipynb")
    )
    assert [d for d in docs if d.startswith("chapters/")] == chapters
    assert "appendix/api" in docs


def _mini_book(tmp: Path) -> Path:
    """A two-page book with the course's real configuration, extensions and MathJax, plus decoys."""
    book = tmp / "book"
    (book / "tools").mkdir(parents=True)
    shutil.copy(ROOT / "_config.yml", book)
    shutil.copy(ROOT / "references.bib", book)
    for ext in ("sphinx_toc_only.py", "sphinx_unique_scripts.py"):
        shutil.copy(ROOT / "tools" / ext, book / "tools")
    if (ROOT / "_static").is_dir():
        shutil.copytree(ROOT / "_static", book / "_static")
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: good\n  - file: bad\n"
    )
    (book / "intro.md").write_text("# A small book\n\nThe course's configuration, two pages.\n")
    (book / "good.md").write_text("# Good\n\nInline $a^2 + b^2 = c^2$ and\n\n$$\\frac{1}{2}$$\n")
    (book / "bad.md").write_text("# Bad\n\nA typo: $\\frac{1}{$ here.\n")
    # Decoys: what a reader's clone may hold. Each would warn (not in any toctree, duplicate
    # labels, broken references) if Sphinx read it.
    decoys = {
        ".venv/lib/python3.11/site-packages/pkg/README.md": "# Pkg\n\n(dup)=\n## Dup\n{ref}`nowhere`\n",
        ".venv/share/doc/index.rst": "Title\n=====\n\n.. _dup:\n\n:ref:`nowhere`\n",
        "venv/notes.md": "# Notes\n",
        "build/lib/x.md": "# Build\n",
        "notes.md": "# My notes\n\n{cite}`no-such-key`\n",
    }
    for name, text in decoys.items():
        (book / name).parent.mkdir(parents=True, exist_ok=True)
        (book / name).write_text(text)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Scratch\n{ref}`x`")])
    (book / "scratch").mkdir()
    nbformat.write(nb, book / "scratch" / "mine.ipynb")
    return book


@pytest.fixture(scope="module")
def mini_build(tmp_path_factory):
    book = _mini_book(tmp_path_factory.mktemp("minibook"))
    out = subprocess.run(
        [sys.executable, "-m", "jupyter", "book", "build", str(book), "-W", "--keep-going"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return book, out


@pytest.mark.slow
def test_decoys_in_the_clone_stay_out_of_a_warning_free_build(mini_build):
    book, out = mini_build
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    log = out.stdout + out.stderr
    assert "WARNING" not in log and "build succeeded" in log, log[-3000:]
    html = book / "_build" / "html"
    built = {p.relative_to(html).as_posix() for p in html.rglob("*.html")}
    assert {"intro.html", "good.html", "bad.html"} <= built
    assert not any(
        name.startswith((".venv", "venv", "build", "scratch", "notes")) for name in built
    )


@pytest.mark.slow
def test_browser_check_catches_a_broken_formula(mini_build):
    if check_book.find_chromium() is None:
        pytest.skip(CHROMIUM_MISSING)
    book, out = mini_build
    assert out.returncode == 0, out.stdout[-3000:]
    html = book / "_build" / "html"
    result = check_book.check_book(html, only=[html / "good.html", html / "bad.html"])
    assert result["pages"] == 2
    assert "good.html" not in result["problems"], result["problems"]
    # MathJax cannot even find the end of the broken formula: it stays raw, untypeset TeX.
    bad = " ".join(result["problems"]["bad.html"])
    assert "raw TeX" in bad and "typeset" in bad, bad
    assert result["formulas"] == 2


def test_browser_check_on_a_missing_build_says_to_build_first(tmp_path):
    with pytest.raises(FileNotFoundError, match="build it first"):
        check_book.check_book(tmp_path / "nothing")


def test_raw_math_finds_leftover_tex():
    assert check_book.raw_math("typeset fine") == []
    assert len(check_book.raw_math("a \\(x\\) b and $$y$$")) == 2


def test_broken_links_are_reported(tmp_path):
    (tmp_path / "a.html").write_text(
        '<a href="b.html#x">ok</a> <a href="missing.html">no</a> <a href="https://x.org">ext</a>'
        '<img src="img/p.png"><a href="#top">self</a>'
    )
    (tmp_path / "b.html").write_text("")
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "p.png").write_bytes(b"")
    count, broken = check_book.broken_links(tmp_path / "a.html", tmp_path)
    assert count == 3 and broken == ["missing.html"]


@pytest.mark.slow
def test_the_built_book_in_a_browser():
    """Every page of _build/html: formulas typeset, images loaded, links resolve, no JS errors."""
    html = ROOT / "_build" / "html"
    if not (html / "index.html").is_file():
        message = "no built book in _build/html: build it first with `make book`"
        if os.environ.get("DLBOOK_REQUIRE_BOOK"):
            pytest.fail(message)
        pytest.skip(message)
    if check_book.find_chromium() is None:
        pytest.skip(CHROMIUM_MISSING)
    result = check_book.check_book(
        html,
        screenshots=ROOT / "_build" / "screenshots",
        search=("Toeplitz", "chapters/04_convolution_math.html"),
    )
    assert not result["problems"], json.dumps(result["problems"], indent=1)
    expected_pages = len(toc_documents(ROOT / "_toc.yml"))
    assert result["pages"] == expected_pages
    assert result["formulas"] > 100 and result["images"] > 10
    shots = list((ROOT / "_build" / "screenshots").glob("*.png"))
    assert len(shots) >= expected_pages
