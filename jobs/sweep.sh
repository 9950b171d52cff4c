#!/usr/bin/env bash
#SBATCH --job-name=poisson-sweep
#SBATCH --ntasks=2
#SBATCH --time=01:00:00
#SBATCH --output=%x-%A_%a.out
#SBATCH --array=0-3
#
# n-sweep: iterations (and, with KAPPA=1, kappa through poisson_spectra) against n for the
# methods of METHODS, one array element per n of N_LIST.
#   bash jobs/submit_sweep.sh [N_LIST] [METHODS]   array + dependent plotting job (Slurm)
#   N_LIST=32,64 sbatch --array=0-1 jobs/sweep.sh      (sbatch passes the environment on)
#   N_LIST=32,64,128 METHODS=none,jacobi,icc bash jobs/sweep.sh     (no Slurm: all n, then plots)
# Environment: N_LIST (default 32,64,128,256), METHODS (default none,jacobi,icc,gamg,hypre),
# PROBLEM (default constant), OPTIONS_FILE or the first argument (extra options, optional),
# RESULTS_DIR, RANKS (without Slurm).
set -euo pipefail
JOB_SCRIPT=sweep.sh
. "$(
  r=${POISSON_ROOT:-${SLURM_SUBMIT_DIR:-$(dirname "$0")/..}}
  echo "$r/jobs/lib.sh"
)"
job_environment
N_LIST=${N_LIST:-32,64,128,256}
METHODS=${METHODS:-none,jacobi,icc,gamg,hypre}
PROBLEM=${PROBLEM:-constant}
OPTIONS_FILE=${1:-${OPTIONS_FILE:-}}
options_file_args "$OPTIONS_FILE"
require_exe poisson_solve
[ "${KAPPA:-0}" = 1 ] && require_exe poisson_spectra
IFS=, read -r -a sizes <<<"$N_LIST"
out=$(job_results_dir sweep)
mkdir -p "$out"

run_one() {
  local n=$1
  echo "sweep: n = $n, methods $METHODS, $(job_tasks) tasks -> $out/n$n.h5"
  launch "$(job_tasks)" "$POISSON_BIN/poisson_solve" -problem "$PROBLEM" -n "$n" \
    -methods "$METHODS" "${extra[@]}" -o "$out/n$n.h5"
  if [ "${KAPPA:-0}" = 1 ]; then
    launch "$(job_tasks)" "$POISSON_BIN/poisson_spectra" -problem "$PROBLEM" -n "$n" \
      -methods "$METHODS" "${extra[@]}" -o "$out/spectra_n$n.h5"
  fi
}

if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
  idx=$((SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-0}))
  [ "$idx" -lt "${#sizes[@]}" ] || fail "array index $SLURM_ARRAY_TASK_ID has no n in N_LIST=$N_LIST"
  run_one "${sizes[$idx]}"
else
  for n in "${sizes[@]}"; do run_one "$n"; done
  "$PYTHON" "$POISSON_ROOT/postprocess/plot_sweep.py" "$out"
fi
