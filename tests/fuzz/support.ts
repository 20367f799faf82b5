/**
 * Fuzzing support shared by tests/fuzz/*.test.ts (bounded, CI) and bench/fuzz.bench.ts (10,000 cases):
 *
 * - a world: the real use cases (src/core) on a database connection (embedded FerretDB or MongoDB), the real
 *   agent decision engine, the real command registry and dispatcher; a coach with a team, two athletes
 *   (one in the team, with 30 days of wearable data), strangers;
 * - a write recorder: every repository write method called (insert, replace, put, append, patch, delete, …),
 *   so "nothing written on error" is checked precisely (updates too), plus document counts per collection;
 * - arbitraries (fast-check) for command inputs and for `decide` request lines, from plausible to hostile;
 * - checkers that say what is a valid result, a clear error, or a crash.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Connection } from 'mongoose';
import { SESSION_TYPES, SPORTS } from '../../twin/types.ts';
import { DecisionEngine as AgentEngine } from '../../agent/engine.ts';
import type { Decision } from '../../agent/decision.ts';
import type { Policy } from '../../agent/baselines/policy.ts';
import { CommandDispatcher, ConfirmTokens, createRegistry, type CommandRegistry, type DispatchResult } from '../../commands/index.ts';
import type { CommandDeps, OptionSpec } from '../../commands/types.ts';
import type { CommandInput, Platform } from '../../src/core/chat.ts';
import { agentDecisionEngine } from '../../src/core/agent-engine.ts';
import { TokenCipher } from '../../src/core/crypto.ts';
import { CalibratingTwinUpdater, createUseCases, type UseCases } from '../../src/core/index.ts';
import { addDays } from '../../src/core/local-time.ts';
import type { SourceDay } from '../../src/core/metrics.ts';
import type { CoreDeps, CoreEvent, Repositories } from '../../src/core/ports.ts';
import { createRepositories } from '../../src/db/index.ts';
import { createLogger } from '../../src/logger.ts';
import { mergeSourceDays } from '../../src/wearables/merge.ts';
import { StubCharts } from '../src/core/presenters/fixtures.ts';

// ---------------------------------------------------------------------------------------------------
// The world

export const FUZZ_NOW = '2026-11-22T07:00:00Z';
export const FUZZ_TODAY = '2026-11-22';

/** Repository methods that write (everything else reads). Recorded when they resolve and did change something. */
const WRITE_METHODS = /^(insert|insertMany|replace|put|append|delete|claimBinding|markUsed|patch|upsertTokens|publish|activate|erase)$/;

export class WriteRecorder {
  calls: string[] = [];
  reset(): void {
    this.calls = [];
  }
  wrap<T extends object>(name: string, repo: T): T {
    return new Proxy(repo, {
      get: (target, prop, receiver) => {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function' || typeof prop !== 'string' || !WRITE_METHODS.test(prop)) return typeof v === 'function' ? v.bind(target) : v;
        return async (...args: unknown[]) => {
          const result = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          // Calls that report they changed nothing are not writes: patch → null (no such record), insert → 'duplicate'.
          const noop = (prop === 'patch' && result === null) || result === 'duplicate';
          if (!noop) this.calls.push(`${name}.${prop}`);
          return result;
        };
      },
    });
  }
}

class FixedClock {
  constructor(private readonly t: number) {}
  now(): Date {
    return new Date(this.t);
  }
}

export interface FuzzUsers {
  coach: string;
  athleteInTeam: string;
  athleteAlone: string;
  /** Binding of the coach's team (Discord). */
  guild: string;
  channel: string;
}

export interface FuzzWorld {
  conn: Connection;
  core: UseCases;
  deps: CoreDeps;
  dispatcher: CommandDispatcher;
  registry: CommandRegistry;
  writes: WriteRecorder;
  events: CoreEvent[];
  users: FuzzUsers;
  /** Logged errors (internal errors carry an error id). */
  loggedErrors: { errorId?: string; msg?: string; err?: unknown }[];
  /** Documents per collection (the lease bookkeeping of the mutex excluded: locks are not data). */
  counts(): Promise<Record<string, number>>;
}

/**
 * Writes a failing input may make: none, or a create undone before the error (e.g. createTeam inserts the
 * team, loses the channel claim, deletes the team) — every insert on a repository matched by a delete there.
 */
