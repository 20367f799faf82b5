/**
 * Small, fast, seeded pseudo-random numbers for the twin.
 *
 * - sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state, passes PractRand) for the
 *   main stream; seeded through splitmix32 so that nearby seeds give unrelated streams.
 * - Standard normals by the ziggurat method (Marsaglia & Tsang 2000, 128 layers; layer index and
 *   magnitude taken from disjoint bits of one 32-bit draw, which avoids the original's bit correlation).
 * - `hashUniform`: a stateless uniform from (seed, a, b, c) for values that are generated lazily (on
 *   observe) and must not depend on call order.
 *
 * The twin never calls Math.random: every stochastic path receives an Rng (or a seed).
 */

const TWO_POW_32 = 4294967296;
const TWO_POW_24 = 16777216;

// ---- ziggurat tables (normal, 128 layers) ----
const ZN = 128;
const ZR = 3.442619855899;
const ZV = 9.91256303526217e-3;
const KN = new Int32Array(ZN);
const WN = new Float64Array(ZN);
const FN = new Float64Array(ZN);
(() => {
  let dn = ZR;
  let tn = dn;
  const q = ZV / Math.exp(-0.5 * dn * dn);
  KN[0] = Math.floor((dn / q) * TWO_POW_24);
  KN[1] = 0;
  WN[0] = q / TWO_POW_24;
  WN[ZN - 1] = dn / TWO_POW_24;
  FN[0] = 1;
  FN[ZN - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = ZN - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZV / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = Math.floor((dn / tn) * TWO_POW_24);
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / TWO_POW_24;
  }
})();

/** splitmix32 step: returns a well-mixed 32-bit unsigned integer from any 32-bit input. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const s = Number.isFinite(seed) ? Math.floor(seed) : 0;
    // fold high bits of large seeds in, so 2**32 + 1 and 1 differ
    const lo = s | 0;
    const hi = Math.floor(s / TWO_POW_32) | 0;
    this.a = mix32(lo ^ 0x1234567);
    this.b = mix32(this.a ^ hi);
    this.c = mix32(this.b + 0x5bd1e995);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** Next 32-bit unsigned integer (sfc32). */
  nextU32(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextU32() / TWO_POW_32;
  }

  /** Uniform in (0, 1]: safe for Math.log. */
  uniformPos(): number {
    return (this.nextU32() + 1) / TWO_POW_32;
  }

  /** Standard normal N(0, 1) (ziggurat). */
  normal(): number {
    const u = this.nextU32();
    const iz = u & 127;
    const hz = (u | 0) >> 7; // signed 25-bit magnitude, disjoint from the layer bits
    if ((hz < 0 ? -hz : hz) < KN[iz]!) return hz * WN[iz]!;
    return this.normalTail(hz, iz);
  }

  private normalTail(hz0: number, iz0: number): number {
    let hz = hz0;
    let iz = iz0;
    for (;;) {
      const x = hz * WN[iz]!;
      if (iz === 0) {
        let xt: number;
        let y: number;
        do {
          xt = -Math.log(this.uniformPos()) / ZR;
          y = -Math.log(this.uniformPos());
        } while (y + y < xt * xt);
        return hz > 0 ? ZR + xt : -ZR - xt;
      }
      if (FN[iz]! + this.uniform() * (FN[iz - 1]! - FN[iz]!) < Math.exp(-0.5 * x * x)) return x;
      const u = this.nextU32();
      iz = u & 127;
      hz = (u | 0) >> 7;
      if ((hz < 0 ? -hz : hz) < KN[iz]!) return hz * WN[iz]!;
    }
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Log-normal draw with the given median and SD of the log. */
  logNormal(median: number, sdLog: number): number {
    return median * Math.exp(sdLog * this.normal());
  }

  /** An independent child stream (for sub-components), deterministic in this stream's state. */
  fork(): Rng {
    return new Rng(this.nextU32() * 2654435761 + this.nextU32());
  }
}

/**
 * Stateless uniform in (0, 1) from a seed and three integer coordinates (e.g. athlete, day, stream).
 * Used for values generated lazily so that they do not depend on the order of calls.
 */
export function hashUniform(seed: number, a: number, b: number, c: number): number {
  let h = mix32(seed | 0);
  h = mix32(h ^ (a | 0));
  h = mix32(h ^ (b | 0));
  h = mix32(h ^ (c | 0));
  return (h + 0.5) / TWO_POW_32;
}

/** Stateless standard normal from a seed and coordinates (Box–Muller on two hashed uniforms). */
export function hashNormal(seed: number, a: number, b: number, c: number): number {
  const u1 = hashUniform(seed, a, b, c * 2 + 1);
  const u2 = hashUniform(seed, a, b, c * 2 + 2);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(6.283185307179586 * u2);
}
