#!/bin/bash
# Runs a study as a Slurm job array of SHARDS tasks and merges the shards when all succeeded:
#   scripts/slurm/submit.sh studies/kappa_sweep.toml runs/sweep 16
# The merged run (results.csv, run.json with every shard's context, report.html) is in runs/sweep/all.
set -euo pipefail
study=${1:?study file}
out=${2:?output folder}
shards=${3:-16}
here=$(cd "$(dirname "$0")" && pwd)
condbench=${CONDBENCH:-condbench}
mkdir -p "$out"
jobid=$(sbatch --parsable --array=0-$((shards - 1)) "$here/condbench_array.sbatch" "$study" "$out")
sbatch --dependency=afterok:"$jobid" --job-name=condbench-merge --wrap \
  "'$condbench' merge '$out/all' '$out'/shard_* --force && '$condbench' report '$out/all'"
echo "submitted array job $jobid ($shards shards) and its merge job; results in $out/all"
