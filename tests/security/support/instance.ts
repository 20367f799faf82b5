/**
 * The real service (src/main.ts, the production entry point) as a child process the attack tests and
 * bench:http-fuzz talk to from outside: Slack in HTTP mode, the Oura, WHOOP and Polar webhook routes and
 * the OAuth callbacks configured, every vendor on a loopback fake that is never reached. The port is read
 * from the start-up log line; RSS is read from /proc (Linux) so the parent sees the service's own memory.
 *
 * A crash is what the tests look for: `exited` records the exit code/signal and `stderrTail` the last
 * lines the process wrote, so a failing assertion shows the stack that killed it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const SLACK_SECRET = 'slack-signing-secret-for-attack-tests';
export const OURA_SECRET = 'oura-client-secret-for-attack-tests';
export const WHOOP_SECRET = 'whoop-client-secret-for-attack-tests';
export const POLAR_SECRET = 'polar-webhook-secret-for-attack-tests';

export interface ServiceInstance {
  url: string;
  host: string;
  port: number;
  pid: number;
  /** Exit code or signal once the process ended (a crash), else undefined. */
  exited(): string | undefined;
  /** Resident set size in bytes, read from /proc/<pid>/status. */
  rss(): number;
  /** The process's last output lines (crash diagnostics). */
  output(): string;
  stop(): Promise<void>;
}

export interface InstanceOptions {
  mongoUri: string;
  dbName: string;
  slackApiUrl: string;
  slackBotToken: string;
  /** Extra environment (e.g. HTTP_MAX_BODY_BYTES). */
  env?: Record<string, string>;
  /** How long start-up may take. Default 120 s (the machine is shared and slow). */
  startTimeoutMs?: number;
}

export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

export async function startInstance(o: InstanceOptions): Promise<ServiceInstance> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twincoach-attack-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dataDir,
    NODE_ENV: 'test',
    MONGODB_URI: o.mongoUri,
    MONGODB_DB_NAME: o.dbName,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    DATA_DIR: dataDir,
    TF_BACKEND: 'wasm',
    LOG_LEVEL: 'info',
    SLACK_BOT_TOKEN: o.slackBotToken,
    SLACK_SIGNING_SECRET: SLACK_SECRET,
    SLACK_TEAM_CHANNEL: 'C0TEAM',
    SLACK_API_BASE_URL: o.slackApiUrl,
    TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    OAUTH_STATE_SECRET: 'oauth-state-secret-for-attack-tests-0123456789',
    PUBLIC_BASE_URL: 'http://127.0.0.1:9',
    OURA_CLIENT_ID: 'oura-client',
    OURA_CLIENT_SECRET: OURA_SECRET,
    OURA_API_BASE_URL: 'http://127.0.0.1:9',
    WHOOP_CLIENT_ID: 'whoop-client',
    WHOOP_CLIENT_SECRET: WHOOP_SECRET,
    WHOOP_API_BASE_URL: 'http://127.0.0.1:9',
    POLAR_WEBHOOK_SECRET: POLAR_SECRET,
    ...o.env,
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let exit: string | undefined;
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const ended = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exit = signal ?? `code ${code}`;
      resolve();
    }),
  );

  const started = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not start within ${o.startTimeoutMs ?? 120_000} ms:\n${out}`)), o.startTimeoutMs ?? 120_000);
    const look = () => {
      for (const line of out.split('\n')) {
        if (!line.includes('"http":"http://')) continue;
        try {
          const http = (JSON.parse(line) as { http?: string }).http;
          if (http) {
            clearTimeout(timer);
            child.stdout!.off('data', look);
            return resolve(http);
          }
        } catch {
          /* a partial line: wait for more */
        }
      }
    };
    child.stdout!.on('data', look);
    void ended.then(() => {
      clearTimeout(timer);
      reject(new Error(`the service exited during start-up (${exit}):\n${out}`));
    });
  });
  let url: string;
  try {
    url = await started;
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const u = new URL(url);
  return {
    url,
    host: u.hostname,
    port: Number(u.port),
    pid: child.pid!,
    exited: () => exit,
    rss: () => (exit ? 0 : rssOf(child.pid!)),
    output: () => out,
    async stop() {
      if (!exit) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await ended;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
