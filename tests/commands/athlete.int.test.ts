import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandDispatcher, createRegistry } from '../../commands/index.ts';
import { FileExportPublisher } from '../../src/local/file-export.ts';
import { createLogger } from '../../src/logger.ts';
import { decodeAction } from '../../src/core/presenters/index.ts';
import { INTERVALS_ATHLETE } from '../fakes/intervals.ts';
import { ouraDays, datesBefore } from '../src/core/support/harness.ts';
import { count, useCommands } from './support.ts';

const h = useCommands('2026-11-22T07:00:00Z');
const TODAY = '2026-11-22';

async function register(user: string, extra = '') {
  const r = await h.say(user, `/register sport:running agree:yes timezone:Europe/London ${extra}`);
  expect(r.failure).toBeUndefined();
  return (await h.core.resolveActor('discord', user)).personId;
}

describe('/register, /link, /help', () => {
  it('when /register is typed without options then the sign-up form comes back and nothing is stored', async () => {
    const r = await h.say('newbie', '/register');
    expect(r.message).toBeUndefined();
    expect(r.form).toMatchObject({ command: 'register', title: 'Join twincoach' });
    expect(r.form!.inputs.map((i) => i.name)).toEqual(['sport', 'level', 'timezone', 'morning_time', 'agree']);
    await expect(h.core.resolveActor('discord', 'newbie')).rejects.toMatchObject({ code: 'AUTH.UNKNOWN_USER' });
  });

  it('when the athlete does not agree to the privacy notice then registration is refused and no person is stored', async () => {
    const before = await count(h, 'Person');
    const r = await h.submit('refuser', 'register', { sport: 'running', agree: 'no' });
    expect(r.failure?.code).toBe('CONSENT.REQUIRED');
    expect(r.message!.summary).toMatch(/privacy notice/);
    expect(await count(h, 'Person')).toBe(before);
  });

  it('when the sign-up form is submitted then the athlete exists with those settings and is welcomed', async () => {
    const r = await h.submit('formy', 'register', { sport: 'cycling', level: 'trained', timezone: 'Europe/Berlin', morning_time: '07:15', agree: 'yes' });
    expect(r.message!.title).toBe('Welcome, Formy');
    expect(r.message!.summary).toBe('You’re registered as a trained cycling athlete. Your session arrives at 07:15 (Europe/Berlin).');
    const actor = await h.core.resolveActor('discord', 'formy');
    expect((await h.core.whoAmI(actor)).athlete).toMatchObject({ sport: 'cycling', level: 'trained', morningTime: '07:15', consent: { version: '2026-11' } });
  });

  it('when a stranger runs an athlete command then they are told to register', async () => {
    const r = await h.say('stranger', '/today');
    expect(r.failure?.code).toBe('AUTH.UNKNOWN_USER');
    expect(r.message).toMatchObject({ title: 'Not allowed', ephemeral: true });
    expect(r.message!.summary).toMatch(/\/register/);
  });

  it('when a link code from Discord is redeemed on Slack then the Slack account acts as the same person', async () => {
    const personId = await register('linker');
    const code = (await h.say('linker', '/link')).message!.summary.match(/code:([A-Z0-9]{4}-[A-Z0-9]{4})/)![1]!;
    const r = await h.say('U0LINKER', `/link ${code}`, { platform: 'slack' });
    expect(r.message!.title).toBe('Accounts linked');
    expect((await h.core.resolveActor('slack', 'U0LINKER')).personId).toBe(personId);
    const again = await h.say('U0OTHER', `/link code:${code}`, { platform: 'slack' });
    expect(again.failure?.code).toBe('LINK.CODE_USED');
  });

  it('when /help is asked by an athlete then athlete commands are listed with their options', async () => {
    await register('helpee');
    const r = await h.say('helpee', '/help');
    const athletes = r.message!.sections!.find((s) => s.title === 'Athletes')!.text!;
    expect(athletes).toContain('`/feedback [rpe:<1–10>] [minutes:<0–600>] [completion:<done|partial|skipped>] [soreness:<1–5>] [notes:<text>] [date:<yyyy-mm-dd>]`');
    expect(r.message!.sections!.some((s) => s.title === 'Coaches')).toBe(false);
  });

  it('when /help is asked by a coach who is no athlete then the athletes\' commands are listed too', async () => {
    await h.say('helpcoach', '/team create name:Helpers');
    const r = await h.say('helpcoach', '/help');
    expect(r.message!.sections!.map((s) => s.title)).toEqual(['Your athletes use', 'Coaches', 'Everyone']);
    expect(r.message!.sections![0]!.text).toContain('`/feedback [rpe:<1–10>]');
  });
});

