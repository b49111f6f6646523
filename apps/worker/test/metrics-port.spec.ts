import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { metricsLingerMsFromEnv, metricsPortFromEnv } from '../src/metrics-port.js';
import { startMetricsServer } from '../src/metrics.js';
import { WorkerEnvError } from '../src/errors.js';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe('GRUGAN_METRICS_PORT', () => {
  it('is any free port (0) when unset or empty', () => {
    expect(metricsPortFromEnv({})).toBe(0);
    expect(metricsPortFromEnv({ GRUGAN_METRICS_PORT: '' })).toBe(0);
  });

  it('rejects what is not a port, naming the variable', () => {
    for (const bad of ['abc', '-1', '70000', '9464.5']) {
      expect(() => metricsPortFromEnv({ GRUGAN_METRICS_PORT: bad })).toThrow(WorkerEnvError);
      expect(() => metricsPortFromEnv({ GRUGAN_METRICS_PORT: bad })).toThrow(/GRUGAN_METRICS_PORT/);
    }
  });

  it('is the port the metrics server listens on (what pod scrape annotations point at)', async () => {
    const port = await freePort();
    const registry = new Registry();
    const server = await startMetricsServer(registry, { port: metricsPortFromEnv({ GRUGAN_METRICS_PORT: String(port) }), host: '127.0.0.1' });
    try {
      expect(server.address.endsWith(`:${port}`)).toBe(true);
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('GRUGAN_METRICS_LINGER_SECONDS', () => {
  it('is 0 by default, seconds as ms when set, and rejects nonsense', () => {
    expect(metricsLingerMsFromEnv({})).toBe(0);
    expect(metricsLingerMsFromEnv({ GRUGAN_METRICS_LINGER_SECONDS: '2.5' })).toBe(2500);
    expect(() => metricsLingerMsFromEnv({ GRUGAN_METRICS_LINGER_SECONDS: 'soon' })).toThrow(/GRUGAN_METRICS_LINGER_SECONDS/);
  });
});