export function compensated(calls: readonly string[]): boolean {
  const balance = new Map<string, number>();
  for (const c of calls) {
    const [repo, method] = c.split('.') as [string, string];
    if (method === 'insert') balance.set(repo, (balance.get(repo) ?? 0) + 1);
    else if (method === 'delete') balance.set(repo, (balance.get(repo) ?? 0) - 1);
    else return false;
  }
  return [...balance.values()].every((v) => v === 0);
}

export async function buildFuzzWorld(conn: Connection, options: { policy: Policy; seed?: string }): Promise<FuzzWorld> {
  const writes = new WriteRecorder();
  const cipher = new TokenCipher({ current: randomBytes(32).toString('base64') });
  const repos = createRepositories(conn, { cipher, mutex: { waitMs: 30_000 } });
  const wrapped = Object.fromEntries(
    Object.entries(repos).map(([k, v]) => [k, k === 'mutex' || k === 'connectionStore' ? v : writes.wrap(k, v as object)]),
  ) as unknown as Repositories;
  const events: CoreEvent[] = [];
  const clock = new FixedClock(Date.parse(FUZZ_NOW));
  const engine = agentDecisionEngine(new AgentEngine({ policy: options.policy }));
  const loggedErrors: FuzzWorld['loggedErrors'] = [];
  const sink = {
    write(line: string) {
      const o = JSON.parse(line) as { level: number; errorId?: string; msg?: string; err?: unknown };
      if (o.level >= 50) loggedErrors.push({ errorId: o.errorId, msg: o.msg, err: o.err });
    },
  };
  const logger = createLogger({ level: 'error', destination: sink });
  const deps: CoreDeps = {
    ...wrapped,
    clock,
    newId: randomUUID,
    engine,
    twin: new CalibratingTwinUpdater(),
    notifier: { publish: async (e) => void events.push(e) },
    mergeDays: mergeSourceDays,
    logger,
  };
  const core = createUseCases(deps);
  const registry = createRegistry();
  const commandDeps: CommandDeps = {
    core,
    clock,
    charts: new StubCharts(),
    connectLinks: { authorizeUrl: async (i) => ({ url: `https://twincoach.test/oauth/${i.provider}/start?state=s`, expiresAt: new Date(Date.parse(FUZZ_NOW) + 600_000) }) },
    confirm: new ConfirmTokens('fuzz-confirm-secret-0123456789abcdef'),
    consentVersion: '2026-11',
    defaultTimezone: 'Europe/London',
  };
  const dispatcher = new CommandDispatcher({ registry, deps: commandDeps, logger, errorId: () => randomBytes(4).toString('hex') });

  // Fixtures: a coach with a team bound to a Discord channel, an athlete in it with 30 days of data, one without a team.
  const tag = options.seed ?? randomBytes(3).toString('hex');
  const users: FuzzUsers = { coach: `7${tag}01`, athleteInTeam: `7${tag}02`, athleteAlone: `7${tag}03`, guild: `g${tag}`, channel: `c${tag}` };
  const { actor: coach } = await core.registerPerson({ platform: 'discord', platformUserId: users.coach, displayName: 'Coach Fuzz', timezone: 'Europe/London' });
  const team = await core.createTeam(coach, { name: 'Fuzz squad', binding: { platform: 'discord', workspaceId: users.guild, channelId: users.channel } });
  const reg = (platformUserId: string, displayName: string) =>
    core.registerAthlete({ platform: 'discord', platformUserId, displayName, timezone: 'Europe/London', sport: 'running', level: 'trained', consentVersion: '2026-11' });
  const { actor: a1 } = await reg(users.athleteInTeam, 'Alex Fuzz');
  await core.joinTeam(a1, team.id);
  await reg(users.athleteAlone, 'Bea Fuzz');
  const days: SourceDay[] = Array.from({ length: 30 }, (_, i) => {
    const date = addDays(FUZZ_TODAY, i - 30);
    return {
      source: 'oura',
      date,
      metrics: { hrvRmssd: 55 + (i % 5), restingHr: 50, sleepHours: 7.3, load: i % 7 === 6 ? 0 : 60 + (i % 3) * 20 },
      raw: {},
      workouts: i % 7 === 6 ? [] : [{ source: 'oura', externalId: `w${i}`, date, start: `${date}T17:00:00+00:00`, minutes: 60, load: 60 + (i % 3) * 20, loadMethod: 'tss' }],
    } as SourceDay;
  });
  await core.recordSourceDays(a1.personId, days);

  // Every model's collection exists from the start (ensureIndexes); count each but the mutex's leases.
  const collections = (await conn.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n !== 'leases').sort();
  const counts = async () => {
    const out: Record<string, number> = {};
    for (const name of collections) out[name] = await conn.db!.collection(name).estimatedDocumentCount();
    return out;
  };
  writes.reset();
  return { conn, core, deps, dispatcher, registry, writes, events, users, loggedErrors, counts };
}

