import { describe, expect, it } from 'vitest';
import { validateOptions } from '../../commands/options.ts';
import { timezoneOption } from '../../commands/shared-options.ts';
import type { OptionSpec } from '../../commands/types.ts';

const RPE: OptionSpec = { name: 'rpe', label: 'RPE', description: 'x', type: 'integer', min: 1, max: 10 };
const KM: OptionSpec = { name: 'km', label: 'Distance', description: 'x', type: 'number', min: 0, max: 500 };
const TIME: OptionSpec = { name: 'morning_time', label: 'Morning time', description: 'x', type: 'time' };
const TODAY = '2026-11-22';

const problems = (specs: OptionSpec[], options: Record<string, string>) => {
  try {
    validateOptions('t', specs, options, TODAY);
    return [];
  } catch (e) {
    return (e as { userMessage: string }).userMessage.split('\n');
  }
};

describe('option parsing: numbers are plain decimals', () => {
  it.each(['0x7', '0b111', '0o7', '7e0', '1e1', 'Infinity', '7abc', '--7', '7..', '1_0'])('when a number is typed as %j then it is refused, not read as a number', (raw) => {
    expect(problems([RPE], { rpe: raw })).toEqual([`RPE must be a number 1–10; you sent "${raw}"`]);
  });

  it('when rpe:0x7 is sent then the reply quotes it back and nothing is accepted', () => {
    expect(problems([RPE], { rpe: '0x7' })).toEqual(['RPE must be a number 1–10; you sent "0x7"']);
  });

  it('when numbers are plain decimals then they are read, with a comma or a point', () => {
    expect(validateOptions('t', [RPE, KM], { rpe: ' 7 ', km: '12,5' }, TODAY)).toEqual({ rpe: 7, km: 12.5 });
    expect(validateOptions('t', [KM], { km: '.5' }, TODAY)).toEqual({ km: 0.5 });
    expect(validateOptions('t', [KM], { km: '+3' }, TODAY)).toEqual({ km: 3 });
    expect(problems([RPE], { rpe: '6.5' })).toEqual(['RPE must be a whole number 1–10; you sent 6.5']);
  });
});

describe('option parsing: every problem at once', () => {
  it('when the time zone is not a zone and the morning time is not a time then both are named', () => {
    expect(problems([timezoneOption, TIME], { timezone: 'Mars/Olympus', morning_time: '25:00' })).toEqual([
      'Time zone must be an IANA zone like Europe/Berlin or America/New_York; you sent "Mars/Olympus"',
      'Morning time must be HH:MM on a 24-hour clock, like 06:30; you sent "25:00"',
    ]);
  });

  it('when the time zone is real then it passes the check', () => {
    expect(validateOptions('t', [timezoneOption], { timezone: 'Europe/Berlin' }, TODAY)).toEqual({ timezone: 'Europe/Berlin' });
  });
});
