/**
 * `grugan train`: trains one GRU-GAN in this process (or W data-parallel ranks with
 * `--workers W`) and writes a run directory: `config.json`, `checkpoint.grugan`,
 * `metrics.jsonl`, `samples.csv` (in the data's original units), `summary.json`, with
 * `training.selection` also `selected.grugan` (the snapshot samples come from) and, unless
 * `--no-report`, `report.html`; then prints a summary.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import {
  BACKEND_NAMES,
  BatchSampler,
  captureTrainingState,
  ClassifierSelection,
  createTrainer,
  evaluateGenerator,
  prepareData,
  runTraining,
  saveCheckpoint,
  selectBackend,
  selectionDue,
  selectionOptions,
  type PreparedData,
  type StepMetrics,
  type TrainerState,
} from '@grugan/model';
import type { TrialConfig } from '@grugan/protocol';
import { action, positiveInt, nonNegativeInt } from '../cli-error.js';
import { buildTrialConfig } from '../config-load.js';
import { createProgress, type StepLosses } from '../progress.js';
import { writeRunReport } from '../report/build-report.js';
import { RUN_FILES, type TrainSummary } from '../run-files.js';
import { generateSamples, sampleLabels, writeSamplesCsv } from '../samples.js';
import { trainParallel } from '../train/parallel.js';

interface TrainFlags {
  dataset?: string;
  data?: string;
  columns?: string;
  reverse?: boolean;
  config?: string;
  steps?: number;
  out?: string;
  backend: string;
  seed?: number;
  workers: number;
  nats?: string;
  samples: number;
  /** False with `--no-report`. */
  report: boolean;
}

/** `runs/<UTC timestamp>`, e.g. `runs/20260101-120000`. */
function defaultOutDir(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return join('runs', t);
}

/**
 * Writes `report.html` and returns the summary line. The run's outputs are already on disk, so
 * a failing report is a warning, not a failed run.
 */
async function reportLine(out: string): Promise<string> {
  try {
    const r = await writeRunReport({ dir: out });
    for (const w of r.warnings) process.stderr.write(`grugan train: report warning: ${w}\n`);
    return `report     ${r.path} (${r.seconds.toFixed(1)} s)`;
  } catch (err) {
    process.stderr.write(`grugan train: no report: ${(err as Error).message.split('\n')[0]}\n`);
    return 'report     none (see the warning above)';
  }
}

/**
 * The losses a progress line shows. TimeGAN's first two phases train no D or G (their D and G
 * losses are reported as 0): show the phase and the loss it minimises instead.
 */
function stepLosses(m: StepMetrics): StepLosses {
  if (m.extra.phase === 1 && m.extra.reconstruction !== undefined) return { phase: 'embedding: reconstruction', loss: m.extra.reconstruction };
  if (m.extra.phase === 2 && m.extra.supervised !== undefined) return { phase: 'supervised: next-step', loss: m.extra.supervised };
  return { dLoss: m.dLoss, gLoss: m.gLoss };
}

