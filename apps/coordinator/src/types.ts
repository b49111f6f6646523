/**
 * Options of the coordinator app, and the fastify decorators its plugins add (module
 * augmentation, so routes see typed `app.engine`, `app.natsState`, ...).
 */
import type { Registry } from 'prom-client';
import type { CoordinatorConfig } from './config.js';
import type { SweepEngine, TuneFactory } from './engine/sweep-engine.js';
import type { Launcher } from './launchers/launcher.js';
import type { LauncherFactoryOptions } from './launchers/registry.js';
import type { CoordinatorMetrics } from './metrics/coordinator-metrics.js';
import type { NatsState } from './state/nats-state.js';

export interface CoordinatorAppOptions {
  /** Validated configuration (`loadConfig`). */
  config: CoordinatorConfig;
  /** A launcher instance; default: `config.launcher` from the registry. */
  launcher?: Launcher;
  /** Options for registry-built launchers. */
  launcherOptions?: LauncherFactoryOptions;
  /** Searcher/scheduler factory; default `@grugan/tune`'s. */
  tune?: TuneFactory;
  /** Extra environment for every worker. */
  workerEnv?: Record<string, string>;
  /** Silence after which exited workers without a final report are lost, in ms. */
  exitGraceMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's configuration. */
    config: CoordinatorConfig;
    /** Prometheus registry every collector registers with. */
    metricsRegistry: Registry;
    /** The coordinator's own metrics. */
    coordinatorMetrics: CoordinatorMetrics;
    /** Durable state in NATS JetStream. */
    natsState: NatsState;
    /** The launcher in use. */
    launcher: Launcher;
    /** The sweep/trial state machine. */
    engine: SweepEngine;
  }
}
