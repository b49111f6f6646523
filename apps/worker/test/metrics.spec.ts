import { describe, expect, it } from 'vitest';
import { createWorkerMetrics, startMetricsServer } from '../src/index.js';

describe('worker metrics endpoint', () => {
  it('serves the collectors, labelled with trial and rank, on a free port', async () => {
    const m = createWorkerMetrics({ trial: 'tm', rank: 1 });
    m.steps.inc(3);
    m.loss.set({ network: 'g' }, 0.7);
    m.allReduceSeconds.observe(0.02);
    const server = await startMetricsServer(m.registry, { advertiseHost: '127.0.0.1' });
    try {
      expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
      const res = await fetch(`http://${server.address}/metrics`);
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(text).toMatch(/gan_worker_steps_total\{trial="tm",rank="1"\} 3/);
      expect(text).toMatch(/gan_worker_loss\{network="g",trial="tm",rank="1"\} 0.7/);
      expect(text).toMatch(/gan_worker_allreduce_seconds_count\{trial="tm",rank="1"\} 1/);
      expect((await fetch(`http://${server.address}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
