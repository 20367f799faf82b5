/**
 * Local mode's own console commands (the REPL lists them under `help`):
 *
 *   morning [name|all]   the morning message now: that night's ingest for the athlete, then today's
 *                        session (prescribed once per athlete-day, so asking again shows the same one),
 *                        rendered as the DM would be — printed here, not sent; the scheduled delivery is
 *                        unchanged. No name: the athlete you act as, else everyone.
 *   skip <n>d | skip <n>h | advance days:<n>
 *                        the virtual clock: walk the scheduler through the next n days (ingest, mornings,
 *                        the simulated athletes' feedback, reminders) in seconds; at most 28 days a step.
 *
 * Pure wiring of ports given by app.ts; the messages come from the morning renderer (presenters).
 */
import type { ConsoleCommand } from '../chat/console/repl.ts';
import type { ChatMessage } from '../core/chat.ts';
import { AppError } from '../errors.ts';
import { localDate } from '../core/local-time.ts';
import type { UseCases } from '../core/index.ts';
import type { AthleteIngest, ContactDirectory, MorningRenderer } from '../../jobs/ports.ts';

export interface LocalCommandDeps {
  core: Pick<UseCases, 'prescribeMany'>;
  ingest: AthleteIngest;
  contacts: ContactDirectory;
  renderer: MorningRenderer;
  now: () => Date;
  /** The athletes the console knows (simulated squad): console user id, name, athlete id, zone. */
  athletes: () => { userId: string; displayName: string; athleteId: string; timezone: string }[];
  /** Walk the scheduler ms ahead; resolves when the jobs of that stretch ran. */
  advance: (ms: number) => Promise<{ from: Date; to: Date }>;
}

const MAX_SKIP_DAYS = 28;

export function localConsoleCommands(deps: LocalCommandDeps): ConsoleCommand[] {
  const morning: ConsoleCommand = {
    usage: 'morning [name|all]',
    description: 'the morning message now (ingest, then today’s session), for you, one athlete or everyone',
    match: (line) => {
      const m = /^\/?morning(?:\s+(.*))?$/i.exec(line.trim());
      return m ? (m[1] ?? '') : undefined;
    },
    async run(args, as) {
      const all = deps.athletes();
      const want = args.trim().toLowerCase();
      const me = all.find((a) => a.userId === as.userId);
      const chosen = want === 'all' || (want === '' && !me) ? all : want === '' ? [me!] : all.filter((a) => [a.displayName.toLowerCase(), a.userId.toLowerCase()].includes(want));
      if (chosen.length === 0) throw new AppError('LOCAL.UNKNOWN_ATHLETE', `There is no athlete called "${args.trim()}". The athletes: ${all.map((a) => a.displayName).join(', ') || 'none'}.`);
      const now = deps.now();
      const messages: ChatMessage[] = [];
      const notes: string[] = [];
      for (const a of chosen) {
        const date = localDate(now, a.timezone);
        await deps.ingest.ingestAthlete(a.athleteId, { now, date });
        const [r] = await deps.core.prescribeMany([{ athleteId: a.athleteId, date }]);
        const contact = (await deps.contacts.contacts([a.athleteId])).get(a.athleteId);
        if (!r || r.outcome === 'skipped') notes.push(`${a.displayName}: coaching is paused — no morning message.`);
        else if (!r.prescription || !contact) notes.push(`${a.displayName}: no session could be made${r.error ? ` (${r.error})` : ''}.`);
        else {
          const m = await deps.renderer.render({ prescription: r.prescription, contact, audience: 'athlete' });
          messages.push({ ...m, title: `${a.displayName}'s morning (shown now) — ${m.title}` });
        }
      }
      notes.push('Shown here only: the scheduled morning delivery is unchanged (type skip 1d to see the next mornings arrive).');
      return { messages, text: notes.join('\n') };
    },
  };
  const skip: ConsoleCommand = {
    usage: 'skip <n>d | skip <n>h | advance days:<n>',
    description: `move the virtual clock forward (at most ${MAX_SKIP_DAYS} days a step): ingest, mornings and the simulated athletes run as they would`,
    match: (line) => {
      const m = /^\/?(?:skip|advance)(?:\s+(.*))?$/i.exec(line.trim());
      return m ? (m[1] ?? '') : undefined;
    },
    async run(args) {
      const m = /^(?:days:)?(\d+)\s*(d|days?|h|hours?)?$/i.exec(args.trim());
      if (!m) throw new AppError('LOCAL.SKIP_INVALID', `Say how far: skip 1d, skip 6h or advance days:3; you sent "${args.trim()}".`);
      const n = Number(m[1]);
      const hours = /^h/i.test(m[2] ?? 'd') ? n : n * 24;
      if (hours < 1 || hours > MAX_SKIP_DAYS * 24) throw new AppError('LOCAL.SKIP_INVALID', `Skip 1 hour to ${MAX_SKIP_DAYS} days at a time; you sent ${args.trim()}.`);
      const { from, to } = await deps.advance(hours * 3_600_000);
      const fmt = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
      return { text: `The clock moved from ${fmt(from)} to ${fmt(to)} UTC (${hours % 24 === 0 ? `${hours / 24} day${hours === 24 ? '' : 's'}` : `${hours} h`}); it stays ahead of real time until you delete DATA_DIR/local/clock.json.` };
    },
  };
  return [morning, skip];
}
