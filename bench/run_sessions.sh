#!/usr/bin/env bash
# Figures for `baton run` (release binary) with fake agents (sh scripts):
#   1. dispatch overhead per session on a 10,000-file repository (bench/gen_repo.py), worktree
#      creation included: agents that exit at once and tick nothing. Measured from the start
#      of `baton run` to each `session_started` event, which baton emits after the session's
#      worktree is made and its agent spawned (events are read as `--json` lines, flushed per
#      event, and stamped on arrival). Goal: <= 150 ms per session.
#   1b. the same, second run, warm pool: a first run fills the worktree pool (its agents tick
#      nothing, so their tasks are blocked and the second run dispatches them again), then
#      the second run is measured: each session takes a pooled worktree (`git worktree
#      move` + `git checkout -b`, only the files that differ) instead of `git worktree add`.
#   1c. the same, first run, the pool filled ahead with `baton pool fill` (timed apart).
#   2. 32 concurrent sessions to completion (`--sessions` is 1 to 64), honest agents (write
#      their file, `baton done`, commit), small repository: wall time of the whole run, gates,
#      32 merges and the phase check included.
#   3. baton's own CPU while 8 sessions run: agents sleep 5 s before their work; baton's
#      utime+stime (/proc/<pid>/stat, its threads, not its children) between the last
#      `session_started` and the first `session_exited`, as % of one core. Goal: under 1%.
#   4. merging 8 lanes (the same runs as 3): from the last gate event to the last `merged`.
#
# Usage: bench/run_sessions.sh      (RUNS=3 by default; ONLY=dispatch: the 10k-file cases only;
#        ONLY=warm: the 1-session warm and pool-filled cases only)
# Needs python3 (bench/gen_repo.py and the event reader below), git, Linux /proc.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
cd "$ROOT"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

export GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com \
  GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.com

cat > "$TMP/agent.sh" <<'EOF'
#!/bin/sh
case "$MODE" in
  exit) exit 0 ;;
  sleep) sleep 5 ;;
esac
for t in $BATON_TASKS; do
  mkdir -p work
  echo real > "work/$t.txt"
  git add -A
  "$BATON" done "$t" >/dev/null 2>&1
done
git add -A
git commit -qm "work on $BATON_TASKS"
EOF

# Starts `baton run` in DIR, stamps each JSON event on arrival, samples baton's CPU; prints
# one JSON object of figures.
cat > "$TMP/drive.py" <<'EOF'
import json, os, subprocess, sys, time
baton, cwd, sessions = sys.argv[1], sys.argv[2], int(sys.argv[3])
tick = os.sysconf("SC_CLK_TCK")

def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return (int(rest[11]) + int(rest[12])) / tick  # utime + stime, seconds

