/**
 * The worker's Prometheus metrics and the tiny HTTP server that exposes them at `/metrics`.
 * The registry is injected into each collector (katib `prometheus_metrics.go` style); names
 * follow `gan_<subsystem>_<name>_{total|seconds}`. Every series is labelled with trial and rank.
 * The server listens on port 0 (any free port) so that W workers on one host never collide;
 * its address goes to the coordinator in the `hello` report.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Collectors a worker updates while it trains. */
export interface WorkerMetrics {
  /** The registry every collector is registered in. */
  registry: Registry;
  /** Generator steps completed. */
  steps: Counter;
  /** Latest discriminator / generator losses, label `network`. */
  loss: Gauge;
  /** Real samples consumed per second by this rank, averaged over the last log window. */
  samplesPerSecond: Gauge;
  /** Seconds spent waiting in gradient all-reduce, per call. */
  allReduceSeconds: Histogram;
  /** Control messages rejected because they did not parse. */
  badControlMessages: Counter;
}

/** Creates the worker's collectors in `registry`, labelled with the trial and rank. */
export function createWorkerMetrics(
  labels: { trial: string; rank: number },
  registry: Registry = new Registry(),
): WorkerMetrics {
  registry.setDefaultLabels({ trial: labels.trial, rank: String(labels.rank) });
  collectDefaultMetrics({ register: registry, prefix: 'gan_worker_process_' });
  return {
    registry,
    steps: new Counter({ name: 'gan_worker_steps_total', help: 'Generator steps completed by this worker.', registers: [registry] }),
    loss: new Gauge({
      name: 'gan_worker_loss',
      help: 'Latest loss of each network (d = discriminator, g = generator).',
      labelNames: ['network'],
      registers: [registry],
    }),
    samplesPerSecond: new Gauge({
      name: 'gan_worker_samples_per_second',
      help: 'Real training samples consumed per second by this rank.',
      registers: [registry],
    }),
    allReduceSeconds: new Histogram({
      name: 'gan_worker_allreduce_seconds',
      help: 'Seconds one gradient all-reduce took, waiting included.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    badControlMessages: new Counter({
      name: 'gan_worker_bad_control_messages_total',
      help: 'Control messages rejected because they did not parse.',
      registers: [registry],
    }),
  };
}

/** A running `/metrics` endpoint. */
export interface MetricsServer {
  /** `host:port` to scrape. */
  address: string;
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
