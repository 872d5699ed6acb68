#!/usr/bin/env bash
# Regenerates the golden files of the harness (tests/golden/tiny.csv and
# tiny.platform.json) ON PURPOSE, after an intended change to the generators, the
# reference, the metrics or the CSV. Review `git diff tests/golden` before committing.
#
#   scripts/regenerate_golden.sh [BUILD_DIR]    (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake --build "$build" --target test_regress
CONDBENCH_GENERATE_GOLDEN=1 "$build/tests/test_regress" --gtest_filter='Golden.*'
git diff --stat -- tests/golden 2>/dev/null || true
