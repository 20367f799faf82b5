import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/logger.ts';
import type { Job } from '../../jobs/job.ts';
import { Scheduler } from '../../jobs/scheduler.ts';

const logger = createLogger({ level: 'silent' });

function recorder(name: string, schedule: string, body?: (now: Date) => Promise<void> | void): Job & { at: string[] } {
  const at: string[] = [];
  return {
    name,
    schedule,
    at,
    async run({ now }) {
      at.push(now.toISOString());
      await body?.(now);
    },
  };
}

describe('scheduler on a virtual clock', () => {
  it('when the clock advances a day then an hourly job runs 24 times at the top of each hour', async () => {
    const clock = new ManualClock('2026-11-22T00:00:00Z');
    const hourly = recorder('hourly', '0 * * * *');
    const s = new Scheduler({ jobs: [hourly], logger, clock });
    await s.advanceTo(new Date('2026-11-23T00:00:00Z'), clock);
    expect(hourly.at).toHaveLength(24);
    expect(hourly.at[0]).toBe('2026-11-22T01:00:00.000Z');
    expect(hourly.at[23]).toBe('2026-11-23T00:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2026-11-23T00:00:00.000Z');
  });

  it('when a job throws then the failure is counted and later runs still happen', async () => {
    const clock = new ManualClock('2026-11-22T00:00:00Z');
    let n = 0;
    const flaky = recorder('flaky', '*/10 * * * *', () => {
      n += 1;
      if (n === 2) throw new Error('boom');
    });
    const s = new Scheduler({ jobs: [flaky], logger, clock });
    await s.advanceTo(new Date('2026-11-22T01:00:00Z'), clock);
    expect(flaky.at).toHaveLength(6);
    expect(s.getStats().flaky).toMatchObject({ runs: 6, failures: 1, lastError: 'boom' });
  });

  it('when a due() pre-check says no then the run is skipped silently', async () => {
    const clock = new ManualClock('2026-11-22T00:00:00Z');
    const job = { ...recorder('tick', '* * * * *'), due: (now: Date) => now.getUTCMinutes() === 30 };
    const s = new Scheduler({ jobs: [job], logger, clock });
    await s.advanceTo(new Date('2026-11-22T02:00:00Z'), clock);
    expect(job.at).toEqual(['2026-11-22T00:30:00.000Z', '2026-11-22T01:30:00.000Z']);
  });

  it('when a run is still in flight then a second trigger is skipped as overlap', async () => {
    const clock = new ManualClock('2026-11-22T00:00:00Z');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = recorder('slow', '* * * * *', () => gate);
    const s = new Scheduler({ jobs: [slow], logger, clock });
    const first = s.runNow('slow');
    // the second trigger joins the first instead of starting another run
    const second = s.runNow('slow');
    release();
    await Promise.all([first, second]);
    expect(slow.at).toHaveLength(1);
    expect(s.getStats().slow!.skippedOverlap).toBe(1);
  });

  it('when two jobs have the same name or a bad cron then construction fails with the reason', () => {
    const clock = new ManualClock('2026-11-22T00:00:00Z');
    expect(() => new Scheduler({ jobs: [recorder('a', '* * * * *'), recorder('a', '* * * * *')], logger, clock })).toThrow(/duplicate job name "a"/);
    expect(() => new Scheduler({ jobs: [recorder('b', '61 * * * *')], logger, clock })).toThrow(/job "b": invalid cron/);
  });

  it('when stopped then running jobs see the abort signal and stop waits for them', async () => {
    const clock = new ManualClock('2026-11-22T00:00:00Z');
    let sawAbort = false;
    const job: Job = {
      name: 'long',
      schedule: '* * * * *',
      run: ({ signal }) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            sawAbort = true;
            setTimeout(resolve, 20);
          });
        }),
    };
    const s = new Scheduler({ jobs: [job], logger, clock });
    const run = s.runNow('long');
    await s.stop(5_000);
    await run;
    expect(sawAbort).toBe(true);
    expect(s.getStats().long!.runs).toBe(1);
  });
});
