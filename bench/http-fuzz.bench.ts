/**
 * npm run bench:http-fuzz [-- --requests 10000 --concurrency 8 --seed 1]
 *
 * Fuzzes the HTTP front of the real service from outside: src/main.ts runs as a child process (Slack in HTTP
 * mode, the Oura/WHOOP/Polar webhook and OAuth routes configured, every vendor on loopback) and receives
 * `--requests` raw requests over sockets on 127.0.0.1 — malformed request lines, mutated paths and methods,
 * broken headers and framing, unsigned bodies up to the 1 MiB limit and beyond it, correctly signed Slack
 * and webhook requests with hostile bodies (tests/security/support/http-fuzz.ts has the families).
 *
 * Prints crashes (the process exiting), peak RSS growth over the baseline after start-up (sampled every
 * 100 ms from /proc), and the answers per status class; every answer must be 2xx or 4xx. Stops by itself
 * after the last request; exits 1 when anything is off (a crash, a 5xx/3xx or missing answer, growth
 * over 100 MB).
 *
 * Database: MONGODB_URI when set, else the embedded FerretDB in a temporary directory.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedDatabase } from '../src/db/ferretdb.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../src/http/server.ts';
import { FakeSlackApi } from '../tests/fakes/slack-api.ts';
import { formatFuzzReport, runFuzz } from '../tests/security/support/http-fuzz.ts';
import { OURA_SECRET, POLAR_SECRET, SLACK_SECRET, startInstance, WHOOP_SECRET } from '../tests/security/support/instance.ts';
import { machineFacts } from './machine.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '8' },
    seed: { type: 'string', default: '1' },
  },
});
const REQUESTS = Math.max(1, Number(values.requests));
const CONCURRENCY = Math.max(1, Math.min(64, Number(values.concurrency)));
const SEED = Number(values.seed);
const GROWTH_LIMIT = 100 * 2 ** 20;

let uri = process.env.MONGODB_URI;
let stopDb: (() => Promise<void>) | undefined;
let dataDir: string | undefined;
if (!uri) {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'twincoach-fuzz-db-'));
  const db = await startEmbeddedDatabase({ dataDir, cacheDir: path.resolve('.cache') });
  uri = db.uri;
  stopDb = db.stop;
}
const fake = await new FakeSlackApi({ channels: ['C0TEAM'], users: ['U0FUZZ'] }).start();
let svc: Awaited<ReturnType<typeof startInstance>> | undefined;
let failed = true;
try {
  // LOG_LEVEL info as in production: every refused request writes its warning line, as it would there.
  svc = await startInstance({ mongoUri: uri, dbName: `fuzz_${randomBytes(4).toString('hex')}`, slackApiUrl: fake.apiUrl, slackBotToken: fake.token });
  await new Promise((r) => setTimeout(r, 2_000)); // start-up catch-up jobs settle before the baseline
  console.log(`bench:http-fuzz — ${REQUESTS} requests, concurrency ${CONCURRENCY}, seed ${SEED}, against ${svc.url} (pid ${svc.pid})`);
  console.log(machineFacts({ database: process.env.MONGODB_URI ? 'MONGODB_URI' : 'embedded FerretDB v1.24 (SQLite)' }));
  const report = await runFuzz(svc, {
    requests: REQUESTS,
    concurrency: CONCURRENCY,
    seed: SEED,
    secrets: { slack: SLACK_SECRET, oura: OURA_SECRET, whoop: WHOOP_SECRET, polar: POLAR_SECRET, responseUrl: (id) => fake.responseUrl(id), maxBodyBytes: DEFAULT_MAX_BODY_BYTES },
    onProgress: (done, r) => process.stdout.write(`  ${done} sent · RSS peak ${((r.rss.peakBytes - r.rss.baselineBytes) / 2 ** 20).toFixed(1)} MB over baseline\n`),
  });
  console.log(formatFuzzReport(report));
  const growth = report.rss.peakBytes - report.rss.baselineBytes;
  const ok = report.crashes === 0 && report.byClass['5xx'] === 0 && report.byClass['3xx'] === 0 && report.byClass.none === 0 && growth < GROWTH_LIMIT && report.requests >= REQUESTS;
  console.log(ok ? 'PASS: 0 crashes, every answer 2xx/4xx, peak RSS growth under 100 MB' : 'FAIL');
  if (report.crashes > 0) console.log(svc.output().slice(-4_000));
  failed = !ok;
} finally {
  await svc?.stop();
  await fake.stop();
  await stopDb?.();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
