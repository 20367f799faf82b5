import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleSender } from '../../../../src/chat/console/sender.ts';
import { morningMessage } from '../sample-message.ts';

describe('console sender', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('when a message with a chart is sent then the box is printed and the PNG is written where the box says', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'twincoach-console-'));
    const out: string[] = [];
    const sender = new ConsoleSender({ write: (t) => out.push(t), imageDir: dir, describe: () => 'Alex (DM)' });
    const m = morningMessage();
    const sent = await sender.send({ platform: 'console', kind: 'dm', userId: 'alex' }, m, { idempotencyKey: 'rx1:console' });
    expect(sent).toEqual({ platform: 'console', channelId: 'alex', messageId: '1', via: 'dm' });
    expect(out).toHaveLength(1);
    expect(out[0]!.startsWith('╭─ twincoach → Alex (DM) ')).toBe(true);
    const file = path.join(dir, 'rx1_console-alex_2026-11-22.png');
    expect(await readFile(file)).toEqual(m.image!.png);
    expect(out[0]!.replace(/[│\s]+/g, '')).toContain(path.relative(process.cwd(), file).replace(/\s+/g, ''));
  });

  it('when no image directory is set then the chart is described but no file is written', async () => {
    const out: string[] = [];
    await new ConsoleSender({ write: (t) => out.push(t) }).send({ platform: 'console', kind: 'channel', channelId: 'team' }, morningMessage(), {
      idempotencyKey: 'k',
    });
    expect(out[0]).toContain('▣ Chart: Load, fitness and HRV over the last 6 weeks');
    expect(out[0]).not.toMatch(/│   → /);
    expect(out[0]!.startsWith('╭─ twincoach → #team ')).toBe(true);
  });
});
