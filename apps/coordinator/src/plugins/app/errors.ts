/**
 * The one error handler: named `CoordinatorError`s map to their status, request validation
 * errors to 400 naming the field (`body.maxTrials: ...`), anything else to 500 with the message
 * hidden (and logged).
 */
import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorBody } from '@grugan/protocol';
import { CoordinatorError, NotFoundError } from '../../errors.js';

export default fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      let body: ErrorBody;
      if (hasZodFastifySchemaValidationErrors(err)) {
        const where = err.validationContext ?? 'request';
        const fields = err.validation.map((v) => {
          const path = v.instancePath.split('/').filter(Boolean).join('.');
          return `${path ? `${where}.${path}` : where}: ${v.message}`;
        });
        body = { statusCode: 400, code: 'ERR_INVALID_REQUEST', message: fields.join('; ') };
      } else if (err instanceof CoordinatorError) {
        body = { statusCode: err.statusCode, code: err.code, message: err.statusCode >= 500 ? 'internal error' : err.message };
        if (err.statusCode === 503) body.message = err.message;
      } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
        // fastify's own client errors (bad JSON, body too large, unsupported media type).
        body = { statusCode: err.statusCode, code: err.code ?? 'ERR_BAD_REQUEST', message: err.message };
      } else {
        body = { statusCode: 500, code: 'ERR_INTERNAL', message: 'internal error' };
      }
      if (body.statusCode >= 500) request.log.error({ err }, 'request failed');
      return reply.code(body.statusCode).send(body);
    });
    app.setNotFoundHandler((request, reply) => {
      const err = new NotFoundError('route', `${request.method} ${request.url.split('?')[0]}`);
      return reply.code(404).send({ statusCode: 404, code: err.code, message: err.message } satisfies ErrorBody);
    });
  },
  { name: 'errors' },
);
