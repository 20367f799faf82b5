/**
 * `twincoach decide` under random and malformed input (bounded for CI; bench/fuzz.bench.ts runs 10,000):
 * every line gets a valid decision or a protocol error with a known code, never an exception; the stream
 * answers every non-blank line exactly once, in order.
 */
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HrvPolicy } from '../../agent/baselines/index.ts';
import { DecisionEngine } from '../../agent/engine.ts';
import { parseDecideLine } from '../../src/cli/decide-protocol.ts';
import { runDecideStream } from '../../src/cli/decide.ts';
import { checkDecision, DECIDE_ERROR_CODES, decideLineArb } from './support.ts';

const SEED = 20261122;
const engine = new DecisionEngine({ policy: new HrvPolicy() });

/** What one line yields: a checked decision or a protocol error; anything thrown is a failure. */
function judgeLine(text: string): { ok: true } | { ok: false; code: string } {
  const parsed = parseDecideLine(text, 1);
  if (!parsed.ok) {
    expect(DECIDE_ERROR_CODES.has(parsed.error.error.code), parsed.error.error.code).toBe(true);
    expect(parsed.error.error.message.length).toBeGreaterThan(0);
    return { ok: false, code: parsed.error.error.code };
  }
  const [decision] = engine.decideBatch([parsed.request]);
  expect(checkDecision(decision, parsed.request.athleteId, parsed.request.date)).toBeUndefined();
  return { ok: true };
}

describe('decide fuzz', () => {
  it('when 700 random, malformed and hostile lines are parsed and decided then each is a valid decision or a coded protocol error', () => {
    const seen = { ok: 0, errors: 0 };
    fc.assert(
      fc.property(decideLineArb, (line) => {
        const r = judgeLine(line);
        if (r.ok) seen.ok += 1;
        else seen.errors += 1;
      }),
      { seed: SEED, numRuns: 700 },
    );
    // The generator must reach both sides, or the test proves little.
    expect(seen.ok).toBeGreaterThan(100);
    expect(seen.errors).toBeGreaterThan(100);
  });

  it('when 200 such lines go through the stream in batches then every non-blank line is answered once, in order', async () => {
    const lines = fc.sample(decideLineArb, { seed: SEED + 1, numRuns: 200 });
    const input = new PassThrough();
    const output = new PassThrough();
    const chunks: string[] = [];
    output.on('data', (c) => chunks.push(String(c)));
    const done = runDecideStream({ input, output, engine, maxBatch: 16 });
    for (const l of lines) input.write(`${l}\n`);
    input.end();
    const summary = await done;
    const answers = chunks.join('').split('\n').filter((l) => l !== '');
    const expected = lines.map((l, i) => ({ line: i + 1, text: l })).filter((x) => x.text.trim() !== '');
    expect(answers).toHaveLength(expected.length);
    expect(summary.requests + summary.errors).toBe(expected.length);
    answers.forEach((a, k) => {
      const json = JSON.parse(a) as { line?: number; error?: { code: string }; athleteId?: string };
      if (json.error) {
        expect(json.line).toBe(expected[k]!.line);
        expect(DECIDE_ERROR_CODES.has(json.error.code)).toBe(true);
        expect(json.error.code).not.toBe('DECIDE.ENGINE_ERROR');
      } else {
        const req = parseDecideLine(expected[k]!.text, expected[k]!.line);
        expect(req.ok).toBe(true);
        if (req.ok) expect(checkDecision(json, req.request.athleteId, req.request.date)).toBeUndefined();
      }
    });
  });
});
