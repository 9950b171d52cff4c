#!/usr/bin/env bash
#SBATCH --job-name=poisson-weak
#SBATCH --ntasks=4
#SBATCH --time=02:00:00
#SBATCH --output=%x-%j.out
#
# Weak scaling: about N_PER_TASK unknowns per task (default 1024^2) over task counts
# TASK_LIST (default 1,2,4,... up to the allocation): n = sqrt(P * N_PER_TASK), rounded to
# an even number.
#   sbatch --ntasks=16 jobs/weak.sh petsc_options/gamg.opts
#   RANKS=2 N_PER_TASK=262144 bash jobs/weak.sh petsc_options/gamg.opts      (no Slurm)
set -euo pipefail
JOB_SCRIPT=weak.sh
. "$(
  r=${POISSON_ROOT:-${SLURM_SUBMIT_DIR:-$(dirname "$0")/..}}
  echo "$r/jobs/lib.sh"
)"
job_environment
run_scaling weak "${1:-${OPTIONS_FILE:-}}"
