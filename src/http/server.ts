/**
 * The service's HTTP server and the front every request passes first: health and metrics built in; OAuth
 * callbacks, provider webhooks and the Slack events endpoint are added as routes by the composition root.
 * Plain node:http with a tiny exact-path router — the surface is small and every route is explicit.
 *
 * In order, for every request (nothing here may throw out of the listener: one request must never take
 * the process down):
 *   1. the request target: origin-form only ("/path?query"), else 400 (node's parser already answers 400
 *      to malformed request lines and headers, 431 to oversized heads: see `clientError` below)
 *   2. the route: exact path and method — 404 for an unknown path, 405 with `Allow` for a known path with
 *      another method (HEAD is served wherever GET is)
 *   3. the body, before any handler sees it: a declared Content-Length over the route's limit is refused
 *      with 413 without reading a byte; a streamed body (chunked) is counted and cut off with 413 the
 *      moment it passes the limit; every body in flight draws on one shared budget (`maxBufferedBytes`),
 *      and a request that would overdraw it gets 429 — so the memory bodies can hold is bounded by that
 *      budget, whatever the number of connections. After a 413/429 the rest of the body is read and
 *      thrown away (not buffered) until it ends or the 30 s request timeout closes the connection: closing
 *      at once would reset the connection under a client still sending, and it would never see the 413.
 *   4. the handler, with the whole raw body (signatures are checked over the exact bytes); a handler that
 *      fails is logged and answered 500 without detail.
 * /healthz never shows the database's own error text (it can name hosts and users): the report says
 * "unavailable" and the detail goes to the log.
 *
 * Dropped: mounting third-party request listeners by path prefix (Bolt's HTTPReceiver was mounted that
 * way): its listener threw on any other method or path under the prefix and read unlimited bodies before
 * checking a signature. Slack is an ordinary route now (src/chat/slack/receiver.ts).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Registry, collectDefaultMetrics, Counter, Histogram } from 'prom-client';
import type { Logger } from '../logger.ts';

export interface HttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Raw body (webhook signatures are computed over the exact bytes). */
  body: Buffer;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
}

export type RouteHandler = (req: HttpRequest) => Promise<HttpResponse> | HttpResponse;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  path: string;
  handler: RouteHandler;
  /** Largest body this route accepts. Default: the server's maxBodyBytes. */
  maxBodyBytes?: number;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  uptimeSeconds: number;
  db: { ok: boolean; latencyMs?: number; error?: string; embedded: boolean };
  tfBackend: string;
  [extra: string]: unknown;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  logger: Logger;
  health: () => Promise<HealthReport>;
  metrics: Registry;
  routes?: Route[];
  /** Largest request body a route accepts unless it says otherwise. Default 1 MiB (DEFAULT_MAX_BODY_BYTES). */
  maxBodyBytes?: number;
  /** All request bodies being read at once may hold at most this many bytes. Default 32 MiB. */
  maxBufferedBytes?: number;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  addRoute(route: Route): void;
  close(): Promise<void>;
}

/** Slack's payloads and the vendors' webhooks are a few KB; a modal submission stays far below this. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app: 'twincoach' });
  collectDefaultMetrics({ register: registry });
  return registry;
}

function send(res: ServerResponse, r: HttpResponse): void {
  if (res.headersSent || res.destroyed) return;
  let body: string | Buffer = '';
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  if (Buffer.isBuffer(r.body) || typeof r.body === 'string') body = r.body;
  else if (r.body !== undefined) {
    body = JSON.stringify(r.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  res.writeHead(r.status, headers);
  res.end(body);
}

/** Origin-form request targets only ("/path?query"); anything else (absolute-form, "*", garbage) is null. */
export function parseTarget(target: string | undefined): { path: string; query: URLSearchParams } | null {
  if (!target || target[0] !== '/') return null;
  try {
    const url = new URL(`http://localhost${target}`);
    return { path: url.pathname, query: url.searchParams };
  } catch {
    return null;
  }
}

