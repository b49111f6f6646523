/**
 * Reads a run's `metrics.jsonl` (one JSON object per generator step, as `grugan train` appends
 * them) for plotting. Tolerant on purpose: a run killed mid-write leaves a torn last line, and a
 * hand-edited file may hold junk; each bad line is skipped and counted, and the first one is
 * named, so the report still draws what is there.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { formatZodError } from '@grugan/protocol';
import { readProblem, runDirError } from './run-files.js';

/**
 * One line of `metrics.jsonl`: `StepMetrics` from `@grugan/model` plus the wall-clock `time`.
 * Losses may be null: JSON writes a NaN (a diverging step) as null.
 */
export const StepMetricsLine = z.object({
  step: z.number().int().nonnegative(),
  dLoss: z.number().nullable(),
  gLoss: z.number().nullable(),
  gradNormD: z.number().nullable().optional(),
  gradNormG: z.number().nullable().optional(),
  seconds: z.number().optional(),
  /** Every other loss term (dReal, dFake; TimeGAN's phase, aeLoss, supervised, ...). */
  extra: z.record(z.string(), z.number().nullable()).default({}),
  /** Distribution metrics of generated vs held-out windows, on evaluation steps only. */
  eval: z.record(z.string(), z.number().nullable()).optional(),
  /** With `training.selection`, on scored steps: the snapshot's discriminative score. */
  selection: z.number().optional(),
  time: z.string().optional(),
});
export type StepMetricsLine = z.infer<typeof StepMetricsLine>;

export interface MetricsLog {
  /** The valid lines, in file order. */
  steps: StepMetricsLine[];
  /** Non-empty lines that were not valid JSON or not a step record. */
  skipped: number;
  /** `line N: why` for the first skipped line. */
  firstProblem?: string;
}

/** Parses `metrics.jsonl` text. */
export function parseMetricsLog(text: string): MetricsLog {
  const steps: StepMetricsLine[] = [];
  let skipped = 0;
  let firstProblem: string | undefined;
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let problem: string | undefined;
    try {
      const parsed = StepMetricsLine.safeParse(JSON.parse(line));
      if (parsed.success) steps.push(parsed.data);
      else problem = formatZodError(parsed.error);
    } catch (err) {
      problem = `not JSON (${readProblem(err)})`;
    }
    if (problem !== undefined) {
      skipped++;
      firstProblem ??= `line ${i + 1}: ${problem}`;
    }
  });
  return { steps, skipped, ...(firstProblem ? { firstProblem } : {}) };
}

/** Reads and parses `path`; a missing file is an empty log, other read errors are one line. */
export async function readMetricsLog(path: string): Promise<MetricsLog> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { steps: [], skipped: 0 };
    throw runDirError(`${path}: cannot read the metrics (${readProblem(err)})`);
  }
  return parseMetricsLog(text);
}
