import { describe, expect, it } from 'vitest';
import { athlete, coachWithTeam, datesBefore, ouraDays, useCore } from './support/harness.ts';

const h = useCore('2026-11-22T07:00:00Z');
const TODAY = '2026-11-22';

describe('prescribeForDay', () => {
  it('when eight calls for the same athlete-day run at once then exactly one prescription document exists and all return it', async () => {
    const a = await athlete(h, 'Racer');
    await h.core.recordSourceDays(a.personId, ouraDays(datesBefore(TODAY, 10)));
    h.engine.delayMs = 30; // widen the race window: all compute before any inserts
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => h.core.prescribeForDay(a.personId, TODAY)));
      const ids = new Set(results.map((r) => r.id));
      expect(ids.size).toBe(1);
      expect(results.filter((r) => r.outcome === 'created')).toHaveLength(1);
      expect(await h.db.connection.collection('prescriptions').countDocuments({ athleteId: a.personId, date: TODAY })).toBe(1);
    } finally {
      h.engine.delayMs = 0;
    }
  });

  it('when called again with the same inputs then the stored prescription is returned without asking the engine', async () => {
    const a = await athlete(h, 'Repeat');
    const first = await h.core.prescribeForDay(a.personId, TODAY);
    const calls = h.engine.requestCount;
    const second = await h.core.prescribeForDay(a.personId, TODAY);
    expect(second.outcome).toBe('unchanged');
    expect(second.id).toBe(first.id);
    expect(second.revision).toBe(1);
    expect(h.engine.requestCount).toBe(calls);
  });

  it('when the morning HRV arrives after the first call and nothing was delivered then it is recomputed in place', async () => {
    const a = await athlete(h, 'Late sync');
    await h.core.recordSourceDays(a.personId, ouraDays(datesBefore(TODAY, 14), () => ({ hrv: 70, rhr: 48, sleep: 8 })));
    const first = await h.core.prescribeForDay(a.personId, TODAY);
    expect(first.session.type).toBe('INTERVALS');
    await h.core.recordSourceDays(a.personId, ouraDays([TODAY], () => ({ hrv: 40, rhr: 58, sleep: 5 })));
    const second = await h.core.prescribeForDay(a.personId, TODAY);
    expect(second.outcome).toBe('recomputed');
    expect(second.id).toBe(first.id);
    expect(second.revision).toBe(2);
    expect(second.session.type).toBe('ACTIVE_RECOVERY');
    expect(second.inputsHash).not.toBe(first.inputsHash);
  });

  it('when inputs change after delivery then the delivered prescription is kept as the athlete saw it', async () => {
    const a = await athlete(h, 'Delivered');
    await h.core.recordSourceDays(a.personId, ouraDays(datesBefore(TODAY, 14), () => ({ hrv: 70 })));
    const first = await h.core.prescribeForDay(a.personId, TODAY);
    await h.core.recordDelivery(a.personId, TODAY, 'discord', { status: 'sent', revision: first.revision, messageRef: 'm1' });
    await h.core.recordSourceDays(a.personId, ouraDays([TODAY], () => ({ hrv: 30 })));
    const again = await h.core.prescribeForDay(a.personId, TODAY);
    expect(again.outcome).toBe('kept');
    expect(again.session).toEqual(first.session);
    expect(again.revision).toBe(1);
  });

  it('when a coach overrode the day then a recompute with new data keeps the override session and its record', async () => {
    const { coach, teamId } = await coachWithTeam(h, 'Coach O');
    const a = await athlete(h, 'Overridden', { teamId });
    await h.core.recordSourceDays(a.personId, ouraDays(datesBefore(TODAY, 14), () => ({ hrv: 70 })));
    const policyChoice = await h.core.prescribeForDay(a.personId, TODAY);
    expect(policyChoice.session.type).toBe('INTERVALS');
    const overridden = await h.core.applyOverride(coach, { athleteId: a.personId, date: TODAY, type: 'REST', reason: 'travel day' });
    expect(overridden.session.type).toBe('REST');
    expect(overridden.override).toMatchObject({ by: coach.personId, reason: 'travel day', previous: { type: 'INTERVALS' } });
    // new morning data changes the inputs; the day is not delivered, so it is recomputed…
    await h.core.recordSourceDays(a.personId, ouraDays([TODAY], () => ({ hrv: 75 })));
    const after = await h.core.prescribeForDay(a.personId, TODAY);
    // …but the override survives it.
    expect(after.session.type).toBe('REST');
    expect(after.override?.reason).toBe('travel day');
    expect(after.override?.by).toBe(coach.personId);
  });

  it('when the engine ignores an override then core still enforces the coach session', async () => {
    const { coach, teamId } = await coachWithTeam(h, 'Coach E');
    const a = await athlete(h, 'Enforced', { teamId });
    h.engine.ignoreOverrides = true;
    try {
      const p = await h.core.applyOverride(coach, { athleteId: a.personId, date: TODAY, type: 'ENDURANCE', minutes: 75, reason: 'long run' });
      expect(p.session).toMatchObject({ type: 'ENDURANCE', minutes: 75 });
      expect(p.policy).toMatch(/^override@/);
    } finally {
      h.engine.ignoreOverrides = false;
    }
  });

  it('when an active constraint applies then the engine receives it and the session respects it', async () => {
    const { coach, teamId } = await coachWithTeam(h, 'Coach C');
    const a = await athlete(h, 'Constrained', { teamId });
    await h.core.setConstraint(coach, { athleteId: a.personId, kind: 'no_high_intensity', reason: 'calf niggle' });
    const p = await h.core.prescribeForDay(a.personId, TODAY);
    expect(p.session.type).toBe('ENDURANCE');
    expect(p.mask.blocked.map((b) => b.type)).toEqual(expect.arrayContaining(['TEMPO', 'INTERVALS', 'STRENGTH']));
    const sent = h.engine.calls.at(-1)!.find((r) => r.athleteId === a.personId)!;
    expect(sent.constraints).toEqual([{ kind: 'no_high_intensity', from: TODAY, reason: 'calf niggle', by: 'your coach' }]);
  });

  it('when the history is built then today carries only morning readings and earlier days carry feedback', async () => {
    const a = await athlete(h, 'Historian');
    h.clock.set('2026-11-21T19:00:00Z');
    await h.core.recordSourceDays(a.personId, ouraDays(['2026-11-21'], () => ({ hrv: 61, load: 80 })));
    await h.core.recordFeedback(a, { date: '2026-11-21', rpe: 6, minutes: 55, completion: 'done' });
    h.clock.set('2026-11-22T07:00:00Z');
    await h.core.recordSourceDays(a.personId, ouraDays([TODAY], () => ({ hrv: 64, load: 100 })));
    await h.core.recordCheckin(a, { date: TODAY, sleepQuality: 4, fatigue: 3 });
    await h.core.prescribeForDay(a.personId, TODAY);
    const req = h.engine.calls.at(-1)!.find((r) => r.athleteId === a.personId)!;
    expect(req.history).toEqual([
      { date: '2026-11-21', hrvRmssd: 61, load: 80, rpe: 6, minutes: 55, completion: 'done' },
      { date: TODAY, hrvRmssd: 64, wellness: { sleepQuality: 4, fatigue: 3 } },
    ]);
  });

  it('when the athlete is paused then prescribeForDay refuses with ATHLETE.PAUSED and the batch skips them', async () => {
    const a = await athlete(h, 'Paused');
    await h.core.pauseAthlete(a);
    await expect(h.core.prescribeForDay(a.personId, TODAY)).rejects.toMatchObject({ code: 'ATHLETE.PAUSED' });
    const [r] = await h.core.prescribeMany([{ athleteId: a.personId, date: TODAY }]);
    expect(r).toMatchObject({ outcome: 'skipped' });
  });

  it('when the date is not a calendar date then it is refused with the value cited', async () => {
    const a = await athlete(h, 'Bad date');
    await expect(h.core.prescribeForDay(a.personId, '2026-02-30')).rejects.toMatchObject({
      code: 'VALIDATION.DATE_INVALID',
      userMessage: 'Date must be a calendar date like 2026-11-22; you sent "2026-02-30"',
    });
  });

  it('when the engine fails then the batch reports failures per athlete and nothing is stored', async () => {
    const a = await athlete(h, 'Engine down');
    h.engine.failNext = new Error('tf crashed');
    const [r] = await h.core.prescribeMany([{ athleteId: a.personId, date: TODAY }]);
    expect(r).toMatchObject({ outcome: 'failed', error: { code: 'PRESCRIPTION.ENGINE_FAILED' } });
    expect(await h.deps.prescriptions.get(a.personId, TODAY)).toBeNull();
  });
});

