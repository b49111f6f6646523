/**
 * Synthetic objectives and drivers shared by the unit tests (not exported from the package).
 */
import { SearchSpace, type Objective, type Params } from '@grugan/protocol';
import type { Searcher } from './types.js';

/** A mixed space: log-scaled rate, log int, plain uniform and a categorical. */
export const MIXED_SPACE = SearchSpace.parse({
  'optimizer.lrG': { type: 'loguniform', min: 1e-5, max: 1e-1 },
  'model.hiddenSize': { type: 'int', min: 4, max: 256, log: true },
  'optimizer.beta1': { type: 'uniform', min: 0, max: 0.9 },
  'loss.kind': { type: 'choice', values: ['ns', 'lsgan', 'hinge', 'minimax'] },
});

/**
 * A known loss over MIXED_SPACE, minimum 0 at lrG = 1e-3, hiddenSize = 64, beta1 = 0.5, kind = 'lsgan'.
 * Quadratic in the log-scaled parameters, as learning-rate sensitivity usually is.
 */
export function knownLoss(p: Params): number {
  const lr = Math.log10(p['optimizer.lrG'] as number) + 3;
  const h = Math.log2(p['model.hiddenSize'] as number) - 6;
  const b = ((p['optimizer.beta1'] as number) - 0.5) * 4;
  const kind = p['loss.kind'] === 'lsgan' ? 0 : 1;
  return lr * lr + 0.5 * h * h + b * b + kind;
}

export const LOSS_MIN: Objective = { metric: 'loss', mode: 'min' };

/** Runs `trials` trials one after another through `searcher`; returns every loss in order. */
export function runSequential(searcher: Searcher, trials: number, loss: (p: Params) => number): number[] {
  const losses: number[] = [];
  for (let i = 0; i < trials; i++) {
    const id = `t${i}`;
    const params = searcher.suggest(id);
    if (params === null || params === 'finished') throw new Error(`searcher gave ${params} at trial ${i}`);
    const value = loss(params);
    searcher.onTrialComplete(id, { step: 1, metrics: { loss: value } });
    losses.push(value);
  }
  return losses;
}
