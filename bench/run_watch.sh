#!/usr/bin/env bash
# baton's own CPU while 8 sessions run and their output streams are followed (src/run/watch.rs):
# fake agents that write a Claude Code stream-json tool call every 100 ms for 10 s (80 lines
# a second in all, far more than real agents), then do their task; beside the same agents
# with `stream = "none"` (nothing followed). baton's utime+stime (/proc/<pid>/stat: its
# threads, not its children) between the 8th `session_started` and the first
# `session_exited`, as % of one core; and the `session_activity` events sent. Goal: under 1%.
#
# Usage: bench/run_watch.sh                (RUNS=3; the release binary, built by bench/lib.sh)
#        BATON_BIN=path bench/run_watch.sh (that binary instead, nothing built)
# Needs python3, git, Linux /proc.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
cd "$ROOT"
if [ -n "${BATON_BIN:-}" ]; then
  BIN=$BATON_BIN
  median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
else
  # shellcheck source=bench/lib.sh
  . "$ROOT/bench/lib.sh"
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

export GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com \
  GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.com

cat > "$TMP/agent.sh" <<'EOF'
#!/bin/sh
n=0
while [ $n -lt 100 ]; do
  echo '{"type":"assistant","message":{"id":"m'$n'","content":[{"type":"tool_use","id":"t'$n'","name":"Bash","input":{"command":"cargo test --lib step_'$n'"}}],"usage":{"input_tokens":1200,"output_tokens":40}}}'
  sleep 0.1
  n=$((n+1))
done
for t in $BATON_TASKS; do
  mkdir -p work
  echo real > "work/$t.txt"
  git add -A
  "$BATON" done "$t" >/dev/null 2>&1
done
git add -A
git commit -qm "work on $BATON_TASKS"
EOF

cat > "$TMP/drive.py" <<'EOF'
import json, os, subprocess, sys, time
baton, cwd, sessions = sys.argv[1], sys.argv[2], int(sys.argv[3])
tick = os.sysconf("SC_CLK_TCK")

def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return (int(rest[11]) + int(rest[12])) / tick

p = subprocess.Popen([baton, "run", "--json", "--sessions", str(sessions), "--retries", "0"],
                     cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
started, window, activity = 0, None, 0
for raw in iter(p.stdout.readline, b""):
    now = time.monotonic()
    kind = json.loads(raw)["event"]
    if kind == "session_started":
        started += 1
        if started == sessions:
            window = [now, cpu(p.pid)]
    elif kind == "session_activity":
        activity += 1
    elif kind == "session_exited" and window and len(window) == 2:
        window += [now, cpu(p.pid)]
out = {"exit": p.wait(), "activity_events": activity}
if window and len(window) == 4:
    out["cpu_pct"] = (window[3] - window[1]) / (window[2] - window[0]) * 100
    out["window_s"] = window[2] - window[0]
print(json.dumps(out))
EOF

# template DIR STREAM: 8 one-task lanes, committed and locked.
template() {
  local dir=$1 stream=$2
  mkdir -p "$dir"
  {
    echo "# Bench"; echo; echo "## Phase 1: Lanes"; echo
    for k in $(seq 1 8); do
      echo "- [ ] L$k Lane $k"
      echo "  - files: work/L$k.txt"
      echo "  - verify: grep -q real work/L$k.txt"
    done
  } > "$dir/plan.md"
  cat > "$dir/baton.toml" <<EOF
[agents.fake]
argv = ["sh", "$TMP/agent.sh"]
stream = "$stream"

[agents.fake.env]
BATON = "$BIN"
EOF
  (cd "$dir" && git init -q -b main && git config gc.auto 0 && git add -A \
    && git commit -qm init && "$BIN" lock >/dev/null 2>&1 && git add .baton/lock.json \
    && git commit -qm lock)
}

template "$TMP/followed" claude
template "$TMP/unread" none
for name in followed unread; do
  for r in $(seq 1 "$RUNS"); do
    rm -rf "$TMP/work"
    cp -a "$TMP/$name" "$TMP/work"
    python3 "$TMP/drive.py" "$BIN" "$TMP/work" 8 | tee -a "$TMP/$name.jsonl" >&2
  done
done

med() {
  python3 -c 'import json,sys
for l in open(sys.argv[1]):
    v = json.loads(l).get(sys.argv[2])
    if v is not None: print(v)' "$TMP/$1.jsonl" "$2" | median
}
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
printf '\n%s\n' "baton run, 8 sessions, medians of $RUNS runs ($(nproc) cores, load average $LOAD)"
printf '%-58s %s\n' \
  "baton's CPU, streams followed (80 lines/s in all)" "$(med followed cpu_pct) % of a core" \
  "  over a window of" "$(med followed window_s) s" \
  "  session_activity events per run" "$(med followed activity_events)" \
  "baton's CPU, the same agents with stream = \"none\"" "$(med unread cpu_pct) % of a core"
