import type { Command } from 'commander'
import { resolve } from 'node:path'
import type { EngineHost } from '../../engine/runtime/host'
import { parseDefense } from '../../protocol/models'
import { progressBar, withEngine } from '../engine'
import { addShardOptions, printHeatmap, runShardCommand, saveResults } from '../shard'
import { datasetSpec, modelSpec, selectionOf, type SpecFlags } from '../specs'

interface HeatmapFlags extends SpecFlags {
  model: string
  data: string
  eps: number
  out: string
  limit?: number
  indices?: string
  n?: number
  seed: number
  stride: number
  defense: string
  force?: boolean
  json?: boolean
  shard?: string
  batchSize?: number
}

export function registerHeatmap(program: Command): void {
  const heatmap = program
    .command('heatmap')
    .description(
      'Fourier heat map (Yin et al. 2019): error rate under a unit Fourier basis perturbation of L2 norm eps per channel, ' +
        'random sign per image and channel, for every frequency; writes heatmap.npy (H x W, centred), heatmap.csv, heatmap.png, heatmap.json',
    )
    .requiredOption('--model <path>', 'model path or default id')
    .requiredOption('--data <path>', 'data set path or default id')
    .requiredOption('--eps <e>', 'L2 norm of the perturbation of each channel, on the [0, 1] pixel scale', Number)
    .requiredOption('--out <dir>', "output folder (with --shard: this shard's folder)")
    .option('--limit <n>', 'first N images', Number)
    .option('--indices <list>', 'images, e.g. 0-999')
    .option('--n <n>', 'random N images (with --seed)', Number)
    .option('--seed <s>', 'seed of the sample draw and of the perturbation signs', Number, 0)
    .option('--stride <k>', 'every k-th frequency along each axis (for large images; stated on the map)', Number, 1)
    .option('--defense <d>', 'none | d1:R | d2:R1[,R2,...]', 'none')
    .option('--force', 'overwrite existing files')
    .option('--json', 'print the summary as JSON')
  addShardOptions(heatmap, 100).action(async (opts: HeatmapFlags) => {
    if (!Number.isFinite(opts.eps) || opts.eps <= 0) throw new Error(`--eps must be a positive number, got ${opts.eps}`)
    if (!Number.isInteger(opts.stride) || opts.stride < 1)
      throw new Error(`--stride must be a whole number of at least 1, got ${opts.stride}`)
    const defense = parseDefense(opts.defense)
    const selection = selectionOf(opts)
    const params = { eps: opts.eps, stride: opts.stride, defense }
    const open = async (host: EngineHost) => {
      const { id: datasetId } = await host.call('data.open', datasetSpec(opts.data, opts))
      const { id: modelId, info } = await host.call('model.open', modelSpec(opts.model, opts))
      return { datasetId, modelId, info }
    }
    if (opts.shard) {
      return runShardCommand(program.opts(), 'heatmap', opts, selection, 100, async (host) => {
        const { datasetId, modelId, info } = await open(host)
        return {
          run: { ...params, seed: opts.seed },
          model: { spec: opts.model, info },
          datasetId,
          job: { method: 'spectral.heatmap', params: { datasetId, modelId, ...params, seed: opts.seed } },
        }
      })
    }
    const out = resolve(opts.out)
    const map = await withEngine(program.opts(), async (host) => {
      const { datasetId, modelId } = await open(host)
      const job = { method: 'spectral.heatmap', params: { datasetId, modelId, ...params, ...selection } } as const
      return saveResults(host, job, { out, force: !!opts.force }, { onProgress: progressBar('heatmap') })
    })
    printHeatmap(map, !!opts.json, out)
  })
}
