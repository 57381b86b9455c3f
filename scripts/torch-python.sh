#!/usr/bin/env bash
# Prints the path of a Python interpreter that can import torch (the one on PATH first, then
# Debian's /usr/bin/python3, where python3-torch installs); exits 1 when there is none.
# FOVEA_TORCH_PYTHON, when set, is the only candidate.
set -uo pipefail
if [ -n "${FOVEA_TORCH_PYTHON:-}" ]; then
  candidates=("$FOVEA_TORCH_PYTHON")
else
  candidates=("$(command -v python3 || true)" /usr/bin/python3 /usr/local/bin/python3)
fi
for python in "${candidates[@]}"; do
  if [ -n "$python" ] && [ -x "$python" ] && "$python" -c 'import torch' >/dev/null 2>&1; then
    echo "$python"
    exit 0
  fi
done
echo "no python3 that imports torch (tried: ${candidates[*]}); run: bash scripts/install-torch.sh" >&2
exit 1