// ---------------------------------------------------------------------------------------------------
// Command inputs

/** Values that have broken parsers before: numbers that are not, dates that are not, markup, injection, odd unicode. */
export const HOSTILE_STRINGS: readonly string[] = [
  '', ' ', '\t', 'NaN', 'Infinity', '-Infinity', '-1', '-0', '0', '1e309', '-1e309', '0x10', '1_000', '1,5', '٣', '７', '½',
  'null', 'undefined', 'true', 'false', '[]', '{}', '{"$gt": ""}', '{"$where": "sleep(1000)"}', "'; DROP TABLE persons; --", '" OR 1=1 --',
  '<script>alert(1)</script>', '../../etc/passwd', '$where', '__proto__', 'constructor', '@everyone', '@here', '<@123>', '<@!123>',
  '<@U123|alex>', '<#C123>', '%00', '\u0000', '\u202ereversed', '\u200b', '🏃‍♀️💨', 'Zoë Ŝtraße', 'テスト', 'مرحبا', '2026-02-30', '2026-13-01',
  '9999-12-31', '0000-00-00', '1970-01-01', '2026-11-22T07:00:00Z', 'today', 'yesterday', 'tomorrow', '25:99', '07:00', '7', 'Europe/Berlin',
  'Mars/Olympus_Mons', 'UTC', 'none', 'REST', 'rest', 'oura', 'polar', 'yes', 'no', 'y', 'x'.repeat(101), 'x'.repeat(5000),
];

const hostile = fc.constantFrom(...HOSTILE_STRINGS);
/** `arb` once in `1 + oneIn` draws, else undefined. (fc.option's `freq` is the other way round: nil is the rare one.) */
const sometimes = <T>(arb: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | undefined> => fc.oneof({ weight: oneIn, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const anyText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 1000, maxLength: 12_000, unit: 'binary-ascii' }) },
);
const numberText = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String), fc.double({ noDefaultInfinity: false }).map(String), fc.bigInt().map(String));
const dateText = fc.oneof(
  fc.integer({ min: -400, max: 400 }).map((d) => addDays(FUZZ_TODAY, d)),
  fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
);

/** A plausible value for a spec (to get past validation into the use cases). */
function plausible(spec: OptionSpec, users: FuzzUsers): fc.Arbitrary<string> {
  switch (spec.type) {
    case 'integer':
      return fc.integer({ min: spec.min ?? -5, max: spec.max ?? 100 }).map(String);
    case 'number':
      return fc.double({ min: spec.min ?? -100, max: spec.max ?? 1000, noNaN: true }).map((n) => n.toFixed(2));
    case 'boolean':
      return fc.constantFrom('yes', 'no', 'true', 'false');
    case 'choice':
      return fc.constantFrom(...(spec.choices ?? [{ value: 'x' }]).map((c) => c.value));
    case 'date':
      return fc.integer({ min: -10, max: 3 }).map((d) => addDays(FUZZ_TODAY, d));
    case 'time':
      return fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    case 'user':
      return fc.constantFrom(users.athleteInTeam, users.athleteAlone, users.coach, `<@${users.athleteInTeam}>`, 'Alex Fuzz', 'alex', 'Bea', '@Alex Fuzz');
    default:
      return fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('Europe/Berlin', 'America/New_York', 'Fuzz squad', 'HRV test'));
  }
}

function valueFor(spec: OptionSpec, users: FuzzUsers): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: plausible(spec, users) },
    { weight: 2, arbitrary: hostile },
    { weight: 1, arbitrary: numberText },
    { weight: 1, arbitrary: dateText },
    { weight: 1, arbitrary: anyText },
  );
}

