#!/usr/bin/env bash
# `baton dash` idle CPU: the dashboard runs in a tmux pane (200x50) on a plan of 10 phases,
# 200 tasks, with claims held, and nothing changes; its utime+stime (/proc/<pid>/stat, all
# its threads) over DURATION seconds after a 2 s start, as % of one core. It wakes only for
# file notifications, keys and the one-second clock tick (src/dash/app.rs). Goal: under 1%.
#
# Usage: bench/dash.sh                 (RUNS=5 DURATION=10; the release binary, built by
#                                       bench/lib.sh)
#        BATON_BIN=path bench/dash.sh  (that binary instead, nothing built)
# Needs tmux, git, Linux /proc.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
DURATION=${DURATION:-10}
cd "$ROOT"
if [ -n "${BATON_BIN:-}" ]; then
  BIN=$BATON_BIN
  median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
else
  # shellcheck source=bench/lib.sh
  . "$ROOT/bench/lib.sh"
fi
TMP=$(mktemp -d)
SOCK="$TMP/tmux.sock"
trap 'tmux -S "$SOCK" kill-server 2>/dev/null || true; rm -rf "$TMP"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com \
  GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.com

repo="$TMP/repo"
mkdir -p "$repo"
{
  echo "# Bench plan"
  for p in $(seq 1 10); do
    printf '\n## Phase %d: Part %d\n\n' "$p" "$p"
    for t in $(seq 1 20); do
      n=$(( (p - 1) * 20 + t ))
      if [ "$p" -le 3 ]; then box=x; else box=' '; fi
      printf -- '- [%s] T%d Task %d\n  - files: src/f%d.txt\n' "$box" "$n" "$n" "$n"
      mkdir -p "$repo/src"; echo "$n" > "$repo/src/f$n.txt"
    done
  done
} > "$repo/plan.md"
(cd "$repo" && git init -q -b main && git add -A && git commit -qm plan)
for n in 61 62 63; do (cd "$repo" && BATON_SESSION="s$n" "$BIN" claim "T$n" >/dev/null); done

hz=$(getconf CLK_TCK)
results=()
for run in $(seq 1 "$RUNS"); do
  tmux -S "$SOCK" -f /dev/null new-session -d -s dash -x 200 -y 50 \
    "cd '$repo' && exec '$BIN' dash"
  sleep 2
  pid=$(tmux -S "$SOCK" display-message -p -t dash '#{pane_pid}')
  a=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  sleep "$DURATION"
  b=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  tmux -S "$SOCK" send-keys -t dash q
  sleep 0.5
  tmux -S "$SOCK" kill-server 2>/dev/null || true
  pct=$(awk -v t=$((b - a)) -v hz="$hz" -v d="$DURATION" 'BEGIN { printf "%.2f\n", 100 * t / hz / d }')
  echo "run $run: ${pct}% of a core ($((b - a)) ticks in ${DURATION}s)" >&2
  results+=("$pct")
done
printf '%s\n' "${results[@]}" | median | awk '{ printf "dash idle CPU, median of %d runs: %s%% of a core\n", '"$RUNS"', $1 }'
