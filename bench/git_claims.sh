#!/usr/bin/env bash
# Claims through the git remote (`claims = "git"`) against a bare repository on local disk:
#   - the median wall time of one `baton claim` (a free task, one clone; RUNS claims)
#   - the median wall time of a refused claim (a task another clone holds)
#   - RACES races of 16 clones claiming one task in separate processes, released together:
#     exactly one winner each (the count of races with another number is printed and fails
#     the script)
#   - TAKEOVERS races of 16 clones taking over one expired claim: exactly one winner each
#
# Usage: bench/git_claims.sh      (RUNS=50 RACES=1000 TAKEOVERS=200 by default)
# Needs git and flock (util-linux).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-50}
RACES=${RACES:-1000}
TAKEOVERS=${TAKEOVERS:-200}
CLONES=16
cd "$ROOT"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
export GIT_CONFIG_GLOBAL=/dev/null HOME="$TMP"
unset BATON_NOW

TASKS=$((RUNS * 2 + RACES + TAKEOVERS + 10))
git init -q --bare -b main remote.git
git clone -q remote.git seed 2>/dev/null
{
  printf '# Bench\n\n## Phase 1: All\n\n'
  for i in $(seq "$TASKS"); do printf -- '- [ ] T%s Task %s\n  - files: src/t%s.rs\n' "$i" "$i" "$i"; done
} >seed/plan.md
echo 'claims = "git"' >seed/baton.toml
git -C seed add . && git -C seed -c user.email=b@example.com -c user.name=b commit -q -m plan
git -C seed push -q origin main
for c in $(seq 0 $((CLONES - 1))); do git clone -q remote.git "c$c"; done

# One claim at a time: free tasks, then tasks held by another clone (refused, exit 4).
n=0
free=$(for _ in $(seq "$RUNS"); do n=$((n + 1)); (cd c0 && time_ms "$BIN" claim "T$n" --by solo); done | median)
held=$(for i in $(seq "$RUNS"); do (cd c1 && time_ms "$BIN" claim "T$i" --by other); done | median)
n=$((RUNS))
printf '%-56s %8s ms (median of %s)\n' "claim through the git remote, free task" "$free" "$RUNS"
printf '%-56s %8s ms (median of %s)\n' "claim through the git remote, refused (held)" "$held" "$RUNS"

# race TASK: 16 clones run `baton claim TASK --by sN`, all held at a gate (a shared lock
# waiting on the exclusive one this shell holds) and released together; prints the number
# of winners (exit 0) and reports any exit but 0 and 4.
race() {
  local task=$1 gate="$TMP/gate" pids=() c
  exec 9>"$gate"
  flock -x 9
  for c in $(seq 0 $((CLONES - 1))); do
    (cd "c$c" && flock -s "$gate" true && exec "$BIN" claim "$task" --by "s$c" >/dev/null 2>&1) &
    pids+=($!)
  done
  sleep 0.1
  flock -u 9
  exec 9>&-
  local wins=0 code
  for p in "${pids[@]}"; do
    code=0; wait "$p" || code=$?
    case $code in 0) wins=$((wins + 1)) ;; 4) ;; *) echo "exit $code in a race for $task" >&2 ;; esac
  done
  echo "$wins"
}

bad=0
t0=$(date +%s%N)
for r in $(seq "$RACES"); do
  n=$((n + 1))
  w=$(race "T$n")
  [ "$w" -eq 1 ] || { bad=$((bad + 1)); echo "race $r on T$n: $w winners" >&2; }
done
t1=$(date +%s%N)
printf '%-56s %8s of %s (%s s)\n' "16-clone races with exactly one winner" "$((RACES - bad))" "$RACES" \
  "$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", ns / 1e9 }')"

# Takeovers: an expired claim (a lease of 1 s, waited out) taken by 16 clones at once.
badt=0
for r in $(seq "$TAKEOVERS"); do
  n=$((n + 1))
  (cd c0 && "$BIN" claim "T$n" --by old --ttl 1s >/dev/null 2>&1)
  sleep 1.1
  w=$(race "T$n")
  [ "$w" -eq 1 ] || { badt=$((badt + 1)); echo "takeover $r on T$n: $w winners" >&2; }
done
printf '%-56s %8s of %s\n' "16-clone takeovers of an expired claim, one winner" "$((TAKEOVERS - badt))" "$TAKEOVERS"
[ "$bad" -eq 0 ] && [ "$badt" -eq 0 ]
