import { describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { findNatsServer, isReachable, startPrivateNats } from '../../src/commands/up.js';

describe('grugan up: private NATS', () => {
  it('finds nats-server and starts a JetStream server on a free port, removed on stop', async () => {
    const binary = findNatsServer();
    expect(binary).toMatch(/nats-server$/);
    const nats = await startPrivateNats(binary!);
    try {
      expect(await isReachable(nats.url)).toBe(true);
      const nc = await connect({ servers: nats.url });
      const info = await (await jetstreamManager(nc)).getAccountInfo();
      expect(info.streams).toBe(0);
      await nc.close();
    } finally {
      await nats.stop();
    }
    expect(await isReachable(nats.url, 300)).toBe(false);
  });

  it('says an unused port is not reachable', async () => {
    expect(await isReachable('nats://127.0.0.1:1', 300)).toBe(false);
  });
});
