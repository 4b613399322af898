"""Drives `baton mcp` with the official MCP Python SDK, for baton's integration tests.

Usage: python mcp_client.py SERVER_COMMAND [ARGS...] < steps.json

stdin holds a JSON list of steps; stdout gets one JSON object per step, in order:
  {"op": "initialize"}                     server info, protocol version, capabilities
  {"op": "list_tools"}                     name, input/output schema and annotations of each tool
  {"op": "call", "tool": T, "args": {..}}  is_error, structured content and text of the result,
                                           and `schema_errors` when the structured content
                                           does not validate against the tool's outputSchema
                                           (errors included, as Gemini CLI's client checks)
  {"op": "validate", "schema": S, "instance": I}  the JSON Schema validator's complaints
  {"op": "list_resources"} / {"op": "list_templates"} / {"op": "read", "uri": U}
  {"op": "wait_for", "path": P}            waits until the file P exists (a start line for
                                           concurrent clients)
  {"op": "gather", "steps": [..]}          runs the steps at once on this session; gives their
                                           results and the order they finished in
A protocol error (a JSON-RPC error instead of a result) is reported as
{"protocol_error": {"code": C, "message": M}}. The server runs in the current directory.

`initialize` also lists the tools, so every later `call` is validated with `jsonschema`
against the outputSchema the server declared. The SDK itself validates only results without
`isError`; some clients validate error results too, so this client does.
"""

import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError
from jsonschema.validators import validator_for

# tool name -> its declared outputSchema (None when it declares none)
OUTPUT_SCHEMAS = {}


def schema_errors(schema, instance):
    """Every way `instance` fails `schema` (empty when it validates)."""
    cls = validator_for(schema)
    cls.check_schema(schema)
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
        for e in cls(schema).iter_errors(instance)
    ]


def check_result(tool, result):
    schema = OUTPUT_SCHEMAS.get(tool)
    if schema is None:
        return []
    if result.structured_content is None:
        # Allowed on an error result (an argument the SDK refused before the tool ran).
        return [] if result.is_error else ["no structuredContent, though an outputSchema is declared"]
    return schema_errors(schema, result.structured_content)


def dump(model):
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


async def step(session, s):
    op = s["op"]
    if op == "initialize":
        init = await session.initialize()
        for tool in (await session.list_tools()).tools:
            OUTPUT_SCHEMAS[tool.name] = tool.output_schema
        return {
            "server_info": dump(init.server_info),
            "protocol_version": init.protocol_version,
            "capabilities": dump(init.capabilities),
            "instructions": init.instructions,
        }
    if op == "list_tools":
        tools = await session.list_tools()
        return {"tools": [dump(t) for t in tools.tools]}
    if op == "call":
        result = await session.call_tool(s["tool"], s.get("args", {}))
        out = {
            "is_error": bool(result.is_error),
            "structured": result.structured_content,
            "text": "\n".join(getattr(c, "text", "") for c in result.content),
        }
        errors = check_result(s["tool"], result)
        if errors:
            out["schema_errors"] = errors
        return out
    if op == "validate":
        return {"errors": schema_errors(s["schema"], s["instance"])}
    if op == "list_resources":
        return {"resources": [dump(r) for r in (await session.list_resources()).resources]}
    if op == "list_templates":
        listed = await session.list_resource_templates()
        return {"templates": [dump(t) for t in listed.resource_templates]}
    if op == "read":
        read = await session.read_resource(s["uri"])
        return {"contents": [dump(c) for c in read.contents]}
    if op == "gather":
        finished = []

        async def run(i, sub):
            result = await step(session, sub)
            finished.append(i)
            return result

        results = await asyncio.gather(*(run(i, sub) for i, sub in enumerate(s["steps"])))
        return {"results": list(results), "finished": finished}
    if op == "wait_for":
        while not os.path.exists(s["path"]):
            await asyncio.sleep(0.005)
        return {"waited": True}
    raise ValueError(f"unknown step {op}")


async def main():
    steps = json.load(sys.stdin)
    params = StdioServerParameters(
        command=sys.argv[1],
        args=sys.argv[2:],
        cwd=os.getcwd(),
        env={k: v for k, v in os.environ.items() if k.startswith("BATON_")},
    )
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            for s in steps:
                try:
                    out = await step(session, s)
                except MCPError as err:
                    out = {"protocol_error": {"code": err.error.code, "message": err.error.message}}
                print(json.dumps(out), flush=True)


asyncio.run(main())
