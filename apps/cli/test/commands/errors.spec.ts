import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'grugan-cli-err-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Asserts one line on stderr matching `pattern`, and a non-zero exit. */
async function expectOneLineError(args: string[], pattern: RegExp): Promise<void> {
  const r = await runCli(args);
  expect(r.code, r.stderr).not.toBe(0);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe('bad input: one line, non-zero exit', () => {
  it('unknown flag', () => expectOneLineError(['train', '--bogus'], /^grugan: unknown option '--bogus'/));

  it('bad flag value', () => expectOneLineError(['train', '--steps', 'ten'], /--steps.*'ten' is invalid/));

  it('missing data file', () =>
    expectOneLineError(['train', '--data', join(dir, 'none.csv')], /^grugan train: .*none\.csv: cannot read data file \(no such file\)$/));

  it('CSV with a non-numeric cell names row and column', async () => {
    const csv = join(dir, 'bad.csv');
    await writeFile(csv, 'a,b\n1,2\n3,x\n');
    await expectOneLineError(['train', '--data', csv], /row 3, column "b": "x" is not a finite number/);
  });

  it('invalid config names the field path', async () => {
    const cfg = join(dir, 'bad.yaml');
    await writeFile(cfg, 'model:\n  hiddenSize: 0\nloss:\n  kind: wasserstein\n');
    await expectOneLineError(['train', '--config', cfg], /^grugan train: invalid config: model\.hiddenSize: .*; loss\.kind: /);
  });

  it('missing and corrupt checkpoints', async () => {
    await expectOneLineError(['sample', '--checkpoint', join(dir, 'no.grugan'), '-n', '1', '--out', join(dir, 'o.csv')], /no\.grugan: cannot read checkpoint \(no such file\)/);
    const junk = join(dir, 'junk.grugan');
    await writeFile(junk, 'not a checkpoint');
    await expectOneLineError(['checkpoint', 'diff', junk, junk], /junk\.grugan: not a grugan checkpoint/);
  });

  it('--verbose adds the stack trace', async () => {
    const r = await runCli(['train', '--data', join(dir, 'none.csv'), '--verbose']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.split('\n').length).toBeGreaterThan(2);
    expect(r.stderr).toMatch(/DataError/);
  });
});
