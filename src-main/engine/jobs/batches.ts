import * as tf from '@tensorflow/tfjs-core'
import type { Dataset } from '../data/dataset'
import { shardBounds, type Selection } from '../../protocol/selection'
import { parseIndices, selectSamples } from '../data/selection'
import { throwIfCancelled, type JobContext } from '../base/job-context'

/**
 * The images a batch job runs on: an explicit "0-99,120" list, else the first `limit`, else all;
 * then n of them drawn with the seed (ascending order) and/or one class; then, when sharded, only
 * this shard's contiguous block, so the union of the shards is exactly the unsharded selection.
 */
export function selectIndices(dataset: Dataset, selection: Selection): Int32Array {
  let chosen = selection.indices
    ? parseIndices(selection.indices, dataset.info.count)
    : Int32Array.from({ length: Math.min(selection.limit ?? dataset.info.count, dataset.info.count) }, (_, i) => i)
  if (selection.n !== undefined || selection.classIndex !== undefined) {
    chosen = selectSamples({ n: selection.n, seed: selection.seed ?? 0, class: selection.classIndex, indices: chosen }, dataset.labels())
  }
  for (const shard of [selection.shard, selection.subShard]) {
    if (!shard) continue
    const [start, end] = shardBounds(chosen.length, shard)
    chosen = chosen.slice(start, end)
  }
  return chosen
}

export interface Batch {
  /** Position of the batch's first image within the selection. */
  offset: number
  indices: Int32Array
  labels: Int32Array
  images: tf.Tensor4D
}

/**
 * Walks a selection batch by batch: reads pixels lazily, checks cancellation, reports progress, and
 * disposes each batch's tensor after `visit`, so memory stays at one batch whatever the data size.
 */
export async function forEachBatch(
  dataset: Dataset,
  indices: Int32Array,
  batchSize: number,
  ctx: JobContext,
  phase: string,
  visit: (batch: Batch) => Promise<void> | void,
): Promise<void> {
  const all = dataset.labels()
  const [h, w, c] = dataset.info.shape
  // Said before the first batch, so a sharded job's total is known at once (not 0/1 until a batch ends).
  ctx.progress(0, indices.length, phase)
  for (let offset = 0; offset < indices.length; offset += batchSize) {
    throwIfCancelled(ctx.signal)
    const chunk = indices.subarray(offset, Math.min(offset + batchSize, indices.length))
    const pixels = await dataset.read(chunk)
    const images = tf.tensor4d(pixels, [chunk.length, h, w, c])
    try {
      await visit({ offset, indices: chunk, labels: Int32Array.from(chunk, (i) => all[i]), images })
    } finally {
      images.dispose()
    }
    ctx.progress(Math.min(offset + batchSize, indices.length), indices.length, phase)
  }
}
