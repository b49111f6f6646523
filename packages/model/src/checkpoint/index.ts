/** Checkpoint (de)serialisation, files and diffs. */
export { CheckpointError, CheckpointErrorCode } from './errors.js';
export { serializeCheckpoint, deserializeCheckpoint, type Checkpoint } from './format.js';
export { saveCheckpoint, loadCheckpoint } from './file.js';
export { diffWeights, type ParameterDiff, type WeightsDiff } from './diff.js';
