import { exportDecomposition } from '../jobs/decompose-export'
import { decomposeImage } from '../jobs/decompose-image'
import { figure1Search } from '../jobs/figure1'
import { defaultRadii, radiusCurve } from '../jobs/radius-curve'
import { selectIndices } from '../jobs/batches'
import { svdControl } from '../jobs/svd-control'
import { checkCompatible, getDataset, getModel } from '../session/lookup'
import type { HandlerTable } from './types'

export const spectralHandlers = {
  async 'spectral.decompose'({ datasetId, index, radius, mask, modelId }, _ctx, state) {
    const dataset = getDataset(state, datasetId)
    const model = modelId ? getModel(state, modelId) : undefined
    if (model) checkCompatible(model, dataset)
    return decomposeImage(dataset, index, radius, mask, model)
  },

  async 'spectral.export'({ datasetId, indices, radius, mask, out, npy, png, force }, ctx, state) {
    const dataset = getDataset(state, datasetId)
    return exportDecomposition(dataset, selectIndices(dataset, { indices }), radius, mask, out, { npy, png, force }, ctx)
  },

  async 'spectral.figure1'({ datasetId, modelId, radius, mask, ...selection }, ctx, state) {
    const dataset = getDataset(state, datasetId)
    const model = getModel(state, modelId)
    checkCompatible(model, dataset)
    return figure1Search(model, dataset, selectIndices(dataset, selection), radius, mask, ctx)
  },

  async 'spectral.radiusCurve'({ datasetId, modelId, mask, radii, ...selection }, ctx, state) {
    const dataset = getDataset(state, datasetId)
    const model = getModel(state, modelId)
    checkCompatible(model, dataset)
    const [h, w] = dataset.info.shape
    return radiusCurve(model, dataset, selectIndices(dataset, selection), radii ?? defaultRadii(h, w), mask, ctx)
  },

  async 'spectral.svdControl'({ datasetId, modelId, ks, radius, mask, ...selection }, ctx, state) {
    const dataset = getDataset(state, datasetId)
    const model = getModel(state, modelId)
    checkCompatible(model, dataset)
    return svdControl(model, dataset, selectIndices(dataset, selection), ks, radius, mask, ctx)
  },
} satisfies HandlerTable
