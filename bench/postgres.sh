#!/usr/bin/env bash
# The state on PostgreSQL (`BATON_STATE=postgres://…`) against a server started here on
# loopback with PostgreSQL's durable defaults (fsync at every commit), beside the SQLite file:
#   - the median wall time of one `baton claim` of a free task, and of one `baton status`
#     (RUNS each; a release, untimed, before each claim), on each backend;
#   - throughput with CLIENTS processes at once: each claims PER tasks of its own, one after
#     another; claims a second over the whole burst, and the median of every claim's wall time;
#   - RACES races of CLIENTS processes claiming one task: exactly one winner each.
#
# Usage: bench/postgres.sh      (RUNS=30 CLIENTS=64 PER=10 RACES=20 by default)
# Needs Debian's postgresql (initdb, pg_ctl), git, flock and python3.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-30}
CLIENTS=${CLIENTS:-64}
PER=${PER:-10}
RACES=${RACES:-20}
cd "$ROOT"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

TMP=$(mktemp -d)
cleanup() {
  "$ROOT/tests/support/pg-server.sh" stop "$TMP/pg" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
URL=$(PG_DURABLE=1 "$ROOT/tests/support/pg-server.sh" start "$TMP/pg")
psql_cmd() { psql -q -X "$URL" "$@"; }
psql_cmd -c "CREATE DATABASE bench" >/dev/null
PG=${URL%/*}/bench
export GIT_CONFIG_GLOBAL=/dev/null HOME="$TMP"
unset BATON_NOW BATON_STATE

TASKS=$((20 + CLIENTS * PER + RACES + 10))
mkdir "$TMP/repo"
cd "$TMP/repo"
git init -q -b main
{
  printf '# Bench\n\n## Phase 1: All\n\n'
  for i in $(seq "$TASKS"); do printf -- '- [ ] T%s Task %s\n  - files: src/t%s.rs\n' "$i" "$i" "$i"; done
} >plan.md
git add plan.md && git -c user.email=b@example.com -c user.name=b commit -q -m plan

# latency STATE: median ms of a claim and of a status, RUNS each.
latency() {
  local claims=() statuses=() i
  BATON_STATE=$1 "$BIN" claim T1 --by bench >/dev/null 2>&1 || true
  for i in $(seq "$RUNS"); do
    BATON_STATE=$1 "$BIN" release T1 --by bench >/dev/null 2>&1
    claims+=("$(BATON_STATE=$1 time_ms "$BIN" claim T1 --by bench)")
    statuses+=("$(BATON_STATE=$1 time_ms "$BIN" status)")
  done
  BATON_STATE=$1 "$BIN" release T1 --by bench >/dev/null 2>&1
  printf '%s %s\n' "$(printf '%s\n' "${claims[@]}" | median)" "$(printf '%s\n' "${statuses[@]}" | median)"
}
read -r sq_claim sq_status < <(latency local)
read -r pg_claim pg_status < <(latency "$PG")
printf '%-52s %8s ms (median of %s)\n' "claim, SQLite file" "$sq_claim" "$RUNS"
printf '%-52s %8s ms (median of %s)\n' "claim, PostgreSQL on loopback" "$pg_claim" "$RUNS"
printf '%-52s %8s ms (median of %s)\n' "status, SQLite file" "$sq_status" "$RUNS"
printf '%-52s %8s ms (median of %s)\n' "status, PostgreSQL on loopback" "$pg_status" "$RUNS"

# The gate: CLIENTS processes wait on a shared lock while this shell holds it exclusively.
gate() { exec 9>"$TMP/gate"; flock -x 9; }
open_gate() { sleep 0.3; flock -u 9; exec 9>&-; }

# Throughput: client c claims tasks c*PER+1 … c*PER+PER, each claim timed.
throughput() {
  local state=$1 c pids=()
  rm -f "$TMP"/lat.*
  gate
  for c in $(seq 0 $((CLIENTS - 1))); do
    (
      flock -s "$TMP/gate" true
      for k in $(seq "$PER"); do
        BATON_STATE=$state time_ms "$BIN" claim "T$((20 + c * PER + k))" --by "c$c" >>"$TMP/lat.$c"
      done
    ) &
    pids+=($!)
  done
  local t0 t1
  t0=$(date +%s%N)
  open_gate
  for p in "${pids[@]}"; do wait "$p"; done
  t1=$(date +%s%N)
  local held
  held=$(BATON_STATE=$state "$BIN" status --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["claimed"]))')
  [ "$held" -eq $((CLIENTS * PER)) ] || { echo "$state: $held claims held, expected $((CLIENTS * PER))" >&2; exit 1; }
  local lat
  lat=$(cat "$TMP"/lat.* | median)
  awk -v n=$((CLIENTS * PER)) -v ns=$((t1 - t0 - 300000000)) -v lat="$lat" \
    'BEGIN { printf "%.0f claims/s, median claim %s ms\n", n / (ns / 1e9), lat }'
}
printf '%-52s %s\n' "$CLIENTS clients x $PER claims, SQLite file" "$(throughput local)"
printf '%-52s %s\n' "$CLIENTS clients x $PER claims, PostgreSQL" "$(throughput "$PG")"

# Races on PostgreSQL: CLIENTS processes claim one task; exactly one may win.
bad=0
for r in $(seq "$RACES"); do
  task="T$((20 + CLIENTS * PER + r))"
  gate
  pids=()
  for c in $(seq 0 $((CLIENTS - 1))); do
    (flock -s "$TMP/gate" true && BATON_STATE=$PG exec "$BIN" claim "$task" --by "r$c" >/dev/null 2>&1) &
    pids+=($!)
  done
  open_gate
  wins=0
  for p in "${pids[@]}"; do
    code=0; wait "$p" || code=$?
    case $code in 0) wins=$((wins + 1)) ;; 4) ;; *) echo "exit $code in race $r" >&2 ;; esac
  done
  [ "$wins" -eq 1 ] || { bad=$((bad + 1)); echo "race $r: $wins winners" >&2; }
done
printf '%-52s %8s of %s\n' "$CLIENTS-process races on PostgreSQL, one winner" "$((RACES - bad))" "$RACES"
[ "$bad" -eq 0 ]
