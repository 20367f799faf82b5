/**
 * Attacks on the HTTP front of the real service (src/main.ts as a child process; Slack in HTTP mode, the
 * webhook and OAuth routes configured): each request below once killed the process or grew its memory
 * for good. Every test checks the answer, that the process is still up and — after the attacks — that
 * none of the data collections was written. Last, a bounded run of the HTTP fuzzer (bench:http-fuzz runs
 * ≥ 10,000): no crash, every answer 2xx/4xx, RSS growth bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { useTestDatabase } from '../helpers/db.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../../src/http/server.ts';
import { formatFuzzReport, runFuzz } from './support/http-fuzz.ts';
import { head, send, slackHeaders } from './support/raw-http.ts';
import { OURA_SECRET, POLAR_SECRET, SLACK_SECRET, startInstance, WHOOP_SECRET, type ServiceInstance } from './support/instance.ts';

const db = useTestDatabase();
let fake: FakeSlackApi;
let svc: ServiceInstance;
let countsBefore: Record<string, number>;

async function collectionCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const c of await db.connection.db!.listCollections().toArray()) out[c.name] = await db.connection.db!.collection(c.name).countDocuments();
  return out;
}
/** Collections the service writes on its own schedule (job claims, leases): not attack results. */
const BOOKKEEPING = /^(leases|jobruns|job_runs|schedulerstates)$/i;
const dataOnly = (c: Record<string, number>) => Object.fromEntries(Object.entries(c).filter(([k]) => !BOOKKEEPING.test(k)));

const up = () => expect(svc.exited(), svc.output().slice(-4_000)).toBeUndefined();
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  fake = await new FakeSlackApi({ channels: ['C0TEAM'], users: ['U0ATHLETE'] }).start();
  svc = await startInstance({ mongoUri: db.uri, dbName: db.dbName, slackApiUrl: fake.apiUrl, slackBotToken: fake.token });
  await settle(1_000);
  countsBefore = dataOnly(await collectionCounts());
});
afterAll(async () => {
  await svc?.stop();
  await fake?.stop();
});

