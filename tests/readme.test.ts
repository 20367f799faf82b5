/**
 * What the README tells a newcomer to paste must work: the `decide` example is one line (a request spread
 * over several lines was answered DECIDE.INVALID_JSON line by line) and is decided without an error.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('when the decide example is pasted then it is one JSON line and the engine decides it (override wins)', () => {
    const m = /^echo '(\{"athleteId".*\})' \| npm run --silent decide$/m.exec(README);
    expect(m, 'the README has the one-line decide example').not.toBeNull();
    const line = m![1]!;
    expect(() => JSON.parse(line)).not.toThrow();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/twincoach.mjs'), 'decide', '--policy', 'hrv'], { input: `${line}\n`, encoding: 'utf8', cwd: ROOT, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.trim().split('\n');
    expect(out).toHaveLength(1);
    const decision = JSON.parse(out[0]!) as { error?: unknown; athleteId: string; date: string; session: { type: string } };
    expect(decision.error).toBeUndefined();
    expect(decision).toMatchObject({ athleteId: 'a1', date: '2026-11-22', session: { type: 'REST' } });
  }, 150_000);

  it('when the README or a folder README links a file then the link stays inside the repository', () => {
    const docs = spawnSync('git', ['ls-files', '*.md'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\n').filter((f) => f && !f.startsWith('node_modules/'));
    expect(docs).toContain('docs/architecture.md');
    for (const doc of docs) {
      const text = readFileSync(path.join(ROOT, doc), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)#]+)(?:#[^)]*)?\)/g)) {
        if (/^https?:/.test(target!)) continue;
        const resolved = path.resolve(path.dirname(path.join(ROOT, doc)), target!);
        expect(resolved.startsWith(`${ROOT}${path.sep}`), `${doc} → ${target}`).toBe(true);
        expect(() => readFileSync(resolved), `${doc} → ${target} exists`).not.toThrow();
      }
    }
  });
});
