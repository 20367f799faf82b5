/**
 * Option values arrive typed: a required option is never undefined, a choice is the union of its values,
 * integers are numbers — checked at compile time (vitest expectTypeOf; `npm run typecheck` fails if
 * one of these does not hold) and at run time for the values the dispatcher hands over.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { feedbackCommand } from '../../commands/feedback.command.ts';
import { overrideCommand } from '../../commands/override.command.ts';
import { constraintCommand } from '../../commands/constraint.command.ts';
import { registerCommand } from '../../commands/register.command.ts';
import { settingsCommand } from '../../commands/settings.command.ts';
import { teamCommand } from '../../commands/team.command.ts';
import { defineCommand, type OptionValues, type SubValuesOf, type ValuesOf } from '../../commands/types.ts';
import type { ConstraintKind } from '../../agent/decision.ts';
import type { Completion } from '../../src/core/types.ts';
import type { Level, SessionType, Sport } from '../../twin/types.ts';

describe('typed option values', () => {
  it('when /override is defined then athlete and reason are strings, session a SessionType and minutes/date/confirm optional', () => {
    type V = ValuesOf<typeof overrideCommand>;
    expectTypeOf<V['athlete']>().toEqualTypeOf<string>();
    expectTypeOf<V['reason']>().toEqualTypeOf<string>();
    expectTypeOf<V['session']>().toEqualTypeOf<SessionType>();
    expectTypeOf<V['minutes']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<V['date']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<V['confirm']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<keyof V>().toEqualTypeOf<'athlete' | 'session' | 'reason' | 'minutes' | 'date' | 'confirm'>();
  });

  it('when /feedback is defined then every option is optional, completion is a Completion and the numbers are numbers', () => {
    type V = ValuesOf<typeof feedbackCommand>;
    expectTypeOf<V['completion']>().toEqualTypeOf<Completion | undefined>();
    expectTypeOf<V['rpe']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<V['soreness']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<V['notes']>().toEqualTypeOf<string | undefined>();
  });

  it('when /register and /settings are defined then choices are their unions, agree is a boolean and a clearable goal date may be null', () => {
    type R = ValuesOf<typeof registerCommand>;
    expectTypeOf<R['sport']>().toEqualTypeOf<Sport>();
    expectTypeOf<R['agree']>().toEqualTypeOf<boolean>();
    expectTypeOf<R['level']>().toEqualTypeOf<Level | undefined>();
    type S = ValuesOf<typeof settingsCommand>;
    expectTypeOf<S['goal_date']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<S['dms']>().toEqualTypeOf<boolean | undefined>();
  });

  it('when a grouped command is defined then each sub-command has its own typed values (/constraint add, remove; /team create, board)', () => {
    type Add = SubValuesOf<typeof constraintCommand, 'add'>;
    expectTypeOf<Add['athlete']>().toEqualTypeOf<string>();
    expectTypeOf<Add['kind']>().toEqualTypeOf<'no_high_intensity' | 'max_load' | 'rest_only' | 'no_impact'>();
    expectTypeOf<Add['kind']>().toExtend<ConstraintKind>();
    expectTypeOf<Add['value']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<SubValuesOf<typeof constraintCommand, 'remove'>>().toEqualTypeOf<{ readonly id: string }>();
    expectTypeOf<SubValuesOf<typeof teamCommand, 'create'>['name']>().toEqualTypeOf<string>();
    expectTypeOf<SubValuesOf<typeof teamCommand, 'board'>['date']>().toEqualTypeOf<string | undefined>();
  });

  it('when options are written inline then required, choice, boolean and clearable date map to their types', () => {
    type V = OptionValues<
      readonly [
        { name: 'who'; description: 'x'; type: 'user'; required: true },
        { name: 'mode'; description: 'x'; type: 'choice'; required: true; choices: readonly [{ value: 'a'; label: 'A' }, { value: 'b'; label: 'B' }] },
        { name: 'loud'; description: 'x'; type: 'boolean' },
        { name: 'goal'; description: 'x'; type: 'date'; clearable: true },
      ]
    >;
    expectTypeOf<V['who']>().toEqualTypeOf<string>();
    expectTypeOf<V['mode']>().toEqualTypeOf<'a' | 'b'>();
    expectTypeOf<V['loud']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<V['goal']>().toEqualTypeOf<string | null | undefined>();
  });

  it('when a handler reads a name the command does not have then it does not compile, and defineCommand keeps the definition as it is', async () => {
    const def = defineCommand({
      name: 'echo',
      description: 'echo',
      audience: 'anyone',
      options: [{ name: 'n', description: 'n', type: 'integer', required: true }],
      async handler(ctx) {
        expectTypeOf(ctx.values.n).toEqualTypeOf<number>();
        // @ts-expect-error no option "m"
        void ctx.values.m;
        return { message: { title: 'echo', summary: String(ctx.values.n + 1) } };
      },
    });
    expect(def.options).toEqual([{ name: 'n', description: 'n', type: 'integer', required: true }]);
    const reply = await def.handler({ input: { platform: 'console', platformUserId: 'u', command: 'echo', options: { n: '1' } }, values: { n: 1 }, actor: null, me: null, today: '2026-11-22' }, {} as never);
    expect(reply.message?.summary).toBe('2');
  });
});
