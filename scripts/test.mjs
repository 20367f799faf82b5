#!/usr/bin/env node
// Runs the whole test suite (unit + integration projects) with vitest and ends with one plain line
// "N passed, N failed[, N skipped]" computed from vitest's JSON report — the line CI reads.
// Extra arguments are passed to vitest (e.g. `npm test -- tests/twin`).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const reportDir = path.resolve('.cache/test-report');
mkdirSync(reportDir, { recursive: true });
const report = path.join(reportDir, `vitest-${process.pid}.json`);
rmSync(report, { force: true });

const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
const child = spawn('npx', args, { stdio: 'inherit' });
child.on('exit', (code, signal) => {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let suitesFailed = 0;
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed = json.numPassedTests ?? 0;
    failed = json.numFailedTests ?? 0;
    skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    // A file that fails to load has no tests but a failed suite: count it as a failure.
    suitesFailed = (json.testResults ?? []).filter((r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0).length;
  } catch (err) {
    console.error(`could not read the vitest JSON report (${err.message})`);
    failed += 1;
  }
  failed += suitesFailed;
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  const exit = code !== 0 || signal || failed > 0 || passed === 0 ? 1 : 0;
  process.exit(exit);
});