describe('/today and /why', () => {
  it('when /today runs the first time then a session is prescribed and presented with reasons, buttons and a chart', async () => {
    const id = await register('today1');
    // Two days of 80 before today: the fake engine picks ENDURANCE after > 150 load in two days.
    await h.core.recordSourceDays(id, ouraDays(datesBefore(TODAY, 20), () => ({ hrv: 60, rhr: 50, sleep: 7.5, load: 80 })));
    const calls = h.engine.requestCount;
    const r = await h.say('today1', '/today');
    expect(r.failure).toBeUndefined();
    expect(r.message!.title).toBe('Sun 22 Nov — Endurance 60 min');
    expect(r.message!.sections!.map((s) => s.title)).toContain('Why today');
    expect(r.message!.buttons!.map((b) => b.label)).toEqual(['Done', 'Too hard', 'Skipped', 'Why?']);
    expect(r.message!.image?.png).toEqual(Buffer.from('png-athlete'));
    expect(r.message!.ephemeral).toBe(true);
    expect(h.engine.requestCount).toBe(calls + 1);
    const again = await h.say('today1', '/today');
    expect(again.message!.title).toBe(r.message!.title);
    expect(h.engine.requestCount).toBe(calls + 1);
    expect(await count(h, 'Prescription', { athleteId: id })).toBe(1);
  });

  it('when /why follows /today then every reason and the safety rules are explained', async () => {
    await register('why1');
    await h.say('why1', '/today');
    const r = await h.say('why1', '/why');
    expect(r.message!.title).toMatch(/^Why: Sun 22 Nov — /);
    expect(r.message!.sections!.map((s) => s.title)).toEqual(expect.arrayContaining(['Every reason, most important first', 'Safety rules', 'Your recent training']));
  });

  it('when /why is asked for a day without a session then it says so', async () => {
    await register('why2');
    const r = await h.say('why2', '/why date:yesterday');
    expect(r.message!.title).toBe('No session for 2026-11-21 yet');
  });
});

