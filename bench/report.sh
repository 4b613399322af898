#!/usr/bin/env bash
# End-to-end figures for `baton report` (release binary) on the 10k-task plan of
# bench/gen_plan.py (seed 1, 20 phases), outside any git repository:
#   - median wall time of `baton report --out FILE` (target: under 1 s)
#   - the page's size (target: under 5 MB)
#
# Usage: bench/report.sh        (RUNS=10 by default)
# Needs python3 (bench/gen_plan.py). Optional: hyperfine.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-10}
cd "$ROOT"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
python3 "$ROOT/bench/gen_plan.py" --tasks 10000 --phases 20 --seed 1 --out "$TMP/plan.md"

cmd=("$BIN" report --plan "$TMP/plan.md" --out "$TMP/report.html")
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine --warmup 1 --runs "$RUNS" -i --style none -N \
    --export-json "$TMP/r.json" "${cmd[*]}" >/dev/null 2>&1
  ms=$(python3 -c "import json,sys; print('%.1f' % (json.load(open(sys.argv[1]))['results'][0]['median']*1000))" "$TMP/r.json")
else
  ms=$(for _ in $(seq "$RUNS"); do time_ms "${cmd[@]}"; done | median)
fi
"${cmd[@]}" 2>/dev/null
bytes=$(wc -c < "$TMP/report.html")
printf '%-48s %10s ms (median of %s; target under 1000)\n' "report, 10k tasks" "$ms" "$RUNS"
printf '%-48s %10s bytes (%s MB; target under 5 MB)\n' "report size, 10k tasks" "$bytes" \
  "$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1e6 }')"
