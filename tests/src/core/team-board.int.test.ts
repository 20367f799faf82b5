import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/types.ts';
import type { TeamBoard } from '../../../src/core/team-board.use-case.ts';
import { athlete, coachWithTeam, datesBefore, ouraDays, useCore } from './support/harness.ts';

const h = useCore('2026-11-22T07:00:00Z');
const TODAY = '2026-11-22';
const DAYS = datesBefore(TODAY, 60).concat(TODAY);

let coach: Actor;
let teamId: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  ({ coach, teamId } = await coachWithTeam(h, 'Board coach', { approvalMode: true }));
  for (const name of ['Steady', 'Spiker', 'Drained', 'Silent', 'Unprescribed']) ids[name] = (await athlete(h, name, { teamId })).personId;
  const wobble = (i: number) => 60 + ((i * 7) % 5) - 2;
  // Steady: stable HRV, sleep, resting HR and load; checks in today
  await h.core.recordSourceDays(ids.Steady!, ouraDays(DAYS, (i) => ({ hrv: wobble(i), rhr: 48, sleep: 7.6, load: i % 7 === 0 ? 0 : 60 })));
  // Spiker: 53 easy days, then a week of big loads → ACWR ≥ 1.5
  await h.core.recordSourceDays(ids.Spiker!, ouraDays(DAYS, (i) => ({ hrv: wobble(i), rhr: 48, sleep: 7.5, load: i < 53 ? 40 : 220 })));
  // Drained: HRV falls well below the normal band in the last week
  await h.core.recordSourceDays(ids.Drained!, ouraDays(DAYS, (i) => ({ hrv: i < 54 ? wobble(i) : 42, rhr: 48, sleep: 7.5, load: 50 })));
  // Silent: data stopped five days ago
  await h.core.recordSourceDays(ids.Silent!, ouraDays(DAYS.slice(0, 56), (i) => ({ hrv: wobble(i), rhr: 48, sleep: 7.5, load: 50 })));
  // Unprescribed: data but no prescription today (state computed from history); slept 4.5 h
  await h.core.recordSourceDays(ids.Unprescribed!, ouraDays(DAYS, (i) => ({ hrv: wobble(i), rhr: 48, sleep: i === 60 ? 4.5 : 7.5, load: 50 })));
  await h.core.recordCheckin({ personId: ids.Steady!, platform: 'discord' }, { date: TODAY, sleepQuality: 4, fatigue: 4 });
  await h.core.prescribeMany(['Steady', 'Spiker', 'Drained', 'Silent'].map((n) => ({ athleteId: ids[n]!, date: TODAY })));
});

const row = (b: TeamBoard, name: string) => b.rows.find((r) => r.displayName === name)!;

describe('teamBoard', () => {
  it('when the coach opens the board then each athlete has a band with reasons, today’s session and flags', async () => {
    const b = await h.core.teamBoard(coach, teamId, TODAY);
    expect(b.rows.map((r) => r.displayName).sort()).toEqual(['Drained', 'Silent', 'Spiker', 'Steady', 'Unprescribed']);

    const steady = row(b, 'Steady');
    expect(steady.readiness.band).toBe('green');
    expect(steady.stateFrom).toBe('prescription');
    expect(steady.session).not.toBeNull();
    expect(steady.flags).toEqual(['AWAITING_APPROVAL']);

    const spiker = row(b, 'Spiker');
    expect(spiker.readiness.band).toBe('red');
    expect(spiker.readiness.reasons.join(' ')).toMatch(/ACWR \d+(\.\d+)? ≥ 1\.5/);
    expect(spiker.flags).toEqual(expect.arrayContaining(['ACWR_HIGH', 'NO_CHECKIN_TODAY']));

    const drained = row(b, 'Drained');
    expect(drained.readiness.band).not.toBe('green');
    expect(drained.readiness.reasons.join(' ')).toMatch(/HRV z -\d/);
    expect(drained.flags).toContain('HRV_BELOW_BAND');

    const silent = row(b, 'Silent');
    expect(silent.flags).toContain('NO_DATA_3_DAYS');
    expect(silent.readiness).toMatchObject({
      band: 'amber',
      reasons: ['no morning readings today (HRV, resting HR or sleep)', 'no wearable data since 2026-11-17 (5 days)'],
    });

    const unprescribed = row(b, 'Unprescribed');
    expect(unprescribed.stateFrom).toBe('history');
    expect(unprescribed.session).toBeNull();
    expect(unprescribed.readiness).toMatchObject({ band: 'red', reasons: expect.arrayContaining(['slept 4.5 h (< 5 h)']) });
  });

  it('when rows are listed then red comes first and green last', async () => {
    const bands = (await h.core.teamBoard(coach, teamId, TODAY)).rows.map((r) => r.readiness.band);
    const rank = { red: 0, amber: 1, green: 2 } as const;
    expect([...bands].sort((a, b) => rank[a] - rank[b])).toEqual(bands);
  });

  it('when a prescription was overridden then the board shows the coach session and marks it', async () => {
    await h.core.applyOverride(coach, { athleteId: ids.Spiker!, date: TODAY, type: 'REST', reason: 'ACWR spike' });
    const spiker = row(await h.core.teamBoard(coach, teamId, TODAY), 'Spiker');
    expect(spiker.session?.type).toBe('REST');
    expect(spiker.overridden).toBe(true);
    expect(spiker.flags).not.toContain('AWAITING_APPROVAL');
  });

  it('when no date is given then the coach’s local today is used', async () => {
    expect((await h.core.teamBoard(coach, teamId)).date).toBe(TODAY);
  });
});
