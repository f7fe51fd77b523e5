"""A real MCP client (the official Python SDK) driving `replylint mcp` over stdio.

Usage: python3 client.py BINARY [ARG...] < calls.json

calls.json is a list of {"tool": NAME, "arguments": {...}}. Prints one JSON document: the tools
the server lists (name, input and output schemas) and, per call, either the tool result
(is_error, structured content, text) or the protocol error the SDK raised. The server must
still answer after every call, so a crash shows up as an error on the next one.
"""

import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError


async def main() -> None:
    calls = json.load(sys.stdin)
    server = StdioServerParameters(command=sys.argv[1], args=["mcp", *sys.argv[2:]])
    async with stdio_client(server) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            listed = await session.list_tools()
            tools = [
                {
                    "name": tool.name,
                    "description": tool.description,
                    "input_schema": tool.input_schema,
                    "output_schema": tool.output_schema,
                }
                for tool in listed.tools
            ]
            results = []
            for call in calls:
                try:
                    result = await session.call_tool(call["tool"], call.get("arguments", {}))
                    results.append(
                        {
                            "is_error": bool(result.is_error),
                            "structured": result.structured_content,
                            "text": "".join(
                                getattr(block, "text", "") for block in result.content
                            ),
                        }
                    )
                except MCPError as error:
                    results.append({"protocol_error": str(error), "code": error.error.code})
    json.dump({"tools": tools, "results": results}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    asyncio.run(main())
