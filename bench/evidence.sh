#!/usr/bin/env bash
# End-to-end figure for `baton verify` on a plan without verify commands (release binary):
# the evidence layers (paths, identifiers, wiring, stubs, history) for a 500-task spec-kit
# plan over a git repository of 10,000 generated source files in nine languages
# (bench/gen_repo.py). Each task names one file and one function defined in it; every box
# is ticked, so every layer runs for every task. The code index is built once per run.
#
# A second figure re-runs it after renaming the function in DRIFT tasks to a name the code
# does not define but a close variant of it does (`parseConfig` for `parseConfigImpl`): each
# such name is a drift lookup against every defined name.
#
# Usage: bench/evidence.sh        (RUNS=5, FILES=10000, TASKS=500, DRIFT=100 by default)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
FILES=${FILES:-10000}
TASKS=${TASKS:-500}
DRIFT=${DRIFT:-100}
cd "$ROOT"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
TMP=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
REPO="$TMP/repo"

echo "generating $FILES source files..." >&2
python3 "$ROOT/bench/gen_repo.py" "$REPO" "$FILES"

# The plan names files and functions the generator wrote: for each file, the first of its
# generated names that the file defines (a free function or a method).
python3 - "$ROOT/bench" "$REPO" "$FILES" "$TASKS" <<'PY'
import os, re, sys
sys.path.insert(0, sys.argv[1])
import gen_repo
repo, files, tasks = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
step = max(1, files // tasks)
lines = ["# Tasks: generated", "", "## Overview", "Synthetic plan for the evidence benchmark.", ""]
def first_defined(fid):
    """The first generated name file `fid` defines, and its path; None if it defines none."""
    lang = gen_repo.LANGS[fid % len(gen_repo.LANGS)]
    path = f"src/area{fid % 4}/mod{fid % 20}/part{fid // 50}/file{fid}.{lang}"
    text = open(os.path.join(repo, path)).read()
    # TypeScript "methods" are written as `export function` inside a class body, which is
    # not TypeScript: only free functions (at the start of a line) count there.
    lead = r"^export function " if lang == "ts" else r"(fn|def|func|fun|public int|public function) "
    for k in range(64):
        n = gen_repo.name(lang, fid, k)
        if re.search(lead + n + r"\(", text, re.M):
            return n, path
    return None

for i in range(tasks):
    if i % 50 == 0:
        lines += ["", f"## Phase {i // 50 + 1}: Batch {i // 50 + 1}", ""]
    fid = (i * step) % files
    found = first_defined(fid)
    while found is None:
        fid = (fid + 1) % files
        found = first_defined(fid)
    fname, path = found
    lines.append(f"- [ ] T{i + 1:03} [P] Implement `{fname}` in {path}")
with open(os.path.join(repo, "tasks.md"), "w") as f:
    f.write("\n".join(lines) + "\n")
PY

(
  cd "$REPO"
  git init -q -b main
  git -c user.name=bench -c user.email=bench@example.com add tasks.md
  git -c user.name=bench -c user.email=bench@example.com commit -q -m "plan"
  sed -i 's/^- \[ \]/- [x]/' tasks.md
  git -c user.name=bench -c user.email=bench@example.com add -A
  git -c user.name=bench -c user.email=bench@example.com commit -q -m "work"
)

# One run for the record: what the layers found.
"$BIN" verify --all --plan "$REPO/tasks.md" --json > "$TMP/report.json" 2>/dev/null || true
python3 - "$TMP/report.json" <<'PY'
import json, sys, collections
report = json.load(open(sys.argv[1]))
verdicts = collections.Counter(t["verdict"] for t in report["tasks"])
judged = collections.Counter()
for t in report["tasks"]:
    for layer in {f["layer"] for f in t["evidence"] if f["weight"] != "note"}:
        judged[layer] += 1
print("verdicts:", dict(sorted(verdicts.items())), file=sys.stderr)
print("tasks judged per layer:", dict(sorted(judged.items())), file=sys.stderr)
PY

walls=()
for _ in $(seq "$RUNS"); do
  walls+=("$(time_ms "$BIN" verify --all --plan "$REPO/tasks.md")")
done
printf '%-52s %8s ms (median of %s)\n' \
  "verify --all: $TASKS tasks, $FILES source files" \
  "$(printf '%s\n' "${walls[@]}" | median)" "$RUNS"

# The first DRIFT tasks name `<function>Impl`'s shorter cousin: append Impl to the
# definition instead, so the plan's name is a close variant of a defined one.
python3 - "$REPO" "$DRIFT" <<'PY'
import os, re, sys
repo, drift = sys.argv[1], int(sys.argv[2])
plan = open(os.path.join(repo, "tasks.md")).read().splitlines()
done = 0
for line in plan:
    m = re.match(r"- \[x\] T\d+ \[P\] Implement `(\w+)` in (\S+)", line)
    if not m or done >= drift:
        continue
    name, path = m.groups()
    src = os.path.join(repo, path)
    text = open(src).read()
    open(src, "w").write(re.sub(r"\b" + name + r"\(", name + "Impl(", text))
    done += 1
PY
walls=()
for _ in $(seq "$RUNS"); do
  walls+=("$(time_ms "$BIN" verify --all --plan "$REPO/tasks.md")")
done
printf '%-52s %8s ms (median of %s)\n' \
  "  the same with $DRIFT drifted names" \
  "$(printf '%s\n' "${walls[@]}" | median)" "$RUNS"
