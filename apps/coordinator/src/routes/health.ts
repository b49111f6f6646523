/** `/healthz` (the process answers) and `/readyz` (NATS connected and state loaded). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HealthBody } from '@grugan/protocol';

const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', { schema: { summary: 'Liveness', tags: ['health'], response: { 200: HealthBody } } }, async () => ({
    status: 'ok' as const,
  }));
  app.get(
    '/readyz',
    { schema: { summary: 'Readiness: NATS connected and state loaded', tags: ['health'], response: { 200: HealthBody, 503: HealthBody } } },
    async (_request, reply) => {
      const checks = { nats: app.natsState.connected, state: app.engine.ready };
      const ok = checks.nats && checks.state;
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
    },
  );
};

export default healthRoutes;
