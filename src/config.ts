/**
 * Configuration: one zod schema, and the only place in the project that reads process.env.
 *
 * loadConfig() validates everything at once and throws a ConfigError that lists every problem (type
 * errors and inconsistent combinations such as a Slack bot token without its signing secret), so a
 * misconfigured service stops at start-up with one readable message. describeConfig() gives a copy safe
 * to log: secrets are replaced by "[set]".
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyToUndefined, z.url().optional());
const bool = (def: boolean) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? def : v),
    z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((s) => ['true', '1', 'yes'].includes(s))]),
  );
const int = (def: number, min: number, max: number) =>
  z.preprocess((v) => (v === undefined || v === '' ? def : v), z.coerce.number().int().min(min).max(max));
const hhmm = (def: string) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? def : v),
    z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h), e.g. 06:30'),
  );

/** Every environment variable the service understands. Keep .env.example in step (a test checks it). */
export const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'production', 'test']).default('development')),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info')),

  // Database
  MONGODB_URI: z.preprocess(emptyToUndefined, z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional()),
  MONGODB_DB_NAME: z.preprocess(emptyToUndefined, z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ and - only').default('twincoach')),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  CACHE_DIR: z.preprocess(emptyToUndefined, z.string().default('./.cache')),

  // HTTP
  HTTP_HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  HTTP_PORT: int(3000, 0, 65535),
  PUBLIC_BASE_URL: optionalUrl,

  // Machine learning
  TF_BACKEND: z.preprocess(emptyToUndefined, z.enum(['auto', 'node', 'wasm', 'cpu']).default('auto')),

  // Secrets for stored tokens and OAuth state
  TOKEN_ENCRYPTION_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)')
      .optional(),
  ),
  /**
   * Keys being rotated out: comma-separated base64 32-byte keys. Tokens under them still decrypt and are
   * re-encrypted under TOKEN_ENCRYPTION_KEY when next used (src/db/provider-connection.repository.ts).
   */
  TOKEN_ENCRYPTION_KEY_PREVIOUS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((s) => s.split(',').map((k) => k.trim()).filter(Boolean))
      .refine((keys) => keys.every((k) => Buffer.from(k, 'base64').length === 32), 'each key must be 32 bytes, base64-encoded, comma-separated')
      .optional(),
  ),
  OAUTH_STATE_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, 'must be at least 32 characters').optional()),

  // Discord
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: optionalString,
  DISCORD_GUILD_ID: optionalString,
  DISCORD_TEAM_CHANNEL_ID: optionalString,
  DISCORD_API_BASE_URL: optionalUrl,

  // Slack
  SLACK_BOT_TOKEN: z.preprocess(emptyToUndefined, z.string().startsWith('xoxb-', 'must start with xoxb-').optional()),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: z.preprocess(emptyToUndefined, z.string().startsWith('xapp-', 'must start with xapp-').optional()),
  SLACK_MODE: z.preprocess(emptyToUndefined, z.enum(['http', 'socket']).default('http')),
  SLACK_TEAM_CHANNEL: optionalString,
  SLACK_API_BASE_URL: optionalUrl,

  // Wearable providers (OAuth apps)
  OURA_CLIENT_ID: optionalString,
  OURA_CLIENT_SECRET: optionalString,
  OURA_API_BASE_URL: optionalUrl,
  OURA_WEBHOOK_VERIFICATION_TOKEN: optionalString,
  WHOOP_CLIENT_ID: optionalString,
  WHOOP_CLIENT_SECRET: optionalString,
  WHOOP_API_BASE_URL: optionalUrl,
  INTERVALS_CLIENT_ID: optionalString,
  INTERVALS_CLIENT_SECRET: optionalString,
  INTERVALS_API_BASE_URL: optionalUrl,
  POLAR_CLIENT_ID: optionalString,
  POLAR_CLIENT_SECRET: optionalString,
  POLAR_API_BASE_URL: optionalUrl,
  POLAR_WEBHOOK_SECRET: optionalString,

  // Local mode
  CONSOLE_CHAT: bool(true),
  SIMULATED_ATHLETES: int(4, 0, 1000),

  // Scheduling defaults (athletes override morning time and zone in /settings)
  DEFAULT_TIMEZONE: z.preprocess(emptyToUndefined, z.string().default('Europe/London')),
  DEFAULT_MORNING_TIME: hhmm('06:30'),
  INGEST_LOCAL_TIME: hhmm('04:00'),
  REMINDER_LOCAL_TIME: hhmm('20:00'),
  CATCH_UP_YESTERDAY: bool(false),

  // Partitioned workers (several processes on one database): 0 = this process handles every athlete
  WORKER_PARTITIONS: int(0, 0, 4096),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  /** True when no chat platform is configured: console chat + simulated athletes. */
  localMode: boolean;
  discordEnabled: boolean;
  slackEnabled: boolean;
  /** Absolute paths. */
  dataDir: string;
  cacheDir: string;
}

