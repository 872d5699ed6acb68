#!/usr/bin/env bash
# Builds condbench (the executable only, not the test suite) and runs the default study;
# results and report land in runs/quick/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh --target condbench_app
./build/condbench run studies/quick.toml --out runs/quick --force "$@"
echo
echo "results: runs/quick/results.csv (one row per case x solver x precision), runs/quick/run.json (context)"
echo "report:  runs/quick/report.html (open it in a browser), runs/quick/summary.md, runs/quick/figures/*.svg"