export function commandInputArb(registry: CommandRegistry, users: FuzzUsers): fc.Arbitrary<CommandInput> {
  const defs = registry.all();
  const knownName = fc.constantFrom(...defs.map((d) => d.name));
  const name = fc.oneof(
    { weight: 12, arbitrary: knownName },
    { weight: 1, arbitrary: knownName.map((n) => n.toUpperCase()) },
    { weight: 1, arbitrary: knownName.map((n) => ` ${n}`) },
    { weight: 1, arbitrary: fc.oneof(hostile, anyText) },
  );
  const user = fc.oneof(
    { weight: 4, arbitrary: fc.constant(users.athleteInTeam) },
    { weight: 3, arbitrary: fc.constant(users.coach) },
    { weight: 2, arbitrary: fc.constant(users.athleteAlone) },
    { weight: 2, arbitrary: fc.oneof(fc.stringMatching(/^[0-9]{6,19}$/), hostile, anyText) },
  );
  return fc
    .record({
      command: name,
      user,
      // The fixtures' accounts are Discord ones: on another platform the same id is an unknown user.
      platform: fc.oneof({ weight: 10, arbitrary: fc.constant<Platform>('discord') }, { weight: 1, arbitrary: fc.constantFrom<Platform>('slack', 'console') }),
      source: fc.constantFrom<CommandInput['source'] | undefined>('slash', 'text', 'button', 'form', undefined),
      where: fc.constantFrom<'team' | 'none' | 'other'>('team', 'none', 'other'),
      seed: fc.nat(),
      extra: sometimes(fc.dictionary(fc.oneof(fc.constantFrom('x', 'rpe', 'API_KEY', 'athlete ', '__proto__', 'constructor'), fc.string({ maxLength: 12 })), fc.oneof(hostile, anyText), { minKeys: 1, maxKeys: 2 }), 6),
      subRaw: sometimes(fc.oneof(hostile, fc.string({ maxLength: 10 })), 6),
    })
    .chain((r) => {
      const def = registry.get(r.command.trim());
      const subs = def?.subcommands?.map((s) => s.name) ?? [];
      const sub = subs.length > 0 ? fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...subs) }, { weight: 1, arbitrary: fc.constant(r.subRaw) }) : fc.constant(r.subRaw);
      return sub.chain((subcommand) => {
        const specs = def ? registry.optionsOf(def, registry.subcommandOf(def, subcommand ?? undefined)) : [];
        const optionArbs: Record<string, fc.Arbitrary<string | null>> = {};
        for (const s of specs) optionArbs[s.name] = fc.option(valueFor(s, users), { freq: s.required ? 8 : 2, nil: null });
        return fc.record(optionArbs).map((opts) => {
          const options: Record<string, string> = {};
          for (const [k, v] of Object.entries(opts)) if (v !== null) options[k] = v;
          for (const [k, v] of Object.entries(r.extra ?? {})) options[k] = v;
          const input: CommandInput = { platform: r.platform, platformUserId: r.user, displayName: 'Fuzz', command: r.command, options };
          if (subcommand !== undefined && subcommand !== null) input.subcommand = subcommand;
          if (r.source) input.source = r.source;
          if (r.where === 'team') Object.assign(input, { workspaceId: users.guild, channelId: users.channel });
          if (r.where === 'other') Object.assign(input, { workspaceId: 'g-elsewhere', channelId: `c${r.seed}` });
          return input;
        });
      });
    });
}

/** Free text as typed into the console / Slack text path. */
export const commandLineArb = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.tuple(fc.constantFrom('/today', '/feedback', '/settings', '/constraint add', '/override', 'feedback', '/'), fc.array(fc.oneof(hostile, fc.string({ maxLength: 12 }), fc.tuple(fc.string({ maxLength: 8 }), hostile).map(([k, v]) => `${k}:${v}`), fc.constantFrom('"', "'", 'rpe:"7', 'a:"b c"', ':', '::', '\\')), { maxLength: 6 })).map(([c, a]) => [c, ...a].join(' ')),
);

// ---------------------------------------------------------------------------------------------------
// Dispatcher outcomes

export type DispatchVerdict =
  | { kind: 'ok' }
  | { kind: 'error'; code: string }
  | { kind: 'crash'; why: string };

const GARBLED = /\b(undefined|NaN)\b|\[object Object\]/;

/** Words that mean a value went missing in a reply — unless someone typed them (a team named "NaN"). */
export const GARBLED_WORDS = ['undefined', 'NaN', '[object Object]'] as const;

