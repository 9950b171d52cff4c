#!/usr/bin/env bash
#SBATCH --job-name=poisson-canonical
#SBATCH --ntasks=2
#SBATCH --time=00:30:00
#SBATCH --output=%x-%j.out
#
# The canonical study (n = 32, GRF seed 42, every shipped method on the constant and the
# variable problem), then its table and convergence plots.
#   sbatch jobs/canonical.sh [OPTIONS_FILE]        (submit from the project root)
#   RANKS=2 bash jobs/canonical.sh [OPTIONS_FILE]  (no Slurm)
# OPTIONS_FILE (optional): extra poisson_solve options, e.g. -methods / -n / -problem.
set -euo pipefail
JOB_SCRIPT=canonical.sh
. "$(
  r=${POISSON_ROOT:-${SLURM_SUBMIT_DIR:-$(dirname "$0")/..}}
  echo "$r/jobs/lib.sh"
)"
job_environment
OPTIONS_FILE=${1:-${OPTIONS_FILE:-}}
options_file_args "$OPTIONS_FILE"
require_exe poisson_solve
out=$(job_results_dir canonical)
mkdir -p "$out"
echo "canonical study: $(job_tasks) tasks, results in $out"
launch "$(job_tasks)" "$POISSON_BIN/poisson_solve" "${extra[@]}" -o "$out/canonical.h5"
"$PYTHON" "$POISSON_ROOT/postprocess/plot_results.py" "$out/canonical.h5"
