#!/usr/bin/env bash
# End-to-end figures for the release binary on synthetic plans:
#   - `baton lint --plan <100k tasks>`: median wall time (hyperfine if installed, else a loop)
#   - peak RSS of that lint (/usr/bin/time -v)
#   - `baton done T<k> --plan <10k tasks>` then `baton undo T<k>`, in a loop: median per call
#
# Usage: bench/run.sh            (RUNS=10 by default; RUNS=30 bench/run.sh for steadier figures)
# Needs python3 (bench/gen_plan.py). Optional: hyperfine, GNU time (`apt-get install -y
# hyperfine time`).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-10}
cd "$ROOT"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# done/undo keep their lock and index next to the plan's repository, or here when there is
# none: work inside the temp dir so nothing lands in the project.
cd "$TMP"

declare -A PHASES=([1000]=10 [10000]=20 [100000]=50)
for n in 1000 10000 100000; do
  python3 "$ROOT/bench/gen_plan.py" --tasks "$n" --phases "${PHASES[$n]}" --seed 1 \
    --out "$TMP/plan-$n.md"
done
BIG="$TMP/plan-100000.md"
MID="$TMP/plan-10000.md"

# One decimal place.
fmt1() { awk -v x="$1" 'BEGIN { printf "%.1f", x }'; }

supports() { "$BIN" "$1" --help >/dev/null 2>&1; }

row() { printf '%-44s %14s  %s\n' "$1" "$2" "$3"; }

declare -a ROWS

# --- lint wall time ---------------------------------------------------------------------
if supports lint; then
  if command -v hyperfine >/dev/null 2>&1; then
    # -i: lint exits non-zero when it has findings; that is not a failed run here.
    hyperfine --warmup 1 --runs "$RUNS" -i --style none \
      --export-json "$TMP/lint.json" "$BIN lint --plan $BIG" >/dev/null 2>&1
    LINT_MS=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f" % (r["median"]*1000))' "$TMP/lint.json")
    LINT_HOW="median of $RUNS, hyperfine"
  else
    "$BIN" lint --plan "$BIG" >/dev/null 2>&1 || true
    LINT_MS=$(for _ in $(seq "$RUNS"); do time_ms "$BIN" lint --plan "$BIG"; done | median)
    LINT_HOW="median of $RUNS, date loop"
  fi
  ROWS+=("$(row "lint --plan (100k tasks)" "$LINT_MS ms" "$LINT_HOW")")

  # --- peak RSS of the same lint --------------------------------------------------------
  if [ -x /usr/bin/time ]; then
    RSS_KB=$(for _ in 1 2 3; do
      /usr/bin/time -v "$BIN" lint --plan "$BIG" 2>&1 >/dev/null |
        awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}'
    done | median)
    ROWS+=("$(row "lint peak RSS (100k tasks)" "$((RSS_KB / 1024)) MiB" "median of 3, /usr/bin/time -v")")
  else
    ROWS+=("$(row "lint peak RSS (100k tasks)" "n/a" "install GNU time: apt-get install -y time")")
  fi
else
  ROWS+=("$(row "lint --plan (100k tasks)" "n/a" "this binary has no 'lint' command yet")")
fi

# --- done / undo on 10k ---------------------------------------------------------------------
if supports done && supports undo; then
  # A todo task in the middle of the plan.
  ID=$(awk '/^- \[ \] T[0-9]+ / && substr($4, 2) + 0 >= 5000 { print $4; exit }' "$MID")
  cp "$MID" "$TMP/pristine.md"
  "$BIN" done "$ID" --plan "$MID" >/dev/null 2>&1 || true # warm-up (builds any cache)
  "$BIN" undo "$ID" --plan "$MID" >/dev/null 2>&1 || true
  if command -v hyperfine >/dev/null 2>&1; then
    # Each timed `done` starts from a todo task (and each `undo` from a done one): the
    # opposite command runs untimed before every run.
    for pair in "done undo" "undo done"; do
      set -- $pair
      hyperfine -N --warmup 3 --runs "$RUNS" --style none --prepare "$BIN $2 $ID --plan $MID" \
        --export-json "$TMP/$1.json" "$BIN $1 $ID --plan $MID" >/dev/null 2>&1
      MS=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f" % (r["median"]*1000))' "$TMP/$1.json")
      ROWS+=("$(row "$1 $ID --plan (10k tasks)" "$MS ms" "median of $RUNS, hyperfine")")
    done
    "$BIN" undo "$ID" --plan "$MID" >/dev/null 2>&1 || true
  else
    : >"$TMP/done.ms"
    : >"$TMP/undo.ms"
    for _ in $(seq "$RUNS"); do
      time_ms "$BIN" done "$ID" --plan "$MID" >>"$TMP/done.ms"
      time_ms "$BIN" undo "$ID" --plan "$MID" >>"$TMP/undo.ms"
    done
    ROWS+=("$(row "done $ID --plan (10k tasks)" "$(fmt1 "$(median <"$TMP/done.ms")") ms" "median of $RUNS, date loop")")
    ROWS+=("$(row "undo $ID --plan (10k tasks)" "$(fmt1 "$(median <"$TMP/undo.ms")") ms" "median of $RUNS, date loop")")
  fi
  if cmp -s "$MID" "$TMP/pristine.md"; then
    ROWS+=("$(row "plan after $RUNS x done+undo" "identical" "byte for byte")")
  else
    ROWS+=("$(row "plan after $RUNS x done+undo" "CHANGED" "done+undo did not restore the bytes")")
  fi
else
  ROWS+=("$(row "done/undo --plan (10k tasks)" "n/a" "this binary has no 'done'/'undo' yet")")
fi

# --- read commands on 10k ---------------------------------------------------------------
if command -v hyperfine >/dev/null 2>&1; then
  for cmd in status next lint; do
    hyperfine -N -i --warmup 2 --runs "$RUNS" --style none \
      --export-json "$TMP/$cmd.json" "$BIN $cmd --plan $MID" >/dev/null 2>&1
    MS=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f" % (r["median"]*1000))' "$TMP/$cmd.json")
    ROWS+=("$(row "$cmd --plan (10k tasks)" "$MS ms" "median of $RUNS, hyperfine")")
  done
fi

echo
printf '%-44s %14s  %s\n' "benchmark" "result" "how"
printf '%-44s %14s  %s\n' "--------------------------------------------" "--------------" "----"
for n in 1000 10000 100000; do
  row "plan size ($n tasks)" "$(($(wc -c <"$TMP/plan-$n.md") / 1024)) KiB" "bench/gen_plan.py --seed 1"
done
printf '%s\n' "${ROWS[@]}"
