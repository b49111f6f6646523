import { describe, expect, it } from 'vitest';
import { featureStats } from '../src/stats.js';

describe('featureStats', () => {
  it('computes mean, population std and lag-1 autocorrelation by hand', () => {
    // One feature, one series 1, 2, 3, 4: mean 2.5, deviations -1.5, -0.5, 0.5, 1.5.
    const [s] = featureStats([1, 2, 3, 4], ['x']);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 4), 12);
    // (-1.5·-0.5 + -0.5·0.5 + 0.5·1.5) / 5 = 1.25 / 5
    expect(s.lag1).toBeCloseTo(0.25, 12);
  });

  it('takes lag pairs only within a sequence', () => {
    // Two sequences [1, 2] and [3, 4]: only pairs (1,2) and (3,4) count.
    const [s] = featureStats([1, 2, 3, 4], ['x'], [0, 0, 1, 1]);
    expect(s.lag1).toBeCloseTo((-1.5 * -0.5 + 0.5 * 1.5) / 5, 12);
  });

  it('handles several features and an alternating series', () => {
    const stats = featureStats([1, 10, -1, 10, 1, 10, -1, 10], ['a', 'b']);
    expect(stats[0].mean).toBe(0);
    expect(stats[0].lag1).toBeCloseTo(-3 / 4, 12);
    expect(stats[1].std).toBe(0);
    expect(stats[1].lag1).toBe(0);
  });
});