describe('prescribeMany (the morning batch)', () => {
  it('when 120 athletes are prescribed in chunks of 50 then each gets one prescription with one engine call per chunk', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) ids.push((await athlete(h, `Batch ${i}`)).personId);
    h.deps.options = { chunkSize: 50 };
    try {
      const before = h.engine.calls.length;
      const results = await h.core.prescribeMany(ids.map((athleteId) => ({ athleteId, date: '2026-11-23' })));
      expect(results).toHaveLength(120);
      expect(results.every((r) => r.outcome === 'created')).toBe(true);
      expect(h.engine.calls.length - before).toBe(3);
      expect(await h.db.connection.collection('prescriptions').countDocuments({ date: '2026-11-23' })).toBe(120);
      // and a second run changes nothing
      const again = await h.core.prescribeMany(ids.map((athleteId) => ({ athleteId, date: '2026-11-23' })));
      expect(new Set(again.map((r) => r.outcome))).toEqual(new Set(['unchanged']));
      expect(h.engine.calls.length - before).toBe(3);
    } finally {
      h.deps.options = {};
    }
  });

  it('when one athlete is unknown then the others are still prescribed', async () => {
    const a = await athlete(h, 'Known');
    const results = await h.core.prescribeMany([
      { athleteId: 'no-such-athlete', date: TODAY },
      { athleteId: a.personId, date: TODAY },
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['failed', 'created']);
    expect(results[0]!.error?.code).toBe('ATHLETE.NOT_FOUND');
  });
});

