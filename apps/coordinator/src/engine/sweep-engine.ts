/**
 * The sweep engine: the coordinator's state machine for sweeps and trials, after Ray Tune's
 * `TuneController` loop. It asks each sweep's `Searcher` for parameters, starts trials through
 * the `Launcher` while `maxConcurrentTrials` allows, feeds every worker report to the
 * `TrialScheduler`, sends stop / exploit control messages, ends trials, and keeps the best trial.
 *
 * Durability: every change is written to the KV buckets (CAS updates) before it is acted on, and
 * reports arrive through a durable JetStream consumer acknowledged only after they are applied,
 * so a coordinator killed at any point reloads, resumes unapplied reports, and reconciles live
 * trials against the launcher (lost ones are relaunched from their last checkpoint).
 *
 * All mutations run one at a time on a serial queue: no two handlers interleave their
 * read-modify-write of the same sweep.
 */
import {
  STATE_PREFIX_ENV,
  SweepRecord,
  TrialConfig,
  applyParams,
  formatZodError,
  type Params,
  type SweepSpec,
  type SweepState,
  type TrialRecord,
  type TrialReport,
  type TrialState,
} from '@grugan/protocol';
import type { SchedulerDecision, Searcher, TrialScheduler } from '@grugan/tune';
import type { LaunchHandle, Launcher } from '../launchers/launcher.js';
import type { NatsState } from '../state/nats-state.js';
import { ReportConsumer } from '../state/report-consumer.js';
import { InvalidRequestError, NotFoundError, UnavailableError } from '../errors.js';
import { bestTrial } from './leaderboard.js';
import { applyReport, canRetry, latestResult } from './trial-updates.js';
import { judgeLiveness } from './reconcile.js';
import { newSweepId, trialId as makeTrialId } from './ids.js';
import type { EngineHooks, EngineLogger } from './hooks.js';

/** Builds a sweep's searcher and scheduler from its spec (same arguments after a restart). */
export interface TuneFactory {
  /** The sweep's searcher (seeded from the spec). */
  searcher(spec: SweepSpec): Searcher;
  /** The sweep's trial scheduler. */
  scheduler(spec: SweepSpec): TrialScheduler;
}

export interface SweepEngineOptions {
  /** Durable state: KV buckets, checkpoints, reports stream. */
  state: NatsState;
  /** Starts, queries and stops workers. */
  launcher: Launcher;
  /** Builds each sweep's searcher and scheduler. */
  tune: TuneFactory;
  /** NATS URL handed to workers. */
  natsUrl: string;
  /** How often live trials are checked against the launcher, in ms. */
  reconcileIntervalMs: number;
  /** Silence after which running workers are presumed hung, in ms. */
  reportTimeoutMs: number;
  /** Silence after which exited workers without a final report are lost, in ms (default 3 s). */
  exitGraceMs?: number;
  /** Time workers get to obey a stop before they are terminated, in ms. */
  stopGraceMs: number;
  /** Extra environment for every worker. */
  workerEnv?: Record<string, string>;
  /** Metrics hooks. */
  hooks?: EngineHooks;
  /** Structured logger (pino). */
  log: EngineLogger;
}

/** A worker's Prometheus endpoint, from its `hello` report. */
export interface WorkerTarget {
  /** `host:port` of the worker's `/metrics`. */
  address: string;
  /** Sweep of the worker's trial. */
  sweepId: string;
  /** The worker's trial. */
  trialId: string;
  /** The worker's rank. */
  rank: number;
}

interface ActiveSweep {
  record: SweepRecord;
  searcher: Searcher;
  scheduler: TrialScheduler;
}

const LIVE: readonly TrialState[] = ['pending', 'running', 'paused'];

export class SweepEngine {
  private readonly active = new Map<string, ActiveSweep>();
  /** Every known trial, live or not (KV is the truth; this is its cache). */
  private readonly trials = new Map<string, TrialRecord>();
  /** Sweep states, for the by-state metrics. */
  private readonly sweepStates = new Map<string, SweepState>();
  /** Liveness clock: when each live trial was last heard from (or launched, or reloaded). */
  private readonly lastSeen = new Map<string, number>();
  /**
   * Per trial, the stream sequence of the newest report this coordinator has handled (applied or
   * ignored). The consumer's ack floor alone cannot say a trial's reports are all handled: one
   * report of any trial whose ack was lost (NATS restarting under it) holds the floor back until
   * its redelivery, up to the ack wait, and no trial could be judged lost meanwhile.
   */
  private readonly reportsHandled = new Map<string, number>();
  /** Terminations waiting out a stop grace period; run at once on `stop()`. */
  private readonly pendingTerminations = new Map<NodeJS.Timeout, () => Promise<void>>();
  private queue: Promise<unknown> = Promise.resolve();
  private reconcileTimer?: NodeJS.Timeout;
  private consumer?: ReportConsumer;
  private stopped = false;
  /** True once the state is loaded and reports are flowing. */
  ready = false;