const clientErrorAnswer = (code: string | undefined): string =>
  code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const log = options.logger.child({ component: 'http' });
  const routes: Route[] = [...(options.routes ?? [])];
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const budget = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  let buffered = 0;

  const requests = new Counter({
    name: 'twincoach_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'status'] as const,
    registers: [options.metrics],
  });
  const latency = new Histogram({
    name: 'twincoach_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 3],
    registers: [options.metrics],
  });

  routes.push(
    {
      method: 'GET',
      path: '/healthz',
      handler: async () => {
        const report = await options.health();
        if (report.db.error !== undefined) {
          log.warn({ dbError: report.db.error }, 'health check: database unavailable');
          report.db = { ...report.db, error: 'unavailable' };
        }
        return { status: report.status === 'ok' ? 200 : 503, body: report };
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handler: async () => ({
        status: 200,
        headers: { 'content-type': options.metrics.contentType },
        body: await options.metrics.metrics(),
      }),
    },
  );

  /** Reads the body within the route's limit and the shared budget; null when it answered 413/429 itself. */
  const readBody = (req: IncomingMessage, limit: number, refuse: (r: HttpResponse) => void): Promise<Buffer | null> =>
    new Promise((resolve) => {
      const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
      const tooLarge: HttpResponse = { status: 413, body: { error: `request body over ${limit} bytes` } };
      if (declared !== undefined && declared > limit) {
        req.resume();
        refuse(tooLarge);
        return resolve(null);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let held = 0;
      let settled = false;
      const release = () => {
        buffered -= held;
        held = 0;
      };
      const stop = (answer: HttpResponse | null, body: Buffer | null) => {
        if (settled) return;
        settled = true;
        req.off('data', onData);
        release();
        if (answer) {
          req.resume(); // discard the rest: nothing listens to 'data' any more
          refuse(answer);
        }
        resolve(body);
      };
      const onData = (c: Buffer) => {
        size += c.length;
        if (size > limit) return stop(tooLarge, null);
        if (buffered + c.length > budget) return stop({ status: 429, headers: { 'retry-after': '1' }, body: { error: 'too many request bodies in flight' } }, null);
        buffered += c.length;
        held += c.length;
        chunks.push(c);
      };
      req.on('data', onData);
      req.on('end', () => {
        if (settled) return;
        const body = Buffer.concat(chunks);
        stop(null, body);
      });
      req.on('error', () => stop(null, null));
      // A request that closes before its 'end' was seen: whole (every byte arrived) → hand it on; cut short →
      // answer 400 while the socket can still carry it, so no live request is left without an answer.
      req.on('close', () => {
        if (settled) return;
        if (req.complete) return stop(null, Buffer.concat(chunks));
        stop({ status: 400, headers: { connection: 'close' }, body: { error: 'request body incomplete' } }, null);
      });
    });

  const handle = async (req: IncomingMessage, res: ServerResponse, started: number): Promise<void> => {
    let label = 'unmatched';
    const finish = (r: HttpResponse) => {
      if (r.headers?.connection === 'close') res.once('finish', () => req.socket.destroy());
      send(res, r);
      requests.inc({ route: label, status: String(r.status) });
      latency.observe({ route: label }, (performance.now() - started) / 1000);
    };
    const target = parseTarget(req.url);
    if (!target) return finish({ status: 400, headers: { connection: 'close' }, body: { error: 'bad request target' } });
    const method = req.method ?? '';
    const sameOrHead = (r: Route) => r.method === method || (method === 'HEAD' && r.method === 'GET');
    const route = routes.find((r) => r.path === target.path && sameOrHead(r));
    if (!route) {
      // Read (and drop) the body first, within the limit: answered early, a client still sending under
      // `connection: close` gets a reset that can swallow the answer (the fuzz run saw it on 1 MiB bodies).
      if (!(await readBody(req, maxBody, finish))) return;
      const allowed = [...new Set(routes.filter((r) => r.path === target.path).flatMap((r) => (r.method === 'GET' ? ['GET', 'HEAD'] : [r.method])))];
      if (allowed.length === 0) return finish({ status: 404, body: { error: 'not found' } });
      return finish({ status: 405, headers: { allow: allowed.join(', ') }, body: { error: 'method not allowed' } });
    }
    label = route.path;
    const body = await readBody(req, route.maxBodyBytes ?? maxBody, finish);
    if (!body) return;
    let answer: HttpResponse;
    try {
      answer = await route.handler({ method, path: target.path, query: target.query, headers: req.headers, body });
    } catch (err) {
      log.error({ err, route: label }, 'route handler failed');
      answer = { status: 500, body: { error: 'internal error' } };
    }
    finish(answer);
  };

  const server = http.createServer({ connectionsCheckingInterval: 1_000 }, (req, res) => {
    const started = performance.now();
    req.on('error', (err) => log.debug({ err: err.message }, 'request stream error'));
    handle(req, res, started).catch((err: unknown) => {
      log.error({ err }, 'request failed');
      try {
        send(res, { status: 500, headers: { connection: 'close' }, body: { error: 'internal error' } });
      } catch {
        res.destroy();
      }
    });
  });
  // Malformed request lines, headers or framing (also mid-body, e.g. a broken chunk or an unknown
  // Transfer-Encoding, when the route is already reading): answer 400/408/431 unless an answer has
  // started, and close.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    log.debug({ code: err.code }, 'malformed request');
    const pending = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !pending?.headersSent) socket.end(`HTTP/1.1 ${clientErrorAnswer(err.code)}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    else socket.destroy();
  });
  // CONNECT (proxy tunnels) is not served: node would otherwise drop the connection without an answer.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  // Bodies here are small: a request has 10 s for its head and 15 s in all (checked every second), then 408.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    addRoute: (r) => routes.unshift(r),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 3_000).unref();
      }),
  };
}
