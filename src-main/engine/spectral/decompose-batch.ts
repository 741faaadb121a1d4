import * as tf from '@tensorflow/tfjs-core'
import { throwIfCancelled, type JobContext } from '../base/job-context'
import type { MaskOptions } from './mask-options'
import { assertPixelBatch, type PixelBatch } from './pixel-batch'
import { chunkImages } from './chunks'
import { applyFilter, filterPlan } from './separable-filter'
import { float32View } from './tensor-read'

export interface SplitBatch {
  low: Float32Array
  high: Float32Array
}

/**
 * Low/high split of a large NHWC float32 batch held outside TF.js (data sets, exports), chunk by
 * chunk so memory stays bounded, with progress and cancellation once per chunk. Not
 * differentiable; use decompose() on tensors when gradients must flow.
 */
export async function decomposeBatch(
  batch: PixelBatch<Float32Array>,
  r: number,
  options?: MaskOptions,
  ctx?: JobContext,
): Promise<SplitBatch> {
  assertPixelBatch(batch)
  const [n, h, w, c] = batch.shape
  const plan = filterPlan(h, w, r, options)
  const low = new Float32Array(batch.data.length)
  const high = new Float32Array(batch.data.length)
  const per = chunkImages(h, w, c)
  const stride = h * w * c
  for (let start = 0; start < n; start += per) {
    if (ctx) throwIfCancelled(ctx.signal)
    const size = Math.min(per, n - start)
    const from = start * stride
    const input = batch.data.subarray(from, from + size * stride)
    const filtered = tf.tidy(() => applyFilter(tf.tensor4d(input, [size, h, w, c]), plan))
    const values = float32View(filtered)
    for (let k = 0; k < values.length; k++) {
      low[from + k] = values[k]
      high[from + k] = input[k] - values[k]
    }
    filtered.dispose()
    if (ctx) {
      ctx.progress(start + size, n, 'frequency split')
      // Yield so a cancel message can reach the worker between chunks.
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  return { low, high }
}
