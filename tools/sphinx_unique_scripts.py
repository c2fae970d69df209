"""Sphinx extension: each script goes into a page once.

With Jupyter Book 1.0.4 on Sphinx 7, the thebe configuration, the togglebutton selector and
MathJax itself were added to every page twice; the second MathJax load and the second
``const THEBE_JS_URL`` raise JavaScript errors in the reader's browser
(``tools/check_book.py`` found them). This keeps the first copy of each script: scripts with a
file by file name, inline scripts by their body.
"""

from __future__ import annotations

from typing import Any


def _script_key(script: Any) -> tuple[str, str]:
    """A script file by its name (attributes such as ``defer`` aside), an inline one by its body."""
    filename = getattr(script, "filename", script if isinstance(script, str) else "") or ""
    body = getattr(script, "attributes", {}).get("body", "")
    return (filename.split("?", 1)[0], "") if filename else ("", body)


def _unique_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in scripts:
        key = _script_key(script)
        if key in seen and key != ("", ""):
            continue
        seen.add(key)
        unique.append(script)
    scripts[:] = unique


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", _unique_scripts, priority=1000)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
