import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SPORTS, SPORT_MARKERS, type Sport } from '../../twin/index.ts';
import type { ComparisonReport, PolicyReport } from './types.ts';

/** Short column names of the sport markers. */
const MARKER_COLUMN: Readonly<Record<Sport, { title: string; digits: number }>> = {
  running: { title: '5 km Δ s', digits: 1 },
  cycling: { title: 'FTP Δ W', digits: 1 },
  sprint400: { title: '400 m Δ s', digits: 2 },
  team: { title: 'Yo-Yo Δ m', digits: 0 },
};

const f = (x: number | null | undefined, digits: number): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const signed = (x: number, digits: number): string => (x > 0 ? '+' : '') + x.toFixed(digits);

/**
 * Markdown table, one row per policy. Marker columns are mean changes end − start of the season in the
 * sport's units (times: negative = faster; FTP and Yo-Yo: positive = better).
 */
export function formatMarkdownTable(report: ComparisonReport | readonly PolicyReport[]): string {
  const rows = Array.isArray(report) ? (report as readonly PolicyReport[]) : (report as ComparisonReport).rows;
  const sports = SPORTS.filter((s) => rows.some((r) => r.bySport.some((b) => b.sport === s)));
  const head = [
    'policy',
    'perf Δ % (±SE)',
    ...sports.map((s) => MARKER_COLUMN[s].title),
    'ACWR>1.5 % days',
    'hard on supp. HRV %',
    'hard/wk',
    'inj /1000 d',
    'ill /1000 d',
    'rest % (forced)',
    'load/wk',
    'CTL ramp>8 % wk',
    'reward (±SE)',
    'decide µs',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of rows) {
    const cells = [
      `${r.policy}@${r.version}`,
      `${signed(r.perfGainPct, 2)} (±${r.perfGainSem.toFixed(2)})`,
      ...sports.map((s) => {
        const b = r.bySport.find((x) => x.sport === s);
        return b ? signed(b.markerChange, MARKER_COLUMN[s].digits) : '–';
      }),
      f(r.acwrOver15Pct, 2),
      f(r.hardOnSuppressedPct, 1),
      f(r.hardPerWeek, 2),
      f(r.injuriesPer1000, 2),
      f(r.illnessesPer1000, 2),
      `${f(r.restPct, 1)} (${f(r.forcedRestPct, 1)})`,
      f(r.weeklyLoad, 0),
      f(r.ctlRampOver8Pct, 1),
      `${r.reward.toFixed(2)} (±${r.rewardSem.toFixed(2)})`,
      f(r.timing.decideUsPerDecision, 1),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Legend for the table (sport tests and athletes per sport, from the first row). */
export function formatLegend(report: ComparisonReport): string {
  const first = report.rows[0];
  const per = first ? first.bySport.map((b) => `${b.sport} ${b.athletes} (${SPORT_MARKERS[b.sport].test}, start ${b.markerStart.toFixed(b.unit === 'm' ? 0 : 1)} ${b.unit})`).join('; ') : '';
  return [
    `${report.population.n} athletes (population seed ${report.population.seed ?? 'explicit'}), episode seed ${report.seed}, ${report.warmupDays}-day warm-up + ${report.seasonDays}-day season, same seeds for every row.`,
    `Athletes per sport: ${per}.`,
    ...report.notes.map((n) => `- ${n}`),
  ].join('\n');
}

/** Write any report object as pretty JSON, creating the folder. */
export function writeReportJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}
