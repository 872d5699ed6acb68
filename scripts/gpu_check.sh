#!/usr/bin/env bash
# The GPU checks of issue 17 ("With a device") in one prepared run, for a session that is
# lent a GPU. docs/gpu.md says what each phase shows and what is still unverified.
#
#   bash scripts/gpu_check.sh pack
#       Here, on a machine without a GPU: builds build-device/ (Release, no -march=native:
#       the device's CPU is another one), then copies the binaries, the GPU module and every
#       shared library ldd names except CUDA's and the C library's into .device/ (git-ignored,
#       well under the device tool's 64 MiB). Run it in the checkout the device tool sends.
#   device run: command "bash scripts/gpu_check.sh run", carry [".device"], timeout_s 600
#       On the GPU machine: runs the phases below under a time budget (GPU_CHECK_BUDGET_S,
#       default 330 s, so that a second try fits in the 15 minutes of device time) and writes
#       everything under $OUT: gpu_check.log, summary.txt and gpu_check_results.tar.gz (run
#       folders, JSON lines, test XML). Name phases to run only those:
#         env          nvidia-smi, CUDA libraries found, condbench --version, solver availability
#         irs          cusolver.irs_fp16 and _nofallback on one n = 1000 randsvd problem, kappa 1e8, f64
#         tests        CONDBENCH_EXPECT_GPU=1 test_solvers --gtest_filter=Cusolver.*:CusolverRules.*
#         lu           cusolver_direct: direct Xgetrf+Xgetrs vs cusolver.lu, n = 8192, 16384, 32768
#                      (TFLOP/s against --peak-tflops, and condbench's timing / direct: the 2 % check)
#         irs_speed    cusolver_direct: every cusolver.irs_* against cusolver.lu, n = 8192, 16384
#         study        studies/gpu_vs_cpu.toml with the time that is left (interrupted runs keep their rows),
#                      then the kappa up to which each IRS solver reaches f64 accuracy without fallback
#   The report of the study is made here afterwards (condbench report needs the web assets):
#       tar xzf gpu_check_results.tar.gz && build/condbench report gpu_vs_cpu
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEV=${GPU_CHECK_DEV:-$ROOT/.device}  # another folder for a dry run here

pack() {
  set -e
  cmake -S . -B build-device -G Ninja -DCMAKE_BUILD_TYPE=Release -DCONDBENCH_NATIVE=OFF -DCONDBENCH_CUDA=ON >/dev/null
  ninja -C build-device -j"${JOBS:-1}" condbench test_solvers condbench_bench cusolver_direct condbench_cusolver
  rm -rf "$DEV"
  mkdir -p "$DEV/bin" "$DEV/lib" "$DEV/deps" "$DEV/std"
  local bins=(build-device/condbench build-device/tests/test_solvers build-device/bench/condbench_bench
              build-device/bench/cusolver_direct)
  cp "${bins[@]}" "$DEV/bin/"
  cp build-device/lib/libcondbench_cusolver.so "$DEV/lib/"
  strip "$DEV"/bin/* "$DEV"/lib/*.so
  # Every library ldd resolves, except CUDA's (the device has its own, matching its driver) and
  # glibc's. libstdc++ and libgcc_s go to std/: `run` uses them only if the device's are too old.
  local skip='/(libc|libm|libdl|librt|libpthread|ld-linux-x86-64|libcuda|libcudart|libcusolver|libcublas|libcublasLt|libcusparse|libnvJitLink|libnvrtc)\.so'
  for f in "$DEV"/bin/* "$DEV"/lib/*.so; do
    ldd "$f" | awk '/=> \// {print $3}'
  done | sort -u | grep -Ev "$skip" | while read -r lib; do
    case "$lib" in */libstdc++.so*|*/libgcc_s.so*) cp -L "$lib" "$DEV/std/" ;; *) cp -L "$lib" "$DEV/deps/" ;; esac
  done
  echo "GLIBC versions needed (the device's glibc must have them; std/ may need more):"
  objdump -T "$DEV"/bin/* "$DEV"/lib/*.so "$DEV"/deps/* 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -2
  du -sh "$DEV"/bin "$DEV"/lib "$DEV"/deps "$DEV"/std "$DEV"
  local kib
  kib=$(du -sk "$DEV" | cut -f1)
  if [ "$kib" -gt 58000 ]; then echo "gpu_check: .device is ${kib} KiB: too close to the 64 MiB the device tool carries" >&2; exit 1; fi
  echo "packed: carry [\".device\"] and run: bash scripts/gpu_check.sh run"
}

# ---- on the device ----------------------------------------------------------------------------------------------

OUT=${OUT:-$ROOT/gpu_check_out}
W=/tmp/gpu_check
LOG=$OUT/gpu_check.log
SUMMARY=$OUT/summary.txt
BUDGET=${GPU_CHECK_BUDGET_S:-330}
START=$SECONDS
CUDA_DIRS=""

say() { echo "$*" | tee -a "$SUMMARY"; }
left() { echo $((BUDGET - (SECONDS - START))); }
LIBS=""  # LD_LIBRARY_PATH of our binaries, set by find_libs
# Our binaries only get our libraries: python3 and nvidia-smi keep the device's own.
cb() { LD_LIBRARY_PATH="$LIBS" "$@"; }

# The CUDA folders, then our libraries; the device's libstdc++ unless it is too old for our binaries.
find_libs() {
  find_cuda
  LIBS="$DEV/deps${CUDA_DIRS:+:$CUDA_DIRS}"
  if ! LD_LIBRARY_PATH="$LIBS" "$DEV/bin/condbench" --version >/dev/null 2>&1; then LIBS="$DEV/deps:$DEV/std${CUDA_DIRS:+:$CUDA_DIRS}"; fi
}

find_cuda() {
  local d
  for d in /usr/local/cuda/lib64 /usr/local/cuda/lib /usr/local/cuda/targets/x86_64-linux/lib /usr/local/cuda-13*/lib64 \
           $(python3 -c 'import nvidia, os; [print(os.path.join(p, q, "lib")) for p in nvidia.__path__ for q in os.listdir(p)]' 2>/dev/null); do
    for lib in libcusolver.so.12 libcublas.so.13 libcudart.so.13 libcublasLt.so.13 libcusparse.so.12 libnvJitLink.so.13; do
      if [ -e "$d/$lib" ] && [[ ":$CUDA_DIRS:" != *":$d:"* ]]; then CUDA_DIRS=${CUDA_DIRS:+$CUDA_DIRS:}$d; fi
    done
  done
}

