// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// An MCP server on @modelcontextprotocol/server 2.x (the TypeScript SDK's second line, MCP
// 2026-07-28) for the interop suite: one tool, from the SDK's low-level Server, served at /mcp
// by the SDK's createMcpHandler. LEGACY: stateless (the default: 2025-era clients are served
// too) or reject (2026-07-28 only). TTL_MS, when set, is the tool list's cache lifetime.
// Prints "listening on HOST:PORT".
import http from 'node:http';
import { Server, createMcpHandler } from '@modelcontextprotocol/server';

const name = process.env.NAME || 'typescript-sdk';
const version = process.env.VERSION || 'dev';
const tools = [{ name: 'echo', description: 'Echoes its input', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }];
const cacheHints = process.env.TTL_MS ? { 'tools/list': { ttlMs: Number(process.env.TTL_MS), cacheScope: 'public' } } : undefined;

function factory() {
  const server = new Server({ name, version }, { capabilities: { tools: {} }, cacheHints });
  server.setRequestHandler('tools/list', async () => ({ tools }));
  server.setRequestHandler('tools/call', async (req) => ({ content: [{ type: 'text', text: String(req.params.arguments?.text ?? '') }] }));
  return server;
}

const handler = createMcpHandler(factory, { legacy: process.env.LEGACY || 'stateless' });

// toWebRequest and the response loop adapt node:http to the handler's fetch face.
async function toWebRequest(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks);
  return new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers: req.headers, body });
}

const httpServer = http.createServer(async (req, res) => {
  try {
    if (new URL(req.url, 'http://localhost').pathname !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    const response = await handler.fetch(await toWebRequest(req));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) {
      for await (const chunk of response.body) res.write(chunk);
    }
    res.end();
  } catch (err) {
    console.error(err);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }
});
httpServer.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  console.log(`listening on 127.0.0.1:${httpServer.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
