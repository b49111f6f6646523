/**
 * Creates the app's Prometheus registry and the coordinator's metrics, and times every request
 * (labelled by route template, not URL, so label values stay bounded).
 */
import fp from 'fastify-plugin';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { CoordinatorMetrics } from '../../metrics/coordinator-metrics.js';

export default fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'grugan_coordinator_' });
    const metrics = new CoordinatorMetrics(registry);
    app.decorate('metricsRegistry', registry);
    app.decorate('coordinatorMetrics', metrics);
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.observeRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
    });
  },
  { name: 'metrics' },
);
