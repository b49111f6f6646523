import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { tsneEmbedding } from './tsne.js';

/** `n` points in R^dims scattered (std 0.3) around `centre`. */
function blob(n: number, dims: number, centre: number, rng: Rng): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: dims }, () => centre + 0.3 * rng.normal()));
}

const mean = (rows: number[][]) => [0, 1].map((k) => rows.reduce((s, r) => s + r[k], 0) / rows.length);
const dist = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1]);

describe('tsneEmbedding', () => {
  it('keeps two well-separated clusters apart: every point is nearer its own centre', () => {
    const rng = new Rng(3);
    const a = blob(60, 10, 0, rng);
    const b = blob(60, 10, 5, rng);
    const e = tsneEmbedding(a, b, { seed: 1, iterations: 300 });
    expect(e.real).toHaveLength(60);
    expect(e.synthetic).toHaveLength(60);
    const ca = mean(e.real);
    const cb = mean(e.synthetic);
    for (const p of e.real) expect(dist(p, ca)).toBeLessThan(dist(p, cb));
    for (const p of e.synthetic) expect(dist(p, cb)).toBeLessThan(dist(p, ca));
  });

  it('is deterministic for a seed and clamps perplexity for few points', () => {
    const rng = new Rng(4);
    const a = blob(10, 4, 0, rng);
    const b = blob(5, 4, 1, rng);
    const first = tsneEmbedding(a, b, { seed: 7, iterations: 50 });
    expect(tsneEmbedding(a, b, { seed: 7, iterations: 50 })).toEqual(first);
    expect(first.perplexity).toBeCloseTo(14 / 3);
  });

  it('rejects too few points and non-finite values with an EvalError', () => {
    expect(() => tsneEmbedding([[1], [2]], [[3]])).toThrow(/at least 7 points/);
    const rows = Array.from({ length: 8 }, (_, i) => [i, i]);
    expect(() => tsneEmbedding(rows, [[NaN, 1]])).toThrow(/NaN or infinite/);
  });
});
