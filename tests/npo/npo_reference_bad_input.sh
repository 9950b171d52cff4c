#!/usr/bin/env bash
# benchmarks/npo_reference.py refuses bad arguments with one error line and exit 2, before any
# measuring and without writing its output files. Skipped (77) without Debian's python3-torch.
set -u
ROOT=$1 FIXTURES=$2
/usr/bin/python3 -c 'import torch, scipy, h5py' 2>/dev/null || { echo "SKIP: no python3-torch"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fails=0
check() { # expected-message-part args...
  local want=$1
  shift
  err=$(/usr/bin/python3 "$ROOT/benchmarks/npo_reference.py" --weights "$FIXTURES/npo_weights.h5" \
    --json "$out/r.json" --yardstick "$out/y.json" "$@" 2>&1 >/dev/null)
  rc=$?
  lines=$(printf '%s\n' "$err" | grep -c 'error:')
  if [ $rc -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -q -- "$want" <<<"$err" || [ -e "$out/r.json" ] || [ -e "$out/y.json" ]; then
    echo "FAIL: $* -> rc $rc: $err"
    fails=$((fails + 1))
  else
    echo "ok: $* -> $(grep 'error:' <<<"$err")"
  fi
}
check "integers" --sizes 32,abc
check "at least 2" --sizes 1
check "at least 2" --sizes ,
check "reps" --reps 0
check "train-epochs" --train-epochs -1
check "total-epochs" --train-epochs 20 --total-epochs 10
check "no such file" --weights /nonexistent/w.h5
check "--base" --base /nonexistent/y.json
exit $((fails > 0))
