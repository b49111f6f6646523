/** The in-training moment distance: zero for identical data, growing with the mismatch. */
import { describe, expect, it } from 'vitest';
import { featureMoments, momentDistance } from '../src/evaluation.js';

/** `[n, T, 1]` windows of a sine with the given amplitude around 0.5, or constant. */
function windows(n: number, T: number, amp: number, shuffleTime = false): Float32Array {
  const out = new Float32Array(n * T);
  for (let s = 0; s < n; s++) {
    for (let t = 0; t < T; t++) {
      const tt = shuffleTime ? (t * 7) % T : t;
      out[s * T + t] = 0.5 + amp * Math.sin(tt / 3 + s);
    }
  }
  return out;
}

describe('featureMoments', () => {
  it('computes mean, standard deviation and lag-1 autocorrelation per feature', () => {
    // Two features, one sequence of four steps: f0 = 0, 1, 0, 1; f1 = constant 2.
    const data = new Float32Array([0, 2, 1, 2, 0, 2, 1, 2]);
    const m = featureMoments(data, 1, 4, 2);
    expect(m.mean).toEqual([0.5, 2]);
    expect(m.std[0]).toBeCloseTo(0.5, 6);
    expect(m.std[1]).toBe(0);
    expect(m.autocorr[0]).toBeCloseTo(-1, 6); // (−0.25 · 3 pairs) / 3 pairs / variance 0.25
    expect(m.autocorr[1]).toBe(0);
  });
});

describe('momentDistance', () => {
  it('is 0 for the same data and grows with a mismatch in spread or in time structure', () => {
    const real = featureMoments(windows(20, 12, 0.3), 20, 12, 1);
    expect(momentDistance(real, real)).toBe(0);
    const narrower = momentDistance(real, featureMoments(windows(20, 12, 0.1), 20, 12, 1));
    const flat = momentDistance(real, featureMoments(windows(20, 12, 0), 20, 12, 1));
    expect(narrower).toBeGreaterThan(0);
    expect(flat).toBeGreaterThan(narrower);
    const scrambled = momentDistance(real, featureMoments(windows(20, 12, 0.3, true), 20, 12, 1));
    expect(scrambled).toBeGreaterThan(0.05);
  });
});
