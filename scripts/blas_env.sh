# Sourced by scripts/setup.sh, scripts/sanitize.sh and jobs/lib.sh: the BLAS environment.
#
# One BLAS thread per MPI rank. OpenBLAS picks its kernels from the CPU model when it loads and
# falls back to its SSE3 ("Prescott") kernels on CPUs newer than its release (Debian 12's 0.3.21
# on a 2023 Xeon); the kernels sum in different orders, which moves the iteration counts of the
# ill-conditioned variable problem by up to 9 (docs/build.md). On any x86-64 CPU with AVX2 the
# study pins the AVX2 ("Haswell") kernels, so that its numbers are the same on Intel and AMD
# machines; set OPENBLAS_CORETYPE yourself to choose others (e.g. SkylakeX for AVX-512).
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
if [ -z "${OPENBLAS_CORETYPE:-}" ] && grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
  export OPENBLAS_CORETYPE=Haswell
fi
