/**
 * npm run demo — a 12-week season of local mode on a virtual clock, in about a minute.
 *
 * The real service (embedded database, the real jobs, outbox, commands, decision engine, twins) starts
 * with a ManualClock; scheduler.advanceTo walks the season minute by minute. Printed: one athlete's
 * morning messages (console renderer), the coach's team board every Monday, a mid-season override and
 * constraint by the demo coach, and a final report (performance change from the twins' truth in each
 * sport's units, risk days, injuries/illnesses, feedback, overrides). Charts go to reports/demo/*.png.
 *
 *   npm run demo [-- --weeks 12 --athletes 4 --follow Alex --quiet --store memory|embedded]
 *
 * --store memory (default) keeps every record in memory (src/local/memory-store.ts); --store embedded uses
 * the embedded FerretDB like `npm start` — same code paths, but FerretDB 1.24 scans whole collections for
 * every non-_id query, so twelve weeks take minutes there (see the final report's runtime line).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { startService } from '../src/app.ts';
import { createChartRenderer } from '../src/chat/chart-renderer.ts';
import { renderConsoleMessage } from '../src/chat/console/render.ts';
import type { ChatSender, DeliveryTarget, SendOptions, SentMessage } from '../src/chat/ports.ts';
import { loadConfig } from '../src/config.ts';
import type { ChatMessage } from '../src/core/chat.ts';
import { ManualClock } from '../src/core/clock.ts';
import { addDays } from '../src/core/local-time.ts';
import { athleteChartData } from '../src/core/presenters/index.ts';
import { createLogger } from '../src/logger.ts';
import { periodizedSession, SPORT_MARKERS } from '../twin/index.ts';

const { values } = parseArgs({
  options: {
    weeks: { type: 'string', default: '12' },
    athletes: { type: 'string', default: '4' },
    follow: { type: 'string', default: 'Alex' },
    start: { type: 'string', default: '2026-01-05' },
    quiet: { type: 'boolean', default: false },
    out: { type: 'string', default: 'reports/demo' },
    store: { type: 'string', default: 'memory' },
  },
});
const WEEKS = Number(values.weeks);
const TZ = 'Europe/London';
const START = values.start!; // a Monday
const wallStart = performance.now();
const out = (s: string) => void process.stdout.write(s);
const width = Math.min(process.stdout.columns ?? 90, 90);
const color = process.stdout.isTTY === true;

/** Deliveries end up here: the followed athlete's DMs are printed, everything is counted. */
class DemoSender implements ChatSender {
  readonly platform = 'console' as const;
  readonly counts = { mornings: 0, teamLines: 0, reminders: 0, updates: 0, other: 0 };
  followUserId = '';
  shown = 0;
  async send(target: DeliveryTarget, message: ChatMessage, { idempotencyKey: key }: SendOptions): Promise<SentMessage> {
    const c = this.counts;
    if (key.startsWith('reminder:')) c.reminders += 1;
    else if (key.includes(':team:')) c.teamLines += 1;
    else if (/:dm$/.test(key)) c.mornings += 1;
    else if (/:dm:r\d+$/.test(key)) c.updates += 1;
    else c.other += 1;
    if (target.kind === 'dm' && target.userId === this.followUserId && !values.quiet) {
      this.shown += 1;
      out(`${renderConsoleMessage(message, { recipient: `${values.follow} (DM)`, color, width })}\n`);
    }
    return { platform: 'console', channelId: target.kind === 'dm' ? target.userId : target.channelId, messageId: String(Object.values(c).reduce((a, b) => a + b, 0)), via: target.kind === 'dm' ? 'dm' : 'channel' };
  }
  async findDelivered(): Promise<'unknown'> {
    return 'unknown';
  }
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twincoach-demo-'));
const reportDir = path.resolve(values.out!);
mkdirSync(reportDir, { recursive: true });
const config = loadConfig({
  DATA_DIR: dataDir,
  CACHE_DIR: path.resolve('.cache'),
  HTTP_PORT: '0',
  LOG_LEVEL: 'warn',
  SIMULATED_ATHLETES: values.athletes,
  DEFAULT_TIMEZONE: TZ,
  MONGODB_DB_NAME: `twincoach_demo_${Date.now()}`,
});
const clock = new ManualClock(`${START}T00:00:00Z`);
const sender = new DemoSender();
const jobMs = new Map<string, number>();
const service = await startService(config, createLogger({ level: 'warn' }), {
  clock,
  realTime: false,
  console: false,
  senders: [sender],
  simulation: { stateFile: undefined },
  morningCharts: false,
  // the weekly retrain runs with a small budget: a candidate that does not beat the shipped model stays in shadow
  retrain: { episodes: 3, athletesPerEpisode: 12, seasonDays: 56, hidden: [32, 32], evalEvery: 3, gateAthletes: 16 },
  schedulesTtlMs: 6 * 3_600_000,
  store: values.store === 'embedded' ? 'database' : 'memory',
  // with the embedded database: a fresh one only this process uses, so locks and leases stay in memory
  singleProcess: values.store === 'embedded',
});
const setupMs = performance.now() - wallStart;
const sim = service.simulation!;
const athletes = [...sim.athletes.values()];
const followed = athletes.find((a) => a.displayName === values.follow) ?? athletes[0]!;
sender.followUserId = followed.userId;
const coach = { platform: 'console' as const, platformUserId: sim.options.coachUserId };
const ask = async (command: string, options: Record<string, string>, subcommand?: string) => {
  const r = await service.dispatch({ ...coach, command, ...(subcommand ? { subcommand } : {}), options, source: 'text' });
  if (r.failure) throw new Error(`/${command} failed: ${r.failure.code} ${r.message?.summary ?? ''}`);
  return r.message!;
};
const banner = (t: string) => out(`\n${'═'.repeat(width)}\n  ${t}\n${'═'.repeat(width)}\n`);

banner(`twincoach demo — ${WEEKS}-week season, ${athletes.length} simulated athletes, policy ${service.policyId()}; following ${followed.displayName} (${followed.params.sport}, ${followed.params.level})`);
const events: string[] = [];
const simStart = performance.now();
for (let week = 0; week < WEEKS; week++) {
  const monday = addDays(START, week * 7);
  // Monday 07:45 London: the coach looks at the board (its chart is saved)
  await service.scheduler.advanceTo(DateTime.fromISO(`${monday}T07:45`, { zone: TZ }).toJSDate(), clock);
  const board = await ask('team', {}, 'board');
  if (board.image) writeFileSync(path.join(reportDir, `team-board-week-${String(week + 1).padStart(2, '0')}.png`), board.image.png);
  if (!values.quiet) out(`${renderConsoleMessage(board, { recipient: `Coach — week ${week + 1}`, color, width })}\n`);

  if (week === 4) {
    // mid-season: the coach overrides one session (a travel day) for the athlete they follow…
    const date = addDays(monday, 2);
    const m = await ask('override', { athlete: followed.displayName, session: 'REST', reason: 'travel to the team camp', date });
    events.push(`week 5: override — ${m.title}: ${m.summary}`);
    out(`\n» coach: /override athlete:${followed.displayName} session:REST date:${date} reason:"travel to the team camp"\n`);
  }
  if (week === 6) {
    // …and puts a constraint on another athlete for ten days
    const who = athletes.find((a) => a !== followed) ?? followed;
    const m = await ask('constraint', { athlete: who.displayName, kind: 'no_high_intensity', to: addDays(monday, 9), reason: 'sore achilles' }, 'add');
    events.push(`week 7: constraint — ${m.title}: ${m.summary}`);
    out(`\n» coach: /constraint add athlete:${who.displayName} kind:no_high_intensity to:${addDays(monday, 9)} reason:"sore achilles"\n`);
  }
}
const end = DateTime.fromISO(`${addDays(START, WEEKS * 7)}T00:00`, { zone: TZ }).toJSDate();
await service.scheduler.advanceTo(end, clock);
const simMs = performance.now() - simStart;

// ------------------------------------------------------------------------------------------------
// Final report
const lastDay = addDays(START, WEEKS * 7 - 1);
const charts = createChartRenderer();
const rows: string[] = [];
const fmtMarker = (v: number, unit: string) => (unit === 's' ? (v >= 120 ? `${Math.floor(v / 60)}:${String(Math.round(v % 60)).padStart(2, '0')}` : `${v.toFixed(1)} s`) : `${Math.round(v)} ${unit}`);
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
let totals = { acwr: 0, suppressed: 0, hard: 0, injuries: 0, illnesses: 0, feedback: 0, days: 0, habitual: 0, coached: 0 };
for (const a of athletes) {
  const season = [...a.days.values()].filter((d) => d.date >= START && d.date <= lastDay);
  const start = a.seasonStart!;
  const now = a.currentTruth();
  const m = SPORT_MARKERS[a.params.sport];
  const markerStart = a.markerAt(start.performance);
  const markerEnd = a.markerAt(now.performance);
  const dPerf = now.performance - start.performance;
  const verdict = Math.abs(dPerf) < 0.05 ? 'no change' : dPerf > 0 ? 'better' : 'worse';
  // The same twin, same random streams, following its habitual periodised plan instead (paired comparison).
  const habitual = a.twin();
  habitual.warmUp();
  while (habitual.dayIndex < a.dayIndex) habitual.step(periodizedSession(habitual.params, habitual.dayIndex), null, 'done');
  const hPerf = habitual.currentTruth().performance - habitual.seasonStart!.performance;
  totals.habitual += hPerf;
  totals.coached += dPerf;
  const acwrDays = season.filter((d) => d.truth.acwr > 1.5).length;
  const hard = season.filter((d) => ['TEMPO', 'INTERVALS', 'STRENGTH'].includes(d.done.type));
  const suppressed = hard.filter((d) => d.truth.hrvZ < -1).length;
  const injuries = now.injuries - start.injuries;
  const illnesses = now.illnesses - start.illnesses;
  const feedback = (await service.repos.feedback.listRange([a.athleteId], START, lastDay)).filter((f) => f.rpe !== undefined || f.completion !== undefined).length;
  const followedPct = Math.round((100 * season.filter((d) => d.prescribed && d.done.type === d.prescribed).length) / Math.max(1, season.filter((d) => d.prescribed).length));
  totals = { ...totals, acwr: totals.acwr + acwrDays, suppressed: totals.suppressed + suppressed, hard: totals.hard + hard.length, injuries: totals.injuries + injuries, illnesses: totals.illnesses + illnesses, feedback: totals.feedback + feedback, days: totals.days + season.length };
  rows.push(
    `${a.displayName.padEnd(8)} ${`${a.params.sport}/${a.params.level}`.padEnd(24)} ${m.test}: ${fmtMarker(markerStart, m.unit)} → ${fmtMarker(markerEnd, m.unit)} (${verdict}, ${signed(dPerf)} % perf; habitual plan on the same twin ${signed(hPerf)} %)\n` +
      `         ACWR>1.5 days ${acwrDays} · hard sessions on suppressed HRV ${suppressed}/${hard.length} · injuries ${injuries} · illnesses ${illnesses} · feedback ${feedback}/${season.length} days · did the prescribed session ${followedPct} %`,
  );
  const history = await service.core.athleteHistory({ personId: a.athleteId, platform: 'console' }, a.athleteId, { days: WEEKS * 7, endDate: lastDay });
  const img = charts.athlete(athleteChartData(history, `${a.displayName} · ${WEEKS}-week season (${a.params.sport})`), `${a.displayName}.png`);
  writeFileSync(path.join(reportDir, `athlete-${a.displayName.toLowerCase()}.png`), img.png);
}
const rxs = await service.repos.prescriptions.listRange(athletes.map((a) => a.athleteId), START, lastDay);
const overrides = rxs.filter((r) => r.override).map((r) => `${athletes.find((a) => a.athleteId === r.athleteId)!.displayName} ${r.date}: ${r.override!.previous?.type ?? '—'} → ${r.session.type} ("${r.override!.reason}")`);
const constraints = (await Promise.all(athletes.map((a) => service.repos.constraints.listForAthlete(a.athleteId, { includeInactive: true })))).flat();
const models = await service.repos.policyModels.list('dqn');
const stats = service.scheduler.getStats();

banner(`Final report — ${START} to ${lastDay} (${WEEKS} weeks, ${athletes.length} athletes)`);
out(`Performance change is the twins' truth (noise-free sport test), season start → end.\n\n${rows.join('\n')}\n`);
out(`\nSquad: mean performance change ${signed(totals.coached / athletes.length)} % coached vs ${signed(totals.habitual / athletes.length)} % on the habitual plan (same twins, same random draws); ${totals.acwr} athlete-days with ACWR > 1.5 of ${totals.days}; ${totals.suppressed} of ${totals.hard} hard sessions on HRV-suppressed mornings (true hrvZ < −1); ${totals.injuries} injuries, ${totals.illnesses} illnesses; feedback on ${totals.feedback} days.\n`);
out(`Messages: ${sender.counts.mornings} morning DMs, ${sender.counts.teamLines} team-channel lines, ${sender.counts.reminders} evening reminders (${sim.counters.lateFeedback} answered late), ${sender.counts.updates} session updates after a coach change; feedback ${sim.counters.feedback} on time.\n`);
out(`Coach: ${overrides.length} override(s) — ${overrides.join('; ') || 'none'}; ${constraints.length} constraint(s) — ${constraints.map((c) => `${athletes.find((a) => a.athleteId === c.athleteId)!.displayName} ${c.kind} ${c.from}…${c.to ?? ''}`).join('; ') || 'none'}.\n`);
out(`Policy: ${service.policyId()}; weekly retrains: ${models.map((m) => `v${m.version} ${String((m.evaluation as { status?: string }).status)}`).join(', ') || 'none'}.\n`);
out(`Jobs: ${Object.entries(stats).map(([k, v]) => `${k} ${v.runs} runs${v.failures ? ` (${v.failures} failed)` : ''} ${(v.totalMs / 1000).toFixed(1)} s`).join(', ')}.\n`);
out(`Charts: ${path.relative(process.cwd(), reportDir)}/athlete-*.png, team-board-week-*.png\n`);
out(`Runtime: ${((performance.now() - wallStart) / 1000).toFixed(1)} s wall, store ${values.store} (start-up ${(setupMs / 1000).toFixed(1)} s, season ${(simMs / 1000).toFixed(1)} s) on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}\n`);
for (const e of events) out(`  ${e}\n`);

await service.stop('demo finished');
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
