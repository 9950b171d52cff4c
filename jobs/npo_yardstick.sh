#!/usr/bin/env bash
#SBATCH --job-name=poisson-npo-yardstick
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --exclusive
#SBATCH --time=00:20:00
#SBATCH --output=%x-%j.out
#
# The NPO speed yardstick measured on this machine (issue 18, docs/npo.md#speed): the
# reference's network in Python + PyTorch (benchmarks/npo_reference.py) and this project's
# forward pass and training, one after the other on one core, so that every ratio printed is a
# same-machine comparison of code. Run it on an otherwise idle machine.
#   sbatch jobs/npo_yardstick.sh            bash jobs/npo_yardstick.sh    (no Slurm)
# Environment: SIZES (default 32,64,128,256), EPOCHS (timed training epochs, default 6),
# CHECKPOINT (default models/npo_multires.h5). Writes in results/jobs/npo-yardstick-<id>/:
# yardstick.json (the -bench_yardstick file), reference.json, apply.txt, train.txt.
set -euo pipefail
JOB_SCRIPT=npo_yardstick.sh
. "$(
  r=${POISSON_ROOT:-${SLURM_SUBMIT_DIR:-$(dirname "$0")/..}}
  echo "$r/jobs/lib.sh"
)"
job_environment
require_exe npo_tool
require_exe npo_train_bench
/usr/bin/python3 -c 'import torch, scipy, h5py' 2>/dev/null ||
  fail "the reference needs Debian's python3-torch, python3-scipy and python3-h5py (scripts/setup.sh installs them)"
sizes=${SIZES:-32,64,128,256}
out=$(job_results_dir npo-yardstick)
mkdir -p "$out"
echo "npo_yardstick: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), results in $out"
cd "$POISSON_ROOT"
/usr/bin/python3 benchmarks/npo_reference.py --sizes "$sizes" --train-epochs "${EPOCHS:-6}" \
  --json "$out/reference.json" --yardstick "$out/yardstick.json"
"$POISSON_BIN/npo_tool" -checkpoint "${CHECKPOINT:-models/npo_multires.h5}" -timing \
  -timing_sizes "$sizes" -timing_impl native,torch -bench_yardstick "$out/yardstick.json" |
  tee "$out/apply.txt"
"$POISSON_BIN/npo_train_bench" -bench_epochs "${EPOCHS:-6}" -bench_yardstick "$out/yardstick.json" \
  -bench_output "$out/train.json" | tee "$out/train.txt"
echo "npo_yardstick: done; cp $out/yardstick.json benchmarks/npo_yardstick.json to make it the default"
