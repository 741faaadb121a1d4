import type { Command } from 'commander'
import { resolve } from 'node:path'
import type { MaskChoice } from '../../protocol/spectral'
import type { EngineHost } from '../../engine/runtime/host'
import { progressBar, withEngine } from '../engine'
import { addShardOptions, printFigure1, runShardCommand, saveResults, type ShardFlags } from '../shard'
import { datasetSpec, modelSpec, selectionOf, type SpecFlags } from '../specs'

function maskFrom(opts: { mask?: string; rule?: string }): MaskChoice {
  return { kind: (opts.mask ?? 'circle') as MaskChoice['kind'], rule: (opts.rule ?? 'strict') as MaskChoice['rule'] }
}

export function registerSpectral(program: Command): void {
  program
    .command('decompose')
    .description(
      'split images into low- and high-frequency parts at radius R (PNG triplets; --npy adds float32 x/low/high .npy; --format npy writes only the arrays)',
    )
    .requiredOption('--data <path>', 'data set path or default id')
    .requiredOption('--radius <r>', 'radius in frequency bins', Number)
    .requiredOption('--out <dir>', 'output folder')
    .option('--indices <list>', 'images, e.g. 0-99', '0-99')
    .option('--npy', 'also write x.npy, low.npy, high.npy (N x H x W x C, float32, [0, 1] scale)')
    .option('--format <format>', 'png (triplets) | npy (the three arrays only, fast) | both (same as --npy)')
    .option('--mask <kind>', 'circle (paper) | square | gaussian', 'circle')
    .option('--rule <rule>', "strict: d < r (authors' code) | inclusive: d <= r (paper text)", 'strict')
    .option('--force', 'overwrite existing files')
    .action(
      async (
        opts: {
          data: string
          radius: number
          out: string
          indices: string
          npy?: boolean
          format?: string
          mask?: string
          rule?: string
          force?: boolean
        } & SpecFlags,
      ) => {
        const format = opts.format ?? (opts.npy ? 'both' : 'png')
        if (!['png', 'npy', 'both'].includes(format)) throw new Error(`--format must be png, npy or both, got "${opts.format}"`)
        if (opts.npy && format === 'png') throw new Error('--npy asks for arrays but --format png for pictures only: use --format both')
        const result = await withEngine(program.opts(), async (host) => {
          const { id } = await host.call('data.open', datasetSpec(opts.data, opts))
          return host.call(
            'spectral.export',
            {
              datasetId: id,
              indices: opts.indices,
              radius: opts.radius,
              mask: maskFrom(opts),
              out: resolve(opts.out),
              npy: format !== 'png',
              png: format !== 'npy',
              force: !!opts.force,
            },
            { onProgress: progressBar('decompose') },
          )
        })
        console.log(`wrote ${result.written} files to ${result.out}`)
      },
    )

  const figure1 = program
    .command('figure1')
    .description("the paper's Figure 1 search: samples predicted right on x and x_h but wrong on x_l (and the converse)")
    .requiredOption('--model <path>', 'model path or default id')
    .requiredOption('--data <path>', 'data set path or default id')
    .requiredOption('--radius <r>', 'radius in frequency bins', Number)
    .option('--limit <n>', 'first N images', Number)
    .option('--indices <list>', 'images, e.g. 0-999')
    .option('--n <n>', 'random N samples (with --seed)', Number)
    .option('--seed <s>', 'seed of the sample draw', Number, 0)
    .option('--mask <kind>', 'circle | square | gaussian', 'circle')
    .option('--rule <rule>', 'strict | inclusive', 'strict')
    .option('--out <dir>', "write figure1.json here (with --shard: this shard's folder)")
    .option('--force', 'overwrite existing files')
    .option('--json', 'print the result as JSON')
  addShardOptions(figure1, 500).action(
    async (
      opts: {
        model: string
        data: string
        radius: number
        limit?: number
        indices?: string
        n?: number
        seed: number
        mask?: string
        rule?: string
      } & SpecFlags &
        ShardFlags,
    ) => {
      const selection = selectionOf(opts)
      const mask = maskFrom(opts)
      const open = async (host: EngineHost) => {
        const { id: datasetId } = await host.call('data.open', datasetSpec(opts.data, opts))
        const { id: modelId, info } = await host.call('model.open', modelSpec(opts.model, opts))
        return { datasetId, modelId, info }
      }
      if (opts.shard) {
        return runShardCommand(program.opts(), 'figure1', opts, selection, 500, async (host) => {
          const { datasetId, modelId, info } = await open(host)
          return {
            run: { radius: opts.radius, mask },
            model: { spec: opts.model, info },
            datasetId,
            job: { method: 'spectral.figure1', params: { datasetId, modelId, radius: opts.radius, mask } },
          }
        })
      }
      const out = opts.out ? resolve(opts.out) : undefined
      const result = await withEngine(program.opts(), async (host) => {
        const { datasetId, modelId } = await open(host)
        const job = { method: 'spectral.figure1', params: { datasetId, modelId, radius: opts.radius, mask, ...selection } } as const
        return saveResults(host, job, out ? { out, force: !!opts.force } : undefined, { onProgress: progressBar('figure 1') })
      })
      printFigure1(result, !!opts.json, out)
    },
  )
}
