/** `/metrics`: the Prometheus exposition of the app's registry; `/openapi.json`: the API document. */
import type { FastifyPluginAsync } from 'fastify';

const metaRoutes: FastifyPluginAsync = async (app) => {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const body = await app.metricsRegistry.metrics();
    return reply.type(app.metricsRegistry.contentType).send(body);
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
};

export default metaRoutes;