/**
 * Did the dispatcher answer with a valid reply or a clear error? (Writes are checked by the caller.)
 * `typed`: garbled-looking words that earlier inputs sent (they may come back as data, e.g. a team name).
 */
export function judgeDispatch(input: CommandInput, result: DispatchResult | undefined, thrown: unknown, typed: ReadonlySet<string> = new Set()): DispatchVerdict {
  if (thrown !== undefined) return { kind: 'crash', why: `dispatch threw: ${String((thrown as Error)?.stack ?? thrown).slice(0, 300)}` };
  if (!result || (!result.message && !result.form)) return { kind: 'crash', why: 'no message and no form' };
  if (result.failure?.code === 'INTERNAL') return { kind: 'crash', why: `internal error ${result.failure.errorId}` };
  const m = result.message;
  if (m && (typeof m.title !== 'string' || typeof m.summary !== 'string' || m.summary.trim() === '')) return { kind: 'crash', why: 'message without title/summary' };
  const inputText = JSON.stringify(input);
  const text = m ? [m.title, m.summary, m.footer ?? '', ...(m.sections ?? []).flatMap((s) => [s.title ?? '', s.text ?? '', ...(s.fields ?? []).flatMap((f) => [f.label, f.value])])].join('\n') : '';
  const g = GARBLED.exec(text);
  if (g && !inputText.includes(g[0]) && !typed.has(g[0])) return { kind: 'crash', why: `garbled reply text (${g[0]}): ${text.slice(0, 200)}` };
  const key = input.options.api_key;
  if (key && key.trim().length >= 6 && text.includes(key.trim())) return { kind: 'crash', why: 'the API key was echoed back' };
  if (result.failure) {
    if (!/^[A-Z]+(\.[A-Z_]+)+$/.test(result.failure.code)) return { kind: 'crash', why: `unclear error code ${result.failure.code}` };
    return { kind: 'error', code: result.failure.code };
  }
  return { kind: 'ok' };
}

// ---------------------------------------------------------------------------------------------------
// decide lines

const SESSION_SET = new Set<string>(SESSION_TYPES);
export const DECIDE_ERROR_CODES = new Set([
  'DECIDE.INVALID_JSON',
  'DECIDE.INVALID_REQUEST',
  'DECIDE.MISSING_FIELD',
  'DECIDE.INVALID_FIELD',
  'DECIDE.HISTORY_OUT_OF_ORDER',
  'DECIDE.HISTORY_AFTER_DATE',
  'DECIDE.ENGINE_ERROR',
]);

const oddNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -0, -1, 1e-9, 1e308, -1e308, 2 ** 53, 401, 2001, 10.5));
/** Numbers written as JSON text can be Infinity (1e309) — JSON.stringify cannot produce that, so we splice text. */
const INFINITE_TEXT = '1e999';

/** The documented ranges of history fields (src/cli/decide-protocol.ts). */
const RANGES: [key: string, min: number, max: number][] = [
  ['hrvRmssd', 1, 400],
  ['restingHr', 20, 150],
  ['sleepHours', 0, 24],
  ['sleepScore', 0, 100],
  ['load', 0, 2000],
  ['rpe', 0, 10],
  ['soreness', 1, 5],
  ['minutes', 0, 1440],
];

/** A valid history entry: any subset of fields, values anywhere in range (boundaries included). */
const cleanEntry: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      ...Object.fromEntries(
        RANGES.map(([k, min, max]) => [
          k,
          fc.oneof({ weight: 1, arbitrary: fc.constantFrom(min, max) }, { weight: 6, arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }) }),
        ]),
      ),
      sessionType: fc.constantFrom(...SESSION_TYPES),
      completion: fc.constantFrom('done', 'partial', 'skipped'),
      illness: fc.boolean(),
      injury: fc.boolean(),
      wellness: fc.record({ fatigue: fc.integer({ min: 1, max: 5 }), mood: fc.integer({ min: 1, max: 5 }), sleepQuality: fc.double({ min: 1, max: 5, noNaN: true }) }, { requiredKeys: [] }),
      testResult: fc.record({ test: fc.constantFrom('5k', 'FTP', 'CMJ'), value: fc.double({ min: -1e6, max: 1e6, noNaN: true }), unit: fc.constantFrom('s', 'W', 'cm'), higherIsBetter: fc.boolean() }),
    } as Record<string, fc.Arbitrary<unknown>>,
    { requiredKeys: [] },
  )
  .map((e) => e as Record<string, unknown>);

