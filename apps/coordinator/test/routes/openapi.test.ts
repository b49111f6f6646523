/** `/openapi.json`: a valid OpenAPI 3 document generated from the zod schemas, listing every route. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { destroyState, startApp, stopApp, uniquePrefix } from '../helpers.js';

describe('OpenAPI document', () => {
  const prefix = uniquePrefix();
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await startApp(prefix);
  });
  afterAll(async () => {
    await stopApp(app);
    await destroyState(prefix);
  });

  it('is JSON with every /v1 route and schemas from protocol', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = JSON.parse(res.body);
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /v1/sweeps',
        'GET /v1/sweeps',
        'GET /v1/sweeps/{id}',
        'DELETE /v1/sweeps/{id}',
        'GET /v1/sweeps/{id}/trials',
        'GET /v1/trials/{id}',
        'GET /v1/trials/{id}/metrics',
        'GET /v1/trials/{id}/samples',
        'GET /v1/trials/{id}/checkpoint',
        'GET /v1/targets',
        'GET /healthz',
        'GET /readyz',
      ]),
    );
    const body = doc.paths['/v1/sweeps'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(
      expect.arrayContaining(['name', 'base', 'space', 'searcher', 'scheduler', 'objective', 'maxTrials', 'workersPerTrial']),
    );
    expect(body.required).toContain('name');
    expect(doc.paths['/v1/trials/{id}/samples'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['id', 'n']),
    );
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
  });
});
