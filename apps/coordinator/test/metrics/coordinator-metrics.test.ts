/** CoordinatorMetrics on its own registry: naming rules, help strings, scrape-time state gauges. */
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { CoordinatorMetrics } from '../../src/metrics/coordinator-metrics.js';

describe('CoordinatorMetrics', () => {
  it('names every metric grugan_coordinator_*, counters *_total, with a help string', async () => {
    const registry = new Registry();
    new CoordinatorMetrics(registry);
    const metrics = await registry.getMetricsAsJSON();
    expect(metrics.length).toBeGreaterThanOrEqual(8);
    for (const m of metrics) {
      expect(m.name).toMatch(/^grugan_coordinator_[a-z_]+$/);
      expect(m.help.length, m.name).toBeGreaterThan(10);
      if (String(m.type) === 'counter') expect(m.name).toMatch(/_total$/);
      if (String(m.type) === 'histogram') expect(m.name).toMatch(/_seconds$/);
    }
  });

  it('reads trials and sweeps by state from the source at scrape time', async () => {
    const registry = new Registry();
    const metrics = new CoordinatorMetrics(registry);
    let running = 2;
    metrics.setStateSource(() => ({ trials: { running, succeeded: 1 }, sweeps: { running: 1 } }));
    expect(await registry.metrics()).toMatch(/grugan_coordinator_trials\{state="running"\} 2/);
    running = 0;
    const text = await registry.metrics();
    expect(text).toMatch(/grugan_coordinator_trials\{state="running"\} 0/);
    expect(text).toMatch(/grugan_coordinator_trials\{state="succeeded"\} 1/);
    expect(text).toMatch(/grugan_coordinator_trials\{state="diverged"\} 0/);
    expect(text).toMatch(/grugan_coordinator_sweeps\{state="cancelled"\} 0/);
  });

  it('counts engine hooks and requests', async () => {
    const registry = new Registry();
    const metrics = new CoordinatorMetrics(registry);
    metrics.schedulerDecision('s', 'stop');
    metrics.launcherOperation('launch', false);
    metrics.reportRejected('corrupt');
    metrics.bestObjectiveChanged('s1', 0.25);
    metrics.trialRelaunched('s1');
    metrics.observeRequest('/v1/sweeps', 'GET', 200, 0.003);
    const text = await registry.metrics();
    expect(text).toMatch(/scheduler_decisions_total\{decision="stop"\} 1/);
    expect(text).toMatch(/launcher_operations_total\{operation="launch",result="error"\} 1/);
    expect(text).toMatch(/reports_rejected_total\{reason="corrupt"\} 1/);
    expect(text).toMatch(/best_objective\{sweep="s1"\} 0.25/);
    expect(text).toMatch(/trial_relaunches_total 1/);
    expect(text).toMatch(/api_request_duration_seconds_bucket\{le="0.005",route="\/v1\/sweeps",method="GET"\} 1/);
  });
});
