#!/usr/bin/env bash
# ctest -L slurm: the job scripts of jobs/ under a real single-node Slurm cluster started
# here (munged, slurmctld, slurmd on private ports, all state under a temporary folder) and
# stopped again, by process id, whatever happens.
#   bash tests/slurm/slurm_test.sh PROJECT_ROOT
# Exit 0 when every check passed, 1 otherwise, 77 (skip) when Slurm is not installed.
set -uo pipefail
ROOT=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
for exe in munged mungekey slurmctld slurmd sbatch squeue scontrol sacct; do
  command -v "$exe" >/dev/null || PATH=$PATH:/usr/sbin
  command -v "$exe" >/dev/null || { echo "SKIP: $exe not installed (bash scripts/setup.sh installs Slurm)"; exit 77; }
done

DIR=$(mktemp -d /tmp/poisson-slurm-XXXXXX)
export SLURM_CONF=$DIR/slurm.conf
failures=0
ok() { echo "PASS: $*"; }
bad() { echo "FAIL: $*"; failures=$((failures + 1)); }

stop_cluster() {
  local pidfile pid
  # Cancel what is still queued or running, and give the steps a moment to end.
  if [ -s "$DIR/slurmctld.pid" ]; then
    scancel --quiet -u "$(id -un)" 2>/dev/null || true
    for _ in $(seq 50); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
  fi
  for pidfile in "$DIR/slurmd.pid" "$DIR/slurmctld.pid" "$DIR/munged.pid"; do
    [ -s "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  # Anything of a job that outlived its daemons: its processes name files under $DIR.
  pkill -9 -f "$DIR/" 2>/dev/null || true
}
finish() {
  stop_cluster
  local left=0 pidfile
  for pidfile in "$DIR/slurmd.pid" "$DIR/slurmctld.pid" "$DIR/munged.pid"; do
    [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && left=1
  done
  [ "$left" = 0 ] && echo "PASS: the test cluster's daemons are stopped" || { echo "FAIL: a daemon survived"; failures=$((failures + 1)); }
  if [ "$failures" -gt 0 ]; then
    echo "--- slurmctld.log (tail)"; tail -20 "$DIR/slurmctld.log" 2>/dev/null
    echo "--- slurmd.log (tail)"; tail -20 "$DIR/slurmd.log" 2>/dev/null
    for out in "$DIR"/*.out; do [ -f "$out" ] && { echo "--- $out"; tail -15 "$out"; }; done
  fi
  rm -rf "$DIR"
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" = 0 ]
  exit $?
}
checks=0
trap finish EXIT
check() { checks=$((checks + 1)); if "$@"; then return 0; fi; return 1; }

# --- start the cluster
port=$((20000 + $$ % 20000))
# Not nproc: it follows OMP_NUM_THREADS, which the test environment sets to 1.
cpus=$(getconf _NPROCESSORS_ONLN)
mkdir -p "$DIR/state" "$DIR/spool" "$DIR/results"
sed -e "s|@DIR@|$DIR|g" -e "s|@HOST@|$(hostname)|g" -e "s|@CPUS@|$cpus|g" \
  -e "s|@FIRST_JOB_ID@|$((1000 + $$ % 100000))|g" -e "s|@CTLD_PORT@|$port|g" -e "s|@SLURMD_PORT@|$((port + 1))|g" \
  "$ROOT/tests/slurm/slurm.conf.in" >"$SLURM_CONF"
# PMIx's per-step folders under the test folder, not in /tmp (mpi.conf sits beside slurm.conf).
mkdir -p "$DIR/pmix"
echo "PMIxCliTmpDirBase=$DIR/pmix" >"$DIR/mpi.conf"
mungekey -c -k "$DIR/munge.key" >/dev/null 2>&1 && chmod 600 "$DIR/munge.key"
munged --force --key-file="$DIR/munge.key" --socket="$DIR/munge.sock" \
  --pid-file="$DIR/munged.pid" --log-file="$DIR/munged.log" --seed-file="$DIR/munged.seed" ||
  { bad "munged did not start"; exit 1; }
slurmctld -f "$SLURM_CONF" || { bad "slurmctld did not start"; exit 1; }
slurmd -f "$SLURM_CONF" || { bad "slurmd did not start"; exit 1; }
for _ in $(seq 60); do
  [ "$(sinfo -h -o %t 2>/dev/null)" = idle ] && break
  sleep 0.5
done
checks=$((checks + 1))
[ "$(sinfo -h -o %t 2>/dev/null)" = idle ] && ok "single-node cluster up ($(hostname), $cpus CPUs)" || { bad "node not idle: $(sinfo 2>&1)"; exit 1; }

cd "$ROOT"
export RESULTS_DIR=$DIR/results
state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -1; }

# --- every script parses, and Slurm accepts every batch script
for f in jobs/*.sh; do
  checks=$((checks + 1))
  bash -n "$f" && ok "bash -n $f" || bad "bash -n $f"
  if grep -q '^#SBATCH' "$f"; then
    checks=$((checks + 1))
    # The headers ask for a real cluster's task counts; the test node has $cpus CPUs.
    sbatch --test-only --ntasks=1 --cpus-per-task=1 "$f" >/dev/null 2>&1 && ok "sbatch --test-only $f" ||
      bad "sbatch --test-only $f: $(sbatch --test-only --ntasks=1 --cpus-per-task=1 "$f" 2>&1)"
  fi
done

# Converged solves of the expected methods in a results file.
converged() { # file problem method...
  /usr/bin/python3 - "$@" <<'PY'
import sys, h5py
path, problem, methods = sys.argv[1], sys.argv[2], sys.argv[3:]
with h5py.File(path, "r") as f:
    bad = [m for m in methods if int(f[f"/{problem}/{m}"].attrs["converged"]) != 1]
sys.exit(1 if bad else 0)
PY
}

# --- the canonical study, 2 tasks
# Every wait is bounded: a job that cannot start must fail the test, not hang it.
id=$(timeout 600 sbatch --parsable --wait --ntasks=2 -o "$DIR/canonical-%j.out" jobs/canonical.sh \
  tests/slurm/canonical_small.opts 2>/dev/null)
checks=$((checks + 1))
[ "$(state "$id")" = COMPLETED ] && ok "canonical job $id COMPLETED" || { bad "canonical job $id: $(state "$id")"; cat "$DIR"/canonical-*.out; }
f=$(ls "$DIR"/results/canonical-"$id"/canonical.h5 2>/dev/null)
checks=$((checks + 1))
[ -n "$f" ] && converged "$f" constant none jacobi icc ilu bjacobi2 gamg hypre &&
  converged "$f" variable none jacobi icc ilu bjacobi2 gamg hypre &&
  ok "canonical results: every method converged on both problems" || bad "canonical results file $f"
checks=$((checks + 1))
ls "$DIR"/results/canonical-"$id"/canonical_constant_convergence.png >/dev/null 2>&1 &&
  ok "canonical job made its plots" || bad "canonical plots missing"

# --- a two-element sweep array and its dependent plotting job
line=$(SBATCH_ARGS="--ntasks=2 -o $DIR/%x-%A_%a.out" METHODS=none,jacobi bash jobs/submit_sweep.sh 16,32 2>&1 | head -1)
array=$(echo "$line" | sed -n 's/sweep array \([0-9]*\), plotting job \([0-9]*\)/\1/p')
plot=$(echo "$line" | sed -n 's/sweep array \([0-9]*\), plotting job \([0-9]*\)/\2/p')
for _ in $(seq 600); do
  [ -z "$(squeue -h -j "$array,$plot" 2>/dev/null)" ] && break
  sleep 0.5
done
checks=$((checks + 1))
[ -n "$array" ] && [ "$(state "${array}_0")" = COMPLETED ] && [ "$(state "${array}_1")" = COMPLETED ] &&
  ok "sweep array $array: both elements COMPLETED" || bad "sweep array '$line': $(state "${array}_0") $(state "${array}_1")"
checks=$((checks + 1))
[ -n "$plot" ] && [ "$(state "$plot")" = COMPLETED ] && ok "dependent plotting job $plot COMPLETED" || bad "plotting job $plot: $(state "$plot")"
sweep="$DIR/results/sweep-$array"
checks=$((checks + 1))
converged "$sweep/n16.h5" constant none jacobi 2>/dev/null && converged "$sweep/n32.h5" constant none jacobi 2>/dev/null &&
  [ -f "$sweep/sweep_iterations.png" ] && ok "sweep results converged and plotted" || bad "sweep results in $sweep: $(ls "$sweep" 2>&1)"

# --- a missing options file fails at once, with the message in the output file
start=$(date +%s)
id=$(timeout 120 sbatch --parsable --wait --ntasks=1 -o "$DIR/missing-%j.out" jobs/strong.sh /nonexistent/method.opts 2>/dev/null)
took=$(($(date +%s) - start))
checks=$((checks + 1))
[ "$(state "$id")" = FAILED ] && [ "$took" -lt 30 ] && ok "job with a missing options file FAILED in ${took}s" || bad "missing-options job $id: $(state "$id") after ${took}s"
checks=$((checks + 1))
grep -q "options file '/nonexistent/method.opts' not found" "$DIR/missing-$id.out" && ok "its output file names the missing file" || bad "message not in $(cat "$DIR/missing-$id.out")"
checks=$((checks + 1))
[ -z "$(squeue -h 2>/dev/null)" ] && ok "no job left in the queue" || bad "jobs left: $(squeue)"

echo "--- sacct (job completion records)"
sacct -c -o jobid,jobname,partition,nnodes,state,end 2>/dev/null | head -20
