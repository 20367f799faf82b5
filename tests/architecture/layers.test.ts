/**
 * The dependency rule of docs/architecture.md, checked on every import in the project:
 *   twin → nothing; agent → twin; src/core → agent, twin; commands, jobs → src/core (and below);
 *   discord.js only in src/chat/discord, @slack/bolt only in src/chat/slack, mongoose only in src/db;
 *   process.env is read only by src/config.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LAYERS = ['twin', 'agent', 'commands', 'jobs', 'src'];

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

export function importsOf(source: string): string[] {
  const specs: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[\s;])import\s*['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3])!);
  return specs;
}

/** 'src/core/x.ts' → which area it belongs to for the rules. */
function area(rel: string): string {
  const parts = rel.split(path.sep);
  if (parts[0] === 'src') return parts.length > 2 ? `src/${parts[1]}` : 'src';
  return parts[0]!;
}

const files = LAYERS.flatMap((l) => walk(path.join(ROOT, l))).map((f) => ({
  rel: path.relative(ROOT, f),
  imports: importsOf(readFileSync(f, 'utf8')),
  text: readFileSync(f, 'utf8'),
}));

function resolvedArea(fromRel: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return area(path.relative(ROOT, path.resolve(ROOT, path.dirname(fromRel), spec)));
}

const allowed: Record<string, (a: string) => boolean> = {
  twin: (a) => a === 'twin',
  agent: (a) => a === 'agent' || a === 'twin',
  'src/core': (a) => ['src/core', 'agent', 'twin', 'src'].includes(a),
  commands: (a) => ['commands', 'src/core', 'agent', 'twin', 'src'].includes(a),
  jobs: (a) => ['jobs', 'src/core', 'agent', 'twin', 'src'].includes(a),
};
/** Root-level src files that inner layers may use (they hold no I/O of their own). */
const SHARED_SRC = new Set(['src/errors.ts', 'src/logger.ts']);

describe('architecture: dependency rule', () => {
  it('when the import scanner reads the forms we use then it finds every specifier', () => {
    expect(importsOf(`import a from './a.ts';\nimport { b } from "../b.ts";\nexport * from './c.ts';\nconst d = await import('./d.ts');\nimport './e.ts';`)).toEqual([
      './a.ts',
      '../b.ts',
      './c.ts',
      './d.ts',
      './e.ts',
    ]);
  });

  it('when a file imports across layers then only allowed directions appear', () => {
    const violations: string[] = [];
    for (const f of files) {
      const from = area(f.rel);
      const rule = allowed[from];
      if (!rule) continue;
      for (const spec of f.imports) {
        const to = resolvedArea(f.rel, spec);
        if (to === undefined) {
          if (from === 'twin') violations.push(`${f.rel} imports package ${spec} (twin/ imports nothing)`);
          continue;
        }
        const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(f.rel), spec));
        if (to === 'src' && !SHARED_SRC.has(target) && from !== 'src') violations.push(`${f.rel} → ${target}`);
        else if (!rule(to)) violations.push(`${f.rel} → ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('when an SDK is imported then it is only inside its adapter folder', () => {
    const homes: Record<string, string> = { 'discord.js': 'src/chat/discord', '@slack/bolt': 'src/chat/slack', '@slack/web-api': 'src/chat/slack', mongoose: 'src/db' };
    const violations: string[] = [];
    for (const f of files)
      for (const spec of f.imports) {
        const home = homes[spec];
        if (home && !f.rel.startsWith(home + path.sep)) violations.push(`${f.rel} imports ${spec}`);
      }
    expect(violations).toEqual([]);
  });

  it('when code reads process.env then it is src/config.ts', () => {
    const readers = files.filter((f) => /process\.env\b/.test(f.text)).map((f) => f.rel);
    expect(readers.filter((r) => r !== path.join('src', 'config.ts'))).toEqual([]);
  });
});