async function train(flags: TrainFlags): Promise<number> {
  const config: TrialConfig = await buildTrialConfig(flags);
  // Data before backend: bad input is reported before TF.js spends seconds loading.
  const data: PreparedData = await prepareData(config.data, config.seed);
  const backend = await selectBackend(flags.backend);
  const out = flags.out ?? defaultOutDir();
  await mkdir(out, { recursive: true });
  await writeFile(join(out, RUN_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
  const metricsPath = join(out, RUN_FILES.metrics);
  await writeFile(metricsPath, '');
  const saveTo = (path: string, state: TrainerState) =>
    saveCheckpoint(path, {
      config,
      trainer: state,
      scaler: data.scaler,
      columns: data.train.columns,
      source: data.source,
      createdAt: new Date().toISOString(),
    }).then(() => undefined);
  const save = (state: TrainerState) => saveTo(join(out, RUN_FILES.checkpoint), state);

  const total = config.training.steps;
  const trainer = createTrainer(config, data.train.features); // model.kind: grugan or timegan
  const progress = createProgress(total, 0, config.training.logEvery);
  // Metrics are buffered and appended every logEvery steps: one write per step would cost more than a step.
  let pending: string[] = [];
  const flush = async () => {
    if (pending.length > 0) await appendFile(metricsPath, pending.join(''));
    pending = [];
  };
  // One process holds the live weights: every evalEvery steps (and at the end) its step record also
  // gets the distribution metrics of generated vs held-out windows. Ranks of --workers W do not report them.
  const evalReal = data.test.count >= 2 ? data.test : data.train;
  const evalEvery = config.training.evalEvery;
  const evaluateAt = (step: number) => flags.workers === 1 && evalReal.count >= 2 && evalEvery > 0 && (step % evalEvery === 0 || step === total);
  // training.selection: a post-hoc classifier scores snapshots against the training windows (the
  // most windows, so the least noisy score); samples come from the lowest. One process only.
  const select = config.training.selection;
  const selection = select.every > 0 && flags.workers === 1 ? new ClassifierSelection<TrainerState>(data.train, selectionOptions(select, config.seed)) : undefined;
  if (select.every > 0 && flags.workers > 1) process.stderr.write('grugan train: training.selection runs in one process only; with --workers the samples come from the last step\n');
  const onStep = async (m: StepMetrics) => {
    const evaluation = evaluateAt(m.step) ? { eval: evaluateGenerator(trainer, evalReal, { seed: config.seed }) } : {};
    const scored = selection && selectionDue(select, m.step, total) ? { selection: selection.consider(m.step, trainer, () => trainer.getState()).score } : {};
    pending.push(`${JSON.stringify({ ...m, ...evaluation, ...scored, time: new Date().toISOString() })}\n`);
    progress.update(m.step, stepLosses(m));
    if (m.step % config.training.logEvery === 0) await flush();
  };

  // Ctrl-C (or SIGTERM) stops at the next step boundary; the run still writes its checkpoint and samples.
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const started = performance.now();
  let status: string;
  let step: number;
  let reason: string | undefined;
  let lines: string[];
  let exitCode: number;
  try {
    if (flags.workers > 1) {
      const r = await trainParallel({ config, data, workers: flags.workers, steps: total, natsUrl: flags.nats ?? process.env.NATS_URL, backend, onStep, onCheckpoint: save, signal: abort.signal });
      trainer.setState(r.state);
      ({ status, step } = r);
      if (r.status !== 'diverged') await save(r.state);
      if (r.status === 'diverged' && r.lastGoodState) await save(r.lastGoodState);
    } else {
      const sampler = new BatchSampler(data.train, { globalBatch: config.training.batchSize, seed: config.seed, noiseDim: trainer.noiseDim });
      const r = await runTraining({ trainer, sampler, steps: total, onStep, onCheckpoint: save, checkpointEvery: config.training.checkpointEvery, shouldStop: () => abort.signal.aborted });
      ({ status, step, reason } = r);
      if (r.status === 'stopped') await save(captureTrainingState(trainer, sampler));
      if (r.status === 'diverged' && r.lastGoodState) {
        await save(r.lastGoodState);
        trainer.setState(r.lastGoodState);
      }
    }
    progress.stop();
    await flush();
    const seconds = (performance.now() - started) / 1000;
    const selected = selection?.confirm(); // the lowest score, or with finalists > 1 the lowest after a second look
    const finalists = selection?.finalistSteps ?? [];
    if (selected) {
      await saveTo(join(out, RUN_FILES.selected), selected.state);
      trainer.setState(selected.state); // samples.csv from the selected snapshot
    }
    const labels = sampleLabels(config, flags.samples, config.seed, { trainLabels: data.train.labels }); // conditional models: the data's label mix
    const samples = generateSamples(trainer, { n: flags.samples, seqLen: data.train.seqLen, seed: config.seed, scaler: data.scaler, columns: data.train.columns, labels });
    await writeSamplesCsv(join(out, RUN_FILES.samples), samples);
    const summary: TrainSummary = {
      status,
      steps: step,
      seconds,
      backend,
      workers: flags.workers,
      finishedAt: new Date().toISOString(),
      ...(selected ? { selected: { step: selected.step, score: selected.score, ...(finalists.length > 1 ? { finalists } : {}) } } : {}),
    };
    await writeFile(join(out, RUN_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
    lines = [
      `status     ${status}${reason ? ` (${reason})` : ''}`,
      `steps      ${step}`,
      `wall time  ${seconds.toFixed(1)} s`,
      `steps/s    ${(step / seconds).toFixed(2)}`,
      `backend    ${backend}${flags.workers > 1 ? ` x ${flags.workers} workers` : ''}`,
      `data       ${data.source} (${data.train.count} train / ${data.test.count} test windows)`,
      ...(selected
        ? [`samples    from step ${selected.step} (selection score ${selected.score.toFixed(4)} of ${selection!.scores.length} scored${finalists.length > 1 ? `, confirmed among steps ${finalists.join(', ')}` : ''}; ${RUN_FILES.selected})`]
        : []),
      `output     ${out}`,
    ];
    exitCode = status === 'succeeded' ? 0 : status === 'stopped' ? 130 : 3;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress.stop();
    trainer.dispose();
  }
  // After the signal handlers are gone: Ctrl-C during the report ends the process as usual.
  if (flags.report) lines.push(await reportLine(out));
  process.stdout.write(`${lines.join('\n')}\n`);
  return exitCode;
}

export function trainCommand(): Command {
  return new Command('train')
    .description('train a GRU-GAN and write config, checkpoint, metrics and samples to a run directory')
    .option('--dataset <name>', 'built-in data set (sines)')
    .option('--data <file.csv>', 'CSV data file with a header row')
    .option('--columns <a,b,c>', 'CSV columns to use (default: all)')
    .option('--reverse', 'reverse CSV rows (newest-first data to chronological order)')
    .option('--config <file>', 'trial config, YAML or JSON (flags override it)')
    .option('--steps <n>', 'generator steps', positiveInt('--steps'))
    .option('--out <dir>', 'run directory (default runs/<timestamp>)')
    .addOption(new Option('--backend <name>', 'TF.js backend').choices([...BACKEND_NAMES]).default(process.env.GRUGAN_BACKEND ?? 'auto'))
    .option('--seed <s>', 'random seed', nonNegativeInt('--seed'))
    .option('--workers <w>', 'data-parallel ranks on this machine', positiveInt('--workers'), 1)
    .option('--nats <url>', 'NATS server for --workers > 1 (default $NATS_URL, else in-process)')
    .option('--samples <n>', 'sequences to write to samples.csv', positiveInt('--samples'), 1000)
    .option('--no-report', 'do not write report.html (metrics, losses, PCA and t-SNE pictures) at the end')
    .action(action('train', train));
}
