/**
 * `grugan eval`: how close generated sequences are to the real data. Loads both sides as windows
 * scaled by the REAL data's min-max scaler (fitted over all its rows, as TimeGAN does), then
 * prints the fast distribution metrics (marginal W1, autocorrelation, cross-correlation, MMD²)
 * and TimeGAN's post-hoc discriminative and predictive scores, mean ± std over repetitions.
 *
 *   grugan eval --real data.csv --synthetic samples.csv [--seq-len 24] [--columns a,b] [--reverse]
 *   grugan eval --run runs/x        (real data and seq len from runs/x/config.json, runs/x/samples.csv;
 *                                    the result is also written to runs/x/eval.json for `grugan report`)
 *
 * The synthetic file is a samples CSV (`sequence,step,<features>`, see `samples.ts`) or a plain
 * time series, which is cut into sliding windows like the real one.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { BACKEND_NAMES, MIN_DISCRIMINATIVE_WINDOWS, distributionMetrics, postHocScores, selectBackend } from '@grugan/model';
import { CliError, action, nonNegativeInt, positiveInt } from '../cli-error.js';
import { inputError, realFromCsv, realFromRun, syntheticWindows } from '../eval-inputs.js';
import { formatNumber } from '../format-number.js';
import { RUN_FILES, type EvalFile } from '../run-files.js';

interface EvalFlags {
  real?: string;
  synthetic?: string;
  run?: string;
  seqLen?: number;
  columns?: string;
  reverse?: boolean;
  repetitions: number;
  iterationsDisc?: number;
  iterationsPred?: number;
  maxLag?: number;
  mmdSamples: number;
  seed: number;
  fast?: boolean;
  backend: string;
  json?: boolean;
}

function formatReport(r: EvalFile): string {
  const m = r.metrics;
  const rows: [string, string, string][] = [
    ['marginal W1', formatNumber(m.marginalW1), ''],
    ['autocorrelation', formatNumber(m.autocorrelation), ''],
    ['cross-correlation', formatNumber(m.crossCorrelation), ''],
    ['MMD²', formatNumber(m.mmd2), ''],
  ];
  for (const kind of ['discriminative', 'predictive'] as const) {
    const s = r.postHoc?.[kind];
    if (s) rows.push([kind, '', `${formatNumber(s.mean)} ± ${formatNumber(s.std)} (${s.values.length} runs, ${s.seconds.toFixed(1)} s)`]);
  }
  const header: [string, string, string] = ['metric', 'value', 'mean ± std'];
  const w0 = Math.max(...[header, ...rows].map((row) => row[0].length));
  const w1 = Math.max(...[header, ...rows].map((row) => row[1].length));
  const line = (row: [string, string, string]) => `${row[0].padEnd(w0)}  ${row[1].padEnd(w1)}  ${row[2]}`.trimEnd();
  return [
    `real       ${r.real.source}: ${r.real.windows} windows x ${r.real.seqLen} steps x ${r.real.columns.length} features (${r.real.columns.join(', ')})`,
    `synthetic  ${r.synthetic.source}: ${r.synthetic.windows} windows`,
    `backend    ${r.backend}`,
    '',
    line(header),
    ...rows.map(line),
    '',
    'lower is better for every metric; scaled by the real data\'s min-max scaler',
  ].join('\n');
}

async function evaluate(flags: EvalFlags): Promise<number> {
  if (flags.run === undefined && (flags.real === undefined || flags.synthetic === undefined)) {
    throw new CliError('give --run DIR, or both --real FILE.csv and --synthetic FILE.csv');
  }
  if (flags.run !== undefined && (flags.real !== undefined || flags.seqLen !== undefined || flags.columns !== undefined || flags.reverse)) {
    throw new CliError('--run takes the real data, columns and seq len from the run\'s config.json; do not combine it with --real, --seq-len, --columns or --reverse');
  }
  // Data before backend: bad input is reported before TF.js spends seconds loading.
  const real = flags.run !== undefined ? await realFromRun(flags.run) : await realFromCsv(flags.real!, flags);
  const syntheticPath = flags.synthetic ?? join(flags.run!, RUN_FILES.samples);
  const synthetic = await syntheticWindows(syntheticPath, real, real.seqLen ?? flags.seqLen);
  const realWindows = real.windows(synthetic.seqLen);
  const minWindows = flags.fast ? 2 : MIN_DISCRIMINATIVE_WINDOWS;
  for (const [path, d] of [[real.source, realWindows], [syntheticPath, synthetic]] as const) {
    if (d.count < minWindows) throw inputError(`too few windows: ${path} gives ${d.count} window(s) of ${d.seqLen} steps; at least ${minWindows} are needed`);
  }

  const metrics = distributionMetrics(realWindows, synthetic, { maxLag: flags.maxLag, mmd: { maxSamples: flags.mmdSamples, seed: flags.seed } });
  const backend = flags.fast ? 'none (--fast)' : await selectBackend(flags.backend);
  const settings = { repetitions: flags.repetitions, iterationsDisc: flags.iterationsDisc ?? 2000, iterationsPred: flags.iterationsPred ?? 5000, seed: flags.seed };
  const progress = process.stderr.isTTY && !flags.json;
  const postHoc = flags.fast
    ? undefined
    : postHocScores(realWindows, synthetic, {
        repetitions: settings.repetitions,
        seed: settings.seed,
        discriminative: { iterations: settings.iterationsDisc },
        predictive: { iterations: settings.iterationsPred },
        onRepetition: progress ? (kind, i, v) => process.stderr.write(`${kind} ${i + 1}/${settings.repetitions}: ${formatNumber(v)}\n`) : undefined,
      });
  const report: EvalFile = {
    real: { source: real.source, windows: realWindows.count, seqLen: realWindows.seqLen, columns: realWindows.columns },
    synthetic: { source: syntheticPath, windows: synthetic.count },
    backend,
    metrics,
    postHoc,
    settings,
  };
  const json = `${JSON.stringify(report, null, 2)}\n`;
  // Kept with the run, so `grugan report` can show the post-hoc scores without recomputing them.
  if (flags.run !== undefined) await writeFile(join(flags.run, RUN_FILES.eval), json);
  process.stdout.write(flags.json ? json : `${formatReport(report)}\n`);
  return 0;
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('compare synthetic sequences with real data: distribution metrics and TimeGAN\'s discriminative / predictive scores')
    .option('--real <file.csv>', 'real time series, one row per step (scaled by its own min-max scaler)')
    .option('--synthetic <file.csv>', 'samples.csv from grugan train / sample (sequence,step,<features>) or a plain series')
    .option('--run <dir>', 'a grugan train run directory: real data from config.json, synthetic from samples.csv')
    .option('--seq-len <n>', 'window length (default: the samples\' sequence length, else 24)', positiveInt('--seq-len'))
    .option('--columns <a,b>', 'real columns to compare (default: all)')
    .option('--reverse', 'reverse the real CSV rows (newest-first data, e.g. stock prices)')
    .option('--repetitions <n>', 'repetitions of each post-hoc score', positiveInt('--repetitions'), 5)
    .option('--iterations-disc <n>', 'discriminative classifier iterations (TimeGAN: 2000)', positiveInt('--iterations-disc'))
    .option('--iterations-pred <n>', 'predictor iterations (TimeGAN: 5000)', positiveInt('--iterations-pred'))
    .option('--max-lag <k>', 'largest autocorrelation lag (default min(10, seq len - 1))', positiveInt('--max-lag'))
    .option('--mmd-samples <n>', 'windows per side for MMD²', positiveInt('--mmd-samples'), 500)
    .option('--seed <s>', 'seed of the first repetition and of the MMD subsample', nonNegativeInt('--seed'), 0)
    .option('--fast', 'only the distribution metrics (no post-hoc models to train)')
    .addOption(new Option('--backend <name>', 'TF.js backend for the post-hoc scores').choices([...BACKEND_NAMES]).default(process.env.GRUGAN_BACKEND ?? 'auto'))
    .option('--json', 'print JSON instead of a table')
    .action(action('eval', evaluate));
}
