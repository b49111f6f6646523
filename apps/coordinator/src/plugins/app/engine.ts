/**
 * Builds the launcher and the sweep engine (`app.launcher`, `app.engine`), loads and resumes the
 * state, and stops the engine on close. Workers are left running on close: a restarted
 * coordinator adopts them.
 */
import fp from 'fastify-plugin';
import type { CoordinatorAppOptions } from '../../types.js';
import { SweepEngine } from '../../engine/sweep-engine.js';
import { defaultTuneFactory } from '../../engine/tune-factory.js';
import { createLauncher } from '../../launchers/registry.js';

export default fp<Omit<CoordinatorAppOptions, 'config'>>(
  async (app, opts) => {
    const { config } = app;
    const launcher = opts.launcher ?? (await createLauncher(config.launcher, opts.launcherOptions));
    const metrics = app.coordinatorMetrics;
    const engine = new SweepEngine({
      state: app.natsState,
      launcher,
      tune: opts.tune ?? defaultTuneFactory,
      natsUrl: config.natsUrl,
      reconcileIntervalMs: config.reconcileIntervalMs,
      reportTimeoutMs: config.reportTimeoutMs,
      stopGraceMs: config.stopGraceMs,
      exitGraceMs: opts.exitGraceMs,
      workerEnv: opts.workerEnv,
      hooks: metrics,
      log: app.log.child({ component: 'engine' }),
    });
    metrics.setStateSource(() => engine.stateCounts());
    app.decorate('launcher', launcher);
    app.decorate('engine', engine);
    await engine.start();
    app.addHook('onClose', async () => {
      await engine.stop();
    });
  },
  { name: 'engine', dependencies: ['state', 'metrics'] },
);
