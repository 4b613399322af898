#!/usr/bin/env bash
# The screenshot of docs/dash.md and the README: `baton dash` at 120x32 in tmux, on an
# example plan with a run in progress (two fake agents that report a tool call and sleep) and
# a ticked task whose file is missing (a false-done finding); `tmux capture-pane -e -p` saved
# as docs/dash.ansi (ANSI colours kept: view it with `cat docs/dash.ansi`).
#
# Usage: bench/dash_screenshot.sh                (the release binary, built by bench/lib.sh)
#        BATON_BIN=path bench/dash_screenshot.sh (that binary instead)
# Needs tmux, git.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ -n "${BATON_BIN:-}" ]; then BIN=$BATON_BIN; else . "$ROOT/bench/lib.sh"; fi
TMP=$(mktemp -d)
SOCK="$TMP/tmux.sock"
trap 'tmux -S "$SOCK" kill-server 2>/dev/null || true; [ -n "${RUN_PID:-}" ] && kill "$RUN_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com \
  GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.com

cat > "$TMP/agent.sh" <<'AGENT'
#!/bin/sh
echo '{"type":"system","subtype":"init","session_id":"s"}'
echo '{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"cargo test cart"}}],"usage":{"input_tokens":18200,"output_tokens":640}}}'
echo "running 12 tests"
sleep 60
AGENT
repo="$TMP/shop"
mkdir -p "$repo/src"
cat > "$repo/plan.md" <<'PLAN'
# Checkout service

## Phase 1: Foundations

- [x] T1 Set up the crate
  - files: Cargo.toml
- [x] T2 Write the migration
  - files: migrations/0001_cart.sql
- [-] T3 Vendor the old client

## Phase 2: Features

- [ ] T4 Add the cart endpoint
  - files: src/cart.rs
- [ ] T5 Price rules
  - files: src/prices.rs
- [ ] T6 Checkout flow
  - files: src/checkout.rs
  - after: T4, T5

## Phase 3: Polish

- [ ] T7 Docs
  - files: docs/api.md
PLAN
echo '[package]' > "$repo/Cargo.toml"
cat > "$repo/baton.toml" <<TOML
[agents.fake]
argv = ["sh", "$TMP/agent.sh"]
stream = "claude"
TOML
(cd "$repo" && git init -q -b main && git add -A && git commit -qm plan)
(cd "$repo" && "$BIN" run --json > "$TMP/run.jsonl" 2>"$TMP/run.err") &
RUN_PID=$!
for _ in $(seq 1 100); do
  grep -q '"last_tool"' "$TMP/run.jsonl" 2>/dev/null && [ "$(grep -c session_started "$TMP/run.jsonl")" -ge 2 ] && break
  sleep 0.2
done
tmux -S "$SOCK" -f /dev/null new-session -d -s dash -x 120 -y 32 "cd '$repo' && exec '$BIN' dash"
sleep 2
# Select the running session: its log tail shows.
tmux -S "$SOCK" send-keys -t dash j
sleep 1
tmux -S "$SOCK" capture-pane -e -p -t dash > "$ROOT/docs/dash.ansi"
tmux -S "$SOCK" send-keys -t dash q
echo "wrote docs/dash.ansi" >&2

# The PNG, when headless chromium is there: ANSI to HTML, then a screenshot.
if command -v chromium >/dev/null; then
  python3 "$ROOT/bench/ansi_html.py" "$ROOT/docs/dash.ansi" > "$TMP/dash.html"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1050,590 --screenshot="$ROOT/docs/dash.png" "file://$TMP/dash.html" \
    >/dev/null 2>&1 && echo "wrote docs/dash.png" >&2
fi
