/**
 * Bearer-token auth for the `/v1` API when a token is configured (`GRUGAN_API_TOKEN`). Health,
 * readiness, metrics and the OpenAPI document stay open for probes and scrapers. Tokens are
 * compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import { UnauthorizedError } from '../../errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

export default fp(
  async (app) => {
    const token = app.config.apiToken;
    if (token === undefined) return;
    const expected = digest(token);
    app.addHook('onRequest', async (request) => {
      if (!request.url.startsWith('/v1/') && request.url !== '/v1') return;
      const header = request.headers.authorization ?? '';
      const match = /^Bearer (.+)$/i.exec(header);
      // Hashing first gives equal lengths, which timingSafeEqual needs.
      if (!match || !timingSafeEqual(digest(match[1]), expected)) throw new UnauthorizedError();
    });
  },
  { name: 'auth', dependencies: ['errors'] },
);
