/**
 * `grugan sample --checkpoint FILE -n N [--condition COLUMN=VALUE] --out FILE.csv`: generates N sequences from a
 * checkpoint's generator, in the data's original units (the checkpoint carries the scaler).
 */
import { Command, Option } from 'commander';
import { BACKEND_NAMES, createTrainer, loadCheckpoint, selectBackend } from '@grugan/model';
import { action, nonNegativeInt, positiveInt } from '../cli-error.js';
import { generateSamples, sampleLabels, writeSamplesCsv } from '../samples.js';

interface SampleFlags {
  checkpoint: string;
  n: number;
  out: string;
  seed?: number;
  backend: string;
  condition?: string;
}

async function sample(flags: SampleFlags): Promise<number> {
  const ckpt = await loadCheckpoint(flags.checkpoint);
  await selectBackend(flags.backend);
  const trainer = createTrainer(ckpt.config, ckpt.columns.length);
  try {
    trainer.setState(ckpt.trainer);
    const seed = flags.seed ?? ckpt.config.seed;
    const samples = generateSamples(trainer, {
      n: flags.n,
      seqLen: ckpt.config.data.seqLen,
      seed,
      scaler: ckpt.scaler,
      columns: ckpt.columns,
      labels: sampleLabels(ckpt.config, flags.n, seed, { condition: flags.condition }),
    });
    await writeSamplesCsv(flags.out, samples);
    process.stdout.write(`wrote ${flags.n} sequences x ${ckpt.config.data.seqLen} steps to ${flags.out} (checkpoint step ${ckpt.trainer.step})\n`);
    return 0;
  } finally {
    trainer.dispose();
  }
}

export function sampleCommand(): Command {
  return new Command('sample')
    .description('generate sequences from a checkpoint, in the data\'s original units')
    .requiredOption('--checkpoint <file>', 'checkpoint written by grugan train')
    .requiredOption('-n, --n <count>', 'number of sequences', positiveInt('-n'))
    .requiredOption('--out <file.csv>', 'output CSV (sequence,step,<features>)')
    .option('--seed <s>', 'noise seed (default: the checkpoint config\'s seed)', nonNegativeInt('--seed'))
    .option('--condition <column=value>', 'conditional models: generate every sequence for this label (default: labels uniform over the classes)')
    .addOption(new Option('--backend <name>', 'TF.js backend').choices([...BACKEND_NAMES]).default(process.env.GRUGAN_BACKEND ?? 'auto'))
    .action(action('sample', sample));
}
