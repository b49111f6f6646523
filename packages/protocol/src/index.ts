export * from './trial-config.js';
export * from './trial.js';
export * from './errors.js';
export * from './sweep.js';
export * from './state-names.js';
export * from './api.js';
export * from './collective.js';
export * from './checkpoint.js';
