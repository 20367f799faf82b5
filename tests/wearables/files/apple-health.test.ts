/**
 * Apple Health import, on small exports generated here with exact aggregates worked out by hand.
 * Athlete zone America/New_York (UTC−5 in January).
 */
import { describe, expect, it } from 'vitest';
import { importFile, type ImportResult } from '../../../src/wearables/files/index.ts';
import { exportXml, heartRate, record, restingHr, sdnn, sleep, workout } from './apple-xml.ts';
import { expectImportError, tempDir } from './helpers.ts';
import { makeZip } from './zip.ts';

const write = tempDir('apple');
const TZ = 'America/New_York';

/** An SDNN sample written over several lines with beat metadata, the way newer exports do (goes through sax). */
const sdnnWithBeats = (start: string, value: number) =>
  [
    ` <Record type="HKQuantityTypeIdentifierHeartRateVariabilitySDNN" sourceName="Ada’s Apple Watch" unit="ms" creationDate="${start}" startDate="${start}" endDate="${start}" value="${value}">`,
    `  <HeartRateVariabilityMetadataList>`,
    `   <InstantaneousBeatsPerMinute bpm="58" time="2:14:01.52 AM"/>`,
    `   <InstantaneousBeatsPerMinute bpm="61" time="2:14:02.51 AM"/>`,
    `  </HeartRateVariabilityMetadataList>`,
    ` </Record>`,
  ].join('\n') + '\n';

const BODY = [
  // Resting HR: two sources on the 5th (mean 53.5), one on the 6th; one unreadable sample.
  restingHr('2024-01-05 00:02:11 -0500', 52),
  restingHr('2024-01-05 00:10:00 -0500', 55, 'Oura'),
  restingHr('2024-01-06 00:03:00 -0500', 50),
  record({ type: 'HKQuantityTypeIdentifierRestingHeartRate', start: '2024-01-06 09:00:00 -0500', value: 'abc', unit: 'count/min' }),
  // SDNN on the 5th: 40, 50 and one taken in Paris at 01:30 +0100 on the 6th = 19:30 on the 5th in New York.
  sdnn('2024-01-05 02:14:00 -0500', 40),
  sdnnWithBeats('2024-01-05 14:00:00 -0500', 50),
  sdnn('2024-01-06 01:30:00 +0100', 60),
  ...Array.from({ length: 50 }, (_, i) => heartRate(`2024-01-05 10:${String(i).padStart(2, '0')}:00 -0500`, 60 + i)),
  // The night of the 5th → 6th. Asleep union: 23:00–04:00 (A ∪ B ∪ C) + 04:30–07:00 (F) = 300 + 150 min = 7.5 h.
  // A naive sum of the asleep samples would be 240 + 60 + 90 + 150 = 540 min.
  sleep('2024-01-05 22:30:00 -0500', '2024-01-06 07:00:00 -0500', 'InBed', 'iPhone'), // E: in bed, not asleep
  sleep('2024-01-05 23:00:00 -0500', '2024-01-06 03:00:00 -0500', 'AsleepCore'), // A
  sleep('2024-01-06 01:00:00 -0500', '2024-01-06 02:00:00 -0500', 'AsleepDeep'), // B, inside A
  sleep('2024-01-06 02:30:00 -0500', '2024-01-06 04:00:00 -0500', 'Asleep', 'iPhone'), // C, overlaps A
  sleep('2024-01-06 04:00:00 -0500', '2024-01-06 04:30:00 -0500', 'Awake'), // D
  sleep('2024-01-06 04:30:00 -0500', '2024-01-06 07:00:00 -0500', 'AsleepREM'), // F
  // Running with HR statistics; the same session again from another app; strength without HR two days later.
  workout({ type: 'Running', start: '2024-01-06 17:00:00 -0500', end: '2024-01-06 17:45:00 -0500', minutes: 45, avgHr: 148, maxHr: 171, distanceKm: 8.5 }),
  workout({ type: 'Running', start: '2024-01-06 17:00:00 -0500', end: '2024-01-06 17:45:00 -0500', minutes: 45, source: 'Strava' }),
  workout({ type: 'TraditionalStrengthTraining', start: '2024-01-08 07:00:00 -0500', end: '2024-01-08 07:30:00 -0500', minutes: 30 }),
];
const XML = exportXml(BODY);

const RUN_START_MS = Date.parse('2024-01-06T22:00:00Z');

