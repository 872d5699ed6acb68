#!/usr/bin/env bash
# Installs the Debian 12 packages condbench needs (only the missing ones).
set -euo pipefail

packages=(
  build-essential cmake ninja-build git pkg-config
  libarmadillo-dev libopenblas-dev liblapack-dev
  libboost-dev libmpfr-dev libgmp-dev
  libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libfmt-dev libcsv-dev libqd-dev
  libgtest-dev libbenchmark-dev ccache
  libssl-dev  # SHA-256 of each loaded solver plugin (run.json)
  libeigen3-dev
)
# MPI runs and the scalapack.* solvers (the MPI module, docs/mpi.md): Open MPI and its ScaLAPACK.
packages+=(libopenmpi-dev openmpi-bin libscalapack-openmpi-dev)

# Solver workers: the lectures' Python stack for workers/python_stack.py. Debian builds these
# for Debian's interpreter, /usr/bin/python3 (a pyenv or conda python3 in PATH does not see them).
packages+=(python3 python3-numpy python3-scipy python3-torch)
# The BLAS/LAPACK stacks of studies/blas_stacks.toml (docs/blas-stacks.md). Their update-alternatives
# priorities (netlib 10, ATLAS 35, BLIS 75, OpenBLAS-openmp 95) are below OpenBLAS-pthread's 100:
# the default libblas.so.3 / liblapack.so.3 stay OpenBLAS-pthread.
packages+=(libblas3 liblapack3 libopenblas0-pthread libopenblas0-openmp libblis4-pthread libatlas3-base libflame1)
# The 64-bit-integer reference BLAS/LAPACK (own alternatives, libblas64.so.3): only for the test that a stack
# built so is refused.
packages+=(libblas64-3 liblapack64-3)

# Reports: headless Chromium for the report tests, fonts for its screenshots.
packages+=(chromium fonts-dejavu-core)
# node and npm for the plotting assets; a node from elsewhere (nodesource) is kept.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The report's plotting libraries (Vega, Vega-Lite, vega-embed) and playwright-core,
# pinned by reports/web/package-lock.json; reinstalled only when the lock file changes.
web="$(cd "$(dirname "$0")/.." && pwd)/reports/web"
stamp="$web/node_modules/.condbench-lock"
if ! cmp -s "$web/package-lock.json" "$stamp" 2>/dev/null; then
  echo "setup: npm ci in reports/web" >&2
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$web/package-lock.json" "$stamp"
fi