  constructor(private readonly o: SweepEngineOptions) {}

  /** Loads every sweep and trial, resumes live sweeps, starts consuming reports and reconciling. */
  async start(): Promise<void> {
    await this.run(() => this.reload());
    this.consumer = new ReportConsumer({
      state: this.o.state,
      onReport: (report, seq) =>
        this.run(async () => {
          await this.handleReport(report, seq);
          if (seq > (this.reportsHandled.get(report.trialId) ?? 0)) this.reportsHandled.set(report.trialId, seq);
        }),
      onCorrupt: (seq, subject, why) => {
        this.o.hooks?.reportRejected?.('corrupt');
        this.o.log.warn({ seq, subject, why }, 'corrupt report dropped');
      },
      // Not acked: redelivered, to this or a restarted coordinator.
      onError: (seq, err) => this.o.log.error({ err, seq }, 'report handling failed'),
    });
    await this.consumer.start();
    this.reconcileTimer = setInterval(() => {
      void this.run(() => this.reconcile()).catch((err) => this.o.log.error({ err }, 'reconcile failed'));
    }, this.o.reconcileIntervalMs);
    this.ready = true;
    for (const id of this.active.keys()) await this.run(() => this.tick(id));
  }

  /** Stops consuming and reconciling; workers keep running (a restarted coordinator adopts them). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.ready = false;
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    await this.consumer?.stop();
    const pending = [...this.pendingTerminations.entries()];
    this.pendingTerminations.clear();
    for (const [timer] of pending) clearTimeout(timer);
    await Promise.all(pending.map(([, terminate]) => terminate()));
    await this.queue.catch(() => undefined);
  }

  // ---- API operations -------------------------------------------------------------------

  /** Stores a new sweep (spec already validated) and starts its first trials. */
  createSweep(spec: SweepSpec): Promise<SweepRecord> {
    return this.run(async () => {
      const now = new Date().toISOString();
      const record = SweepRecord.parse({
        id: newSweepId(spec.name),
        spec,
        state: 'running',
        trialIds: [],
        engine: { trialsCreated: 0, searcherFinished: false },
        createdAt: now,
        updatedAt: now,
      });
      let active: ActiveSweep;
      try {
        active = this.activate(record);
      } catch (err) {
        // The spec parsed but the searcher or scheduler cannot work with it (a TuneError).
        this.active.delete(record.id);
        throw new InvalidRequestError(`body: ${(err as Error).message}`, { cause: err });
      }
      active.record.engine.searcher = active.searcher.getState?.();
      active.record.engine.scheduler = active.scheduler.getState?.();
      await this.o.state.sweeps.create(record.id, active.record);
      this.sweepStates.set(record.id, 'running');
      this.o.log.info({ sweep: record.id, name: spec.name }, 'sweep created');
      await this.tick(record.id);
      return this.active.get(record.id)?.record ?? record;
    });
  }

  /** Cancels a sweep: live trials are told to stop, then terminated. Idempotent on finished sweeps. */
  cancelSweep(id: string): Promise<SweepRecord> {
    return this.run(async () => {
      const active = this.active.get(id);
      if (!active) {
        const stored = await this.o.state.sweeps.get(id);
        if (!stored) throw new NotFoundError('sweep', id);
        return stored.value;
      }
      for (const trial of this.trialsOf(id).filter((t) => LIVE.includes(t.state))) {
        await this.endTrial(trial, 'stopped', 'sweep cancelled', { removed: true });
      }
      active.record.state = 'cancelled';
      active.record.message = 'cancelled by request';
      await this.saveSweep(active);
      this.active.delete(id);
      this.o.log.info({ sweep: id }, 'sweep cancelled');
      return active.record;
    });
  }

