#!/usr/bin/env bash
# Regenerates docs/report.png: the report of examples/client-portal.md, with a real run of
# two fake sessions recorded (so the actual lanes and their cost show), screenshotted by
# headless Chromium with the flags tests/cli/report.rs uses.
#
# Usage: bench/report_screenshot.sh   (needs chromium and git; builds the debug binary)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
cargo build --quiet
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/baton"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "chromium is not installed (apt-get install chromium)" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
git init -q -b main repo
cd repo
g() { git -c user.email=doc@example.com -c user.name=doc "$@"; }
# The example's verify commands are cargo tests of a project that is not here: the
# sessions' gate checks that each lane's directory exists instead, so the lanes merge.
sed -E 's/`cargo test --test ([a-z_]+)`/`test -d src`/' "$ROOT/examples/client-portal.md" > plan.md
# A fake agent: does each task of its lane (creates what the task names, ticks it), reports
# tokens and a cost the way Claude Code's stream-json does, and commits.
cat > "$TMP/agent.sh" <<'AGENT'
#!/bin/sh
echo '{"type":"system","subtype":"init","session_id":"s"}'
echo '{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"cargo test"}}],"usage":{"input_tokens":18000,"output_tokens":2400}}}'
for t in $BATON_TASKS; do
  sleep "$(( $(printf '%s' "$t" | tr -dc 0-9) % 3 + 1 ))"
  case $t in
    T2) mkdir -p src/auth templates/auth; echo auth > src/auth/mod.rs; echo x > templates/auth/login.html;;
    T3) mkdir -p src/dashboard templates/dashboard; echo d > src/dashboard/mod.rs; echo x > templates/dashboard/index.html;;
    T4) mkdir -p src/admin templates/admin; echo a > src/admin/mod.rs; echo x > templates/admin/index.html;;
  esac
  "$BATON" done "$t" --force >/dev/null 2>&1
done
git -c user.email=a@example.com -c user.name=agent add -A
git -c user.email=a@example.com -c user.name=agent commit -qm "work on $BATON_TASKS"
echo '{"type":"result","subtype":"success","is_error":false,"total_cost_usd":0.41,"usage":{"input_tokens":52000,"output_tokens":7100}}'
AGENT
mkdir -p db/migrations src/db
echo "create table users();" > db/migrations/001_init.sql
echo "// schema" > src/db/mod.rs
cat > baton.toml <<TOML
[agents.fake]
argv = ["sh", "$TMP/agent.sh"]
stream = "claude"

[agents.fake.env]
BATON = "$BIN"
TOML
g add -A
g commit -qm plan
"$BIN" lock >/dev/null
g add .baton/lock.json
g commit -qm lock
"$BIN" run --agent fake --sessions 3 >/dev/null 2>&1 || true
"$BIN" report --out "$TMP/report.html"

PROFILE="$TMP/profile"
"$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
  --user-data-dir="$PROFILE" --window-size=1280,1900 \
  --screenshot="$ROOT/docs/report.png" "file://$TMP/report.html" >/dev/null 2>&1
echo "wrote docs/report.png" >&2
