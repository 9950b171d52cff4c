#!/usr/bin/env bash
#SBATCH --job-name=poisson-ladder
#SBATCH --ntasks=2
#SBATCH --time=00:30:00
#SBATCH --output=%x-%j.out
#
# The decoupling ladder of report 13 (docs/decoupling-ladder.md): every rung on the rod problem
# with the error criterion (poisson_solve), the kappa of each preconditioner (poisson_spectra),
# then the ladder table and figure (postprocess/plot_ladder.py).
#   sbatch jobs/ladder.sh [OPTIONS_FILE]
#   RANKS=2 bash jobs/ladder.sh [OPTIONS_FILE]                       (no Slurm)
# Environment: METHODS (default: the ladder below), N (default 32), RHS (default rod),
# OPTIONS_FILE or the first argument (extra poisson_solve options).
set -euo pipefail
JOB_SCRIPT=ladder.sh
. "$(
  r=${POISSON_ROOT:-${SLURM_SUBMIT_DIR:-$(dirname "$0")/..}}
  echo "$r/jobs/lib.sh"
)"
job_environment
OPTIONS_FILE=${1:-${OPTIONS_FILE:-}}
options_file_args "$OPTIONS_FILE"
methods=${METHODS:-cg_err,sd,sd_jacobi,adi_cg,adi_sd,bjacobi2x_cg,bjacobi2x_sd,twolevel_icc_blocks,dst,dst_cg}
# The ladder counts on the error. Its own method files ask for it (-ksp_converged_error); a
# method file that stops on the residual (twolevel_icc_blocks, or one of METHODS) is switched.
error_opts=()
for m in ${methods//,/ }; do
  grep -qs '^-ksp_converged_error' "$POISSON_ROOT/petsc_options/$m.opts" ||
    error_opts+=("-${m}_ksp_converged_error")
done
require_exe poisson_solve
require_exe poisson_spectra
out=$(job_results_dir ladder)
mkdir -p "$out"
echo "ladder: $(job_tasks) tasks, methods $methods, results in $out"
launch "$(job_tasks)" "$POISSON_BIN/poisson_solve" -problem rod -rhs "${RHS:-rod}" -n "${N:-32}" \
  -methods "$methods" "${error_opts[@]}" "${extra[@]}" -o "$out/ladder.h5"
# kappa(M^{-1}A) of every method but the DST ones (M = A^{-1} there: kappa 1)
spectra_methods=$(echo "$methods" | tr ',' '\n' | grep -v '^dst' | paste -sd, -)
launch "$(job_tasks)" "$POISSON_BIN/poisson_spectra" -problem rod -rhs "${RHS:-rod}" -n "${N:-32}" \
  -methods "$spectra_methods" -o "$out/ladder_spectra.h5"
"$PYTHON" "$POISSON_ROOT/postprocess/plot_ladder.py" "$out/ladder.h5" "$out/ladder_spectra.h5"
