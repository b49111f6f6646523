/**
 * `grugan checkpoint diff A B [--tolerance T]`: the largest absolute and relative parameter
 * differences between two checkpoints, per network and overall. Exits 1 when the largest
 * absolute difference exceeds T (default 0: any difference fails), so scripts can assert that
 * two runs (e.g. `--workers 2` vs `--workers 1`) trained the same model.
 */
import { Command, InvalidArgumentError } from 'commander';
import { diffWeights, loadCheckpoint, type ParameterDiff } from '@grugan/model';
import { action } from '../cli-error.js';

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('--tolerance must be a non-negative number.');
  return n;
}

function row(name: string, d: ParameterDiff): string {
  return `${name.padEnd(8)} ${d.maxAbs.toExponential(3).padStart(11)} ${d.maxRel.toExponential(3).padStart(11)}  ${d.count} values${d.worst ? `, worst ${d.worst}` : ''}`;
}

async function diff(a: string, b: string, flags: { tolerance: number; relative?: boolean }): Promise<number> {
  const [ca, cb] = await Promise.all([loadCheckpoint(a), loadCheckpoint(b)]);
  const d = diffWeights(ca.trainer.weights, cb.trainer.weights);
  const lines = [`A: ${a} (step ${ca.trainer.step})`, `B: ${b} (step ${cb.trainer.step})`, `network  ${'max abs'.padStart(11)} ${'max rel'.padStart(11)}`];
  for (const [net, nd] of Object.entries(d.networks)) lines.push(row(net, nd));
  lines.push(row('overall', d.overall));
  const measure = flags.relative ? d.overall.maxRel : d.overall.maxAbs;
  const ok = measure <= flags.tolerance;
  lines.push(`${ok ? 'within' : 'EXCEEDS'} tolerance ${flags.tolerance} (${flags.relative ? 'relative' : 'absolute'})`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return ok ? 0 : 1;
}

export function checkpointCommand(): Command {
  const cmd = new Command('checkpoint').description('inspect checkpoints');
  cmd
    .command('diff')
    .description('largest parameter differences between two checkpoints; non-zero exit past --tolerance')
    .argument('<a>', 'first checkpoint')
    .argument('<b>', 'second checkpoint')
    .option('--tolerance <t>', 'largest allowed difference', nonNegativeNumber, 0)
    .option('--relative', 'apply the tolerance to the relative difference instead of the absolute one')
    .action(action('checkpoint diff', diff));
  return cmd;
}
