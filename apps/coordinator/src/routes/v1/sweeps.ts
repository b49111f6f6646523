/** `/v1/sweeps`: create, list, get and cancel sweeps; a sweep's trials as a leaderboard. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody, SweepIdParams, SweepList, SweepSpec, SweepView, TrialList, type TrialRecord } from '@grugan/protocol';
import { NotFoundError } from '../../errors.js';
import { leaderboard } from '../../engine/leaderboard.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody };

const sweepRoutes: FastifyPluginAsyncZod = async (app) => {
  const sweeps = app.natsState.sweeps;

  app.post(
    '/sweeps',
    {
      schema: {
        summary: 'Create a sweep',
        tags: ['sweeps'],
        body: SweepSpec,
        response: { 201: SweepView, ...errors },
      },
    },
    async (request, reply) => {
      app.engine.assertReady();
      const record = await app.engine.createSweep(request.body);
      return reply.code(201).send(record);
    },
  );

  app.get(
    '/sweeps',
    {
      schema: {
        summary: 'List sweeps, newest first',
        tags: ['sweeps'],
        querystring: z.object({ state: z.enum(['running', 'succeeded', 'failed', 'cancelled']).optional() }),
        response: { 200: SweepList, ...errors },
      },
    },
    async (request) => {
      const all = (await sweeps.list()).map((v) => v.value);
      const filtered = request.query.state ? all.filter((s) => s.state === request.query.state) : all;
      filtered.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return { sweeps: filtered };
    },
  );

  app.get(
    '/sweeps/:id',
    { schema: { summary: 'Get a sweep', tags: ['sweeps'], params: SweepIdParams, response: { 200: SweepView, ...errors } } },
    async (request) => {
      const found = await sweeps.get(request.params.id);
      if (!found) throw new NotFoundError('sweep', request.params.id);
      return found.value;
    },
  );

  app.delete(
    '/sweeps/:id',
    {
      schema: {
        summary: 'Cancel a sweep (its live trials are stopped); the record is kept',
        tags: ['sweeps'],
        params: SweepIdParams,
        response: { 200: SweepView, ...errors },
      },
    },
    async (request) => app.engine.cancelSweep(request.params.id),
  );

  app.get(
    '/sweeps/:id/trials',
    {
      schema: {
        summary: "A sweep's trials with their latest metrics, best objective first",
        tags: ['sweeps', 'trials'],
        params: SweepIdParams,
        response: { 200: TrialList, ...errors },
      },
    },
    async (request) => {
      const found = await sweeps.get(request.params.id);
      if (!found) throw new NotFoundError('sweep', request.params.id);
      const trials = (await Promise.all(found.value.trialIds.map((id) => app.natsState.trials.get(id))))
        .filter((t) => t !== null)
        .map((t) => t.value as TrialRecord);
      const objective = found.value.spec.objective;
      return { objective, trials: leaderboard(trials, objective) };
    },
  );
};

export default sweepRoutes;