phase_env() {
  say "== env"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,power.limit --format=csv 2>&1 | tee -a "$SUMMARY"
  say "CUDA library folders: ${CUDA_DIRS:-none found (ldd below says what is missing)}"
  say "LD_LIBRARY_PATH of condbench's binaries: $LIBS"
  cb "$DEV/bin/condbench" --version >/dev/null || say "FAIL: condbench does not start here (see the log)"
  cb ldd "$DEV/lib/libcondbench_cusolver.so" | grep -E 'cuda|cusolver|cublas|not found' | tee -a "$SUMMARY"
  cb "$DEV/bin/condbench" --version | tee -a "$SUMMARY"
  cb "$DEV/bin/condbench" list solvers | grep -A1 '^cusolver.lu ' | tee -a "$SUMMARY"
  nproc | sed 's/^/CPU threads: /' | tee -a "$SUMMARY"
}

phase_irs() {
  say "== irs: cusolver.irs_fp16 and _nofallback, n = 1000 randsvd kappa = 1e8, f64"
  cat > "$W/irs_confirm.toml" <<'TOML'
[study]
name = "irs_confirm"
description = "issue 17: IRS failures and fallbacks on the device"
seeds = [1]
precisions = ["f64"]
solvers = ["lapack.lu", "cusolver.lu", "cusolver.irs_fp16", "cusolver.irs_fp16_nofallback"]
repetitions = 1
warmup = 0

[[problem]]
generator = "randsvd"
n = 1000
kind = "general"
mode = "geometric"
kappa = 1e8
TOML
  timeout -s TERM 60 env LD_LIBRARY_PATH="$LIBS" "$DEV/bin/condbench" run "$W/irs_confirm.toml" \
    --out "$W/irs_confirm" --no-report -q 2>&1 | tail -5
  python3 - "$W/irs_confirm/results.csv" "$W/irs_confirm/run.json" <<'PY' | tee -a "$SUMMARY"
import csv, json, sys
ctx = json.load(open(sys.argv[2]))["context"]
verdict = "ok" if ctx["cusolver"] == "available" else "FAIL: on a GPU machine cuSOLVER must be available"
print(f"run.json: cusolver = {ctx['cusolver']}; gpu_module = {ctx['gpu_module']}  [{verdict}]")
for r in csv.DictReader(open(sys.argv[1])):
    print(f"{r['solver']:<30} {r['status']:<8} fwd={float(r['forward_error']):.3e} kappa={float(r['kappa']):.3e} "
          f"fallback={r['fallback']} iters={r['iterations']} time_s={float(r['time_s']):.4g} "
          f"factor_s={float(r['factor_s']):.4g} transfer_s={float(r['transfer_s']):.4g} facts={r['facts']} "
          f"note={r['note']} reason={r['reason']}")
PY
}

