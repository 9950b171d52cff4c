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
OPTIONS_FILE=${1:-${OPTIONS_FILE:-}}
require_file "options file" "$OPTIONS_FILE"
require_exe poisson_solve
N_PER_TASK=${N_PER_TASK:-1048576}
max=$(job_tasks)
IFS=, read -r -a tasks <<<"$(scaling_task_list)"
out=$(job_results_dir weak)
mkdir -p "$out"
for np in "${tasks[@]}"; do
  [ "$np" -le "$max" ] || fail "TASK_LIST asks for $np tasks, the job has $max"
  n=$("$PYTHON" -c "import math; n = round(math.sqrt($np * $N_PER_TASK)); print(n + n % 2)")
  echo "weak scaling: n = $n on $np task(s) -> $out/np$np.h5"
  launch "$np" "$POISSON_BIN/poisson_solve" -problem constant -n "$n" \
    -options_file "$(realpath "$OPTIONS_FILE")" -o "$out/np$np.h5"
done
"$PYTHON" "$POISSON_ROOT/postprocess/plot_scaling.py" --kind weak "$out"
