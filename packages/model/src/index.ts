/** Public API of @grugan/model. */
export * from './types.js';
export { selectBackend, BackendUnavailableError, BACKEND_NAMES, BACKEND_ENV, type BackendName, type BackendLogger } from './backend.js';
export { Rng, InvalidRngStateError } from './rng.js';
export * from './gru/index.js';
export * from './networks/index.js';
export * from './losses/index.js';
export * from './optim/index.js';
export * from './trainer/index.js';
export * from './data/index.js';
export * from './checkpoint/index.js';
export * from './eval/index.js';
export * from './timegan/index.js';
export * from './report/index.js';
