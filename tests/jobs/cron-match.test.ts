import { createTask } from 'node-cron';
import { describe, expect, it } from 'vitest';
import { compileUtcCron } from '../../jobs/cron-match.ts';

const EXPRESSIONS = ['* * * * *', '*/10 * * * *', '0 * * * *', '30 2 * * 1', '17 */3 * * *', '0 9-17/2 * * mon-fri', '5,35 4 1,15 * *', '0 0 1 jan,jul *', '45 23 * * 0', '0 12 * * 7', '0 6 13 * 5'];

describe('compiled UTC cron matcher', () => {
  it('when compared with node-cron on 5,000 instants then every expression agrees minute for minute', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const instants = Array.from({ length: 5_000 }, () => new Date(Date.UTC(2026, 0, 1) + Math.floor(rand() * 730 * 1440) * 60_000));
    for (const expr of EXPRESSIONS) {
      const ours = compileUtcCron(expr);
      expect(ours, expr).not.toBeNull();
      const task = createTask(expr, () => undefined, { timezone: 'UTC' });
      const disagreements = instants.filter((at) => ours!(at) !== task.match(at)).map((at) => at.toISOString());
      expect(disagreements.slice(0, 3), expr).toEqual([]);
      void task.destroy();
    }
  });

  it('when an expression uses syntax it does not handle then it returns null (the scheduler falls back to node-cron)', () => {
    expect(compileUtcCron('0 0 * * * *')).toBeNull(); // six fields (seconds)
    expect(compileUtcCron('0 0 L * *')).toBeNull();
    expect(compileUtcCron('61 * * * *')).toBeNull();
  });

  it('when an every-minute expression is compiled then it matches any instant', () => {
    expect(compileUtcCron('* * * * *')!(new Date('2026-03-29T01:37:00Z'))).toBe(true);
    expect(compileUtcCron('30 2 * * 1')!(new Date('2026-03-30T02:30:00Z'))).toBe(true);
    expect(compileUtcCron('30 2 * * 1')!(new Date('2026-03-31T02:30:00Z'))).toBe(false);
  });
});
