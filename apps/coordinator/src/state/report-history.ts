/**
 * Reads one trial's metric history back from the reports stream (the durable record of every
 * point a worker published), with an ordered consumer filtered on the trial's subject.
 * Messages that do not parse are skipped and counted, never fatal.
 */
import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import { TrialReport, type MetricPoint, type StateNames } from '@grugan/protocol';

export interface HistoryResult {
  points: MetricPoint[];
  /** Messages skipped because they were not valid reports. */
  corrupt: number;
}

/** All reports of `trialId` in stream order; `kinds` filters (default: metrics, checkpoint, final). */
export async function readTrialHistory(
  js: JetStreamClient,
  names: StateNames,
  trialId: string,
  kinds: ReadonlyArray<TrialReport['kind']> = ['metrics', 'checkpoint', 'final'],
): Promise<HistoryResult> {
  const consumer = await js.consumers.get(names.reportsStream, {
    filter_subjects: names.reportSubject(trialId),
    deliver_policy: DeliverPolicy.All,
  });
  let remaining = (await consumer.info(true)).num_pending;
  const points: MetricPoint[] = [];
  let corrupt = 0;
  while (remaining > 0) {
    const batch = await consumer.fetch({ max_messages: Math.min(remaining, 500), expires: 2000 });
    let got = 0;
    for await (const m of batch) {
      got++;
      remaining = m.info.pending;
      let parsed;
      try {
        parsed = TrialReport.safeParse(m.json());
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) {
        corrupt++;
        continue;
      }
      const r = parsed.data;
      if (!kinds.includes(r.kind)) continue;
      points.push({ seq: m.seq, attempt: r.attempt, rank: r.rank, kind: r.kind, step: r.step, metrics: r.metrics, time: r.time });
    }
    if (got === 0) break; // nothing came before expiry: the count was stale
  }
  await consumer.delete().catch(() => undefined);
  return { points, corrupt };
}