  /** Prometheus targets of live workers (addresses persist in trial records, so they survive a restart). */
  workerTargets(): WorkerTarget[] {
    const out: WorkerTarget[] = [];
    for (const t of this.trials.values()) {
      if (!LIVE.includes(t.state)) continue;
      for (const [rank, address] of Object.entries(t.metricsAddresses ?? {})) {
        out.push({ address, sweepId: t.sweepId, trialId: t.id, rank: Number(rank) });
      }
    }
    return out.sort((a, b) => a.trialId.localeCompare(b.trialId) || a.rank - b.rank);
  }

  /** Counts by state, for gauges. */
  stateCounts(): { trials: Record<string, number>; sweeps: Record<string, number> } {
    const trials: Record<string, number> = {};
    for (const t of this.trials.values()) trials[t.state] = (trials[t.state] ?? 0) + 1;
    const sweeps: Record<string, number> = {};
    for (const s of this.sweepStates.values()) sweeps[s] = (sweeps[s] ?? 0) + 1;
    return { trials, sweeps };
  }

  // ---- internals --------------------------------------------------------------------------

  /** Runs `fn` after every earlier queued operation (serial executor). */
  private run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private activate(record: SweepRecord): ActiveSweep {
    const searcher = this.o.tune.searcher(record.spec);
    const scheduler = this.o.tune.scheduler(record.spec);
    if (record.engine.searcher !== undefined) searcher.setState?.(record.engine.searcher);
    if (record.engine.scheduler !== undefined) scheduler.setState?.(record.engine.scheduler);
    const active = { record, searcher, scheduler };
    this.active.set(record.id, active);
    return active;
  }

  private trialsOf(sweepId: string): TrialRecord[] {
    return [...this.trials.values()].filter((t) => t.sweepId === sweepId);
  }

  private async reload(): Promise<void> {
    for (const { value } of await this.o.state.trials.list()) this.trials.set(value.id, value);
    const now = Date.now();
    for (const { value: sweep } of await this.o.state.sweeps.list()) {
      this.sweepStates.set(sweep.id, sweep.state);
      if (sweep.bestObjective !== undefined) this.o.hooks?.bestObjectiveChanged?.(sweep.id, sweep.bestObjective);
      if (sweep.state !== 'running') continue;
      this.activate(sweep);
      for (const orphan of this.trialsOf(sweep.id).filter((t) => !sweep.trialIds.includes(t.id))) {
        // Created, but the coordinator died before the sweep counted it, so it was never
        // launched: drop it, and the restored searcher suggests it again under the same id.
        await this.o.state.trials.delete(orphan.id);
        this.trials.delete(orphan.id);
      }
      for (const trial of this.trialsOf(sweep.id).filter((t) => LIVE.includes(t.state))) {
        // Restart the liveness clock: the coordinator, not the workers, was away.
        this.lastSeen.set(trial.id, now);
        if (trial.launchId === undefined) await this.launchTrial(trial, trial.attempt);
      }
      this.o.log.info({ sweep: sweep.id, trials: sweep.trialIds.length }, 'sweep resumed');
    }
  }

  /** Starts trials while capacity allows; finishes the sweep when nothing is left to run. */
  private async tick(sweepId: string): Promise<void> {
    const active = this.active.get(sweepId);
    if (!active || active.record.state !== 'running' || this.stopped) return;
    const { record, searcher, scheduler } = active;
    const spec = record.spec;
    let live = this.trialsOf(sweepId).filter((t) => LIVE.includes(t.state)).length;
    while (live < spec.maxConcurrentTrials && record.engine.trialsCreated < spec.maxTrials && !record.engine.searcherFinished) {
      const id = makeTrialId(sweepId, record.engine.trialsCreated);
      const suggestion = searcher.suggest(id);
      if (suggestion === 'finished') {
        record.engine.searcherFinished = true;
        break;
      }
      if (suggestion === null) break;
      record.engine.trialsCreated++;
      record.trialIds.push(id);
      const trial = this.newTrial(record, id, suggestion);
      this.trials.set(id, trial);
      scheduler.onTrialAdd(id, suggestion);
      // Trial record first, then the sweep that counts it: a crash in between leaves a trial the
      // reload finds (pending, unlaunched) rather than a counted trial with no record.
      await this.o.state.trials.create(id, trial);
      await this.saveSweep(active);
      if (trial.state === 'failed') {
        searcher.onTrialComplete(id, undefined, true);
        scheduler.onTrialError(id);
        continue;
      }
      live++;
      await this.launchTrial(trial, 0);
    }
    if (live === 0 && (record.engine.searcherFinished || record.engine.trialsCreated >= spec.maxTrials)) {
      const trials = this.trialsOf(sweepId);
      record.state = trials.some((t) => t.state !== 'failed') ? 'succeeded' : 'failed';
      if (record.state === 'failed') record.message = 'every trial failed';
      await this.saveSweep(active);
      this.active.delete(sweepId);
      this.o.log.info({ sweep: sweepId, state: record.state, best: record.bestTrialId }, 'sweep finished');
    }
  }

