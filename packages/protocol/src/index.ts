export * from './trial-config.js';
export * from './errors.js';
