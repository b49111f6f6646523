/**
 * `grugan eval`: how close generated sequences are to the real data. Loads both sides as windows
 * scaled by the REAL data's min-max scaler (fitted over all its rows, as TimeGAN does), then
 * prints the fast distribution metrics (marginal W1, autocorrelation, cross-correlation, MMD²)
 * and TimeGAN's post-hoc discriminative and predictive scores, mean ± std over repetitions.
 *
 *   grugan eval --real data.csv --synthetic samples.csv [--seq-len 24] [--columns a,b] [--reverse]
 *   grugan eval --run runs/x        (real data and seq len from runs/x/config.json, runs/x/samples.csv)
 *
 * The synthetic file is a samples CSV (`sequence,step,<features>`, see `samples.ts`) or a plain
 * time series, which is cut into sliding windows like the real one.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import {
  BACKEND_NAMES,
  DataError,
  DataErrorCode,
  MIN_DISCRIMINATIVE_WINDOWS,
  applyScaler,
  distributionMetrics,
  fitMinMax,
  groupSequences,
  loadNumericCsv,
  parseNumericCsv,
  postHocScores,
  prepareData,
  selectBackend,
  slidingWindows,
  type DistributionMetrics,
  type PostHocScores,
  type PreparedData,
  type ScalerState,
  type WindowedData,
} from '@grugan/model';
import { TrialConfig, formatZodError } from '@grugan/protocol';
import { CliError, action, nonNegativeInt, positiveInt } from '../cli-error.js';
import { RUN_FILES } from './train.js';

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

/** The real data before windowing: scaled rows, or ready windows (built-in sines). */
interface RealSource {
  /** Path or `sines (seed S)`, for messages and the report. */
  source: string;
  columns: string[];
  scaler: ScalerState;
  /** Whether the columns were chosen explicitly (then extra synthetic columns are ignored). */
  explicitColumns: boolean;
  /** Synthetic columns that are no features (a conditional model's label column). */
  ignore: string[];
  /** Cuts windows of `seqLen` from the scaled real data. */
  windows: (seqLen: number) => WindowedData;
  /** Fixed window length (run directories), if any. */
  seqLen?: number;
}

/** Bad input data: exit 1 with one line. */
function inputError(message: string): CliError {
  return new CliError(message, 'CLI_EVAL_INPUT', 1);
}

/** Sliding windows with the file named in the "too short" message. */
function windowsOf(values: Float32Array, rows: number, columns: string[], seqLen: number, stride: number, source: string): WindowedData {
  try {
    return slidingWindows(values, rows, columns, seqLen, stride);
  } catch (err) {
    if (err instanceof DataError && err.code === DataErrorCode.TooShort) throw inputError(`${source}: ${err.message}`);
    throw err;
  }
}

/** A plain real CSV: chosen columns, optionally reversed, min-max scaled over all rows. */
async function realFromCsv(path: string, flags: EvalFlags): Promise<RealSource> {
  const columns = flags.columns?.split(',').map((c) => c.trim());
  const table = await loadNumericCsv(path, { columns, reverse: flags.reverse });
  const scaler = fitMinMax(table.values, table.columns.length);
  const scaled = applyScaler(scaler, table.values);
  return {
    source: path,
    columns: table.columns,
    scaler,
    explicitColumns: columns !== undefined,
    ignore: [],
    windows: (seqLen) => windowsOf(scaled, table.rows, table.columns, seqLen, 1, path),
  };
}

/** The real data of a `grugan train` run directory, prepared as training prepared it. */
async function realFromRun(dir: string): Promise<RealSource> {
  const path = join(dir, RUN_FILES.config);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message.split('\n')[0];
    throw inputError(`${path}: cannot read the run's config (${why})`);
  }
  const parsed = TrialConfig.safeParse(raw);
  if (!parsed.success) throw inputError(`${path}: invalid config: ${formatZodError(parsed.error)}`);
  const { data, seed } = parsed.data;
  // Training's own pipeline (same seed: the same sines; same columns, reversal, stride, scaler),
  // keeping every window: the whole data set is the real side.
  let prepared: PreparedData;
  try {
    prepared = await prepareData({ ...data, testFraction: 0 }, seed);
  } catch (err) {
    if (err instanceof DataError && err.code === DataErrorCode.TooShort) throw inputError(`${data.path ?? 'sines'}: ${err.message}`);
    throw err;
  }
  const real = prepared.train;
  return {
    source: data.dataset === 'sines' ? `sines (seed ${seed})` : prepared.source,
    columns: real.columns,
    scaler: prepared.scaler,
    explicitColumns: data.dataset === 'sines' || data.columns !== undefined,
    ignore: data.conditioning ? [data.conditioning.column] : [],
    windows: () => real,
    seqLen: data.seqLen,
  };
}

