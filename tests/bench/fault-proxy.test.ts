/**
 * The fault-injecting proxy bench:ingest puts in front of the vendor fakes: each fault kind does what a
 * real client would see, only GETs are faulted, and the counters add up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeServer } from '../fakes/fake-server.ts';
import { FaultProxy, seededRandom, type FaultRates } from './fault-proxy.ts';

const NONE: FaultRates = { error500: 0, timeout: 0, malformed: 0, burstStart: 0, burstMs: 1_000 };
let upstream: FakeServer | undefined;
let proxy: FaultProxy | undefined;

async function start(rates: Partial<FaultRates>, holdMs = 200): Promise<FaultProxy> {
  upstream = await FakeServer.start();
  upstream.on('GET', '/v2/data', () => ({ body: { data: [1, 2, 3] } }));
  upstream.on('POST', '/oauth/token', () => ({ body: { access_token: 'a' } }));
  proxy = await new FaultProxy('test', upstream.url, { ...NONE, ...rates }, { seed: 1, holdMs }).start();
  return proxy;
}

afterEach(async () => {
  await proxy?.stop();
  await upstream?.close();
  proxy = upstream = undefined;
});

describe('FaultProxy', () => {
  it('when no fault is drawn then the request reaches the vendor and the answer comes back unchanged', async () => {
    const p = await start({});
    const res = await fetch(`${p.url}/v2/data?x=1`, { headers: { authorization: 'Bearer t' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: [1, 2, 3] });
    expect(upstream!.requests[0]).toMatchObject({ path: '/v2/data', headers: expect.objectContaining({ authorization: 'Bearer t' }) });
    expect(p.counters).toMatchObject({ requests: 1, forwarded: 1, repeats: 0 });
  });

  it('when every GET draws a 500 then token POSTs still pass through', async () => {
    const p = await start({ error500: 1 });
    expect((await fetch(`${p.url}/v2/data`)).status).toBe(500);
    expect((await fetch(`${p.url}/oauth/token`, { method: 'POST', body: 'grant_type=x' })).status).toBe(200);
    expect(p.counters.injected.error500).toBe(1);
    expect(upstream!.requests.map((r) => r.path)).toEqual(['/oauth/token']);
  });

  it('when a body is cut off then the status is 200 and the JSON does not parse', async () => {
    const p = await start({ malformed: 1 });
    const res = await fetch(`${p.url}/v2/data`);
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });

  it('when a request is held then a client with a shorter timeout gives up and the proxy drops the connection', async () => {
    const p = await start({ timeout: 1 }, 300);
    await expect(fetch(`${p.url}/v2/data`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(p.counters.injected.timeout).toBe(1);
  });

  it('when a 429 window opens then every GET in it gets 429 with Retry-After, and the same request again counts as a repeat', async () => {
    const p = await start({ burstStart: 1, burstMs: 1_500 });
    const a = await fetch(`${p.url}/v2/data`);
    const b = await fetch(`${p.url}/v2/data`);
    expect([a.status, b.status]).toEqual([429, 429]);
    expect(Number(a.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(p.counters).toMatchObject({ bursts: 1, repeats: 1, injected: expect.objectContaining({ rateLimited: 2 }) });
  });

  it('when seeded alike then the random source repeats itself', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(xs).toEqual(Array.from({ length: 5 }, () => b()));
    expect(new Set(xs).size).toBe(5);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
