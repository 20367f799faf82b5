/** The console REPL over the real dispatcher and use cases: a scripted session through streams. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleRepl } from '../../../../src/chat/console/repl.ts';
import { count, useCommands } from '../../../commands/support.ts';

const h = useCommands('2026-11-22T07:00:00Z');

/** Feed `lines` to a REPL and return everything it printed. */
async function session(lines: string[], options: { imageDir?: string; userId?: string } & Partial<Pick<ConstructorParameters<typeof ConsoleRepl>[0], 'resolveUser' | 'people' | 'extraCommands' | 'helpNotes'>> = {}): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (c: Buffer) => (printed += c.toString()));
  const { imageDir, userId, ...extra } = options;
  const repl = new ConsoleRepl({ dispatcher: h.dispatcher, input, output, userId: userId ?? 'alex', width: 100, ...(imageDir ? { imageDir } : {}), ...extra });
  const done = repl.run();
  input.end(lines.map((l) => `${l}\n`).join(''));
  await done;
  return printed;
}

describe('console REPL', () => {
  it('when a newcomer registers, asks for today and presses Done then the form is asked field by field and the feedback is stored', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tc-repl-'));
    try {
      const out = await session(
        [
          '/register sport:running agree:yes timezone:Europe/London',
          '/today',
          '1', // Done
          '7', // RPE
          '55', // minutes
          '', // completion: keep the suggestion (Done)
          '2', // soreness
          'solid run', // notes
          'exit',
        ],
        { imageDir: dir },
      );
      expect(out).toContain('Welcome, Alex');
      expect(out).toMatch(/Sun 22 Nov — (Intervals|Endurance|Active recovery)/);
      expect(out).toContain('[1] Done   [2] Too hard   [3] Skipped   [4] Why?');
      expect(out).toContain('Feedback — Sun 22 Nov — Enter keeps [the suggestion] or skips; "cancel" stops.');
      expect(out).toContain('  1) Done   2) Partly   3) Skipped');
      expect(out).toContain('Did you do it? [Done]: ');
      expect(out).toContain('How hard was it? RPE 1–10 (1 very easy … 10 maximal): ');
      expect(out).toContain('Feedback saved — Sun 22 Nov');
      const alex = await h.core.resolveActor('console', 'alex');
      expect(await h.deps.feedback.get(alex.personId, '2026-11-22', 'main')).toMatchObject({ rpe: 7, minutes: 55, completion: 'done', soreness: 2, notes: 'solid run' });
      const chart = path.join(dir, '1-2026-11-22-load-hrv.png');
      expect(existsSync(chart)).toBe(true);
      expect(readFileSync(chart).toString()).toBe('png-athlete');
      expect(out).toContain(`→ ${chart}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a value is out of range then the REPL prints exactly what was wrong and stores nothing', async () => {
    const out = await session(['/register sport:cycling agree:yes', 'feedback rpe:15 minutes:60'], { userId: 'bea' });
    expect(out).toContain('RPE must be 1–10; you sent 15');
    expect(out).toContain('Usage: /feedback');
    const bea = await h.core.resolveActor('console', 'bea');
    expect(await count(h, 'Feedback', { athleteId: bea.personId })).toBe(0);
  });

  it('when the user switches to an athlete and tries /override then it is refused and nothing is stored', async () => {
    const before = await count(h, 'Prescription');
    const out = await session(['as coach', '/team create Locals', 'as cal', '/register sport:running agree:yes', '/override @cal REST "I say so"', 'exit']);
    expect(out).toContain('Now acting as "cal".');
    expect(out).toContain('Only a team’s coaches can use /override.');
    expect(await count(h, 'Prescription')).toBe(before);
  });

  it('when a number has no button behind it or the input is unreadable then the REPL says so and carries on', async () => {
    const out = await session(['5', '/feedback notes:"never closed', 'help'], { userId: 'dan' });
    expect(out).toContain('There is no button to press.');
    expect(out).toContain('A quote was opened but not closed.');
    expect(out).toContain('twincoach — commands');
  });

  it('when a form answer is wrong then it is refused as typed and asked again, and only good answers are sent', async () => {
    const out = await session(['/register sport:running agree:yes', '/feedback', '15', '0x7', '7', 'lots', '45', '', '', '', 'exit'], { userId: 'fay' });
    expect(out).toContain('  ↳ RPE must be 1–10; you sent 15 — try again, Enter to skip, or "cancel".');
    expect(out).toContain('  ↳ RPE must be a number 1–10; you sent "0x7" — try again');
    expect(out).toContain('  ↳ Minutes must be a number 0–600; you sent "lots" — try again');
    expect(out).toContain('Feedback saved');
    const fay = await h.core.resolveActor('console', 'fay');
    expect(await h.deps.feedback.get(fay.personId, '2026-11-22', 'main')).toMatchObject({ rpe: 7, minutes: 45 });
    expect(out.trimEnd().endsWith('Goodbye.')).toBe(true);
  });

  it('when a slash command, cancel or exit is typed inside a form then it leaves the form instead of becoming an answer', async () => {
    const out = await session(['/register sport:running agree:yes', '/feedback', '8', '/today', '/feedback', 'cancel', '/feedback', '6', 'exit', '/today'], { userId: 'gus' });
    expect(out).toContain('Left the form: nothing was sent. Running /today');
    expect(out).toMatch(/Sun 22 Nov — (Intervals|Endurance|Active recovery|Rest|Tempo|Strength)/);
    expect(out).toContain('Cancelled: nothing was sent.');
    expect(out).toContain('Left the form: nothing was sent.\nGoodbye.\n');
    expect(out).not.toContain('Minutes must be');
    const gus = await h.core.resolveActor('console', 'gus');
    expect(await count(h, 'Feedback', { athleteId: gus.personId })).toBe(0);
  });

  it('when "as" names nobody then it is refused with the names there are; a known name switches', async () => {
    const people = [{ userId: 'coach', displayName: 'Coach' }, { userId: 'sim-alex', displayName: 'Alex' }];
    const out = await session(['as Bobby', 'as alex', 'exit'], {
      userId: 'coach',
      resolveUser: (n) => people.find((p) => p.displayName.toLowerCase() === n.toLowerCase()),
      people: () => people.map((p) => p.displayName),
    });
    expect(out).toContain('There is nobody called "Bobby" here. You can act as: Coach, Alex.');
    expect(out).not.toContain('Now acting as "Bobby"');
    expect(out).toContain('Now acting as Alex ("sim-alex").');
  });

  it('when help is typed then the console\'s own commands follow the chat commands, with the host\'s extras and notes', async () => {
    const out = await session(['help'], {
      userId: 'hal',
      people: () => ['Coach', 'Alex'],
      extraCommands: [{ usage: 'morning [name|all]', description: 'the morning message now', match: () => undefined, run: async () => ({}) }],
      helpNotes: ['A first start catches up today\'s mornings.'],
    });
    expect(out).toContain('twincoach — commands');
    expect(out).toContain('This console');
    expect(out).toContain('`as <name>` — act as someone else: Coach, Alex');
    expect(out).toContain('`morning [name|all]` — the morning message now');
    expect(out).toContain('`exit` — stop the service');
    expect(out).toContain("A first start catches up today's mornings.");
  });

  it('when a console command is typed then the host runs it as the current user and its output is printed', async () => {
    const seen: string[] = [];
    const out = await session(['morning Alex', 'exit'], {
      userId: 'ivy',
      extraCommands: [{ usage: 'morning [name|all]', description: 'x', match: (l) => /^morning(?:\s+(.*))?$/.exec(l)?.[1] ?? (l === 'morning' ? '' : undefined), run: async (args, as) => (seen.push(`${as.userId}:${args}`), { text: 'ran it' }) }],
    });
    expect(seen).toEqual(['ivy:Alex']);
    expect(out).toContain('ran it');
  });
});
