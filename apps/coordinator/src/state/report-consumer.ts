/**
 * The coordinator's intake of worker reports: a durable JetStream consumer on the reports
 * stream, so a restarted coordinator resumes exactly where the last one stopped. Each message is
 * parsed against `TrialReport`, handed to the handler, and acknowledged only once the handler has
 * applied it; a handler failure naks it for redelivery. Messages that are not valid reports are
 * acknowledged (dropped) and counted, never fatal.
 */
import { AckPolicy, DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import { TrialReport, formatZodError } from '@grugan/protocol';
import type { NatsState } from './nats-state.js';

export interface ReportConsumerOptions {
  state: NatsState;
  /** Applies one valid report (`seq` = its stream sequence); throwing means "try again later". */
  onReport(report: TrialReport, seq: number): Promise<void>;
  /** A message that is not a valid report was dropped. */
  onCorrupt(seq: number, subject: string, why: string): void;
  /** The handler failed; the message will be redelivered. */
  onError(seq: number, err: unknown): void;
}

export class ReportConsumer {
  private messages?: ConsumerMessages;
  private done?: Promise<void>;

  constructor(private readonly o: ReportConsumerOptions) {}

  /** Creates the durable consumer if needed (keeping its position if it exists) and starts consuming. */
  async start(): Promise<void> {
    const { jsm, js, names, reportsConsumer } = this.o.state;
    await jsm.consumers
      .add(names.reportsStream, {
        durable_name: reportsConsumer,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: names.allReports,
        ack_wait: 60_000_000_000, // ns
      })
      .catch(async (err) => {
        // Already there from an earlier run, with another config: keep it and its position.
        if (!(await jsm.consumers.info(names.reportsStream, reportsConsumer).catch(() => null))) throw err;
      });
    const consumer = await js.consumers.get(names.reportsStream, reportsConsumer);
    const messages = await consumer.consume({ max_messages: 256 });
    this.messages = messages;
    this.done = (async () => {
      for await (const m of messages) {
        let report: TrialReport;
        try {
          const parsed = TrialReport.safeParse(m.json());
          if (!parsed.success) throw new Error(formatZodError(parsed.error));
          report = parsed.data;
        } catch (err) {
          this.o.onCorrupt(m.seq, m.subject, (err as Error).message);
          m.ack();
          continue;
        }
        try {
          await this.o.onReport(report, m.seq);
          m.ack();
        } catch (err) {
          this.o.onError(m.seq, err);
          m.nak(1000);
        }
      }
    })();
  }

  /** Stops consuming; unacknowledged messages stay for the next coordinator. */
  async stop(): Promise<void> {
    await this.messages?.close().catch(() => undefined);
    await this.done;
  }
}
