/**
 * The coordinator's Prometheus metrics (prom-client). The registry is injected, as katib's
 * `prometheus_metrics.go` does, so tests and the app each own theirs. Names follow
 * `grugan_coordinator_<name>` with `_total` / `_seconds` suffixes and a help string each.
 *
 * Gauges of trials and sweeps by state are computed at scrape time from a state source (the
 * engine), so they can never drift from the state. Extend here: one collector per field, all
 * created in the constructor.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { EngineHooks } from '../engine/hooks.js';

/** Counts by state, read at scrape time. */
export type StateCountsSource = () => { trials: Record<string, number>; sweeps: Record<string, number> };

const TRIAL_STATES = ['pending', 'running', 'paused', 'succeeded', 'failed', 'stopped', 'diverged'];
const SWEEP_STATES = ['running', 'succeeded', 'failed', 'cancelled'];

export class CoordinatorMetrics implements EngineHooks {
  /** Trials by state. */
  readonly trials: Gauge<'state'>;
  /** Sweeps by state. */
  readonly sweeps: Gauge<'state'>;
  /** HTTP requests by route template, method and status code. */
  readonly apiRequests: Counter<'route' | 'method' | 'status'>;
  /** HTTP request latency by route template and method. */
  readonly apiRequestDuration: Histogram<'route' | 'method'>;
  /** Scheduler decisions by kind (continue / pause / stop / exploit). */
  readonly schedulerDecisions: Counter<'decision'>;
  /** Launcher calls by operation and result. */
  readonly launcherOperations: Counter<'operation' | 'result'>;
  /** Worker reports dropped, by reason. */
  readonly reportsRejected: Counter<'reason'>;
  /** Best objective value per sweep. */
  readonly bestObjective: Gauge<'sweep'>;
  /** Trials relaunched after their workers failed or were lost. */
  readonly trialRelaunches: Counter;
  private source?: StateCountsSource;

  constructor(readonly registry: Registry) {
    const self = this;
    this.trials = new Gauge({
      name: 'grugan_coordinator_trials',
      help: 'Trials known to the coordinator, by state.',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const counts = self.source?.().trials ?? {};
        for (const s of TRIAL_STATES) this.set({ state: s }, counts[s] ?? 0);
      },
    });
    this.sweeps = new Gauge({
      name: 'grugan_coordinator_sweeps',
      help: 'Sweeps known to the coordinator, by state.',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const counts = self.source?.().sweeps ?? {};
        for (const s of SWEEP_STATES) this.set({ state: s }, counts[s] ?? 0);
      },
    });
    this.apiRequests = new Counter({
      name: 'grugan_coordinator_api_requests_total',
      help: 'HTTP API requests, by route template, method and status code.',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    });
    this.apiRequestDuration = new Histogram({
      name: 'grugan_coordinator_api_request_duration_seconds',
      help: 'HTTP API request latency in seconds, by route template and method.',
      labelNames: ['route', 'method'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    this.schedulerDecisions = new Counter({
      name: 'grugan_coordinator_scheduler_decisions_total',
      help: 'Trial scheduler decisions on reported results, by decision.',
      labelNames: ['decision'],
      registers: [registry],
    });
    this.launcherOperations = new Counter({
      name: 'grugan_coordinator_launcher_operations_total',
      help: 'Launcher calls, by operation (launch, status, terminate) and result (ok, error).',
      labelNames: ['operation', 'result'],
      registers: [registry],
    });
    this.reportsRejected = new Counter({
      name: 'grugan_coordinator_reports_rejected_total',
      help: 'Worker reports dropped because they were corrupt or named an unknown trial.',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.bestObjective = new Gauge({
      name: 'grugan_coordinator_best_objective',
      help: "Best objective value of each sweep so far (in the objective's own units).",
      labelNames: ['sweep'],
      registers: [registry],
    });
    this.trialRelaunches = new Counter({
      name: 'grugan_coordinator_trial_relaunches_total',
      help: 'Trials relaunched from their last checkpoint after their workers failed or were lost.',
      registers: [registry],
    });
  }

  /** Where the by-state gauges read their counts (the engine, once it exists). */
  setStateSource(source: StateCountsSource): void {
    this.source = source;
  }

  /** Records one finished HTTP request. */
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.apiRequests.inc({ route, method, status: String(status) });
    this.apiRequestDuration.observe({ route, method }, seconds);
  }

  schedulerDecision(_sweepId: string, decision: string): void {
    this.schedulerDecisions.inc({ decision });
  }

  launcherOperation(operation: string, ok: boolean): void {
    this.launcherOperations.inc({ operation, result: ok ? 'ok' : 'error' });
  }

  reportRejected(reason: string): void {
    this.reportsRejected.inc({ reason });
  }

  bestObjectiveChanged(sweepId: string, value: number): void {
    this.bestObjective.set({ sweep: sweepId }, value);
  }

  trialRelaunched(_sweepId: string): void {
    this.trialRelaunches.inc();
  }
}
