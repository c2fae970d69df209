"""Sphinx extension: the book reads exactly the files that ``_toc.yml`` names.

Jupyter Book's ``only_build_toc_files`` still lets Sphinx read every ``.md``/``.rst`` in the
tree, so a virtualenv inside the clone (``.venv/``), a ``build/`` folder or a reader's own
notebooks would enter the build and break ``-W``. This extension sets Sphinx's
``include_patterns`` to the documents of the table of contents, in every source format the
book knows; the ``exclude_patterns`` of ``_config.yml`` still apply on top.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SUFFIXES = (".md", ".ipynb", ".rst")


def toc_documents(toc_path: Path) -> list[str]:
    """Every document named in a Jupyter Book ``_toc.yml`` (root, chapters, sections), no suffix."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("root", "file"):
                if isinstance(node.get(key), str):
                    found.append(str(Path(node[key]).with_suffix("")))
            for value in node.values():
                if isinstance(value, list | dict):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return found


def _include_only_toc(app: Any, config: Any) -> None:
    documents = toc_documents(Path(app.srcdir) / "_toc.yml")
    config.include_patterns = [doc + suffix for doc in documents for suffix in SUFFIXES]


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", _include_only_toc)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