/** One field of an entry made wrong: type, range, NaN/Infinity spelled as strings, null, nested junk. */
const corruption: fc.Arbitrary<[string, unknown]> = fc.tuple(
  fc.constantFrom(...RANGES.map((r) => r[0]), 'sessionType', 'completion', 'illness', 'wellness', 'testResult', 'date'),
  fc.oneof(
    fc.constantFrom<unknown>('NaN', 'Infinity', '-Infinity', '60', '', null, true, [], {}, -1, 1e308, -1e-300, 1e6, 'REST ', 'sprint'),
    fc.jsonValue({ maxDepth: 2 }),
    hostile,
  ),
);

function corrupt(entry: Record<string, unknown>, [key, value]: [string, unknown]): Record<string, unknown> {
  const out = { ...entry };
  if (key === 'date' && value === null) delete out.date;
  else out[key] = value;
  return out;
}

/** A history: ascending days (usually valid), one corrupted entry, shuffled, after the requested date, huge, or junk. */
function historyArb(requestDate: string): fc.Arbitrary<unknown> {
  const dated = (entries: Record<string, unknown>[], gaps: number[]) => {
    let offset = -gaps.reduce((a, b) => a + b, 0);
    return entries.map((e, i) => {
      const out = { ...e, date: addDays(requestDate, offset) };
      offset += gaps[i]!;
      return out;
    });
  };
  const ascending = (min: number, max: number, gapMax: number) =>
    fc.integer({ min, max }).chain((n) =>
      fc
        .tuple(fc.array(cleanEntry, { minLength: n, maxLength: n }), fc.array(fc.integer({ min: 1, max: gapMax }), { minLength: n, maxLength: n }))
        .map(([entries, gaps]) => dated(entries, gaps)),
    );
  // Near and over the 3,660-day limit: one entry repeated over consecutive days (generating each would be slow).
  const huge = fc.tuple(fc.integer({ min: 3_000, max: 3_700 }), cleanEntry).map(([n, e]) => dated(Array.from({ length: n }, () => e), Array.from({ length: n }, () => 1)));
  const oneBad = ascending(1, 60, 2).chain((h) => fc.tuple(fc.nat({ max: h.length - 1 }), corruption).map(([i, c]) => h.map((e, k) => (k === i ? corrupt(e, c) : e))));
  const lastDay = fc.constantFrom(0, 1, 5); // history ending on, or after, the requested date
  return fc.oneof(
    { weight: 8, arbitrary: ascending(0, 150, 2) },
    { weight: 1, arbitrary: huge },
    { weight: 3, arbitrary: oneBad },
    { weight: 1, arbitrary: ascending(2, 40, 3).chain((h) => fc.shuffledSubarray(h, { minLength: h.length })) },
    { weight: 1, arbitrary: fc.tuple(ascending(1, 20, 1), lastDay).map(([h, d]) => [...h, { ...(h.at(-1) ?? {}), date: addDays(requestDate, d) }]) },
    { weight: 1, arbitrary: fc.array(cleanEntry.map((e) => ({ ...e })), { maxLength: 10 }).chain((es) => fc.tuple(...es.map((e) => fc.oneof(dateText, hostile).map((date) => ({ ...e, date }))))) },
    { weight: 1, arbitrary: fc.oneof(fc.jsonValue(), fc.constantFrom<unknown>(null, 'history', 42, {})) },
  );
}

