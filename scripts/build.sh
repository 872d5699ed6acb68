#!/usr/bin/env bash
# Configures and builds condbench (Release) into build/.
#   scripts/build.sh                        everything: executable, modules, tests, benchmarks
#   scripts/build.sh --target condbench_app the executable and the modules it loads at run time
# Other arguments go to cmake --build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --parallel "$(nproc)" "$@"