describe('approval mode', () => {
  it('when the team requires approval then the athlete sees nothing until a coach approves, then sees the session', async () => {
    const { coach, teamId } = await coachWithTeam(h, 'Coach A', { approvalMode: true });
    const a = await athlete(h, 'Awaiting', { teamId });
    const b = await athlete(h, 'Awaiting too', { teamId });
    const p = await h.core.prescribeForDay(a.personId, TODAY);
    await h.core.prescribeForDay(b.personId, TODAY);
    expect(p.approval.state).toBe('pending');
    expect(await h.core.sessionFor(a, a.personId, TODAY)).toEqual({ status: 'awaiting_approval', date: TODAY });
    expect((await h.core.sessionFor(coach, a.personId, TODAY)).status).toBe('ready');
    expect(await h.core.deliverablePrescriptions([{ athleteId: a.personId, date: TODAY }])).toEqual([]);

    const res = await h.core.approvePrescriptions(coach, { teamId, date: TODAY, athleteId: a.personId });
    expect(res.approved.map((x) => x.athleteId)).toEqual([a.personId]);
    const seen = await h.core.sessionFor(a, a.personId, TODAY);
    expect(seen.status).toBe('ready');
    expect(seen.status === 'ready' && seen.prescription.approval).toMatchObject({ state: 'approved', by: coach.personId });
    // b is still pending; approve all pending of the day
    expect((await h.core.sessionFor(b, b.personId, TODAY)).status).toBe('awaiting_approval');
    const all = await h.core.approvePrescriptions(coach, { teamId, date: TODAY });
    expect(all.approved.map((x) => x.athleteId)).toEqual([b.personId]);
    expect(h.notifier.events.filter((e) => e.type === 'prescription.approved').map((e) => e.athleteId)).toEqual(expect.arrayContaining([a.personId, b.personId]));
  });

  it('when approval mode is off then prescriptions need no approval and are deliverable at once', async () => {
    const { teamId } = await coachWithTeam(h, 'Coach Off');
    const a = await athlete(h, 'Free', { teamId });
    const p = await h.core.prescribeForDay(a.personId, TODAY);
    expect(p.approval.state).toBe('not_required');
    expect((await h.core.deliverablePrescriptions([{ athleteId: a.personId, date: TODAY }])).map((x) => x.id)).toEqual([p.id]);
  });

  it('when an approved prescription gets new inputs then it is kept, not silently changed under the coach', async () => {
    const { coach, teamId } = await coachWithTeam(h, 'Coach K', { approvalMode: true });
    const a = await athlete(h, 'Approved', { teamId });
    await h.core.recordSourceDays(a.personId, ouraDays(datesBefore(TODAY, 14), () => ({ hrv: 70 })));
    await h.core.prescribeForDay(a.personId, TODAY);
    await h.core.approvePrescriptions(coach, { teamId, date: TODAY });
    await h.core.recordSourceDays(a.personId, ouraDays([TODAY], () => ({ hrv: 30 })));
    const again = await h.core.prescribeForDay(a.personId, TODAY);
    expect(again.outcome).toBe('kept');
    expect(again.session.type).toBe('INTERVALS');
  });
});
