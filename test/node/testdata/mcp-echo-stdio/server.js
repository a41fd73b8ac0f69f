#!/usr/bin/env node
// An MCP server over stdio, one JSON-RPC message per line, with one tool: echo.
"use strict";
const readline = require("node:readline");

const tools = [{
  name: "echo",
  description: "Answers with the text it is given.",
  inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
}];

function answer(id, result) {
  process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id, result }) + "\n");
}

function fail(id, code, message) {
  process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id, error: { code, message } }) + "\n");
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    return;
  }
  if (msg.id === undefined || msg.id === null) return; // a notification
  switch (msg.method) {
    case "initialize":
      return answer(msg.id, {
        protocolVersion: msg.params.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: "mcp-echo-stdio", version: "1.0.0" },
      });
    case "ping":
      return answer(msg.id, {});
    case "tools/list":
      return answer(msg.id, { tools });
    case "tools/call":
      if (msg.params.name !== "echo") return fail(msg.id, -32602, "no such tool: " + msg.params.name);
      return answer(msg.id, { content: [{ type: "text", text: String(msg.params.arguments.text) }] });
    default:
      return fail(msg.id, -32601, "method not found: " + msg.method);
  }
});
