import type { Command } from 'commander'
import { resolve } from 'node:path'
import { writeFileAtomic } from '../../engine/export/atomic-write'
import { encodeNpy } from '../../protocol/npy'
import { printJson, progressBar, withEngine } from '../engine'
import { datasetSpec, modelSpec } from '../specs'

export function registerGrad(program: Command): void {
  program
    .command('grad')
    .description('input gradients of the summed cross-entropy of the true labels, wrt pixels on [0, 1]: float32 N x H x W x C .npy')
    .requiredOption('--model <path>', 'model path or default id')
    .requiredOption('--data <path>', 'data set path or default id')
    .requiredOption('--out <file>', 'output .npy file')
    .option('--indices <list>', 'images, e.g. 0-15', '0-15')
    .option('--force', 'overwrite the output file')
    .option('--json', 'print the radial energy profiles as JSON')
    .action(async (opts: { model: string; data: string; out: string; indices: string; force?: boolean; json?: boolean }) => {
      const maps = await withEngine(program.opts(), async (host) => {
        const { id: datasetId } = await host.call('data.open', datasetSpec(opts.data))
        const { id: modelId } = await host.call('model.open', modelSpec(opts.model))
        return host.call('model.gradient', { modelId, datasetId, indices: opts.indices }, { onProgress: progressBar('grad') })
      })
      const [h, w, c] = maps.shape
      await writeFileAtomic(resolve(opts.out), encodeNpy(maps.gradient, [maps.indices.length, h, w, c]), { force: !!opts.force })
      if (opts.json) return printJson({ n: maps.indices.length, engine: maps.engine, gradientProfile: maps.gradientProfile, imageProfile: maps.imageProfile })
      const centre = (p: number[]) => p.reduce((s, v, r) => s + v * r, 0)
      console.log(`wrote ${maps.indices.length} gradients (${maps.engine}) to ${resolve(opts.out)}`)
      console.log(`mean radius of the energy: gradients ${centre(maps.gradientProfile).toFixed(2)}, images ${centre(maps.imageProfile).toFixed(2)} (frequency bins)`)
    })
}
