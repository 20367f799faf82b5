/**
 * `twincoach decide` — the engine as a long-lived JSON-lines filter: one request per stdin line, exactly
 * one response line per request on stdout, in order, flushed as it goes. Bad lines answer
 * {"line": N, "error": {code, message}} on their turn and processing continues. Lines that arrive
 * together are decided as one batch (one policy call, one batched twin what-if), which is where the
 * throughput comes from; an interactive user typing one line at a time gets an answer per line.
 */
import type { Readable, Writable } from 'node:stream';
import type { DecisionRequest } from '../../agent/decision.ts';
import { DecisionEngine } from '../../agent/engine.ts';
import { loadPolicy } from '../../agent/policies.ts';
import { parseDecideLine, type ProtocolError } from './decide-protocol.ts';
import { LineSplitter } from './line-splitter.ts';

export interface DecideStreamOptions {
  input: Readable;
  output: Writable;
  engine: DecisionEngine;
  /** Most lines decided in one batch. */
  maxBatch?: number;
}

export async function runDecideStream(options: DecideStreamOptions): Promise<{ requests: number; errors: number }> {
  const { input, output, engine } = options;
  const maxBatch = options.maxBatch ?? 512;
  const queue: { line: number; text: string }[] = [];
  let lineNo = 0;
  let requests = 0;
  let errors = 0;
  let scheduled = false;
  let closed = false;
  let flushing: Promise<void> = Promise.resolve();
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));

  const write = (text: string) =>
    new Promise<void>((resolve) => {
      if (output.write(text)) resolve();
      else output.once('drain', resolve);
    });

  const processBatch = async (items: { line: number; text: string }[]) => {
    const parsed = items.map((it) => parseDecideLine(it.text, it.line));
    const valid: DecisionRequest[] = [];
    for (const p of parsed) if (p.ok) valid.push(p.request);
    let decisions: ReturnType<DecisionEngine['decideBatch']> = [];
    let batchError: ProtocolError['error'] | undefined;
    try {
      decisions = engine.decideBatch(valid);
    } catch (err) {
      batchError = { code: 'DECIDE.ENGINE_ERROR', message: (err as Error).message };
    }
    let k = 0;
    const lines: string[] = [];
    parsed.forEach((p, idx) => {
      if (!p.ok) {
        errors += 1;
        lines.push(JSON.stringify(p.error));
      } else if (batchError) {
        errors += 1;
        lines.push(JSON.stringify({ line: items[idx]!.line, error: batchError }));
      } else {
        requests += 1;
        lines.push(JSON.stringify(decisions[k++]));
      }
    });
    await write(lines.join('\n') + '\n');
  };

  const flush = () => {
    scheduled = false;
    flushing = flushing.then(async () => {
      while (queue.length > 0) {
        input.pause();
        await processBatch(queue.splice(0, maxBatch));
      }
      if (!closed) input.resume();
      else finish();
    });
  };

  const splitter = new LineSplitter((text) => {
    lineNo += 1;
    if (text.trim() === '') return;
    queue.push({ line: lineNo, text });
    if (queue.length >= maxBatch) input.pause();
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
  input.on('data', (chunk: Buffer | string) => splitter.push(chunk));
  input.on('end', () => {
    splitter.end();
    closed = true;
    if (!scheduled) flush();
  });
  await finished;
  await flushing;
  return { requests, errors };
}

export async function decideMain(argv: string[], io: { stdin: Readable; stdout: Writable; stderr: Writable }): Promise<number> {
  let policySpec = 'dqn';
  let whatIf = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--policy') policySpec = argv[++i] ?? '';
    else if (a.startsWith('--policy=')) policySpec = a.slice('--policy='.length);
    else if (a === '--no-whatif') whatIf = false;
    else if (a === '--help' || a === '-h') {
      io.stdout.write(
        'usage: twincoach decide [--policy dqn|static|acwr|hrv|greedy|tabular-q|<model.json>] [--no-whatif]\n' +
          'Reads one JSON request per line on stdin and writes one JSON decision per line to stdout (see README: decide protocol).\n',
      );
      return 0;
    } else {
      io.stderr.write(`twincoach decide: unknown option ${a} (see --help)\n`);
      return 2;
    }
  }
  let engine: DecisionEngine;
  try {
    engine = new DecisionEngine({ policy: await loadPolicy(policySpec, { backend: 'auto' }), whatIf });
  } catch (err) {
    io.stderr.write(`twincoach decide: ${(err as Error).message}\n`);
    return 2;
  }
  const r = await runDecideStream({ input: io.stdin, output: io.stdout, engine });
  io.stderr.write(`twincoach decide: ${r.requests} decisions, ${r.errors} errors, policy ${engine.policyId}\n`);
  return 0;
}
