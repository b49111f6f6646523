/**
 * `grugan sweep run FILE`: the main job on one machine with nothing started by hand. Starts the
 * local stack (NATS from NATS_URL or a private nats-server, a coordinator with the local
 * launcher), creates the sweep, shows the live leaderboard, then writes the results and stops
 * the stack:
 *
 *   DIR/leaderboard.txt, DIR/leaderboard.json   final leaderboard (best first)
 *   DIR/best-samples.csv                        n sequences of the best trial, original units
 *   DIR/best-checkpoint.grugan                  the best trial's checkpoint
 *   DIR/coordinator.log                         the coordinator's (and its workers') log
 *
 * With `--api URL` it uses a running coordinator instead of starting one.
 */
import { open, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { SweepView, TrialList } from '@grugan/protocol';
import { CliError, positiveInt } from '../cli-error.js';
import { apiBytes, apiRequest, formatLeaderboard, readSweepFile, watchSweep, type ApiOptions } from './sweep.js';
import { startLocalStack, type LocalStack } from './up.js';

interface RunFlags {
  file?: string;
  out?: string;
  samples: number;
  interval: number;
}

function defaultOutDir(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return join('runs', `sweep-${t}`);
}

export function addSweepRunCommand(sweep: Command, apiOptionsOf: (cmd: Command) => ApiOptions & { explicit: boolean }): void {
  sweep
    .command('run [file]')
    .description('run a sweep end to end on a local stack started for it; print the leaderboard; write the best samples')
    .option('-f, --file <path>', 'sweep spec (YAML or JSON); same as the positional argument')
    .option('-o, --out <dir>', 'output folder (default runs/sweep-<timestamp>)')
    .option('-n, --samples <n>', 'sequences of the best trial to write', positiveInt('--samples'), 100)
    .option('-i, --interval <ms>', 'leaderboard refresh interval in ms', positiveInt('--interval'), 2000)
    .action(async (file: string | undefined, flags: RunFlags, cmd: Command) => {
      const specPath = file ?? flags.file;
      if (!specPath) throw new CliError('give a sweep spec file: grugan sweep run FILE.yaml');
      const body = await readSweepFile(specPath);
      const out = flags.out ?? defaultOutDir();
      await mkdir(out, { recursive: true });
      const started = Date.now();

      const given = apiOptionsOf(cmd);
      let stack: LocalStack | undefined;
      const log = await open(join(out, 'coordinator.log'), 'a');
      try {
        let api: ApiOptions = given;
        if (!given.explicit) {
          process.stderr.write(`starting the local stack (log: ${join(out, 'coordinator.log')})...\n`);
          stack = await startLocalStack({ port: 0, host: '127.0.0.1', token: given.token, output: log.fd });
          api = { api: stack.apiUrl, token: given.token };
          process.stderr.write(`coordinator at ${stack.apiUrl}, NATS at ${stack.natsUrl}\n`);
        }
        const created = await apiRequest<SweepView>(api, 'POST', '/v1/sweeps', body);
        process.stderr.write(`sweep ${created.id} created\n`);
        // Ctrl-C cancels the sweep (its trials stop at a step boundary); the watch then ends.
        const onSignal = () => {
          process.stderr.write('interrupted: cancelling the sweep...\n');
          void apiRequest(api, 'DELETE', `/v1/sweeps/${created.id}`).catch(() => undefined);
        };
        process.once('SIGINT', onSignal);
        const tty = process.stdout.isTTY;
        let lastState = '';
        const final = await watchSweep(api, created.id, (text) => {
          if (tty) process.stdout.write(`\x1b[2J\x1b[H${text}`);
          else {
            // Non-interactive: one line per change of the trials' states, not a redraw flood.
            const state = text.split("\n").slice(4).map((l) => l.split(/\s+/).slice(1, 3).join(':')).join(' ');
            if (state !== lastState) process.stderr.write(`${new Date().toISOString()} ${state}\n`);
            lastState = state;
          }
        }, flags.interval);
        process.off('SIGINT', onSignal);

        const list = await apiRequest<TrialList>(api, 'GET', `/v1/sweeps/${created.id}/trials`);
        const table = formatLeaderboard(list);
        await writeFile(join(out, 'leaderboard.txt'), `${table}\n`);
        await writeFile(join(out, 'leaderboard.json'), `${JSON.stringify({ sweep: final, ...list }, null, 2)}\n`);
        const seconds = (Date.now() - started) / 1000;
        process.stdout.write(`\nsweep ${final.id} (${final.spec.name}): ${final.state} in ${seconds.toFixed(0)} s\n\n${table}\n`);
        if (final.bestTrialId) {
          const csv = await apiRequest<string>(api, 'GET', `/v1/trials/${final.bestTrialId}/samples?n=${flags.samples}`);
          await writeFile(join(out, 'best-samples.csv'), csv);
          await writeFile(join(out, 'best-checkpoint.grugan'), await apiBytes(api, `/v1/trials/${final.bestTrialId}/checkpoint`));
          process.stdout.write(`\nbest trial ${final.bestTrialId}: ${join(out, 'best-samples.csv')}, ${join(out, 'best-checkpoint.grugan')}\n`);
        }
        process.exitCode = final.state === 'succeeded' ? 0 : 1;
      } finally {
        await stack?.stop();
        await log.close();
      }
    });
}
