import type { Command } from 'commander'
import { resolve } from 'node:path'
import type { EngineHost } from '../../engine/runtime/host'
import { progressBar, withEngine } from '../engine'
import { addShardOptions, printGradients, runShardCommand, saveResults, type ShardFlags } from '../shard'
import { datasetSpec, modelSpec, type SpecFlags } from '../specs'

export function registerGrad(program: Command): void {
  const grad = program
    .command('grad')
    .description('input gradients of the summed cross-entropy of the true labels, wrt pixels on [0, 1]: float32 N x H x W x C .npy')
    .requiredOption('--model <path>', 'model path or default id')
    .requiredOption('--data <path>', 'data set path or default id')
    .requiredOption('--out <path>', "output .npy file (with --shard: this shard's folder; merge writes gradients.npy)")
    .option('--indices <list>', 'images, e.g. 0-15', '0-15')
    .option('--force', 'overwrite the output')
    .option('--json', 'print the radial energy profiles as JSON')
  addShardOptions(grad, 64).action(
    async (
      opts: {
        model: string
        data: string
        out: string
        indices: string
      } & SpecFlags &
        ShardFlags,
    ) => {
      const open = async (host: EngineHost) => {
        const { id: datasetId } = await host.call('data.open', datasetSpec(opts.data, opts))
        const { id: modelId, info } = await host.call('model.open', modelSpec(opts.model, opts))
        return { datasetId, modelId, info }
      }
      if (opts.shard) {
        return runShardCommand(program.opts(), 'grad', opts, { indices: opts.indices }, 64, async (host) => {
          const { datasetId, modelId, info } = await open(host)
          return {
            run: {},
            model: { spec: opts.model, info },
            datasetId,
            job: { method: 'model.gradient', params: { modelId, datasetId } },
          }
        })
      }
      const file = resolve(opts.out)
      const maps = await withEngine(program.opts(), async (host) => {
        const { datasetId, modelId } = await open(host)
        const job = { method: 'model.gradient', params: { modelId, datasetId, indices: opts.indices } } as const
        return saveResults(host, job, { file, force: !!opts.force }, { onProgress: progressBar('grad') })
      })
      printGradients(maps, !!opts.json, file)
    },
  )
}
