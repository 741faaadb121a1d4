import * as tf from '@tensorflow/tfjs-core'
import type { HeatmapExample } from '../../protocol/heatmap'
import { LabError } from '../base/errors'
import type { Dataset } from '../data/dataset'
import { predictBatch } from '../jobs/predict'
import type { Classifier } from '../models/classifier'
import { fourierBasisImage, perturbationSigns, perturbInto } from './fourier-basis'

export interface HeatmapCell {
  index: number
  /** Signed offsets of the frequency from the zero frequency of the centred spectrum. */
  u: number
  v: number
  eps: number
  /** The heat map run's seed: the perturbation takes the same signs as there. */
  seed: number
}

/** One image of a heat map cell: the image perturbed by the basis of (u, v), with both predictions. */
export async function heatmapExample(
  model: Classifier,
  dataset: Dataset,
  { index, u, v, eps, seed }: HeatmapCell,
): Promise<HeatmapExample> {
  if (index >= dataset.info.count)
    throw new LabError('DATA_SELECTION', `Image ${index} does not exist: the data set has ${dataset.info.count} images.`)
  const shape = dataset.info.shape
  const [h, w, c] = shape
  const cy = Math.floor(h / 2)
  const cx = Math.floor(w / 2)
  if (u < -cy || u >= h - cy || v < -cx || v >= w - cx) {
    throw new LabError(
      'HEATMAP_FREQUENCY',
      `(${u}, ${v}) is not a frequency of ${h}x${w} images: u runs from ${-cy} to ${h - 1 - cy}, v from ${-cx} to ${w - 1 - cx}.`,
    )
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
}
