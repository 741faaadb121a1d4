import type { Command } from 'commander'
import { resolve } from 'node:path'
import { parseDefense } from '../../protocol/models'
import { printJson, progressBar, withEngine } from '../engine'
import { datasetSpec, modelSpec } from '../specs'

export function registerGallery(program: Command): void {
  program
    .command('gallery')
    .description("adversarial gallery export (the paper's Appendix C): PNG + .npy per sample and attack, contact sheets, index.html, manifest.json/.csv")
    .requiredOption('--model <path>', 'model path or default id')
    .requiredOption('--data <path>', 'data set path or default id')
    .requiredOption('--out <dir>', 'output folder')
    .option('--attacks <ids>', 'comma-separated attack ids', 'hf,single-pixel,salt-pepper')
    .option('--n <n>', 'random N samples (with --seed)', Number)
    .option('--seed <s>', 'seed of the sample draw and of randomised attacks', Number, 0)
    .option('--limit <n>', 'first N images', Number)
    .option('--indices <list>', 'images, e.g. 0-99')
    .option('--class <k>', 'only samples of this class index', Number)
    .option('--misclassified', 'only samples the model gets wrong')
    .option('--only-all-fooled', 'keep only samples that every attack fooled (Appendix C)')
    .option('--defense <spec>', 'none | d1:R | d2:R1[,R2]', 'none')
    .option('--force', 'overwrite an earlier export in --out')
    .option('--json', 'print a JSON summary on stdout')
    .action(async (opts: { model: string; data: string; out: string; attacks: string; n?: number; seed: number; limit?: number; indices?: string; class?: number; misclassified?: boolean; onlyAllFooled?: boolean; defense: string; force?: boolean; json?: boolean }) => {
      const result = await withEngine(program.opts(), async (host) => {
        const { id: datasetId } = await host.call('data.open', datasetSpec(opts.data))
        const { id: modelId } = await host.call('model.open', modelSpec(opts.model))
        return host.call(
          'gallery.export',
          {
            modelId,
            datasetId,
            out: resolve(opts.out),
            force: !!opts.force,
            attacks: opts.attacks.split(',').map((id) => ({ id: id.trim(), params: {} })),
            n: opts.n,
            seed: opts.seed,
            limit: opts.limit,
            indices: opts.indices,
            classIndex: opts.class,
            misclassifiedOnly: !!opts.misclassified,
            onlyAllFooled: !!opts.onlyAllFooled,
            defense: parseDefense(opts.defense),
          },
          { onProgress: progressBar('gallery') },
        )
      })
      if (opts.json) return printJson({ ...result, rows: undefined })
      console.log(`${result.n} samples, ${result.written} written to ${result.out} (${result.allFooledCount} fooled by every attack)`)
      for (const [key, a] of Object.entries(result.perAttack)) {
        console.log(`  ${key.padEnd(12)} success ${(a.successRate * 100).toFixed(1)}%  median L2 ${a.medianL2?.toFixed(4) ?? '-'}  lost after PNG: ${result.lostAfterPng[key] ?? 0}`)
      }
    })
}
