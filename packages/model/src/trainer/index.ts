export { GanTrainer, TrainerStateError, resolveNoiseDim, type GradientResult } from './gan-trainer.js';
export { BatchSampler, type BatchSamplerOptions } from './batch-sampler.js';
export { BatchShapeError, type GanBatch } from './batch.js';
export { runTraining, type RunTrainingOptions, type RunTrainingResult, type StepMetrics } from './run-training.js';
export { captureTrainingState, restoreTrainingState, SAMPLER_RNG_KEY } from './training-state.js';
export { createTrainer, type Trainer } from './trainer.js';
export { generateWindows, GENERATE_CHUNK } from './generate-windows.js';
