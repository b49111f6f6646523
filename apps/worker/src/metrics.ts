/**
 * The worker's Prometheus metrics (prom-client) and the tiny HTTP server that exposes them at
 * `/metrics`. As in katib's `prometheus_metrics.go`, the registry is injected into every
 * collector, so tests and processes each own theirs. Names follow
 * `grugan_worker_<name>` with `_total` / `_seconds` / `_bytes` suffixes, each with a help string.
 *
 * Every series carries `trial` and `rank` (registry default labels; both bounded: one worker
 * process is one rank of one trial), and `sweep` once the trial record is read. Only the
 * `network` (d, g), `metric` (evaluation score names) and `backend` labels are added on top,
 * all from small fixed sets. The server listens on port 0 (any free port) so that W workers on
 * one host never collide; its address goes to the coordinator in the `hello` report, which
 * serves it to Prometheus through `/v1/targets`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prefix of every worker series, default process metrics included. */
export const WORKER_METRIC_PREFIX = 'grugan_worker_';

/** Latency buckets (seconds) shared by all-reduce and checkpoint histograms: 1 ms … 30 s. */
const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Collectors a worker updates while it trains. */
export interface WorkerMetrics {
  /** The registry every collector is registered in. */
  registry: Registry;
  /** Generator steps completed by this process (resumed steps not counted again). */
  steps: Counter;
  /** The trial's latest generator step, resumed steps included. */
  step: Gauge;
  /** Latest loss of each network, label `network` = `d` | `g`. */
  loss: Gauge<'network'>;
  /** Latest global L2 norm of each network's averaged gradients, label `network`. */
  gradNorm: Gauge<'network'>;
  /** Wall time of one generator step (D and G updates and their all-reduces). */
  stepSeconds: Histogram;
  /** Real samples consumed per second by this rank, averaged over the last log window. */
  samplesPerSecond: Gauge;
  /** Latest evaluation scores, label `metric` (the score's name, e.g. `moment_distance`). */
  evalScore: Gauge<'metric'>;
  /** Seconds one gradient all-reduce took, waiting for the other ranks included. */
  allReduceSeconds: Histogram;
  /** Gradient bytes (float32 payload) this rank fed into all-reduce. */
  allReduceBytes: Counter;
  /** Seconds one checkpoint took to encode and store. */
  checkpointSeconds: Histogram;
  /** Size of the latest checkpoint written, in bytes. */
  checkpointBytes: Gauge;
  /** 1 for the TF.js backend in use, label `backend`. */
  backendInfo: Gauge<'backend'>;
  /** Control messages rejected because they did not parse. */
  badControlMessages: Counter;
}

/** Creates the worker's collectors in `registry`, every series labelled with the trial and rank. */
export function createWorkerMetrics(
  labels: { trial: string; rank: number; sweep?: string },
  registry: Registry = new Registry(),
): WorkerMetrics {
  const defaults: Record<string, string> = { trial: labels.trial, rank: String(labels.rank) };
  if (labels.sweep !== undefined) defaults.sweep = labels.sweep;
  registry.setDefaultLabels(defaults);
  collectDefaultMetrics({ register: registry, prefix: WORKER_METRIC_PREFIX });
  const registers = [registry];
  return {
    registry,
    steps: new Counter({ name: 'grugan_worker_steps_total', help: 'Generator steps completed by this worker process.', registers }),
    step: new Gauge({ name: 'grugan_worker_step', help: "The trial's latest generator step on this rank, resumed steps included.", registers }),
    loss: new Gauge({
      name: 'grugan_worker_loss',
      help: 'Latest loss of each network (network="d": discriminator, "g": generator).',
      labelNames: ['network'],
      registers,
    }),
    gradNorm: new Gauge({
      name: 'grugan_worker_grad_norm',
      help: "Latest global L2 norm of each network's averaged gradients, before clipping.",
      labelNames: ['network'],
      registers,
    }),
    stepSeconds: new Histogram({
      name: 'grugan_worker_step_duration_seconds',
      help: 'Wall time of one generator step, discriminator updates and all-reduces included.',
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    samplesPerSecond: new Gauge({
      name: 'grugan_worker_samples_per_second',
      help: 'Real training samples consumed per second by this rank, over the last log window.',
      registers,
    }),
    evalScore: new Gauge({
      name: 'grugan_worker_eval_score',
      help: 'Latest evaluation score of the generator, by metric name (lower is better).',
      labelNames: ['metric'],
      registers,
    }),
    allReduceSeconds: new Histogram({
      name: 'grugan_worker_allreduce_duration_seconds',
      help: 'Seconds one gradient all-reduce took, waiting for the other ranks included.',
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    allReduceBytes: new Counter({
      name: 'grugan_worker_allreduce_bytes_total',
      help: 'Gradient bytes (float32 payload) this rank fed into all-reduce.',
      registers,
    }),
    checkpointSeconds: new Histogram({
      name: 'grugan_worker_checkpoint_duration_seconds',
      help: 'Seconds one checkpoint took to encode and write to the object store.',
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    checkpointBytes: new Gauge({
      name: 'grugan_worker_checkpoint_bytes',
      help: 'Size of the latest checkpoint this rank wrote, in bytes.',
      registers,
    }),
    backendInfo: new Gauge({
      name: 'grugan_worker_backend_info',
      help: 'The TF.js backend in use (value 1, name in the backend label).',
      labelNames: ['backend'],
      registers,
    }),
    badControlMessages: new Counter({
      name: 'grugan_worker_bad_control_messages_total',
      help: 'Control messages rejected because they did not parse.',
      registers,
    }),
  };
}

/** Adds the sweep label to every series once the trial record (which names it) is read. */
export function labelSweep(metrics: WorkerMetrics, labels: { trial: string; rank: number; sweep: string }): void {
  metrics.registry.setDefaultLabels({ trial: labels.trial, rank: String(labels.rank), sweep: labels.sweep });
}

/** Records the backend in use: exactly one `backend` series is 1. */
export function recordBackend(metrics: WorkerMetrics, backend: string): void {
  metrics.backendInfo.reset();
  metrics.backendInfo.set({ backend }, 1);
}

/** Bytes of a set of named gradient arrays (`{ data: Float32Array }` each), as fed to all-reduce. */
export function payloadBytes(arrays: Record<string, { data: ArrayBufferView }>): number {
  let n = 0;
  for (const a of Object.values(arrays)) n += a.data.byteLength;
  return n;
}

/** A running `/metrics` endpoint. */
export interface MetricsServer {
  /** `host:port` to scrape. */
  address: string;
  /** Stops listening; resolves once open connections are closed. */
  close(): Promise<void>;
}

/**
 * Serves `registry` at `/metrics` on `port` (0 = any free port). `advertiseHost` is the host
 * put in the returned address (default: `GRUGAN_METRICS_HOST`, else `POD_IP`, else 127.0.0.1).
 */
export async function startMetricsServer(
  registry: Registry,
  opts: { port?: number; host?: string; advertiseHost?: string } = {},
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics' && !req.url?.startsWith('/metrics?')) {
      res.writeHead(404).end('not found\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.advertiseHost ?? process.env.GRUGAN_METRICS_HOST ?? process.env.POD_IP ?? '127.0.0.1';
  return {
    address: `${host}:${port}`,
    // Scrapers keep connections alive; close them so shutdown does not wait for their timeout.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