describe('finding 1: one anonymous request must not kill the process', () => {
  it('when the request target is "//" then the answer is 404 (no such path) and the process stays up', async () => {
    const r = await send(svc.host, svc.port, { head: head('GET // HTTP/1.1', { host: 'x', connection: 'close' }) });
    await settle();
    up();
    expect(r.status).toBe(404);
  });

  it('when a browser opens /slack/events (GET) then the answer is 405 with Allow: POST and the process stays up', async () => {
    const r = await send(svc.host, svc.port, { head: head('GET /slack/events HTTP/1.1', { host: 'x', accept: 'text/html', connection: 'close' }) });
    await settle();
    up();
    expect(r.status).toBe(405);
    expect(r.head.toLowerCase()).toContain('allow: post');
  });

  it('when a path only starts with /slack/events then the answer is 404 and the process stays up', async () => {
    const r = await send(svc.host, svc.port, { head: head('POST /slack/eventsXYZ HTTP/1.1', { host: 'x', 'content-length': 0, connection: 'close' }) });
    await settle();
    up();
    expect(r.status).toBe(404);
  });

  it('when a correctly signed interactive request carries payload=null then the answer is 400 and the process stays up', async () => {
    const body = 'payload=null';
    const r = await send(svc.host, svc.port, {
      head: head('POST /slack/events HTTP/1.1', { host: 'x', 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length, connection: 'close', ...slackHeaders(SLACK_SECRET, body) }),
      body: Buffer.from(body),
    });
    await settle(1_000);
    up();
    expect(r.status).toBe(400);
  });

  it('when request lines, methods and headers are malformed then every answer is a 4xx and the process stays up', async () => {
    const heads = [
      'GET * HTTP/1.1\r\nhost: x\r\n\r\n',
      'GET http://evil.example/healthz HTTP/1.1\r\nhost: x\r\n\r\n',
      'BREW /healthz HTTP/1.1\r\nhost: x\r\n\r\n',
      'GET /%%%% HTTP/1.1\r\nhost: x\r\n\r\n',
      'GET /healthz HTTP/9.9\r\nhost: x\r\n\r\n',
      'POST /slack/events HTTP/1.1\r\nhost: x\r\ncontent-length: -1\r\n\r\n',
      'POST /slack/events HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\nhello',
      'POST /webhooks/whoop HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n',
      `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
      '\x00\x01\x02 / HTTP/1.1\r\n\r\n',
    ];
    for (const h of heads) {
      const r = await send(svc.host, svc.port, { head: h, timeoutMs: 5_000 });
      expect([r.status === null ? 'closed' : String(r.status)[0]], JSON.stringify(h.slice(0, 60))).toEqual(r.status === null ? ['closed'] : ['4']);
    }
    await settle();
    up();
  });
});

describe('finding 3: anonymous memory exhaustion', () => {
  it('when an unsigned POST declares 300 MB then it is refused with 413 before the body is read', async () => {
    const before = svc.rss();
    const r = await send(svc.host, svc.port, {
      head: head('POST /slack/events HTTP/1.1', { host: 'x', 'content-type': 'application/json', 'content-length': 300 * 1024 * 1024 }),
      streamBytes: 300 * 1024 * 1024,
      timeoutMs: 30_000,
    });
    await settle();
    up();
    expect(r.status).toBe(413);
    expect(svc.rss() - before).toBeLessThan(40 * 1024 * 1024);
  });

  it('when an unsigned chunked POST streams 64 MB without a length then it is cut off with 413 and memory stays bounded', async () => {
    const before = svc.rss();
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const framed = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    const body = Buffer.concat(Array.from({ length: 1024 }, () => framed)); // 64 MB of payload in 1,024 chunks
    for (const path of ['/slack/events', '/webhooks/whoop']) {
      const r = await send(svc.host, svc.port, { head: head(`POST ${path} HTTP/1.1`, { host: 'x', 'content-type': 'application/json', 'transfer-encoding': 'chunked' }), body, timeoutMs: 30_000 });
      expect(r.status, path).toBe(413);
    }
    await settle();
    up();
    expect(svc.rss() - before).toBeLessThan(40 * 1024 * 1024);
  });
});

describe('finding 7: replayed and future-dated Slack requests', () => {
  const slash = (id: string) =>
    new URLSearchParams({ team_id: 'T0TEAM', channel_id: 'C0TEAM', user_id: 'U0ATHLETE', user_name: 'athlete', command: '/help', text: '', response_url: fake.responseUrl(id), trigger_id: `${id}.1.a`, api_app_id: 'A0' }).toString();
  const post = (body: string, headers: Record<string, string>) =>
    send(svc.host, svc.port, { head: head('POST /slack/events HTTP/1.1', { host: 'x', 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), connection: 'close', ...headers }), body: Buffer.from(body) });

  it('when the same signed request arrives twice then the command runs once', async () => {
    const body = slash('replay1');
    const headers = slackHeaders(SLACK_SECRET, body);
    expect((await post(body, headers)).status).toBe(200);
    expect((await post(body, headers)).status).toBe(200);
    for (let i = 0; i < 50 && fake.responses.length === 0; i++) await settle(100);
    await settle(1_000);
    expect(fake.responses.filter((r) => r.id === 'replay1')).toHaveLength(1);
  });

  it('when the timestamp is 10 minutes in the future then the request is refused with 401', async () => {
    const body = slash('future1');
    const r = await post(body, slackHeaders(SLACK_SECRET, body, Math.floor(Date.now() / 1000) + 600));
    expect(r.status).toBe(401);
    await settle(500);
    expect(fake.responses.filter((x) => x.id === 'future1')).toHaveLength(0);
  });
});

describe('after every attack', () => {
  it('then the process is still up and no data collection was written', async () => {
    up();
    const after = dataOnly(await collectionCounts());
    // The replay test's /help writes nothing either: every count is what it was after start-up.
    expect(after).toEqual(countsBefore);
  });
});

describe('a bounded fuzz run (bench:http-fuzz is the full one)', () => {
  it('when 600 fuzzed requests arrive then there is no crash, every answer is 2xx or 4xx and RSS grows by less than 100 MB', async () => {
    const r = await runFuzz(svc, {
      requests: 600,
      concurrency: 6,
      seed: 7,
      secrets: { slack: SLACK_SECRET, oura: OURA_SECRET, whoop: WHOOP_SECRET, polar: POLAR_SECRET, responseUrl: (id) => fake.responseUrl(id), maxBodyBytes: DEFAULT_MAX_BODY_BYTES },
    });
    const summary = formatFuzzReport(r);
    expect(r.crashes, `${summary}\n${svc.output().slice(-3_000)}`).toBe(0);
    expect(r.requests).toBe(600);
    expect({ '3xx': r.byClass['3xx'], '5xx': r.byClass['5xx'], none: r.byClass.none }, summary).toEqual({ '3xx': 0, '5xx': 0, none: 0 });
    expect(r.rss.peakBytes - r.rss.baselineBytes, summary).toBeLessThan(100 * 2 ** 20);
    expect(r.healthProbes.failed).toBe(0);
  }, 300_000);
});
