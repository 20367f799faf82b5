/**
 * A loopback proxy that sits in front of a vendor fake and injects faults at random (seeded), the way a
 * vendor API misbehaves at night: 500s, requests that never answer (the client times out), 200s whose body
 * is cut off, and 429 bursts — a window during which every request to the vendor gets 429 + Retry-After.
 * Only GET requests (the data calls) are faulted; token and registration calls pass through.
 *
 * Counters: every request, what was injected (per kind), and repeats — requests identical to an earlier one
 * (method, URL, Authorization), i.e. retries as the vendor sees them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultRates {
  /** Share of GETs answered 500. */
  error500: number;
  /** Share of GETs never answered (held `holdMs`, then the socket is closed). */
  timeout: number;
  /** Share of GETs answered 200 with a truncated JSON body. */
  malformed: number;
  /** Chance per GET that a 429 window opens (this request and every request in the next `burstMs` get 429). */
  burstStart: number;
  burstMs: number;
}

export const NIGHTLY_FAULTS: FaultRates = { error500: 0.05, timeout: 0.02, malformed: 0.01, burstStart: 0.002, burstMs: 1_000 };

export type FaultKind = 'error500' | 'timeout' | 'malformed' | 'rateLimited';

/** mulberry32: small, fast, seeded. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultProxy {
  readonly counters = { requests: 0, forwarded: 0, repeats: 0, bursts: 0, injected: { error500: 0, timeout: 0, malformed: 0, rateLimited: 0 } as Record<FaultKind, number> };
  /** Off: everything passes through (e.g. for a clean retry pass). */
  enabled = true;
  private server: Server | undefined;
  private readonly seen = new Set<string>();
  private burstUntil = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly random: () => number;

  constructor(
    readonly name: string,
    private readonly upstream: string,
    private readonly rates: FaultRates,
    options: { seed: number; holdMs: number },
  ) {
    this.random = seededRandom(options.seed);
    this.holdMs = options.holdMs;
  }
  private readonly holdMs: number;

  get url(): string {
    const addr = this.server?.address() as AddressInfo | null;
    if (!addr) throw new Error(`FaultProxy ${this.name}: not started`);
    return `http://127.0.0.1:${addr.port}`;
  }

  /** The proxy's URL with the upstream's path (e.g. WHOOP's base URL ends in /developer). */
  urlFor(upstreamBase: string): string {
    return this.url + new URL(upstreamBase).pathname.replace(/\/+$/, '');
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `proxy: ${String(err)}` }));
      });
    });
    this.server.keepAliveTimeout = 10_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** Injected faults of all kinds. */
  get injectedTotal(): number {
    return Object.values(this.counters.injected).reduce((a, b) => a + b, 0);
  }

  private decide(method: string): FaultKind | undefined {
    if (!this.enabled || method !== 'GET') return undefined;
    const now = Date.now();
    if (now < this.burstUntil) return 'rateLimited';
    const r = this.random();
    const { error500, timeout, malformed, burstStart, burstMs } = this.rates;
    if (r < error500) return 'error500';
    if (r < error500 + timeout) return 'timeout';
    if (r < error500 + timeout + malformed) return 'malformed';
    if (r < error500 + timeout + malformed + burstStart) {
      this.burstUntil = now + burstMs;
      this.counters.bursts += 1;
      return 'rateLimited';
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.counters.requests += 1;
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const key = `${method} ${req.url} ${req.headers.authorization ?? ''}`;
    if (this.seen.has(key)) this.counters.repeats += 1;
    else this.seen.add(key);

    const fault = this.decide(method);
    if (fault) this.counters.injected[fault] += 1;
    switch (fault) {
      case 'error500':
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'internal server error (injected)' }));
        return;
      case 'rateLimited': {
        const retryAfter = Math.max(1, Math.ceil((this.burstUntil - Date.now()) / 1000));
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfter) }).end(JSON.stringify({ error: 'rate limited (injected)' }));
        return;
      }
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"data": [{"id": "trunc');
        return;
      case 'timeout': {
        // Never answer: the client's timeout fires first; then drop the connection.
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            this.timers.delete(t);
            resolve();
          }, this.holdMs);
          this.timers.add(t);
        });
        res.socket?.destroy();
        return;
      }
      default:
        break;
    }

    this.counters.forwarded += 1;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined || ['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive'].includes(k)) continue;
      headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const up = await fetch(this.upstream + (req.url ?? '/'), {
      method,
      headers,
      ...(body.length > 0 && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
    });
    const text = Buffer.from(await up.arrayBuffer());
    const out: Record<string, string> = {};
    up.headers.forEach((v, k) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'content-encoding'].includes(k)) out[k] = v;
    });
    if (up.status === 204) res.writeHead(204, out).end();
    else res.writeHead(up.status, { ...out, 'content-length': String(text.length) }).end(text);
  }
}