function expectTheSmallExport({ days, summary }: ImportResult): void {
  expect(days).toEqual([
    {
      source: 'apple_health',
      date: '2024-01-05',
      metrics: { restingHr: 53.5, hrvSdnn: 50 },
      raw: { apple_resting_hr_samples: 2, apple_hrv_sdnn_samples: 3 },
      workouts: [],
    },
    {
      source: 'apple_health',
      date: '2024-01-06',
      metrics: { restingHr: 50, sleepHours: 7.5, load: 42.3 },
      raw: { apple_resting_hr_samples: 1, apple_sleep_minutes: 450 },
      workouts: [
        {
          // 45 min at avg 148: TRIMP = 45·w(88/130) = 71.51; load = 100·71.51/(60·w(111/130)) = 42.33.
          source: 'apple_health',
          externalId: `apple_health:running:${RUN_START_MS / 1000}`,
          date: '2024-01-06',
          start: '2024-01-06T17:00:00-05:00',
          sport: 'running',
          minutes: 45,
          load: 42.3,
          loadMethod: 'hr_estimate',
          rawLoad: { value: 71.5, unit: 'banister_trimp' },
          avgHr: 148,
          maxHr: 171,
          distanceM: 8500,
        },
      ],
    },
    {
      source: 'apple_health',
      date: '2024-01-08',
      metrics: { load: 20 },
      raw: {},
      workouts: [
        // strength: 40 TSS/h × 0.5 h.
        expect.objectContaining({ sport: 'strength', minutes: 30, load: 20, loadMethod: 'duration_estimate', rawLoad: { value: 30, unit: 'minutes' } }),
      ],
    },
  ]);
  expect(summary).toEqual({
    format: 'apple_health',
    source: 'apple_health',
    daysImported: 3,
    fieldsPresent: { hrvRmssd: 0, hrvSdnn: 1, restingHr: 2, sleepHours: 1, sleepScore: 0, readiness: 0, load: 2 },
    gaps: ['2024-01-07'],
    firstDate: '2024-01-05',
    lastDate: '2024-01-08',
    workouts: 2,
    warnings: [
      'Skipped 1 resting heart rate records with a value outside 20–200 count/min.',
      'Kept 1 duplicate workout(s) once (same sport and start time from several apps).',
    ],
  });
}

describe('Apple Health import: export.xml', () => {
  it('when an export.xml is imported, then SDNN stays hrvSdnn, sleep is the union on the wake-up day and workouts carry HR loads', async () => {
    expectTheSmallExport(await importFile(write('export.xml', XML), { timezone: TZ }));
  });

  it('when every record is spread over several lines (no fast path), then the result is identical', async () => {
    const spread = XML.replace(/^ <Record ([^\n]*)\/>$/gm, (_, attrs: string) => ` <Record\n   ${attrs.replace(/" /g, '"\n   ')}\n />`);
    expect(spread).not.toBe(XML);
    expectTheSmallExport(await importFile(write('spread.xml', spread), { timezone: TZ }));
  });

  it('when the athlete lives in Tokyo, then the same night (ending 21:00 local) is attributed to the following day', async () => {
    const { days } = await importFile(write('tokyo.xml', exportXml(BODY.filter((l) => l.includes('SleepAnalysis')))), { timezone: 'Asia/Tokyo' });
    // Ends 07:00 −0500 = 21:00 in Tokyo on the 6th: at or after 18:00, so the 7th is the wake-up day.
    expect(days.map((d) => [d.date, d.metrics.sleepHours])).toEqual([['2024-01-07', 7.5]]);
  });

  it('when the same session comes first from an app without HR and then from the watch, then the watch copy is kept', async () => {
    const xml = exportXml([
      workout({ type: 'Running', start: '2024-01-06 17:00:00 -0500', end: '2024-01-06 17:45:00 -0500', minutes: 45, source: 'Strava' }),
      workout({ type: 'Running', start: '2024-01-06 17:00:00 -0500', end: '2024-01-06 17:45:00 -0500', minutes: 45, avgHr: 148, maxHr: 171 }),
    ]);
    const { days, summary } = await importFile(write('dup-order.xml', xml), { timezone: TZ });
    expect(days[0]!.workouts).toHaveLength(1);
    expect(days[0]!.workouts[0]).toMatchObject({ avgHr: 148, loadMethod: 'hr_estimate', load: 42.3 });
    expect(summary.workouts).toBe(1);
  });

  it('when sleep samples only say InBed or Awake, then no sleep hours are imported', async () => {
    const xml = exportXml([
      sleep('2024-01-05 23:00:00 -0500', '2024-01-06 07:00:00 -0500', 'InBed'),
      sleep('2024-01-06 03:00:00 -0500', '2024-01-06 03:20:00 -0500', 'Awake'),
      restingHr('2024-01-06 00:03:00 -0500', 50),
    ]);
    const { days } = await importFile(write('inbed.xml', xml), { timezone: TZ });
    expect(days.map((d) => d.metrics)).toEqual([{ restingHr: 50 }]);
  });

  it('when a workout exists only in an old-style export with totalDistance in miles, then distance is converted to metres', async () => {
    const xml = exportXml([workout({ type: 'Cycling', start: '2024-01-06 09:00:00 -0500', end: '2024-01-06 10:00:00 -0500', minutes: 60, totalDistance: [20, 'mi'] })]);
    const { days } = await importFile(write('miles.xml', xml), { timezone: TZ });
    expect(days[0]!.workouts[0]).toMatchObject({ sport: 'cycling', distanceM: 32186.9, load: 50, loadMethod: 'duration_estimate' });
  });

  it('when the export ends early, then the import fails with IMPORT.INVALID_XML saying the end is missing', async () => {
    const err = await expectImportError(importFile(write('cut.xml', XML.slice(0, XML.length - 40)), { timezone: TZ }), 'IMPORT.INVALID_XML');
    expect(err.userMessage).toMatch(/end of the file/);
  });

  it('when a line in the middle is malformed, then the import fails with IMPORT.INVALID_XML naming that line', async () => {
    const lines = XML.split('\n');
    const at = lines.findIndex((l) => l.includes('HKQuantityTypeIdentifierHeartRate"')) + 3;
    lines.splice(at, 0, ' <Record type="HKQuantityTypeIdentifierStepCount" value=12/>');
    const err = await expectImportError(importFile(write('bad-line.xml', lines.join('\n')), { timezone: TZ }), 'IMPORT.INVALID_XML');
    expect(err.userMessage).toContain(`at line ${at + 1}:`);
  });

  it('when an XML file is not an Apple Health export, then the import fails with IMPORT.UNSUPPORTED_FORMAT', async () => {
    const err = await expectImportError(importFile(write('other.xml', '<?xml version="1.0"?>\n<gpx version="1.1"><trk/></gpx>\n'), { timezone: TZ }), 'IMPORT.UNSUPPORTED_FORMAT');
    expect(err.userMessage).toMatch(/<gpx>/);
  });

  it('when an export holds only types we do not read, then the import fails with IMPORT.EMPTY', async () => {
    await expectImportError(importFile(write('hr-only.xml', exportXml([heartRate('2024-01-05 10:00:00 -0500', 70)])), { timezone: TZ }), 'IMPORT.EMPTY');
  });
});

