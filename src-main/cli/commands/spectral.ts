import type { Command } from 'commander'
import { resolve } from 'node:path'
import type { MaskChoice } from '../../protocol/spectral'
import { printJson, progressBar, withEngine } from '../engine'
import { datasetSpec, modelSpec } from '../specs'

function maskFrom(opts: { mask?: string; rule?: string }): MaskChoice {
  return { kind: (opts.mask ?? 'circle') as MaskChoice['kind'], rule: (opts.rule ?? 'strict') as MaskChoice['rule'] }
}

export function registerSpectral(program: Command): void {
  program
    .command('decompose')
    .description('split images into low- and high-frequency parts at radius R (PNG triplets; --npy adds float32 x/low/high .npy)')
    .requiredOption('--data <path>', 'data set path or default id')
    .requiredOption('--radius <r>', 'radius in frequency bins', Number)
    .requiredOption('--out <dir>', 'output folder')
    .option('--indices <list>', 'images, e.g. 0-99', '0-99')
    .option('--npy', 'also write x.npy, low.npy, high.npy (N x H x W x C, float32, [0, 1] scale)')
    .option('--mask <kind>', 'circle (paper) | square | gaussian', 'circle')
    .option('--rule <rule>', "strict: d < r (authors' code) | inclusive: d <= r (paper text)", 'strict')
    .option('--force', 'overwrite existing files')
    .action(async (opts: { data: string; radius: number; out: string; indices: string; npy?: boolean; mask?: string; rule?: string; force?: boolean }) => {
      const result = await withEngine(program.opts(), async (host) => {
        const { id } = await host.call('data.open', datasetSpec(opts.data))
        return host.call(
          'spectral.export',
          { datasetId: id, indices: opts.indices, radius: opts.radius, mask: maskFrom(opts), out: resolve(opts.out), npy: !!opts.npy, force: !!opts.force },
          { onProgress: progressBar('decompose') },
        )
      })
      console.log(`wrote ${result.written} files to ${result.out}`)
    })

  program
    .command('figure1')
    .description("the paper's Figure 1 search: samples predicted right on x and x_h but wrong on x_l (and the converse)")
    .requiredOption('--model <path>', 'model path or default id')
    .requiredOption('--data <path>', 'data set path or default id')
    .requiredOption('--radius <r>', 'radius in frequency bins', Number)
    .option('--limit <n>', 'first N images', Number)
    .option('--indices <list>', 'images, e.g. 0-999')
    .option('--mask <kind>', 'circle | square | gaussian', 'circle')
    .option('--rule <rule>', 'strict | inclusive', 'strict')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { model: string; data: string; radius: number; limit?: number; indices?: string; mask?: string; rule?: string; json?: boolean }) => {
      const result = await withEngine(program.opts(), async (host) => {
        const [{ id: datasetId }, { id: modelId }] = [await host.call('data.open', datasetSpec(opts.data)), await host.call('model.open', modelSpec(opts.model))]
        return host.call(
          'spectral.figure1',
          { datasetId, modelId, radius: opts.radius, mask: maskFrom(opts), limit: opts.limit, indices: opts.indices },
          { onProgress: progressBar('figure 1') },
        )
      })
      if (opts.json) return printJson(result)
      const c = result.counts
      console.log(`r = ${result.radius}, ${result.total} images: clean ${c.clean}, on x_l ${c.low}, on x_h ${c.high}`)
      console.log(`right on x and x_h, wrong on x_l: ${c.highOnly} (${result.highOnly.slice(0, 20).map((s) => s.index).join(', ')}${c.highOnly > 20 ? ', ...' : ''})`)
      console.log(`right on x and x_l, wrong on x_h: ${c.lowOnly}`)
    })
}
