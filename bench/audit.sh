#!/usr/bin/env bash
# End-to-end figure for `baton audit` (release binary): a branch with a 1,000-file diff
# (500 files committed on the branch, 500 changed in the working tree, and a lockfile) in a
# 10,000-file repository, against a 10,000-task plan plus one session task and eight tasks
# other sessions have claimed. Goal: median <= 100 ms.
#
# Usage: bench/audit.sh        (RUNS=11 by default; KEEP=DIR keeps the generated repository in DIR;
#        BASELINE=PATH also times that baton binary, alternating run by run with this one, so
#        that both see the same load on a busy host)
# Needs python3 (bench/gen_repo.py, bench/gen_plan.py) and git. Optional: hyperfine.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-11}
cd "$ROOT"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
TMP=${KEEP:-$(mktemp -d)}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$TMP"' EXIT
REPO="$TMP/repo"

echo "generating a 10,000-file repository..." >&2
python3 "$ROOT/bench/gen_repo.py" "$REPO" 10000 7 >/dev/null
python3 "$ROOT/bench/gen_plan.py" --tasks 10000 --phases 20 --seed 1 --out "$REPO/plan.md"
{
  echo
  echo "## Phase 21: Audited"
  echo
  echo "- [ ] B1 The session's own work"
  echo "  - files: src/area0/**, src/area1/**"
  for k in 1 2 3 4 5 6 7 8; do
    echo "- [ ] B$((k + 1)) Another session's work"
    echo "  - files: src/area2/mod$k/**"
  done
} >> "$REPO/plan.md"
echo 'version = 3' > "$REPO/Cargo.lock"

export GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com \
  GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.com
cd "$REPO"
git init -q -b main
git add -A
git commit -q -m base
git switch -q -c lane
"$BIN" claim B1 --by alice --force >/dev/null
for k in 2 3 4 5 6 7 8 9; do "$BIN" claim "B$k" --by bob --force >/dev/null; done

# 1,000 files changed: the first 500 committed on the branch, the next 500 left in the tree.
mapfile -t files < <(git ls-files "src/*" | awk "NR % 10 == 1" | head -1000)
for f in "${files[@]:0:500}"; do echo "// changed" >> "$f"; done
git commit -q -am "half the work"
for f in "${files[@]:500:500}"; do echo "// changed" >> "$f"; done
echo 'version = 4' > Cargo.lock

findings=$("$BIN" audit --session alice --json | python3 -c \
  "import json,sys; d=json.load(sys.stdin); print(d['changed'], len(d['findings']))" || true)
echo "changed files, findings: $findings" >&2

# The floor: git's own walks of the working tree, alone (the audit runs the two at once,
# beside the plan's parse). docs/audit.md, "Cost".
base=$(git merge-base HEAD main)
floor() {
  local label=$1
  shift
  time_ms "$@" >/dev/null
  printf '%-52s %8s ms (median of %s)\n' "$label" \
    "$(for _ in $(seq "$RUNS"); do time_ms "$@"; done | median)" "$RUNS"
}
export GIT_OPTIONAL_LOCKS=0
floor "floor: git diff BASE (the index's files)" \
  git diff --name-status -z -M --no-relative "$base" --
floor "floor: git ls-files --others (the folders)" \
  git ls-files --others --exclude-standard --full-name -z -- :/
floor "floor: git status -uall (both walks, one process)" \
  git status --porcelain=v2 -z --untracked-files=all
unset GIT_OPTIONAL_LOCKS

cmd=("$BIN" audit --session alice)
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine --warmup 2 --runs "$RUNS" -i --style none -N \
    --export-json "$TMP/audit.json" "${cmd[*]}" >/dev/null 2>&1
  ms=$(python3 -c "import json,sys; print('%.1f' % (json.load(open(sys.argv[1]))['results'][0]['median']*1000))" "$TMP/audit.json")
else
  time_ms "${cmd[@]}" >/dev/null
  ms=$(for _ in $(seq "$RUNS"); do time_ms "${cmd[@]}"; done | median)
fi
printf '%-52s %8s ms (median of %s)\n' "audit: 1,000-file diff, 10k files, 10k tasks" "$ms" "$RUNS"

if [ -n "${BASELINE:-}" ]; then
  base_cmd=("$BASELINE" audit --session alice)
  time_ms "${base_cmd[@]}" >/dev/null
  : >"$TMP/new.ms"
  : >"$TMP/old.ms"
  for _ in $(seq "$RUNS"); do
    time_ms "${cmd[@]}" >>"$TMP/new.ms"
    time_ms "${base_cmd[@]}" >>"$TMP/old.ms"
  done
  printf '%-52s %8s ms (median of %s)\n' "alternating: this build" "$(median <"$TMP/new.ms")" "$RUNS"
  printf '%-52s %8s ms (median of %s)\n' "alternating: BASELINE" "$(median <"$TMP/old.ms")" "$RUNS"
fi
