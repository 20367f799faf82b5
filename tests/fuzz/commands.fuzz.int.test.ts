/**
 * The command dispatcher under random and hostile input, with the real use cases on the test database
 * (bounded for CI; bench/fuzz.bench.ts runs 10,000): random command names, options of the wrong type,
 * huge / unicode / injection-looking strings, negative and non-finite numbers, unknown users, athletes
 * calling coach commands. Every input gets a reply or a clear, coded error — never an exception or an
 * internal error — and an input that fails writes nothing.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { HrvPolicy } from '../../agent/baselines/index.ts';
import type { DispatchResult } from '../../commands/index.ts';
import type { CommandInput } from '../../src/core/chat.ts';
import { registerModels } from '../../src/db/models.ts';
import { useTestDatabase } from '../helpers/db.ts';
import { buildFuzzWorld, commandInputArb, commandLineArb, compensated, GARBLED_WORDS, judgeDispatch, type FuzzWorld } from './support.ts';

const SEED = 20261122;
const db = useTestDatabase({ register: registerModels });
let w: FuzzWorld;

beforeAll(async () => {
  w = await buildFuzzWorld(db.connection, { policy: new HrvPolicy(), seed: 'ci' });
});

describe('command dispatcher fuzz', () => {
  it('when 250 random and hostile command inputs are dispatched then each gets a reply or a coded error, and failures write nothing', async () => {
    const tally = { ok: 0, errors: new Map<string, number>() };
    let before = await w.counts();
    const typed = new Set<string>();
    await fc.assert(
      fc.asyncProperty(commandInputArb(w.registry, w.users), async (input: CommandInput) => {
        w.writes.reset();
        let result: DispatchResult | undefined;
        let thrown: unknown;
        try {
          result = await w.dispatcher.dispatch(input);
        } catch (err) {
          thrown = err ?? 'undefined';
        }
        const verdict = judgeDispatch(input, result, thrown, typed);
        for (const word of GARBLED_WORDS) if (JSON.stringify(input).includes(word)) typed.add(word);
        expect(verdict, JSON.stringify(input).slice(0, 400)).not.toMatchObject({ kind: 'crash' });
        const after = await w.counts();
        if (verdict.kind === 'error') {
          tally.errors.set(verdict.code, (tally.errors.get(verdict.code) ?? 0) + 1);
          // Nothing written: no repository write, or a create undone before the error (insert + delete).
          expect(compensated(w.writes.calls), `${verdict.code} after writing ${w.writes.calls.join(', ')}`).toBe(true);
          expect(after).toEqual(before);
        } else tally.ok += 1;
        before = after;
      }),
      { seed: SEED, numRuns: 250 },
    );
    // Both sides reached: real work and several kinds of refusal.
    expect(tally.ok).toBeGreaterThan(20);
    expect(tally.errors.size).toBeGreaterThan(5);
  });

  it('when 500 random lines are typed then each parses or is refused with COMMAND.PARSE', () => {
    fc.assert(
      fc.property(commandLineArb, (line) => {
        try {
          const parsed = w.dispatcher.parseLine(line);
          expect(typeof parsed.command).toBe('string');
          for (const v of Object.values(parsed.options)) expect(typeof v).toBe('string');
        } catch (err) {
          expect((err as { code?: string }).code, String(err)).toBe('COMMAND.PARSE');
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
