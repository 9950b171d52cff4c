#!/usr/bin/env bash
# Submits the n-sweep as a Slurm job array (one element per n) and a dependent job that
# plots the folder once every element has succeeded (--dependency=afterok).
#   bash jobs/submit_sweep.sh [N_LIST] [METHODS] [OPTIONS_FILE]
# Prints the two job ids. Extra sbatch arguments: SBATCH_ARGS="--ntasks=4 --time=02:00:00".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
N_LIST=${1:-${N_LIST:-32,64,128,256}}
METHODS=${2:-${METHODS:-none,jacobi,icc,gamg,hypre}}
OPTIONS_FILE=${3:-${OPTIONS_FILE:-}}
if [ -n "$OPTIONS_FILE" ] && [ ! -r "$OPTIONS_FILE" ]; then
  echo "submit_sweep.sh: error: options file '$OPTIONS_FILE' not found" >&2
  exit 1
fi
IFS=, read -r -a sizes <<<"$N_LIST"
cd "$root"
# sbatch passes the environment on (--export=ALL); lists hold commas, which --export=VAR=...
# would split, so they travel as exported variables.
export N_LIST METHODS
array=$(sbatch --parsable ${SBATCH_ARGS:-} --array=0-$((${#sizes[@]} - 1)) \
  jobs/sweep.sh ${OPTIONS_FILE:+"$OPTIONS_FILE"})
array=${array%%;*}
plot=$(sbatch --parsable --dependency=afterok:"$array" --job-name=poisson-sweep-plot \
  --ntasks=1 --output=poisson-sweep-plot-%j.out \
  --wrap="/usr/bin/python3 '$root/postprocess/plot_sweep.py' '${RESULTS_DIR:-$root/results/jobs}/sweep-$array'")
echo "sweep array $array, plotting job $plot"
echo "results: ${RESULTS_DIR:-$root/results/jobs}/sweep-$array"
