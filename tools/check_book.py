#!/usr/bin/env python3
"""Open every page of the built HTML book in headless Chromium and check what a reader sees.

For each page: every formula typeset by MathJax (``mjx-container`` elements, no ``mjx-merror``,
no raw ``\\(``, ``\\[`` or ``$$`` left in the visible prose), every image loaded, no JavaScript
console error, no request to another host, every relative link pointing at a file that exists,
and on chapter pages launch buttons that open that chapter's ``.ipynb`` on Colab and Binder. The
search page must find a word only a chapter contains. A screenshot of each page lands in
``_build/screenshots/``.

    python tools/check_book.py                  # check _build/html
    python tools/check_book.py --html DIR       # another build

Chromium is Debian's ``chromium`` package, driven by Playwright's Python package (its own
browser download is not needed).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_HTML = ROOT / "_build" / "html"
SKIP_DIRS = {"_static", "_sources", "_modules", "_images"}
SKIP_PAGES = {"genindex.html", "search.html", "py-modindex.html"}
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")

# Run in the page: wait for MathJax and images, then report what a reader would see.
_INSPECT = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const images = Array.from(document.images);
  await Promise.all(images.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener('load', done); img.addEventListener('error', done);
    setTimeout(done, 10000);
  })));
  const main = document.querySelector('main') || document.body;
  const prose = main.cloneNode(true);
  prose.querySelectorAll('pre, code, script, style, mjx-container, .highlight').forEach(e => e.remove());
  return {
    math: document.querySelectorAll('.math').length,
    typeset: document.querySelectorAll('mjx-container').length,
    errors: Array.from(document.querySelectorAll('mjx-merror')).map(e => e.textContent).slice(0, 5),
    text: prose.innerText,
    images: images.length,
    broken: images.filter(img => !(img.naturalWidth > 0)).map(img => img.getAttribute('src')),
  };
}"""

_SEARCH = """async () => {
  for (let i = 0; i < 100; i++) {
    const items = document.querySelectorAll('#search-results li a, ul.search li a');
    if (items.length) return Array.from(items).map(a => a.getAttribute('href'));
    await new Promise(done => setTimeout(done, 100));
  }
  return [];
}"""


@dataclass
class PageReport:
    """What the check found on one page."""

    page: str
    formulas: int = 0
    images: int = 0
    links: int = 0
    problems: list[str] = field(default_factory=list)


