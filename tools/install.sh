#!/usr/bin/env bash
# Install everything the course needs on a fresh Debian/Ubuntu machine (or a virtualenv).
# Idempotent: a second run only checks that everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

# Root-only step: Debian's Fashion-MNIST (so that no chapter needs the network) and Chromium (the
# browser that tests/test_book.py opens the built book in). Skipped without root or apt.
missing=""
[ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || missing="$missing dataset-fashion-mnist"
command -v chromium >/dev/null || missing="$missing chromium"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq $missing >/dev/null
  else
    echo "note: Debian packages not installed:$missing (dlbook looks in \$DLBOOK_DATA or downloads;" \
         "the browser check of the book skips without chromium)." >&2
  fi
fi

"$PYTHON" -m pip install --disable-pip-version-check -q -r requirements.txt
# MathJax into the book's _static/, so formulas typeset without a CDN.
"$PYTHON" tools/vendor_mathjax.py
# A Jupyter kernel named python3 that runs this interpreter (nbval and the chapter tools use it).
"$PYTHON" -m ipykernel install --sys-prefix --name python3 >/dev/null 2>&1 || "$PYTHON" -m ipykernel install --user --name python3 >/dev/null
