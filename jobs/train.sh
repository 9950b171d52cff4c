#!/usr/bin/env bash
#SBATCH --job-name=poisson-npo-train
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=2
#SBATCH --time=04:00:00
#SBATCH --output=%x-%j.out
#
# NPO training (npo_train, libtorch; one process, -npo_train_threads threads), then the
# training-history plot. Resumes from the job folder's checkpoint when one is there.
#   sbatch jobs/train.sh [OPTIONS_FILE]          OPTIONS_FILE: -npo_train_* options
#   bash jobs/train.sh [OPTIONS_FILE]            (no Slurm)
# Environment: THREADS (default: the allocation's CPUs per task, else 1), RESULTS_DIR.
set -euo pipefail
JOB_SCRIPT=train.sh
. "$(
  r=${POISSON_ROOT:-${SLURM_SUBMIT_DIR:-$(dirname "$0")/..}}
  echo "$r/jobs/lib.sh"
)"
job_environment
OPTIONS_FILE=${1:-${OPTIONS_FILE:-}}
options_file_args "$OPTIONS_FILE"
require_exe npo_train
threads=${THREADS:-${SLURM_CPUS_PER_TASK:-1}}
export OPENBLAS_NUM_THREADS=$threads
out=$(job_results_dir train)
mkdir -p "$out"
ckpt=$out/npo.h5
resume=()
[ -f "$ckpt" ] && resume=(-npo_train_resume "$ckpt")
echo "npo training: $threads thread(s), checkpoint $ckpt"
"$POISSON_BIN/npo_train" -npo_train_threads "$threads" "${extra[@]}" "${resume[@]}" -o "$ckpt"
"$PYTHON" "$POISSON_ROOT/postprocess/plot_training.py" "$ckpt"
