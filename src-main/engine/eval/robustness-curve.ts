import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { silentContext, throwIfCancelled, type JobContext } from '../job-context'
import { LabError } from '../errors'
import { accuracyAt, closedFormAuc, epsilonGrid, trapezoid, TRAPEZOID_POINTS } from './curve-math'
import { perSampleDistance, type DistanceNorm } from './distance'
import { predictLabels } from './predict'

export interface CurveOptions {
  /** Perturbation norm of the x-axis (default L∞ on the [0, 1] scale, SPEC §10.7). */
  norm?: DistanceNorm
  /** Number of grid points (default 101). */
  points?: number
  /** Right end of the ε axis (default 1, where every L∞ perturbation ends). */
  epsMax?: number
  batchSize?: number
}

export interface RobustnessCurve {
  norm: DistanceNorm
  epsMax: number
  grid: number[]
  accuracy: number[]
  /** Exact area under acc(ε) on [0, epsMax] (the closed form of SPEC §5). */
  auc: number
  /** The same area by the trapezoid rule on 1001 points, as a cross-check. */
  aucTrapezoid: number
  /** acc at ε = 0 with no perturbation at all: the scored model's clean accuracy. */
  cleanAccuracy: number
  /** Accuracy on the adversarials at unlimited budget. */
  adversarialAccuracy: number
  count: number
  distances: Float32Array
  cleanCorrect: Uint8Array
  adversarialCorrect: Uint8Array
}

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

function mean(values: Uint8Array): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN
}

/** Builds a curve from per-sample outcomes (no model calls). */
export function curveFromOutcomes(distances: Float32Array, cleanCorrect: Uint8Array, adversarialCorrect: Uint8Array, options: CurveOptions = {}): RobustnessCurve {
  const epsMax = options.epsMax ?? 1
  const grid = epsilonGrid(options.points ?? 101, epsMax)
  const outcomes = { distances, cleanCorrect, adversarialCorrect }
  const fine = epsilonGrid(TRAPEZOID_POINTS, epsMax)
  return {
    norm: options.norm ?? 'linf',
    epsMax,
    grid,
    accuracy: accuracyAt(outcomes, grid),
    auc: closedFormAuc(outcomes, epsMax),
    aucTrapezoid: trapezoid(fine, accuracyAt(outcomes, fine)),
    cleanAccuracy: mean(cleanCorrect),
    adversarialAccuracy: mean(adversarialCorrect),
    count: distances.length,
    distances,
    cleanCorrect,
    adversarialCorrect,
  }
}

/**
 * The robustness curve of SPEC §5: scores g on every x_i and a_i, measures d_i, and returns
 * acc(ε) on the grid with its AUC (closed form and trapezoid).
 */
export async function robustnessCurve(input: CurveInput, ctx: JobContext = silentContext()): Promise<RobustnessCurve> {
  const { clean, labels, model } = input
  const n = clean.shape[0]
  if (labels.length !== n) throw new LabError('curve-labels', `${n} clean images but ${labels.length} labels: pass one label per image.`)
  const norm = input.norm ?? 'linf'
  const adversarial = input.adversarial instanceof Float32Array ? tf.tensor4d(input.adversarial, clean.shape) : input.adversarial
  if (adversarial.size !== clean.size) throw new LabError('curve-shapes', 'The adversarial images do not match the clean ones in number or size; pass the attack’s output for these images.')
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
    return curveFromOutcomes(distances, cleanCorrect, adversarialCorrect, { ...input, norm })
  } finally {
    if (adversarial !== input.adversarial) adversarial.dispose()
  }
}
