export * from './trial-config.js';
export * from './trial.js';
export * from './errors.js';
