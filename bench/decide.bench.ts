/**
 * npm run bench:decide — throughput of `twincoach decide` (the real process, reading stdin, writing
 * stdout) with 120-day histories, and the policy part of batch inference for 10,000 athletes.
 * Targets: ≥ 2,000 requests/s; policy for 10,000 athletes ≤ 100 ms.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { generatePopulation } from '../twin/index.ts';
import { AgentEnv } from '../agent/env/agent-env.ts';
import { loadPolicy } from '../agent/policies.ts';
import { DqnPolicy } from '../agent/dqn/policy.ts';
import { initTf } from '../agent/tf-backend.ts';
import { machineFacts } from './machine.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '6000' }, policy: { type: 'string', default: 'dqn' } } });
const N = Number(values.requests);

// Realistic histories: 64 twin athletes, 120 days each (42 warm-up + 78 season days on the hrv baseline).
const pop = generatePopulation({ n: 64, seed: 5150 });
const env = new AgentEnv({ seed: 77, horizonDays: 80, warmupDays: 42 });
let inputs = env.reset(pop);
const hrv = await loadPolicy('hrv');
for (let d = 0; d < 78; d++) {
  env.step(hrv.decide(inputs));
  inputs = env.currentInputs();
}
const date = inputs[0]!.context.date;
const lines: string[] = [];
for (let k = 0; k < N; k++) {
  const i = k % pop.length;
  const history = env.history(i).slice(-120).filter((o) => o.date < date);
  lines.push(JSON.stringify({ athleteId: `athlete-${k}`, date, sport: pop[i]!.sport, history }));
}
const avgDays = lines.reduce((a, l) => a + (JSON.parse(l).history as unknown[]).length, 0) / N;

const { backend } = await initTf('auto');
console.log(`# bench:decide — ${machineFacts({ backend })}`);
console.log(`requests: ${N}, history ${avgDays.toFixed(0)} days each, policy ${values.policy}`);

const child = spawn(process.execPath, ['bin/twincoach.mjs', 'decide', '--policy', values.policy!], { stdio: ['pipe', 'pipe', 'inherit'] });
let received = 0;
let buffered = '';
let firstAt = 0;
const started = performance.now();
const finished = new Promise<number>((resolve) => {
  child.stdout.on('data', (chunk: Buffer) => {
    if (!firstAt) firstAt = performance.now();
    buffered += chunk.toString('utf8');
    let idx;
    while ((idx = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, idx);
      buffered = buffered.slice(idx + 1);
      if (line.includes('"error"')) throw new Error(`unexpected error line: ${line.slice(0, 200)}`);
      received += 1;
    }
  });
  child.on('exit', () => resolve(performance.now()));
});
const payload = lines.join('\n') + '\n';
child.stdin.end(payload);
const end = await finished;
if (received !== N) throw new Error(`expected ${N} answers, got ${received}`);
const total = (end - started) / 1000;
const steady = (end - firstAt) / 1000;
console.log(`decide process: ${N} answers in ${total.toFixed(2)} s incl. start-up → ${(N / total).toFixed(0)} req/s; from first answer: ${(N / steady).toFixed(0)} req/s (target ≥ 2,000)`);

// Policy part of batch inference for 10,000 athletes (the morning job's one call).
const { tf } = await initTf('auto');
const model = await import('node:fs').then((fs) => JSON.parse(fs.readFileSync('models/dqn-default.json', 'utf8')));
const dqn = DqnPolicy.fromModel(tf, model).policy;
const batch = Array.from({ length: 10_000 }, (_, k) => inputs[k % inputs.length]!);
dqn.decide(batch); // warm-up
const times: number[] = [];
for (let r = 0; r < 5; r++) {
  const t = performance.now();
  dqn.decide(batch);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(`policy for 10,000 athletes (features → Q → masked argmax): median ${times[2]!.toFixed(1)} ms, best ${times[0]!.toFixed(1)} ms (target ≤ 100 ms)`);
