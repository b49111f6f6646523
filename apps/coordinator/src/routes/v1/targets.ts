/**
 * `GET /v1/targets`: Prometheus HTTP service discovery (`http_sd_configs`), one target group per
 * live worker (labels trial, rank, sweep, from its `hello` report) plus the coordinator itself.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody, TargetGroups } from '@grugan/protocol';

const targetRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/targets',
    { schema: { summary: 'Prometheus HTTP service-discovery targets', tags: ['metrics'], response: { 200: TargetGroups, 401: ErrorBody } } },
    async (request) => {
      const self = request.host; // host:port the scraper reached us on
      const groups: TargetGroups = [{ targets: [self], labels: { job: 'grugan-coordinator' } }];
      for (const t of app.engine.workerTargets()) {
        groups.push({ targets: [t.address], labels: { job: 'grugan-worker', sweep: t.sweepId, trial: t.trialId, rank: String(t.rank) } });
      }
      return groups;
    },
  );
};

export default targetRoutes;
