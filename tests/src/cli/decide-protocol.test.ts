import { describe, expect, it } from 'vitest';
import { parseDecideLine } from '../../../src/cli/decide-protocol.ts';

const ok = { athleteId: 'a1', date: '2026-11-22', history: [{ date: '2026-11-20', load: 50 }, { date: '2026-11-21', hrvRmssd: 60 }] };

describe('decide protocol', () => {
  it('when a line is a valid request then it is parsed with its history', () => {
    const r = parseDecideLine(JSON.stringify(ok), 1);
    expect(r).toEqual({ ok: true, request: ok });
  });

  it.each([
    ['not json', 'DECIDE.INVALID_JSON', /line 3 is not valid JSON/],
    ['[1,2]', 'DECIDE.INVALID_REQUEST', /must be a JSON object/],
    [JSON.stringify({ date: '2026-11-22', history: [] }), 'DECIDE.MISSING_FIELD', /^athleteId is required$/],
    [JSON.stringify({ athleteId: 'a', history: [] }), 'DECIDE.MISSING_FIELD', /^date is required$/],
    [JSON.stringify({ athleteId: 'a', date: '2026-11-22' }), 'DECIDE.MISSING_FIELD', /^history is required$/],
    [JSON.stringify({ ...ok, date: '2026-02-30' }), 'DECIDE.INVALID_FIELD', /^date is not a real calendar date$/],
    [JSON.stringify({ ...ok, history: [{ date: '2026-11-20', load: 'lots' }] }), 'DECIDE.INVALID_FIELD', /^history\[0\]\.load must be number \(got "lots"\)$/],
    [JSON.stringify({ ...ok, athleteId: 7 }), 'DECIDE.INVALID_FIELD', /^athleteId must be string \(got 7\)$/],
    [JSON.stringify({ ...ok, history: 'none' }), 'DECIDE.INVALID_FIELD', /^history must be array \(got "none"\)$/],
    [JSON.stringify({ ...ok, history: [{ date: '2026-11-21' }, { date: '2026-11-20' }] }), 'DECIDE.HISTORY_OUT_OF_ORDER', /history\[1\]\.date 2026-11-20 is not after history\[0\]\.date 2026-11-21/],
    [JSON.stringify({ ...ok, history: [{ date: '2026-11-23' }] }), 'DECIDE.HISTORY_AFTER_DATE', /after the requested date/],
    [JSON.stringify({ ...ok, sport: 'chess' }), 'DECIDE.INVALID_FIELD', /^sport /],
    [JSON.stringify({ ...ok, history: [{ date: '2026-11-21', hrvRmssd: -5 }] }), 'DECIDE.INVALID_FIELD', /^history\[0\]\.hrvRmssd /],
  ])('when the line is %s then the error code is %s', (line, code, message) => {
    const r = parseDecideLine(line, 3);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.line).toBe(3);
    expect(r.error.error.code).toBe(code);
    expect(r.error.error.message).toMatch(message);
  });
});

describe('decide protocol: nested values', () => {
  it.each([
    [{ date: '2026-11-20', wellness: { mood: 9 } }, 'history[0].wellness.mood must be between 1 and 5 (got 9)'],
    [{ date: '2026-11-20', wellness: 'great' }, 'history[0].wellness must be object (got "great")'],
    [{ date: '2026-11-20', testResult: { test: '5k', value: 'fast', unit: 's', higherIsBetter: false } }, /^history\[0\]\.testResult\.value /],
    [{ date: '2026-11-20', sessionType: 'YOGA' }, /^history\[0\]\.sessionType must be one of REST, /],
    [{ load: 50 }, 'history[0].date is required'],
  ])('when a history entry is %j then the message is exact', (entry, message) => {
    const r = parseDecideLine(JSON.stringify({ athleteId: 'a', date: '2026-11-22', history: [entry] }), 1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.error.message).toMatch(typeof message === 'string' ? new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : message);
  });
});
