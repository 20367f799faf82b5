/**
 * Twin throughput: 10,000 athletes × 168 days through TwinEnv.step (noise, shocks, events and
 * observations on), one core. Prints athlete-days/s, Node version, CPU model and core count.
 * Run: npm run bench:twin  (tsx bench/twin.bench.ts)
 */
import os from 'node:os';
import { TwinEnv, periodizedSession, generatePopulation, SESSION_INDEX } from '../twin/index.ts';

const N = Number(process.env.TWIN_BENCH_ATHLETES ?? 10_000);
const DAYS = Number(process.env.TWIN_BENCH_DAYS ?? 168);
const REPEATS = Number(process.env.TWIN_BENCH_REPEATS ?? 3);

const population = generatePopulation({ n: N, seed: 42 });
// Precompute the actions (a periodised plan) so that the bench measures the twin, not the policy.
const types: Uint8Array[] = [];
const minutes: Float32Array[] = [];
for (let d = 0; d < DAYS; d++) {
  const t = new Uint8Array(N);
  const m = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    const s = periodizedSession(population[i]!, d);
    t[i] = SESSION_INDEX[s.type];
    m[i] = s.minutes;
  }
  types.push(t);
  minutes.push(m);
}

const env = new TwinEnv({ seed: 1, missingRate: 0.1, horizonDays: DAYS });
let best = 0;
let checksum = 0;
for (let r = 0; r < REPEATS + 1; r++) {
  env.reset(population, r + 1);
  const t0 = process.hrtime.bigint();
  for (let d = 0; d < DAYS; d++) env.step(types[d]!, minutes[d]!);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  checksum += env.truth().cumulativeReward[0]!;
  const rate = (N * DAYS) / secs;
  if (r > 0 && rate > best) best = rate; // first run is warm-up
  if (r > 0) console.log(`run ${r}: ${(N * DAYS).toLocaleString('en-US')} athlete-days in ${secs.toFixed(3)} s`);
}
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`twin.step: ${Math.round(best).toLocaleString('en-US')} athlete-days/s (best of ${REPEATS}, ${N} athletes × ${DAYS} days, target ≥ 2,000,000)`);
console.log(`node ${process.version} | ${cpu} | ${os.cpus().length} cores | checksum ${checksum.toFixed(4)}`);
