/**
 * Parzen-window density estimators for one dimension of TPE (Bergstra et al. 2011, §4).
 *
 * Numeric: a mixture of Gaussians truncated to the domain's internal interval [lo, hi], one at each
 * observation plus a wide prior at the centre, with hyperopt's adaptive bandwidths
 * (`hyperopt/tpe.py` `adaptive_parzen_normal`): each component's sigma is the larger gap to its
 * sorted neighbours, clipped to [(hi − lo) / min(100, n + 1), hi − lo]. Categorical: observation
 * counts plus the prior weight spread evenly over the choices.
 */
import type { Rng } from './rng.js';

/** A density over one dimension that can be sampled and evaluated. */
export interface Estimator<T> {
  /** One draw. */
  sample(rng: Rng): T;
  /** Log density (numeric) or log probability (categorical) of a value. */
  logPdf(value: T): number;
}

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), enough for mixture weights. */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-a * a));
}

function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / SQRT2));
}

export class NumericParzen implements Estimator<number> {
  private readonly mus: number[];
  private readonly sigmas: number[];
  private readonly weights: number[];
  /** Probability mass of each component inside [lo, hi], for truncation. */
  private readonly masses: number[];

  constructor(
    observations: readonly number[],
    private readonly lo: number,
    private readonly hi: number,
    priorWeight: number,
  ) {
    const width = hi - lo;
    const priorMu = (lo + hi) / 2;
    // Sort observations with the prior among them; gaps to sorted neighbours give bandwidths.
    const points = [...observations.map((mu) => ({ mu, prior: false })), { mu: priorMu, prior: true }].sort(
      (a, b) => a.mu - b.mu,
    );
    const minSigma = width / Math.min(100, observations.length + 1);
    this.mus = [];
    this.sigmas = [];
    this.weights = [];
    points.forEach((p, i) => {
      const left = i > 0 ? p.mu - points[i - 1].mu : p.mu - lo;
      const right = i < points.length - 1 ? points[i + 1].mu - p.mu : hi - p.mu;
      const sigma = p.prior ? width : Math.min(width, Math.max(minSigma, left, right));
      this.mus.push(p.mu);
      this.sigmas.push(sigma);
      this.weights.push(p.prior ? priorWeight : 1);
    });
    const total = this.weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < this.weights.length; i++) this.weights[i] /= total;
    this.masses = this.mus.map(
      (mu, i) => Math.max(1e-12, normalCdf((hi - mu) / this.sigmas[i]) - normalCdf((lo - mu) / this.sigmas[i])),
    );
  }

  sample(rng: Rng): number {
    const k = rng.weighted(this.weights);
    // Rejection keeps the draw inside [lo, hi]; a component mostly outside falls back to clamping.
    for (let tries = 0; tries < 64; tries++) {
      const x = this.mus[k] + this.sigmas[k] * rng.normal();
      if (x >= this.lo && x <= this.hi) return x;
    }
    return Math.min(this.hi, Math.max(this.lo, this.mus[k]));
  }

  logPdf(x: number): number {
    let p = 0;
    for (let i = 0; i < this.mus.length; i++) {
      const z = (x - this.mus[i]) / this.sigmas[i];
      p += (this.weights[i] / this.masses[i]) * Math.exp(-0.5 * z * z - LOG_SQRT_2PI) / this.sigmas[i];
    }
    return Math.log(Math.max(p, 1e-300));
  }
}

export class CategoricalParzen implements Estimator<number> {
  private readonly probs: number[];

  /** `observations` are choice indices in [0, k). */
  constructor(observations: readonly number[], k: number, priorWeight: number) {
    const counts = new Array<number>(k).fill(priorWeight / k);
    for (const i of observations) counts[i] += 1;
    const total = counts.reduce((a, b) => a + b, 0);
    this.probs = counts.map((c) => c / total);
  }

  sample(rng: Rng): number {
    return rng.weighted(this.probs);
  }

  logPdf(index: number): number {
    return Math.log(this.probs[index]);
  }
}
