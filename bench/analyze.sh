#!/usr/bin/env bash
# End-to-end figures for `baton analyze --sessions 8` on synthetic plans (release binary):
#   - median wall time on 10k and 100k tasks (hyperfine if installed, else a `date` loop)
#   - peak RSS of the 100k run (GNU time)
# The schedule's quality on random plans is printed by `cargo bench --bench analyze`.
#
# Usage: bench/analyze.sh        (RUNS=10 by default)
# Needs python3 (bench/gen_plan.py). Optional: hyperfine, GNU time.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-10}
cd "$ROOT"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Outside any git repository: co-change is not part of these figures (--history 0 as well).
cd "$TMP"
python3 "$ROOT/bench/gen_plan.py" --tasks 10000 --phases 20 --seed 1 --out "$TMP/plan-10000.md"
python3 "$ROOT/bench/gen_plan.py" --tasks 100000 --phases 50 --seed 1 --out "$TMP/plan-100000.md"

for n in 10000 100000; do
  cmd=("$BIN" analyze --plan "$TMP/plan-$n.md" --sessions 8 --history 0)
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --warmup 1 --runs "$RUNS" -i --style none -N \
      --export-json "$TMP/a-$n.json" "${cmd[*]}" >/dev/null 2>&1
    ms=$(python3 -c "import json,sys; print('%.1f' % (json.load(open(sys.argv[1]))['results'][0]['median']*1000))" "$TMP/a-$n.json")
  else
    ms=$(for _ in $(seq "$RUNS"); do time_ms "${cmd[@]}"; done | median)
  fi
  printf '%-48s %10s ms (median of %s)\n' "analyze --sessions 8, $n tasks" "$ms" "$RUNS"
done

if [ -x /usr/bin/time ]; then
  /usr/bin/time -f '%M' -o "$TMP/rss" "$BIN" analyze --plan "$TMP/plan-100000.md" --sessions 8 --history 0 >/dev/null 2>&1 || true
  kb=$(tail -1 "$TMP/rss")
  printf '%-48s %10s MiB\n' "peak memory, analyze on 100k tasks" "$(awk -v k="$kb" 'BEGIN { printf "%.0f", k / 1024 }')"
fi
