import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/cli/line-splitter.ts';

function split(chunks: readonly (Buffer | string)[]): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((l) => lines.push(l));
  for (const c of chunks) splitter.push(c);
  splitter.end();
  return lines;
}

/** What `decide` used before: readline over the same chunks. */
async function readlineSplit(chunks: readonly (Buffer | string)[]): Promise<string[]> {
  const input = new PassThrough();
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
  const lines: string[] = [];
  rl.on('line', (l) => lines.push(l));
  const closed = new Promise<void>((resolve) => rl.on('close', resolve));
  for (const c of chunks) input.write(c);
  input.end();
  await closed;
  return lines;
}

/** Cut `bytes` at the given positions (sorted, deduplicated), as a pipe might deliver it. */
function cut(bytes: Buffer, at: readonly number[]): Buffer[] {
  const points = [...new Set(at.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    if (p > from) out.push(bytes.subarray(from, p));
    from = Math.max(from, p);
  }
  if (from < bytes.length) out.push(bytes.subarray(from));
  return out;
}

// Line breaks of every kind, blank lines, multi-byte UTF-8 (2, 3 and 4 bytes) to be cut mid-character.
const pieceArb = fc.constantFrom('\n', '\r\n', '\r', '\n\n', '\r\r\n', ' ', '{"a":1}', 'x', 'é', '−0.5', '≥', '🏃', 'Zoë Ŝtraße');
const textArb = fc.array(pieceArb, { maxLength: 40 }).map((p) => p.join(''));

describe('LineSplitter', () => {
  it('when text is cut into chunks anywhere then the lines equal readline’s (crlfDelay Infinity)', async () => {
    await fc.assert(
      fc.asyncProperty(textArb, fc.array(fc.nat(), { maxLength: 8 }), async (text, at) => {
        const chunks = cut(Buffer.from(text, 'utf8'), at);
        expect(split(chunks)).toEqual(await readlineSplit(chunks));
      }),
      { seed: 20261122, numRuns: 400 },
    );
  });

  it('when chunks are strings then they are split like bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(textArb, { maxLength: 5 }), async (chunks) => {
        expect(split(chunks)).toEqual(await readlineSplit(chunks));
      }),
      { seed: 20261123, numRuns: 200 },
    );
  });

  it('when a \\r ends one chunk and \\n starts the next then that is one line break', () => {
    expect(split([Buffer.from('a\r'), Buffer.from('\nb\r'), Buffer.from('c\n'), Buffer.from('\n')])).toEqual(['a', 'b', 'c', '']);
  });

  it('when the input ends without a line break then the last line counts unless it is empty', () => {
    expect(split([Buffer.from('a\nb')])).toEqual(['a', 'b']);
    expect(split([Buffer.from('a\n')])).toEqual(['a']);
    expect(split([])).toEqual([]);
  });
});
