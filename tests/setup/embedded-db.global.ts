/**
 * Vitest global setup for the integration project: one embedded FerretDB for the whole run (or the real
 * MongoDB named by MONGODB_URI), shared with test files through `inject('mongoUri')`. Each test file then
 * works in a database of its own (tests/helpers/db.ts), so files never see each other's data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDatabase } from '../../src/db/ferretdb.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    mongoIsEmbedded: boolean;
  }
}

export default async function setup(project: TestProject) {
  const external = process.env.MONGODB_URI;
  if (external) {
    project.provide('mongoUri', external);
    project.provide('mongoIsEmbedded', false);
    return;
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twincoach-test-db-'));
  const db = await startEmbeddedDatabase({ dataDir, cacheDir: path.resolve('.cache') });
  project.provide('mongoUri', db.uri);
  project.provide('mongoIsEmbedded', true);
  return async () => {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
