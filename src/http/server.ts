/**
 * The service's HTTP server: health and metrics now; OAuth callbacks, provider webhooks and the Slack
 * HTTP receiver are added as routes by the composition root. Plain node:http with a tiny exact-path
 * router — the surface is small and every route is explicit.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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
}

/** A route that wants the raw node objects (e.g. a third-party receiver). Matched by path prefix. */
export interface RawRoute {
  prefix: string;
  handle: (req: IncomingMessage, res: ServerResponse) => void;
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
  rawRoutes?: RawRoute[];
  maxBodyBytes?: number;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  addRoute(route: Route): void;
  addRawRoute(route: RawRoute): void;
  close(): Promise<void>;
}

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app: 'twincoach' });
  collectDefaultMetrics({ register: registry });
  return registry;
}

function send(res: ServerResponse, r: HttpResponse): void {
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

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const log = options.logger.child({ component: 'http' });
  const routes: Route[] = [...(options.routes ?? [])];
  const rawRoutes: RawRoute[] = [...(options.rawRoutes ?? [])];
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;

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

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = rawRoutes.find((r) => url.pathname.startsWith(r.prefix));
    if (raw) return raw.handle(req, res);

    const route = routes.find((r) => r.path === url.pathname && (r.method === req.method || (req.method === 'HEAD' && r.method === 'GET')));
    const label = route?.path ?? 'unmatched';
    const finish = (r: HttpResponse) => {
      send(res, r);
      requests.inc({ route: label, status: String(r.status) });
      latency.observe({ route: label }, (performance.now() - started) / 1000);
    };
    if (!route) {
      const pathExists = routes.some((r) => r.path === url.pathname);
      return finish({ status: pathExists ? 405 : 404, body: { error: pathExists ? 'method not allowed' : 'not found' } });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let aborted = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBody && !aborted) {
        aborted = true;
        finish({ status: 413, body: { error: `request body over ${maxBody} bytes` } });
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (aborted) return;
      Promise.resolve()
        .then(() =>
          route.handler({
            method: req.method ?? 'GET',
            path: url.pathname,
            query: url.searchParams,
            headers: req.headers,
            body: Buffer.concat(chunks),
          }),
        )
        .then(finish, (err: unknown) => {
          log.error({ err, route: label }, 'route handler failed');
          finish({ status: 500, body: { error: 'internal error' } });
        });
    });
  });
  server.keepAliveTimeout = 5_000;

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
    addRawRoute: (r) => rawRoutes.push(r),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 3_000).unref();
      }),
  };
}
