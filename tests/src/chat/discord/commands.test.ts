/** Registering the slash commands: the registry as Discord JSON, PUT to the guild or global route. */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../../commands/registry.ts';
import { registerDiscordCommands, toDiscordCommands } from '../../../../src/chat/discord/commands.ts';

type Put = { method: string; url: string; auth: string | undefined; body: unknown[] };

describe('Discord command registration', () => {
  let server: Server;
  let puts: Put[];
  let api: string;

  beforeEach(async () => {
    puts = [];
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString() || '[]') as unknown[];
        puts.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
        const saved = body.map((c, i) => ({ ...(c as object), id: String(1000 + i), application_id: '42', version: '1' }));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(saved));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('when the registry is converted then required options come first, hidden ones are left out, and types, ranges and choices map to Discord’s', () => {
    const json = toDiscordCommands(COMMANDS);
    const feedback = json.find((c) => c.name === 'feedback')!;
    expect(feedback.options!.find((o) => o.name === 'rpe')).toEqual({ name: 'rpe', description: 'How hard it felt, 1 (very easy) – 10 (maximal)', required: false, type: 4, min_value: 1, max_value: 10 });
    expect(feedback.options!.find((o) => o.name === 'completion')).toMatchObject({ type: 3, choices: [{ name: 'Done', value: 'done' }, { name: 'Partly', value: 'partial' }, { name: 'Skipped', value: 'skipped' }] });
    const override = json.find((c) => c.name === 'override')!;
    expect(override.options!.map((o) => [o.name, o.type, o.required])).toEqual([
      ['athlete', 6, true],
      ['session', 3, true],
      ['reason', 3, true],
      ['minutes', 4, false],
      ['date', 3, false],
      ['confirm', 5, false],
    ]);
    const privacy = json.find((c) => c.name === 'privacy')!;
    expect(privacy.options).toEqual([
      { type: 1, name: 'export', description: 'Everything I store about you, as a file', options: [] },
      { type: 1, name: 'delete', description: 'Delete all your data for good (asks you to confirm)', options: [] },
    ]);
    for (const c of json) {
      expect(c.type).toBe(1);
      const opts = c.options ?? [];
      const firstOptional = opts.findIndex((o) => !('required' in o) || !o.required);
      if (firstOptional >= 0) expect(opts.slice(firstOptional).some((o) => 'required' in o && o.required)).toBe(false);
    }
    expect(json.map((c) => c.name)).toEqual(COMMANDS.map((c) => c.name));
  });

  it('when a guild id is given then the commands are PUT to that guild with the bot token', async () => {
    const r = await registerDiscordCommands({ token: 'bot-tok', applicationId: '42', guildId: '77', apiBaseUrl: api, commands: COMMANDS });
    expect(r).toEqual({ scope: 'guild', route: '/applications/42/guilds/77/commands', count: COMMANDS.length });
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({ method: 'PUT', url: '/api/v10/applications/42/guilds/77/commands', auth: 'Bot bot-tok' });
    expect(puts[0]!.body).toHaveLength(COMMANDS.length);
  });

  it('when the script runs without a guild id then it registers globally', async () => {
    const root = path.resolve(import.meta.dirname, '../../../..');
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/register-discord-commands.ts'], {
        cwd: root,
        env: { PATH: process.env.PATH, DISCORD_TOKEN: 'bot-tok', DISCORD_APPLICATION_ID: '42', DISCORD_API_BASE_URL: api },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`Registered ${COMMANDS.length} commands (global: /applications/42/commands).\n`);
    expect(puts.map((p) => p.url)).toEqual(['/api/v10/applications/42/commands']);
  });
});
