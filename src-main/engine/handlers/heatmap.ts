import { describeDefense } from '../../protocol/models'
import { LabError } from '../base/errors'
import { fourierHeatmap, heatmapExample } from '../heatmap'
import { selectIndices } from '../jobs/batches'
import { checkCompatible, getDataset } from '../session/lookup'
import { defended } from '../session/defended'
import type { HandlerTable } from './types'

export const heatmapHandlers = {
  async 'spectral.heatmap'({ datasetId, modelId, defense, eps, stride, ...selection }, ctx, state) {
    const dataset = getDataset(state, datasetId)
    const { model } = await defended(state, modelId, defense)
    checkCompatible(model, dataset)
    const [h, w] = dataset.info.shape
    if (stride > Math.max(h, w))
      throw new LabError(
        'HEATMAP_STRIDE',
        `A stride of ${stride} skips every frequency but zero of ${h}x${w} images. Give a stride of at most ${Math.max(h, w)}.`,
      )
    const indices = selectIndices(dataset, selection)
    return fourierHeatmap(model, dataset, indices, { eps, stride, seed: selection.seed ?? 0, defense: describeDefense(defense) }, ctx)
  },

  async 'spectral.heatmapExample'({ datasetId, modelId, defense, eps, seed, index, u, v }, _ctx, state) {
    const dataset = getDataset(state, datasetId)
    const { model } = await defended(state, modelId, defense)
    checkCompatible(model, dataset)
    return heatmapExample(model, dataset, { index, u, v, eps, seed })
  },
} satisfies HandlerTable
