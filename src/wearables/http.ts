/**
 * The one HTTP path every provider client uses (global fetch, Node 20 undici):
 *
 * - base URL per provider from constructor options (tests point it at loopback fakes);
 * - per-request timeout (AbortSignal.timeout) covering headers and body;
 * - retries with jittered exponential backoff on 5xx (or the 503's Retry-After when longer), network errors and
 *   timeouts, bounded attempts; only
 *   for requests marked retryable (GETs by default; token calls are not retried because a rotating refresh
 *   token may already have been spent when the answer is lost);
 * - 429: waits for Retry-After (delta-seconds or HTTP date) or the vendor's rate-limit reset header, then
 *   retries; a wait longer than `maxRateLimitWaitMs` fails fast with PROVIDER.RATE_LIMITED + retryAfterMs;
 * - rate-limit headers on successful answers (X-RateLimit-Remaining: 0 + X-RateLimit-Reset, or Polar's
 *   RateLimit-Usage/-Limit/-Reset) hold the next request until the window resets;
 * - zod validation of every body: non-JSON or wrong shape → PROVIDER.MALFORMED_RESPONSE.
 *
 * sleep, random, now and fetch are injectable so tests are fast and deterministic.
 */
import type { z } from 'zod';
import type { ProviderId } from '../core/metrics.ts';
import { ProviderError, type ProviderErrorCode } from './errors.ts';

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Returns the epoch ms until which requests should be held, or undefined. */
export type RateLimitPolicy = (headers: Headers, nowMs: number) => number | undefined;

export interface HttpOptions {
  baseUrl: string;
  /** Per-request timeout, ms. Default 15 000. */
  timeoutMs?: number;
  /** Total attempts for retryable failures (5xx, network, timeout, 429). Default 4. */
  maxAttempts?: number;
  /** First backoff step, ms. Default 500; doubles per attempt. */
  baseDelayMs?: number;
  /** Backoff cap, ms. Default 20 000. */
  maxDelayMs?: number;
  /** Longest 429 / rate-limit wait we are willing to sleep inside one call, ms. Default 120 000. */
  maxRateLimitWaitMs?: number;
  sleep?: Sleep;
  /** [0, 1) — jitter source. */
  random?: () => number;
  now?: () => number;
  fetch?: typeof fetch;
  userAgent?: string;
  rateLimitPolicy?: RateLimitPolicy;
}

export type Auth = { bearer: string } | { basic: { username: string; password: string } };

export interface RequestSpec<S extends z.ZodType> {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  auth?: Auth;
  json?: unknown;
  form?: Record<string, string | undefined>;
  schema: S;
  /** Retry on 5xx / network / timeout. Default: true for GET, false otherwise. 429 is always waited out. */
  retry?: boolean;
  /** Non-2xx statuses to treat as success (e.g. Polar's 409 "already registered"). Body parsed with schema. */
  acceptStatus?: number[];
  /** Map an error status + body to a specific error before the generic classification (token endpoints). */
  classifyError?: (status: number, bodyText: string) => ProviderError | undefined;
}

export interface HttpResult<T> {
  status: number;
  headers: Headers;
  data: T;
}

/** Delta-seconds or HTTP-date → ms from now (never negative). */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Reset header: seconds until reset (WHOOP documents this), or an epoch in seconds if it looks like one. */
function resetToMs(value: string, nowMs: number): number | undefined {
  const n = Number(value.split(',')[0]?.trim());
  if (!Number.isFinite(n) || n < 0) return undefined;
  if (n > 1_000_000_000) return Math.max(0, n * 1000 - nowMs);
  return Math.round(n * 1000);
}

/** X-RateLimit-Remaining / X-RateLimit-Reset (WHOOP; also the de-facto convention elsewhere). */
export const xRateLimitPolicy: RateLimitPolicy = (headers, nowMs) => {
  const remaining = headers.get('x-ratelimit-remaining');
  const reset = headers.get('x-ratelimit-reset');
  if (remaining === null || reset === null) return undefined;
  if (Number(remaining.split(',')[0]) > 0) return undefined;
  const ms = resetToMs(reset, nowMs);
  return ms === undefined ? undefined : nowMs + ms;
};