  private newTrial(sweep: SweepRecord, id: string, params: Params): TrialRecord {
    const now = new Date().toISOString();
    const base = { id, sweepId: sweep.id, params, worldSize: sweep.spec.workersPerTrial, attempt: 0, step: 0, metrics: {}, createdAt: now, updatedAt: now };
    const config = TrialConfig.safeParse(applyParams(sweep.spec.base, params));
    if (config.success) return { ...base, config: config.data, state: 'pending' };
    // Parameters the space allowed but the config rejects (e.g. a cross-field rule): the trial
    // fails with the field named instead of taking the sweep down.
    return { ...base, config: sweep.spec.base, state: 'failed', message: `invalid config: ${formatZodError(config.error)}` };
  }

  /**
   * Starts attempt `attempt` of a trial. The intent (attempt, state running, no handle) is
   * written first, so a worker reading its record sees its own attempt, and a coordinator that
   * dies before the launch returns finds a live trial without a handle on reload and launches it.
   */
  private async launchTrial(trial: TrialRecord, attempt: number): Promise<void> {
    const intent = await this.saveTrial(trial.id, (t) => ({
      ...t,
      attempt,
      state: 'running',
      launchId: undefined,
      // The new attempt's workers announce their own addresses.
      metricsAddresses: attempt === t.attempt ? t.metricsAddresses : undefined,
    }));
    let handle: LaunchHandle;
    try {
      handle = await this.o.launcher.launch({
        sweepId: trial.sweepId,
        trialId: trial.id,
        worldSize: trial.worldSize,
        natsUrl: this.o.natsUrl,
        attempt,
        env: { ...this.o.workerEnv, [STATE_PREFIX_ENV]: this.o.state.names.prefix },
      });
      this.o.hooks?.launcherOperation?.('launch', true);
    } catch (err) {
      this.o.hooks?.launcherOperation?.('launch', false);
      this.o.log.error({ err, trial: trial.id }, 'launch failed');
      await this.endTrial(intent, 'failed', `launch failed: ${(err as Error).message}`);
      return;
    }
    this.lastSeen.set(trial.id, Date.now());
    await this.saveTrial(trial.id, (t) => ({ ...t, launchId: handle.id, launcher: handle.launcher }));
  }

  private handleOf(trial: TrialRecord): LaunchHandle | undefined {
    if (trial.launchId === undefined) return undefined;
    return { launcher: trial.launcher ?? this.o.launcher.name, trialId: trial.id, id: trial.launchId };
  }

  /** CAS-updates a trial in KV and the cache. */
  private async saveTrial(id: string, change: (t: TrialRecord) => TrialRecord): Promise<TrialRecord> {
    const saved = await this.o.state.trials.update(id, (t) => ({ ...change(t), updatedAt: new Date().toISOString() }));
    if (!saved) throw new NotFoundError('trial', id);
    this.trials.set(id, saved.value);
    return saved.value;
  }

  /** Writes the in-memory sweep (with searcher/scheduler state and best trial) over the stored one. */
  private async saveSweep(active: ActiveSweep): Promise<void> {
    const { record } = active;
    record.engine.searcher = active.searcher.getState?.();
    record.engine.scheduler = active.scheduler.getState?.();
    const best = bestTrial(this.trialsOf(record.id), record.spec.objective);
    if (best && best.objective !== record.bestObjective) this.o.hooks?.bestObjectiveChanged?.(record.id, best.objective);
    record.bestTrialId = best?.trialId;
    record.bestObjective = best?.objective;
    record.updatedAt = new Date().toISOString();
    const saved = await this.o.state.sweeps.update(record.id, (stored) => {
      // A cancel is final even if this writer has not seen it yet.
      if (stored.state === 'cancelled' && record.state === 'running') record.state = 'cancelled';
      return { ...record };
    });
    if (!saved) throw new NotFoundError('sweep', record.id);
    this.sweepStates.set(record.id, record.state);
  }

