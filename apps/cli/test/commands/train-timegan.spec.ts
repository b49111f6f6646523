/**
 * `grugan train` with `model.kind: timegan`: the same run directory as the plain GRU-GAN
 * (config, checkpoint, metrics through all three phases, samples), `grugan sample` reading the
 * TimeGAN checkpoint back, and two data-parallel ranks (`--workers 2`) finishing in step.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrialConfig } from '@grugan/protocol';
import { loadCheckpoint } from '@grugan/model';
import { parseCsv, runCli } from '../run-cli.js';

let dir: string;
let configPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'grugan-timegan-'));
  configPath = join(dir, 'timegan.yaml');
  await writeFile(
    configPath,
    [
      'data:', '  numSequences: 64', '  seqLen: 6', '  features: 3',
      'model:', '  kind: timegan', '  hiddenSize: 4', '  layers: 2', '  timegan:', '    embeddingSteps: 2', '    supervisedSteps: 2',
      'training:', '  batchSize: 8', '  steps: 6', '  logEvery: 2',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('grugan train --config (model.kind: timegan)', () => {
  it('trains the three phases and writes config, checkpoint, metrics and samples; sample reads it back', async () => {
    const out = join(dir, 'run');
    const r = await runCli(['train', '--config', configPath, '--seed', '3', '--out', out, '--samples', '4']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/status\s+succeeded/);
    // Progress lines (logEvery 2) name each pre-training phase and its loss, then D and G in the joint phase.
    expect(r.stdout).toMatch(/^step 2\/6 embedding: reconstruction \d+\.\d{4} /m);
    expect(r.stdout).toMatch(/^step 4\/6 supervised: next-step \d+\.\d{4} /m);
    expect(r.stdout).toMatch(/^step 6\/6 D \d+\.\d{4} G \d+\.\d{4} /m);

    const config = TrialConfig.parse(JSON.parse(await readFile(join(out, 'config.json'), 'utf8')));
    expect(config.model.kind).toBe('timegan');
    expect(config.model.timegan.gamma).toBe(1); // TimeGAN's defaults filled in

    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(metrics.map((m) => m.extra.phase)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(Number.isFinite(metrics[0].extra.aeLoss)).toBe(true);
    expect(Number.isFinite(metrics[2].extra.supervised)).toBe(true);
    for (const m of metrics.slice(4)) expect(m.dLoss > 0 && m.gLoss > 0).toBe(true);

    const ckpt = await loadCheckpoint(join(out, 'checkpoint.grugan'));
    expect(ckpt.trainer.step).toBe(6);
    expect(Object.keys(ckpt.trainer.weights)).toContain('s/head/kernel');
    expect(ckpt.trainer.optimizer.autoencoder?.iterations).toBe(2);

    const samples = parseCsv(await readFile(join(out, 'samples.csv'), 'utf8'));
    expect(Object.keys(samples)).toEqual(['sequence', 'step', 'feature0', 'feature1', 'feature2']);
    expect(samples.sequence.length).toBe(4 * 6);
    for (const k of ['feature0', 'feature1', 'feature2']) expect(samples[k].every(Number.isFinite)).toBe(true);

    const again = join(dir, 'again.csv');
    const s = await runCli(['sample', '--checkpoint', join(out, 'checkpoint.grugan'), '-n', '4', '--out', again]);
    expect(s.code).toBe(0);
    // The same generator and the same (config) seed: the same sequences.
    expect(parseCsv(await readFile(again, 'utf8')).feature1).toEqual(samples.feature1);

    // The report draws D and G loss over the joint phase only, and each phase's own terms.
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('2 step(s) of the joint phase');
    for (const term of ['aeLoss', 'supervised', 'gMoments', 'eLoss']) expect(html).toContain(`>${term}</text>`);
  });

  /**
   * Trains 10 steps (2 + 2 pre-training, 6 joint) with snapshots scored at steps 6, 8 and 10 (the
   * last), `extra` lines added to training.selection; returns the run and its scored step records.
   */
  async function trainSelecting(name: string, extra = '') {
    const selectPath = join(dir, `${name}.yaml`);
    const base = await readFile(configPath, 'utf8');
    await writeFile(selectPath, base.replace('  steps: 6', `  steps: 10\n  emaDecay: 0.9\n  selection:\n    every: 2\n    from: 6\n    repetitions: 1\n    iterations: 30${extra}`));
    const out = join(dir, name);
    const r = await runCli(['train', '--config', selectPath, '--seed', '3', '--out', out, '--samples', '4']);
    expect(r.code, r.stderr).toBe(0);
    const metrics = (await readFile(join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    return { r, out, scored: metrics.filter((m) => m.selection !== undefined) };
  }

  it('with training.selection, samples from the snapshot a classifier scored lowest', async () => {
    const { r, out, scored } = await trainSelecting('selected');
    expect(scored.map((m) => m.step)).toEqual([6, 8, 10]);
    for (const m of scored) expect(m.selection >= 0 && m.selection <= 0.5).toBe(true);
    const best = scored.reduce((a, b) => (b.selection < a.selection ? b : a));

    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(summary.selected).toEqual({ step: best.step, score: best.selection });
    expect(r.stdout).toContain(`samples    from step ${best.step} (selection score ${best.selection.toFixed(4)} of 3 scored; selected.grugan)`);
    const selected = await loadCheckpoint(join(out, 'selected.grugan'));
    expect(selected.trainer.step).toBe(best.step);
    expect(selected.trainer.average?.decay).toBe(0.9);
    expect((await loadCheckpoint(join(out, 'checkpoint.grugan'))).trainer.step).toBe(10); // the last step stays the checkpoint to resume from

    // samples.csv is what the selected snapshot generates.
    const again = join(dir, 'selected.csv');
    const s = await runCli(['sample', '--checkpoint', join(out, 'selected.grugan'), '-n', '4', '--out', again]);
    expect(s.code, s.stderr).toBe(0);
    expect(parseCsv(await readFile(again, 'utf8')).feature0).toEqual(parseCsv(await readFile(join(out, 'samples.csv'), 'utf8')).feature0);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain(`training.selection scored 3 snapshot(s) against the training windows; samples come from step ${best.step}`);
  });

  it('with selection finalists, scores the lowest few again and samples from the lowest mean', async () => {
    const { r, out, scored } = await trainSelecting('finalists', '\n    finalists: 2\n    confirmRepetitions: 2');
    scored.sort((a, b) => a.selection - b.selection);
    const finalists = scored.slice(0, 2).map((m) => m.step);

    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(summary.selected.finalists).toEqual(finalists);
    expect(finalists).toContain(summary.selected.step);
    // Its score is the mean over 3 classifiers now, not its first score alone.
    expect(summary.selected.score).not.toBe(scored.find((m) => m.step === summary.selected.step).selection);
    expect(r.stdout).toContain(`samples    from step ${summary.selected.step} (selection score ${summary.selected.score.toFixed(4)} of 3 scored, confirmed among steps ${finalists.join(', ')}; selected.grugan)`);
    expect((await loadCheckpoint(join(out, 'selected.grugan'))).trainer.step).toBe(summary.selected.step);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain(`samples come from step ${summary.selected.step}, the lowest after the finalists (steps ${finalists.join(', ')}) were scored again`);
  });

  it('trains with two data-parallel ranks', async () => {
    const out = join(dir, 'parallel');
    const r = await runCli(['train', '--config', configPath, '--workers', '2', '--out', out, '--samples', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/status\s+succeeded/);
    const ckpt = await loadCheckpoint(join(out, 'checkpoint.grugan'));
    expect(ckpt.trainer.step).toBe(6);
    expect(ckpt.trainer.optimizer.g.iterations).toBe(4); // 2 joint iterations × 2 generator steps
  });
});
