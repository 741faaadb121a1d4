import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import type { JobContext } from '../base/job-context'
import type { AttackResult } from './attack-result'
import { concatTyped } from '../base/typed-concat'
import { resolveSampleIds } from './sample-rngs'

type RunOne = (model: Classifier, images: tf.Tensor4D, labels: Int32Array, ctx: JobContext, sampleIds: Int32Array) => Promise<AttackResult>

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
