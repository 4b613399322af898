#!/usr/bin/env bash
# Slurm dispatch overhead of `baton run --executor slurm` against `--executor local`, on a
# one-node cluster started on loopback (tests/support/slurm-cluster.sh; needs slurm-wlm,
# munge and root). 8 one-task lanes whose agents exit at once, small repository, no pool.
# Per run: from the start of `baton run` to the 8th `session_started` (the 8th job
# submitted: sbatch's round trip) divided by 8, the whole run's wall time (jobs
# scheduled, run, followed to their end, gated, merged), and how many times the run asked
# the controller with squeue (a shim first on PATH counts the calls).
#
# Usage: bench/slurm.sh        (RUNS=5 by default; BATON_BIN=PATH times another binary)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
cd "$ROOT"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
TMP=$(mktemp -d)
trap 'bash "$ROOT/tests/support/slurm-cluster.sh" stop "$TMP/cluster"; rm -rf "$TMP"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com \
  GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.com
eval "export $(bash "$ROOT/tests/support/slurm-cluster.sh" start "$TMP/cluster")"

cat > "$TMP/agent.sh" <<'AGENT'
#!/bin/sh
for t in $BATON_TASKS; do
  mkdir -p work && echo real > "work/$t.txt" && git add -A && "$BATON" done "$t" >/dev/null 2>&1
done
git add -A && git commit -qm "work on $BATON_TASKS"
AGENT

mkdir -p "$TMP/tpl" && cd "$TMP/tpl"
{
  echo "# Bench"; echo; echo "## Phase 1: Lanes"; echo
  for k in $(seq 1 8); do
    echo "- [ ] L$k Lane $k"; echo "  - files: work/L$k.txt"; echo "  - verify: grep -q real work/L$k.txt"
  done
} > plan.md
cat > baton.toml <<TOML
[run]
pool = 0

[agents.fake]
argv = ["sh", "$TMP/agent.sh"]

[agents.fake.env]
BATON = "$BIN"
TOML
git init -q -b main && git add -A && git commit -qm init && "$BIN" lock >/dev/null 2>&1 \
  && git add -A && git commit -qm lock
cd "$ROOT"

mkdir -p "$TMP/shims"
REAL_SQUEUE=$(command -v squeue)
printf '#!/bin/sh\necho x >> "%s"\nexec "%s" "$@"\n' "$TMP/squeue.calls" "$REAL_SQUEUE" \
  > "$TMP/shims/squeue"
chmod +x "$TMP/shims/squeue"

cat > "$TMP/drive.py" <<'PY'
import json, os, subprocess, sys, time
baton, cwd, executor, calls = sys.argv[1:5]
if os.path.exists(calls):
    os.remove(calls)
t0 = time.monotonic()
p = subprocess.Popen([baton, "run", "--json", "--sessions", "8", "--retries", "0",
                      "--executor", executor], cwd=cwd, stdout=subprocess.PIPE,
                     stderr=subprocess.DEVNULL)
starts = []
for raw in iter(p.stdout.readline, b""):
    if json.loads(raw)["event"] == "session_started":
        starts.append((time.monotonic() - t0) * 1000)
code = p.wait()
squeues = sum(1 for _ in open(calls)) if os.path.exists(calls) else 0
print(json.dumps({"exit": code, "per_session_ms": max(starts) / len(starts),
                  "total_ms": (time.monotonic() - t0) * 1000, "squeue_calls": squeues}))
PY

for executor in local slurm; do
  for r in $(seq 1 "$RUNS"); do
    rm -rf "$TMP/work" && cp -a "$TMP/tpl" "$TMP/work"
    PATH="$TMP/shims:$PATH" python3 "$TMP/drive.py" "$BIN" "$TMP/work" "$executor" \
      "$TMP/squeue.calls" | tee -a "$TMP/$executor.jsonl" >&2
  done
done
med() {
  python3 -c 'import json,sys
for l in open(sys.argv[1]): print(json.loads(l)[sys.argv[2]])' "$TMP/$1.jsonl" "$2" | median
}
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
printf '\n%s\n' "baton run, 8 one-task sessions, medians of $RUNS runs ($(nproc) cores, load average $LOAD)"
printf '%-52s %s\n' \
  "local: dispatch per session (8th start / 8)" "$(med local per_session_ms) ms" \
  "local: whole run" "$(med local total_ms) ms" \
  "slurm: dispatch per session (8th job submitted / 8)" "$(med slurm per_session_ms) ms" \
  "slurm: whole run" "$(med slurm total_ms) ms" \
  "slurm: squeue calls per run" "$(med slurm squeue_calls)"
