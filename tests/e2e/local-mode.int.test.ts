/**
 * End to end: the service in local mode on the test database with a virtual clock, 14 simulated days.
 * The simulated athletes live through the real jobs (nightly ingest of their twin's data, morning
 * delivery through the outbox, feedback through the command dispatcher, reminders) and the coach
 * overrides a session that was already delivered.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startService, type Service } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { addDays } from '../../src/core/local-time.ts';
import { createLogger } from '../../src/logger.ts';
import { RecordingSender } from './support/recording-sender.ts';

const START = '2026-03-02T05:00:00Z'; // London 05:00, New York 00:00, St John's 01:30: before every morning
const DAYS = 14;
const ZONES = ['Europe/London', 'America/New_York', 'America/St_Johns']; // NY and St John's spring forward on 8 March

describe('local mode over 14 virtual days', () => {
  let service: Service;
  const sender = new RecordingSender('console');
  const clock = new ManualClock(START);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twincoach-e2e-'));
  let override: { athleteId: string; date: string; previousType: string } | undefined;
  let overrideReply = '';

  beforeAll(async () => {
    const config = loadConfig({
      MONGODB_URI: inject('mongoUri'),
      MONGODB_DB_NAME: `e2e_${randomBytes(4).toString('hex')}`,
      HTTP_PORT: '0',
      DATA_DIR: dataDir,
      TF_BACKEND: 'wasm',
      SIMULATED_ATHLETES: '3',
      DEFAULT_TIMEZONE: 'Europe/London',
      LOG_LEVEL: 'silent',
    });
    service = await startService(config, createLogger({ level: 'silent' }), {
      clock,
      realTime: false,
      console: false,
      senders: [sender],
      simulation: { timezones: ZONES, stateFile: undefined, mornings: ['06:30', '06:30', '06:30'] },
      morningCharts: false,
      retrain: false,
      schedulesTtlMs: 60 * 60_000,
    });
    // Five days, then the coach overrides Alex's session of the day after it was delivered (09:00 London).
    await service.scheduler.advanceTo(new Date('2026-03-06T09:00:00Z'), clock);
    const alex = [...service.simulation!.athletes.values()].find((a) => a.displayName === 'Alex')!;
    const before = await service.repos.prescriptions.get(alex.athleteId, '2026-03-06');
    const type = before!.session.type === 'REST' ? 'ACTIVE_RECOVERY' : 'REST';
    const reply = await service.dispatch({ platform: 'console', platformUserId: 'coach', command: 'override', options: { athlete: 'Alex', session: type, reason: 'travel day', ...(type === 'REST' ? {} : { minutes: '30' }) }, source: 'text' });
    overrideReply = `${reply.message?.title ?? ''} ${reply.message?.summary ?? ''} ${reply.failure?.code ?? ''}`;
    override = { athleteId: alex.athleteId, date: '2026-03-06', previousType: before!.session.type };
    await service.scheduler.advanceTo(new Date(Date.parse(START) + DAYS * 86_400_000), clock);
  }, 600_000);

  afterAll(async () => {
    await service?.stop('test');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when 14 days pass then every athlete got exactly one morning message per local day, 14 in all', async () => {
    for (const a of service.simulation!.athletes.values()) {
      const rxs = await service.repos.prescriptions.listRange([a.athleteId], '2026-02-01', '2026-04-01');
      const byId = new Map(rxs.map((r) => [r.id, r.date]));
      const mornings = sender.to(a.userId).filter((r) => r.key.endsWith(':dm') && byId.has(r.key.slice(0, -3)));
      const dates = mornings.map((m) => byId.get(m.key.slice(0, -3))!);
      const expected = Array.from({ length: DAYS }, (_, i) => addDays('2026-03-02', i));
      expect(dates, a.displayName).toEqual(expected);
      expect(new Set(mornings.map((m) => m.key)).size).toBe(mornings.length);
      // the database agrees: each day's DM is recorded as sent
      expect(rxs.filter((r) => r.delivery.dm?.status === 'sent').map((r) => r.date).sort()).toEqual(expected);
    }
  });

  it('when mornings go out then the team channel gets one summary line per athlete-day and no health details', () => {
    const lines = sender.channel('team');
    expect(lines).toHaveLength(DAYS * 3);
    expect(new Set(lines.map((l) => l.key)).size).toBe(lines.length);
    for (const l of lines) {
      expect(l.message.sections ?? []).toEqual([]);
      expect(l.message.summary).not.toMatch(/HRV|resting|sleep/i);
    }
  });

  it('when athletes send feedback then their twin parameters change (new versions from feedback)', async () => {
    let changed = 0;
    for (const a of service.simulation!.athletes.values()) {
      const versions = (await service.repos.twinParams.list(a.athleteId)).filter((v) => v.source === 'feedback');
      const feedback = await service.repos.feedback.listRange([a.athleteId], '2026-03-01', '2026-03-16');
      expect(feedback.length, a.displayName).toBeGreaterThan(0);
      expect(versions.length, a.displayName).toBeGreaterThan(0);
      const hrvSens = new Set(versions.map((v) => (v.params as { hrvSens: number }).hrvSens));
      if (hrvSens.size > 1) changed += 1;
    }
    expect(changed).toBeGreaterThan(0);
  });

  it('when the coach overrides a delivered session then it replaces it, the athlete is told, and the athlete trains to it', async () => {
    expect(overrideReply).toMatch(/Session set for Alex/);
    const rx = await service.repos.prescriptions.get(override!.athleteId, override!.date);
    expect(rx!.override).toBeDefined();
    expect(rx!.override!.previous!.type).toBe(override!.previousType);
    expect(rx!.session.type).not.toBe(override!.previousType);
    const alex = service.simulation!.athletes.get(override!.athleteId)!;
    const updates = sender.to(alex.userId).filter((r) => r.key.startsWith(`${rx!.id}:dm`));
    expect(updates.map((u) => u.key)).toEqual([`${rx!.id}:dm`, `${rx!.id}:dm:r${rx!.revision}`]);
    expect(updates[1]!.message.title).toMatch(/^Changed by your coach/);
    expect(alex.days.get(override!.date)!.prescribed).toBe(rx!.session.type);
  });

  it('when an athlete forgets feedback then one reminder at most per day, never on a REST day, and late replies count', async () => {
    let total = 0;
    for (const a of service.simulation!.athletes.values()) {
      const reminders = sender.to(a.userId).filter((r) => r.key.startsWith('reminder:'));
      const dates = reminders.map((r) => r.key.split(':')[2]!);
      total += dates.length;
      expect(new Set(dates).size).toBe(dates.length);
      for (const d of dates) {
        const rx = await service.repos.prescriptions.get(a.athleteId, d);
        expect(rx!.session.type).not.toBe('REST');
      }
    }
    // the seeded squad forgets sometimes: the reminders happened and some were answered late
    expect(service.simulation!.counters.forgot).toBeGreaterThan(0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(service.simulation!.counters.forgot);
  });
});