  /**
   * Ends a live trial: records the terminal state, tells searcher and scheduler, stops the
   * workers (a control message, then the launcher after a grace period).
   */
  private async endTrial(
    trial: TrialRecord,
    state: TrialState,
    message: string | undefined,
    how: { removed?: boolean; workersDone?: boolean } = {},
  ): Promise<void> {
    const saved = await this.saveTrial(trial.id, (t) => ({ ...t, ...trial, state, message: message ?? trial.message }));
    this.lastSeen.delete(trial.id);
    const active = this.active.get(trial.sweepId);
    if (active) {
      const result = latestResult(saved);
      if (how.removed) active.scheduler.onTrialRemove(trial.id);
      else if (state === 'failed') active.scheduler.onTrialError(trial.id);
      else active.scheduler.onTrialComplete(trial.id, result);
      active.searcher.onTrialComplete(trial.id, state === 'failed' ? undefined : result, state === 'failed');
    }
    if (!how.workersDone) {
      const graceful = state === 'stopped' || state === 'succeeded';
      if (graceful) this.o.state.publishControl({ action: 'stop', trialId: trial.id, reason: message });
      this.terminateLater(saved, graceful ? this.o.stopGraceMs : 0);
    }
  }

  private terminateLater(trial: TrialRecord, delayMs: number): void {
    const handle = this.handleOf(trial);
    if (!handle) return;
    const terminate = () =>
      this.o.launcher.terminate(handle).then(
        () => this.o.hooks?.launcherOperation?.('terminate', true),
        (err) => {
          this.o.hooks?.launcherOperation?.('terminate', false);
          this.o.log.warn({ err, trial: trial.id }, 'terminate failed');
        },
      );
    const timer = setTimeout(() => {
      this.pendingTerminations.delete(timer);
      void terminate();
    }, delayMs);
    this.pendingTerminations.set(timer, terminate);
  }

  // ---- reports ---------------------------------------------------------------------------

  /** Applies one worker report (stream sequence `seq`); runs on the serial queue. */
  private async handleReport(report: TrialReport, seq: number): Promise<void> {
    const trial = this.trials.get(report.trialId) ?? (await this.o.state.trials.get(report.trialId))?.value;
    if (!trial) {
      this.o.hooks?.reportRejected?.('unknown-trial');
      return;
    }
    const outcome = applyReport(trial, report, seq, new Date().toISOString());
    if (outcome.kind === 'ignored') return;
    this.lastSeen.set(trial.id, Date.now());
    const active = this.active.get(trial.sweepId);
    switch (outcome.kind) {
      case 'hello':
        await this.saveTrial(trial.id, () => outcome.trial);
        return;
      case 'checkpoint':
        await this.saveTrial(trial.id, () => outcome.trial);
        return;
      case 'progress': {
        const saved = await this.saveTrial(trial.id, () => outcome.trial);
        if (!active) return;
        active.searcher.onTrialResult?.(trial.id, outcome.result);
        const decision = active.scheduler.onTrialResult(trial.id, outcome.result);
        this.o.hooks?.schedulerDecision?.(trial.sweepId, decision.action);
        await this.applyDecision(active, saved, decision);
        await this.saveSweep(active);
        await this.tick(trial.sweepId);
        return;
      }
      case 'final': {
        if (outcome.status === 'failed' && active && canRetry(trial, active.record.spec.retriesPerTrial)) {
          await this.relaunch(trial, `workers reported failure: ${report.message ?? 'no message'}`);
          return;
        }
        await this.endTrial(outcome.trial, outcome.status, outcome.trial.message, { workersDone: outcome.status !== 'stopped' });
        if (active) {
          await this.saveSweep(active);
          await this.tick(trial.sweepId);
        }
        return;
      }
    }
  }

