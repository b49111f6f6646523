/** OpenAPI document generated from the routes' zod schemas (@fastify/swagger + the zod transform). */
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'grugan coordinator',
          description: 'Hyper-parameter sweeps of GRU-GAN trials: sweeps, trials, metrics, samples, checkpoints.',
          version: '1',
        },
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        },
      },
      transform: jsonSchemaTransform,
    });
  },
  { name: 'swagger' },
);
