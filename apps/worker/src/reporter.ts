/**
 * Publishes this worker's `TrialReport`s to the JetStream reports stream, which doubles as the
 * trial's durable metric history. Each report carries a message id built from
 * (trial, attempt, rank, kind, step), so a publish retried after a lost acknowledgement is
 * de-duplicated by the server instead of doubling a metric point.
 */
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { TrialReport, type StateNames } from '@grugan/protocol';
import type { Logger } from './logger.js';

type ReportKind = TrialReport['kind'];

/** Fields of a report beyond the ones the reporter fills in (trial, attempt, rank, time). */
export interface ReportBody {
  /** Generator step the report is about. */
  step: number;
  /** Metric name → value; non-finite values are sent as null. */
  metrics?: Record<string, number>;
  /** Final status, with `final` reports. */
  status?: TrialReport['status'];
  /** `host:port` of the Prometheus endpoint, with `hello` reports. */
  metricsAddress?: string;
  /** Free text, e.g. why a trial failed. */
  message?: string;
}

export class TrialReporter {
  private readonly js: JetStreamClient;

  constructor(
    nc: NatsConnection,
    private readonly who: { trialId: string; attempt: number; rank: number },
    private readonly log: Logger,
    private readonly names: StateNames,
  ) {
    this.js = jetstream(nc);
  }

  /** Builds the report message (validated, so a bug never reaches the coordinator). */
  build(kind: ReportKind, body: ReportBody): TrialReport {
    const metrics: Record<string, number | null> = {};
    for (const [k, v] of Object.entries(body.metrics ?? {})) metrics[k] = Number.isFinite(v) ? v : null;
    return TrialReport.parse({
      trialId: this.who.trialId,
      attempt: this.who.attempt,
      rank: this.who.rank,
      kind,
      step: body.step,
      metrics,
      status: body.status,
      metricsAddress: body.metricsAddress,
      message: body.message,
      time: new Date().toISOString(),
    });
  }

  /**
   * Publishes a report, retrying with back-off (a NATS restart is survived). Returns false
   * instead of throwing when every try failed: losing a report must not kill training.
   */
  async send(kind: ReportKind, body: ReportBody, tries = 5): Promise<boolean> {
    const report = this.build(kind, body);
    const msgID = `${report.trialId}.${report.attempt}.${report.rank}.${kind}.${report.step}`;
    const payload = JSON.stringify(report);
    for (let i = 0; i < tries; i++) {
      try {
        await this.js.publish(this.names.reportSubject(report.trialId), payload, { msgID, timeout: 5000 });
        return true;
      } catch (err) {
        this.log.warn({ err, kind, step: report.step, try: i + 1 }, 'report publish failed');
        if (i + 1 < tries) await new Promise((r) => setTimeout(r, 200 * 2 ** i));
      }
    }
    this.log.error({ kind, step: report.step }, 'report dropped after retries');
    return false;
  }
}
