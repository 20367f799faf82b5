/**
 * Issue 17 "Numbers contradict each other in one message": for one seeded athlete, fitness (CTL), fatigue
 * (ATL) and form (TSB) must read the same on every surface — the morning message's text and its chart
 * caption, /today, /why, /history, and the coach's team board — and form must equal fitness − fatigue as
 * shown. The history is longer than the decision's window (90 days) so a surface that computes from a
 * different window, seed or day boundary shows different numbers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeAthleteChart } from '../../src/charts/index.ts';
import { presentMorning, presentTeamBoard } from '../../src/core/presenters/index.ts';
import type { ChatMessage } from '../../src/core/chat.ts';
import { datesBefore, ouraDays } from '../src/core/support/harness.ts';
import { useCommands } from './support.ts';

const h = useCommands('2026-11-22T07:00:00Z');
const TODAY = '2026-11-22';
const DAYS = datesBefore(TODAY, 150).concat(TODAY);

let athleteId = '';

beforeAll(async () => {
  const r = await h.say('numbers', '/register sport:running agree:yes timezone:Europe/London');
  expect(r.failure).toBeUndefined();
  athleteId = (await h.core.resolveActor('discord', 'numbers')).personId;
  const created = await h.say('numbercoach', '/team create name:Counters', { workspaceId: 'g-num', channelId: 'ch-num' });
  expect(created.failure).toBeUndefined();
  expect((await h.say('numbers', '/join', { workspaceId: 'g-num', channelId: 'ch-num' })).failure).toBeUndefined();
  // A long steady base, then a heavy last week: fatigue well above fitness this morning.
  await h.core.recordSourceDays(
    athleteId,
    ouraDays(DAYS, (i) => ({ hrv: 60 + ((i * 7) % 5) - 2, rhr: 48, sleep: 7.5, load: i === 150 ? undefined : i >= 143 ? 110 : i % 7 === 0 ? 0 : 45 + (i % 3) * 10 })),
  );
});

const text = (m: ChatMessage) => [m.title, m.summary, ...(m.sections ?? []).map((s) => `${s.title}\n${s.text ?? ''}${(s.fields ?? []).map((f) => `${f.label} ${f.value}`).join('\n')}`), m.image?.alt ?? ''].join('\n');
const toNumber = (s: string) => Number(s.replace('−', '-').replace('+', ''));

/** Every "fitness (CTL) n, fatigue (ATL) n, form (TSB) n" triple in a text. */
function triples(t: string): { ctl: number; atl: number; tsb: number }[] {
  const re = /fitness \(CTL\):? ([−+-]?\d+(?:\.\d+)?)[^\n]*?fatigue \(ATL\):? ([−+-]?\d+(?:\.\d+)?)[^\n]*?form \(TSB\):? ([−+-]?\d+(?:\.\d+)?)/gi;
  return [...t.matchAll(re)].map((m) => ({ ctl: toNumber(m[1]!), atl: toNumber(m[2]!), tsb: toNumber(m[3]!) }));
}

describe('one definition of fitness, fatigue and form', () => {
  it('when the athlete reads the morning message, /today, /why, /history and the coach the board then every surface shows the same fitness, fatigue and form', async () => {
    const rx = await h.core.prescribeForDay(athleteId, TODAY);
    const state = rx.state as { ctl: number; atl: number };
    const want = { ctl: Math.round(state.ctl), atl: Math.round(state.atl), tsb: Math.round(state.ctl) - Math.round(state.atl) };
    expect(want.tsb).toBeLessThan(-5); // the heavy week shows

    const actor = await h.core.resolveActor('discord', 'numbers');
    const history = await h.core.athleteHistory(actor, athleteId, { days: 42, endDate: TODAY });
    const morning = presentMorning({ prescription: rx, athlete: { displayName: 'Numbers' }, history, charts: h.charts });
    const caption = describeAthleteChart(h.charts.athleteCalls.at(-1)!.data);
    const today = (await h.say('numbers', '/today')).message!;
    const todayCaption = describeAthleteChart(h.charts.athleteCalls.at(-1)!.data);
    const why = (await h.say('numbers', '/why')).message!;
    const hist = (await h.say('numbers', '/history')).message!;
    const histCaption = describeAthleteChart(h.charts.athleteCalls.at(-1)!.data);
    const board = (await h.say('numbercoach', '/team board', { workspaceId: 'g-num', channelId: 'ch-num' })).message!;
    const direct = presentTeamBoard(await h.core.teamBoard(await h.core.resolveActor('discord', 'numbercoach'), (await h.core.whoAmI(await h.core.resolveActor('discord', 'numbercoach'))).teams[0]!.teamId, TODAY), { detail: 'full' });

    const surfaces: Record<string, string> = {
      morning: text(morning),
      'morning chart caption': caption,
      '/today': text(today),
      '/today chart caption': todayCaption,
      '/why': text(why),
      '/history': text(hist),
      '/history chart caption': histCaption,
      '/team board': text(board),
      'team board (presenter)': text(direct),
    };
    for (const [name, t] of Object.entries(surfaces)) {
      const found = triples(t);
      expect(found.length, `${name} shows fitness, fatigue and form:\n${t}`).toBeGreaterThan(0);
      for (const f of found) expect(f, `${name}:\n${t}`).toEqual(want);
    }
    // The chart's last day is this morning, the same numbers the decision used.
    const data = h.charts.athleteCalls.at(-1)!.data;
    expect(Math.round(data.ctl.at(-1)!)).toBe(want.ctl);
    expect(Math.round(data.atl.at(-1)!)).toBe(want.atl);
  });
});
