/** The dispatcher on its own: a stub core (no database), a tiny registry, a captured log. */
import { describe, expect, it } from 'vitest';
import { CommandDispatcher, ConfirmTokens, createRegistry, type CommandDefinition } from '../../commands/index.ts';
import type { UseCases } from '../../src/core/index.ts';
import { AppError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { LogCapture } from './support.ts';

const me = {
  person: { id: 'p1', displayName: 'Alex', timezone: 'Europe/London', dmsEnabled: true, createdAt: new Date(), updatedAt: new Date() },
  athlete: { id: 'p1' },
  teams: [],
  platforms: ['discord'],
  today: '2026-11-22',
};
const core = {
  async resolveActor(platform: string, userId: string) {
    if (userId === 'stranger') throw new AppError('AUTH.UNKNOWN_USER', 'I don’t know you yet.');
    return { personId: 'p1', platform };
  },
  async whoAmI() {
    return me;
  },
} as unknown as UseCases;

function setup(commands: CommandDefinition[]) {
  const logs = new LogCapture();
  const d = new CommandDispatcher({
    registry: createRegistry(commands),
    deps: { core, clock: { now: () => new Date('2026-11-22T07:00:00Z') }, confirm: new ConfirmTokens('s'), consentVersion: 'v', defaultTimezone: 'UTC' },
    logger: createLogger({ destination: logs }),
    errorId: () => 'e1d2c3b4',
  });
  return { d, logs };
}

const echo: CommandDefinition = {
  name: 'echo',
  description: 'echo',
  audience: 'athlete',
  options: [
    { name: 'n', label: 'N', description: 'n', type: 'integer', min: 1, max: 3 },
    { name: 'key', description: 'k', type: 'string', secret: true },
  ],
  async handler(ctx) {
    return { message: { title: 'echo', summary: JSON.stringify(ctx.values) } };
  },
};

describe('command dispatcher', () => {
  it('when a handler throws something that is not an AppError then the user gets an apology with an error id and the log has the stack', async () => {
    const { d, logs } = setup([{ ...echo, async handler() { throw new TypeError('boom at line 3'); } }]);
    const r = await d.dispatch({ platform: 'discord', platformUserId: 'u', command: 'echo', options: { key: 'hunter2' } });
    expect(r.message).toEqual({
      title: 'Something went wrong',
      summary: 'Something went wrong on our side (error id e1d2c3b4). It has been logged; please try again in a moment.',
      tone: 'red',
      ephemeral: true,
    });
    expect(r.failure).toEqual({ code: 'INTERNAL', errorId: 'e1d2c3b4' });
    const line = logs.lines.find((l) => l.errorId === 'e1d2c3b4')!;
    expect(line).toMatchObject({ level: 50, command: 'echo', msg: 'command failed' });
    expect((line.err as { stack: string }).stack).toContain('boom at line 3');
    expect(r.message!.summary).not.toContain('boom');
    expect(logs.text).not.toContain('hunter2');
  });

  it('when a handler throws an AppError then its user message is shown only to the requester', async () => {
    const { d } = setup([{ ...echo, async handler() { throw new AppError('X.Y', 'Nope, and here is why.'); } }]);
    const r = await d.dispatch({ platform: 'slack', platformUserId: 'u', command: 'echo', options: {} });
    expect(r.message).toMatchObject({ summary: 'Nope, and here is why.', ephemeral: true, tone: 'amber' });
    expect(r.failure).toEqual({ code: 'X.Y' });
  });

  it('when options are valid then the handler gets typed values and the reply is private by default', async () => {
    const { d } = setup([echo]);
    const r = await d.dispatch({ platform: 'console', platformUserId: 'u', command: 'echo', options: { n: '2' } });
    expect(r.message).toEqual({ title: 'echo', summary: '{"n":2}', ephemeral: true });
  });

  it('when a secret option fails validation then its value is not quoted back', async () => {
    const { d } = setup([{ ...echo, options: [{ name: 'key', label: 'API key', description: 'k', type: 'string', secret: true, max: 3 }] }]);
    const r = await d.dispatch({ platform: 'console', platformUserId: 'u', command: 'echo', options: { key: 'hunter2' } });
    expect(r.message!.summary).toBe('API key can be at most 3 characters; yours has 7');
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });

  it('when the command is unknown then the user is pointed at /help', async () => {
    const { d } = setup([echo]);
    const r = await d.dispatch({ platform: 'console', platformUserId: 'u', command: 'dance', options: {} });
    expect(r.message!.summary).toBe('I don’t know /dance. Type /help to see what I can do.');
  });

  it('when a stranger runs an athlete command then the core’s unknown-user message is shown and the handler never runs', async () => {
    let ran = false;
    const { d } = setup([{ ...echo, async handler() { ran = true; return {}; } }]);
    const r = await d.dispatch({ platform: 'console', platformUserId: 'stranger', command: 'echo', options: {} });
    expect(r.failure?.code).toBe('AUTH.UNKNOWN_USER');
    expect(ran).toBe(false);
  });

  it('when a grouped command lacks its sub-command then the sub-commands are listed', async () => {
    const grouped: CommandDefinition = { ...echo, name: 'grp', options: undefined, subcommands: [{ name: 'a', description: 'a' }, { name: 'b', description: 'b' }] };
    const { d } = setup([grouped]);
    expect((await d.dispatch({ platform: 'console', platformUserId: 'u', command: 'grp', options: {} })).message!.summary).toBe('/grp needs one of: a, b.');
    expect((await d.dispatch({ platform: 'console', platformUserId: 'u', command: 'grp', subcommand: 'c', options: {} })).message!.summary).toBe('/grp has no "c". Use one of: a, b.');
  });

  it('when adapters ask about a command then slowness and privacy come from its definition', () => {
    const { d } = setup([echo, { ...echo, name: 'slowpoke', slow: true, visibility: 'public' }]);
    expect(d.describe({ command: 'slowpoke' })).toEqual({ known: true, slow: true, ephemeral: false });
    expect(d.describe({ command: 'echo' })).toEqual({ known: true, slow: false, ephemeral: true });
    expect(d.describe({ command: 'nope' })).toEqual({ known: false, slow: false, ephemeral: true });
  });

  it('when adapters ask about an input then form says whether it is answered with the command’s form (a button, or typed bare), as dispatch then does', async () => {
    const withForm: CommandDefinition = { ...echo, name: 'fill', form: () => ({ command: 'fill', title: 'Fill', inputs: [{ name: 'n', label: 'N', kind: 'number' }] }) };
    const { d } = setup([echo, withForm]);
    expect(d.describe({ command: 'fill', options: {}, source: 'slash' }).form).toBe(true);
    expect(d.describe({ command: 'fill', options: { n: '2' }, source: 'button' }).form).toBe(true);
    expect(d.describe({ command: 'fill', options: { n: '2' }, source: 'slash' }).form).toBeUndefined();
    expect(d.describe({ command: 'fill', options: {}, source: 'form' }).form).toBeUndefined();
    expect(d.describe({ command: 'echo', options: {}, source: 'slash' }).form).toBeUndefined();
    expect((await d.dispatch({ platform: 'slack', platformUserId: 'u', command: 'fill', options: {}, source: 'slash' })).form?.title).toBe('Fill');
  });
});

describe('typed command lines', () => {
  const d = setup([]).d;
  const real = new CommandDispatcher({ registry: createRegistry(), deps: d['options'].deps, logger: createLogger({ level: 'silent' }) });

  it.each([
    ['/feedback rpe:7 minutes:60 completion:done', { command: 'feedback', options: { rpe: '7', minutes: '60', completion: 'done' } }],
    ['feedback 7', { command: 'feedback', options: { rpe: '7' } }],
    ['/feedback notes:"legs heavy, slept badly" rpe=8', { command: 'feedback', options: { notes: 'legs heavy, slept badly', rpe: '8' } }],
    ['/override <@U123|alex smith> REST travel day', { command: 'override', options: { athlete: '<@U123|alex smith>', session: 'REST', reason: 'travel day' } }],
    ['/override @alex ENDURANCE easy week minutes:45', { command: 'override', options: { athlete: '@alex', session: 'ENDURANCE', reason: 'easy week', minutes: '45' } }],
    ['/team create Falcons Elite', { command: 'team', subcommand: 'create', options: { name: 'Falcons Elite' } }],
    ['/team', { command: 'team', options: {} }],
    ['/constraint list @alex', { command: 'constraint', subcommand: 'list', options: { athlete: '@alex' } }],
    ['/result 400m 52.3 s', { command: 'result', options: { test: '400m', value: '52.3', unit: 's' } }],
    ['/link abcd-efgh', { command: 'link', options: { code: 'abcd-efgh' } }],
    ['/TODAY', { command: 'today', options: {} }],
  ])('when "%s" is typed then it reads as %j', (line, parsed) => {
    expect(real.parseLine(line)).toEqual(parsed);
  });

  it('when more words come than options take then the extra words are named', () => {
    expect(() => real.parseLine('/disconnect oura now')).toThrow('I didn’t understand "now". Name the option, like provider:value.');
  });

  it('when a quote is left open then the line is refused', () => {
    expect(() => real.parseLine('/feedback notes:"oops')).toThrow(expect.objectContaining({ code: 'COMMAND.PARSE' }));
  });
});
