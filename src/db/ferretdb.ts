/**
 * The embedded database: FerretDB v1.24 (MongoDB wire protocol over SQLite), used when MONGODB_URI is
 * unset — for local mode and for the integration tests.
 *
 * The binary is built once from the Go module github.com/FerretDB/FerretDB by our own tiny Go main in
 * tools/ferretdb (it embeds the `ferretdb` package; `go install …/cmd/ferretdb` panics at start on a
 * missing version file). It is cached under CACHE_DIR/ferretdb with a name that includes a hash of the
 * Go sources, so a change to tools/ferretdb rebuilds it. The process picks a free loopback port, prints
 * its URI, and exits when our process closes its stdin — an orphan never outlives us.
 *
 * Erasure on disk (issue 16): the Go main runs every SQLite connection with secure_delete and keeps the
 * data directory private (0700, files 0600; we also create it 0700 here). `checkpoint()` asks it, over the
 * same stdin pipe, to truncate every write-ahead log, so deleted rows leave no old page copies behind;
 * the composition root wires it as the personal-data store's `afterErase` (tools/ferretdb/erasure.go).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';

const execFileAsync = promisify(execFile);

export const FERRETDB_VERSION = 'v1.24.2';
export const MIN_GO = [1, 24] as const;
const TOOL_DIR = fileURLToPath(new URL('../../tools/ferretdb/', import.meta.url));

/**
 * Where the service keeps the embedded database's SQLite files: DATA_DIR/ferretdb. Every process that
 * opens "the service's database" (the service, `twincoach import`, `twincoach athletes`) asks here.
 */
export function embeddedDataDir(dataDir: string): string {
  return path.join(dataDir, 'ferretdb');
}

export interface EmbeddedDatabase {
  uri: string;
  binary: string;
  pid: number;
  /**
   * Truncate every write-ahead log (after an erasure). Resolves with how many database files were
   * checkpointed and how many a reader kept busy; retries busy files up to `attempts` times (default 5).
   */
  checkpoint(attempts?: number): Promise<{ files: number; busy: number }>;
  stop(): Promise<void>;
}

function sourceHash(): string {
  const h = createHash('sha256');
  const files = ['go.mod', 'go.sum', ...readdirSync(TOOL_DIR).filter((f) => f.endsWith('.go')).sort()];
  for (const f of files) h.update(f).update(readFileSync(path.join(TOOL_DIR, f)));
  return h.digest('hex').slice(0, 12);
}

