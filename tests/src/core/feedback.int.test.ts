import { describe, expect, it } from 'vitest';
import { CalibratingTwinUpdater } from '../../../src/core/twin-updater.ts';
import { athlete, datesBefore, ouraDays, useCore } from './support/harness.ts';

const h = useCore('2026-11-22T18:00:00Z');
const TODAY = '2026-11-22';

describe('recordFeedback / recordCheckin / recordTestResult', () => {
  it.each([
    [{ rpe: 15 }, 'FEEDBACK.RPE_OUT_OF_RANGE', 'RPE must be 1–10; you sent 15'],
    [{ rpe: 0 }, 'FEEDBACK.RPE_OUT_OF_RANGE', 'RPE must be 1–10; you sent 0'],
    [{ rpe: 6.5 }, 'FEEDBACK.RPE_OUT_OF_RANGE', 'RPE must be a whole number 1–10; you sent 6.5'],
    [{ minutes: 900 }, 'FEEDBACK.MINUTES_OUT_OF_RANGE', 'Minutes must be 0–600; you sent 900'],
    [{ soreness: 6 }, 'FEEDBACK.SORENESS_OUT_OF_RANGE', 'Soreness must be 1–5; you sent 6'],
    [{ completion: 'mostly' }, 'FEEDBACK.COMPLETION_INVALID', 'Completion must be done, partial or skipped; you sent "mostly"'],
    [{ notes: 'x'.repeat(1200) }, 'FEEDBACK.NOTES_TOO_LONG', 'Notes can be at most 1000 characters; yours has 1200'],
    [{}, 'FEEDBACK.EMPTY', 'There was nothing in your feedback. Send at least an RPE, minutes or how it went.'],
  ])('when feedback is %j then it is refused with %s and an exact message', async (input, code, message) => {
    const a = await athlete(h, 'Validator');
    await expect(h.core.recordFeedback(a, { date: TODAY, ...(input as object) })).rejects.toMatchObject({ code, userMessage: message });
    expect(await h.deps.feedback.get(a.personId, TODAY, 'main')).toBeNull();
  });

  it('when a check-in item is out of range then the message names the item', async () => {
    const a = await athlete(h, 'Checkin validator');
    await expect(h.core.recordCheckin(a, { date: TODAY, sleepQuality: 4, stress: 9 })).rejects.toMatchObject({
      code: 'FEEDBACK.WELLNESS_OUT_OF_RANGE',
      userMessage: 'Stress must be 1–5; you sent 9',
    });
  });

  it('when the same session is submitted twice then the second edits the first and no duplicate exists', async () => {
    const a = await athlete(h, 'Editor');
    const first = await h.core.recordFeedback(a, { date: TODAY, rpe: 6, minutes: 50, completion: 'done' });
    const second = await h.core.recordFeedback(a, { date: TODAY, rpe: 8, notes: 'legs heavy' });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.feedback.id).toBe(first.feedback.id);
    expect(second.feedback).toMatchObject({ rpe: 8, minutes: 50, completion: 'done', notes: 'legs heavy', editCount: 1 });
    expect(await h.db.connection.collection('feedback').countDocuments({ athleteId: a.personId })).toBe(1);
  });

  it('when six submissions for the same day race then one document holds them', async () => {
    const a = await athlete(h, 'Racer');
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((rpe) => h.core.recordFeedback(a, { date: TODAY, rpe })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await h.db.connection.collection('feedback').countDocuments({ athleteId: a.personId })).toBe(1);
    expect((await h.deps.feedback.get(a.personId, TODAY, 'main'))!.editCount).toBe(5);
  });

  it('when the check-in, feedback and a test result arrive for one day then they land in one document', async () => {
    const a = await athlete(h, 'Merger');
    await h.core.recordCheckin(a, { date: TODAY, sleepQuality: 4, fatigue: 2 });
    await h.core.recordFeedback(a, { date: TODAY, rpe: 7, minutes: 45, completion: 'partial', soreness: 3 });
    await h.core.recordTestResult(a, { date: TODAY, test: '5k', value: 1260, unit: 's' });
    await h.core.recordTestResult(a, { date: TODAY, test: '5K', value: 1250, unit: 's' }); // same test again: replaced
    await h.core.recordCheckin(a, { date: TODAY, mood: 5 });
    const f = await h.deps.feedback.get(a.personId, TODAY, 'main');
    expect(f).toMatchObject({
      rpe: 7,
      minutes: 45,
      completion: 'partial',
      soreness: 3,
      wellness: { sleepQuality: 4, fatigue: 2, mood: 5 },
      tests: [{ test: '5K', value: 1250, unit: 's', higherIsBetter: false }],
    });
  });

  it('when feedback is edited more than 7 days after it was given then it is refused as locked', async () => {
    const a = await athlete(h, 'Late editor');
    h.clock.set('2026-11-10T18:00:00Z');
    await h.core.recordFeedback(a, { date: '2026-11-10', rpe: 5 });
    h.clock.set('2026-11-17T17:59:00Z'); // 6 d 23 h 59 min later: still editable
    await expect(h.core.recordFeedback(a, { date: '2026-11-10', rpe: 6 })).resolves.toMatchObject({ created: false });
    h.clock.set('2026-11-17T18:01:00Z');
    await expect(h.core.recordFeedback(a, { date: '2026-11-10', rpe: 7 })).rejects.toMatchObject({
      code: 'FEEDBACK.LOCKED',
      userMessage: 'Your feedback for 2026-11-10 is locked: feedback can be changed for 7 days after you give it.',
    });
    expect((await h.deps.feedback.get(a.personId, '2026-11-10', 'main'))!.rpe).toBe(6);
    h.clock.set('2026-11-22T18:00:00Z');
  });

  it('when new feedback is for a day more than 7 days ago or in the future then it is refused', async () => {
    const a = await athlete(h, 'Time traveller');
    await expect(h.core.recordFeedback(a, { date: '2026-11-14', rpe: 5 })).rejects.toMatchObject({ code: 'FEEDBACK.TOO_OLD' });
    await expect(h.core.recordFeedback(a, { date: '2026-11-15', rpe: 5 })).resolves.toMatchObject({ created: true });
    await expect(h.core.recordFeedback(a, { date: '2026-11-23', rpe: 5 })).rejects.toMatchObject({
      code: 'FEEDBACK.DATE_IN_FUTURE',
      userMessage: '2026-11-23 hasn’t happened yet in your time zone (today is 2026-11-22).',
    });
  });

  it('when the athlete lives ahead of UTC then "today" is their local day', async () => {
    const a = await athlete(h, 'Aucklander', { timezone: 'Pacific/Auckland' });
    // 18:00 UTC on the 22nd is 07:00 on the 23rd in Auckland
    await expect(h.core.recordFeedback(a, { date: '2026-11-23', rpe: 4 })).resolves.toMatchObject({ created: true });
  });

  it('when feedback is recorded then the twin is updated online and a new parameter version is stored', async () => {
    const a = await athlete(h, 'Twin');
    await h.core.recordSourceDays(a.personId, ouraDays([TODAY], () => ({ hrv: 58, load: 90 })));
    const r1 = await h.core.recordFeedback(a, { date: TODAY, rpe: 8, minutes: 60, completion: 'done' });
    const r2 = await h.core.recordFeedback(a, { date: TODAY, rpe: 9 });
    expect(r1.twinUpdated).toBe(true);
    expect(r2.twinUpdated).toBe(true);
    const versions = await h.deps.twinParams.list(a.personId);
    expect(versions.map((v) => [v.version, v.source, v.basedOn])).toEqual([
      [1, 'feedback', `feedback:${TODAY}`],
      [2, 'feedback', `feedback:${TODAY}`],
    ]);
    const input = h.twin.inputs.at(-1)!;
    expect(input.observation).toMatchObject({ date: TODAY, hrvRmssd: 58, load: 90, rpe: 9, minutes: 60, completion: 'done' });
    expect(input.current?.version).toBe(1);
  });

  it('when the real twin calibration is wired then feedback with 3 weeks of history stores calibrated parameters', async () => {
    const a = await athlete(h, 'Calibrated');
    await h.core.recordSourceDays(a.personId, ouraDays(datesBefore(TODAY, 21).concat(TODAY), (i) => ({ hrv: i % 3 ? 63 : 54, rhr: 48, sleep: 7.3, load: i % 3 ? 55 : 95 })));
    const fake = h.deps.twin;
    h.deps.twin = new CalibratingTwinUpdater();
    try {
      const r = await h.core.recordFeedback(a, { date: TODAY, rpe: 7, minutes: 60, completion: 'done' });
      expect(r.twinUpdated).toBe(true);
      const latest = (await h.deps.twinParams.latest(a.personId))!;
      expect(latest).toMatchObject({ version: 1, source: 'feedback', params: { sport: 'running', calibratedDays: 22 } });
      expect(latest.uncertainty?.hrvSens).toBeGreaterThan(0);
    } finally {
      h.deps.twin = fake;
    }
  });

  it('when the twin update fails then the feedback is still stored', async () => {
    const a = await athlete(h, 'Twin down');
    const original = h.twin.update.bind(h.twin);
    h.twin.update = async () => {
      throw new Error('calibration diverged');
    };
    try {
      const r = await h.core.recordFeedback(a, { date: TODAY, rpe: 5 });
      expect(r.twinUpdated).toBe(false);
      expect(await h.deps.feedback.get(a.personId, TODAY, 'main')).not.toBeNull();
    } finally {
      h.twin.update = original;
    }
  });

  it('when a prescription exists for the day then feedback is linked to it and takes its session type', async () => {
    const a = await athlete(h, 'Linked');
    const p = await h.core.prescribeForDay(a.personId, TODAY);
    const r = await h.core.recordFeedback(a, { date: TODAY, rpe: 6, completion: 'done' });
    expect(r.feedback).toMatchObject({ sessionRef: p.id, sessionType: p.session.type });
  });

  it('when a test result has a bad value then it is refused with the value cited', async () => {
    const a = await athlete(h, 'Tester');
    await expect(h.core.recordTestResult(a, { date: TODAY, test: 'FTP', value: -3, unit: 'W' })).rejects.toMatchObject({
      code: 'TEST.VALUE_INVALID',
      userMessage: 'Test value must be a positive number; you sent -3',
    });
  });
});
