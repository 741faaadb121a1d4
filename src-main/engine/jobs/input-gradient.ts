import * as tf from '@tensorflow/tfjs-core'
import type { Dataset } from '../data/dataset'
import { gradientsOf } from '../attacks/model-gradients'
import { LabError } from '../base/errors'
import { prepareGradients } from '../compute/forward'
import type { JobContext } from '../base/job-context'
import type { Classifier } from '../models/classifier'
import type { GradientMaps } from '../../protocol/models'
import { radialEnergyProfile } from '../spectral'
import { forEachBatch } from './batches'

/**
 * Input gradients of the summed cross-entropy, per image, on onnxruntime's gradient graph when
 * that engine was chosen, else TF.js autodiff; with both radial energy profiles, which show whether
 * the model is most sensitive at high frequencies.
 */
export async function inputGradients(model: Classifier, dataset: Dataset, indices: Int32Array, ctx: JobContext): Promise<GradientMaps> {
  const shape = dataset.info.shape
  const size = shape[0] * shape[1] * shape[2]
  const gradient = new Float32Array(indices.length * size)
  const labels = new Int32Array(indices.length)
  await prepareGradients(model)
  if (!model.info.gradients)
    throw new LabError(
      'MODEL_NO_GRADIENTS',
      `Neither TF.js nor onnxruntime can take input gradients of ${model.info.name}. Open it as ONNX (onnxruntime differentiates more operators) or choose another model.`,
    )
  const gradients = gradientsOf(model)
  let gradSum: Float64Array | null = null
  let imageSum: Float64Array | null = null
  const accumulate = (sum: Float64Array | null, profile: Float64Array, weight: number) => {
    const out = sum ?? new Float64Array(profile.length)
    profile.forEach((v, i) => (out[i] += v * weight))
    return out
  }
  await forEachBatch(dataset, indices, 64, ctx, 'input gradients', async ({ offset, labels: y, images }) => {
    const yt = tf.tensor1d(y, 'int32')
    const g = await gradients.crossEntropy(images, yt)
    const grads = (await g.data()) as Float32Array
    tf.dispose([g, yt])
    gradient.set(grads, offset * size)
    labels.set(y, offset)
    const gt = tf.tensor4d(grads, images.shape)
    gradSum = accumulate(gradSum, radialEnergyProfile(gt), y.length)
    imageSum = accumulate(imageSum, radialEnergyProfile(images), y.length)
    gt.dispose()
  })
  const normalise = (sum: Float64Array | null) => {
    const total = sum ? sum.reduce((a, b) => a + b, 0) : 0
    return sum ? Array.from(sum, (v) => (total > 0 ? v / total : 0)) : []
  }
  return {
    indices,
    labels,
    shape,
    gradient,
    gradientProfile: normalise(gradSum),
    imageProfile: normalise(imageSum),
    engine: gradients.engine,
  }
}