phase_tests() {
  say "== tests: CONDBENCH_EXPECT_GPU=1 test_solvers --gtest_filter=Cusolver.*:CusolverRules.*"
  timeout -s TERM 90 env CONDBENCH_EXPECT_GPU=1 LD_LIBRARY_PATH="$LIBS" "$DEV/bin/test_solvers" \
    --gtest_filter='Cusolver.*:CusolverRules.*' --gtest_output="xml:$W/gpu_tests.xml" > "$W/gpu_tests.txt" 2>&1
  local rc=$?
  grep -E '^\[  (PASSED|FAILED|SKIPPED) |Failure|Expected|Which is|needs a GPU' "$W/gpu_tests.txt" | head -40 | tee -a "$SUMMARY"
  say "tests exit code: $rc"
}

phase_lu() {
  say "== lu: direct Xgetrf+Xgetrs vs condbench's cusolver.lu, uniform matrices (TFLOP/s; /direct is the 2 % check)"
  timeout -s TERM 120 env LD_LIBRARY_PATH="$LIBS" "$DEV/bin/cusolver_direct" --sizes=8192,16384,32768 \
    --matrix=uniform --solvers=cusolver.lu --reps=5 --json="$W/direct_lu.jsonl" 2>&1 | tee -a "$SUMMARY"
}

phase_irs_speed() {
  say "== irs_speed: every cusolver.irs_* against cusolver.lu, diagonally dominant matrices (refinement converges)"
  timeout -s TERM 90 env LD_LIBRARY_PATH="$LIBS" "$DEV/bin/cusolver_direct" --sizes=8192,16384 \
    --matrix=diagdom --solvers='cusolver.lu,cusolver.irs_*' --reps=3 --json="$W/direct_irs.jsonl" 2>&1 | tee -a "$SUMMARY"
}

phase_study() {
  local t=$(( $(left) - 25 ))
  [ "$t" -lt 60 ] && t=60
  say "== study: studies/gpu_vs_cpu.toml, ${t} s (an interrupted run keeps its rows; run.json says so)"
  timeout -s TERM "$t" env LD_LIBRARY_PATH="$LIBS" "$DEV/bin/condbench" run studies/gpu_vs_cpu.toml \
    --out "$W/gpu_vs_cpu" --no-report -q 2>&1 | tail -5
  python3 - "$W/gpu_vs_cpu/results.csv" <<'PY' | tee -a "$SUMMARY"
# Per IRS solver (f64 rows): the largest kappa at which every seed reached f64 accuracy (forward error
# within 10x of lapack.lu's on the same case) without falling back, per n.
import csv, sys, collections
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"{len(rows)} rows; status counts:", dict(collections.Counter((r['solver'].split('.')[0], r['status']) for r in rows)))
lu = {(r['case_id'], r['precision']): float(r['forward_error']) for r in rows if r['solver'] == 'lapack.lu' and r['status'] == 'ok'}
best = collections.defaultdict(dict)
for r in rows:
    if not r['solver'].startswith('cusolver.irs') or r['precision'] != 'f64': continue
    key = (r['solver'], int(r['n']))
    ok = r['status'] == 'ok' and r['fallback'] in ('0', 'false') and (r['case_id'], 'f64') in lu \
         and float(r['forward_error']) <= 10 * max(lu[(r['case_id'], 'f64')], 1e-16)
    k = float(r['kappa_nominal'])
    best[key].setdefault(k, True)
    best[key][k] &= ok
for (s, n), ks in sorted(best.items()):
    good = [k for k, v in sorted(ks.items()) if v]
    upto = 0
    for k in sorted(ks):
        if not ks[k]: break
        upto = k
    print(f"{s:<30} n={n:<5} f64 accuracy without fallback up to kappa {upto:.0e} ({len(good)}/{len(ks)} kappas)")
PY
}

run() {
  rm -rf "$W"  # this call's results only: a folder left by an earlier call would make `condbench run` refuse
  mkdir -p "$OUT" "$W"
  : > "$SUMMARY"
  local phases=("$@")
  [ ${#phases[@]} -eq 0 ] && phases=(env irs tests lu irs_speed study)
  find_libs
  for p in "${phases[@]}"; do
    if [ "$(left)" -le 20 ]; then say "== $p: skipped, the ${BUDGET} s budget is spent"; continue; fi
    local t0=$SECONDS
    "phase_$p" >> "$LOG" 2>&1
    say "   ($p took $((SECONDS - t0)) s)"
  done
  tar czf "$OUT/gpu_check_results.tar.gz" -C "$W" . 2>>"$LOG"
  echo "==== summary (full log: gpu_check.log; files: gpu_check_results.tar.gz)"
  cat "$SUMMARY"
}

case "${1:-}" in
  pack) pack ;;
  run) shift; run "$@" ;;
  *) sed -n '2,32p' "$0"; exit 2 ;;
esac
