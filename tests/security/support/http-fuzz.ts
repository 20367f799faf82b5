/**
 * A seeded fuzzer for the HTTP front: every case is raw bytes on a socket (support/raw-http.ts), drawn from
 * eight families —
 *
 *   request-line    malformed start lines: garbage bytes, unknown methods, bad versions, absolute-form, "*",
 *                   over-long targets, missing parts
 *   path            real methods × mutated paths of every route (suffixes, trailing and double slashes,
 *                   case, percent-encoding, dot segments, junk queries)
 *   headers         a real route with broken framing: duplicate or invalid Content-Length, CL + TE, unknown
 *                   codings, header lines without a colon, NUL bytes, oversized values, CONNECT/Upgrade
 *   body            unsigned bodies of 0 … limit bytes to /slack/events and the webhooks, any content type
 *   over-limit      a declared Content-Length far over the limit, or a chunked body that passes it
 *   signed-slack    correctly signed Slack requests with hostile bodies: payload=null/[]/numbers, random
 *                   objects, unknown commands, events without fields, url_verification, replays, future stamps
 *   signed-webhook  correctly signed Oura/WHOOP/Polar deliveries with random JSON
 *   health          GET /healthz, /metrics (the service must keep answering them)
 *
 * `runFuzz` sends them with bounded concurrency against a running instance, samples its RSS every 100 ms,
 * probes /healthz every 500 requests and stops at the first sign of a crash. It answers counts per status
 * class ("none" = the connection closed or timed out without an answer) and per family.
 */
import { createHmac } from 'node:crypto';
import { signOuraWebhook, signPolarWebhook, signWhoopWebhook } from '../../../src/wearables/webhooks.ts';
import type { ServiceInstance } from './instance.ts';
import { head, send, slackHeaders, type RawAnswer, type RawRequest } from './raw-http.ts';

export interface FuzzSecrets {
  slack: string;
  oura: string;
  whoop: string;
  polar: string;
  /** A loopback URL Slack replies may be sent to (the fake's response_url). */
  responseUrl: (id: string) => string;
  maxBodyBytes: number;
}

export type Family = 'request-line' | 'path' | 'headers' | 'body' | 'over-limit' | 'signed-slack' | 'signed-webhook' | 'health';
export interface FuzzCase {
  family: Family;
  req: RawRequest;
}

const WEIGHTS: [Family, number][] = [
  ['request-line', 14],
  ['path', 20],
  ['headers', 14],
  ['body', 20],
  ['over-limit', 4],
  ['signed-slack', 18],
  ['signed-webhook', 8],
  ['health', 2],
];
const ROUTES = ['/slack/events', '/webhooks/oura', '/webhooks/whoop', '/webhooks/polar', '/oauth/oura/callback', '/oauth/whoop/callback', '/healthz', '/metrics'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'TRACE'];
const TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', '', 'application/x-www-form-urlencoded; charset=utf-8'];

