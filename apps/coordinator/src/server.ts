/**
 * Runs the coordinator: builds the app, listens, and shuts down gracefully on SIGINT / SIGTERM
 * (stop local workers, stop taking requests, stop the engine, drain NATS). A crashed
 * coordinator's workers keep running and are adopted by the next one.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { CoordinatorAppOptions } from './types.js';

export interface RunningServer {
  app: FastifyInstance;
  /** `http://host:port` the API listens on. */
  url: string;
  /** Closes the server (idempotent). */
  close(): Promise<void>;
}

/** Builds and starts the coordinator; with `handleSignals`, SIGINT/SIGTERM close it and exit. */
export async function startServer(options: CoordinatorAppOptions, handleSignals = false): Promise<RunningServer> {
  const app = await buildApp(options);
  const address = await app.listen({ port: options.config.port, host: options.config.host });
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= app.close());
  if (handleSignals) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        app.log.info({ signal }, 'shutting down');
        // A second signal, or a hung close, must still end the process.
        const timer = setTimeout(() => process.exit(1), 15_000);
        timer.unref();
        // Local workers are this process's children: a deliberate stop takes them along
        // (a crash leaves them running for the next coordinator to adopt).
        const launcher = app.launcher as { terminateAll?: () => Promise<void> };
        (launcher.terminateAll?.() ?? Promise.resolve())
          .catch(() => undefined)
          .then(close)
          .then(
          () => process.exit(0),
          (err) => {
            app.log.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      });
    }
  }
  app.log.info({ url: address, launcher: options.config.launcher, prefix: options.config.statePrefix }, 'coordinator listening');
  return { app, url: address, close };
}
