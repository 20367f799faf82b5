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
async function session(lines: string[], options: { imageDir?: string; userId?: string } = {}): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (c: Buffer) => (printed += c.toString()));
  const repl = new ConsoleRepl({ dispatcher: h.dispatcher, input, output, userId: options.userId ?? 'alex', width: 100, ...(options.imageDir ? { imageDir: options.imageDir } : {}) });
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
});
