/**
 * A small reusable loopback HTTP fake (node:http on 127.0.0.1:0): a route table, a request log and scripted
 * faults (status codes, 429 + Retry-After, delays that outlast client timeouts, malformed JSON, dropped
 * connections). Vendor fakes (oura.ts, whoop.ts, intervals.ts, polar.ts) build on it, plus FakeTokenAuthority
 * for OAuth token endpoints with rotating, single-use refresh tokens.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  params: Record<string, string>;
  /** Epoch ms when the request arrived. */
  at: number;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless `raw` is given. */
  body?: unknown;
  raw?: string;
}

export type Handler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface Fault {
  /** Only requests with this method (default: any). */
  method?: string;
  /** Only requests whose path starts with this string / matches this RegExp (default: any). */
  path?: string | RegExp;
  /** Only requests whose query string passes this test (default: any), e.g. one window of a paged range. */
  query?: (query: URLSearchParams) => boolean;
  /** How many matching requests this fault applies to. Default 1. */
  times?: number;
  /** Wait this long before answering (then answer with the fault, or pass through to the route if no status). */
  delayMs?: number;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Answer 200 with a truncated JSON body. */
  malformed?: boolean;
  /** Destroy the socket without answering. */
  drop?: boolean;
}

interface Route {
  method: string;
  regex: RegExp;
  keys: string[];
  handler: Handler;
}

function compile(pattern: string): { regex: RegExp; keys: string[] } {
  const keys: string[] = [];
  const src = pattern
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        keys.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^${src}$`), keys };
}

export class FakeServer {
  readonly requests: FakeRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly faults: (Fault & { remaining: number })[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeServer> {
    let self: FakeServer | undefined;
    const server = createServer((req, res) => {
      void self?.handle(req.method ?? 'GET', req.url ?? '/', req.headers, req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new FakeServer(server, `http://127.0.0.1:${port}`);
    return self;
  }

  on(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method: method.toUpperCase(), ...compile(pattern), handler });
    return this;
  }

  /** Queue a scripted fault; faults are matched in the order they were added. */
  fail(fault: Fault): this {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
    return this;
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  requestsTo(pathPrefix: string, method?: string): FakeRequest[] {
    return this.requests.filter((r) => r.path.startsWith(pathPrefix) && (method === undefined || r.method === method));
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private takeFault(method: string, path: string, query: URLSearchParams): Fault | undefined {
    for (const f of this.faults) {
      if (f.remaining <= 0) continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (f.path instanceof RegExp ? !f.path.test(path) : f.path !== undefined && !path.startsWith(f.path)) continue;
      if (f.query && !f.query(query)) continue;
      f.remaining--;
      return f;
    }
    return undefined;
  }

  private async handle(
    method: string,
    rawUrl: string,
    headers: IncomingHttpHeaders,
    req: NodeJS.ReadableStream,
    res: ServerResponse,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
    const url = new URL(rawUrl, 'http://fake');
    const request: FakeRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers,
      body: Buffer.concat(chunks).toString('utf8'),
      params: {},
      at: Date.now(),
    };
    this.requests.push(request);

    try {
      const fault = this.takeFault(method, url.pathname, url.searchParams);
      if (fault?.delayMs) await this.delay(fault.delayMs);
      if (res.destroyed) return;
      if (fault?.drop) {
        res.socket?.destroy();
        return;
      }
      if (fault?.malformed) return this.send(res, { status: 200, raw: '{"data": [{"id": "trunc' });
      if (fault?.status !== undefined) {
        return this.send(res, { status: fault.status, headers: fault.headers ?? {}, body: fault.body ?? { error: `fault ${fault.status}` } });
      }

      for (const route of this.routes) {
        if (route.method !== method) continue;
        const m = route.regex.exec(url.pathname);
        if (!m) continue;
        route.keys.forEach((k, i) => (request.params[k] = decodeURIComponent(m[i + 1] ?? '')));
        return this.send(res, await route.handler(request));
      }
      this.send(res, { status: 404, body: { error: 'not found', path: url.pathname } });
    } catch (e) {
      this.send(res, { status: 500, body: { error: String(e) } });
    }
  }

  private send(res: ServerResponse, r: FakeResponse): void {
    if (res.destroyed || res.writableEnded) return;
    const status = r.status ?? 200;
    const text = r.raw ?? (r.body === undefined || status === 204 ? '' : JSON.stringify(r.body));
    res.writeHead(status, { 'content-type': 'application/json', ...r.headers });
    res.end(text);
  }
}

