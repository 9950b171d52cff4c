#!/usr/bin/env bash
#SBATCH --job-name=poisson-mesh-study
#SBATCH --ntasks=2
#SBATCH --time=01:00:00
#SBATCH --output=%x-%j.out
#
# Mesh study of the Richardson ladder (report 12 item 9, docs/ladder.md): for each n of SIZES,
# rho(I - sCA) of every method (poisson_spectra -iteration_radius), then the Richardson solves
# (error criterion, GRF right-hand side of that n) of the methods whose predicted count
# ln(1e-10)/ln(rho) is within MAX_IT, then the figure 1 - rho against h
# (postprocess/plot_mesh_study.py): the two-grid's rho is mesh-independent, the local methods'
# 1 - rho = O(h^2).
#   sbatch jobs/mesh_study.sh [OPTIONS_FILE]
#   RANKS=2 bash jobs/mesh_study.sh [OPTIONS_FILE]                     (no Slurm)
# Environment: METHODS (default rich_jacobi,rich_gs,rich_icc,rich_twogrid_bilinear), SIZES
# (default 16,32,64,128,256), MAX_IT (default 20000, the method files' limit), OPTIONS_FILE or
# the first argument (extra options for both programs).
set -euo pipefail
JOB_SCRIPT=mesh_study.sh
. "$(
  r=${POISSON_ROOT:-${SLURM_SUBMIT_DIR:-$(dirname "$0")/..}}
  echo "$r/jobs/lib.sh"
)"
job_environment
OPTIONS_FILE=${1:-${OPTIONS_FILE:-}}
options_file_args "$OPTIONS_FILE"
methods=${METHODS:-rich_jacobi,rich_gs,rich_icc,rich_twogrid_bilinear}
sizes=${SIZES:-16,32,64,128,256}
max_it=${MAX_IT:-20000}
[[ $sizes =~ ^[0-9]+(,[0-9]+)*$ ]] || fail "SIZES must be a comma-separated list of n, got '$sizes'"
[[ $max_it =~ ^[0-9]+$ ]] || fail "MAX_IT must be a positive integer, got '$max_it'"
for m in ${methods//,/ }; do
  require_file "method file" "$POISSON_ROOT/petsc_options/$m.opts"
done
require_exe poisson_solve
require_exe poisson_spectra
out=$(job_results_dir mesh_study)
mkdir -p "$out"
echo "mesh_study: $(job_tasks) tasks, methods $methods, n = $sizes, results in $out"
for n in ${sizes//,/ }; do
  launch "$(job_tasks)" "$POISSON_BIN/poisson_spectra" -problem constant -n "$n" -iteration_radius \
    -methods "$methods" "${extra[@]}" -o "$out/mesh_rho_n$n.h5"
  finish=$("$PYTHON" "$POISSON_ROOT/postprocess/plot_mesh_study.py" --finishing \
    "$out/mesh_rho_n$n.h5" "$max_it")
  if [ -z "$finish" ]; then
    echo "mesh_study: n = $n: no method finishes within $max_it iterations; rho only"
    continue
  fi
  limits=()
  for m in ${finish//,/ }; do limits+=("-${m}_ksp_max_it" "$max_it"); done
  launch "$(job_tasks)" "$POISSON_BIN/poisson_solve" -problem constant -n "$n" -rhs grf \
    -methods "$finish" "${limits[@]}" "${extra[@]}" -o "$out/mesh_solve_n$n.h5"
done
"$PYTHON" "$POISSON_ROOT/postprocess/plot_mesh_study.py" "$out"
