#!/usr/bin/env bash
# The test suite under AddressSanitizer and UndefinedBehaviorSanitizer: builds the project with
# -fsanitize=address,undefined into build-asan/ (its own folder; the Release build in build/
# is untouched) and runs every test there but the Slurm jobs and the browser test (the site is
# Python and JavaScript, which the sanitizers do not see). Any sanitizer report fails the test
# that triggered it (UBSan does not recover). Run after scripts/setup.sh has installed the
# packages (.ci/run calls it after the README's test command).
#   bash scripts/sanitize.sh [ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/blas_env.sh
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# Leak checking is off: Open MPI and libtorch keep process-lifetime allocations.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:detect_odr_violation=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -O1 -g"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_C_FLAGS="$FLAGS" -DCMAKE_CXX_FLAGS="$FLAGS" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build build-asan -j"$(nproc)"
cd build-asan && ctest --output-on-failure -j"$(nproc)" -LE "slurm|browser" "$@"