describe('/feedback, /checkin, /result', () => {
  it.each([
    ['rpe:15', 'RPE must be 1–10; you sent 15'],
    ['rpe:6.5', 'RPE must be a whole number 1–10; you sent 6.5'],
    ['rpe:hard', 'RPE must be a number 1–10; you sent "hard"'],
    ['completion:mostly', 'Completion must be done, partial or skipped; you sent "mostly"'],
    ['minutes:900 soreness:0', 'Minutes must be 0–600; you sent 900\nSoreness must be 1–5; you sent 0'],
    ['date:someday rpe:5', 'Date must be a date like 2026-11-22 (or today, yesterday); you sent "someday"'],
  ])('when /feedback %s is sent then it says exactly what was wrong and stores nothing', async (args, message) => {
    const id = await register(`fbv${args.length}${args.charCodeAt(0)}${args.charCodeAt(5)}`);
    const r = await h.say(`fbv${args.length}${args.charCodeAt(0)}${args.charCodeAt(5)}`, `/feedback ${args}`);
    expect(r.failure?.code).toBe('COMMAND.INVALID_OPTION');
    expect(r.message!.summary).toBe(message);
    expect(r.message!.footer).toMatch(/^Usage: \/feedback /);
    expect(await count(h, 'Feedback', { athleteId: id })).toBe(0);
  });

  it('when /feedback has an option it does not know then the options it has are listed', async () => {
    await register('fbu');
    const r = await h.say('fbu', '/feedback rpe:5 effort=7');
    expect(r.failure?.code).toBe('COMMAND.UNKNOWN_OPTION');
    expect(r.message!.summary).toBe('/feedback has no option "effort". Its options: rpe, minutes, completion, soreness, notes, date.');
  });

  it('when /feedback is typed with values then they are stored and confirmed', async () => {
    const id = await register('fb1');
    const r = await h.say('fb1', '/feedback rpe:7 minutes:60 completion:done notes:"legs heavy"');
    expect(r.message).toMatchObject({ title: 'Feedback saved — Sun 22 Nov', summary: 'done · RPE 7 · 60 min\n_“legs heavy”_', tone: 'green' });
    expect(await h.deps.feedback.get(id, TODAY, 'main')).toMatchObject({ rpe: 7, minutes: 60, completion: 'done', notes: 'legs heavy' });
  });

  it('when the Too hard button is pressed then the feedback form opens prefilled, and submitting it stores the values', async () => {
    const id = await register('fb2');
    const morning = (await h.say('fb2', '/today')).message!;
    const tooHard = morning.buttons!.find((b) => b.label === 'Too hard')!;
    const r = await h.press('fb2', tooHard.id);
    expect(r.message).toBeUndefined();
    expect(r.form).toMatchObject({ command: 'feedback', context: { date: TODAY }, title: 'Feedback — Sun 22 Nov' });
    expect(Object.fromEntries(r.form!.inputs.map((i) => [i.name, i.initial]))).toMatchObject({ rpe: '9', completion: 'done' });
    expect(await count(h, 'Feedback', { athleteId: id })).toBe(0);
    const saved = await h.submit('fb2', 'feedback', { ...r.form!.context, rpe: '9', completion: 'done', minutes: '45' });
    expect(saved.message!.title).toBe('Feedback saved — Sun 22 Nov');
    expect(await h.deps.feedback.get(id, TODAY, 'main')).toMatchObject({ rpe: 9, minutes: 45, completion: 'done' });
  });

  it('when a submitted feedback form is empty then the core refuses it and nothing is stored', async () => {
    const id = await register('fb3');
    const r = await h.submit('fb3', 'feedback', { date: TODAY });
    expect(r.failure?.code).toBe('FEEDBACK.EMPTY');
    expect(await count(h, 'Feedback', { athleteId: id })).toBe(0);
  });

  it('when a check-in is sent then the five items are stored; an item out of range is named', async () => {
    const id = await register('ci1');
    const bad = await h.say('ci1', '/checkin sleep:4 stress:9');
    expect(bad.message!.summary).toBe('Stress must be 1–5; you sent 9');
    expect(await count(h, 'Feedback', { athleteId: id })).toBe(0);
    const ok = await h.say('ci1', '/checkin sleep:4 fatigue:3 stress:4 mood:5 soreness:2');
    expect(ok.message!.summary).toBe('sleep quality 4/5 · fatigue 3/5 · stress 4/5 · mood 5/5 · soreness 2/5');
    expect((await h.deps.feedback.get(id, TODAY, 'main'))!.wellness).toEqual({ sleepQuality: 4, fatigue: 3, stress: 4, mood: 5, soreness: 2 });
  });

  it('when /checkin is typed alone then the check-in form comes back', async () => {
    await register('ci2');
    const r = await h.say('ci2', '/checkin');
    expect(r.form!.inputs.map((i) => i.name)).toEqual(['sleep', 'fatigue', 'stress', 'mood', 'soreness']);
  });

  it('when a test result is logged with its unit then it is stored; a value that is not a number is refused', async () => {
    const id = await register('res1');
    const bad = await h.say('res1', '/result 400m fast s');
    expect(bad.message!.summary).toBe('Value must be a number; you sent "fast"');
    const ok = await h.say('res1', '/result 400m 52.3 s');
    expect(ok.message!.summary).toBe('400m: 52.3 s (lower is better)');
    expect((await h.deps.feedback.get(id, TODAY, 'main'))!.tests).toEqual([{ test: '400m', value: 52.3, unit: 's', higherIsBetter: false }]);
  });
});

