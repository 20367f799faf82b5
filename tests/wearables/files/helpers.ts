import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { ImportError, type ImportErrorCode } from '../../../src/wearables/files/index.ts';

/** A temp directory for this test file, removed after all its tests. */
export function tempDir(prefix: string): (name: string, content: string | Uint8Array) => string {
  const dir = mkdtempSync(path.join(tmpdir(), `twincoach-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name, content) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };
}

/** Awaits a promise that must reject with an ImportError of `code`; returns the error. Fails if it resolves. */
export async function expectImportError(p: Promise<unknown>, code: ImportErrorCode): Promise<ImportError> {
  let result: unknown;
  try {
    result = await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    expect((e as ImportError).code).toBe(code);
    return e as ImportError;
  }
  throw new Error(`expected ${code}, but the import returned ${JSON.stringify(result).slice(0, 200)}`);
}
