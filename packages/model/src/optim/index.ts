export { Adam, OptimizerStateError, type AdamConfig } from './adam.js';
export { globalNorm, clipByGlobalNorm } from './clip.js';
export { WeightAverage, WeightAverageError } from './weight-average.js';
export { inverseTimeDecay } from './lr-schedule.js';