/**
 * The synthetic file as windows of the real columns, scaled by the real scaler. A samples CSV is
 * grouped by its `sequence` column; a plain series is cut into windows of `seqLen` (default 24).
 */
async function syntheticWindows(path: string, real: RealSource, seqLen: number | undefined): Promise<WindowedData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message.split('\n')[0];
    throw inputError(`${path}: cannot read data file (${why})`);
  }
  const header = (text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '').split(',').map((c) => c.trim());
  const ids = ['sequence', 'step'].filter((c) => header.includes(c));
  const features = header.filter((c) => c !== 'sequence' && c !== 'step' && !real.ignore.includes(c));
  const missing = real.columns.filter((c) => !features.includes(c));
  if (missing.length > 0) {
    throw inputError(`column mismatch: ${path} has no column ${missing.map((c) => `"${c}"`).join(', ')} of the real data (its columns: ${features.join(', ')})`);
  }
  const extra = features.filter((c) => !real.columns.includes(c));
  if (extra.length > 0 && !real.explicitColumns) {
    throw inputError(`column mismatch: ${path} has column(s) ${extra.join(', ')} that the real data (${real.source}) lacks; pick columns with --columns`);
  }
  // Only the id and feature columns are parsed: anything else (labels, extras) may be text.
  const table = parseNumericCsv(text, { columns: [...ids, ...real.columns], source: path });
  const C = table.columns.length;
  const sequenceCol = table.columns.indexOf('sequence');
  const stepCol = table.columns.indexOf('step');
  const pick = real.columns.map((c) => table.columns.indexOf(c));
  const values = new Float64Array(table.rows * pick.length); // [rows, F] in the real column order
  for (let r = 0; r < table.rows; r++) pick.forEach((i, k) => (values[r * pick.length + k] = table.values[r * C + i]));
  const scaled = applyScaler(real.scaler, values);
  if (sequenceCol < 0) return windowsOf(scaled, table.rows, real.columns, seqLen ?? 24, 1, path);
  const column = (i: number) => Float64Array.from({ length: table.rows }, (_, r) => table.values[r * C + i]);
  const windows = groupSequences(scaled, real.columns, { sequence: column(sequenceCol), step: stepCol >= 0 ? column(stepCol) : undefined, source: path });
  if (seqLen !== undefined && windows.seqLen !== seqLen) {
    throw inputError(`${path}: its sequences have ${windows.seqLen} steps, but the windows to compare have ${seqLen}`);
  }
  return windows;
}

/** Formats a number for the table: 4 significant digits, fixed-point when readable. */
function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2);
}

function formatReport(r: EvalReport): string {
  const m = r.metrics;
  const rows: [string, string, string][] = [
    ['marginal W1', fmt(m.marginalW1), ''],
    ['autocorrelation', fmt(m.autocorrelation), ''],
    ['cross-correlation', fmt(m.crossCorrelation), ''],
    ['MMD²', fmt(m.mmd2), ''],
  ];
  for (const kind of ['discriminative', 'predictive'] as const) {
    const s = r.postHoc?.[kind];
    if (s) rows.push([kind, '', `${fmt(s.mean)} ± ${fmt(s.std)} (${s.values.length} runs, ${s.seconds.toFixed(1)} s)`]);
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

/** What `--json` prints. */
interface EvalReport {
  real: { source: string; windows: number; seqLen: number; columns: string[] };
  synthetic: { source: string; windows: number };
  backend: string;
  metrics: DistributionMetrics;
  postHoc?: PostHocScores;
  /** Iterations and repetitions the post-hoc scores used. */
  settings: { repetitions: number; iterationsDisc: number; iterationsPred: number; seed: number };
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
        onRepetition: progress ? (kind, i, v) => process.stderr.write(`${kind} ${i + 1}/${settings.repetitions}: ${fmt(v)}\n`) : undefined,
      });
  const report: EvalReport = {
    real: { source: real.source, windows: realWindows.count, seqLen: realWindows.seqLen, columns: realWindows.columns },
    synthetic: { source: syntheticPath, windows: synthetic.count },
    backend,
    metrics,
    postHoc,
    settings,
  };
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
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
