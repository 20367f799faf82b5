/** A deterministic 42-day athlete history: a build, a recovery week, and an HRV dip under heavy load. */
import type { AthleteChartInput } from '../../../src/charts/athlete-chart.ts';

export function sampleAthleteHistory(days = 42): AthleteChartInput {
  const dates: string[] = [];
  const start = Date.UTC(2026, 9, 12); // 12 Oct 2026
  for (let i = 0; i < days; i++) dates.push(new Date(start + i * 86_400_000).toISOString().slice(0, 10));
  const load: (number | null)[] = [];
  const ctl: number[] = [];
  const atl: number[] = [];
  const hrvDaily: (number | null)[] = [];
  let c = 45;
  let a = 50;
  for (let i = 0; i < days; i++) {
    const week = Math.floor(i / 7);
    const dow = i % 7;
    const recovery = week === 3;
    const base = recovery ? 35 : 55 + week * 8;
    const l = dow === 0 ? 0 : dow === 5 ? base * 2.2 : base + ((i * 37) % 23) - 11;
    load.push(i === 30 ? null : Math.round(l));
    const x = i === 30 ? 0 : l;
    c += (x - c) / 42;
    a += (x - a) / 7;
    ctl.push(c);
    atl.push(a);
    const h = 4.25 - (a - c) * 0.006 + (((i * 53) % 17) - 8) * 0.012;
    hrvDaily.push(i === 12 ? null : h);
  }
  const mean7 = hrvDaily.map((_, i) => {
    const w = hrvDaily.slice(Math.max(0, i - 6), i + 1).filter((v): v is number => v !== null);
    return w.length === 0 ? null : w.reduce((s, v) => s + v, 0) / w.length;
  });
  // HRV in ms, as the presenters hand it over (exp of ln rMSSD; the 7-day line is the geometric mean).
  const ms = (v: number | null) => (v === null ? null : Math.exp(v));
  return {
    title: 'Alex · last 6 weeks',
    days: dates,
    load,
    ctl,
    atl,
    hrv: {
      label: 'HRV, rMSSD (ms)',
      unit: 'ms',
      values: mean7.map(ms),
      daily: hrvDaily.map(ms),
      bandLow: dates.map(() => Math.exp(4.12)),
      bandHigh: dates.map(() => Math.exp(4.32)),
    },
  };
}
