/**
 * npm run bench:fuzz — random and malformed inputs, seeded (fast-check), through
 *
 *   1. the command dispatcher with the real use cases on the database (embedded FerretDB in a temp dir, or
 *      MONGODB_URI) and the real decision engine: random command names, options of the wrong type, huge /
 *      unicode / injection-looking strings, negative and non-finite numbers, unknown users, athletes calling
 *      coach commands, typed command lines;
 *   2. `decide`: parseDecideLine + the engine per line (DQN, the shipped default), then all lines through
 *      runDecideStream (batches, ordering): random JSON, wrong types, huge / odd histories, NaN and Infinity
 *      spelled out or as 1e999, out-of-order dates.
 *
 * Each input must give a valid result or a clear error (an AppError code / a protocol error line); no
 * exception, no internal error, and an input that fails writes nothing (repository writes recorded per
 * input; document counts per collection compared before/after every failing input that got past the
 * dispatcher's own checks, and 1 in 10 of the dispatcher's refusals, which only read). Prints counts per
 * outcome and code. An input that does not settle within 60 s counts as a crash.
 *
 * Options: --commands 10000 --decide 10000 --lines 2000 --seed 20261122 --policy dqn
 */
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { HrvPolicy } from '../agent/baselines/index.ts';
import { DecisionEngine } from '../agent/engine.ts';
import { loadPolicy } from '../agent/policies.ts';
import type { DispatchResult } from '../commands/index.ts';
import { parseDecideLine } from '../src/cli/decide-protocol.ts';
import { runDecideStream } from '../src/cli/decide.ts';
import type { CommandInput } from '../src/core/chat.ts';
import { registerModels } from '../src/db/models.ts';
import { openBenchDatabase } from '../tests/bench/bench-db.ts';
import { buildFuzzWorld, checkDecision, commandInputArb, commandLineArb, compensated, DECIDE_ERROR_CODES, decideLineArb, GARBLED_WORDS, judgeDispatch, type FuzzWorld } from '../tests/fuzz/support.ts';
import { machineFacts } from './machine.ts';

