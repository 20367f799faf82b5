import { dayLabel } from '../src/core/presenters/index.ts';
import { dateOption } from './shared-options.ts';
import { done, me } from './support.ts';
import { defineCommand } from './types.ts';

export const resultCommand = defineCommand({
  name: 'result',
  description: 'Log a test result with its unit, e.g. 400m 52.3 s or FTP 280 W',
  audience: 'athlete',
  options: [
    { name: 'test', label: 'Test', description: 'Test name, e.g. 400m, 5k, FTP', type: 'string', required: true, max: 40 },
    { name: 'value', label: 'Value', description: 'The result as a number', type: 'number', required: true },
    { name: 'unit', label: 'Unit', description: 'Its unit: s, min, W, m, kg …', type: 'string', required: true, max: 16 },
    dateOption('Which day (default today)'),
  ],
  examples: ['/result test:400m value:52.3 unit:s'],
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    const date = ctx.values.date ?? ctx.today;
    const value = ctx.values.value;
    const { feedback: f } = await deps.core.recordTestResult(actor, { date, test: ctx.values.test, value, unit: ctx.values.unit });
    const t = f.tests.find((x) => x.test.toLowerCase() === ctx.values.test.toLowerCase())!;
    return done(`Result saved — ${dayLabel(f.date)}`, `${t.test}: ${t.value} ${t.unit} (${t.higherIsBetter ? 'higher' : 'lower'} is better)`);
  },
});
