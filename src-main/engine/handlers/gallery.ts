import { exportGallery, misclassifiedIndices, runGallery, type GalleryRequest } from '../gallery'
import { selectIndices } from '../jobs/batches'
import type { JobContext } from '../base/job-context'
import { checkCompatible, getDataset } from '../session/lookup'
import type { EngineState } from '../session/state'
import type { ParsedParams } from '../../protocol/methods'
import { defended } from '../session/defended'
import type { HandlerTable } from './types'

async function galleryRequest(params: ParsedParams<'gallery.run'>, ctx: JobContext, state: EngineState): Promise<GalleryRequest> {
  const { modelId, datasetId, defense, attacks, misclassifiedOnly, onlyAllFooled, onlyFooledBy, batchSize, ...selection } = params
  const dataset = getDataset(state, datasetId)
  const { model } = await defended(state, modelId, defense)
  checkCompatible(model, dataset)
  let indices = selectIndices(dataset, selection)
  if (misclassifiedOnly) indices = await misclassifiedIndices(model, dataset, indices, ctx)
  return { model, dataset, indices, attacks, seed: selection.seed ?? 0, batchSize, onlyAllFooled, onlyFooledBy }
}

export const galleryHandlers = {
  async 'gallery.run'(params, ctx, state) {
    return runGallery(await galleryRequest(params, ctx, state), ctx)
  },

  async 'gallery.export'({ out, force, sheetRows, ...params }, ctx, state) {
    const request = await galleryRequest(params, ctx, state)
    const { limit, indices, n, seed, classIndex, shard, misclassifiedOnly, defense } = params
    const selection = { limit, indices, n, seed, classIndex, shard, misclassifiedOnly, defense }
    return exportGallery({ ...request, out, force, sheetRows, backend: state.backend.backend, selection }, ctx)
  },
} satisfies HandlerTable
