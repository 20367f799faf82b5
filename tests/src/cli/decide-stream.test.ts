import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HrvPolicy } from '../../../agent/baselines/index.ts';
import { DecisionEngine } from '../../../agent/engine.ts';
import { runDecideStream } from '../../../src/cli/decide.ts';

function history(days: number) {
  return Array.from({ length: days }, (_, i) => ({
    date: new Date(Date.UTC(2026, 6, 1) + i * 86_400_000).toISOString().slice(0, 10),
    hrvRmssd: 55 + (i % 4),
    restingHr: 52,
    sleepHours: 7.2,
    load: i % 7 === 6 ? 0 : 70,
  }));
}

async function run(lines: string[]): Promise<{ out: unknown[]; summary: { requests: number; errors: number } }> {
  const input = new PassThrough();
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on('data', (c) => chunks.push(String(c)));
  const done = runDecideStream({ input, output, engine: new DecisionEngine({ policy: new HrvPolicy() }), maxBatch: 3 });
  for (const l of lines) input.write(l + '\n');
  input.end();
  const summary = await done;
  const out = chunks
    .join('')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
  return { out, summary };
}

describe('twincoach decide stream', () => {
  it('when good and bad lines are mixed then each gets exactly one answer, in order, and processing continues', async () => {
    const ok = (id: string) => JSON.stringify({ athleteId: id, date: '2026-09-15', sport: 'cycling', history: history(76) });
    const { out, summary } = await run([ok('a'), 'garbage', ok('b'), '', JSON.stringify({ athleteId: 'c', date: '2026-09-15' }), ok('d'), ok('e')]);
    expect(out).toHaveLength(6);
    expect(out.map((o) => (o as { athleteId?: string }).athleteId ?? `line ${(o as { line: number }).line}`)).toEqual(['a', 'line 2', 'b', 'line 5', 'd', 'e']);
    expect((out[1] as { error: { code: string } }).error.code).toBe('DECIDE.INVALID_JSON');
    expect((out[3] as { error: { code: string; message: string } }).error).toEqual({ code: 'DECIDE.MISSING_FIELD', message: 'history is required' });
    expect(summary).toEqual({ requests: 4, errors: 2 });
  });

  it('when a request is answered then it has the documented response shape', async () => {
    const { out } = await run([JSON.stringify({ athleteId: 'a', date: '2026-09-15', sport: 'running', history: history(76) })]);
    const d = out[0] as Record<string, unknown>;
    expect(Object.keys(d).sort()).toEqual(['allowed', 'athleteId', 'blocked', 'date', 'policy', 'reasons', 'session', 'state']);
    expect(Object.keys(d.session as object).sort()).toEqual(['actionId', 'description', 'dose', 'intensity', 'minutes', 'targetLoad', 'type']);
    expect(d.policy).toMatch(/^hrv@/);
  });

  it('when the input is empty then nothing is written and the summary is zero', async () => {
    const { out, summary } = await run([]);
    expect(out).toEqual([]);
    expect(summary).toEqual({ requests: 0, errors: 0 });
  });
});