/** Mulberry32: a small seeded generator (the runs are reproducible from the seed). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0 || 1;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function caseGenerator(random: () => number, s: FuzzSecrets): () => FuzzCase {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const text = (n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + int(95))).join('');
  /** Sizes spread over 0 … max on a log scale (most bodies are small, some reach the limit). */
  const size = (max: number) => (random() < 0.05 ? max : Math.min(max, Math.floor(Math.exp(random() * Math.log(max + 1))) - 1));
  const jsonValue = (depth = 0): unknown => {
    const kinds: (() => unknown)[] = [
      () => null,
      () => int(1e6) - 5e5,
      () => text(int(20)),
      () => random() < 0.5,
      () => [],
      () => ({}),
      () => Array.from({ length: int(4) }, () => jsonValue(depth + 1)),
      () => Object.fromEntries(Array.from({ length: int(5) }, () => [pick(['type', 'user', 'team', 'event', 'view', 'actions', 'id', 'user_id', 'command', 'trigger_id', text(6)]), jsonValue(depth + 1)])),
    ];
    return kinds[int(depth > 2 ? 6 : kinds.length)]!();
  };
  const mutatePath = (p: string) =>
    pick([
      () => p,
      () => `${p}/`,
      () => `${p}${text(int(8)).replace(/[\s?#]/g, 'x')}`,
      () => p.toUpperCase(),
      () => `/${p}`,
      () => p.replace('/', '//'),
      () => `${p}?${text(int(30)).replace(/[\s#]/g, '&')}`,
      () => p.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`),
      () => `/../${p.slice(1)}`,
      () => `${p}/..`,
      () => `/%${text(2)}`,
      () => `/${'a/'.repeat(int(400))}`,
      () => '//',
    ])();
  const framed = (method: string, path: string, headers: Record<string, string | number>, body?: Buffer): RawRequest => ({
    head: head(`${method} ${path} HTTP/1.1`, { host: '127.0.0.1', connection: 'close', ...headers }),
    ...(body ? { body } : {}),
  });

  const families: Record<Family, () => RawRequest> = {
    'request-line': () =>
      pick([
        () => ({ head: Buffer.concat([bytes(1 + int(60)), Buffer.from('\r\n\r\n')]) }),
        () => ({ head: head(`${text(1 + int(10)).replace(/\s/g, 'X')} ${pick(ROUTES)} HTTP/1.1`, { host: 'x' }) }),
        () => ({ head: head(`GET ${pick(ROUTES)} HTTP/${int(10)}.${int(10)}`, { host: 'x' }) }),
        () => ({ head: head(`GET ${pick(['*', 'http://evil.example/healthz', 'healthz', '//', '/\x00', '/\x7f'])} HTTP/1.1`, { host: 'x', connection: 'close' }) }),
        () => ({ head: head(`GET /${'a'.repeat(1_000 + int(30_000))} HTTP/1.1`, { host: 'x', connection: 'close' }) }),
        () => ({ head: head(pick(['GET', 'GET /', 'GET  / HTTP/1.1', ' / HTTP/1.1', 'GET / HTTP/1.1 extra']), { host: 'x', connection: 'close' }) }),
        () => ({ head: `GET /healthz HTTP/1.1\n${pick(['host: x\n', '', 'x\n'])}\n` }),
      ])(),
    path: () => {
      const method = pick(METHODS);
      const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? Buffer.from(text(int(200))) : undefined;
      return framed(method, mutatePath(pick(ROUTES)), body ? { 'content-length': body.length, 'content-type': pick(TYPES) } : {}, body);
    },
    headers: () => {
      const path = pick(ROUTES);
      // Never a bare hex prefix: a body that could be the start of a valid chunk would make the case a slow
      // client (answered 408 after the request timeout), which is not what this family tests.
      const body = Buffer.from(`Z${text(int(100))}`);
      return pick([
        () => ({ head: head(`POST ${path} HTTP/1.1`, { host: 'x', connection: 'close', 'content-length': `${body.length}, ${body.length + 1}` }), body }),
        () => ({ head: `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: ${body.length}\r\ncontent-length: ${body.length + int(5)}\r\n\r\n`, body }),
        () => ({ head: head(`POST ${path} HTTP/1.1`, { host: 'x', connection: 'close', 'content-length': pick(['-1', 'abc', '1e3', '0x10', ' ', '99999999999999999999']) }), body }),
        () => ({ head: head(`POST ${path} HTTP/1.1`, { host: 'x', connection: 'close', 'content-length': body.length, 'transfer-encoding': 'chunked' }), body }),
        () => ({ head: head(`POST ${path} HTTP/1.1`, { host: 'x', connection: 'close', 'transfer-encoding': pick(['gzip', 'chunked, gzip', 'identity', 'xchunked']) }), body }),
        () => ({ head: head(`POST ${path} HTTP/1.1`, { host: 'x', connection: 'close', 'transfer-encoding': 'chunked' }), body: Buffer.from(`${pick(['zz', '-1', 'ffffffffffffffff', '5'])}\r\n${text(5)}\r\n0\r\n\r\n`) }),
        () => ({ head: `GET ${path} HTTP/1.1\r\nhost: x\r\n${pick(['no-colon-here', ' leading-space: x', 'x-null: a\x00b', 'bad name: v', 'x-fold: a\r\n  folded', `x-big: ${'b'.repeat(10_000 + int(20_000))}`])}\r\nconnection: close\r\n\r\n` }),
        () => ({ head: head(`GET ${path} HTTP/1.1`, { host: 'x', connection: 'close', ...Object.fromEntries(Array.from({ length: 50 + int(200) }, (_, i) => [`x-h${i}`, text(int(40))])) }) }),
        () => ({ head: head(`CONNECT 127.0.0.1:9 HTTP/1.1`, { host: '127.0.0.1:9' }) }),
        () => ({ head: head(`GET ${path} HTTP/1.1`, { host: 'x', connection: 'Upgrade', upgrade: pick(['websocket', 'h2c', text(5)]) }) }),
        () => ({ head: head(`GET ${path} HTTP/1.1`, { host: 'x', connection: 'close', expect: '100-continue' }) }),
      ])();
    },
    body: () => {
      const path = pick(ROUTES.slice(0, 4));
      const body = random() < 0.5 ? bytes(size(s.maxBodyBytes)) : Buffer.from(text(size(s.maxBodyBytes)));
      const headers: Record<string, string | number> = { 'content-type': pick(TYPES), 'content-length': body.length };
      if (random() < 0.5) Object.assign(headers, { 'x-slack-signature': `v0=${text(64)}`, 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)), 'x-whoop-signature': text(44), 'x-whoop-signature-timestamp': String(Date.now()), 'x-oura-signature': text(64), 'x-oura-timestamp': String(Math.floor(Date.now() / 1000)) });
      return framed('POST', path, headers, body);
    },
    'over-limit': () => {
      const path = pick(ROUTES.slice(0, 4));
      if (random() < 0.5) return { head: head(`POST ${path} HTTP/1.1`, { host: 'x', 'content-type': 'application/json', 'content-length': s.maxBodyBytes + 1 + int(300 * 1024 * 1024) }), body: Buffer.from(text(100)) };
      return { head: head(`POST ${path} HTTP/1.1`, { host: 'x', 'content-type': 'application/json', 'transfer-encoding': 'chunked' }), body: chunked(s.maxBodyBytes + 1 + int(64 * 1024)) };
    },
    'signed-slack': () => {
      const id = `fz${int(1e9)}`;
      const ts = Math.floor(Date.now() / 1000) + pick([0, 0, 0, 0, -30, 299, 301, -301, 3600]);
      const form = (o: Record<string, string>) => ['application/x-www-form-urlencoded', new URLSearchParams(o).toString()] as const;
      const [type, body] = pick([
        () => form({ payload: pick(['null', '[]', '7', '"s"', '{', 'true', JSON.stringify(jsonValue())]) }),
        () => form({ payload: JSON.stringify({ type: pick(['block_actions', 'view_submission', 'shortcut', 'message_action', 'view_closed', 'block_suggestion']), ...(jsonValue() as object) }) }),
        () => form({ payload: JSON.stringify({ type: 'block_actions', user: { id: 'U0FUZZ' }, actions: [{ action_id: `tc:${text(int(20))}` }], response_url: s.responseUrl(id) }) }),
        () => form({ command: pick(['/help', '/nonexistent', `/${text(5).replace(/[^a-z]/gi, 'q').toLowerCase()}`, '', 'help']), text: text(int(80)), user_id: 'U0FUZZ', team_id: 'T0FUZZ', channel_id: 'C0TEAM', response_url: s.responseUrl(id), trigger_id: `${id}.1.a` }),
        () => ['application/json', JSON.stringify(pick([{ type: 'url_verification', challenge: text(10) }, { type: 'event_callback', event_id: id, event: jsonValue() }, { type: 'event_callback', event_id: id, event: { type: 'app_home_opened', tab: 'home' } }, jsonValue()]))] as const,
        () => ['application/json', pick(['null', '[]', '', '{', '"x"', '1e400'])] as const,
        () => form({ ssl_check: '1', token: text(10) }),
      ])();
      const buf = Buffer.from(body);
      return framed('POST', '/slack/events', { 'content-type': type, 'content-length': buf.length, ...slackHeaders(s.slack, buf, ts), ...(random() < 0.1 ? { 'x-slack-retry-num': String(int(5)), 'x-slack-retry-reason': 'http_timeout' } : {}) }, buf);
    },
    'signed-webhook': () => {
      const body = Buffer.from(random() < 0.8 ? JSON.stringify(random() < 0.5 ? { user_id: pick([text(8), int(1e6), null, '']), ...(jsonValue() as object) } : jsonValue()) : text(int(100)));
      const vendor = pick(['oura', 'whoop', 'polar'] as const);
      const now = Date.now() + pick([0, 0, 0, -400_000, 400_000]);
      if (vendor === 'oura') {
        const ts = String(Math.floor(now / 1000));
        return framed('POST', '/webhooks/oura', { 'content-type': 'application/json', 'content-length': body.length, 'x-oura-timestamp': ts, 'x-oura-signature': signOuraWebhook(body.toString('utf8'), ts, s.oura) }, body);
      }
      if (vendor === 'whoop') {
        const ts = String(now);
        return framed('POST', '/webhooks/whoop', { 'content-type': 'application/json', 'content-length': body.length, 'x-whoop-signature-timestamp': ts, 'x-whoop-signature': signWhoopWebhook(body.toString('utf8'), ts, s.whoop) }, body);
      }
      return framed('POST', '/webhooks/polar', { 'content-type': 'application/json', 'content-length': body.length, 'polar-webhook-event': 'SLEEP', 'polar-webhook-signature': signPolarWebhook(body.toString('utf8'), s.polar) }, body);
    },
    health: () => framed(pick(['GET', 'HEAD']), pick(['/healthz', '/metrics']), {}),
  };
  const total = WEIGHTS.reduce((a, [, w]) => a + w, 0);
  return () => {
    let r = random() * total;
    for (const [family, w] of WEIGHTS) {
      if ((r -= w) < 0) return { family, req: { ...families[family](), timeoutMs: 20_000 } }; // past the server's 15 s request timeout: a stalled body gets its 408
    }
    return { family: 'health', req: families.health() };
  };
}

/** A chunked body of `n` payload bytes in 64 KiB chunks. */
function chunked(n: number): Buffer {
  const parts: Buffer[] = [];
  for (let left = n; left > 0; ) {
    const k = Math.min(left, 64 * 1024);
    parts.push(Buffer.from(`${k.toString(16)}\r\n`), Buffer.alloc(k, 0x61), Buffer.from('\r\n'));
    left -= k;
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'none';
export interface FuzzReport {
  requests: number;
  crashes: number;
  byClass: Record<StatusClass, number>;
  byFamily: Record<string, Record<string, number>>;
  /** The first few requests answered 5xx, 3xx or not at all (to reproduce). */
  unexpected: { family: Family; head: string; status: number | null }[];
  rss: { baselineBytes: number; peakBytes: number; finalBytes: number };
  healthProbes: { ok: number; failed: number };
  seconds: number;
}

export async function runFuzz(svc: ServiceInstance, o: { requests: number; concurrency: number; seed: number; secrets: FuzzSecrets; onProgress?: (done: number, r: FuzzReport) => void }): Promise<FuzzReport> {
  const next = caseGenerator(seeded(o.seed), o.secrets);
  const baseline = svc.rss();
  const report: FuzzReport = {
    requests: 0,
    crashes: 0,
    byClass: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, none: 0 },
    byFamily: {},
    unexpected: [],
    rss: { baselineBytes: baseline, peakBytes: baseline, finalBytes: baseline },
    healthProbes: { ok: 0, failed: 0 },
    seconds: 0,
  };
  const started = performance.now();
  const sampler = setInterval(() => {
    report.rss.peakBytes = Math.max(report.rss.peakBytes, svc.rss());
  }, 100);
  const classOf = (a: RawAnswer): StatusClass => (a.status === null ? 'none' : (`${String(a.status)[0]}xx` as StatusClass));
  let issued = 0;
  const probe = async () => {
    const r = await send(svc.host, svc.port, { head: head('GET /healthz HTTP/1.1', { host: 'x', connection: 'close' }), timeoutMs: 15_000 });
    if (r.status === 200) report.healthProbes.ok += 1;
    else report.healthProbes.failed += 1;
  };
  const worker = async () => {
    while (issued < o.requests && !svc.exited()) {
      const i = issued++;
      const c = next();
      const answer = await send(svc.host, svc.port, c.req);
      const cls = classOf(answer);
      report.requests += 1;
      report.byClass[cls] += 1;
      const fam = (report.byFamily[c.family] ??= {});
      fam[cls] = (fam[cls] ?? 0) + 1;
      if ((cls === 'none' || cls === '5xx' || cls === '3xx') && report.unexpected.length < 20)
        report.unexpected.push({ family: c.family, status: answer.status, head: (Buffer.isBuffer(c.req.head) ? c.req.head.toString('latin1') : c.req.head).slice(0, 160) });
      if ((i + 1) % 500 === 0) {
        await probe();
        o.onProgress?.(i + 1, report);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrency }, worker));
    if (!svc.exited()) await probe();
  } finally {
    clearInterval(sampler);
  }
  await new Promise((r) => setTimeout(r, 500));
  report.crashes = svc.exited() ? 1 : 0;
  report.rss.finalBytes = svc.rss();
  report.rss.peakBytes = Math.max(report.rss.peakBytes, report.rss.finalBytes);
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** The report as printed by bench:http-fuzz and the test. */
export function formatFuzzReport(r: FuzzReport): string {
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
  const lines = [
    `requests: ${r.requests} in ${r.seconds.toFixed(1)} s`,
    `crashes: ${r.crashes}`,
    `answers by status class: 2xx ${r.byClass['2xx']} · 4xx ${r.byClass['4xx']} · 3xx ${r.byClass['3xx']} · 5xx ${r.byClass['5xx']} · no answer ${r.byClass.none}`,
    `RSS: baseline ${mb(r.rss.baselineBytes)} · peak ${mb(r.rss.peakBytes)} · final ${mb(r.rss.finalBytes)} · peak growth ${mb(r.rss.peakBytes - r.rss.baselineBytes)}`,
    `health probes: ${r.healthProbes.ok} ok, ${r.healthProbes.failed} failed`,
    'by family: ' +
      Object.entries(r.byFamily)
        .sort()
        .map(([f, c]) => `${f} {${Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ')}}`)
        .join(' · '),
  ];
  for (const u of r.unexpected) lines.push(`  unexpected ${u.status ?? 'no answer'} (${u.family}): ${JSON.stringify(u.head)}`);
  return lines.join('\n');
}
