/**
 * Ingest end to end: the real provider clients (base URLs on the loopback fakes), the token manager over the
 * MongoDB ConnectionStore, recordSourceDays on the embedded database. The harness clock is 2026-11-22 07:00Z,
 * athletes live in Europe/London, so "today" is 2026-11-22.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { athleteIngestPort, createIngestService, IngestIncompleteError, type IngestService } from '../../../src/core/ingest.use-case.ts';
import { addDays } from '../../../src/core/local-time.ts';
import { createTokenRenewal, createWearableSources } from '../../../src/wearables/registry.ts';
import { ouraReadiness, ouraSleep } from '../../fakes/oura.ts';
import { intervalsWellness } from '../../fakes/intervals.ts';
import { whoopRecovery } from '../../fakes/whoop.ts';
import { polarRecharge } from '../../fakes/polar.ts';
import { useIngestWorld } from './ingest.support.ts';

const w = useIngestWorld('2026-11-22T07:00:00Z');
const TODAY = '2026-11-22';

async function storedDays(athleteId: string): Promise<Record<string, unknown>[]> {
  return w.h.db.connection.collection('daily_metrics').find({ athleteId }).sort({ date: 1 }).toArray();
}
async function storedDates(athleteId: string): Promise<string[]> {
  return (await storedDays(athleteId)).map((d) => d.date as string);
}
async function cursorOf(athleteId: string, provider: 'oura' | 'whoop' | 'intervals' | 'polar') {
  return (await w.h.deps.connections.get(athleteId, provider))?.syncCursor;
}
const readinessRequests = () =>
  w.oura.server.requestsTo('/v2/usercollection/daily_readiness', 'GET').map((r) => ({
    start: r.query.get('start_date'),
    end: r.query.get('end_date'),
    page: r.query.get('next_token'),
  }));

beforeEach(() => {
  w.h.clock.set('2026-11-22T07:00:00Z');
  w.oura.data.sleep = [];
  w.oura.data.daily_sleep = [];
  w.oura.data.daily_readiness = [];
  w.oura.data.workout = [];
  w.oura.pageSize = 50;
  w.oura.server.requests.length = 0;
  w.oura.server.clearFaults();
  w.intervals.wellness = [];
  w.intervals.activities = [];
  w.intervals.server.requests.length = 0;
  w.intervals.server.clearFaults();
  w.whoop.server.requests.length = 0;
  w.whoop.server.clearFaults();
  w.polar.server.requests.length = 0;
  w.polar.server.clearFaults();
  w.polar.recharges = [];
  w.h.notifier.events = [];
});

describe('first connect: backfill', () => {
  it('when a connection has no cursor then two years are fetched in 30-day windows, every page is followed and the cursor ends on today', async () => {
    const first = addDays(TODAY, -729);
    const busyWindowStart = addDays(TODAY, -400);
    w.oura.pageSize = 3;
    w.oura.data.daily_readiness = [
      ouraReadiness(addDays(first, -1), 11), // one day too old: outside the backfill
      ouraReadiness(first, 12),
      ...Array.from({ length: 7 }, (_, i) => ouraReadiness(addDays(busyWindowStart, i), 60 + i)),
      ouraReadiness(TODAY, 88),
    ];
    const a = await w.athleteWith('Backfill', { oura: w.ouraTokens() });
    const { ingest } = w.service();

    const r = await ingest.ingestAthlete(a);

    expect(r).toMatchObject({ athleteId: a, ok: true });
    expect(r.providers).toEqual([
      expect.objectContaining({ provider: 'oura', outcome: 'ok', from: first, to: TODAY, windowsPlanned: 25, windowsWritten: 25, daysWritten: 9, cursor: TODAY }),
    ]);
    expect(await storedDates(a)).toEqual([first, ...Array.from({ length: 7 }, (_, i) => addDays(busyWindowStart, i)), TODAY]);
    const firstPages = readinessRequests().filter((q) => q.page === null);
    expect(firstPages).toHaveLength(25);
    // Oura is asked one day either side of each window (its end_date semantics differ per collection).
    expect(firstPages[0]).toEqual({ start: addDays(first, -1), end: addDays(first, 30), page: null });
    expect(firstPages.at(-1)!.end).toBe(addDays(TODAY, 1));
    expect(readinessRequests().filter((q) => q.page !== null).length).toBeGreaterThanOrEqual(2); // 7 docs at 3 a page
    expect(await cursorOf(a, 'oura')).toBe(TODAY);
    const rec = await w.h.deps.dailyMetrics.get(a, busyWindowStart);
    expect(rec?.fields.readiness).toEqual({ value: 60, source: 'oura' });
    // Raw vendor fields are kept under their dotted names (escaped at rest: FerretDB refuses '.' in keys).
    expect(rec?.sources[0]?.raw).toMatchObject({ 'daily_readiness.score': 60, 'daily_readiness.contributors.hrv_balance': 76 });
  });

  it('when Polar is connected then the backfill asks only for the ~30 days Polar serves', async () => {
    w.polar.recharges = [polarRecharge(addDays(TODAY, -1), { hr: 52, hrv: 61, status: 4, ans: 3.1 })];
    const a = await w.athleteWith('Polar', { polar: w.polarTokens() });
    const { ingest } = w.service();
    const r = await ingest.ingestAthlete(a);
    expect(r.providers[0]).toMatchObject({ provider: 'polar', outcome: 'ok', from: addDays(TODAY, -29), windowsPlanned: 1, daysWritten: 1 });
    expect(w.polar.server.requestsTo('/v3/users/nightly-recharge')).toHaveLength(1);
    expect((await w.h.deps.dailyMetrics.get(a, addDays(TODAY, -1)))?.fields.hrvRmssd).toEqual({ value: 61, source: 'polar' });
  });
});

describe('incremental sync', () => {
  it('when the next night comes then only the new day and the two already-synced days before it are fetched, and late revisions land', async () => {
    w.oura.data.daily_readiness = [ouraReadiness('2026-11-10', 70), ouraReadiness('2026-11-21', 71), ouraReadiness(TODAY, 72)];
    const a = await w.athleteWith('Nightly', { oura: w.ouraTokens() });
    const { ingest } = w.service({ backfillDays: 60 });
    await ingest.ingestAthlete(a);
    expect(await cursorOf(a, 'oura')).toBe(TODAY);

    // Overnight Oura revises yesterday and today, adds tomorrow, and (outside the overlap) an old day.
    w.oura.data.daily_readiness = [ouraReadiness('2026-11-10', 10), ouraReadiness('2026-11-21', 81), ouraReadiness(TODAY, 82), ouraReadiness('2026-11-23', 83)];
    w.oura.server.requests.length = 0;
    w.h.clock.set('2026-11-23T07:00:00Z');
    const r = await ingest.ingestAthlete(a);

    expect(r.providers[0]).toMatchObject({ outcome: 'ok', from: '2026-11-21', to: '2026-11-23', windowsPlanned: 1, daysWritten: 3, cursor: '2026-11-23' });
    expect(readinessRequests()).toEqual([{ start: '2026-11-20', end: '2026-11-24', page: null }]);
    const value = async (d: string) => (await w.h.deps.dailyMetrics.get(a, d))?.fields.readiness?.value;
    expect(await value('2026-11-21')).toBe(81);
    expect(await value(TODAY)).toBe(82);
    expect(await value('2026-11-23')).toBe(83);
    expect(await value('2026-11-10')).toBe(70); // not re-fetched
    expect((await w.h.deps.connections.get(a, 'oura'))?.lastSyncAt?.toISOString()).toBe('2026-11-23T07:00:00.000Z');
  });

  it('when the same night is ingested twice, or the whole history again, then the stored documents are identical', async () => {
    w.oura.data.daily_readiness = [ouraReadiness('2026-11-01', 70), ouraReadiness('2026-11-21', 71), ouraReadiness(TODAY, 72)];
    w.oura.data.sleep = [ouraSleep({ id: 's1', day: TODAY, bedtime_start: '2026-11-21T22:40:00+00:00', bedtime_end: '2026-11-22T06:35:00+00:00', average_hrv: 55 })];
    w.intervals.wellness = [intervalsWellness('2026-11-21', { restingHR: 44, hrv: 70, sleepSecs: 27000 })];
    const a = await w.athleteWith('Twice', { oura: w.ouraTokens(), intervals: w.intervalsKey() });
    const { ingest } = w.service({ backfillDays: 40 });

    await ingest.ingestAthlete(a);
    const once = await storedDays(a);
    await ingest.ingestAthlete(a);
    const twice = await storedDays(a);
    await w.h.deps.connections.patch(a, 'oura', { syncCursor: null });
    await w.h.deps.connections.patch(a, 'intervals', { syncCursor: null });
    await ingest.ingestAthlete(a);
    const again = await storedDays(a);

    expect(once.map((d) => d.date)).toEqual(['2026-11-01', '2026-11-21', TODAY]);
    expect(twice).toEqual(once);
    expect(again).toEqual(once);
    const merged = await w.h.deps.dailyMetrics.get(a, '2026-11-21');
    expect(merged?.sources.map((s) => s.source).sort()).toEqual(['intervals', 'oura']);
    expect(merged?.fields.restingHr).toEqual({ value: 44, source: 'intervals' });
  });
});

describe('isolation', () => {
  it('when one provider answers 500, one times out and one rejects the token, then every other athlete and connection is still ingested', async () => {
    w.oura.data.daily_readiness = [ouraReadiness(TODAY, 77)];
    w.intervals.server.fail({ path: '/api/v1/athlete/', status: 500, times: 50 });
    w.whoop.server.fail({ path: '/developer/v2/', delayMs: 5_000, times: 4 });
    const healthy = await w.athleteWith('Healthy', { oura: w.ouraTokens() });
    const down = await w.athleteWith('Down', { intervals: w.intervalsKey() });
    const slow = await w.athleteWith('Slow', { whoop: w.whoopTokens() });
    const revoked = await w.athleteWith('Revoked', { polar: { accessToken: 'polar-no-longer-valid', kind: 'bearer' } });
    const mixed = await w.athleteWith('Mixed', { oura: w.ouraTokens(), intervals: w.intervalsKey() });
    const { ingest } = w.service({ backfillDays: 3 });

    const s = await ingest.ingestAll([down, slow, revoked, healthy, mixed], { concurrency: 2 });

    const outcome = (id: string) => Object.fromEntries(s.results.find((r) => r.athleteId === id)!.providers.map((p) => [p.provider, p.outcome]));
    expect(outcome(healthy)).toEqual({ oura: 'ok' });
    expect(outcome(down)).toEqual({ intervals: 'failed' });
    expect(outcome(slow)).toEqual({ whoop: 'failed' });
    expect(outcome(revoked)).toEqual({ polar: 'needs_reauth' });
    expect(outcome(mixed)).toEqual({ oura: 'ok', intervals: 'failed' });
    expect(s.results.find((r) => r.athleteId === slow)!.providers[0]!.error?.code).toBe('PROVIDER.TIMEOUT');
    expect(s.results.find((r) => r.athleteId === down)!.providers[0]!.error?.code).toBe('PROVIDER.UNAVAILABLE');
    expect(s).toMatchObject({ athletes: 5, athletesOk: 1, athletesFailed: 4, daysWritten: 2 });
    expect(s.providers).toMatchObject({ oura: { ok: 2, daysWritten: 2 }, intervals: { failed: 2 }, whoop: { failed: 1 }, polar: { needsReauth: 1 } });
    expect(await storedDates(healthy)).toEqual([TODAY]);
    expect(await storedDates(mixed)).toEqual([TODAY]);
    expect(await cursorOf(mixed, 'oura')).toBe(TODAY);
    expect(await cursorOf(mixed, 'intervals')).toBeUndefined();
    expect(await cursorOf(down, 'intervals')).toBeUndefined();
  });

  it('when the job is stopped before it starts then no athlete is fetched and the summary says it was aborted', async () => {
    w.oura.data.daily_readiness = [ouraReadiness(TODAY, 77)];
    const a = await w.athleteWith('Stopped', { oura: w.ouraTokens() });
    const { ingest } = w.service({ backfillDays: 2 });
    const stop = new AbortController();
    stop.abort();
    const s = await ingest.ingestAll([a], { signal: stop.signal });
    expect(s).toMatchObject({ aborted: true, athletes: 0, results: [] });
    expect(w.oura.server.requests).toHaveLength(0);
    expect(await storedDates(a)).toEqual([]);
  });

  it('when an athlete id is unknown then the batch reports it and carries on', async () => {
    w.oura.data.daily_readiness = [ouraReadiness(TODAY, 77)];
    const a = await w.athleteWith('Known', { oura: w.ouraTokens() });
    const { ingest } = w.service({ backfillDays: 2 });
    const s = await ingest.ingestAll(['no-such-athlete', a]);
    expect(s.results.map((r) => [r.athleteId, r.ok, r.error?.code])).toEqual([
      ['no-such-athlete', false, 'ATHLETE.NOT_FOUND'],
      [a, true, undefined],
    ]);
    expect(await storedDates(a)).toEqual([TODAY]);
  });
});

describe('authorization lost', () => {
  it('when the grant is revoked then the connection is needs_reauth and the athlete is told exactly once, even by two processes at the same time', async () => {
    const tokens = w.ouraTokens();
    const a = await w.athleteWith('Gone', { oura: tokens });
    w.oura.auth.expire(tokens.accessToken);
    w.oura.auth.validRefresh.delete(tokens.refreshToken!); // refresh → invalid_grant
    const one = w.service({ backfillDays: 2 });
    const two = w.service({ backfillDays: 2 });

    const [r1, r2] = await Promise.all([one.ingest.ingestAthlete(a), two.ingest.ingestAthlete(a)]);
    const again = await one.ingest.ingestAll([a]);

    expect([r1.providers[0]?.outcome, r2.providers[0]?.outcome]).toEqual(['needs_reauth', 'needs_reauth']);
    expect(again.results[0]!.providers).toEqual([]); // not active any more: not even attempted
    const conn = await w.h.deps.connections.get(a, 'oura');
    expect(conn?.status).toBe('needs_reauth');
    expect(conn?.needsReauthNotifiedAt).toBeInstanceOf(Date);
    const told = w.h.notifier.events.filter((e) => e.type === 'connection.needs_reauth');
    expect(told).toEqual([{ type: 'connection.needs_reauth', athleteId: a, provider: 'oura', reason: expect.any(String) }]);
    expect(await storedDates(a)).toEqual([]);
  });

  it('when the athlete connects again after a needs_reauth then a later loss is told again', async () => {
    const a = await w.athleteWith('Twice gone', { polar: { accessToken: 'polar-stale-1', kind: 'bearer' } });
    const { ingest } = w.service({ backfillDays: 2 });
    await ingest.ingestAthlete(a);
    await w.h.core.connectProvider(a, 'polar', { accessToken: 'polar-stale-2', kind: 'bearer' }, []);
    await ingest.ingestAthlete(a);
    expect(w.h.notifier.events.filter((e) => e.type === 'connection.needs_reauth' && e.athleteId === a)).toHaveLength(2);
  });

  it('when an access token has expired but the refresh token is good then the ingest refreshes, succeeds and stores the rotated tokens', async () => {
    w.oura.data.daily_readiness = [ouraReadiness(TODAY, 64)];
    const tokens = w.ouraTokens();
    const a = await w.athleteWith('Refresh', { oura: tokens });
    w.oura.auth.expire(tokens.accessToken);
    const { ingest } = w.service({ backfillDays: 2 });
    const r = await ingest.ingestAthlete(a);
    expect(r.providers[0]?.outcome).toBe('ok');
    const conn = await w.h.deps.connections.get(a, 'oura');
    expect(conn?.status).toBe('active');
    expect(conn?.tokens.refreshToken).not.toBe(tokens.refreshToken);
    expect(w.h.notifier.events).toEqual([]);
  });
});

describe('malformed vendor data', () => {
  it('when a vendor answer is malformed then nothing of that range is written, the cursor stays, it is logged with provider and range, and the next run catches up', async () => {
    w.oura.data.daily_readiness = [ouraReadiness('2026-11-21', 71), ouraReadiness(TODAY, 72)];
    const a = await w.athleteWith('Garbled', { oura: w.ouraTokens() });
    await w.h.deps.connections.patch(a, 'oura', { syncCursor: '2026-11-20' });
    w.oura.server.fail({ path: '/v2/usercollection/workout', malformed: true, times: 1 });
    const { ingest, log } = w.service();

    const r = await ingest.ingestAthlete(a);

    expect(r.providers[0]).toMatchObject({
      outcome: 'malformed',
      windowsWritten: 0,
      daysWritten: 0,
      error: { code: 'PROVIDER.MALFORMED_RESPONSE', from: '2026-11-19', to: TODAY },
    });
    expect(await storedDates(a)).toEqual([]);
    expect(await cursorOf(a, 'oura')).toBe('2026-11-20');
    expect(log.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', obj: expect.objectContaining({ athleteId: a, provider: 'oura', from: '2026-11-19', to: TODAY, code: 'PROVIDER.MALFORMED_RESPONSE' }) }),
    );

    const next = await ingest.ingestAthlete(a);
    expect(next.providers[0]).toMatchObject({ outcome: 'ok', daysWritten: 2, cursor: TODAY });
    expect(await storedDates(a)).toEqual(['2026-11-21', TODAY]);
  });

  it('when a backfill window holds malformed data then the earlier windows stay written, the cursor stops before it and the next run resumes there', async () => {
    // one bad document is skipped on its own now (per-document validation); a garbled answer still fails its window
    w.oura.data.daily_readiness = [ouraReadiness(addDays(TODAY, -99), 40), ouraReadiness(addDays(TODAY, -70), 41), ouraReadiness(addDays(TODAY, -45), 50), ouraReadiness(TODAY, 42)];
    const inThirdWindow = addDays(TODAY, -45);
    const covers = (q: URLSearchParams) => (q.get('start_date') ?? '') <= inThirdWindow && (q.get('end_date') ?? '').slice(0, 10) >= inThirdWindow;
    w.oura.server.fail({ path: '/v2/usercollection/daily_readiness', query: covers, malformed: true, times: 1 });
    const a = await w.athleteWith('Stuck', { oura: w.ouraTokens() });
    const { ingest } = w.service({ backfillDays: 100, windowDays: 20 });

    const r = await ingest.ingestAthlete(a);

    const secondWindowEnd = addDays(TODAY, -60);
    expect(r.providers[0]).toMatchObject({ outcome: 'malformed', windowsPlanned: 5, windowsWritten: 2, daysWritten: 2, cursor: secondWindowEnd });
    expect(r.providers[0]!.error).toMatchObject({ from: addDays(TODAY, -59), to: addDays(TODAY, -40) });
    expect(await storedDates(a)).toEqual([addDays(TODAY, -99), addDays(TODAY, -70)]);
    expect(await cursorOf(a, 'oura')).toBe(secondWindowEnd);

    const next = await ingest.ingestAthlete(a);
    expect(next.providers[0]).toMatchObject({ outcome: 'ok', from: addDays(secondWindowEnd, -1), windowsWritten: 4, cursor: TODAY });
    expect(await storedDates(a)).toEqual([addDays(TODAY, -99), addDays(TODAY, -70), addDays(TODAY, -45), TODAY]);
  });
});

describe('rate limits', () => {
  it('when a vendor asks to wait an hour then that provider is held for every athlete, other providers run, nothing is lost and the summary says when to retry', async () => {
    w.oura.data.daily_readiness = [ouraReadiness(TODAY, 70)];
    w.intervals.wellness = [intervalsWellness(TODAY, { restingHR: 45 })];
    w.oura.server.fail({ path: '/v2/usercollection/', status: 429, headers: { 'retry-after': '3600' }, times: 1 });
    const first = await w.athleteWith('Limited', { oura: w.ouraTokens() });
    const second = await w.athleteWith('Held', { oura: w.ouraTokens(), intervals: w.intervalsKey() });
    const { ingest, sleeps } = w.service({ backfillDays: 2 });

    const s = await ingest.ingestAll([first, second], { concurrency: 1 });

    const retryAt = new Date(Date.parse('2026-11-22T07:00:00Z') + 3_600_000);
    expect(s.results[0]!.providers).toEqual([expect.objectContaining({ provider: 'oura', outcome: 'rate_limited', retryAt })]);
    expect(s.results[1]!.providers.map((p) => [p.provider, p.outcome])).toEqual([
      ['oura', 'deferred'],
      ['intervals', 'ok'],
    ]);
    expect(w.oura.server.requestsTo('/v2/usercollection/')).toHaveLength(1); // the held provider was not called again
    expect(s).toMatchObject({ athletesOk: 0, athletesDeferred: 2, athletesFailed: 0, retryAt });
    expect(sleeps).toEqual([]); // an hour is longer than the in-run retry budget
    expect(await cursorOf(first, 'oura')).toBeUndefined();
    expect(await cursorOf(second, 'intervals')).toBe(TODAY);
  });

  it('when the wait is short then the batch waits exactly the Retry-After and fetches the postponed connections once more', async () => {
    w.oura.data.daily_readiness = [ouraReadiness(TODAY, 70)];
    w.oura.server.fail({ path: '/v2/usercollection/', status: 429, headers: { 'retry-after': '120' }, times: 1 });
    const a = await w.athleteWith('Short wait', { oura: w.ouraTokens() });
    const b = await w.athleteWith('Also waiting', { oura: w.ouraTokens() });
    const { ingest, sleeps } = w.service({ backfillDays: 2 });

    const s = await ingest.ingestAll([a, b], { concurrency: 1 });

    expect(sleeps).toEqual([120_000]);
    expect(s.results.map((r) => r.providers.map((p) => p.outcome))).toEqual([['ok'], ['ok']]);
    expect(s).toMatchObject({ athletesOk: 2, daysWritten: 2 });
    expect(await storedDates(a)).toEqual([TODAY]);
    expect(await storedDates(b)).toEqual([TODAY]);
  });
});

describe('webhook-triggered fetches', () => {
  it('when a vendor user id is known then onProviderEvent queues a fetch of that provider only; unknown users are reported', async () => {
    w.oura.data.daily_readiness = [ouraReadiness(TODAY, 70)];
    w.whoop.data.recovery = [whoopRecovery({ cycleId: 1, sleepId: 'x', createdAt: '2026-11-22T06:30:00Z', recovery: 66, rhr: 48, hrv: 80 })];
    const a = await w.athleteWith('Hooked', { oura: { ...w.ouraTokens(), externalUserId: 'oura-user-1' }, whoop: w.whoopTokens() });
    const { ingest } = w.service({ backfillDays: 2 });

    expect(await ingest.onProviderEvent('oura', 'someone-else')).toEqual({ status: 'unknown_user' });
    expect(await ingest.onProviderEvent('oura', 'oura-user-1')).toEqual({ status: 'queued', athleteId: a });
    await ingest.idle();

    expect(await storedDates(a)).toEqual([TODAY]);
    expect(await cursorOf(a, 'oura')).toBe(TODAY);
    expect(await cursorOf(a, 'whoop')).toBeUndefined();
    expect(w.whoop.server.requests).toHaveLength(0);
  });
});

describe('job adapters', () => {
  it('when the nightly job calls the AthleteIngest port then a clean run resolves with the days, a failed connection rejects for a retry and lost access does not', async () => {
    w.oura.data.daily_readiness = [ouraReadiness(TODAY, 70)];
    w.intervals.server.fail({ path: '/api/v1/athlete/', status: 503, times: 2 });
    const clean = await w.athleteWith('Clean', { oura: w.ouraTokens() });
    const failing = await w.athleteWith('Failing', { intervals: w.intervalsKey() });
    const lost = await w.athleteWith('Lost', { polar: { accessToken: 'polar-gone', kind: 'bearer' } });
    const port = athleteIngestPort(w.service({ backfillDays: 2 }).ingest);
    const now = w.h.clock.now();

    expect(await port.ingestAthlete(clean, { now, date: TODAY })).toEqual({ days: 1, sources: ['oura'] });
    const err = await port.ingestAthlete(failing, { now, date: TODAY }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngestIncompleteError);
    expect((err as Error).message).toContain('intervals:failed (PROVIDER.UNAVAILABLE)');
    expect(await port.ingestAthlete(lost, { now, date: TODAY })).toEqual({ days: 0, sources: [] });
  });

  it('when tokens are renewed ahead of expiry then good grants are refreshed and a dead one is marked and told once through the ingest service', async () => {
    const soon = Date.now() + 10 * 60_000;
    const good = { ...w.ouraTokens(), expiresAt: soon };
    const dead = { ...w.ouraTokens(), expiresAt: soon };
    w.oura.auth.validRefresh.delete(dead.refreshToken!);
    const later = { ...w.ouraTokens(), expiresAt: Date.now() + 48 * 3_600_000 };
    const a = await w.athleteWith('Renewed', { oura: good });
    const b = await w.athleteWith('Dead grant', { oura: dead });
    const c = await w.athleteWith('Not yet', { oura: later });
    let ingest: IngestService | undefined;
    const { sources, tokens } = createWearableSources(w.registry, w.store, {
      sleep: async () => {},
      onNeedsReauth: (athleteId, provider, reason) => ingest!.reportLostAccess(athleteId, provider, reason),
    });
    ingest = createIngestService({ ...w.h.deps, sources, ingestOptions: { backfillDays: 2 } });
    const renewal = createTokenRenewal({ connections: w.h.deps.connections, tokens, registry: w.registry });

    const r = await renewal.renewExpiring(new Date(Date.now() + 3_600_000), new Date());

    expect(r).toMatchObject({ renewed: 1, needsReauth: 1, failed: 0 });
    expect((await w.h.deps.connections.get(a, 'oura'))?.tokens.accessToken).not.toBe(good.accessToken);
    expect((await w.h.deps.connections.get(c, 'oura'))?.tokens.accessToken).toBe(later.accessToken);
    expect((await w.h.deps.connections.get(b, 'oura'))?.status).toBe('needs_reauth');
    await ingest.ingestAll([a, b, c]);
    expect(w.h.notifier.events.filter((e) => e.type === 'connection.needs_reauth')).toEqual([
      { type: 'connection.needs_reauth', athleteId: b, provider: 'oura', reason: expect.any(String) },
    ]);
  });
});