  private async applyDecision(active: ActiveSweep, trial: TrialRecord, decision: SchedulerDecision): Promise<void> {
    switch (decision.action) {
      case 'continue':
        return;
      case 'pause':
        // Temporary: the engine has no resume path yet, so a pause is treated as continue
        // (none of the shipped asynchronous schedulers pause).
        this.o.log.warn({ trial: trial.id }, 'pause decision ignored: not supported');
        return;
      case 'stop': {
        if (!decision.early) {
          // Budget spent: the trial completed what the scheduler asked of it. At the config's
          // own last step its final report is on the way; before it, the workers are stopped.
          if (trial.step >= trial.config.training.steps) return;
          await this.endTrial(trial, 'succeeded', decision.reason ?? `budget spent at step ${trial.step}`);
          return;
        }
        await this.endTrial(trial, 'stopped', decision.reason ?? `stopped early at step ${trial.step}`);
        return;
      }
      case 'exploit': {
        const config = TrialConfig.safeParse(applyParams(active.record.spec.base, decision.params));
        if (!config.success) {
          this.o.log.warn({ trial: trial.id, error: formatZodError(config.error) }, 'exploit params rejected');
          return;
        }
        await this.saveTrial(trial.id, (t) => ({
          ...t,
          params: decision.params,
          config: config.data,
          message: `exploited ${decision.sourceTrialId} at step ${t.step}`,
        }));
        this.o.state.publishControl({ action: 'exploit', trialId: trial.id, sourceTrialId: decision.sourceTrialId, params: decision.params });
        return;
      }
    }
  }

  // ---- reconciliation ----------------------------------------------------------------------

  /** Checks every live trial against the launcher; lost ones are relaunched or failed. */
  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const now = Date.now();
    for (const active of [...this.active.values()]) {
      for (const trial of this.trialsOf(active.record.id).filter((t) => t.state === 'running')) {
        const handle = this.handleOf(trial);
        if (!handle) continue;
        let condition;
        try {
          condition = await this.o.launcher.status(handle);
          this.o.hooks?.launcherOperation?.('status', true);
        } catch (err) {
          this.o.hooks?.launcherOperation?.('status', false);
          condition = { type: 'Unknown' as const, reason: 'StatusFailed', message: (err as Error).message };
        }
        const silentMs = now - (this.lastSeen.get(trial.id) ?? now);
        const verdict = judgeLiveness(condition, silentMs, {
          reportTimeoutMs: this.o.reportTimeoutMs,
          exitGraceMs: this.o.exitGraceMs ?? 3000,
        });
        if (verdict === 'alive') continue;
        // Reports still queued for this coordinator (a backlog after a restart, a slow consumer)
        // may hold the final one: the trial is not lost while any is unapplied.
        if (await this.hasUnhandledReports(trial.id)) continue;
        const why = `workers lost (${condition.reason}: ${condition.message}; silent ${Math.round(silentMs / 1000)} s)`;
        if (canRetry(trial, active.record.spec.retriesPerTrial)) await this.relaunch(trial, why);
        else {
          await this.endTrial(trial, 'failed', `${why}; retries exhausted`);
          await this.saveSweep(active);
          await this.tick(active.record.id);
        }
      }
    }
  }

  /** Whether the stream holds a report of `trialId` this coordinator has not handled yet. */
  private async hasUnhandledReports(trialId: string): Promise<boolean> {
    try {
      const newest = await this.o.state.lastReportSeq(trialId);
      // Handled here since this coordinator started, or (reports handled before a restart are
      // not redelivered) below the consumer's ack floor.
      if (newest <= (this.reportsHandled.get(trialId) ?? 0)) return false;
      return newest > (await this.o.state.reportsHandledUpTo());
    } catch {
      return true; // cannot tell (NATS trouble): judge again next round
    }
  }

  /** Terminates what is left of the trial's workers and starts attempt + 1 (it resumes from its checkpoint). */
  private async relaunch(trial: TrialRecord, why: string): Promise<void> {
    this.o.log.warn({ trial: trial.id, attempt: trial.attempt + 1, why }, 'relaunching trial');
    this.o.hooks?.trialRelaunched?.(trial.sweepId);
    const handle = this.handleOf(trial);
    if (handle) await this.o.launcher.terminate(handle).catch(() => undefined);
    await this.saveTrial(trial.id, (t) => ({ ...t, message: why }));
    await this.launchTrial(this.trials.get(trial.id) ?? trial, trial.attempt + 1);
  }

  /** Throws `UnavailableError` (503) unless the coordinator has loaded its state. */
  assertReady(): void {
    if (!this.ready) throw new UnavailableError('coordinator is still loading its state');
  }

  /** Waits until every queued operation has run (tests, shutdown). */
  async idle(): Promise<void> {
    await this.queue;
  }
}
