/**
 * Learning-rate decay over the adversarial updates: the rate at adversarial iteration t is
 *
 *   lr_t = lr / (1 + t / decaySteps)      (inverse-time decay; decaySteps 0 = constant)
 *
 * half the configured rate after `decaySteps` iterations, a quarter after three times as many.
 * Why inverse time rather than a cosine or linear ramp to zero: those need the run's length, and
 * runs that end on a clock (bench:quality, a sweep's time budget) do not know it. Why decay at
 * all: GAN iterates orbit the equilibrium with an amplitude that grows with the step size; a
 * shrinking step lets the last iterates (and their weight average) settle nearer to it.
 */

/** The factor the configured learning rate is multiplied by at adversarial iteration `t` (0-based; t < 0, before the adversarial updates begin, gives 1). */
export function inverseTimeDecay(t: number, decaySteps: number): number {
  if (!(decaySteps >= 0)) throw new RangeError(`decaySteps must be ≥ 0, got ${decaySteps}`);
  if (decaySteps === 0 || t <= 0) return 1;
  return 1 / (1 + t / decaySteps);
}
