import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startService, type Service } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/logger.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { CHANNEL, post, SECRET, slashBody } from '../src/chat/slack/requests.ts';

describe('the service wires Slack inbound on its own HTTP server', () => {
  let service: Service;
  let fake: FakeSlackApi;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twincoach-slack-'));

  beforeAll(async () => {
    fake = await new FakeSlackApi({ channels: [CHANNEL], users: ['U0ATHLETE'] }).start();
    const config = loadConfig({
      MONGODB_URI: inject('mongoUri'),
      MONGODB_DB_NAME: 'slack_wiring',
      HTTP_PORT: '0',
      DATA_DIR: dataDir,
      TF_BACKEND: 'wasm',
      LOG_LEVEL: 'silent',
      SLACK_BOT_TOKEN: fake.token,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_TEAM_CHANNEL: CHANNEL,
      SLACK_API_BASE_URL: fake.apiUrl,
    });
    service = await startService(config, createLogger({ level: 'silent' }), {
      clock: new ManualClock('2026-11-22T08:00:00Z'),
      realTime: false,
      console: false,
      simulation: false,
      retrain: false,
      policy: 'hrv',
    });
  });
  afterAll(async () => {
    await service?.stop('test');
    await fake?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when Slack posts a signed slash command to /slack/events then it is acknowledged and answered', async () => {
    const url = `${service.http!.url}/slack/events`;
    const r = await post(url, slashBody('U0ATHLETE', '/help', '', fake.responseUrl('r1')), 'application/x-www-form-urlencoded');
    expect(r.status).toBe(200);
    for (let i = 0; i < 50 && fake.responses.length === 0 && !r.body.includes('/today'); i++) await new Promise((res) => setTimeout(res, 100));
    const answered = `${r.body} ${JSON.stringify(fake.responses)}`;
    expect(answered).toContain('/today');
  });

  it('when the request is not signed then it is refused with 401', async () => {
    const r = await post(`${service.http!.url}/slack/events`, slashBody('U0ATHLETE', '/help', '', fake.responseUrl('r2')), 'application/x-www-form-urlencoded', { signature: null });
    expect(r.status).toBe(401);
  });
});
