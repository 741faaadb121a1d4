import * as tf from '@tensorflow/tfjs-core'
import { describeDefense } from '../../protocol/models'
import { LabError } from '../base/errors'
import { fourierBasisImage, fourierHeatmap, perturbationSigns, perturbInto } from '../heatmap'
import { selectIndices } from '../jobs/batches'
import { predictBatch } from '../jobs/predict'
import { checkCompatible, getDataset } from '../session/lookup'
import { defended } from '../session/defended'
import type { HandlerTable } from './types'

export const heatmapHandlers: HandlerTable = {
  async 'spectral.heatmap'({ datasetId, modelId, defense, eps, stride, ...selection }, ctx, state) {
    const dataset = getDataset(state, datasetId)
    const { model } = await defended(state, modelId, defense)
    checkCompatible(model, dataset)
    const [h, w] = dataset.info.shape
    if (stride > Math.max(h, w)) throw new LabError('HEATMAP_STRIDE', `A stride of ${stride} skips every frequency but zero of ${h}x${w} images. Give a stride of at most ${Math.max(h, w)}.`)
    const indices = selectIndices(dataset, selection)
    return fourierHeatmap(model, dataset, indices, { eps, stride, seed: selection.seed ?? 0, defense: describeDefense(defense) }, ctx)
  },

  async 'spectral.heatmapExample'({ datasetId, modelId, defense, eps, seed, index, u, v }, _ctx, state) {
    const dataset = getDataset(state, datasetId)
    const { model } = await defended(state, modelId, defense)
    checkCompatible(model, dataset)
    if (index >= dataset.info.count) throw new LabError('DATA_SELECTION', `Image ${index} does not exist: the data set has ${dataset.info.count} images.`)
    const shape = dataset.info.shape
    const [h, w, c] = shape
    const cy = Math.floor(h / 2)
    const cx = Math.floor(w / 2)
    if (u < -cy || u >= h - cy || v < -cx || v >= w - cx) {
      throw new LabError('HEATMAP_FREQUENCY', `(${u}, ${v}) is not a frequency of ${h}x${w} images: u runs from ${-cy} to ${h - 1 - cy}, v from ${-cx} to ${w - 1 - cx}.`)
    }
    const original = await dataset.read([index])
    const basis = Float32Array.from(fourierBasisImage(u, v, h, w))
    const signs = perturbationSigns(seed, index, u, v, h, w, c)
    const perturbed = new Float32Array(original.length)
    perturbInto(perturbed, 0, original, basis, signs, eps, c)
    const pair = new Float32Array(2 * original.length)
    pair.set(original)
    pair.set(perturbed, original.length)
    const both = tf.tensor4d(pair, [2, h, w, c])
    const p = await predictBatch(model, both)
    both.dispose()
    return {
      index,
      label: dataset.labels()[index],
      u,
      v,
      shape,
      original,
      perturbed,
      basis,
      signs: Array.from(signs),
      clean: { label: p.labels[0], confidence: p.confidences[0] },
      prediction: { label: p.labels[1], confidence: p.confidences[1] },
    }
  },
}