describe('Apple Health import: export.zip', () => {
  it('when export.zip holds apple_health_export/export.xml among other files, then it is streamed from the archive with the same result', async () => {
    const zip = makeZip([
      { name: 'apple_health_export/workout-routes/route_1.gpx', data: '<gpx/>' },
      { name: 'apple_health_export/export_cda.xml', data: '<ClinicalDocument/>' },
      { name: 'apple_health_export/export.xml', data: XML },
    ]);
    expectTheSmallExport(await importFile(write('export.zip', zip), { timezone: TZ }));
  });

  it('when a zip has no export.xml, then the import fails with IMPORT.INVALID_ZIP naming what is missing', async () => {
    const err = await expectImportError(importFile(write('photos.zip', makeZip([{ name: 'a.jpg', data: 'x' }])), { timezone: TZ }), 'IMPORT.INVALID_ZIP');
    expect(err.userMessage).toMatch(/apple_health_export\/export\.xml/);
  });

  it('when the zip is cut short, then the import fails with IMPORT.INVALID_ZIP', async () => {
    const zip = makeZip([{ name: 'apple_health_export/export.xml', data: XML }]);
    await expectImportError(importFile(write('cut.zip', zip.subarray(0, zip.length - 30)), { timezone: TZ }), 'IMPORT.INVALID_ZIP');
  });

  it('when the compressed export.xml is damaged, then the import fails with IMPORT.INVALID_ZIP', async () => {
    const zip = makeZip([{ name: 'apple_health_export/export.xml', data: XML }]);
    const bad = Buffer.from(zip);
    for (let i = 200; i < 260; i++) bad[i] = 0xaa; // inside the deflate stream of the only entry
    await expectImportError(importFile(write('bad-deflate.zip', bad), { timezone: TZ }), 'IMPORT.INVALID_ZIP');
  });

  it('when an entry inflates cleanly but its CRC-32 does not match, then the import fails with IMPORT.INVALID_ZIP', async () => {
    const zip = makeZip([{ name: 'apple_health_export/export.xml', data: XML }]);
    const bad = Buffer.from(zip);
    const central = bad.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bad.writeUInt32LE((bad.readUInt32LE(central + 16) ^ 1) >>> 0, central + 16); // CRC in the central directory
    bad.writeUInt32LE((bad.readUInt32LE(14) ^ 1) >>> 0, 14); // and in the local header
    const err = await expectImportError(importFile(write('bad-crc.zip', bad), { timezone: TZ }), 'IMPORT.INVALID_ZIP');
    expect(err.userMessage).toMatch(/checksum/);
  });
});