class _Links(HTMLParser):
    """Collect the targets of href and src attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.targets.append(value)


def find_chromium() -> str | None:
    """The path of a Chromium executable, or None."""
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def is_redirect(page: Path) -> bool:
    """Whether a page only forwards the reader (Jupyter Book's index.html does)."""
    return 'http-equiv="Refresh"' in page.read_text(encoding="utf-8")[:2000]


def pages(html: Path) -> list[Path]:
    """Every content page of a build (not the search, index, redirect and source-code pages)."""
    return sorted(
        p
        for p in html.rglob("*.html")
        if p.name not in SKIP_PAGES
        and not SKIP_DIRS.intersection(p.relative_to(html).parts)
        and not is_redirect(p)
    )


def broken_links(page: Path, html: Path) -> tuple[int, list[str]]:
    """Count the relative links of a page and list those whose file does not exist."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    local, broken = 0, []
    for target in parser.targets:
        parts = urlsplit(target)
        if parts.scheme or target.startswith(("#", "//", "javascript:", "mailto:")):
            continue
        local += 1
        path = unquote(parts.path)
        if not path:
            continue
        resolved = (page.parent / path).resolve()
        if not resolved.exists() or not resolved.is_relative_to(html.resolve()):
            broken.append(target)
    return local, broken


def raw_math(text: str) -> list[str]:
    """Pieces of TeX that MathJax should have typeset but that are still visible as text."""
    found = []
    for marker in ("\\(", "\\[", "$$"):
        i = text.find(marker)
        if i >= 0:
            found.append(text[max(0, i - 30) : i + 40].replace("\n", " "))
    return found


def launch_problems(page: Path, html: Path, hrefs: list[str]) -> list[str]:
    """A chapter page's Colab and Binder buttons must open that chapter's .ipynb."""
    rel = page.relative_to(html).with_suffix(".ipynb").as_posix()
    problems = []
    for host in ("colab.research.google.com", "mybinder.org"):
        links = [unquote(h) for h in hrefs if host in h]
        if not any(link.endswith(rel) for link in links):
            problems.append(f"no {host} launch button opening {rel} (found {links})")
    return problems


def check_page(browser_page, page: Path, html: Path, screenshots: Path | None) -> PageReport:
    """Open one page and report its problems."""
    report = PageReport(page.relative_to(html).as_posix())
    console, foreign = [], []
    on_console = lambda msg: console.append(msg.text) if msg.type == "error" else None  # noqa: E731
    on_error = lambda exc: console.append(str(exc))  # noqa: E731
    on_request = lambda req: (  # noqa: E731
        foreign.append(req.url)
        if urlsplit(req.url).scheme not in ("file", "data", "blob")
        else None
    )
    browser_page.on("console", on_console)
    browser_page.on("pageerror", on_error)
    browser_page.on("request", on_request)
    try:
        browser_page.goto(page.as_uri(), wait_until="load")
        seen = browser_page.evaluate(_INSPECT)
        hrefs = browser_page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        if screenshots is not None:
            shot = screenshots / (report.page.replace("/", "__").removesuffix(".html") + ".png")
            browser_page.screenshot(path=str(shot))
    finally:
        browser_page.remove_listener("console", on_console)
        browser_page.remove_listener("pageerror", on_error)
        browser_page.remove_listener("request", on_request)
    report.formulas, report.images = seen["typeset"], seen["images"]
    if seen["math"] and seen["typeset"] < seen["math"]:
        report.problems.append(
            f"{seen['math']} formulas but only {seen['typeset']} typeset by MathJax"
        )
    report.problems += [f"MathJax error: {e}" for e in seen["errors"]]
    report.problems += [f"raw TeX in the text: ...{t}..." for t in raw_math(seen["text"])]
    report.problems += [f"image not loaded: {src}" for src in seen["broken"]]
    report.problems += [f"console error: {c}" for c in console]
    report.problems += [f"request to another host: {u}" for u in foreign]
    report.links, broken = broken_links(page, html)
    report.problems += [f"broken link: {b}" for b in broken]
    if report.page.startswith("chapters/"):
        report.problems += launch_problems(page, html, hrefs)
    return report


def search_finds(browser_page, html: Path, word: str) -> list[str]:
    """The pages the book's search page lists for ``word``."""
    browser_page.goto((html / "search.html").as_uri() + f"?q={word}", wait_until="load")
    return browser_page.evaluate(_SEARCH)


def check_book(
    html: Path = DEFAULT_HTML,
    *,
    screenshots: Path | None = None,
    search: tuple[str, str] | None = None,
    only: list[Path] | None = None,
) -> dict:
    """Check every page of a build; return the per-page reports and totals.

    Args:
        html: the build's ``html`` folder.
        screenshots: where to save a screenshot of each page (None: no screenshots).
        search: ``(word, page)``: the search page must list ``page`` for ``word``.
        only: check these pages instead of all.

    Raises:
        FileNotFoundError: when the build or Chromium is missing.
    """
    if not (html / "index.html").is_file():
        raise FileNotFoundError(
            f"no built book at {html}: build it first with `make book` (or `jupyter book build .`)"
        )
    chromium = find_chromium()
    if chromium is None:
        raise FileNotFoundError(
            "no Chromium found: install Debian's `chromium` package (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    if screenshots is not None:
        shutil.rmtree(screenshots, ignore_errors=True)
        screenshots.mkdir(parents=True)
    reports = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            for page in only or pages(html):
                reports.append(check_page(tab, page, html, screenshots))
            found = search_finds(tab, html, search[0]) if search else None
        finally:
            browser.close()
    result = {
        "pages": len(reports),
        "formulas": sum(r.formulas for r in reports),
        "images": sum(r.images for r in reports),
        "links": sum(r.links for r in reports),
        "problems": {r.page: r.problems for r in reports if r.problems},
    }
    if search:
        word, expected = search
        result["search"] = found
        if not any(expected in href for href in found or []):
            result["problems"]["search.html"] = [
                f"searching {word!r} does not list {expected} (found {found})"
            ]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--html", type=Path, default=DEFAULT_HTML)
    parser.add_argument("--screenshots", type=Path, default=ROOT / "_build" / "screenshots")
    args = parser.parse_args(argv)
    try:
        result = check_book(
            args.html,
            screenshots=args.screenshots,
            search=("Toeplitz", "chapters/04_convolution_math.html"),
        )
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(json.dumps(result, indent=1))
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
