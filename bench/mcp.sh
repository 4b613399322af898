#!/usr/bin/env bash
# Round-trip figures for `baton mcp` (release binary), from the official Python MCP client:
#   - start + handshake: launch `baton mcp` and finish `initialize` (median of RUNS)
#   - per tool call on a 10k-task plan, in one session: plan_overview, next_tasks,
#     claim_task + release_task, complete_task + `baton undo` (median of CALLS calls each)
#
# Usage: bench/mcp.sh      (RUNS=10, CALLS=30 by default)
# Needs python3; the MCP SDK is installed into a virtualenv under the target directory.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-10}
CALLS=${CALLS:-30}
cd "$ROOT"
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

VENV="${CARGO_TARGET_DIR:-$ROOT/target}/tmp/mcp-venv"
if ! "$VENV/bin/python" -c 'import mcp.client.stdio' 2>/dev/null; then
  echo "installing the MCP SDK into $VENV..." >&2
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check mcp==2.3.0
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
python3 "$ROOT/bench/gen_plan.py" --tasks 10000 --phases 20 --seed 1 --out plan.md

"$VENV/bin/python" - "$BIN" "$RUNS" "$CALLS" <<'PY'
import asyncio, statistics, subprocess, sys, time
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

BIN, RUNS, CALLS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
params = StdioServerParameters(command=BIN, args=["mcp"], cwd=".")

def ms(samples):
    return f"{statistics.median(samples) * 1000:8.1f} ms"

async def handshake():
    t0 = time.perf_counter()
    async with stdio_client(params) as (r, w):
        async with ClientSession(r, w) as s:
            await s.initialize()
            took = time.perf_counter() - t0
    return took

async def calls():
    out = {}
    async with stdio_client(params) as (r, w):
        async with ClientSession(r, w) as s:
            await s.initialize()
            ready = (await s.call_tool("next_tasks", {"limit": CALLS})).structured_content
            ids = [t["id"] for t in ready["ready"]]
            async def timed(name, tool, args_for, after=None):
                samples = []
                for i in range(CALLS):
                    t0 = time.perf_counter()
                    res = await s.call_tool(tool, args_for(i))
                    samples.append(time.perf_counter() - t0)
                    assert not res.is_error, res.content
                    if after:
                        await after(i)
                out[name] = samples
            await timed("plan_overview", "plan_overview", lambda i: {})
            await timed("next_tasks (limit 20)", "next_tasks", lambda i: {"limit": 20})
            async def release(i):
                await s.call_tool("release_task", {"id": ids[i % len(ids)], "session": "bench"})
            await timed("claim_task", "claim_task",
                        lambda i: {"id": ids[i % len(ids)], "session": "bench"}, release)
            async def undo(i):
                subprocess.run([BIN, "undo", ids[i % len(ids)]], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            await timed("complete_task", "complete_task",
                        lambda i: {"id": ids[i % len(ids)], "session": "bench", "force": True}, undo)
    return out

starts = [asyncio.run(handshake()) for _ in range(RUNS)]
print(f"{'baton mcp start + initialize':44} {ms(starts)}  (median of {RUNS})")
for name, samples in asyncio.run(calls()).items():
    print(f"{name + ', 10k-task plan':44} {ms(samples)}  (median of {CALLS} calls)")
PY
