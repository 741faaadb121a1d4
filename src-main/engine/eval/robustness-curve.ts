import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { silentContext, throwIfCancelled, type JobContext } from '../base/job-context'
import { LabError } from '../base/errors'
import { curveFromOutcomes } from './curve-from-outcomes'
import type { CurveOptions, RobustnessCurve } from './curve-types'
import { perSampleDistance, predictLabels } from '../scoring'

export type { CurveOptions, RobustnessCurve } from './curve-types'

export interface CurveInput extends CurveOptions {
  clean: tf.Tensor4D
  /** a_i, equal to x_i where the attack failed; NHWC [0, 1], same layout as `clean`. */
  adversarial: tf.Tensor4D | Float32Array
  labels: ArrayLike<number>
  /** g: the scored model (baseline, D1∘f or f_θl). A D1 model low-passes a_i before scoring. */
  model: Classifier
  /** Precomputed d_i in `norm`; measured from the images when absent. */
  distances?: Float32Array
}

/**
 * The robustness curve of docs/algorithms.md §Curves and AUC: scores g on every x_i and a_i, measures d_i, and returns
 * acc(ε) on the grid with its AUC (closed form and trapezoid).
 */
export async function robustnessCurve(input: CurveInput, ctx: JobContext = silentContext()): Promise<RobustnessCurve> {
  const { clean, labels, model } = input
  const n = clean.shape[0]
  if (labels.length !== n) throw new LabError('CURVE_LABELS', `${n} clean images but ${labels.length} labels: pass one label per image.`)
  const norm = input.norm ?? 'linf'
  const adversarial = input.adversarial instanceof Float32Array ? tf.tensor4d(input.adversarial, clean.shape) : input.adversarial
  if (adversarial.size !== clean.size)
    throw new LabError(
      'CURVE_SHAPES',
      'The adversarial images do not match the clean ones in number or size; pass the attack’s output for these images.',
    )
  try {
    throwIfCancelled(ctx.signal)
    const batchSize = input.batchSize ?? 256
    const cleanPred = await predictLabels(model, clean, batchSize)
    ctx.progress(1, 2, 'scoring clean images')
    throwIfCancelled(ctx.signal)
    const advPred = await predictLabels(model, adversarial, batchSize)
    ctx.progress(2, 2, 'scoring adversarials')
    const distances =
      input.distances ?? perSampleDistance((await clean.data()) as Float32Array, (await adversarial.data()) as Float32Array, n, norm)
    const cleanCorrect = Uint8Array.from(cleanPred, (p, i) => (p === labels[i] ? 1 : 0))
    const adversarialCorrect = Uint8Array.from(advPred, (p, i) => (p === labels[i] ? 1 : 0))
    return { ...curveFromOutcomes(distances, cleanCorrect, adversarialCorrect, { ...input, norm }), adversarialPredicted: advPred }
  } finally {
    if (adversarial !== input.adversarial) adversarial.dispose()
  }
}
