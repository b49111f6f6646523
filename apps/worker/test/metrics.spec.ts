/** The worker's collectors on their own registry, and the `/metrics` endpoint serving them. */
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createWorkerMetrics, labelSweep, payloadBytes, recordBackend, startMetricsServer } from '../src/metrics.js';

describe('worker metrics', () => {
  it('names every metric grugan_worker_*, with a help string and the unit suffix its type asks for', async () => {
    const registry = new Registry();
    createWorkerMetrics({ trial: 'tn', rank: 0 }, registry);
    const metrics = await registry.getMetricsAsJSON();
    const own = metrics.filter((m) => !/process_|nodejs_/.test(m.name));
    expect(own.length).toBeGreaterThanOrEqual(12);
    for (const m of metrics) {
      expect(m.name).toMatch(/^grugan_worker_[a-z0-9_]+$/);
      expect(m.help.length, m.name).toBeGreaterThan(10);
    }
    for (const m of own) {
      if (String(m.type) === 'counter') expect(m.name).toMatch(/_total$/);
      if (String(m.type) === 'histogram') expect(m.name).toMatch(/_seconds$/);
    }
  });

  it('labels every series with trial and rank, then sweep, and keeps one backend series', async () => {
    const m = createWorkerMetrics({ trial: 'tl', rank: 2 });
    m.steps.inc(4);
    recordBackend(m, 'cpu');
    recordBackend(m, 'wasm');
    let text = await m.registry.metrics();
    expect(text).toMatch(/^grugan_worker_steps_total\{trial="tl",rank="2"\} 4$/m);
    expect(text).toMatch(/^grugan_worker_backend_info\{backend="wasm",trial="tl",rank="2"\} 1$/m);
    expect(text).not.toMatch(/backend="cpu"/);
    labelSweep(m, { trial: 'tl', rank: 2, sweep: 'sw1' });
    text = await m.registry.metrics();
    expect(text).toMatch(/^grugan_worker_steps_total\{trial="tl",rank="2",sweep="sw1"\} 4$/m);
    expect(text).toMatch(/^grugan_worker_process_cpu_user_seconds_total\{trial="tl",rank="2",sweep="sw1"\} /m);
  });

  it('counts all-reduce payload bytes and records histograms', async () => {
    const m = createWorkerMetrics({ trial: 'tb', rank: 0 });
    const grads = { a: { shape: [10], data: new Float32Array(10) }, b: { shape: [3], data: new Float32Array(3) } };
    expect(payloadBytes(grads)).toBe(52);
    m.allReduceBytes.inc(payloadBytes(grads));
    m.allReduceBytes.inc(payloadBytes(grads));
    m.allReduceSeconds.observe(0.02);
    m.checkpointSeconds.observe(0.3);
    m.checkpointBytes.set(1234);
    m.gradNorm.set({ network: 'd' }, 1.5);
    m.evalScore.set({ metric: 'moment_distance' }, 0.125);
    const text = await m.registry.metrics();
    expect(text).toMatch(/^grugan_worker_allreduce_bytes_total\{trial="tb",rank="0"\} 104$/m);
    expect(text).toMatch(/^grugan_worker_allreduce_duration_seconds_bucket\{le="0.025",trial="tb",rank="0"\} 1$/m);
    expect(text).toMatch(/^grugan_worker_allreduce_duration_seconds_bucket\{le="0.01",trial="tb",rank="0"\} 0$/m);
    expect(text).toMatch(/^grugan_worker_checkpoint_duration_seconds_count\{trial="tb",rank="0"\} 1$/m);
    expect(text).toMatch(/^grugan_worker_checkpoint_bytes\{trial="tb",rank="0"\} 1234$/m);
    expect(text).toMatch(/^grugan_worker_grad_norm\{network="d",trial="tb",rank="0"\} 1.5$/m);
    expect(text).toMatch(/^grugan_worker_eval_score\{metric="moment_distance",trial="tb",rank="0"\} 0.125$/m);
  });
});

describe('worker metrics endpoint', () => {
  it('serves the registry on a free port at /metrics only', async () => {
    const m = createWorkerMetrics({ trial: 'tm', rank: 1 });
    m.steps.inc(3);
    m.loss.set({ network: 'g' }, 0.7);
    const server = await startMetricsServer(m.registry, { advertiseHost: '127.0.0.1' });
    try {
      expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
      const res = await fetch(`http://${server.address}/metrics`);
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      expect(text).toMatch(/grugan_worker_steps_total\{trial="tm",rank="1"\} 3/);
      expect(text).toMatch(/grugan_worker_loss\{network="g",trial="tm",rank="1"\} 0.7/);
      expect((await fetch(`http://${server.address}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