export interface CommandFuzzResult {
  cases: number;
  ok: number;
  errors: Map<string, number>;
  crashes: { input: string; why: string }[];
  wroteOnError: { input: string; code: string; writes: string[] }[];
  /** Failing inputs whose writes were undone before the error (insert + delete). Listed, not counted as problems. */
  compensated: { input: string; code: string; writes: string[] }[];
  countMismatches: { input: string; code: string; diff: string }[];
  /** Failing inputs after which document counts were compared. */
  compared: number;
  lines: { cases: number; parsed: number; refused: number; crashes: string[] };
  ms: number;
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/** Codes the dispatcher itself answers with before a handler runs (unknown command, options, who may run it). */
const DISPATCHER_REFUSALS = new Set(['COMMAND.UNKNOWN', 'COMMAND.SUBCOMMAND', 'COMMAND.INVALID_OPTION', 'COMMAND.UNKNOWN_OPTION', 'AUTH.UNKNOWN_USER', 'AUTH.NOT_ATHLETE', 'AUTH.COACHES_ONLY', 'AUTH.ADMINS_ONLY']);

/** A hung input is a crash too: without this, a promise that never settles ends the process silently (exit 13). */
class Hung extends Error {}
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Hung(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
const short = (x: unknown) => JSON.stringify(x).slice(0, 300);

export async function fuzzCommands(w: FuzzWorld, n: number, lineCases: number, seed: number, progress = false): Promise<CommandFuzzResult> {
  let done = 0;
  let refusals = 0;
  const typed = new Set<string>();
  const r: CommandFuzzResult = { cases: n, ok: 0, errors: new Map(), crashes: [], wroteOnError: [], compensated: [], countMismatches: [], compared: 0, lines: { cases: lineCases, parsed: 0, refused: 0, crashes: [] }, ms: 0 };
  const inputs = fc.sample(commandInputArb(w.registry, w.users), { seed, numRuns: n });
  const started = performance.now();
  // Document counts per collection: compared after every failing input; a crash or an input that succeeded
  // and wrote moves the baseline.
  let snapshot = await w.counts();
  const rebase = async () => {
    snapshot = await w.counts();
  };
  for (const input of inputs) {
    w.writes.reset();
    let result: DispatchResult | undefined;
    let thrown: unknown;
    try {
      result = await within(w.dispatcher.dispatch(input as CommandInput), 60_000, 'dispatch');
    } catch (err) {
      thrown = err ?? 'undefined';
    }
    if ((++done % 1000 === 0 || thrown instanceof Hung) && progress) process.stderr.write(`  … ${done}/${inputs.length} inputs${thrown instanceof Hung ? ` (hung: ${short(input)})` : ''}\n`);
    const v = judgeDispatch(input, result, thrown, typed);
    for (const word of GARBLED_WORDS) if (JSON.stringify(input).includes(word)) typed.add(word);
    if (v.kind === 'crash') {
      r.crashes.push({ input: short(input), why: v.why });
      await rebase();
      continue;
    }
    if (v.kind === 'ok') {
      r.ok += 1;
      if (w.writes.calls.length > 0) await rebase();
      continue;
    }
    bump(r.errors, v.code);
    if (w.writes.calls.length > 0) {
      if (compensated(w.writes.calls)) r.compensated.push({ input: short(input), code: v.code, writes: [...w.writes.calls] });
      else r.wroteOnError.push({ input: short(input), code: v.code, writes: [...w.writes.calls] });
    }
    // Refusals by the dispatcher's own checks (before any handler runs) are compared 1 in 10 — they only read,
    // and every repository write is recorded anyway; everything else is compared every time.
    const refusal = DISPATCHER_REFUSALS.has(v.code);
    if (refusal && ++refusals % 10 !== 0) continue;
    r.compared += 1;
    const after = await w.counts();
    const diff = Object.keys({ ...snapshot, ...after })
      .filter((k) => (snapshot[k] ?? 0) !== (after[k] ?? 0))
      .map((k) => `${k} ${snapshot[k] ?? 0}→${after[k] ?? 0}`);
    if (diff.length > 0) r.countMismatches.push({ input: short(input), code: v.code, diff: diff.join(', ') });
    snapshot = after;
  }
  for (const line of fc.sample(commandLineArb, { seed: seed + 7, numRuns: lineCases })) {
    try {
      w.dispatcher.parseLine(line);
      r.lines.parsed += 1;
    } catch (err) {
      if ((err as { code?: string }).code === 'COMMAND.PARSE') r.lines.refused += 1;
      else r.lines.crashes.push(`${short(line)}: ${String(err)}`);
    }
  }
  r.ms = performance.now() - started;
  return r;
}

export interface DecideFuzzResult {
  cases: number;
  decisions: number;
  errors: Map<string, number>;
  crashes: { line: string; why: string }[];
  invalid: { line: string; why: string }[];
  stream: { lines: number; answers: number; inOrder: boolean; engineErrors: number; ms: number };
  ms: number;
}

export async function fuzzDecide(engine: DecisionEngine, n: number, seed: number): Promise<DecideFuzzResult> {
  const lines = fc.sample(decideLineArb, { seed, numRuns: n });
  const r: DecideFuzzResult = { cases: n, decisions: 0, errors: new Map(), crashes: [], invalid: [], stream: { lines: 0, answers: 0, inOrder: true, engineErrors: 0, ms: 0 }, ms: 0 };
  const started = performance.now();
  for (const line of lines) {
    try {
      const p = parseDecideLine(line, 1);
      if (!p.ok) {
        const { code, message } = p.error.error;
        if (!DECIDE_ERROR_CODES.has(code) || typeof message !== 'string' || message === '') r.invalid.push({ line: line.slice(0, 200), why: `unclear error ${code}: ${message}` });
        bump(r.errors, code);
        continue;
      }
      const [d] = engine.decideBatch([p.request]);
      const why = checkDecision(d, p.request.athleteId, p.request.date);
      if (why) r.invalid.push({ line: line.slice(0, 300), why });
      else r.decisions += 1;
    } catch (err) {
      r.crashes.push({ line: line.slice(0, 300), why: String((err as Error)?.stack ?? err).slice(0, 300) });
    }
  }
  r.ms = performance.now() - started;

  // The same lines through the stream: one answer per non-blank line, in order, batched.
  const t = performance.now();
  const input = new PassThrough();
  const output = new PassThrough();
  let buffered = '';
  const answers: string[] = [];
  output.on('data', (c: Buffer) => {
    buffered += c.toString('utf8');
    let i;
    while ((i = buffered.indexOf('\n')) >= 0) {
      answers.push(buffered.slice(0, i));
      buffered = buffered.slice(i + 1);
    }
  });
  const done = runDecideStream({ input, output, engine, maxBatch: 256 });
  for (const l of lines) input.write(`${l}\n`);
  input.end();
  await done;
  const expected = lines.map((text, i) => ({ line: i + 1, text })).filter((x) => x.text.trim() !== '');
  r.stream.lines = expected.length;
  r.stream.answers = answers.length;
  answers.forEach((a, k) => {
    const json = JSON.parse(a) as { line?: number; error?: { code: string }; athleteId?: string };
    if (json.error?.code === 'DECIDE.ENGINE_ERROR') r.stream.engineErrors += 1;
    const exp = expected[k];
    if (!exp) r.stream.inOrder = false;
    else if (json.error ? json.line !== exp.line : !parseDecideLine(exp.text, exp.line).ok) r.stream.inOrder = false;
  });
  r.stream.ms = performance.now() - t;
  return r;
}

const codes = (m: Map<string, number>) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      commands: { type: 'string', default: '10000' },
      decide: { type: 'string', default: '10000' },
      lines: { type: 'string', default: '2000' },
      seed: { type: 'string', default: '20261122' },
      policy: { type: 'string', default: 'dqn' },
    },
  });
  const seed = Number(values.seed);
  const db = await openBenchDatabase(registerModels);
  const policy = values.policy === 'hrv' ? new HrvPolicy() : await loadPolicy(values.policy!, { backend: 'auto' });
  const engine = new DecisionEngine({ policy });
  console.log(`# bench:fuzz — ${machineFacts({ db: db.kind, policy: engine.policyId })}`);
  console.log(`fast-check ${fc.__version}, seed ${seed}`);
  try {
    const w = await buildFuzzWorld(db.conn, { policy });
    const c = await fuzzCommands(w, Number(values.commands), Number(values.lines), seed, true);
    const errorTotal = [...c.errors.values()].reduce((a, b) => a + b, 0);
    console.log(`\n## command dispatcher (${db.kind}): ${c.cases} inputs in ${(c.ms / 1000).toFixed(1)} s (${(c.ms / c.cases).toFixed(1)} ms each, write checks included)`);
    console.log(`ok ${c.ok} · clear errors ${errorTotal} · crashes ${c.crashes.length} (must be 0)`);
    console.log(`errors by code: ${codes(c.errors)}`);
    console.log(
      `failing inputs that wrote: ${c.wroteOnError.length} (must be 0); that wrote and undid it before answering: ${c.compensated.length} ` +
        `(${[...new Set(c.compensated.map((x) => `${x.code}: ${x.writes.join(' + ')}`))].join('; ') || '—'}); ` +
        `document counts compared after ${c.compared} failing inputs (all that got past the dispatcher's own checks, 1 in 10 of its refusals): changed ${c.countMismatches.length} (must be 0)`,
    );
    console.log(`typed command lines: ${c.lines.cases} → parsed ${c.lines.parsed}, refused with COMMAND.PARSE ${c.lines.refused}, other exceptions ${c.lines.crashes.length} (must be 0)`);
    const kinds = new Map<string, number>();
    for (const x of c.crashes) bump(kinds, x.why.replace(/\s+/g, ' ').slice(0, 60));
    if (kinds.size > 0) console.log(`crashes by kind: ${codes(kinds)}`);
    for (const x of c.crashes.slice(0, 5)) console.log(`  crash: ${x.why}\n    input: ${x.input}`);
    for (const x of c.wroteOnError.slice(0, 5)) console.log(`  wrote on ${x.code}: ${x.writes.join(', ')}\n    input: ${x.input}`);
    for (const x of c.countMismatches.slice(0, 5)) console.log(`  counts changed on ${x.code}: ${x.diff}\n    input: ${x.input}`);
    for (const x of c.lines.crashes.slice(0, 5)) console.log(`  line: ${x}`);

    const d = await fuzzDecide(engine, Number(values.decide), seed);
    const dErrors = [...d.errors.values()].reduce((a, b) => a + b, 0);
    console.log(`\n## decide (${engine.policyId}): ${d.cases} lines in ${(d.ms / 1000).toFixed(1)} s, one at a time`);
    console.log(`valid decisions ${d.decisions} · protocol errors ${dErrors} · invalid decisions or unclear errors ${d.invalid.length} (must be 0) · crashes ${d.crashes.length} (must be 0)`);
    console.log(`errors by code: ${codes(d.errors)}`);
    console.log(
      `stream (runDecideStream, batches of ≤ 256): ${d.stream.lines} non-blank lines → ${d.stream.answers} answers, in order: ${d.stream.inOrder ? 'yes' : 'NO'}, ` +
        `batch engine errors ${d.stream.engineErrors} (must be 0), ${(d.stream.ms / 1000).toFixed(1)} s`,
    );
    for (const x of d.crashes.slice(0, 5)) console.log(`  crash: ${x.why}\n    line: ${x.line}`);
    for (const x of d.invalid.slice(0, 5)) console.log(`  invalid: ${x.why}\n    line: ${x.line}`);
    const bad = c.crashes.length + c.wroteOnError.length + c.countMismatches.length + c.lines.crashes.length + d.crashes.length + d.invalid.length + d.stream.engineErrors;
    console.log(`\ntotal: ${c.cases + c.lines.cases + d.cases} inputs, problems ${bad} (must be 0); logged internal errors ${w.loggedErrors.length}`);
    if (bad > 0 || !d.stream.inOrder || d.stream.answers !== d.stream.lines) process.exitCode = 1;
  } finally {
    await db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
