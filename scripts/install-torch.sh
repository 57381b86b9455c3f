#!/usr/bin/env bash
# Installs real PyTorch (Debian's python3-torch) for the tests that compare Fovea with it
# (src/io/torch/*.test.ts, test/scaling-out.test.ts); .ci/run calls it.
# Idempotent: does nothing when some python3 already imports torch. Debian's package installs into
# /usr/bin/python3's dist-packages, which may not be the python3 first on PATH (pyenv, venvs):
# the tests find the interpreter with scripts/torch-python.sh. Needs root (or sudo).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if python="$(bash "$here/torch-python.sh" 2>/dev/null)"; then
  echo "torch already installed: $python $("$python" -c 'import torch; print(torch.__version__)')"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-torch
python="$(bash "$here/torch-python.sh")"
echo "torch installed: $python $("$python" -c 'import torch; print(torch.__version__)')"
