/** Opens the durable state in NATS JetStream (`app.natsState`) and drains it on close. */
import fp from 'fastify-plugin';
import { NatsState } from '../../state/nats-state.js';

export default fp(
  async (app) => {
    const state = await NatsState.open({ natsUrl: app.config.natsUrl, statePrefix: app.config.statePrefix });
    state.watchStatus();
    app.decorate('natsState', state);
    app.addHook('onClose', async () => {
      await state.close();
    });
  },
  { name: 'state' },
);