describe('/history, /week, /connect, /disconnect, /settings, /pause, /resume', () => {
  it('when /history is asked then six weeks come back with the chart of 42 days', async () => {
    const id = await register('hist1');
    await h.core.recordSourceDays(id, ouraDays(datesBefore(TODAY, 30), () => ({ hrv: 60, rhr: 50, sleep: 7.5, load: 70 })));
    h.charts.athleteCalls.length = 0;
    const r = await h.say('hist1', '/history');
    expect(r.message!.title).toBe('Your last 6 weeks — Mon 12 Oct to Sun 22 Nov');
    expect(h.charts.athleteCalls[0]!.data.days).toHaveLength(42);
    expect(r.message!.image).toBeDefined();
  });

  it('when /week is asked after feedback then the day shows what was reported', async () => {
    await register('week1');
    await h.say('week1', '/today');
    await h.say('week1', '/feedback rpe:6 completion:done');
    const r = await h.say('week1', '/week');
    expect(r.message!.sections![0]!.text).toMatch(/▶ \*Sun 22 Nov\* — .* — ✓ done · RPE 6$/);
  });

  it('when an OAuth provider is connected then the athlete gets the sign-in link for their id', async () => {
    const id = await register('conn1');
    const r = await h.say('conn1', '/connect provider:oura');
    expect(r.message!.summary).toBe(`Open this link and allow twincoach to read your data: https://twincoach.test/oauth/oura/start?state=s-${id.slice(0, 6)}`);
    expect(h.links.calls.at(-1)).toEqual({ athleteId: id, provider: 'oura', platform: 'discord' });
  });

  it('when intervals.icu is connected with an API key then it is checked with intervals.icu, stored, the account named, and the key never logged', async () => {
    const id = await register('conn2');
    h.intervals.apiKeys.add('SECRETKEY123');
    const r = await h.say('conn2', `/connect provider:intervals api_key:SECRETKEY123 athlete_id:${INTERVALS_ATHLETE}`);
    expect(r.message!.title).toBe('intervals.icu connected');
    expect(r.message!.summary).toBe(
      `I’ll read your wellness and activities from the intervals.icu account athlete@example.org (user id ${INTERVALS_ATHLETE}) every night. /disconnect provider:intervals stops it.`,
    );
    expect(await h.deps.connections.get(id, 'intervals')).toMatchObject({ status: 'active', tokens: { accessToken: 'SECRETKEY123', kind: 'api_key', externalUserId: INTERVALS_ATHLETE } });
    expect(h.logs.text).not.toContain('SECRETKEY123');
    const off = await h.say('conn2', '/disconnect intervals');
    expect(off.message!.title).toBe('intervals.icu disconnected');
    expect(off.message!.summary).toBe(
      'I deleted its tokens and stopped syncing. intervals.icu has no way for us to cancel a personal API key: create a new one under Settings → Developer and the old one stops working. Data already imported stays; /privacy delete removes everything.',
    );
    expect((await h.deps.connections.get(id, 'intervals'))!.status).toBe('revoked');
  });

  it('when intervals.icu does not accept the API key then nothing is stored and the athlete is told to check key and id', async () => {
    const id = await register('conn2b');
    const r = await h.say('conn2b', `/connect provider:intervals api_key:WRONGKEY999 athlete_id:${INTERVALS_ATHLETE}`);
    expect(r.failure?.code).toBe('CONNECT.API_KEY_INVALID');
    expect(await h.deps.connections.get(id, 'intervals')).toBeNull();
  });

  it('when an API key is given for Oura then it is refused and nothing is stored', async () => {
    const id = await register('conn3');
    const r = await h.say('conn3', '/connect provider:oura api_key:abc');
    expect(r.failure?.code).toBe('CONNECT.API_KEY');
    expect(await h.deps.connections.get(id, 'oura')).toBeNull();
  });

  it('when /settings is given a bad time then the option is named; a good change is saved and shown', async () => {
    await register('set1');
    const bad = await h.say('set1', '/settings morning_time:25:00');
    expect(bad.message!.summary).toBe('Morning time must be HH:MM on a 24-hour clock, like 06:30; you sent "25:00"');
    const tz = await h.say('set1', '/settings timezone:Mars/Base');
    // checked with the other options now (so a wrong zone and a wrong time are named together)
    expect(tz.failure?.code).toBe('COMMAND.INVALID_OPTION');
    expect(tz.message!.summary).toBe('Time zone must be an IANA zone like Europe/Berlin or America/New_York; you sent "Mars/Base"');
    const both = await h.say('set1', '/settings timezone:Mars/Base morning_time:25:00');
    expect(both.message!.summary.split('\n')).toHaveLength(2);
    const ok = await h.say('set1', '/settings morning_time:6:45 dms:no goal_date:2027-04-18');
    expect(ok.message!.summary).toBe('Changed: morningTime, goalDate, dmsEnabled.');
    const shown = await h.say('set1', '/settings');
    expect(shown.message!.sections![0]!.fields).toEqual(expect.arrayContaining([{ label: 'Morning time', value: '06:45', inline: true }, { label: 'DMs', value: 'off', inline: true }]));
  });

  it('when an athlete pauses then /today says coaching is paused, and /resume brings sessions back', async () => {
    await register('pause1');
    expect((await h.say('pause1', '/pause')).message!.title).toBe('Coaching paused');
    const r = await h.say('pause1', '/today');
    expect(r.failure?.code).toBe('ATHLETE.PAUSED');
    expect((await h.say('pause1', '/resume')).message!.title).toBe('Welcome back');
    expect((await h.say('pause1', '/today')).failure).toBeUndefined();
  });
});