/** Parse `go version` output ("go version go1.26.8 linux/amd64") into [major, minor]. */
export function parseGoVersion(output: string): [number, number] | undefined {
  const m = /go(\d+)\.(\d+)/.exec(output);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

async function goVersion(): Promise<[number, number] | undefined> {
  try {
    const { stdout } = await execFileAsync('go', ['version'], { timeout: 30_000 });
    return parseGoVersion(stdout);
  } catch {
    return undefined;
  }
}

/**
 * Path of the FerretDB binary, building it on first use. Concurrent callers (several test workers,
 * two service instances) are safe: each builds to a temporary name and renames atomically.
 */
export async function ensureFerretdbBinary(cacheDir: string, logger?: Logger, progress?: (line: string) => void): Promise<string> {
  const dir = path.join(cacheDir, 'ferretdb');
  const binary = path.join(dir, `ferretdb-${FERRETDB_VERSION}-${sourceHash()}`);
  if (existsSync(binary)) return binary;

  const go = await goVersion();
  if (!go || go[0] < MIN_GO[0] || (go[0] === MIN_GO[0] && go[1] < MIN_GO[1])) {
    throw new AppError(
      'DB.GO_MISSING',
      `The embedded database needs Go to build FerretDB once: install Go ≥ ${MIN_GO.join('.')} or set MONGODB_URI` +
        (go ? ` (found go${go.join('.')})` : ' (no `go` on PATH)'),
    );
  }
  mkdirSync(dir, { recursive: true });
  const tmp = `${binary}.tmp-${process.pid}-${Date.now()}`;
  const started = Date.now();
  // The build is the one slow step of a first start: it is said where the person is looking (progress,
  // e.g. the terminal while the log goes to a file), with a line every 15 s so it never looks stuck.
  const say = (msg: string) => {
    if (logger) logger.info(msg);
    if (progress) progress(msg);
    else if (!logger) process.stderr.write(`${msg}\n`);
  };
  say(`Building the embedded database (FerretDB ${FERRETDB_VERSION}, go${go.join('.')}) — first start only; about 2–3 minutes with an empty Go cache, under a minute when the Go modules are already downloaded…`);
  const ticker = setInterval(() => say(`… still building FerretDB (${Math.round((Date.now() - started) / 1000)} s)`), 15_000);
  ticker.unref();
  try {
    await execFileAsync('go', ['build', '-trimpath', '-buildvcs=false', '-o', tmp, '.'], {
      cwd: TOOL_DIR,
      timeout: 20 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    clearInterval(ticker);
    rmSync(tmp, { force: true });
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw new AppError('DB.FERRETDB_BUILD_FAILED', `Building FerretDB failed:\n${stderr.trim().split('\n').slice(-15).join('\n')}`, {
      cause: err,
    });
  }
  clearInterval(ticker);
  renameSync(tmp, binary);
  say(`Built FerretDB in ${((Date.now() - started) / 1000).toFixed(1)} s → ${binary}`);
  return binary;
}

export interface StartEmbeddedOptions {
  dataDir: string;
  cacheDir: string;
  logger?: Logger;
  /** Told about the slow first-start build as it goes (the terminal, when the log goes to a file). */
  progress?: (line: string) => void;
  /** How long to wait for FerretDB to report its URI. */
  startTimeoutMs?: number;
}

/** Start FerretDB on a free loopback port with its SQLite files in dataDir. */
export async function startEmbeddedDatabase(options: StartEmbeddedOptions): Promise<EmbeddedDatabase> {
  const binary = await ensureFerretdbBinary(options.cacheDir, options.logger, options.progress);
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(options.dataDir, 0o700);
  const child: ChildProcess = spawn(binary, ['-dir', options.dataDir, '-listen', '127.0.0.1:0', '-log-level', 'warn'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderrTail: string[] = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (!line.trim()) continue;
      stderrTail.push(line);
      if (stderrTail.length > 30) stderrTail.shift();
      options.logger?.debug({ component: 'ferretdb' }, line);
    }
  });

  const uri = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new AppError('DB.EMBEDDED_START_TIMEOUT', `FerretDB did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${stderrTail.join('\n')}`));
    }, options.startTimeoutMs ?? 30_000);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buf += chunk;
      const m = /FERRETDB_URI=(\S+)/.exec(buf);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new AppError('DB.EMBEDDED_START_FAILED', `FerretDB could not be started: ${err.message}`, { cause: err }));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new AppError(
          'DB.EMBEDDED_START_FAILED',
          `FerretDB exited during start-up (code ${code}, signal ${signal}):\n${stderrTail.join('\n')}`,
        ),
      );
    });
  });

  // Answers to "checkpoint" requests, one line each, in order.
  const answers: ((line: string) => void)[] = [];
  let lineBuf = '';
  child.stdout?.on('data', (chunk: string) => {
    lineBuf += chunk;
    let nl: number;
    while ((nl = lineBuf.indexOf('\n')) !== -1) {
      const line = lineBuf.slice(0, nl);
      lineBuf = lineBuf.slice(nl + 1);
      if (line.startsWith('CHECKPOINT ')) answers.shift()?.(line);
    }
  });
  let queue: Promise<unknown> = Promise.resolve();
  const checkpointOnce = () =>
    new Promise<{ files: number; busy: number }>((resolve, reject) => {
      if (child.exitCode !== null || !child.stdin?.writable) return reject(new AppError('DB.EMBEDDED_STOPPED', 'The embedded database is not running.'));
      const timer = setTimeout(() => reject(new AppError('DB.CHECKPOINT_TIMEOUT', 'The embedded database did not answer the checkpoint request within 30 s.')), 30_000);
      answers.push((line) => {
        clearTimeout(timer);
        const m = /files=(\d+) busy=(\d+) ok=(true|false)/.exec(line);
        if (!m || m[3] !== 'true') return reject(new AppError('DB.CHECKPOINT_FAILED', `The embedded database could not checkpoint: ${line}`));
        resolve({ files: Number(m[1]), busy: Number(m[2]) });
      });
      child.stdin.write('checkpoint\n');
    });
  const checkpoint = (attempts = 5) => {
    const run = async () => {
      let out = await checkpointOnce();
      for (let i = 1; i < attempts && out.busy > 0; i++) {
        await new Promise((r) => setTimeout(r, 100 * i));
        out = await checkpointOnce();
      }
      return out;
    };
    const p = queue.then(run, run);
    queue = p.catch(() => undefined);
    return p;
  };

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(killTimer);
        resolve();
      });
      child.stdin?.end();
      child.kill('SIGTERM');
    }));

  options.logger?.info({ component: 'ferretdb', pid: child.pid, dataDir: options.dataDir }, `embedded FerretDB ${FERRETDB_VERSION} listening`);
  return { uri, binary, pid: child.pid ?? -1, checkpoint, stop };
}
