import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AcwrPolicy, HrvPolicy, StaticPolicy } from '../../agent/baselines/index.ts';
import type { DecisionRequest } from '../../agent/decision.ts';
import { DecisionEngine } from '../../agent/engine.ts';
import { SESSION_TYPES, type DailyObservation } from '../../twin/types.ts';

function day(i: number): string {
  return new Date(Date.UTC(2026, 5, 1) + i * 86_400_000).toISOString().slice(0, 10);
}

function history(days: number, f: (i: number) => Partial<DailyObservation> = () => ({})): DailyObservation[] {
  return Array.from({ length: days }, (_, i) => ({
    date: day(i),
    hrvRmssd: 60 + (i % 5),
    restingHr: 50 + (i % 3),
    sleepHours: 7.5,
    load: i % 7 === 6 ? 0 : 60 + (i % 3) * 20,
    sessionType: i % 7 === 6 ? 'REST' : i % 3 === 0 ? 'INTERVALS' : 'ENDURANCE',
    minutes: i % 7 === 6 ? 0 : 60,
    ...f(i),
  }));
}

const engine = new DecisionEngine({ policy: new HrvPolicy() });

describe('decision engine', () => {
  it('when HRV has dropped far below the band then hard sessions are blocked with a reason that cites the numbers', () => {
    const h = history(70, (i) => (i >= 63 ? { hrvRmssd: 35 } : {}));
    const [d] = engine.decideBatch([{ athleteId: 'a', date: day(70), sport: 'running', history: h }]);
    expect(['TEMPO', 'INTERVALS', 'STRENGTH']).not.toContain(d!.session.type);
    const hrvBlock = d!.blocked.find((b) => b.type === 'INTERVALS');
    expect(hrvBlock?.rule).toBe('hrv_below_band');
    expect(hrvBlock?.reason).toMatch(/\d/);
    expect(d!.reasons[0]!.kind).toBe('mask');
    expect(d!.policy).toBe('hrv@' + new HrvPolicy().version);
  });

  it('when a coach override is given then it wins, is labelled, and says what the policy would have done', () => {
    const h = history(70);
    const [d] = engine.decideBatch([
      { athleteId: 'a', date: day(70), sport: 'cycling', history: h, override: { type: 'ENDURANCE', minutes: 95, reason: 'group ride', by: 'sam' } },
    ]);
    expect(d!.session).toMatchObject({ type: 'ENDURANCE', minutes: 95 });
    expect(d!.policy).toBe('override@sam');
    expect(d!.reasons[0]).toMatchObject({ kind: 'override' });
    expect(d!.reasons[0]!.text).toContain('Sam set endurance 95 min for today: group ride');
    expect(d!.overrideBreaks).toEqual([]);
  });

  it('when a coach overrides into a session the safety rules block then the decision names each broken rule with its numbers and no reason argues against it', () => {
    // a week of big loads after a steady base: ACWR in the danger zone, so INTERVALS is blocked
    const h = history(70, (i) => (i >= 63 && i % 7 !== 6 ? { load: 450, sessionType: 'ENDURANCE', minutes: 240 } : {}));
    const plain = engine.decideBatch([{ athleteId: 'a', date: day(70), sport: 'running', history: h }])[0]!;
    expect(plain.state.acwr).toBeGreaterThanOrEqual(1.5);
    expect(plain.blocked.some((b) => b.type === 'INTERVALS')).toBe(true);
    const [d] = engine.decideBatch([
      { athleteId: 'a', date: day(70), sport: 'running', history: h, override: { type: 'INTERVALS', minutes: 50, reason: 'race simulation', by: 'your coach' } },
    ]);
    expect(d!.session.type).toBe('INTERVALS');
    const acwr = plain.state.acwr as number;
    expect(d!.overrideBreaks!.map((b) => b.rule)).toContain('acwr_danger');
    expect(d!.overrideBreaks!.find((b) => b.rule === 'acwr_danger')!.reason).toContain(`ACWR ${acwr.toFixed(2)} ≥ 1.50`);
    const text = d!.reasons[0]!.text;
    expect(text).toMatch(/^Your coach set intervals 50 min for today: race simulation \(the hrv policy would have chosen [^)]+\), despite /);
    expect(text).toContain(`acwr_danger (ACWR ${acwr.toFixed(2)} ≥ 1.50`);
    expect(text).not.toMatch(/Coach your coach/);
    // the broken rules are in the override reason only, not again as reasons against the session
    expect(d!.reasons.filter((r) => r.kind === 'mask' && r.text.includes('acwr_danger'))).toEqual([]);
  });

  it('when a rest-only constraint is active then the session is REST and the constraint is explained', () => {
    const [d] = engine.decideBatch([
      { athleteId: 'a', date: day(70), sport: 'running', history: history(70), constraints: [{ kind: 'rest_only', from: day(69), to: day(72), reason: 'ankle' }] },
    ]);
    expect(d!.session.type).toBe('REST');
    expect(d!.allowed).toEqual(['REST']);
    expect(d!.reasons.some((r) => r.kind === 'constraint' && r.text.includes('ankle') && /\d/.test(r.text))).toBe(true);
  });

  it('when the twin what-if is computed then the hard alternative predicts a larger HRV drop than rest', () => {
    const [d] = new DecisionEngine({ policy: new StaticPolicy() }).decideBatch([{ athleteId: 'a', date: day(70), sport: 'running', history: history(70) }]);
    const w = d!.reasons.find((r) => r.kind === 'whatif');
    expect(w?.values?.hrvChangePct).toBeTypeOf('number');
    expect(w?.values?.altHrvChangePct).toBeTypeOf('number');
  });

  it('when the history is empty then the engine still answers with a safe session and data reasons', () => {
    const [d] = engine.decideBatch([{ athleteId: 'new', date: '2026-11-22', history: [] }]);
    expect(d!.session.type).toBeDefined();
    expect(d!.reasons.filter((r) => r.kind === 'data').length).toBeGreaterThanOrEqual(1);
    expect(d!.blocked.some((b) => b.rule === 'acwr_cold_start')).toBe(true);
  });

  const obsArb = fc.record(
    {
      hrvRmssd: fc.double({ min: 15, max: 150, noNaN: true }),
      restingHr: fc.double({ min: 35, max: 90, noNaN: true }),
      sleepHours: fc.double({ min: 3, max: 11, noNaN: true }),
      load: fc.double({ min: 0, max: 400, noNaN: true }),
      rpe: fc.integer({ min: 1, max: 10 }),
      soreness: fc.integer({ min: 1, max: 5 }),
      sessionType: fc.constantFrom(...SESSION_TYPES),
      illness: fc.boolean(),
    },
    { requiredKeys: [] },
  );

  it('property: every reason cites a number, the session is allowed or overridden, and no reason argues for another session', () => {
    const engines = [engine, new DecisionEngine({ policy: new StaticPolicy() }), new DecisionEngine({ policy: new AcwrPolicy() })];
    fc.assert(
      fc.property(fc.array(fc.option(obsArb, { nil: undefined }), { minLength: 0, maxLength: 90 }), fc.integer({ min: 0, max: 2 }), (days, e) => {
        const h: DailyObservation[] = [];
        days.forEach((o, i) => o && h.push({ date: day(i), ...o }));
        const req: DecisionRequest = { athleteId: 'p', date: day(days.length), sport: 'team', history: h };
        const [d] = engines[e]!.decideBatch([req]);
        expect(d!.allowed).toContain(d!.session.type);
        expect(d!.blocked.map((b) => b.actionId)).not.toContain(d!.session.actionId);
        for (const r of d!.reasons) {
          expect(r.text, r.text).toMatch(/\d/);
          // The only session a reason may advocate is the chosen one: "recommend"/"do" language is never used
          // for another type; what-ifs name the chosen session first.
          expect(r.text).not.toMatch(/\b(recommend|should|instead do)\b/i);
          if (r.kind === 'whatif') expect(r.text.indexOf(d!.session.type === 'REST' ? 'after rest' : `after ${d!.session.type.replace('_', ' ').toLowerCase()}`)).toBeGreaterThan(0);
        }
        for (const v of Object.values(d!.state)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
