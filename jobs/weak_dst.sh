#!/usr/bin/env bash
#SBATCH --job-name=poisson-weak-dst
#SBATCH --ntasks=4
#SBATCH --time=00:30:00
#SBATCH --output=%x-%j.out
#
# Weak scaling of PC dst (one application: the constant problem's exact solve, residual
# criterion, no direct solve for x*; the rods' right-hand side, since the GRF needs an even n)
# at about N_PER_TASK unknowns per task (default 1024^2), n + 1 rounded to a 7-smooth number,
# FFTW's fast sizes: n = 1023, 1457, 2047, 2879, 4095 at 1, 2, 4, 8, 16 tasks.
#   sbatch --ntasks=16 jobs/weak_dst.sh           RANKS=2 bash jobs/weak_dst.sh     (no Slurm)
set -euo pipefail
JOB_SCRIPT=weak_dst.sh
. "$(
  r=${POISSON_ROOT:-${SLURM_SUBMIT_DIR:-$(dirname "$0")/..}}
  echo "$r/jobs/lib.sh"
)"
job_environment
N_ROUND=${N_ROUND:-fft} run_scaling weak "$POISSON_ROOT/petsc_options/dst.opts" -ksp_converged_error false -rhs rod