/** One input line for `decide` (never contains a line break). */
export const decideLineArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null') },
  {
    weight: 12,
    arbitrary: fc
      .record({
        date: fc.oneof({ weight: 20, arbitrary: fc.integer({ min: -30, max: 30 }).map((d) => addDays(FUZZ_TODAY, d)) }, { weight: 1, arbitrary: dateText }, { weight: 1, arbitrary: hostile }),
        athleteId: fc.oneof({ weight: 20, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) }, { weight: 1, arbitrary: hostile }, { weight: 1, arbitrary: fc.string({ minLength: 190, maxLength: 260 }) }),
        sport: sometimes(fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...SPORTS) }, { weight: 1, arbitrary: fc.constantFrom<unknown>('swimming', '', 1, null) }), 1),
        goalDate: sometimes(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: -10, max: 200 }).map((d) => addDays(FUZZ_TODAY, d)) }, { weight: 1, arbitrary: hostile }), 3),
        constraints: sometimes(
          fc.array(
            fc.record({
              kind: fc.oneof({ weight: 12, arbitrary: fc.constantFrom<unknown>('no_high_intensity', 'max_load', 'rest_only', 'no_impact') }, { weight: 1, arbitrary: fc.constantFrom<unknown>('no_fun', '') }),
              value: sometimes(fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 2000 }) }, { weight: 1, arbitrary: oddNumber }), 1),
              from: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: -20, max: 20 }).map((d) => addDays(FUZZ_TODAY, d)) }, { weight: 1, arbitrary: hostile }),
              to: sometimes(fc.integer({ min: -20, max: 40 }).map((d) => addDays(FUZZ_TODAY, d)), 1),
              reason: sometimes(fc.oneof({ weight: 8, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.string({ minLength: 490, maxLength: 520 }) }), 1),
            }),
            { maxLength: 4 },
          ),
          3,
        ),
        override: sometimes(
          fc.record({
            type: fc.oneof({ weight: 10, arbitrary: fc.constantFrom<unknown>(...SESSION_TYPES) }, { weight: 1, arbitrary: fc.constantFrom<unknown>('NAP', 'rest', 0) }),
            minutes: sometimes(fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 600 }) }, { weight: 1, arbitrary: oddNumber }), 1),
            reason: fc.oneof({ weight: 10, arbitrary: fc.constantFrom('taper', 'race week', '🏁') }, { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(501)) }),
            by: fc.constantFrom('Coach', 'Coach', 'Coach', ''),
          }),
          4,
        ),
        infinite: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
        drop: sometimes(fc.constantFrom('athleteId', 'date', 'history'), 15),
      })
      .chain((r) => historyArb(typeof r.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(r.date) ? r.date : FUZZ_TODAY).map((history) => ({ ...r, history })))
      .map(({ infinite, drop, ...r }) => {
        const req: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(r)) if (v !== undefined && k !== drop) req[k] = v;
        let text = JSON.stringify(req);
        // Sometimes one metric becomes a number JSON.parse reads as Infinity.
        if (infinite) text = text.replace(/"hrvRmssd":[-0-9.e+]+/, `"hrvRmssd":${INFINITE_TEXT}`);
        return text;
      }),
  },
).map((line) => line.replace(/[\r\n\u2028\u2029]/g, ' '));

/** A decision is valid when every number is finite and every enum is one of ours. */
export function checkDecision(d: unknown, athleteId?: string, date?: string): string | undefined {
  const x = d as Decision;
  if (!x || typeof x !== 'object') return 'not an object';
  if (athleteId !== undefined && x.athleteId !== athleteId) return `athleteId ${String(x.athleteId)} ≠ ${athleteId}`;
  if (date !== undefined && x.date !== date) return `date ${String(x.date)} ≠ ${date}`;
  const s = x.session;
  if (!s || !SESSION_SET.has(s.type)) return `session.type ${String(s?.type)}`;
  if (!Number.isFinite(s.minutes) || s.minutes < 0 || s.minutes > 1440) return `session.minutes ${String(s.minutes)}`;
  if (!Number.isFinite(s.targetLoad) || s.targetLoad < 0) return `session.targetLoad ${String(s.targetLoad)}`;
  if (typeof s.description !== 'string' || /\b(NaN|undefined)\b/.test(s.description)) return `session.description ${String(s.description).slice(0, 80)}`;
  if (!Array.isArray(x.allowed) || !x.allowed.every((t) => SESSION_SET.has(t))) return 'allowed';
  if (!Array.isArray(x.reasons) || x.reasons.length === 0) return 'no reasons';
  for (const r of x.reasons) {
    if (typeof r.text !== 'string' || r.text.trim() === '') return 'empty reason';
    if (/\b(NaN|undefined)\b|Infinity|\[object Object\]/.test(r.text)) return `reason text: ${r.text.slice(0, 160)}`;
    for (const v of Object.values(r.values ?? {})) if (!Number.isFinite(v)) return `reason value ${String(v)} in "${r.text.slice(0, 80)}"`;
  }
  for (const [k, v] of Object.entries(x.state ?? {})) if (typeof v === 'number' && !Number.isFinite(v)) return `state.${k} = ${v}`;
  if (x.session.type === 'REST' && x.session.minutes !== 0) return 'REST with minutes';
  return undefined;
}
