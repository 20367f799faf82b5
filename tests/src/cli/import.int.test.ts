/**
 * `twincoach import` against the embedded database (MONGODB_URI pointed at the test server): files are
 * written to a temp directory, the command runs in-process through importMain with captured output.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Encoder, Profile } from '@garmin/fitsdk';
import { afterAll, describe, expect, it } from 'vitest';
import { importMain } from '../../../src/cli/import.ts';
import { athlete, useCore } from '../core/support/harness.ts';

const h = useCore();
const dir = mkdtempSync(path.join(os.tmpdir(), 'twincoach-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await importMain(argv, {
    stdout: { write: (s: string) => ((out += s), true) },
    stderr: { write: (s: string) => ((err += s), true) },
    env: { MONGODB_URI: h.db.uri, MONGODB_DB_NAME: h.db.dbName, DATA_DIR: path.join(dir, 'data'), CACHE_DIR: path.join(dir, 'cache') },
  });
  return { code, out, err };
}

const days = (athleteId: string) => h.db.connection.collection('daily_metrics').find({ athleteId }).sort({ date: 1 }).toArray();

const CSV = [
  'date,hrv_rmssd,resting_hr,sleep_hours,load,sport,minutes',
  '2026-11-18,62,48,7.5,,,',
  '2026-11-19,58,50,6.8,85,run,60',
  '2026-11-21,65,47,8.1,,,',
  '',
].join('\n');

describe('twincoach import', () => {
  it('when a CSV file is imported then its days are stored for the athlete and the summary is printed; importing it again changes nothing', async () => {
    const a = await athlete(h, 'CSV importer');
    const f = file('week.csv', CSV);

    const first = await run(f, '--athlete', a.personId);

    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toContain('Imported 3 days of CSV data (2026-11-18 → 2026-11-21), 1 workout.');
    expect(first.out).toContain('Gaps: 1 day without data: 2026-11-20.');
    expect(first.out).toContain(`Stored 3 days for CSV importer (${a.personId})`);
    const stored = await days(a.personId);
    expect(stored.map((d) => d.date)).toEqual(['2026-11-18', '2026-11-19', '2026-11-21']);
    const nov19 = await h.deps.dailyMetrics.get(a.personId, '2026-11-19');
    expect(nov19?.fields).toMatchObject({ hrvRmssd: { value: 58, source: 'csv' }, restingHr: { value: 50, source: 'csv' }, load: { value: 85, source: 'csv' } });

    const again = await run(f, '--athlete', a.personId);
    expect(again.code).toBe(0);
    expect((await days(a.personId)).map(({ updatedAt: _u, ...d }) => d)).toEqual(stored.map(({ updatedAt: _u, ...d }) => d));
  });

  it('when a FIT file is imported with --timezone then the workout lands on that zone\'s local day', async () => {
    const a = await athlete(h, 'FIT importer', { timezone: 'Europe/London' });
    const M = Profile.MesgNum;
    const enc = new Encoder();
    const start = new Date('2026-03-09T23:30:00Z'); // 00:30 on the 10th in Paris, still the 9th in London
    const messages: (Record<string, unknown> & { mesgNum: number })[] = [
      { mesgNum: M.FILE_ID!, type: 'activity', manufacturer: 'garmin', product: 1, serialNumber: 77, timeCreated: start },
      { mesgNum: M.SESSION!, startTime: start, timestamp: new Date(start.getTime() + 3_600_000), sport: 'running', subSport: 'generic', totalElapsedTime: 3600, totalTimerTime: 3600, trainingStressScore: 72.5 },
    ];
    for (const m of messages) enc.writeMesg(m);
    const f = file('run.fit', enc.close());

    const r = await run(f, '--athlete', a.personId, '--timezone', 'Europe/Paris');

    expect(r.code).toBe(0);
    expect(r.out).toContain('Imported 1 day of FIT data (2026-03-10), 1 workout.');
    const rec = await h.deps.dailyMetrics.get(a.personId, '2026-03-10');
    expect(rec?.fields.load).toEqual({ value: 72.5, source: 'fit' });
    expect(rec?.workouts).toEqual([expect.objectContaining({ source: 'fit', loadMethod: 'tss', load: 72.5 })]);
    expect(await h.deps.dailyMetrics.get(a.personId, '2026-03-09')).toBeNull();
  });

  it('when the file is bad then the command exits 1 with the importer\'s message and writes nothing', async () => {
    const a = await athlete(h, 'Bad file');
    const bad = file('bad.csv', `${CSV}2026-11-22,900,48,7,,,\n`);

    const r = await run(bad, '--athlete', a.personId);

    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^twincoach import: The CSV file has a problem/);
    expect(r.err).toMatch(/line 5, column hrv_rmssd: 900 is out of range/);
    expect(r.err.match(/line 5, column hrv_rmssd/g)).toHaveLength(1);
    expect(r.err).toMatch(/Nothing was imported\.\n$/);
    expect(await days(a.personId)).toEqual([]);

    const truncated = await run(file('broken.fit', new Uint8Array([14, 16, 0, 0, 9, 9, 0, 0, 46, 70, 73, 84, 1, 2])), '--athlete', a.personId);
    expect(truncated.code).toBe(1);
    expect(truncated.err).toContain('Nothing was imported.');
    expect(await days(a.personId)).toEqual([]);
  });

  it('when --dry-run is given then the summary is printed and nothing is written', async () => {
    const a = await athlete(h, 'Dry');
    const r = await run(file('dry.csv', CSV), '--athlete', a.personId, '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Imported 3 days of CSV data');
    expect(r.out).toContain('Dry run: nothing was written');
    expect(await days(a.personId)).toEqual([]);
  });

  it('when the file is bad and the athlete unknown then the file\'s own error is shown (the file is read first)', async () => {
    const r = await run(file('bad-first.csv', `${CSV}2026-11-22,900,48,7,,,\n`), '--athlete', 'nobody-here');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/line 5, column hrv_rmssd: 900 is out of range/);
    expect(r.err).not.toContain('nobody-here');
  });

  it('when the athlete does not exist then it exits 1 listing the athletes by name, id and chat id', async () => {
    const a = await athlete(h, 'Listed Lou', { platform: 'console' });
    const r = await run(file('ok.csv', CSV), '--athlete', 'nobody-here');
    expect(r.code).toBe(1);
    expect(r.err).toContain('no athlete "nobody-here" in MONGODB_URI database');
    expect(r.err).toMatch(new RegExp(`Listed Lou +${a.personId} +console:`));
    expect(r.err).toMatch(/Nothing was imported\.\n$/);
  });

  it('when the athlete is named by their name or their chat user id then the import finds them', async () => {
    const a = await athlete(h, 'Named Nia', { platform: 'console' });
    const consoleId = (await h.deps.identities.listForPerson(a.personId))[0]!.userId;

    const byName = await run(file('name.csv', CSV), '--athlete', 'named nia');
    expect(byName.code, byName.err).toBe(0);
    expect(byName.out).toContain(`Stored 3 days for Named Nia (${a.personId})`);
    const byChatId = await run(file('chat.csv', CSV), '--athlete', consoleId, '--dry-run');
    expect(byChatId.code, byChatId.err).toBe(0);
    expect(byChatId.out).toContain(`Dry run: nothing was written for Named Nia (${a.personId}).`);
  });

  it('when two athletes share the name then it asks for the id', async () => {
    await athlete(h, 'Twin Tam');
    await athlete(h, 'Twin Tam');
    const r = await run(file('twin.csv', CSV), '--athlete', 'Twin Tam');
    expect(r.code).toBe(1);
    expect(r.err).toContain('2 athletes are called "Twin Tam"; give the id instead');
  });

  it('when the arguments are wrong then it exits 2 with the usage', async () => {
    for (const argv of [[], ['x.csv'], ['x.csv', '--athlete', 'a', '--format', 'gpx'], ['x.csv', '--athlete', 'a', '--timezone', 'Mars/Olympus'], ['x.csv', '--athlete', 'a', '--bogus']]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toContain('usage: twincoach import <file> --athlete <who>');
    }
    expect((await run('--help')).code).toBe(0);
  });
});
