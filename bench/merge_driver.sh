#!/usr/bin/env bash
# `baton merge-driver` on a 10k-task plan: both sides tick a few hundred tasks (some the same),
# untick a few, add tasks and log decisions; the figure is the median wall time of one merge,
# as git would run it (three files in, the result written over OURS).
#
# Usage: bench/merge_driver.sh      (RUNS=20 by default)
# Needs python3 (bench/gen_plan.py). Optional: hyperfine (`apt-get install -y hyperfine`).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-20}
cd "$ROOT"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"

python3 "$ROOT/bench/gen_plan.py" --tasks 10000 --phases 20 --seed 1 --out base.md

# Each side: 300 ticks (50 of them the same on both), 10 unticks, 3 added tasks, 5 decisions.
python3 - <<'PY'
import random, re

base = open("base.md", encoding="utf-8").read().split("\n")
todo = [i for i, l in enumerate(base) if re.match(r"- \[ \] T\d+ ", l)]
done = [i for i, l in enumerate(base) if re.match(r"- \[x\] T\d+ ", l)]
rng = random.Random(7)
shared = rng.sample(todo, 50)
rest = [i for i in todo if i not in set(shared)]
rng.shuffle(rest)
picks = {"ours": shared + rest[:250], "theirs": shared + rest[250:500]}
unticks = {"ours": done[:10], "theirs": done[10:20]}
for side, day in (("ours", 22), ("theirs", 23)):
    lines = list(base)
    for i in picks[side]:
        lines[i] = lines[i].replace("- [ ] ", "- [x] ", 1)
    for i in unticks[side]:
        lines[i] = lines[i].replace("- [x] ", "- [ ] ", 1)
    # Tasks added at the end of phase 3, by both sides at the same place.
    end = max(i for i, l in enumerate(lines) if l.startswith("## Phase 4")) - 1
    lines[end:end] = [f"- [ ] {side.upper()}{k} Added by {side}" for k in range(3)]
    # Decisions appended to the log.
    while lines and lines[-1] == "":
        lines.pop()
    lines += [f"- 2026-02-{day} T{k}: {side} decided {k}" for k in range(5)] + [""]
    open(f"{side}.md", "w", encoding="utf-8", newline="\n").write("\n".join(lines))
PY

# Check once that the merge is clean and holds every tick.
cp ours.md A.md
"$BIN" merge-driver base.md A.md theirs.md plan.md
TICKED=$(grep -c '^- \[x\] T' A.md)
echo "merged: $TICKED ticked tasks, $(grep -c 'decided' A.md) new decisions, $(grep -c 'Added by' A.md) added tasks" >&2

if command -v hyperfine >/dev/null 2>&1; then
  hyperfine --warmup 2 --runs "$RUNS" --style none --prepare "cp ours.md A.md" \
    --export-json merge.json "$BIN merge-driver base.md A.md theirs.md plan.md" >/dev/null 2>&1
  MS=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f" % (r["median"]*1000))' merge.json)
  HOW="median of $RUNS, hyperfine"
else
  MS=$(for _ in $(seq "$RUNS"); do
    cp ours.md A.md
    time_ms "$BIN" merge-driver base.md A.md theirs.md plan.md
  done | median)
  HOW="median of $RUNS, date loop"
fi
printf '%-44s %14s  %s\n' "merge-driver (10k tasks, ~300 ticks a side)" "$MS ms" "$HOW"
