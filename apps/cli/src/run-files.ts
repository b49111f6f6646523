/**
 * A `grugan train` run directory: its file names and readers for the files other commands read
 * back (`grugan eval --run`, `grugan report`). JSON files are parsed with zod at this edge; a
 * missing or invalid required file is one clear line (exit 1), an optional one is reported as
 * absent or as a problem the caller shows, never a crash.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { TrialConfig, formatZodError } from '@grugan/protocol';
import { CliError } from './cli-error.js';

/** File names inside a run directory. */
export const RUN_FILES = {
  /** The validated trial config training ran with. */
  config: 'config.json',
  checkpoint: 'checkpoint.grugan',
  /** With `training.selection`: the snapshot the classifier scored lowest, which samples.csv comes from. */
  selected: 'selected.grugan',
  /** One JSON line per step (`StepMetricsLine`). */
  metrics: 'metrics.jsonl',
  /** Generated sequences in original units, `sequence,step,<features>`. */
  samples: 'samples.csv',
  /** How training ended (`TrainSummary`), written by `grugan train`. */
  summary: 'summary.json',
  /** The latest `grugan eval --run` result (`EvalFile`). */
  eval: 'eval.json',
  /** The HTML report (`grugan report`, and `grugan train` unless `--no-report`). */
  report: 'report.html',
} as const;

/** A run directory that cannot be read: exit 1 with one line. */
export function runDirError(message: string): CliError {
  return new CliError(message, 'CLI_RUN_DIR', 1);
}

/** Why a file could not be read, in a few words. */
export function readProblem(err: unknown): string {
  return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message.split('\n')[0];
}

/** The run's `config.json`, validated by `TrialConfig`. */
export async function readRunConfig(dir: string): Promise<TrialConfig> {
  const path = join(dir, RUN_FILES.config);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw runDirError(`${path}: cannot read the run's config (${readProblem(err)})`);
  }
  const parsed = TrialConfig.safeParse(raw);
  if (!parsed.success) throw runDirError(`${path}: invalid config: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

/** How a `grugan train` run ended (`summary.json`). */
export const TrainSummary = z.object({
  /** `succeeded`, `stopped` (Ctrl-C) or `diverged`. */
  status: z.string(),
  /** Generator steps (TimeGAN: iterations) completed. */
  steps: z.number().int().nonnegative(),
  /** Wall time of training, seconds. */
  seconds: z.number().nonnegative(),
  /** The TF.js backend that trained. */
  backend: z.string(),
  /** Data-parallel ranks. */
  workers: z.number().int().positive(),
  /** ISO time training finished. */
  finishedAt: z.string(),
  /**
   * With `training.selection`: the step samples come from and its selection score; with
   * `finalists` > 1 the steps scored again, and the score is the mean over all the chosen one's classifiers.
   */
  selected: z.object({ step: z.number().int().nonnegative(), score: z.number(), finalists: z.array(z.number().int().nonnegative()).optional() }).optional(),
});
export type TrainSummary = z.infer<typeof TrainSummary>;

const ScoreSummary = z.object({ mean: z.number(), std: z.number(), values: z.array(z.number()), seconds: z.number() });

/** What `grugan eval --json` prints and `grugan eval --run DIR` writes to `DIR/eval.json`. */
export const EvalFile = z.object({
  real: z.object({ source: z.string(), windows: z.number(), seqLen: z.number(), columns: z.array(z.string()) }),
  synthetic: z.object({ source: z.string(), windows: z.number() }),
  backend: z.string(),
  metrics: z.object({ marginalW1: z.number(), autocorrelation: z.number(), crossCorrelation: z.number(), mmd2: z.number() }),
  postHoc: z.object({ discriminative: ScoreSummary.optional(), predictive: ScoreSummary.optional() }).optional(),
  /** Iterations and repetitions the post-hoc scores used. */
  settings: z.object({ repetitions: z.number(), iterationsDisc: z.number(), iterationsPred: z.number(), seed: z.number() }),
});
export type EvalFile = z.infer<typeof EvalFile>;

/** An optional JSON file: its value, `absent`, or a one-line problem (unreadable, not JSON, wrong shape). */
export type OptionalFile<T> = { value: T } | { absent: true } | { problem: string };

/** Reads an optional JSON file of the run directory and validates it with `schema`. */
export async function readOptionalJson<T>(path: string, schema: z.ZodType<T>): Promise<OptionalFile<T>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { absent: true };
    return { problem: `${path}: ${readProblem(err)}` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { problem: `${path}: not JSON (${readProblem(err)})` };
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? { value: parsed.data } : { problem: `${path}: ${formatZodError(parsed.error)}` };
}
