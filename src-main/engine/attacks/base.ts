import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { LabError } from '../base/errors'
import { throwIfCancelled, type JobContext } from '../base/job-context'
import { concatTyped } from '../base/typed-concat'
import { perSampleDistance } from '../scoring'
import { radialBins, radialEnergyProfiles } from '../spectral'
import type { AttackResult, AttackRunOptions } from './attack-result'
import { isAdversarial, verdict } from './margin'
import { resolveSampleIds } from './sample-rngs'

/**
 * The attack base, in the shape of Foolbox 3's: every attack is one method (its own step and its
 * own loop) over the steps this module owns for all of them (docs/algorithms.md §Attacks):
 * checking the input, the clean check and the active set, the success test under the margin
 * rule, cancellation and progress, and the finish (clipping to [0, 1], the re-check on the
 * returned image, distances and perturbation spectra); and running a stack in batches.
 */

/** Per-sample values an attack reports besides the shared ones (the HF radius, the FGSM ε, ...). */
export type AttackExtra = Record<string, Float32Array | Int32Array>

/** One per-sample value of an attack: its type, its value where the attack found nothing, and (with the clean check) where the clean image was already misclassified. */
export interface ExtraField {
  type: 'float32' | 'int32'
  initial: number
  misclassified?: number
}

/** What an attack's method works on; the base builds it and turns it into the result. */
export interface AttackState<P> {
  readonly model: Classifier
  /** The clean batch, NHWC in [0, 1]. */
  readonly images: tf.Tensor4D
  readonly labels: Int32Array
  readonly options: P & AttackRunOptions
  readonly n: number
  /** Values per image (h · w · c). */
  readonly size: number
  /** The clean pixels, NHWC. */
  readonly clean: Float32Array
  /** The samples to attack, ascending: with the clean check, those the model gets right; else all. */
  readonly active: number[]
  /** Model evaluations per sample, as the sequential Foolbox algorithm would spend them (the clean check counts one). */
  readonly queries: Int32Array
  /** The attack's per-sample values, allocated from its `extra` fields. */
  readonly extra: AttackExtra
  /** Records image `row` of `values` (rows of `size`) as the adversarial of sample `i`; a later call replaces it. */
  accept(i: number, values: Float32Array, row?: number): void
  /** 1 where a candidate (row k for sample samples[k]) passes the success rule; counting the queries is the method's. */
  fooled(candidates: tf.Tensor4D, samples: readonly number[]): Promise<Uint8Array>
  /** Throws CancelledError once the job is cancelled: the method calls it before each step. */
  checkCancelled(): void
  /** Reports `done` of `total` steps under the attack's name. */
  progress(done: number, total: number): void
}

export interface AttackMethod<P> {
  /** The phase name progress reports. */
  name: string
  /**
   * Whether the base classifies the clean images first (one query each) and hands the method only
   * the samples the model gets right; those it already gets wrong are returned unchanged and count
   * as successes. HF and DeepFool leave it off: their own first step tests the clean image.
   */
  cleanCheck: boolean
  extra: Record<string, ExtraField>
  /** The attack's own loop over `state.active`. */
  run(state: AttackState<P>): Promise<void>
}

export type AttackRunner<P> = (
  model: Classifier,
  images: tf.Tensor4D,
  labels: Int32Array,
  options: P & AttackRunOptions,
  ctx: JobContext,
) => Promise<AttackResult>

/** The images as [0, 1] NHWC pixels with one label each, or a named error that says what to pass. */
async function checkedInput(images: tf.Tensor4D, labels: Int32Array): Promise<Float32Array> {
  if (images.rank !== 4)
    throw new LabError('ATTACK_INPUT', `An attack takes a batch of NHWC images (rank 4), not shape [${images.shape.join(', ')}].`)
  if (images.shape[0] !== labels.length) {
    throw new LabError('ATTACK_LABELS', `The batch has ${images.shape[0]} images but ${labels.length} labels; pass one label per image.`)
  }
  const clean = (await images.data()) as Float32Array
  for (let k = 0; k < clean.length; k++) {
    const v = clean[k]
    if (!(v >= 0 && v <= 1)) {
      throw new LabError(
        'ATTACK_INPUT',
        `An attack takes pixels on the [0, 1] scale, but value ${k} of the batch is ${v}. Scale the images to [0, 1] first.`,
      )
    }
  }
  return clean
}