t0 = time.monotonic()
p = subprocess.Popen([baton, "run", "--json", "--sessions", str(sessions), "--retries", "0"],
                     cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
starts, gates, merges = [], [], []
all_started = first_exit = None
for raw in iter(p.stdout.readline, b""):
    now = time.monotonic()
    ms = (now - t0) * 1000
    kind = json.loads(raw)["event"]
    if kind == "session_started":
        starts.append(ms)
        if len(starts) == sessions:
            all_started = (now, cpu(p.pid))
    elif kind == "session_exited" and first_exit is None and all_started:
        first_exit = (now, cpu(p.pid))
    elif kind in ("gate_passed", "gate_failed"):
        gates.append(ms)
    elif kind == "merged":
        merges.append(ms)
code = p.wait()
out = {"exit": code, "total_ms": (time.monotonic() - t0) * 1000, "sessions": len(starts),
       "first_start_ms": min(starts, default=None), "last_start_ms": max(starts, default=None),
       "merged": len(merges)}
if starts:
    out["per_session_ms"] = max(starts) / len(starts)
if all_started and first_exit:
    wall = first_exit[0] - all_started[0]
    out["cpu_pct"] = (first_exit[1] - all_started[1]) / wall * 100
    out["cpu_window_s"] = wall
if merges and gates:
    out["merge_ms"] = max(merges) - max(g for g in gates if g <= min(merges))
print(json.dumps(out))
EOF

# plan N: phase 1 with N independent one-task lanes, phase 2 with one task.
plan() {
  echo "# Bench"
  echo
  echo "## Phase 1: Lanes"
  echo
  for k in $(seq 1 "$1"); do
    echo "- [ ] L$k Lane $k"
    echo "  - files: work/L$k.txt"
    echo "  - verify: grep -q real work/L$k.txt"
  done
  echo
  echo "## Phase 2: Later"
  echo
  echo "- [ ] Z1 Later"
  echo "  - files: later.txt"
}

# template DIR FILES LANES MODE: a committed repository with the plan locked, the fake agent.
template() {
  local dir=$1 files=$2 lanes=$3 mode=$4
  if [ "$files" -gt 0 ]; then
    python3 "$ROOT/bench/gen_repo.py" "$dir" "$files" 7 >/dev/null
  else
    mkdir -p "$dir" && echo "small" > "$dir/README.md"
  fi
  plan "$lanes" > "$dir/plan.md"
  cat > "$dir/baton.toml" <<EOF
[agents.fake]
argv = ["sh", "$TMP/agent.sh"]

[agents.fake.env]
MODE = "$mode"
BATON = "$BIN"
EOF
  # No background `git gc --auto` while the repository is copied: pack it once here.
  (cd "$dir" && git init -q -b main && git config gc.auto 0 && git add -A \
    && git commit -qm init && "$BIN" lock >/dev/null 2>&1 && git add .baton/lock.json \
    && git commit -qm lock && git repack -adq)
}

# fresh_copy TEMPLATE: $TMP/work, a copy of TEMPLATE with its index refreshed. A copy's
# files have new inodes and change times, so its index is stale and git's first look at
# the tree would hash all 10,000 files again; a user's repository is not in that state.
fresh_copy() {
  rm -rf "$TMP/work"
  cp -a "$1" "$TMP/work"
  git -C "$TMP/work" update-index -q --refresh >/dev/null || true
}

# scenario NAME TEMPLATE SESSIONS: RUNS runs on fresh copies; one JSON line per run.
scenario() {
  local name=$1 tpl=$2 sessions=$3
  for r in $(seq 1 "$RUNS"); do
    fresh_copy "$tpl"
    python3 "$TMP/drive.py" "$BIN" "$TMP/work" "$sessions" | tee -a "$TMP/$name.jsonl" >&2
  done
}

# scenario_warm NAME TEMPLATE SESSIONS: like scenario, each copy run twice; the second run
# (its sessions' worktrees from the first run's pool) is the one recorded.
scenario_warm() {
  local name=$1 tpl=$2 sessions=$3
  for r in $(seq 1 "$RUNS"); do
    fresh_copy "$tpl"
    python3 "$TMP/drive.py" "$BIN" "$TMP/work" "$sessions" >/dev/null
    python3 "$TMP/drive.py" "$BIN" "$TMP/work" "$sessions" | tee -a "$TMP/$name.jsonl" >&2
  done
}

# scenario_filled NAME TEMPLATE SESSIONS: like scenario, the pool filled ahead (`baton pool
# fill --count SESSIONS`, timed into NAME-fill.txt) before the measured first run.
scenario_filled() {
  local name=$1 tpl=$2 sessions=$3
  for r in $(seq 1 "$RUNS"); do
    fresh_copy "$tpl"
    (cd "$TMP/work" && time_ms "$BIN" pool fill --count "$sessions") >> "$TMP/$name-fill.txt"
    python3 "$TMP/drive.py" "$BIN" "$TMP/work" "$sessions" | tee -a "$TMP/$name.jsonl" >&2
  done
}

# med NAME FIELD: the median of FIELD over NAME's runs.
med() {
  [ -f "$TMP/$1.jsonl" ] || { echo "-"; return; }
  python3 -c 'import json,sys
for l in open(sys.argv[1]):
    v = json.loads(l).get(sys.argv[2])
    if v is not None: print(v)' "$TMP/$1.jsonl" "$2" | median
}

echo "generating a 10,000-file repository..." >&2
template "$TMP/big1" 10000 1 exit
cp -a "$TMP/big1" "$TMP/big8"
plan 8 > "$TMP/big8/plan.md"
(cd "$TMP/big8" && "$BIN" lock >/dev/null 2>&1 && git add -A && git commit -qm "8 lanes")
template "$TMP/small32" 0 32 honest
template "$TMP/small8" 0 8 sleep

touch "$TMP/wt.txt" "$TMP/filled8-fill.txt"
if [ "${ONLY:-}" != warm ]; then
echo "git worktree add alone, 10k files..." >&2
for r in $(seq 1 "$RUNS"); do
  time_ms git -C "$TMP/big1" worktree add -q -b "wt$r" "$TMP/wt$r" >> "$TMP/wt.txt"
  git -C "$TMP/big1" worktree remove --force "$TMP/wt$r"
  git -C "$TMP/big1" branch -q -D "wt$r"
done
echo "dispatch, 1 session, 10k files..." >&2
scenario dispatch1 "$TMP/big1" 1
echo "dispatch, 8 sessions, 10k files..." >&2
scenario dispatch8 "$TMP/big8" 8
fi
echo "dispatch, second run, warm pool, 1 session, 10k files..." >&2
scenario_warm warm1 "$TMP/big1" 1
echo "dispatch, first run, pool filled ahead, 1 session, 10k files..." >&2
scenario_filled filled1 "$TMP/big1" 1
if [ "${ONLY:-}" != warm ]; then
echo "dispatch, second run, warm pool, 8 sessions, 10k files..." >&2
scenario_warm warm8 "$TMP/big8" 8
echo "dispatch, first run, pool filled ahead, 8 sessions, 10k files..." >&2
scenario_filled filled8 "$TMP/big8" 8
fi
if [ -z "${ONLY:-}" ]; then
echo "32 sessions to completion..." >&2
scenario complete32 "$TMP/small32" 32
echo "8 sleeping sessions: CPU, then 8 merges..." >&2
scenario sleep8 "$TMP/small8" 8
fi

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
printf '\n%s\n' "baton run, medians of $RUNS runs ($(nproc) cores, load average $LOAD)"
printf '%-62s %s\n' \
  "git worktree add alone, 10k files" "$(median < "$TMP/wt.txt") ms" \
  "dispatch, 1 session, 10k files: start to session_started" "$(med dispatch1 first_start_ms) ms" \
  "dispatch, 8 sessions, 10k files: start to the 8th start" "$(med dispatch8 last_start_ms) ms" \
  "  per session (8th start / 8)" "$(med dispatch8 per_session_ms) ms" \
  "second run, warm pool, 1 session: start to session_started" "$(med warm1 first_start_ms) ms" \
  "second run, warm pool, 8 sessions: start to the 8th start" "$(med warm8 last_start_ms) ms" \
  "  per session (8th start / 8)" "$(med warm8 per_session_ms) ms" \
  "first run, pool filled ahead, 1 session: start to session_started" "$(med filled1 first_start_ms) ms" \
  "first run, pool filled ahead, 8 sessions: per session" "$(med filled8 per_session_ms) ms" \
  "  baton pool fill --count 1 (before the run)" "$(median < "$TMP/filled1-fill.txt") ms" \
  "  baton pool fill --count 8 (before the run)" "$(median < "$TMP/filled8-fill.txt") ms" \
  "32 sessions to completion (run wall time)" "$(med complete32 total_ms) ms" \
  "  of which until the 32nd start" "$(med complete32 last_start_ms) ms" \
  "baton's CPU while 8 agents sleep" "$(med sleep8 cpu_pct) % of a core" \
  "  over a window of" "$(med sleep8 cpu_window_s) s" \
  "merging 8 lanes (last gate to last merge)" "$(med sleep8 merge_ms) ms"
