import { describe, expect, it } from 'vitest';
import { classifyIngestError, planIngestRange, summarize, ingestSummaryForLog, type AthleteIngestResult } from '../../../src/core/ingest.use-case.ts';
import { AppError } from '../../../src/errors.ts';
import { ProviderError } from '../../../src/wearables/errors.ts';

const opts = { backfillDays: 730, overlapDays: 2, windowDays: 30 };

describe('planIngestRange', () => {
  it('when there is no cursor then the range is the last backfillDays including today, in contiguous windows oldest first', () => {
    const p = planIngestRange({ cursor: undefined, today: '2026-11-22' }, opts);
    expect(p).toMatchObject({ from: '2024-11-23', to: '2026-11-22', backfill: true });
    expect(p.windows).toHaveLength(25);
    expect(p.windows[0]).toEqual({ from: '2024-11-23', to: '2024-12-22' });
    expect(p.windows.at(-1)).toEqual({ from: '2026-11-13', to: '2026-11-22' }); // 730 = 24 × 30 + 10
    for (let i = 1; i < p.windows.length; i++) {
      const prevEnd = Date.parse(p.windows[i - 1]!.to);
      expect(Date.parse(p.windows[i]!.from) - prevEnd).toBe(86_400_000);
    }
  });

  it('when there is a cursor then the range starts overlapDays − 1 before it, so the last two synced days are fetched again', () => {
    expect(planIngestRange({ cursor: '2026-11-22', today: '2026-11-23' }, opts)).toMatchObject({ from: '2026-11-21', to: '2026-11-23', backfill: false, windows: [{ from: '2026-11-21', to: '2026-11-23' }] });
    expect(planIngestRange({ cursor: '2026-11-22', today: '2026-11-23' }, { ...opts, overlapDays: 1 }).from).toBe('2026-11-22');
  });

  it('when the cursor is ahead of today (zone change) then the overlap is counted back from today', () => {
    expect(planIngestRange({ cursor: '2026-11-25', today: '2026-11-23' }, opts)).toMatchObject({ from: '2026-11-22', to: '2026-11-23' });
  });

  it('when the cursor is older than the backfill or the vendor serves less history then the range is clamped', () => {
    expect(planIngestRange({ cursor: '2020-01-01', today: '2026-11-22' }, opts).from).toBe('2024-11-23');
    expect(planIngestRange({ cursor: undefined, today: '2026-11-22', historyDays: 30 }, opts)).toMatchObject({ from: '2026-10-24', windows: [{ from: '2026-10-24', to: '2026-11-22' }] });
    expect(planIngestRange({ cursor: '2026-11-21', today: '2026-11-22', historyDays: 30 }, opts).from).toBe('2026-11-20');
  });

  it('when the cursor is not a date then it is treated as no cursor', () => {
    expect(planIngestRange({ cursor: 'next-token-xyz', today: '2026-11-22' }, { ...opts, backfillDays: 10 })).toMatchObject({ from: '2026-11-13', backfill: true });
  });
});

describe('classifyIngestError', () => {
  it('when a provider error arrives then its code decides the class, and a rate limit carries its Retry-After', () => {
    const kind = (code: ConstructorParameters<typeof ProviderError>[0]) => classifyIngestError(new ProviderError(code, 'oura', 'x')).kind;
    expect(kind('PROVIDER.NEEDS_REAUTH')).toBe('auth');
    expect(kind('PROVIDER.INVALID_GRANT')).toBe('auth');
    expect(kind('PROVIDER.FORBIDDEN')).toBe('auth');
    expect(kind('PROVIDER.UNAUTHORIZED')).toBe('auth');
    expect(kind('PROVIDER.MALFORMED_RESPONSE')).toBe('malformed');
    expect(kind('PROVIDER.TIMEOUT')).toBe('transient');
    expect(kind('PROVIDER.UNAVAILABLE')).toBe('transient');
    expect(kind('PROVIDER.NOT_CONNECTED')).toBe('not_connected');
    expect(kind('PROVIDER.BAD_REQUEST')).toBe('other');
    // Oura's lapsed membership: our access still stands — no needs-reauth, no "reconnect" prompt.
    expect(kind('PROVIDER.MEMBERSHIP_EXPIRED')).toBe('other');
    expect(classifyIngestError(new ProviderError('PROVIDER.RATE_LIMITED', 'whoop', 'x', { retryAfterMs: 37_000 }))).toEqual({ kind: 'rate_limited', code: 'PROVIDER.RATE_LIMITED', retryAfterMs: 37_000 });
    expect(classifyIngestError(new ProviderError('PROVIDER.RATE_LIMITED', 'whoop', 'x'))).toEqual({ kind: 'rate_limited', code: 'PROVIDER.RATE_LIMITED' });
    expect(classifyIngestError(new AppError('RECORD.BUSY', 'busy'))).toEqual({ kind: 'other', code: 'RECORD.BUSY' });
    expect(classifyIngestError(new TypeError('boom'))).toEqual({ kind: 'other', code: 'INTERNAL' });
  });
});

describe('summary', () => {
  const run = (provider: 'oura' | 'polar', outcome: AthleteIngestResult['providers'][number]['outcome'], days = 0, retryAt?: Date) => ({
    provider,
    outcome,
    from: '2026-11-20',
    to: '2026-11-22',
    windowsPlanned: 1,
    windowsWritten: outcome === 'ok' ? 1 : 0,
    daysWritten: days,
    ...(retryAt ? { retryAt } : {}),
  });

  it('when results are summarised then athletes are ok, failed or deferred and providers are tallied for the job log', () => {
    const later = new Date('2026-11-22T08:00:00Z');
    const s = summarize([
      { athleteId: 'a', ok: true, deferred: false, providers: [run('oura', 'ok', 3)] },
      { athleteId: 'b', ok: false, deferred: false, providers: [run('oura', 'ok', 2), run('polar', 'needs_reauth')] },
      { athleteId: 'c', ok: true, deferred: true, providers: [run('oura', 'rate_limited', 0, later)] },
      { athleteId: 'd', ok: false, deferred: false, providers: [], error: { code: 'ATHLETE.NOT_FOUND', message: 'x' } },
    ]);
    expect(s).toMatchObject({ athletes: 4, athletesOk: 1, athletesFailed: 2, athletesDeferred: 1, daysWritten: 5, retryAt: later });
    expect(ingestSummaryForLog(s)).toEqual({
      athletes: 4,
      athletesOk: 1,
      athletesFailed: 2,
      athletesDeferred: 1,
      daysWritten: 5,
      aborted: false,
      retryAt: '2026-11-22T08:00:00.000Z',
      'oura.ok': 2,
      'oura.rateLimited': 1,
      'oura.daysWritten': 5,
      'polar.needsReauth': 1,
    });
  });
});