/** The registry's run function of an attack method: the shared steps around its own loop. */
export function defineAttack<P>(method: AttackMethod<P>): AttackRunner<P> {
  return async (model, images, labels, options, ctx) => {
    const clean = await checkedInput(images, labels)
    const n = images.shape[0]
    const size = images.size / Math.max(n, 1)
    // Failures get the clean image back in the finish; this copy only holds what accept() records.
    const adversarial = new Float32Array(clean)
    const success = new Uint8Array(n)
    const queries = new Int32Array(n)
    const extra: AttackExtra = {}
    for (const [name, field] of Object.entries(method.extra))
      extra[name] = (field.type === 'int32' ? new Int32Array(n) : new Float32Array(n)).fill(field.initial)
    let active = Array.from({ length: n }, (_, i) => i)
    if (method.cleanCheck) {
      const wrong = await isAdversarial(model, images, labels)
      queries.fill(1)
      active = active.filter((i) => !wrong[i])
      for (let i = 0; i < n; i++) {
        if (!wrong[i]) continue
        success[i] = 1
        for (const [name, field] of Object.entries(method.extra))
          if (field.misclassified !== undefined) extra[name][i] = field.misclassified
      }
    }
    const state: AttackState<P> = {
      model,
      images,
      labels,
      options,
      n,
      size,
      clean,
      active,
      queries,
      extra,
      accept: (i, values, row = 0) => {
        adversarial.set(values.subarray(row * size, (row + 1) * size), i * size)
        success[i] = 1
      },
      fooled: (candidates, samples) =>
        isAdversarial(
          model,
          candidates,
          Array.from(samples, (i) => labels[i]),
        ),
      checkCancelled: () => throwIfCancelled(ctx.signal),
      progress: (done, total) => ctx.progress(done, total, method.name),
    }
    if (active.length > 0) await method.run(state)
    return finish(model, images, clean, labels, { adversarial, success, queries, extra })
  }
}

/**
 * Turns an attack loop's outcome into its result: every claimed success is clipped to [0, 1] and
 * re-checked under the margin rule by querying the model again on the exact returned image,
 * failures get the clean image back, and the distances, margins and perturbation spectra (the
 * radial energy profile of adversarial − clean, docs/algorithms.md §Beyond the paper) are measured
 * on the returned images rather than trusted from the loop.
 */
async function finish(
  model: Classifier,
  images: tf.Tensor4D,
  clean: Float32Array,
  labels: ArrayLike<number>,
  candidate: { adversarial: Float32Array; success: Uint8Array; queries: Int32Array; extra: AttackExtra },
): Promise<AttackResult> {
  const n = images.shape[0]
  const size = clean.length / Math.max(n, 1)
  const adversarial = new Float32Array(clean)
  for (let i = 0; i < n; i++) {
    if (candidate.success[i]) {
      const from = candidate.adversarial.subarray(i * size, (i + 1) * size)
      for (let k = 0; k < size; k++) adversarial[i * size + k] = Math.min(1, Math.max(0, from[k]))
    }
  }
  const advTensor = tf.tensor4d(adversarial, images.shape)
  const checked = await verdict(model, advTensor, labels)
  advTensor.dispose()
  const success = new Uint8Array(n)
  const margin = checked.margin
  let reverted = false
  for (let i = 0; i < n; i++) {
    success[i] = candidate.success[i] && checked.fooled[i] ? 1 : 0
    if (candidate.success[i] && !success[i]) {
      adversarial.set(clean.subarray(i * size, (i + 1) * size), i * size)
      reverted = true
    }
  }
  if (reverted) {
    const cleanMargin = (await verdict(model, images, labels)).margin
    for (let i = 0; i < n; i++) if (candidate.success[i] && !success[i]) margin[i] = cleanMargin[i]
  }
  const delta = new Float32Array(adversarial.length)
  for (let k = 0; k < delta.length; k++) delta[k] = adversarial[k] - clean[k]
  const [, h, w, c] = images.shape
  return {
    adversarial,
    success,
    margin,
    distanceL2: perSampleDistance(clean, adversarial, n, 'l2'),
    distanceLinf: perSampleDistance(clean, adversarial, n, 'linf'),
    queries: candidate.queries,
    spectrum: { bins: radialBins(h, w), profiles: radialEnergyProfiles({ data: delta, shape: [n, h, w, c] }) },
    ...(Object.keys(candidate.extra).length ? { extra: candidate.extra } : {}),
  }
}

