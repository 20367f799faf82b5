/** chunkEntries: a list split between entries, never cut. */
import { describe, expect, it } from 'vitest';
import { chunkEntries } from '../../../src/chat/text.ts';

describe('chunkEntries', () => {
  it('when a list is longer than a chunk then it is split between entries and the chunks joined give it back', () => {
    const entries = Array.from({ length: 30 }, (_, i) => `🟢 *Athlete ${i}* — Endurance 60 min\n   within normal ranges: ACWR 1.0${i % 10}`);
    const text = entries.join('\n');
    const chunks = chunkEntries(text, 300);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.length <= 300)).toBe(true);
    expect(chunks.join('\n')).toBe(text);
    // an athlete's reasons line stays with the athlete
    expect(chunks.every((c) => c.startsWith('🟢'))).toBe(true);
  });

  it('when one entry alone is longer than a chunk then only that entry is shortened with "…"', () => {
    const chunks = chunkEntries(`short\n${'x'.repeat(50)}\nlast`, 20);
    expect(chunks).toEqual(['short', `${'x'.repeat(19)}…`, 'last']);
  });

  it('when the text fits then it is one chunk, unchanged', () => {
    expect(chunkEntries('a\n  b\nc', 100)).toEqual(['a\n  b\nc']);
  });
});
