/**
 * The production files: compose.yaml parses (it is written in JSON syntax, which is valid YAML, so this
 * strict parse needs no YAML library), runs MongoDB as a replica set, and gives the service every variable
 * the config schema requires in production — the config loads from it with the secrets filled in.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema, loadConfig } from '../src/config.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
type Service = { image?: string; build?: string; command?: string[]; environment: Record<string, string>; depends_on?: Record<string, { condition: string }> };
const compose = JSON.parse(readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8')) as { services: Record<string, Service> };

/** "${NAME:?hint}" / "${NAME:-default}" / "${NAME}" as docker compose substitutes them, from `vars`. */
function substitute(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    if (vars[name] !== undefined && vars[name] !== '') return vars[name]!;
    if (op === '?') throw new Error(`${name} is required: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

describe('compose.yaml', () => {
  const app = compose.services.twincoach!;

  it('when parsed then MongoDB runs as a replica set and the service waits for it to be healthy', () => {
    expect(compose.services.mongo!.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    expect(app.depends_on).toEqual({ mongo: { condition: 'service_healthy' } });
    expect(app.environment.MONGODB_URI).toMatch(/^mongodb:\/\/mongo:27017\/\?replicaSet=rs0$/);
  });

  it('when every variable it names is one the config knows, and the config loads from it in production', () => {
    const known = new Set(Object.keys(envSchema.shape));
    expect(Object.keys(app.environment).filter((k) => !known.has(k))).toEqual([]);
    const vars = { TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), OAUTH_STATE_SECRET: 'x'.repeat(48), DISCORD_TOKEN: 'bot-token', DISCORD_APPLICATION_ID: '123', DISCORD_TEAM_CHANNEL_ID: '456' };
    const env = Object.fromEntries(Object.entries(app.environment).map(([k, v]) => [k, substitute(v, vars)]));
    const config = loadConfig(env);
    expect(config).toMatchObject({ NODE_ENV: 'production', localMode: false, discordEnabled: true, HTTP_HOST: '0.0.0.0' });
    expect(config.MONGODB_URI).toBeDefined();
  });

  it('when a required secret is missing then compose refuses to start (":?" substitution)', () => {
    expect(() => substitute(app.environment.TOKEN_ENCRYPTION_KEY!, {})).toThrow('TOKEN_ENCRYPTION_KEY is required');
    expect(() => substitute(app.environment.OAUTH_STATE_SECRET!, {})).toThrow('OAUTH_STATE_SECRET is required');
  });
});
