#!/usr/bin/env bash
# Runs the quick study with ten other pairs of seeds (1,2 / 3,4 / ... / 19,20) and
# checks each run against the shipped baseline: the evidence that the tolerance model
# does not cry wolf. Not part of ctest (it takes ten quick runs); prints one line per
# run and the totals, and exits 1 if any run fails.
#
#   scripts/seed_variants.sh [BUILD_DIR] [OUT_DIR]   (default: build, /tmp/condbench_seed_variants)
#   FIRST_SEED=21 scripts/seed_variants.sh             (seeds 21,22 / ... / 39,40)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-/tmp/condbench_seed_variants}
baseline=studies/baselines/quick.json
mkdir -p "$out"
first=${FIRST_SEED:-1}
passed=0
failed=0
for k in 0 1 2 3 4 5 6 7 8 9; do
  seeds="$((first + 2 * k)),$((first + 2 * k + 1))"
  "$build/condbench" regress --baseline "$baseline" --run "$out/seeds_${seeds/,/_}" --seeds "$seeds" \
    --force --quiet --threads 1 --junit "$out/junit_${seeds/,/_}.xml" > "$out/regress_${seeds/,/_}.txt" 2>&1
  code=$?
  summary=$(grep -E "^(accuracy holds|REGRESSION):" "$out/regress_${seeds/,/_}.txt" || tail -1 "$out/regress_${seeds/,/_}.txt")
  echo "seeds $seeds: exit $code: $summary"
  if [ "$code" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "$passed of $((passed + failed)) seed variants pass against $baseline (reports in $out)"
[ "$failed" -eq 0 ]
