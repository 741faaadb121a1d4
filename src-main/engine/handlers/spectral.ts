import * as tf from '@tensorflow/tfjs-core'
import { LabError } from '../base/errors'
import { exportDecomposition } from '../jobs/decompose-export'
import { figure1Search } from '../jobs/figure1'
import { predictBatch } from '../jobs/predict'
import { defaultRadii, radiusCurve } from '../jobs/radius-curve'
import { selectIndices } from '../jobs/batches'
import { svdControl } from '../jobs/svd-control'
import { checkCompatible, getDataset, getModel } from '../session/lookup'
import { decompose, halfDiagonal, logMagnitudeSpectrum } from '../spectral'
import type { HandlerTable } from './types'

export const spectralHandlers = {
  async 'spectral.decompose'({ datasetId, index, radius, mask, modelId }, _ctx, state) {
    const dataset = getDataset(state, datasetId)
    if (index >= dataset.info.count) throw new LabError('DATA_SELECTION', `Image ${index} does not exist: the data set has ${dataset.info.count} images.`)
    const [h, w, c] = dataset.info.shape
    const x = tf.tensor4d(await dataset.read([index]), [1, h, w, c])
    const { low, high } = decompose(x, radius, mask)
    const spectrum = tf.tidy(() => tf.mean(logMagnitudeSpectrum(x), 3))
    try {
      const result = {
        index,
        label: dataset.labels()[index],
        shape: dataset.info.shape,
        radius,
        halfDiagonal: halfDiagonal(h, w),
        original: (await x.data()) as Float32Array,
        low: (await low.data()) as Float32Array,
        high: (await high.data()) as Float32Array,
        spectrum: (await spectrum.data()) as Float32Array,
      }
      if (!modelId) return result
      const model = getModel(state, modelId)
      checkCompatible(model, dataset)
      const all = tf.concat([x, low, high])
      const p = await predictBatch(model, all)
      all.dispose()
      const at = (k: number) => ({ label: p.labels[k], confidence: p.confidences[k] })
      return { ...result, predictions: { original: at(0), low: at(1), high: at(2) } }
    } finally {
      tf.dispose([x, low, high, spectrum])
    }
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
