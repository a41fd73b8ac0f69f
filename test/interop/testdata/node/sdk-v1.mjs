// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// An MCP server on @modelcontextprotocol/sdk 1.x (the TypeScript SDK's first line) for the
// interop suite: one tool, from the SDK's low-level Server, which every 1.x release has.
// MODE: sse (the HTTP+SSE transport of 2024-11-05, at /sse), streamable (Streamable HTTP with
// sessions, at /mcp) or guarded (streamable, with the SDK's DNS-rebinding protection: only
// ALLOWED_HOSTS and ALLOWED_ORIGINS are served). Prints "listening on HOST:PORT".
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ListToolsRequestSchema, CallToolRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const mode = process.env.MODE || 'streamable';
const name = process.env.NAME || 'typescript-sdk';
const version = process.env.VERSION || 'dev';
const tools = [{ name: 'echo', description: 'Echoes its input', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }];

function newServer() {
  const server = new Server({ name, version }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, async (req) => ({ content: [{ type: 'text', text: String(req.params.arguments?.text ?? '') }] }));
  return server;
}

async function readJSON(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  try { return JSON.parse(Buffer.concat(chunks).toString() || 'null'); } catch { return undefined; }
}

const sse = new Map();
const sessions = new Map();

async function serveSSE(req, res, url) {
  const { SSEServerTransport } = await import('@modelcontextprotocol/sdk/server/sse.js');
  if (req.method === 'GET' && url.pathname === '/sse') {
    const transport = new SSEServerTransport('/messages', res);
    sse.set(transport.sessionId, transport);
    res.on('close', () => sse.delete(transport.sessionId));
    await newServer().connect(transport);
    return;
  }
  const transport = sse.get(url.searchParams.get('sessionId'));
  if (req.method === 'POST' && url.pathname === '/messages' && transport) {
    await transport.handlePostMessage(req, res);
    return;
  }
  res.writeHead(req.method === 'POST' ? 405 : 404).end();
}

async function serveStreamable(req, res) {
  const { StreamableHTTPServerTransport } = await import('@modelcontextprotocol/sdk/server/streamableHttp.js');
  const id = req.headers['mcp-session-id'];
  if (id && sessions.has(id)) {
    await sessions.get(id).handleRequest(req, res, req.method === 'POST' ? await readJSON(req) : undefined);
    return;
  }
  const body = req.method === 'POST' ? await readJSON(req) : undefined;
  if (req.method !== 'POST' || body?.method !== 'initialize') {
    res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({
      jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: No valid session ID provided' }, id: null }));
    return;
  }
  const options = { sessionIdGenerator: () => randomUUID(), onsessioninitialized: (sid) => sessions.set(sid, transport) };
  if (mode === 'guarded') {
    options.enableDnsRebindingProtection = true;
    options.allowedHosts = (process.env.ALLOWED_HOSTS || '').split(',').filter(Boolean);
    options.allowedOrigins = (process.env.ALLOWED_ORIGINS || '').split(',').filter(Boolean);
  }
  const transport = new StreamableHTTPServerTransport(options);
  transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
  await newServer().connect(transport);
  await transport.handleRequest(req, res, body);
}

const httpServer = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const serve = mode === 'sse' ? serveSSE(req, res, url) : url.pathname === '/mcp' ? serveStreamable(req, res) : Promise.resolve(res.writeHead(404).end());
  serve.catch((err) => { console.error(err); if (!res.headersSent) res.writeHead(500); res.end(); });
});
httpServer.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  console.log(`listening on 127.0.0.1:${httpServer.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
