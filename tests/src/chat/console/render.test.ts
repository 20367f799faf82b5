import { describe, expect, it } from 'vitest';
import { renderConsoleMessage } from '../../../../src/chat/console/render.ts';
import { displayWidth } from '../../../../src/chat/text.ts';
import { morningMessage } from '../sample-message.ts';

describe('console renderer', () => {
  it('when the morning message is rendered then it is an 80-column box a newcomer can read', () => {
    const text = renderConsoleMessage(morningMessage(), { recipient: 'Alex (DM)', imagePath: 'data/charts/alex-2026-11-22.png' });
    expect(text).toBe(
      [
        '╭─ twincoach → Alex (DM) ──────────────────────────────────────────────────────╮',
        '│ Tuesday 22 Nov — ENDURANCE 60 min                                    ● green │',
        '├──────────────────────────────────────────────────────────────────────────────┤',
        '│ Your HRV is back inside its normal range and fatigue has settled, so today   │',
        '│ is a steady aerobic hour.                                                    │',
        '│                                                                              │',
        '│ WHY TODAY                                                                    │',
        '│ • HRV 4.21 (normal 4.12–4.32)                                                │',
        '│ • Form (TSB) −6, fatigue falling for 3 days                                  │',
        '│                                                                              │',
        '│ SESSION                                                                      │',
        '│   Duration   60 min                                                          │',
        '│   Intensity  Z2 · HR 130–145                                                 │',
        '│                                                                              │',
        '│ ▣ Chart: Load, fitness and HRV over the last 6 weeks                         │',
        '│   → data/charts/alex-2026-11-22.png                                          │',
        '├──────────────────────────────────────────────────────────────────────────────┤',
        '│ [1] Done   [2] Skipped   [3] Why?                                            │',
        '│ policy dqn@3 · reply /why for the full explanation                           │',
        '╰──────────────────────────────────────────────────────────────────────────────╯',
      ].join('\n'),
    );
  });

  it('when texts are long then every line is exactly the box width and bullets wrap under their text', () => {
    const long = morningMessage({
      title: 'A very long title '.repeat(8),
      sections: [{ text: `• ${'word '.repeat(40)}`, fields: [{ label: 'A label much longer than twenty chars', value: 'x '.repeat(60) }] }],
      tone: 'red',
    });
    for (const width of [80, 60, 40]) {
      const lines = renderConsoleMessage(long, { width }).split('\n');
      expect(lines.every((l) => displayWidth(l) === width)).toBe(true);
    }
    const lines = renderConsoleMessage(long).split('\n');
    const bullet = lines.findIndex((l) => l.startsWith('│ • word'));
    expect(lines[bullet + 1]!.startsWith('│   word')).toBe(true);
  });

  it('when colour is on then ANSI codes are added but the visible layout is unchanged', () => {
    const plain = renderConsoleMessage(morningMessage());
    const coloured = renderConsoleMessage(morningMessage(), { color: true });
    expect(coloured).toContain('\x1b[32m● green\x1b[39m');
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(plain);
  });

  it('when a word is wider than the box then it is broken across lines', () => {
    const lines = renderConsoleMessage({ title: 'T', summary: 'x'.repeat(100) }, { width: 40 }).split('\n');
    expect(lines.filter((l) => l.includes('xxx')).map((l) => l.length)).toEqual([40, 40, 40]);
  });

  it('when the message is ephemeral and has no recipient then the border says only you can see it', () => {
    expect(renderConsoleMessage({ title: 'T', summary: 's', ephemeral: true }).split('\n')[0]).toContain('twincoach → you (only you can see this)');
  });
});
