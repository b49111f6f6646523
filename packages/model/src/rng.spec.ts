/** The seeded generator: reproducible, named streams differ, state round-trips, sane moments. */
import { describe, expect, it } from 'vitest';
import { InvalidRngStateError, Rng } from './rng.js';

describe('Rng', () => {
  it('repeats a seed, separates streams and continues from a saved state', () => {
    const a = new Rng(5, 'noise');
    const b = new Rng(5, 'noise');
    const seqA = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(seqA);
    expect(new Rng(5, 'init').uniform()).not.toBe(seqA[0]);
    const saved = a.getState();
    const next = a.uniform();
    expect(Rng.fromState(JSON.parse(JSON.stringify(saved))).uniform()).toBe(next);
  });

  it('draws uniform and normal values with the right moments', () => {
    const r = new Rng(1);
    const u = r.fillUniform(new Float32Array(20000));
    const n = r.fillNormal(new Float32Array(20000));
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(mean(u)).toBeCloseTo(0.5, 1);
    expect(mean(n)).toBeCloseTo(0, 1);
    expect(mean(n.map((v) => v * v))).toBeCloseTo(1, 1);
  });

  it('rejects a malformed state', () => {
    expect(() => Rng.fromState([1, 2, 3])).toThrow(InvalidRngStateError);
    expect(() => Rng.fromState([1, 2, 3, -1])).toThrow(/four uint32 words/);
  });
});
