#!/usr/bin/env bash
# `baton claim` with the file-overlap check on a 10k-task plan while 100 other sessions hold
# live claims: the median wall time of one claim (a release, untimed, runs before each), as a
# session would run it in a git repository.
#
# Usage: bench/claim.sh      (RUNS=20 by default)
# Needs python3 (bench/gen_plan.py) and hyperfine (`apt-get install -y hyperfine`).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-20}
cd "$ROOT"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
git init -q -b main
python3 "$ROOT/bench/gen_plan.py" --tasks 10000 --phases 20 --seed 1 --out plan.md
git add plan.md
git -c user.email=b@example.com -c user.name=b commit -q -m plan

# 101 ready tasks: 100 held by other sessions (each claim checked like any other), one timed.
READY=$("$BIN" next --json | python3 -c 'import json,sys; print(" ".join(t["id"] for t in json.load(sys.stdin)["ready"][:101]))')
set -- $READY
[ "$#" -eq 101 ] || { echo "only $# ready tasks" >&2; exit 1; }
HELD=0
for id in "${@:1:100}"; do
  if "$BIN" claim "$id" --by "s-$id" >/dev/null 2>&1; then HELD=$((HELD + 1)); fi
done
TIMED=${101}
echo "live claims: $HELD; timed: claim $TIMED" >&2
"$BIN" claim "$TIMED" --by bench >/dev/null 2>&1 || { echo "claim $TIMED failed" >&2; "$BIN" claim "$TIMED" --by bench; exit 1; }
"$BIN" release "$TIMED" --by bench >/dev/null

hyperfine --warmup 2 --runs "$RUNS" --style none \
  --prepare "$BIN release $TIMED --by bench" \
  --export-json claim.json "$BIN claim $TIMED --by bench" >/dev/null 2>&1
MS=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f" % (r["median"]*1000))' claim.json)
printf '%-44s %10s  %s\n' "claim (10k tasks, $HELD live claims)" "$MS ms" "median of $RUNS, hyperfine"
