/**
 * `grugan report --run DIR [--out FILE] [--samples N]`: writes a self-contained HTML report of a
 * `grugan train` run — metrics table, loss curves, real vs synthetic sequences and marginals,
 * TimeGAN's PCA and t-SNE pictures (see `report/build-report.ts`). `grugan train` writes the
 * same report at the end of a run unless `--no-report`.
 */
import { Command } from 'commander';
import { action, positiveInt } from '../cli-error.js';
import { DEFAULT_REPORT_SAMPLES, writeRunReport } from '../report/build-report.js';

interface ReportFlags {
  run: string;
  out?: string;
  samples: number;
}

async function report(flags: ReportFlags): Promise<number> {
  const r = await writeRunReport({ dir: flags.run, out: flags.out, samples: flags.samples });
  for (const w of r.warnings) process.stderr.write(`grugan report: warning: ${w}\n`);
  process.stdout.write(`report     ${r.path} (${r.figures.length} figures, ${r.seconds.toFixed(1)} s)\n`);
  return 0;
}

export function reportCommand(): Command {
  return new Command('report')
    .description('write an HTML report of a run directory: metrics, loss curves, real vs synthetic pictures, PCA and t-SNE')
    .requiredOption('--run <dir>', 'a grugan train run directory')
    .option('--out <file.html>', 'where to write the report (default DIR/report.html)')
    .option('--samples <n>', 'windows per side for PCA and t-SNE (t-SNE time grows with the square)', positiveInt('--samples'), DEFAULT_REPORT_SAMPLES)
    .action(action('report', report));
}
