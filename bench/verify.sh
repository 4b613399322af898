#!/usr/bin/env bash
# End-to-end figures for `baton verify` (release binary):
#   - 48 tasks whose verify command sleeps 1 s, `--jobs 8`: median wall time (ideal: 6 s)
#   - baton's own overhead per verify command: 200 tasks running `true` with `--jobs 1`,
#     minus 200 plain `sh -c true` runs, divided by 200 (median of RUNS rounds)
#
# Usage: bench/verify.sh        (RUNS=5 by default)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
cd "$ROOT"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"

now_ns() { date +%s%N; }

{
  echo "# Sleepers"
  echo "## Phase 1"
  for i in $(seq 1 48); do printf -- '- [x] T%d sleeper\n  - verify: `sleep 1`\n' "$i"; done
} > sleep.md
{
  echo "# Trues"
  echo "## Phase 1"
  for i in $(seq 1 200); do printf -- '- [x] T%d quick\n  - verify: `true`\n' "$i"; done
} > true.md

walls=()
for _ in $(seq "$RUNS"); do
  t0=$(now_ns); "$BIN" verify --plan sleep.md --all --jobs 8 >/dev/null 2>&1 || true; t1=$(now_ns)
  walls+=("$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.3f", ns / 1e9 }')")
done
printf '%-52s %8s s (median of %s)\n' "verify: 48 x sleep 1, --jobs 8" "$(printf '%s\n' "${walls[@]}" | median)" "$RUNS"

overheads=()
for _ in $(seq "$RUNS"); do
  t0=$(now_ns); "$BIN" verify --plan true.md --all --jobs 1 >/dev/null 2>&1 || true; t1=$(now_ns)
  t2=$(now_ns); for _ in $(seq 1 200); do sh -c true; done; t3=$(now_ns)
  overheads+=("$(awk -v b=$((t1 - t0)) -v s=$((t3 - t2)) 'BEGIN { printf "%.3f", (b - s) / 200 / 1e6 }')")
done
printf '%-52s %8s ms (median of %s)\n' "verify: overhead per command over sh -c true" "$(printf '%s\n' "${overheads[@]}" | median)" "$RUNS"
