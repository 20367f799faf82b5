/**
 * The HTTP front alone (no service): request targets, exact routes and methods, the body limit by
 * Content-Length and by streamed bytes, the shared body budget, handler failures and /healthz's generic
 * database error. Raw sockets where fetch() would refuse to send the request.
 */
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTarget, startHttpServer, type HealthReport, type RunningHttpServer, type Route } from '../../../src/http/server.ts';
import { createLogger } from '../../../src/logger.ts';
import { head, send } from '../../security/support/raw-http.ts';

const logs: string[] = [];
const logger = createLogger({ level: 'debug', destination: new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) }) });
let server: RunningHttpServer | undefined;
const healthy = async (): Promise<HealthReport> => ({ status: 'ok', version: 't', uptimeSeconds: 0, db: { ok: true, embedded: false }, tfBackend: 'cpu' });
const echo: Route = { method: 'POST', path: '/echo', handler: (req) => ({ status: 200, body: { bytes: req.body.length } }) };

async function start(extra: Partial<Parameters<typeof startHttpServer>[0]> = {}): Promise<RunningHttpServer> {
  server = await startHttpServer({ host: '127.0.0.1', port: 0, logger, metrics: new Registry(), health: healthy, routes: [echo], ...extra });
  return server;
}
afterEach(async () => {
  await server?.close();
  server = undefined;
  logs.length = 0;
});

describe('parseTarget', () => {
  it('when the target is origin-form then path and query come back; anything else is null', () => {
    expect(parseTarget('/a/b?x=1')).toMatchObject({ path: '/a/b' });
    expect(parseTarget('//')?.path).toBe('//');
    expect(parseTarget('/%%')?.path).toBe('/%%');
    for (const t of ['*', 'http://evil.example/healthz', '', undefined, 'healthz']) expect(parseTarget(t)).toBeNull();
  });
});

describe('routing', () => {
  it('when a path is unknown then 404; a known path with another method then 405 with Allow; a prefix of a route is unknown', async () => {
    const s = await start();
    expect((await fetch(`${s.url}/nope`)).status).toBe(404);
    const r = await fetch(`${s.url}/echo`);
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    expect((await fetch(`${s.url}/healthz`, { method: 'DELETE' })).headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${s.url}/echoXYZ`, { method: 'POST', body: 'x' })).status).toBe(404);
    expect((await fetch(`${s.url}/echo/`, { method: 'POST', body: 'x' })).status).toBe(404);
  });

  it('when the request target is absolute-form, "*" or malformed then 400 and the server keeps answering', async () => {
    const s = await start();
    const port = s.port;
    const answers = [];
    for (const line of ['GET http://evil.example/healthz HTTP/1.1', 'OPTIONS * HTTP/1.1', 'GET // HTTP/1.1', 'GET /\x7f HTTP/1.1', 'NOTAMETHOD / HTTP/1.1']) answers.push((await send('127.0.0.1', port, { head: head(line, { host: 'x' }) })).status);
    expect(answers).toEqual([400, 400, 404, 400, 400]);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });

  it('when a handler throws then the answer is 500 without detail and the error is logged', async () => {
    const s = await start({ routes: [{ method: 'GET', path: '/boom', handler: () => Promise.reject(new Error('secret detail')) }] });
    const r = await fetch(`${s.url}/boom`);
    expect(r.status).toBe(500);
    expect(await r.text()).not.toContain('secret detail');
    expect(logs.join('')).toContain('route handler failed');
  });
});

describe('body limit', () => {
  it('when Content-Length declares more than the limit then 413 comes back before any byte is read', async () => {
    let called = 0;
    const s = await start({ maxBodyBytes: 1_000, routes: [{ method: 'POST', path: '/count', handler: () => (called++, { status: 204 }) }] });
    const r = await send('127.0.0.1', s.port, { head: head('POST /count HTTP/1.1', { host: 'x', 'content-length': 1_001 }) });
    expect(r.status).toBe(413);
    expect(called).toBe(0);
  });

  it('when a chunked body passes the limit then 413 the moment it does; exactly at the limit it is accepted', async () => {
    const s = await start({ maxBodyBytes: 1_000 });
    const chunked = (n: number) => Buffer.from(`${n.toString(16)}\r\n${'a'.repeat(n)}\r\n0\r\n\r\n`);
    const over = await send('127.0.0.1', s.port, { head: head('POST /echo HTTP/1.1', { host: 'x', 'transfer-encoding': 'chunked' }), body: chunked(1_001) });
    const at = await fetch(`${s.url}/echo`, { method: 'POST', body: 'a'.repeat(1_000) });
    expect(over.status).toBe(413);
    expect(at.status).toBe(200);
    expect(await at.json()).toEqual({ bytes: 1_000 });
  });

  it('when a route sets its own limit then that one applies', async () => {
    const s = await start({ routes: [{ ...echo, path: '/small', maxBodyBytes: 10 }] });
    expect((await fetch(`${s.url}/small`, { method: 'POST', body: 'a'.repeat(11) })).status).toBe(413);
    expect((await fetch(`${s.url}/small`, { method: 'POST', body: 'a'.repeat(10) })).status).toBe(200);
  });

  it('when bodies in flight would overdraw the shared budget then the newcomer gets 429 until the held bytes are released', async () => {
    const s = await start({ maxBodyBytes: 1_000, maxBufferedBytes: 1_500 });
    // A body that stops half-way holds 800 bytes of the budget.
    const slow = send('127.0.0.1', s.port, { head: head('POST /echo HTTP/1.1', { host: 'x', 'content-length': 1_000 }), body: Buffer.alloc(800, 0x61), timeoutMs: 3_000 });
    await new Promise((r) => setTimeout(r, 200));
    const second = await fetch(`${s.url}/echo`, { method: 'POST', body: 'b'.repeat(900) });
    expect(second.status).toBe(429);
    await slow; // the client gives up: its 800 bytes go back to the budget
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(`${s.url}/echo`, { method: 'POST', body: 'c'.repeat(900) })).status).toBe(200);
  });
});

describe('/healthz', () => {
  it('when the database is down then the report says "unavailable" and the raw error text goes only to the log', async () => {
    const raw = 'connect ECONNREFUSED 10.1.2.3:27017 (user admin)';
    const s = await start({ health: async () => ({ status: 'degraded', version: 't', uptimeSeconds: 0, db: { ok: false, error: raw, embedded: false }, tfBackend: 'cpu' }) });
    const r = await fetch(`${s.url}/healthz`);
    const text = await r.text();
    expect(r.status).toBe(503);
    expect(JSON.parse(text).db).toEqual({ ok: false, error: 'unavailable', embedded: false });
    expect(text).not.toContain('ECONNREFUSED');
    expect(logs.join('')).toContain('ECONNREFUSED');
  });
});
