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
OPTIONS_FILE=${1:-${OPTIONS_FILE:-}}
require_file "options file" "$OPTIONS_FILE"
require_exe poisson_solve
N_STRONG=${N_STRONG:-2048}
max=$(job_tasks)
IFS=, read -r -a tasks <<<"$(scaling_task_list)"
out=$(job_results_dir strong)
mkdir -p "$out"
for np in "${tasks[@]}"; do
  [ "$np" -le "$max" ] || fail "TASK_LIST asks for $np tasks, the job has $max"
  echo "strong scaling: n = $N_STRONG on $np task(s) -> $out/np$np.h5"
  launch "$np" "$POISSON_BIN/poisson_solve" -problem constant -n "$N_STRONG" \
    -options_file "$(realpath "$OPTIONS_FILE")" -o "$out/np$np.h5"
done
"$PYTHON" "$POISSON_ROOT/postprocess/plot_scaling.py" --kind strong "$out"
