#!/usr/bin/env bash
# Set-up for a fresh Debian 12 machine: installs the Debian packages that are missing
# (a no-op when all are present), configures and builds Release into build/, then
#   --study   runs the canonical study (build/bin/poisson_solve, results/canonical.h5)
#   --test    runs the whole test suite (ctest)
#   (nothing) only builds.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake pkg-config git
  petsc-dev slepc-dev libhdf5-openmpi-dev libopenmpi-dev openmpi-bin
  libtorch-dev libdnnl-dev libfftw3-dev libgtest-dev
  libopenblas0-pthread
  python3-h5py python3-matplotlib python3-numpy python3-scipy python3-torch
  chromium chromium-driver python3-selenium
  slurmctld slurmd slurm-client munge
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# One BLAS thread per MPI rank, pinned OpenBLAS kernels; mpirun as root needs the two OMPI
# variables.
. scripts/blas_env.sh
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"

case "${1:-}" in
  --study)
    mkdir -p results
    build/bin/poisson_solve "${@:2}"
    if [ $# -le 1 ]; then
      /usr/bin/python3 postprocess/plot_results.py results/canonical.h5
      # The site (docs/site.md): race data from the project's HODLR PC, then every page.
      build/bin/race_export -o results/race_data.json
      /usr/bin/python3 postprocess/site.py results/
    fi
    ;;
  --test)
    cd build && ctest --output-on-failure -j"$(nproc)" "${@:2}"
    ;;
  "") ;;
  *) echo "setup: unknown argument '$1' (use --study or --test)" >&2; exit 2 ;;
esac
