/** @grugan/coordinator: the sweep coordinator's HTTP API, engine, durable state and launchers. */
export { buildApp, coordinatorApp } from './app.js';
export { startServer, type RunningServer } from './server.js';
export { CoordinatorConfig, loadConfig, CONFIG_ENV, type CoordinatorConfigInput } from './config.js';
export type { CoordinatorAppOptions } from './types.js';
export * from './errors.js';
export { SweepEngine, type TuneFactory, type SweepEngineOptions, type WorkerTarget } from './engine/sweep-engine.js';
export { leaderboard, bestTrial, objectiveOf } from './engine/leaderboard.js';
export { NatsState } from './state/nats-state.js';
export { JsonKvStore, type Versioned } from './state/json-kv.js';
export { CoordinatorMetrics } from './metrics/coordinator-metrics.js';
export type { Launcher, LaunchRequest, LaunchHandle, LaunchCondition } from './launchers/launcher.js';
export { LocalLauncher, DEFAULT_WORKER_COMMAND, type LocalLauncherOptions } from './launchers/local.js';
export { createLauncher, registerLauncher, launcherNames, type LauncherFactory } from './launchers/registry.js';