/**
 * The result of an attack on no image: a worker whose block of a pooled job is empty answers it,
 * and it merges with the other workers' results as zero samples (its spectra's bins are the image size's).
 */
export function emptyAttackResult(h: number, w: number): AttackResult {
  return {
    adversarial: new Float32Array(0),
    success: new Uint8Array(0),
    margin: new Float32Array(0),
    distanceL2: new Float32Array(0),
    distanceLinf: new Float32Array(0),
    queries: new Int32Array(0),
    spectrum: { bins: radialBins(h, w), profiles: new Float32Array(0) },
  }
}

/** Joins the results of consecutive batches into the result of the whole stack. */
export function concatResults(parts: AttackResult[]): AttackResult {
  const keys = Object.keys(parts[0].extra ?? {})
  return {
    adversarial: concatTyped(parts.map((p) => p.adversarial)),
    success: concatTyped(parts.map((p) => p.success)),
    margin: concatTyped(parts.map((p) => p.margin)),
    distanceL2: concatTyped(parts.map((p) => p.distanceL2)),
    distanceLinf: concatTyped(parts.map((p) => p.distanceLinf)),
    queries: concatTyped(parts.map((p) => p.queries)),
    spectrum: { bins: parts[0].spectrum.bins, profiles: concatTyped(parts.map((p) => p.spectrum.profiles)) },
    ...(keys.length ? { extra: Object.fromEntries(keys.map((k) => [k, concatTyped(parts.map((p) => (p.extra ?? {})[k]))])) } : {}),
  }
}

type RunOne = (model: Classifier, images: tf.Tensor4D, labels: Int32Array, ctx: JobContext, sampleIds: Int32Array) => Promise<AttackResult>

/**
 * Runs an attack over a stack of images in batches of `batchSize`, passing each sample's global
 * id so seeded attacks give the same per-sample result whatever the batching; progress of each
 * batch is scaled into the whole run.
 */
export async function runInBatches(
  run: RunOne,
  model: Classifier,
  images: tf.Tensor4D,
  labels: Int32Array,
  batchSize: number,
  ctx: JobContext,
  sampleIds?: ArrayLike<number>,
): Promise<AttackResult> {
  const n = images.shape[0]
  // No attack runs on an empty stack (tensor kernels on zero images fail on some backends).
  if (n === 0) return emptyAttackResult(images.shape[1], images.shape[2])
  const ids = resolveSampleIds(n, sampleIds)
  const batches = Math.max(1, Math.ceil(n / batchSize))
  const parts: AttackResult[] = []
  for (let b = 0; b < batches; b++) {
    const start = b * batchSize
    const size = Math.min(batchSize, n - start)
    const batchCtx: JobContext = {
      signal: ctx.signal,
      partial: (data) => ctx.partial(data),
      progress: (done, total, phase) => ctx.progress(b + (total > 0 ? Math.min(done / total, 1) : 1), batches, phase),
    }
    const slice = size === n ? images : tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1])
    try {
      parts.push(await run(model, slice, labels.subarray(start, start + size), batchCtx, ids.subarray(start, start + size)))
    } finally {
      if (slice !== images) slice.dispose()
    }
  }
  return parts.length === 1 ? parts[0] : concatResults(parts)
}
