import * as tf from '@tensorflow/tfjs-core'
import type { Decomposition } from '../../protocol/spectral'
import { LabError } from '../base/errors'
import type { Dataset } from '../data/dataset'
import type { Classifier } from '../models/classifier'
import { decompose, halfDiagonal, logMagnitudeSpectrum, type MaskOptions } from '../spectral'
import { predictBatch } from './predict'

/**
 * x, x_l and x_h of one image at radius r with its channel-mean log spectrum (docs/algorithms.md
 * §Frequency split), and, given a model, its prediction on each of the three.
 */
export async function decomposeImage(
  dataset: Dataset,
  index: number,
  radius: number,
  mask: MaskOptions,
  model?: Classifier,
): Promise<Decomposition> {
  if (index >= dataset.info.count)
    throw new LabError('DATA_SELECTION', `Image ${index} does not exist: the data set has ${dataset.info.count} images.`)
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
    if (!model) return result
    const all = tf.concat([x, low, high])
    const p = await predictBatch(model, all)
    all.dispose()
    const at = (k: number) => ({ label: p.labels[k], confidence: p.confidences[k] })
    return { ...result, predictions: { original: at(0), low: at(1), high: at(2) } }
  } finally {
    tf.dispose([x, low, high, spectrum])
  }
}
