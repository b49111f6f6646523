/**
 * Per-feature summary statistics used to compare generated samples with real data: mean,
 * standard deviation (population) and lag-1 autocorrelation. The autocorrelation is pooled
 * over sequences: pairs (x_t, x_t+1) are taken only within one sequence, centred on the
 * feature's overall mean and divided by its overall variance (the usual sample ACF).
 */

/** Statistics of one feature. */
export interface FeatureStats {
  name: string;
  mean: number;
  std: number;
  /** Lag-1 autocorrelation within sequences. */
  lag1: number;
}

/**
 * `values` is row-major `[rows, columns.length]`; `sequence[r]` says which sequence row r
 * belongs to (rows of one sequence consecutive, in time order); omit it for one long series.
 */
export function featureStats(values: ArrayLike<number>, columns: string[], sequence?: ArrayLike<number>): FeatureStats[] {
  const F = columns.length;
  const rows = values.length / F;
  return columns.map((name, k) => {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += values[r * F + k];
    const mean = sum / rows;
    let ss = 0;
    let cross = 0;
    for (let r = 0; r < rows; r++) {
      const d = values[r * F + k] - mean;
      ss += d * d;
      if (r + 1 < rows && (sequence === undefined || sequence[r] === sequence[r + 1])) {
        cross += d * (values[(r + 1) * F + k] - mean);
      }
    }
    return { name, mean, std: Math.sqrt(ss / rows), lag1: ss > 0 ? cross / ss : 0 };
  });
}

/** A fixed-width table of stats, one row per feature. */
export function formatStats(title: string, stats: FeatureStats[]): string {
  const rows = stats.map((s) => [s.name, s.mean.toPrecision(5), s.std.toPrecision(5), s.lag1.toFixed(4)]);
  const header = ['feature', 'mean', 'std', 'lag1-acf'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i])).join('  ');
  return [title, line(header), ...rows.map(line)].join('\n');
}
