import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrialConfig, type TrialList } from '@grugan/protocol';
import { SweepFileError, formatLeaderboard, formatTable, readSweepFile } from '../../src/commands/sweep.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'grugan-cli-sweep-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readSweepFile', () => {
  it('reads the example sweep in the repository', async () => {
    const example = new URL('../../../../examples/sweep-sines.yaml', import.meta.url);
    const spec = (await readSweepFile(example.pathname)) as { name: string; workersPerTrial: number };
    expect(spec.name).toBe('sines-small');
    expect(spec.workersPerTrial).toBe(2);
  });

  it('names the field of an invalid spec', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(path, 'name: x\nbase:\n  model:\n    hiddenSize: -3\nspace:\n  optimizer.lrQ: {type: uniform, min: 0, max: 1}\n');
    const p = readSweepFile(path);
    await expect(p).rejects.toThrow(SweepFileError);
    await expect(readSweepFile(path)).rejects.toThrow(/base\.model\.hiddenSize/);
    await expect(readSweepFile(path)).rejects.toThrow(/optimizer\.lrQ/);
  });

  it('reports YAML syntax errors with the file name', async () => {
    const path = join(dir, 'broken.yaml');
    await writeFile(path, 'name: [unclosed\n');
    await expect(readSweepFile(path)).rejects.toThrow(path);
  });
});

describe('leaderboard table', () => {
  it('aligns columns and shows unranked trials as "-"', () => {
    const trial = (id: string, state: 'succeeded' | 'diverged', step: number, lr: number) => ({
      id, sweepId: 's', config: TrialConfig.parse({ training: { steps: 100 } }), params: { 'optimizer.lrG': lr },
      state, worldSize: 2, attempt: 0, step, metrics: { steps_per_second: 12.345 }, createdAt: '', updatedAt: '',
    });
    const list: TrialList = {
      objective: { metric: 'loss_g', mode: 'min' },
      trials: [
        { rank: 1, objective: 0.25, trial: trial('s-t1', 'succeeded', 100, 0.001) },
        { rank: null, objective: null, trial: trial('s-t0', 'diverged', 40, 0.01) },
      ],
    };
    const lines = formatLeaderboard(list).split('\n');
    expect(lines[0]).toMatch(/^#\s+trial\s+state\s+step\s+loss_g\s+steps\/s\s+params$/);
    expect(lines[2]).toMatch(/^1\s+s-t1\s+succeeded\s+100\/100\s+0\.2500\s+12\.3\s+optimizer\.lrG=0\.0010$/);
    expect(lines[3]).toMatch(/^-\s+s-t0\s+diverged\s+40\/100\s+-\s+12\.3/);
    // Columns line up: "state" starts at the same offset on every row.
    const at = lines[0].indexOf('state');
    expect(lines[2].slice(at, at + 9)).toBe('succeeded');
  });

  it('formatTable pads to the widest cell', () => {
    expect(formatTable(['a', 'bb'], [['xxx', 'y']])).toBe('a    bb\n---  --\nxxx  y');
  });
});
