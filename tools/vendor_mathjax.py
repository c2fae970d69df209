#!/usr/bin/env python3
"""Copy MathJax 3 into the book's ``_static/mathjax/`` so the HTML book needs no CDN.

The files come from the ``django-static-mathjax`` wheel (pinned in requirements.txt), which ships
MathJax's ``es5/`` bundle. Only what ``tex-mml-chtml.js`` needs is copied: the combined component
and the CommonHTML woff-v2 fonts. ``tools/install.sh`` runs this; the copy is not committed.

    python tools/vendor_mathjax.py           # copy (idempotent)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "_static" / "mathjax"
NEEDED = ("tex-mml-chtml.js", "output/chtml/fonts/woff-v2")


def mathjax_es5() -> Path:
    """The ``es5/`` folder of the installed MathJax distribution."""
    try:
        import mathjax  # the django-static-mathjax wheel
    except ImportError:
        raise SystemExit(
            "MathJax is not installed: pip install django-static-mathjax (see requirements.txt)"
        ) from None
    es5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (es5 / "tex-mml-chtml.js").is_file():
        raise SystemExit(
            f"no tex-mml-chtml.js under {es5}: unexpected django-static-mathjax layout"
        )
    return es5


def main() -> int:
    es5 = mathjax_es5()
    staging = TARGET.with_name("mathjax.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    for item in NEEDED:
        source, dest = es5 / item, staging / item
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, dest)
        else:
            shutil.copy2(source, dest)
    shutil.rmtree(TARGET, ignore_errors=True)
    staging.rename(TARGET)  # nothing half-copied is left behind
    size = sum(f.stat().st_size for f in TARGET.rglob("*") if f.is_file())
    print(f"MathJax copied to {TARGET.relative_to(ROOT)} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