describe('/privacy', () => {
  it('when the data is exported then the collections are counted', async () => {
    await register('priv1');
    await h.say('priv1', '/feedback rpe:5');
    const r = await h.say('priv1', '/privacy export');
    expect(r.message!.sections![0]!.text).toMatch(/Feedback: 1|feedback: 1|feedbacks: 1/i);
  });

  it('when the data is exported in local mode then it is written to a file under the data folder and the reply names it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tc-export-'));
    try {
      const id = await register('privfile');
      await h.say('privfile', '/feedback rpe:6');
      const local = new CommandDispatcher({ registry: createRegistry(), deps: { ...h.commandDeps, exports: new FileExportPublisher(path.join(dir, 'exports')) }, logger: createLogger({ level: 'silent' }) });
      const r = await local.dispatch({ platform: 'discord', platformUserId: 'privfile', displayName: 'Privfile', command: 'privacy', subcommand: 'export', options: {} });
      const file = /^Saved on this machine: (.+)$/.exec(r.message!.summary)![1]!;
      expect(path.dirname(file)).toBe(path.join(dir, 'exports'));
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { format: string; personId: string; collections: Record<string, unknown[]> };
      expect(saved).toMatchObject({ format: 'twincoach-export@1', personId: id });
      expect(Object.values(saved.collections).flat().length).toBeGreaterThan(2);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(r.message!.summary).not.toContain('operator');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when delete is asked then a confirm button comes first, a forged token deletes nothing, and the real one deletes everything', async () => {
    const id = await register('priv2');
    await h.say('priv2', '/feedback rpe:5');
    const ask = await h.say('priv2', '/privacy delete');
    const button = ask.message!.buttons![0]!;
    expect(button).toMatchObject({ label: 'Yes, delete everything', style: 'danger' });
    expect(button.id.length).toBeLessThanOrEqual(100);
    const { options } = decodeAction(button.id);
    const forged = await h.press('priv2', 'tc:privacy.delete?confirm=zzzzzz.AAAAAAAAAAAAAAAAAAAAAA');
    expect(forged.failure?.code).toBe('CONFIRM.INVALID');
    // Someone else pressing the real button cannot use it.
    await register('priv3');
    expect((await h.press('priv3', button.id)).failure?.code).toBe('CONFIRM.INVALID');
    expect(await count(h, 'Feedback', { athleteId: id })).toBe(1);
    const r = await h.press('priv2', button.id);
    expect(r.message!.title).toBe('Your data is deleted');
    expect(options.confirm).toBeDefined();
    expect(await count(h, 'Feedback', { athleteId: id })).toBe(0);
    expect((await h.say('priv2', '/today')).failure?.code).toBe('AUTH.UNKNOWN_USER');
  });

  it('when the confirm button is pressed after five minutes then it has expired', async () => {
    await register('priv4');
    const ask = await h.say('priv4', '/privacy delete');
    h.clock.set('2026-11-22T07:06:00Z');
    const r = await h.press('priv4', ask.message!.buttons![0]!.id);
    h.clock.set('2026-11-22T07:00:00Z');
    expect(r.failure?.code).toBe('CONFIRM.INVALID');
    expect((await h.say('priv4', '/settings')).failure).toBeUndefined();
  });
});
