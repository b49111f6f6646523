/**
 * `grugan coordinator`: runs the sweep coordinator (HTTP API, engine, launcher) until SIGINT /
 * SIGTERM. Flags override the environment (`GRUGAN_PORT`, `NATS_URL`, `GRUGAN_API_TOKEN`,
 * `GRUGAN_LAUNCHER`, `GRUGAN_STATE_PREFIX`, ...; see the coordinator's README).
 */
import { Command } from 'commander';

interface CoordinatorFlags {
  port?: string;
  host?: string;
  nats?: string;
  token?: string;
  launcher?: string;
  prefix?: string;
  logDir?: string;
}

export function coordinatorCommand(): Command {
  return new Command('coordinator')
    .description('run the sweep coordinator: HTTP API under /v1, durable state in NATS JetStream, worker launcher')
    .option('-p, --port <port>', 'HTTP port, 0 for any free one (default: GRUGAN_PORT or 8080)')
    .option('--host <host>', 'HTTP bind address (default: GRUGAN_HOST or 127.0.0.1)')
    .option('--nats <url>', 'NATS server URL (default: NATS_URL or nats://127.0.0.1:4222)')
    .option('--token <token>', 'bearer token required on /v1 (default: GRUGAN_API_TOKEN; none = no auth)')
    .option('--launcher <name>', 'worker launcher: local or kubernetes (default: GRUGAN_LAUNCHER or local)')
    .option('--prefix <prefix>', 'prefix of NATS buckets, stream and subjects (default: GRUGAN_STATE_PREFIX or grugan)')
    .option('--log-dir <dir>', 'local launcher: write each worker rank\'s output to a file here instead of this terminal')
    .action(async (flags: CoordinatorFlags) => {
      // Imported here so other subcommands do not load fastify and NATS.
      const { loadConfig, startServer } = await import('@grugan/coordinator');
      const config = loadConfig({
        port: flags.port,
        host: flags.host,
        natsUrl: flags.nats,
        apiToken: flags.token,
        launcher: flags.launcher,
        statePrefix: flags.prefix,
      });
      const server = await startServer({ config, launcherOptions: { local: { logDir: flags.logDir } } }, true);
      process.stdout.write(`grugan coordinator: ${server.url}\n`);
    });
}
