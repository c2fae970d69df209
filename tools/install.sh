#!/usr/bin/env bash
# Install everything the course needs on a fresh Debian/Ubuntu machine (or a virtualenv).
# Idempotent: a second run only checks that everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

# Fashion-MNIST from Debian, so that no chapter needs the network (skipped without root or apt).
if [ ! -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq dataset-fashion-mnist >/dev/null
  else
    echo "note: Debian's dataset-fashion-mnist is not installed; dlbook will look in \$DLBOOK_DATA or download." >&2
  fi
fi

"$PYTHON" -m pip install --disable-pip-version-check -q -r requirements.txt
# A Jupyter kernel named python3 that runs this interpreter (nbval and the chapter tools use it).
"$PYTHON" -m ipykernel install --sys-prefix --name python3 >/dev/null 2>&1 || "$PYTHON" -m ipykernel install --user --name python3 >/dev/null
