/**
 * `.env` is read by the entry points (it used to be ignored: a .env with HTTP_PORT=3999 changed nothing).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, loadDotEnv } from '../../src/config.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'twincoach-dotenv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('.env', () => {
  it('when a .env file sets variables then they are loaded, and variables already set win', () => {
    const file = path.join(dir, 'a.env');
    writeFileSync(file, '# comment\nHTTP_PORT=3999\nLOG_LEVEL="warn"\nDEFAULT_TIMEZONE=Europe/Berlin\n');
    const env: Record<string, string | undefined> = { DEFAULT_TIMEZONE: 'Asia/Tokyo' };
    expect(loadDotEnv(file, env)).toBe(true);
    expect(env).toEqual({ HTTP_PORT: '3999', LOG_LEVEL: 'warn', DEFAULT_TIMEZONE: 'Asia/Tokyo' });
    expect(loadConfig(env)).toMatchObject({ HTTP_PORT: 3999, LOG_LEVEL: 'warn', DEFAULT_TIMEZONE: 'Asia/Tokyo' });
  });

  it('when there is no .env then nothing changes', () => {
    const env = {};
    expect(loadDotEnv(path.join(dir, 'missing.env'), env)).toBe(false);
    expect(env).toEqual({});
  });

  it('when `npm start` runs in a folder whose .env has a bad HTTP_PORT then start-up names it (the file was read)', async () => {
    const cwd = mkdtempSync(path.join(dir, 'start-'));
    writeFileSync(path.join(cwd, '.env'), 'HTTP_PORT=not-a-port\n');
    const env = { ...process.env, HTTP_PORT: undefined, PATH: process.env.PATH };
    delete env.HTTP_PORT;
    const r = await promisify(execFile)(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'src/main.ts')], { cwd, env, timeout: 60_000 }).catch((e: { code: number; stderr: string }) => e);
    expect((r as { code: number }).code).toBe(78);
    expect((r as { stderr: string }).stderr).toContain('HTTP_PORT: ');
    expect((r as { stderr: string }).stderr).toContain('(got "not-a-port")');
  }, 90_000);
});
