import { describe, expect, it } from 'vitest';
import { Rng, hashNormal, hashUniform } from '../../twin/index.ts';
import { mean, sd } from './helpers.ts';

describe('Rng', () => {
  it('when two generators share a seed, then they produce identical streams; different seeds differ', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xa = Array.from({ length: 100 }, () => a.uniform());
    const xb = Array.from({ length: 100 }, () => b.uniform());
    const xc = Array.from({ length: 100 }, () => c.uniform());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('when 200k uniforms are drawn, then they lie in [0,1) with mean 0.5 ± 0.005', () => {
    const r = new Rng(7);
    const xs = new Float64Array(200_000).map(() => r.uniform());
    expect(Math.min(...xs.subarray(0, 50_000))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs.subarray(0, 50_000))).toBeLessThan(1);
    expect(Math.abs(mean(xs) - 0.5)).toBeLessThan(0.005);
  });

  it('when 400k normals are drawn, then mean ≈ 0, SD ≈ 1 and the tail mass beyond 3 SD ≈ 0.27 %', () => {
    const r = new Rng(11);
    const xs = new Float64Array(400_000).map(() => r.normal());
    expect(Math.abs(mean(xs))).toBeLessThan(0.006);
    expect(Math.abs(sd(xs) - 1)).toBeLessThan(0.006);
    const tail = xs.filter((x) => Math.abs(x) > 3).length / xs.length;
    expect(tail).toBeGreaterThan(0.0021);
    expect(tail).toBeLessThan(0.0033);
  });

  it('when hashed draws are repeated with the same coordinates, then they are equal and in range', () => {
    expect(hashUniform(1, 2, 3, 4)).toBe(hashUniform(1, 2, 3, 4));
    expect(hashUniform(1, 2, 3, 4)).not.toBe(hashUniform(1, 2, 3, 5));
    expect(hashNormal(9, 1, 1, 1)).toBe(hashNormal(9, 1, 1, 1));
    const zs = Array.from({ length: 20_000 }, (_, i) => hashNormal(5, i, 0, 0));
    expect(Math.abs(sd(zs) - 1)).toBeLessThan(0.03);
  });
});
