/**
 * `grugan stats`: per-feature mean, std and lag-1 autocorrelation of a samples CSV (rows
 * grouped by its `sequence` column), of any numeric CSV (one series), or of built-in `sines`
 * — to put generated samples next to the real data.
 */
import { Command } from 'commander';
import { generateSines, loadNumericCsv } from '@grugan/model';
import { CliError, action, positiveInt, nonNegativeInt } from '../cli-error.js';
import { featureStats, formatStats, type FeatureStats } from '../stats.js';

interface StatsFlags {
  dataset?: string;
  reverse?: boolean;
  columns?: string;
  seed: number;
  numSequences: number;
  json?: boolean;
}

/** Stats of a CSV: samples files (with `sequence`, `step`) are grouped by sequence. */
async function csvStats(path: string, flags: StatsFlags): Promise<FeatureStats[]> {
  const table = await loadNumericCsv(path, { reverse: flags.reverse });
  const seqCol = table.columns.indexOf('sequence');
  const keep = table.columns
    .map((name, i) => ({ name, i }))
    .filter(({ name }) => name !== 'sequence' && name !== 'step')
    .filter(({ name }) => flags.columns === undefined || flags.columns.split(',').includes(name));
  if (keep.length === 0) throw new CliError(`${path}: no feature columns to summarise`);
  const C = table.columns.length;
  const values = new Float64Array(table.rows * keep.length);
  const sequence = seqCol >= 0 ? new Float64Array(table.rows) : undefined;
  for (let r = 0; r < table.rows; r++) {
    keep.forEach(({ i }, k) => (values[r * keep.length + k] = table.values[r * C + i]));
    if (sequence) sequence[r] = table.values[r * C + seqCol];
  }
  return featureStats(values, keep.map((k) => k.name), sequence);
}

async function stats(files: string[], flags: StatsFlags): Promise<number> {
  const results: { source: string; stats: FeatureStats[] }[] = [];
  if (flags.dataset !== undefined) {
    if (flags.dataset !== 'sines') throw new CliError(`--dataset: unknown built-in data set "${flags.dataset}" (expected sines)`);
    const s = generateSines({ numSequences: flags.numSequences, seqLen: 24, features: 5, seed: flags.seed });
    const sequence = Float64Array.from({ length: s.count * s.seqLen }, (_, r) => Math.floor(r / s.seqLen));
    results.push({ source: `sines (seed ${flags.seed})`, stats: featureStats(s.windows, s.columns, sequence) });
  }
  for (const f of files) results.push({ source: f, stats: await csvStats(f, flags) });
  if (results.length === 0) throw new CliError('give a CSV file or --dataset sines');
  if (flags.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else process.stdout.write(`${results.map((r) => formatStats(r.source, r.stats)).join('\n\n')}\n`);
  return 0;
}

export function statsCommand(): Command {
  return new Command('stats')
    .description('per-feature mean, std and lag-1 autocorrelation of CSV files or built-in data')
    .argument('[files...]', 'CSV files (samples.csv files are grouped by their sequence column)')
    .option('--dataset <name>', 'also summarise a built-in data set (sines: 10 000 x 24 x 5)')
    .option('--reverse', 'reverse CSV rows (newest-first data)')
    .option('--columns <a,b>', 'only these columns')
    .option('--seed <s>', 'seed of the built-in data set', nonNegativeInt('--seed'), 42)
    .option('--num-sequences <n>', 'sequences of the built-in data set', positiveInt('--num-sequences'), 10000)
    .option('--json', 'print JSON instead of tables')
    .action(action('stats', stats));
}
