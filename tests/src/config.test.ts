import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { describeConfig, envSchema, loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('config', () => {
  it('when nothing is set then it runs in local mode with defaults', () => {
    const c = loadConfig({});
    expect(c.localMode).toBe(true);
    expect(c.HTTP_PORT).toBe(3000);
    expect(c.DEFAULT_MORNING_TIME).toBe('06:30');
    expect(c.MONGODB_URI).toBeUndefined();
    expect(c.dataDir.endsWith('/data')).toBe(true);
  });

  it('when a Slack bot token has no signing secret then the problem is named', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_TEAM_CHANNEL: 'C1' })).toEqual([
      'SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is missing',
    ]);
  });

  it('when several things are wrong then every problem is listed in one error', () => {
    const problems = problemsOf({ HTTP_PORT: 'eighty', LOG_LEVEL: 'loud', DISCORD_TOKEN: 'abc', DEFAULT_TIMEZONE: 'Mars/Olympus' });
    expect(problems).toHaveLength(4);
    expect(problems.some((p) => p.startsWith('HTTP_PORT:') && p.includes('"eighty"'))).toBe(true);
    expect(problems.some((p) => p.startsWith('LOG_LEVEL:'))).toBe(true);
    expect(problems).toContain('DISCORD_TOKEN is set but DISCORD_APPLICATION_ID is missing');
    expect(problems.some((p) => p.includes('Mars/Olympus') && p.includes('IANA'))).toBe(true);
  });

  it('when a secret is invalid then the message does not echo its value', () => {
    const problems = problemsOf({ SLACK_BOT_TOKEN: 'not-a-token-supersecret', SLACK_SIGNING_SECRET: 's', SLACK_TEAM_CHANNEL: 'C1' });
    expect(problems.join('\n')).toContain('SLACK_BOT_TOKEN');
    expect(problems.join('\n')).not.toContain('supersecret');
  });

  it('when a provider app is configured without storage secrets then each missing secret is named', () => {
    expect(problemsOf({ OURA_CLIENT_ID: 'id', OURA_CLIENT_SECRET: 'sec' })).toEqual([
      'OURA_CLIENT_ID is set but TOKEN_ENCRYPTION_KEY is missing (provider tokens are stored encrypted)',
      'OURA_CLIENT_ID is set but OAUTH_STATE_SECRET is missing (OAuth state is signed)',
      'OURA_CLIENT_ID is set but PUBLIC_BASE_URL is missing (OAuth redirects come back to it)',
    ]);
  });

  it('when previous token keys are given, then they are parsed as a list, checked, and need a current key', () => {
    const k1 = Buffer.alloc(32, 1).toString('base64');
    const k2 = Buffer.alloc(32, 2).toString('base64');
    const k3 = Buffer.alloc(32, 3).toString('base64');
    expect(loadConfig({ TOKEN_ENCRYPTION_KEY: k1, TOKEN_ENCRYPTION_KEY_PREVIOUS: ` ${k2}, ${k3} ` }).TOKEN_ENCRYPTION_KEY_PREVIOUS).toEqual([k2, k3]);
    expect(problemsOf({ TOKEN_ENCRYPTION_KEY_PREVIOUS: k2 })).toEqual(['TOKEN_ENCRYPTION_KEY_PREVIOUS is set but TOKEN_ENCRYPTION_KEY is missing (the key tokens are re-encrypted under)']);
    expect(problemsOf({ TOKEN_ENCRYPTION_KEY: k1, TOKEN_ENCRYPTION_KEY_PREVIOUS: `${k2},short` }).join('\n')).toContain('TOKEN_ENCRYPTION_KEY_PREVIOUS');
  });

  it('when the config is described for the log then secrets are masked', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-secret-value', SLACK_SIGNING_SECRET: 'sigsecret', SLACK_TEAM_CHANNEL: 'C1' });
    const text = JSON.stringify(describeConfig(c));
    expect(text).not.toContain('xoxb-secret-value');
    expect(text).not.toContain('sigsecret');
    expect(describeConfig(c).SLACK_BOT_TOKEN).toBe('[set]');
    expect(c.localMode).toBe(false);
  });

  it('when .env.example is read then it documents every variable of the schema with a comment', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const lines = example.split('\n');
    for (const key of Object.keys(envSchema.shape)) {
      const idx = lines.findIndex((l) => new RegExp(`^#?\\s*${key}=`).test(l));
      expect(idx, `${key} missing from .env.example`).toBeGreaterThan(0);
      expect(lines[idx - 1]!.startsWith('#'), `${key} has no comment above it`).toBe(true);
    }
  });
});