/**
 * Polar AccessLink: `RateLimit-Usage`, `RateLimit-Limit`, `RateLimit-Reset`, each a comma list for the
 * short (15 min) and long (24 h) windows. Hold until the reset of every window whose usage reached its limit.
 */
export const polarRateLimitPolicy: RateLimitPolicy = (headers, nowMs) => {
  const usage = headers.get('ratelimit-usage');
  const limit = headers.get('ratelimit-limit');
  const reset = headers.get('ratelimit-reset');
  if (usage === null || limit === null || reset === null) return xRateLimitPolicy(headers, nowMs);
  const u = usage.split(',').map((s) => Number(s.trim()));
  const l = limit.split(',').map((s) => Number(s.trim()));
  const r = reset.split(',').map((s) => Number(s.trim()));
  let until: number | undefined;
  for (let i = 0; i < u.length; i++) {
    const ui = u[i];
    const li = l[i];
    const ri = r[i];
    if (ui === undefined || li === undefined || ri === undefined) continue;
    if (Number.isFinite(ui) && Number.isFinite(li) && Number.isFinite(ri) && ui >= li) {
      const t = nowMs + ri * 1000;
      until = until === undefined ? t : Math.max(until, t);
    }
  }
  return until;
};

export class HttpClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly fetchImpl: typeof fetch;
  private readonly userAgent: string;
  private readonly rateLimitPolicy: RateLimitPolicy;
  /** Epoch ms until which the vendor told us to hold requests. */
  private blockedUntil = 0;

  constructor(
    readonly provider: ProviderId,
    options: HttpOptions,
  ) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 20_000;
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 120_000;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.userAgent = options.userAgent ?? 'twincoach/0.1 (+https://github.com/twincoach)';
    this.rateLimitPolicy = options.rateLimitPolicy ?? xRateLimitPolicy;
  }

  /** Backoff before attempt n+1 after n failures: equal jitter over min(cap, base·2^(n−1)). */
  backoffMs(failures: number): number {
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (failures - 1));
    return Math.round(cap / 2 + this.random() * (cap / 2));
  }

  url(path: string, query?: Record<string, string | number | undefined>): string {
    const url = new URL(this.baseUrl + (path.startsWith('/') ? path : `/${path}`));
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  async request<S extends z.ZodType>(spec: RequestSpec<S>): Promise<HttpResult<z.output<S>>> {
    const method = spec.method ?? 'GET';
    const label = `${method} ${spec.path}`;
    const retryable = spec.retry ?? method === 'GET';
    const url = this.url(spec.path, spec.query);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent, ...spec.headers };
    let body: string | undefined;
    if (spec.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(spec.json);
    } else if (spec.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(spec.form)) if (v !== undefined) params.set(k, v);
      body = params.toString();
    }
    if (spec.auth && 'bearer' in spec.auth) headers.authorization = `Bearer ${spec.auth.bearer}`;
    if (spec.auth && 'basic' in spec.auth) {
      const { username, password } = spec.auth.basic;
      headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }

    let failures = 0;
    for (;;) {
      await this.waitForRateLimitWindow(label);
      const attempt = failures + 1;
      let res: Response;
      let text: string;
      try {
        const init: RequestInit = { method, headers, signal: AbortSignal.timeout(this.timeoutMs) };
        if (body !== undefined) init.body = body;
        res = await this.fetchImpl(url, init);
        text = await res.text();
      } catch (cause) {
        const timedOut = isTimeout(cause);
        const code: ProviderErrorCode = timedOut ? 'PROVIDER.TIMEOUT' : 'PROVIDER.UNAVAILABLE';
        const err = new ProviderError(
          code,
          this.provider,
          timedOut ? `${label} timed out after ${this.timeoutMs} ms` : `${label} failed: ${errorMessage(cause)}`,
          { request: label, cause },
        );
        if (!retryable || attempt >= this.maxAttempts) throw err;
        failures++;
        await this.sleep(this.backoffMs(failures));
        continue;
      }

      this.noteRateLimitHeaders(res.headers);

      if ((res.status >= 200 && res.status < 300) || spec.acceptStatus?.includes(res.status)) {
        return { status: res.status, headers: res.headers, data: this.parse(spec.schema, text, label, res.status) };
      }

      if (res.status === 429) {
        const nowMs = this.now();
        const retryAfterMs =
          parseRetryAfter(res.headers.get('retry-after'), nowMs) ??
          untilToMs(this.rateLimitPolicy(res.headers, nowMs), nowMs) ??
          resetHeaderMs(res.headers, nowMs);
        const waitMs = retryAfterMs ?? this.backoffMs(failures + 1);
        if (attempt >= this.maxAttempts || waitMs > this.maxRateLimitWaitMs) {
          throw new ProviderError('PROVIDER.RATE_LIMITED', this.provider, `${label} rate limited (429)`, {
            status: 429,
            request: label,
            retryAfterMs: waitMs,
          });
        }
        failures++;
        await this.sleep(waitMs);
        this.blockedUntil = 0; // that wait already covered the window the headers announced
        continue;
      }

      const specific = spec.classifyError?.(res.status, text);
      if (specific) throw specific;

      if (res.status === 401) {
        throw new ProviderError('PROVIDER.UNAUTHORIZED', this.provider, `${label} returned 401`, {
          status: 401,
          request: label,
        });
      }
      if (res.status === 403) {
        throw new ProviderError('PROVIDER.FORBIDDEN', this.provider, `${label} returned 403`, {
          status: 403,
          request: label,
        });
      }
      if (res.status >= 500) {
        const err = new ProviderError('PROVIDER.UNAVAILABLE', this.provider, `${label} returned ${res.status}`, {
          status: res.status,
          request: label,
        });
        if (!retryable || attempt >= this.maxAttempts) throw err;
        failures++;
        // A 503 may say when to come back; honour it when it is longer than our backoff (and bounded).
        const hinted = parseRetryAfter(res.headers.get('retry-after'), this.now());
        const backoff = this.backoffMs(failures);
        await this.sleep(hinted !== undefined && hinted > backoff && hinted <= this.maxRateLimitWaitMs ? hinted : backoff);
        continue;
      }
      throw new ProviderError('PROVIDER.BAD_REQUEST', this.provider, `${label} returned ${res.status}`, {
        status: res.status,
        request: label,
      });
    }
  }

  private parse<S extends z.ZodType>(schema: S, text: string, label: string, status: number): z.output<S> {
    let json: unknown;
    try {
      json = text.trim() === '' ? null : JSON.parse(text);
    } catch (cause) {
      throw new ProviderError('PROVIDER.MALFORMED_RESPONSE', this.provider, `${label}: body is not JSON`, {
        status,
        request: label,
        cause,
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      throw new ProviderError('PROVIDER.MALFORMED_RESPONSE', this.provider, `${label}: unexpected shape (${issues})`, {
        status,
        request: label,
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  private noteRateLimitHeaders(headers: Headers): void {
    const nowMs = this.now();
    const until = this.rateLimitPolicy(headers, nowMs);
    if (until !== undefined && until > this.blockedUntil) this.blockedUntil = until;
  }

  private async waitForRateLimitWindow(label: string): Promise<void> {
    const waitMs = this.blockedUntil - this.now();
    if (waitMs <= 0) return;
    if (waitMs > this.maxRateLimitWaitMs) {
      throw new ProviderError('PROVIDER.RATE_LIMITED', this.provider, `${label} held: rate-limit window exhausted`, {
        request: label,
        retryAfterMs: waitMs,
      });
    }
    await this.sleep(waitMs);
    // The window is over once we have waited it out, whether or not the injected clock moved.
    this.blockedUntil = 0;
  }
}

function untilToMs(until: number | undefined, nowMs: number): number | undefined {
  return until === undefined ? undefined : Math.max(0, until - nowMs);
}

/** A bare reset header on a 429 (no Remaining header): the vendor still told us when the window resets. */
function resetHeaderMs(headers: Headers, nowMs: number): number | undefined {
  const reset = headers.get('x-ratelimit-reset') ?? headers.get('ratelimit-reset');
  return reset === null ? undefined : resetToMs(reset, nowMs);
}

function isTimeout(e: unknown): boolean {
  return e instanceof Error && (e.name === 'TimeoutError' || (e.name === 'AbortError' && /timeout/i.test(e.message)));
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    const code = cause && typeof cause === 'object' && 'code' in cause ? String((cause as { code: unknown }).code) : '';
    return code ? `${e.message} (${code})` : e.message;
  }
  return String(e);
}
