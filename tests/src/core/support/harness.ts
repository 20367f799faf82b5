/**
 * Core wired to the embedded database for integration tests: real repositories (src/db), the fake engine,
 * a recording notifier, a fake twin updater and a settable clock. One per test file (fresh database).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll } from 'vitest';
import { TokenCipher } from '../../../../src/core/crypto.ts';
import { createUseCases, type UseCases } from '../../../../src/core/index.ts';
import type { SourceDay } from '../../../../src/core/metrics.ts';
import type { CoreDeps, CoreEvent, Notifier, TwinUpdateInput, TwinUpdater } from '../../../../src/core/ports.ts';
import type { Actor, Platform } from '../../../../src/core/types.ts';
import { createRepositories } from '../../../../src/db/index.ts';
import { registerModels } from '../../../../src/db/models.ts';
import { mergeSourceDays } from '../../../../src/wearables/merge.ts';
import { useTestDatabase, type TestDatabase } from '../../../helpers/db.ts';
import { FakeEngine } from './fake-engine.ts';

/** A clock tests can set anywhere (ManualClock only moves forward). */
export class TestClock {
  private t: number;
  constructor(start: string) {
    this.t = Date.parse(start);
  }
  now(): Date {
    return new Date(this.t);
  }
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
  advanceDays(n: number): void {
    this.t += n * 86_400_000;
  }
}

export class RecordingNotifier implements Notifier {
  events: CoreEvent[] = [];
  async publish(e: CoreEvent): Promise<void> {
    this.events.push(e);
  }
}

/** Nudges a "fatigueSensitivity" parameter by the RPE it was told; counts calls. */
export class FakeTwin implements TwinUpdater {
  inputs: TwinUpdateInput[] = [];
  async update(input: TwinUpdateInput) {
    this.inputs.push(input);
    const prev = (input.current?.params.fatigueSensitivity as number | undefined) ?? 1;
    const rpe = input.observation.rpe;
    if (rpe === undefined) return null;
    return { params: { fatigueSensitivity: Math.round((prev * 0.9 + (rpe / 5) * 0.1) * 1000) / 1000 }, uncertainty: { fatigueSensitivity: 0.1 } };
  }
}

export const TEST_KEY = randomBytes(32).toString('base64');

export interface CoreHarness {
  readonly db: TestDatabase;
  readonly core: UseCases;
  readonly deps: CoreDeps;
  readonly clock: TestClock;
  readonly engine: FakeEngine;
  readonly twin: FakeTwin;
  readonly notifier: RecordingNotifier;
  readonly cipher: TokenCipher;
}

export function useCore(start = '2026-11-22T07:00:00Z'): CoreHarness {
  const db = useTestDatabase({ register: registerModels });
  const clock = new TestClock(start);
  const engine = new FakeEngine();
  const twin = new FakeTwin();
  const notifier = new RecordingNotifier();
  const cipher = new TokenCipher({ current: TEST_KEY });
  let deps: CoreDeps | undefined;
  let core: UseCases | undefined;
  beforeAll(() => {
    const repos = createRepositories(db.connection, { cipher, mutex: { waitMs: 30_000 } });
    deps = { ...repos, clock, newId: randomUUID, engine, twin, notifier, mergeDays: mergeSourceDays };
    core = createUseCases(deps);
  });
  return {
    db,
    clock,
    engine,
    twin,
    notifier,
    cipher,
    get deps() {
      return deps!;
    },
    get core() {
      return core!;
    },
  };
}

let counter = 0;
export const uid = (prefix: string) => `${prefix}${++counter}-${randomBytes(3).toString('hex')}`;

export async function athlete(
  h: CoreHarness,
  name: string,
  extra: { platform?: Platform; timezone?: string; teamId?: string } = {},
): Promise<Actor> {
  const { actor } = await h.core.registerAthlete({
    platform: extra.platform ?? 'discord',
    platformUserId: uid('u'),
    displayName: name,
    timezone: extra.timezone ?? 'Europe/London',
    sport: 'running',
    level: 'trained',
    consentVersion: '2026-11',
  });
  if (extra.teamId) await h.core.joinTeam(actor, extra.teamId);
  return actor;
}

export async function coachWithTeam(h: CoreHarness, name: string, settings: { approvalMode?: boolean } = {}): Promise<{ coach: Actor; teamId: string }> {
  const { actor } = await h.core.registerPerson({ platform: 'discord', platformUserId: uid('c'), displayName: name, timezone: 'Europe/London' });
  const team = await h.core.createTeam(actor, { name: `${name}'s squad`, binding: { platform: 'discord', workspaceId: uid('g'), channelId: uid('ch') }, settings });
  return { coach: actor, teamId: team.id };
}

/** Wearable days (Oura-like): hrv, resting HR, sleep, and a workout load. */
export function ouraDays(dates: string[], values: (i: number) => { hrv?: number; rhr?: number; sleep?: number; load?: number } = () => ({ hrv: 60, rhr: 50, sleep: 7.5 })): SourceDay[] {
  return dates.map((date, i) => {
    const v = values(i);
    const metrics: SourceDay['metrics'] = {};
    if (v.hrv !== undefined) metrics.hrvRmssd = v.hrv;
    if (v.rhr !== undefined) metrics.restingHr = v.rhr;
    if (v.sleep !== undefined) metrics.sleepHours = v.sleep;
    const workouts: SourceDay['workouts'] =
      v.load !== undefined && v.load > 0
        ? [{ source: 'oura', externalId: `w-${date}`, date, start: `${date}T17:00:00+00:00`, minutes: 60, load: v.load, loadMethod: 'tss' }]
        : [];
    if (v.load !== undefined) metrics.load = v.load;
    return { source: 'oura', date, metrics, raw: { score: 80 }, workouts };
  });
}

export function datesBefore(date: string, n: number): string[] {
  const t = Date.parse(`${date}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => new Date(t - (n - i) * 86_400_000).toISOString().slice(0, 10));
}

export { randomUUID };
