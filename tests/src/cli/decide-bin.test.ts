import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../../agent/policies.ts';
import { DecisionEngine } from '../../../agent/engine.ts';

const history = Array.from({ length: 80 }, (_, i) => ({
  date: new Date(Date.UTC(2026, 7, 1) + i * 86_400_000).toISOString().slice(0, 10),
  hrvRmssd: 48 + (i % 6),
  restingHr: 55,
  sleepHours: 7,
  load: i % 7 === 6 ? 0 : 55 + (i % 4) * 15,
}));

describe('the shipped DQN and the decide command', () => {
  it('when the default model is loaded then it decides only allowed actions for every sport', async () => {
    const policy = await loadPolicy('dqn', { backend: 'wasm' });
    expect(policy.name).toBe('dqn');
    const engine = new DecisionEngine({ policy });
    const decisions = engine.decideBatch(
      (['running', 'cycling', 'sprint400', 'team'] as const).map((sport) => ({ athleteId: sport, date: '2026-10-20', sport, history })),
    );
    for (const d of decisions) {
      expect(d.allowed).toContain(d.session.type);
      expect(d.policy).toMatch(/^dqn@/);
      expect(d.reasons.some((r) => r.kind === 'margin')).toBe(true);
    }
  });

  it.each(['static', 'acwr', 'hrv', 'greedy', 'tabular-q'])('when the %s policy is asked for then it loads and decides allowed sessions', async (name) => {
    const engine = new DecisionEngine({ policy: await loadPolicy(name) });
    const [a, b] = engine.decideBatch([
      { athleteId: 'p1', date: '2026-10-20', sport: 'running', history },
      { athleteId: 'p2', date: '2026-10-20', sport: 'team', history: history.slice(0, 20) },
    ]);
    expect(a!.allowed).toContain(a!.session.type);
    expect(b!.allowed).toContain(b!.session.type);
    expect(a!.policy.startsWith(`${name}@`)).toBe(true);
  });

  it('when `twincoach decide` runs as a process then each stdin line gets one stdout line and errors carry the line number', () => {
    const input = [
      JSON.stringify({ athleteId: 'x', date: '2026-10-20', sport: 'running', history }),
      '{"athleteId": 1}',
      JSON.stringify({ athleteId: 'y', date: '2026-10-20', history: [] }),
    ].join('\n');
    const r = spawnSync(process.execPath, ['bin/twincoach.mjs', 'decide', '--policy', 'acwr'], { input, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ athleteId: 'x', date: '2026-10-20' });
    expect(lines[1]).toMatchObject({ line: 2, error: { code: 'DECIDE.INVALID_FIELD' } });
    expect(lines[2]).toMatchObject({ athleteId: 'y' });
    expect(r.stderr).toContain('2 decisions, 1 errors, policy acwr@');
  });

  it('when an unknown policy is asked for then the command exits 2 with the list of names', () => {
    const r = spawnSync(process.execPath, ['bin/twincoach.mjs', 'decide', '--policy', 'magic'], { input: '', encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown policy "magic": use one of static, acwr, hrv, dqn, greedy, tabular-q');
  });
});
