#!/usr/bin/env bash
# Builds condbench and runs the default study; results land in runs/quick/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/condbench run studies/quick.toml --out runs/quick --force "$@"
