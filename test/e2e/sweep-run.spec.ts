/**
 * The README's main job, `grugan sweep run FILE`, as a user runs it: one command that starts the
 * local stack itself (coordinator with the local launcher; NATS from NATS_URL, here a private
 * server), runs a small sweep of real worker processes, prints the leaderboard, writes the best
 * trial's samples and checkpoint, and stops everything it started.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { deserializeCheckpoint } from '@grugan/model';
import { startNats, type E2eNats } from './support/nats.js';
import { findProcessesByEnv, startGrugan } from './support/processes.js';

let nats: E2eNats;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'grugan-sweep-run-'));
  nats = await startNats();
});
afterAll(async () => {
  await nats?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('grugan sweep run', () => {
  it('runs a sweep end to end with nothing started by hand and leaves nothing running', async () => {
    const spec = join(dir, 'sweep.yaml');
    await writeFile(
      spec,
      stringify({
        name: 'readme-main-job',
        base: {
          data: { dataset: 'sines', numSequences: 200, features: 2, seqLen: 8 },
          model: { hiddenSize: 4, layers: 1 },
          training: { batchSize: 16, steps: 20, logEvery: 5, evalEvery: 10, checkpointEvery: 10 },
          seed: 3,
        },
        space: { 'optimizer.lrG': { type: 'loguniform', min: 1e-4, max: 1e-2 } },
        searcher: { type: 'random' },
        scheduler: { type: 'fifo' },
        objective: { metric: 'moment_distance', mode: 'min' },
        maxTrials: 3,
        maxConcurrentTrials: 2,
        workersPerTrial: 2,
      }),
    );
    const out = join(dir, 'out');
    const env = { ...process.env, NATS_URL: nats.url, GRUGAN_BACKEND: 'cpu', GRUGAN_LOG_LEVEL: 'warn', GRUGAN_API: '' };
    const run = startGrugan(['sweep', 'run', spec, '--out', out, '-n', '4', '--interval', '500'], env);
    const code = await new Promise<number | null>((r) => run.child.once('exit', (c) => r(c)));
    const output = run.output();
    expect(code, output.slice(-4000)).toBe(0);

    // The leaderboard is printed and saved: 3 trials, ranked 1..3 by the objective (min).
    expect(output).toMatch(/sweep readme-main-job-\S+ \(readme-main-job\): succeeded in \d+ s/);
    const board = JSON.parse(await readFile(join(out, 'leaderboard.json'), 'utf8')) as {
      sweep: { bestTrialId: string };
      trials: Array<{ rank: number | null; objective: number | null; trial: { id: string; state: string } }>;
    };
    expect(board.trials).toHaveLength(3);
    for (const e of board.trials) expect(e.trial.state).toBe('succeeded');
    const objectives = board.trials.map((e) => e.objective as number);
    expect(objectives.every(Number.isFinite)).toBe(true);
    expect(objectives).toEqual([...objectives].sort((a, b) => a - b));
    expect(board.sweep.bestTrialId).toBe(board.trials[0].trial.id);
    expect(output).toContain(board.trials[0].trial.id);

    // The best trial's samples (4 sequences x 8 steps) and a checkpoint that loads.
    const csv = (await readFile(join(out, 'best-samples.csv'), 'utf8')).trim().split('\n');
    expect(csv.length).toBe(1 + 4 * 8);
    const checkpoint = deserializeCheckpoint(new Uint8Array(await readFile(join(out, 'best-checkpoint.grugan'))), 'best');
    expect(checkpoint.trainer.step).toBe(20);
    expect(existsSync(join(out, 'coordinator.log'))).toBe(true);

    // Nothing left running: no worker processes of this NATS server remain.
    expect(await findProcessesByEnv({ NATS_URL: nats.url })).toEqual([]);
  }, 600_000);
});
