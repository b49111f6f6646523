import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('repeats a stream for a seed and differs between seeds', () => {
    const a = new Rng(1);
    const b = new Rng(1);
    const c = new Rng(2);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('continues the same stream after a state round trip through JSON', () => {
    const a = new Rng(7);
    a.next();
    const b = new Rng(0);
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    expect([b.next(), b.next()]).toEqual([a.next(), a.next()]);
  });

  it('draws uniform and normal numbers with the right moments', () => {
    const rng = new Rng(3);
    const n = 20000;
    const u = Array.from({ length: n }, () => rng.next());
    const z = Array.from({ length: n }, () => rng.normal());
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(mean(u)).toBeCloseTo(0.5, 1);
    expect(mean(z)).toBeCloseTo(0, 1);
    expect(mean(z.map((x) => x * x))).toBeCloseTo(1, 1);
  });

  it('picks weighted indices in proportion', () => {
    const rng = new Rng(4);
    const counts = [0, 0, 0];
    for (let i = 0; i < 9000; i++) counts[rng.weighted([1, 0, 2])]++;
    expect(counts[1]).toBe(0);
    expect(counts[2] / counts[0]).toBeGreaterThan(1.7);
    expect(counts[2] / counts[0]).toBeLessThan(2.3);
  });
});
