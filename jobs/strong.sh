#!/usr/bin/env bash
#SBATCH --job-name=poisson-strong
#SBATCH --ntasks=4
#SBATCH --time=02:00:00
#SBATCH --output=%x-%j.out
#
# Strong scaling: fixed n (N_STRONG, default 2048: 4.2 M unknowns) over task counts
# TASK_LIST (default 1,2,4,... up to the allocation), one method given as an options file.
#   sbatch --ntasks=16 jobs/strong.sh petsc_options/gamg.opts
#   RANKS=2 N_STRONG=1024 bash jobs/strong.sh petsc_options/gamg.opts     (no Slurm)
set -euo pipefail
JOB_SCRIPT=strong.sh
. "$(
  r=${POISSON_ROOT:-${SLURM_SUBMIT_DIR:-$(dirname "$0")/..}}
  echo "$r/jobs/lib.sh"
)"
job_environment
run_scaling strong "${1:-${OPTIONS_FILE:-}}"
