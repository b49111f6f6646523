import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { pcaProjection } from './pca.js';

/** Points spread mostly along `direction` (std 5) with small isotropic noise (std 0.1), around `centre`. */
function elongatedCloud(n: number, direction: number[], centre: number[], seed: number): number[][] {
  const rng = new Rng(seed);
  const norm = Math.hypot(...direction);
  return Array.from({ length: n }, () => {
    const along = 5 * rng.normal();
    return direction.map((d, k) => centre[k] + (along * d) / norm + 0.1 * rng.normal());
  });
}

function pearson(a: number[], b: number[]): number {
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const [ma, mb] = [mean(a), mean(b)];
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((v, i) => {
    ab += (v - ma) * (b[i] - mb);
    aa += (v - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

describe('pcaProjection', () => {
  it('recovers the dominant direction of the real points as the first component', () => {
    const direction = [1, 2, 0, -2];
    const real = elongatedCloud(400, direction, [3, 3, 3, 3], 1);
    const p = pcaProjection(real, [], 2);
    expect(p.explainedVariance[0]).toBeGreaterThan(0.99);
    // Component 1 is the coordinate along the direction (up to sign and noise): Pearson |r| ≈ 1.
    const norm = Math.hypot(...direction);
    const along = real.map((x) => x.reduce((s, v, k) => s + v * direction[k], 0) / norm);
    const corr = pearson(along, p.real.map((r) => r[0]));
    expect(Math.abs(corr)).toBeGreaterThan(0.999);
  });

  it('projects synthetic points with the real fit: a shifted copy lands shifted along the axis', () => {
    const real = elongatedCloud(300, [1, 0, 0], [0, 0, 0], 2);
    const shifted = real.map(([a, b, c]) => [a + 10, b, c]);
    const p = pcaProjection(real, shifted);
    const meanPc1 = (rows: number[][]) => rows.reduce((s, r) => s + r[0], 0) / rows.length;
    expect(Math.abs(meanPc1(p.real))).toBeLessThan(1e-9); // centred on the real mean
    expect(Math.abs(meanPc1(p.synthetic))).toBeCloseTo(10, 1);
    expect(p.synthetic).toHaveLength(300);
  });

  it('refuses fewer than 2 real points or more components than dimensions', () => {
    expect(() => pcaProjection([[1, 2]], [])).toThrow(/at least 2 real points/);
    expect(() => pcaProjection([[1], [2]], [], 2)).toThrow(/2 components asked of 1-dimensional/);
  });
});
