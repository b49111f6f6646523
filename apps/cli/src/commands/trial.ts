/**
 * `grugan trial get ID | metrics ID | samples ID -n N --out FILE.csv | checkpoint ID --out FILE`:
 * one trial of a sweep, through the coordinator's API (same `--api` / `--token` rules as
 * `grugan sweep`).
 */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { MetricHistory, TrialRecord } from '@grugan/protocol';
import { CliError, nonNegativeInt, positiveInt } from '../cli-error.js';
import { apiBytes, apiRequest, type ApiOptions } from './sweep.js';

function apiOptions(cmd: Command): ApiOptions {
  const o = cmd.optsWithGlobals<{ api?: string; token?: string }>();
  return { api: o.api ?? process.env.GRUGAN_API ?? 'http://127.0.0.1:8080', token: o.token ?? process.env.GRUGAN_API_TOKEN };
}

export function trialCommand(): Command {
  const trial = new Command('trial')
    .description("one trial: its record, metric history, samples and checkpoint")
    .option('--api <url>', 'coordinator API URL (default: GRUGAN_API or http://127.0.0.1:8080)')
    .option('--token <token>', 'bearer token (default: GRUGAN_API_TOKEN)');

  trial
    .command('get <id>')
    .description('the trial record as JSON')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const record = await apiRequest<TrialRecord>(apiOptions(cmd), 'GET', `/v1/trials/${encodeURIComponent(id)}`);
      process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    });

  trial
    .command('metrics <id>')
    .description('metric history, one JSON line per report')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const history = await apiRequest<MetricHistory>(apiOptions(cmd), 'GET', `/v1/trials/${encodeURIComponent(id)}/metrics`);
      process.stdout.write(history.points.map((p) => JSON.stringify(p)).join('\n') + (history.points.length ? '\n' : ''));
    });

  trial
    .command('samples <id>')
    .description("sequences from the trial's latest checkpoint, CSV in the data's original units")
    .option('-n <n>', 'number of sequences', positiveInt('-n'), 100)
    .option('--seed <s>', 'noise seed', nonNegativeInt('--seed'))
    .option('-o, --out <file>', 'write here instead of stdout')
    .action(async (id: string, o: { n: number; seed?: number; out?: string }, cmd: Command) => {
      const query = new URLSearchParams({ n: String(o.n), ...(o.seed === undefined ? {} : { seed: String(o.seed) }) });
      const csv = await apiRequest<string>(apiOptions(cmd), 'GET', `/v1/trials/${encodeURIComponent(id)}/samples?${query}`);
      if (typeof csv !== 'string') throw new CliError('the API did not answer with CSV');
      if (o.out) {
        await writeFile(o.out, csv);
        process.stderr.write(`wrote ${o.n} sequences to ${o.out}\n`);
      } else process.stdout.write(csv);
    });

  trial
    .command('checkpoint <id>')
    .description("the trial's latest checkpoint file")
    .requiredOption('-o, --out <file>', 'where to write it')
    .action(async (id: string, o: { out: string }, cmd: Command) => {
      const bytes = await apiBytes(apiOptions(cmd), `/v1/trials/${encodeURIComponent(id)}/checkpoint`);
      await writeFile(o.out, bytes);
      process.stderr.write(`wrote ${bytes.length} bytes to ${o.out}\n`);
    });

  return trial;
}
