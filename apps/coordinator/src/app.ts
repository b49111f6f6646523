/**
 * The coordinator as a fastify plugin (fastify/demo layout): external plugins (metrics, OpenAPI),
 * then app plugins (errors, auth, NATS state, engine), then routes. `buildApp` wraps it in a
 * fastify instance with the zod type provider; `server.ts` only listens and shuts down.
 */
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import metricsPlugin from './plugins/external/metrics.js';
import swaggerPlugin from './plugins/external/swagger.js';
import errorsPlugin from './plugins/app/errors.js';
import authPlugin from './plugins/app/auth.js';
import statePlugin from './plugins/app/state.js';
import enginePlugin from './plugins/app/engine.js';
import healthRoutes from './routes/health.js';
import metaRoutes from './routes/metrics.js';
import sweepRoutes from './routes/v1/sweeps.js';
import trialRoutes from './routes/v1/trials.js';
import targetRoutes from './routes/v1/targets.js';
import type { CoordinatorAppOptions } from './types.js';
import './types.js';

const coordinatorPlugin: FastifyPluginAsync<CoordinatorAppOptions> = async (app, opts) => {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', opts.config);

  await app.register(metricsPlugin);
  await app.register(swaggerPlugin);
  await app.register(errorsPlugin);
  await app.register(authPlugin);
  await app.register(statePlugin);
  await app.register(enginePlugin, opts);

  await app.register(healthRoutes);
  await app.register(metaRoutes);
  await app.register(
    async (v1) => {
      await v1.register(sweepRoutes);
      await v1.register(trialRoutes);
      await v1.register(targetRoutes);
    },
    { prefix: '/v1' },
  );
};

/** The coordinator plugin; not encapsulated, so `app.engine`, `app.launcher`, ... are visible to its host. */
export const coordinatorApp = fp(coordinatorPlugin, { name: 'grugan-coordinator' });

/** A ready-to-listen fastify instance running the coordinator. */
export async function buildApp(options: CoordinatorAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: options.config.logLevel },
    // Sweep specs are small; a 1 MiB cap keeps a bad client from exhausting memory.
    bodyLimit: 1 << 20,
  }).withTypeProvider<ZodTypeProvider>();
  await app.register(coordinatorApp, options);
  await app.ready();
  return app;
}
