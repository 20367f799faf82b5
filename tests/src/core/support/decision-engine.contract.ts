/**
 * The DecisionEngine contract, adapter-agnostic: any engine (the fake here, the real agent/ engine, the
 * `twincoach decide` process) must pass it. Call from a test file:
 *
 *   decisionEngineContract('agent engine', () => createAgentEngine(...));
 */
import { describe, expect, it } from 'vitest';
import type { DecisionRequest } from '../../../../agent/decision.ts';
import { HARD_SESSIONS, SESSION_TYPES } from '../../../../twin/types.ts';
import type { DecisionEngine } from '../../../../src/core/ports.ts';

function history(days: number, start = '2026-10-01'): DecisionRequest['history'] {
  const out: DecisionRequest['history'] = [];
  const t0 = Date.parse(`${start}T00:00:00Z`);
  for (let i = 0; i < days; i++) {
    const date = new Date(t0 + i * 86_400_000).toISOString().slice(0, 10);
    out.push({ date, hrvRmssd: 60 + (i % 5), restingHr: 50, sleepHours: 7.5, load: i % 7 === 6 ? 0 : 60 + (i % 3) * 20 });
  }
  return out;
}

const base = (over: Partial<DecisionRequest> = {}): DecisionRequest => ({ athleteId: 'a1', date: '2026-11-05', sport: 'running', history: history(35), ...over });

export function decisionEngineContract(name: string, make: () => DecisionEngine | Promise<DecisionEngine>): void {
  describe(`DecisionEngine contract: ${name}`, () => {
    it('when given a batch then it returns one decision per request in the same order', async () => {
      const engine = await make();
      const reqs = [base({ athleteId: 'x' }), base({ athleteId: 'y', date: '2026-11-06' }), base({ athleteId: 'z', history: [] })];
      const out = await engine.decide(reqs);
      expect(out.map((d) => [d.athleteId, d.date])).toEqual(reqs.map((r) => [r.athleteId, r.date]));
    });

    it('when given an empty batch then it returns an empty list', async () => {
      expect(await (await make()).decide([])).toEqual([]);
    });

    it('when a coach override is given then the session is exactly the override', async () => {
      const d = (await (await make()).decide([base({ override: { type: 'TEMPO', minutes: 40, reason: 'race prep', by: 'your coach' } })]))[0]!;
      expect(d.session.type).toBe('TEMPO');
      expect(d.session.minutes).toBe(40);
      expect(d.reasons.some((r) => r.kind === 'override')).toBe(true);
    });

    it('when rest_only is active then the session is REST', async () => {
      const d = (await (await make()).decide([base({ constraints: [{ kind: 'rest_only', from: '2026-11-01' }] })]))[0]!;
      expect(d.session.type).toBe('REST');
    });

    it('when no_high_intensity is active then no hard session is chosen and hard types are blocked', async () => {
      const d = (await (await make()).decide([base({ constraints: [{ kind: 'no_high_intensity', from: '2026-11-01' }] })]))[0]!;
      expect(HARD_SESSIONS.has(d.session.type)).toBe(false);
      expect(d.blocked.some((b) => HARD_SESSIONS.has(b.type))).toBe(true);
    });

    it('when max_load is active then the target load stays at or under it', async () => {
      const d = (await (await make()).decide([base({ constraints: [{ kind: 'max_load', value: 40, from: '2026-11-01' }] })]))[0]!;
      expect(d.session.targetLoad).toBeLessThanOrEqual(40);
    });

    it('when deciding then the chosen type is allowed, a known type, and explained with a policy version', async () => {
      const d = (await (await make()).decide([base()]))[0]!;
      expect(SESSION_TYPES).toContain(d.session.type);
      expect(d.allowed).toContain(d.session.type);
      expect(d.reasons.length).toBeGreaterThan(0);
      expect(d.policy).toMatch(/^.+@.+$/);
    });

    it('when asked twice with the same request then it decides the same', async () => {
      const engine = await make();
      const [a] = await engine.decide([base()]);
      const [b] = await engine.decide([base()]);
      expect(b).toEqual(a);
    });
  });
}
