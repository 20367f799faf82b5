import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/core/error-codes.ts';
import { DB_ERROR_CODES } from '../../../src/db/errors.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const readme = readFileSync(path.join(ROOT, 'src/core/README.md'), 'utf8');

describe('error codes', () => {
  it('when the README lists error codes then it lists exactly the registered ones', () => {
    const inReadme = new Set([...readme.matchAll(/^\|\s*`([A-Z_]+\.[A-Z_]+)`\s*\|/gm)].map((m) => m[1]!));
    expect([...inReadme].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('when core or db code raises a coded error then the code is registered', () => {
    const used = new Set<string>();
    // connection.ts / ferretdb.ts belong to the foundation and raise their own DB.* start-up codes
    const foundation = new Set(['connection.ts', 'ferretdb.ts', 'lease.repository.ts']);
    for (const dir of ['src/core', 'src/db'])
      for (const f of readdirSync(path.join(ROOT, dir)).filter((n) => n.endsWith('.ts') && !foundation.has(n))) {
        const text = readFileSync(path.join(ROOT, dir, f), 'utf8');
        for (const m of text.matchAll(/(?:fail|new AppError)\(\s*'([A-Z_]+\.[A-Z_]+)'/g)) used.add(m[1]!);
      }
    // the db layer registers its own codes (src/db/errors.ts); everything else belongs to the core table
    expect([...used].filter((c) => !(c in ERROR_CODES) && !(c in DB_ERROR_CODES))).toEqual([]);
    expect(used.size).toBeGreaterThan(40);
  });

  it('when a code is registered then it has the AREA.NAME form and a description', () => {
    for (const [code, what] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z]+\.[A-Z_]+$/);
      expect(what.length).toBeGreaterThan(10);
    }
  });
});