const SECRET_KEYS = [
  'MONGODB_URI',
  'TOKEN_ENCRYPTION_KEY',
  'TOKEN_ENCRYPTION_KEY_PREVIOUS',
  'OAUTH_STATE_SECRET',
  'DISCORD_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'OURA_CLIENT_SECRET',
  'OURA_WEBHOOK_VERIFICATION_TOKEN',
  'WHOOP_CLIENT_SECRET',
  'INTERVALS_CLIENT_SECRET',
  'POLAR_CLIENT_SECRET',
  'POLAR_WEBHOOK_SECRET',
] as const satisfies readonly (keyof Env)[];

type Problem = string;

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Cross-field rules: things that are each valid but do not make sense together. Evaluated on the raw
 * values (blank = unset) so they are reported together with type errors in one message.
 */
function consistencyProblems(raw: Record<string, string | undefined>): Problem[] {
  const env: Partial<Record<keyof Env, string>> = {};
  for (const key of Object.keys(envSchema.shape) as (keyof Env)[]) {
    const v = raw[key];
    if (v !== undefined && v.trim() !== '') env[key] = v.trim();
  }
  const p: Problem[] = [];
  const requireWith = (a: keyof Env, b: keyof Env, why = '') => {
    if (env[a] !== undefined && env[b] === undefined) p.push(`${a} is set but ${b} is missing${why}`);
  };
  requireWith('SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET');
  requireWith('SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN');
  if (env.SLACK_BOT_TOKEN && env.SLACK_MODE === 'socket' && !env.SLACK_APP_TOKEN)
    p.push('SLACK_MODE is socket but SLACK_APP_TOKEN (xapp-…) is missing');
  requireWith('SLACK_BOT_TOKEN', 'SLACK_TEAM_CHANNEL', ' (the channel that receives the team summary)');
  requireWith('DISCORD_TOKEN', 'DISCORD_APPLICATION_ID');
  requireWith('DISCORD_APPLICATION_ID', 'DISCORD_TOKEN');
  requireWith('TOKEN_ENCRYPTION_KEY_PREVIOUS', 'TOKEN_ENCRYPTION_KEY', ' (the key tokens are re-encrypted under)');
  for (const prov of ['OURA', 'WHOOP', 'INTERVALS', 'POLAR'] as const) {
    const id = `${prov}_CLIENT_ID` as keyof Env;
    const secret = `${prov}_CLIENT_SECRET` as keyof Env;
    requireWith(id, secret);
    requireWith(secret, id);
    if (env[id] !== undefined) {
      requireWith(id, 'TOKEN_ENCRYPTION_KEY', ' (provider tokens are stored encrypted)');
      requireWith(id, 'OAUTH_STATE_SECRET', ' (OAuth state is signed)');
      requireWith(id, 'PUBLIC_BASE_URL', ' (OAuth redirects come back to it)');
    }
  }
  if (env.DEFAULT_TIMEZONE !== undefined && !isValidTimeZone(env.DEFAULT_TIMEZONE)) p.push(`DEFAULT_TIMEZONE: "${env.DEFAULT_TIMEZONE}" is not an IANA time zone (e.g. Europe/Berlin)`);
  if (env.NODE_ENV === 'production' && !env.MONGODB_URI)
    p.push('NODE_ENV is production but MONGODB_URI is missing (the embedded database is for local use)');
  return p;
}

/**
 * Read a `.env` file (KEY=value lines, # comments, quotes as in Node's --env-file) into `env`. Variables
 * already set win: the real environment overrides the file. A missing file is fine (returns false).
 * Called once by each entry point (src/main.ts, src/cli/main.ts) before loadConfig().
 */
export function loadDotEnv(file = '.env', env: Record<string, string | undefined> = process.env): boolean {
  if (!existsSync(file)) return false;
  const values = parseEnv(readFileSync(file, 'utf8'));
  for (const [k, v] of Object.entries(values)) if (env[k] === undefined) env[k] = v;
  return true;
}

/**
 * Validate the environment. Throws ConfigError listing every problem at once.
 * @param env defaults to process.env — the only read of process.env in the project.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems: Problem[] = [];
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const key = i.path.join('.');
      const value = env[key];
      const isSecret = (SECRET_KEYS as readonly string[]).includes(key);
      const shown = value === undefined || isSecret ? '' : ` (got "${value}")`;
      problems.push(`${key}: ${i.message}${shown}`);
    }
  }
  problems.push(...consistencyProblems(env));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  const discordEnabled = e.DISCORD_TOKEN !== undefined;
  const slackEnabled = e.SLACK_BOT_TOKEN !== undefined;
  return {
    ...e,
    discordEnabled,
    slackEnabled,
    localMode: !discordEnabled && !slackEnabled,
    dataDir: path.resolve(e.DATA_DIR),
    cacheDir: path.resolve(e.CACHE_DIR),
  };
}

/** A copy of the config safe to log: every secret is "[set]" or absent. */
export function describeConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === undefined) continue;
    out[k] = (SECRET_KEYS as readonly string[]).includes(k) ? '[set]' : v;
  }
  return out;
}

export const secretConfigKeys: readonly string[] = SECRET_KEYS;