/** Bearer token from the Authorization header, or undefined. */
export function bearer(req: FakeRequest): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
}

/** Basic credentials from the Authorization header, or undefined. */
export function basic(req: FakeRequest): { user: string; pass: string } | undefined {
  const h = req.headers.authorization;
  if (!h?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? undefined : { user: decoded.slice(0, i), pass: decoded.slice(i + 1) };
}

export function form(req: FakeRequest): URLSearchParams {
  return new URLSearchParams(req.body);
}

/**
 * OAuth token authority: issues access/refresh tokens, honours each refresh token once (rotation), and
 * remembers authorization codes (single-use, with optional PKCE challenge).
 */
export class FakeTokenAuthority {
  private n = 0;
  readonly validAccess = new Set<string>();
  readonly validRefresh = new Set<string>();
  private readonly codes = new Map<string, { redirectUri: string; codeChallenge?: string }>();
  /** Every refresh attempt, in order, with its outcome. */
  readonly refreshLog: { refreshToken: string; ok: boolean }[] = [];

  constructor(
    readonly prefix: string,
    readonly options: { expiresIn?: number; issueRefresh?: boolean } = {},
  ) {}

  /** Mint a token pair as if the user had connected. */
  mint(): { access_token: string; refresh_token?: string; expires_in?: number; token_type: string } {
    this.n++;
    const access = `${this.prefix}-at-${this.n}`;
    this.validAccess.add(access);
    const out: { access_token: string; refresh_token?: string; expires_in?: number; token_type: string } = {
      access_token: access,
      token_type: 'bearer',
    };
    if (this.options.expiresIn !== undefined) out.expires_in = this.options.expiresIn;
    if (this.options.issueRefresh !== false) {
      const refresh = `${this.prefix}-rt-${this.n}`;
      this.validRefresh.add(refresh);
      out.refresh_token = refresh;
    }
    return out;
  }

  addCode(code: string, redirectUri: string, codeChallenge?: string): void {
    this.codes.set(code, codeChallenge === undefined ? { redirectUri } : { redirectUri, codeChallenge });
  }

  redeemCode(code: string, redirectUri: string | null, verifier: string | null, challengeOf: (v: string) => string) {
    const c = this.codes.get(code);
    if (!c) return undefined;
    this.codes.delete(code);
    if (redirectUri !== c.redirectUri) return undefined;
    if (c.codeChallenge !== undefined && (verifier === null || challengeOf(verifier) !== c.codeChallenge)) return undefined;
    return this.mint();
  }

  /** Rotation: the presented refresh token is consumed whether or not the caller receives the answer. */
  refresh(refreshToken: string) {
    const ok = this.validRefresh.delete(refreshToken);
    this.refreshLog.push({ refreshToken, ok });
    return ok ? this.mint() : undefined;
  }

  isValid(accessToken: string | undefined): boolean {
    return accessToken !== undefined && this.validAccess.has(accessToken);
  }

  expire(accessToken: string): void {
    this.validAccess.delete(accessToken);
  }

  revokeAll(): void {
    this.validAccess.clear();
    this.validRefresh.clear();
  }

  get successfulRefreshes(): number {
    return this.refreshLog.filter((r) => r.ok).length;
  }
}

export const invalidGrant: FakeResponse = {
  status: 400,
  body: { error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked' },
};

export function paginate<T>(items: T[], cursor: string | null, pageSize: number): { page: T[]; next: string | null } {
  const offset = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8').replace('o:', '')) : 0;
  const page = items.slice(offset, offset + pageSize);
  const nextOffset = offset + pageSize;
  return { page, next: nextOffset < items.length ? Buffer.from(`o:${nextOffset}`).toString('base64url') : null };
}
