#!/usr/bin/env bash
#SBATCH --job-name=poisson-spectra
#SBATCH --ntasks=2
#SBATCH --time=01:00:00
#SBATCH --output=%x-%j.out
#
# Spectra of A and of each method's preconditioned operator (poisson_spectra, SLEPc), with
# the kappa(n) sweep, then the figures.
#   sbatch jobs/spectra.sh [OPTIONS_FILE]
#   RANKS=2 bash jobs/spectra.sh [OPTIONS_FILE]                      (no Slurm)
# Environment: METHODS (default: poisson_spectra's), PROBLEM (default constant,variable),
# N (default 32), KAPPA_SWEEP (default 8,16,32,64,128), OPTIONS_FILE or the first argument
# (extra poisson_spectra options, e.g. -spectrum_full or -eps_* settings).
set -euo pipefail
JOB_SCRIPT=spectra.sh
. "$(
  r=${POISSON_ROOT:-${SLURM_SUBMIT_DIR:-$(dirname "$0")/..}}
  echo "$r/jobs/lib.sh"
)"
job_environment
OPTIONS_FILE=${1:-${OPTIONS_FILE:-}}
options_file_args "$OPTIONS_FILE"
[ -n "${METHODS:-}" ] && extra+=(-methods "$METHODS")
require_exe poisson_spectra
out=$(job_results_dir spectra)
mkdir -p "$out"
echo "spectra: $(job_tasks) tasks, results in $out"
launch "$(job_tasks)" "$POISSON_BIN/poisson_spectra" -problem "${PROBLEM:-constant,variable}" \
  -n "${N:-32}" -kappa_sweep "${KAPPA_SWEEP:-8,16,32,64,128}" "${extra[@]}" -o "$out/spectra.h5"
"$PYTHON" "$POISSON_ROOT/postprocess/plot_spectra.py" "$out/spectra.h5"
