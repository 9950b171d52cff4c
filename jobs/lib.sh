# Shared by the job scripts of jobs/: locating the project, checking inputs before any
# launch, launching MPI (srun under Slurm's MPI support, mpirun otherwise), result folders.
# Sourced, not run.

# The project root: POISSON_ROOT, else the submission folder under Slurm (sbatch runs a copy
# of the script from its spool, so submit from the project root), else this file's parent.
poisson_root() {
  if [ -n "${POISSON_ROOT:-}" ]; then
    echo "$POISSON_ROOT"
  elif [ -n "${SLURM_SUBMIT_DIR:-}" ] && [ -f "$SLURM_SUBMIT_DIR/jobs/lib.sh" ]; then
    echo "$SLURM_SUBMIT_DIR"
  else
    cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
  fi
}

fail() {
  echo "$(basename "${JOB_SCRIPT:-$0}"): error: $*" >&2
  exit 1
}

# require_file LABEL PATH: fails at once, before anything is launched.
require_file() {
  [ -n "$2" ] || fail "no $1 given"
  [ -r "$2" ] || fail "$1 '$2' not found or not readable"
}

require_exe() {
  [ -x "$POISSON_BIN/$1" ] ||
    fail "$POISSON_BIN/$1 not found: build the project first (bash scripts/setup.sh) or set POISSON_ROOT"
}

# Number of tasks available: Slurm's allocation, else RANKS (default 2).
job_tasks() {
  echo "${SLURM_NTASKS:-${RANKS:-2}}"
}

# launch NP COMMAND...: srun when inside a Slurm allocation whose srun has PMIx, else mpirun.
launch() {
  local np=$1
  shift
  if [ -n "${SLURM_JOB_ID:-}" ] && command -v srun >/dev/null && srun --mpi=list 2>&1 | grep -q pmix; then
    srun --mpi=pmix --ntasks="$np" "$@"
  else
    mpirun --oversubscribe -n "$np" "$@"
  fi
}

# One folder per job (array tasks share their array's folder).
job_results_dir() {
  local name=$1 id
  id=${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:-local-$(date +%Y%m%d-%H%M%S)-$$}}
  echo "${RESULTS_DIR:-$POISSON_ROOT/results/jobs}/$name-$id"
}

# Common environment: one BLAS/OpenMP thread per rank, mpirun as root allowed.
job_environment() {
  POISSON_ROOT=$(poisson_root)
  POISSON_BIN=${POISSON_BIN:-$POISSON_ROOT/build/bin}
  PYTHON=${PYTHON:-/usr/bin/python3}
  export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
  # shellcheck source=../scripts/blas_env.sh
  . "$POISSON_ROOT/scripts/blas_env.sh"
  if [ "$(id -u)" -eq 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  fi
  export POISSON_ROOT POISSON_BIN PYTHON
}

# options_file_args FILE: sets the array `extra` to (-options_file FILE), or to () when FILE
# is empty; a FILE that cannot be read fails at once.
options_file_args() {
  extra=()
  if [ -n "${1:-}" ]; then
    require_file "options file" "$1"
    extra=(-options_file "$(realpath "$1")")
  fi
}

# run_scaling strong|weak OPTIONS_FILE [OPTION...]: poisson_solve with one method (the options
# file, then the further options) on the constant problem for each task count of
# scaling_task_list, then the scaling plots. strong: n = N_STRONG at every count; weak:
# n = sqrt(P * N_PER_TASK), rounded to even, or with N_ROUND=fft to the n nearest it whose n + 1
# has no prime factor above 7 (PC dst: FFTW's sine transform of size n runs fastest there).
run_scaling() {
  local kind=$1 max np n out tasks
  require_file "options file" "${2:-}"
  local options_file=$2
  shift 2
  require_exe poisson_solve
  max=$(job_tasks)
  IFS=, read -r -a tasks <<<"$(scaling_task_list)"
  out=$(job_results_dir "$kind")
  mkdir -p "$out"
  for np in "${tasks[@]}"; do
    [ "$np" -le "$max" ] || fail "TASK_LIST asks for $np tasks, the job has $max"
    if [ "$kind" = strong ]; then
      n=${N_STRONG:-2048}
    else
      n=$("$PYTHON" -c "
import math
t = math.sqrt($np * ${N_PER_TASK:-1048576})
if '${N_ROUND:-even}' == 'fft':
    def smooth(m):
        for q in (2, 3, 5, 7):
            while m % q == 0: m //= q
        return m == 1
    print(min((m for m in range(2, int(2 * t) + 3) if smooth(m)), key=lambda m: abs(m - 1 - t)) - 1)
else:
    n = round(t)
    print(n + n % 2)")
    fi
    echo "$kind scaling: n = $n on $np task(s) -> $out/np$np.h5"
    launch "$np" "$POISSON_BIN/poisson_solve" -problem constant -n "$n" \
      -options_file "$(realpath "$options_file")" "$@" -o "$out/np$np.h5"
  done
  "$PYTHON" "$POISSON_ROOT/postprocess/plot_scaling.py" --kind "$kind" "$out"
}

# TASK_LIST, else 1, 2, 4, ... up to the job's task count (strong and weak scaling).
scaling_task_list() {
  local max p list=1
  max=$(job_tasks)
  if [ -n "${TASK_LIST:-}" ]; then
    echo "$TASK_LIST"
    return
  fi
  p=2
  while [ "$p" -le "$max" ]; do list="$list,$p"; p=$((p * 2)); done
  echo "$list"
}
